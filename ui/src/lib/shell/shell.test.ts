import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// The test config resolves `svelte` for the server (no `browser` condition); mounting a
// component needs Svelte's client runtime, so this file swaps it in.
const client = vi.hoisted(() => '../../../node_modules/svelte/src/index-client.js');
vi.mock('svelte', () => import(/* @vite-ignore */ client));
import { flushSync, mount, unmount } from 'svelte';
import { i18n } from '../i18n/index.svelte';
import { label } from '../ui/keyboard';
import { confirmer } from '../ui/confirm.svelte';
import ConfirmHost from '../ui/ConfirmHost.svelte';

// The router's history API, as the shell uses it (its owner implements it for real).
const fake = vi.hoisted(() => ({
  route: { screen: 'home' } as { screen: string; id?: number },
  canBack: true,
  canForward: true,
  go: (() => {}) as (screen: string, extra?: object) => void,
  back: (() => {}) as () => void,
  forward: (() => {}) as () => void,
}));
vi.mock('./router.svelte', () => ({ router: fake }));

afterEach(() => {
  i18n.set('en');
  document.body.innerHTML = '';
});

describe('shortcut labels', () => {
  it('read the macOS way on a Mac and spelled out elsewhere', () => {
    expect(label('Mod+K', true)).toBe('⌘K');
    expect(label('Mod+K', false)).toBe('Ctrl+K');
    expect(label('Mod+Shift+N', true)).toBe('⇧⌘N');
    expect(label('Mod+Shift+N', false)).toBe('Ctrl+Shift+N');
    expect(label('Alt+ArrowLeft', true)).toBe('⌥←');
    expect(label('Alt+ArrowLeft', false)).toBe('Alt+←');
    expect(label('Mod+[', true)).toBe('⌘[');
    expect(label('Escape', false)).toBe('Esc');
    expect(label('Mod+Enter', true)).toBe('⌘↩');
    expect(label('Mod+Enter', false)).toBe('Ctrl+Enter');
  });
});

describe('language switching', () => {
  it('re-renders a mounted component in the new language', () => {
    i18n.set('en');
    const host = document.createElement('div');
    document.body.append(host);
    const app = mount(ConfirmHost, { target: host });
    confirmer.ask({ title: 'Delete?', message: 'Really?' });
    flushSync();
    const text = () => host.ownerDocument.body.textContent ?? '';
    expect(text()).toContain('Cancel');
    expect(text()).toContain('Confirm');
    i18n.set('de');
    flushSync();
    expect(text()).toContain('Abbrechen');
    expect(text()).toContain('Bestätigen');
    expect(text()).not.toContain('Cancel');
    confirmer.answer(false);
    unmount(app);
  });
});

describe('AppShell Back/Forward', () => {
  let back: ReturnType<typeof vi.fn>;
  let forward: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    back = vi.fn();
    forward = vi.fn();
    fake.back = back as unknown as () => void;
    fake.forward = forward as unknown as () => void;
    fake.canBack = true;
    fake.canForward = true;
  });

  async function shell() {
    const { default: AppShell } = await import('./AppShell.svelte');
    const host = document.createElement('div');
    document.body.append(host);
    const app = mount(AppShell, { target: host });
    flushSync();
    return { host, app };
  }
  const key = (init: KeyboardEventInit, target: EventTarget = window) =>
    target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));

  it('Alt+←/→ and the mouse side buttons go back and forward', { timeout: 60_000 }, async () => {
    const { app } = await shell();
    key({ key: 'ArrowLeft', altKey: true });
    expect(back).toHaveBeenCalledTimes(1);
    key({ key: 'ArrowRight', altKey: true });
    expect(forward).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new MouseEvent('mouseup', { button: 3, bubbles: true, cancelable: true }));
    expect(back).toHaveBeenCalledTimes(2);
    window.dispatchEvent(new MouseEvent('mouseup', { button: 4, bubbles: true, cancelable: true }));
    expect(forward).toHaveBeenCalledTimes(2);
    window.dispatchEvent(new MouseEvent('mouseup', { button: 0, bubbles: true }));
    expect(back).toHaveBeenCalledTimes(2);
    unmount(app);
  });

  it('the header buttons follow canBack/canForward, and text fields keep Alt+arrows', { timeout: 60_000 }, async () => {
    fake.canBack = false;
    const { host, app } = await shell();
    const b = host.querySelector<HTMLButtonElement>('[data-testid="nav-back"]')!;
    const f = host.querySelector<HTMLButtonElement>('[data-testid="nav-forward"]')!;
    expect(b.disabled).toBe(true);
    expect(f.disabled).toBe(false);
    expect(f.getAttribute('aria-label')).toBe('Forward');
    key({ key: 'ArrowLeft', altKey: true });
    expect(back).not.toHaveBeenCalled();
    f.click();
    expect(forward).toHaveBeenCalledTimes(1);
    const input = document.createElement('input');
    host.append(input);
    key({ key: 'ArrowRight', altKey: true }, input);
    expect(forward).toHaveBeenCalledTimes(1);
    unmount(app);
  });
});
