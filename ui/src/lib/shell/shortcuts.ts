// Screen-level shortcuts (Mod+N new, Mod+S save, ...), active while the screen is mounted
// and no dialog is open over it.
import { matches } from '../ui/keyboard';

export type Handlers = Record<string, (e: KeyboardEvent) => void>;

export function dialogOpen(): boolean {
  return !!document.querySelector('[role="dialog"]');
}

/** Use in an $effect: returns the cleanup. */
export function bindShortcuts(handlers: Handlers, opts: { whenDialog?: boolean } = {}): () => void {
  const onkey = (e: KeyboardEvent) => {
    if (!opts.whenDialog && dialogOpen()) return;
    for (const [sc, fn] of Object.entries(handlers)) {
      if (matches(e, sc)) {
        e.preventDefault();
        fn(e);
        return;
      }
    }
  };
  window.addEventListener('keydown', onkey);
  return () => window.removeEventListener('keydown', onkey);
}
