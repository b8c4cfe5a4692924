// Keyboard shortcuts as data: "Mod+S" means Ctrl+S (Cmd+S on macOS).

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

/** How a shortcut reads on this platform: "Ctrl+K" or "⌘K". */
export function label(shortcut: string, mac = isMac()): string {
  if (mac) return shortcut.replace('Mod+', '⌘').replace('Shift+', '⇧').replace('Alt+', '⌥');
  return shortcut.replace('Mod+', 'Ctrl+');
}
