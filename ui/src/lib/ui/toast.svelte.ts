// Toasts: short messages at the bottom right that go away by themselves. Use `ok` only when
// nothing else on screen shows the result (a dialog that closed, a file saved
// elsewhere); a row that appears or a form that closes already says it.

export type ToastKind = 'ok' | 'error' | 'info';
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

class Toasts {
  items = $state<Toast[]>([]);
  private next = 1;
  show(text: string, kind: ToastKind = 'ok', ms = kind === 'error' ? 6000 : kind === 'ok' ? 2500 : 4000) {
    const id = this.next++;
    this.items = [...this.items.slice(-2), { id, kind, text }];
    setTimeout(() => this.dismiss(id), ms);
  }
  dismiss(id: number) {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
export const toast = {
  ok: (t: string) => toasts.show(t, 'ok'),
  error: (t: string) => toasts.show(t, 'error'),
  info: (t: string) => toasts.show(t, 'info'),
};
