// One confirmation at a time, asked before destructive actions.

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel?: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
}

class Confirmer {
  current = $state<ConfirmRequest | null>(null);
  ask(req: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
    return new Promise((resolve) => {
      this.current = { ...req, resolve };
    });
  }
  answer(ok: boolean) {
    this.current?.resolve(ok);
    this.current = null;
  }
}

export const confirmer = new Confirmer();
export const confirm = (req: Omit<ConfirmRequest, 'resolve'>) => confirmer.ask(req);
