// The state of one record editor: loading → ready (or error), the draft the fields bind
// to, and whether it differs from what was loaded or saved (dirty). A record that has
// not loaded cannot be saved: the editor is not `ready` until it has.
import { errorMessage } from '../i18n/errors';
import { FormState } from './form.svelte';

export type EditorStatus = 'loading' | 'error' | 'ready';

export interface EditorOptions<R, D> {
  /** Loads the record being edited. */
  load: (id: number) => Promise<R>;
  /** The draft of a new record. */
  blank: () => D;
  /** The draft of a loaded record. */
  toDraft: (r: R) => D;
}

/** A stable text of a draft, to compare drafts by value. */
export function snapshot(d: unknown): string {
  return JSON.stringify(d, (_k, v) => (v === undefined ? null : v));
}

export class EditorState<R, D> {
  status = $state<EditorStatus>('ready');
  record = $state<R | null>(null);
  draft = $state<D>() as D;
  loadError = $state<string | null>(null);
  readonly form = new FormState();
  private baseline = $state('');
  /** The draft differs from what was loaded or last saved. */
  dirty = $derived(snapshot(this.draft) !== this.baseline);
  private id = $state<number | null>(null);
  private seq = 0;

  constructor(private opts: EditorOptions<R, D>) {
    this.draft = opts.blank();
    this.baseline = snapshot(this.draft);
  }

  get isNew(): boolean {
    return this.id == null;
  }

  get recordId(): number | null {
    return this.id;
  }

  /** Edits record `id`, or a new record when null. */
  async open(id: number | null): Promise<void> {
    this.id = id;
    this.form.reset();
    const seq = ++this.seq;
    if (id == null) {
      this.record = null;
      this.draft = this.opts.blank();
      this.baseline = snapshot(this.draft);
      this.loadError = null;
      this.status = 'ready';
      return;
    }
    this.status = 'loading';
    this.loadError = null;
    try {
      const r = await this.opts.load(id);
      if (seq !== this.seq) return;
      this.accept(r);
    } catch (e) {
      if (seq !== this.seq) return;
      this.loadError = errorMessage(e);
      this.status = 'error';
    }
  }

  /** Retries a failed load. */
  retry(): Promise<void> {
    return this.open(this.id);
  }

  /** The record as saved (or loaded): the draft follows it and is clean again. */
  accept(r: R, id?: number) {
    this.record = r;
    if (id != null) this.id = id;
    this.draft = this.opts.toDraft(r);
    this.baseline = snapshot(this.draft);
    this.status = 'ready';
  }

  /** Accepts `r` and records that it now exists with `id` (after a create). */
  created(r: R, id: number) {
    this.accept(r, id);
  }

  /** Forgets the edits. */
  revert() {
    this.draft = this.record ? this.opts.toDraft(this.record) : this.opts.blank();
    this.baseline = snapshot(this.draft);
    this.form.reset();
  }

  get canSave(): boolean {
    return this.status === 'ready' && !this.form.busy;
  }
}
