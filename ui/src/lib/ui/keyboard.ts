// Keyboard shortcuts as data: "Mod+S" means Ctrl+S (Cmd+S on macOS). Show them with
// `label()`, never as hard-coded "Ctrl+…" text.

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
}

/** Whether a key event matches a shortcut such as "Mod+K", "Escape" or "Mod+Shift+N". */
export function matches(e: KeyLike, shortcut: string, mac = isMac()): boolean {
  const parts = shortcut.split('+');
  const key = parts.pop()!.toLowerCase();
  const want = new Set(parts.map((p) => p.toLowerCase()));
  const mod = mac ? e.metaKey : e.ctrlKey;
  if (want.has('mod') !== mod) return false;
  if (!want.has('mod') && (e.ctrlKey || e.metaKey)) return false;
  if (want.has('shift') !== e.shiftKey) return false;
  if (want.has('alt') !== e.altKey) return false;
  return e.key.toLowerCase() === key;
}

const KEYS: Record<string, [mac: string, other: string]> = {
  arrowleft: ['←', '←'],
  arrowright: ['→', '→'],
  arrowup: ['↑', '↑'],
  arrowdown: ['↓', '↓'],
  escape: ['Esc', 'Esc'],
  enter: ['↩', 'Enter'],
  backspace: ['⌫', 'Backspace'],
  delete: ['⌦', 'Del'],
  tab: ['⇥', 'Tab'],
  ' ': ['Space', 'Space'],
  space: ['Space', 'Space'],
};

/**
 * How a shortcut reads on this platform, the one place that spells it: "Mod+K" is "⌘K"
 * on macOS (modifiers as symbols, in Apple's order ⌃⌥⇧⌘) and "Ctrl+K" elsewhere.
 */
export function label(shortcut: string, mac = isMac()): string {
  const parts = shortcut.split('+');
  const rawKey = parts.pop() ?? '';
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  const named = KEYS[rawKey.toLowerCase()];
  const key = named ? named[mac ? 0 : 1] : rawKey.length === 1 ? rawKey.toUpperCase() : rawKey;
  if (mac) {
    const sym = [mods.has('ctrl') ? '⌃' : '', mods.has('alt') ? '⌥' : '', mods.has('shift') ? '⇧' : '', mods.has('mod') || mods.has('meta') ? '⌘' : ''];
    return sym.join('') + key;
  }
  const words = [mods.has('mod') || mods.has('ctrl') ? 'Ctrl' : '', mods.has('alt') ? 'Alt' : '', mods.has('shift') ? 'Shift' : '', mods.has('meta') ? 'Win' : ''];
  return [...words.filter(Boolean), key].join('+');
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements Tab reaches inside `root`, in order (not inert, hidden or in a disabled fieldset). */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[inert]') && !el.closest('[hidden]') && !el.closest('fieldset[disabled]'));
}

/** Whether `box` is the topmost open dialog (a confirmation over an editor answers first). */
export function topmost(box: HTMLElement | undefined | null): boolean {
  if (!box) return false;
  const all = document.querySelectorAll('[role="dialog"], [role="alertdialog"]');
  return all[all.length - 1] === box;
}

/**
 * Svelte action: keeps Tab and Shift+Tab inside the element (a modal: the lock screen,
 * the command palette), and pulls the focus back in if it lands outside.
 */
export function trapFocus(node: HTMLElement) {
  const onkey = (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const els = focusables(node);
    if (!els.length) {
      e.preventDefault();
      return;
    }
    const first = els[0];
    const last = els[els.length - 1];
    const at = document.activeElement;
    if (e.shiftKey && (at === first || !node.contains(at))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (at === last || !node.contains(at))) {
      e.preventDefault();
      first.focus();
    }
  };
  const onfocus = (e: FocusEvent) => {
    if (e.target instanceof Node && !node.contains(e.target)) focusables(node)[0]?.focus();
  };
  document.addEventListener('keydown', onkey, true);
  document.addEventListener('focusin', onfocus);
  return {
    destroy() {
      document.removeEventListener('keydown', onkey, true);
      document.removeEventListener('focusin', onfocus);
    },
  };
}

/**
 * Arrow keys in a `role="menu"`: Up/Down move between its menu items (wrapping),
 * Home/End jump to the ends. Returns whether the key was handled.
 */
export function menuKeys(e: KeyboardEvent, menu: HTMLElement): boolean {
  const items = [...menu.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([disabled])')];
  if (!items.length) return false;
  const i = items.indexOf(document.activeElement as HTMLElement);
  let next: number;
  if (e.key === 'ArrowDown') next = i < 0 ? 0 : (i + 1) % items.length;
  else if (e.key === 'ArrowUp') next = i < 0 ? items.length - 1 : (i - 1 + items.length) % items.length;
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = items.length - 1;
  else return false;
  e.preventDefault();
  items[next].focus();
  return true;
}

/** Whether a key event comes from a place that edits text (where arrows move the caret). */
export function inTextField(e: Event): boolean {
  const el = e.target as HTMLElement | null;
  if (!el || !(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement) return true;
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(el.type);
  return false;
}
