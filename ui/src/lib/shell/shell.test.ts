import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import { i18n } from '../i18n/index.svelte';
import { label } from '../ui/keyboard';
import { confirmer } from '../ui/confirm.svelte';
import ConfirmHost from '../ui/ConfirmHost.svelte';

import { router } from './router.svelte';

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
  async function shell() {
    const { default: AppShell } = await import('./AppShell.svelte');
    const host = document.createElement('div');
    document.body.append(host);
    router.reset(`test-${Math.random()}`);
    const app = mount(AppShell, { target: host });
    flushSync();
    // A history with a step behind and a step ahead (the overview, with records on it).
    await router.go('home', { id: 1 });
    await router.go('home', { id: 2 });
    await router.go('home', { id: 3 });
    await router.back();
    flushSync();
    return { host, app };
  }
  const key = (init: KeyboardEventInit, target: EventTarget = window) =>
    target.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
  const settle = () => new Promise((r) => setTimeout(r, 0)).then(() => flushSync());

  it('Alt+←/→ and the mouse side buttons go back and forward', { timeout: 60_000 }, async () => {
    const { app } = await shell();
    expect(router.route.id).toBe(2);
    key({ key: 'ArrowLeft', altKey: true });
    await settle();
    expect(router.route.id).toBe(1);
    key({ key: 'ArrowRight', altKey: true });
    await settle();
    expect(router.route.id).toBe(2);
    window.dispatchEvent(new MouseEvent('mouseup', { button: 3, bubbles: true, cancelable: true }));
    await settle();
    expect(router.route.id).toBe(1);
    window.dispatchEvent(new MouseEvent('mouseup', { button: 4, bubbles: true, cancelable: true }));
    await settle();
    expect(router.route.id).toBe(2);
    window.dispatchEvent(new MouseEvent('mouseup', { button: 0, bubbles: true }));
    await settle();
    expect(router.route.id).toBe(2);
    unmount(app);
  });

  it('the header buttons follow canBack/canForward, and text fields keep Alt+arrows', { timeout: 60_000 }, async () => {
    const { host, app } = await shell();
    await router.back();
    await settle();
    const b = host.querySelector<HTMLButtonElement>('[data-testid="nav-back"]')!;
    const f = host.querySelector<HTMLButtonElement>('[data-testid="nav-forward"]')!;
    expect(b.disabled).toBe(false);
    expect(router.route.id).toBe(1);
    await router.back();
    await settle();
    expect(b.disabled).toBe(true);
    expect(f.disabled).toBe(false);
    expect(f.getAttribute('aria-label')).toBe('Forward');
    f.click();
    await settle();
    expect(router.route.id).toBe(1);
    const input = document.createElement('input');
    host.append(input);
    key({ key: 'ArrowRight', altKey: true }, input);
    await settle();
    expect(router.route.id).toBe(1);
    unmount(app);
  });
});
