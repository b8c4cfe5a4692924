// The desktop shell freezes Object.prototype (Tauri's freezePrototype): code that assigns
// toString/valueOf onto its own prototypes then throws while loading, and the app shows
// a blank window (big.js did). Everything the screens import must load and work so.
import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';

describe('under a frozen Object.prototype, as in the desktop shell', () => {
  it('the decimal and locale helpers load and compute', async () => {
    Object.freeze(Object.prototype);
    const grid = await import('./linegrid');
    const locale = await import('./locale');
    expect(grid.sum(['0.1', '0.2'], 2)).toBe('0.30');
    expect(grid.lineAmount('3', '19.99', '10')).toBe('53.97');
    expect(locale.parseDecimal('19,90', 'de-DE', { scale: 2, min: '0' })).toEqual({ ok: true, value: '19.90' });
  });

  // It transforms the whole app on import: over 5 s on a busy two-core machine.
  it('the whole app loads and shows its first screen', async () => {
    Object.freeze(Object.prototype);
    const { default: App } = await import('../../App.svelte');
    render(App);
    expect(await screen.findByTestId('start')).toBeTruthy();
  }, 30_000);
});
