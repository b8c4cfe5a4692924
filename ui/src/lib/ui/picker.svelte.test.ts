import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: the file has no typings of its own (they are the package's).
vi.mock('svelte', () => import('../../../node_modules/svelte/src/index-client.js'));
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import RecordPicker from './RecordPicker.svelte';
import type { PickerOption } from './picker';
import { i18n } from '../i18n/index.svelte';

i18n.set('en');
afterEach(cleanup);

const PRODUCTS: PickerOption[] = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, label: `Product ${i + 1}`, sub: `SKU-${i + 1}` }));
PRODUCTS.push({ id: 99, label: 'Widget', sub: '4006381333931' });

function setup(extra: Record<string, unknown> = {}) {
  const calls: string[] = [];
  const search = vi.fn(async (q: string, limit: number) => {
    calls.push(q);
    const l = q.toLowerCase();
    return PRODUCTS.filter((p) => p.label.toLowerCase().includes(l) || p.sub === q).slice(0, limit);
  });
  const p = $state<Record<string, unknown>>({ label: 'Product', name: 'product_id', value: null, search, debounce: 0, limit: 5, ...extra });
  render(RecordPicker, { props: p as never });
  const input = screen.getByRole('combobox') as HTMLInputElement;
  return { p, input, search, calls, u: userEvent.setup() };
}
const options = () => screen.queryAllByRole('option');

describe('RecordPicker', () => {
  it('opens with arrows, shows the first N with "type to narrow", Enter picks', async () => {
    const { p, input, u } = setup();
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.getAttribute('aria-controls')).toBeTruthy();
    await u.click(input);
    await u.keyboard('{ArrowDown}');
    await waitFor(() => expect(options()).toHaveLength(5));
    expect(input.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('status').textContent).toContain('Showing the first 5: type to narrow');
    expect(options()[0].getAttribute('aria-selected')).toBe('true');
    await u.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}');
    expect(input.getAttribute('aria-activedescendant')).toBe(options()[1].id);
    expect(options()[1].getAttribute('aria-selected')).toBe('true');
    await u.keyboard('{Enter}');
    expect(p.value).toBe(2);
    expect(input.value).toBe('Product 2');
    expect(input.getAttribute('aria-expanded')).toBe('false');
  });

  it('narrows as you type (in SQL, by the caller) and Tab picks the highlighted hit and moves on', async () => {
    const { p, input, u, calls } = setup();
    const after = document.createElement('input');
    document.body.appendChild(after);
    await u.click(input);
    await u.type(input, 'wid');
    await waitFor(() => expect(options().map((o) => o.textContent)).toEqual(['Widget4006381333931']));
    expect(calls.at(-1)).toBe('wid');
    await u.tab();
    expect(p.value).toBe(99);
    expect(document.activeElement).toBe(after);
    after.remove();
  });

  it('Escape closes the list without reaching an enclosing dialog, then undoes the typing', async () => {
    const { p, input, u } = setup({ value: 3, selectedLabel: 'Product 3' });
    const outer = vi.fn();
    const listen = (e: KeyboardEvent) => e.key === 'Escape' && !e.defaultPrevented && outer();
    window.addEventListener('keydown', listen);
    expect(input.value).toBe('Product 3');
    await u.click(input);
    await u.type(input, 'zz');
    await u.keyboard('{Escape}');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.value).toBe('Product 3zz');
    await u.keyboard('{Escape}');
    expect(input.value).toBe('Product 3');
    expect(p.value).toBe(3);
    expect(outer).not.toHaveBeenCalled();
    await u.keyboard('{Escape}'); // nothing left to undo: the dialog may close now
    expect(outer).toHaveBeenCalledTimes(1);
    window.removeEventListener('keydown', listen);
  });

  it('Backspace on empty text clears the value', async () => {
    const onpick = vi.fn();
    const { p, input, u } = setup({ value: 3, selectedLabel: 'Product 3', onpick });
    await u.click(input); // selects the label
    await u.keyboard('{Backspace}');
    expect(input.value).toBe('');
    expect(p.value).toBe(3);
    await u.keyboard('{Backspace}');
    expect(p.value).toBeNull();
    expect(onpick).toHaveBeenCalledWith(null, 'clear');
  });

  it('a barcode scanner (fast typing, then Enter) picks the one match', async () => {
    const onpick = vi.fn();
    const { p, input, u, search } = setup({ debounce: 10_000, onpick });
    await u.click(input);
    await u.type(input, '4006381333931{Enter}');
    await waitFor(() => expect(p.value).toBe(99));
    expect(search).toHaveBeenCalledTimes(1);
    expect(input.value).toBe('Widget');
    expect(onpick).toHaveBeenCalledWith(PRODUCTS[30], 'enter');
  });

  it('Enter on text matching several records opens the list instead of guessing', async () => {
    const { p, input, u } = setup({ debounce: 10_000 });
    await u.click(input);
    await u.type(input, 'product 1{Enter}');
    await waitFor(() => expect(options().length).toBe(5));
    expect(p.value).toBeNull();
  });

  it('offers Create “…” when oncreate is given', async () => {
    const oncreate = vi.fn(async (text: string) => ({ id: 500, label: text }));
    const { p, input, u } = setup({ oncreate });
    await u.click(input);
    await u.type(input, 'Gadget');
    await waitFor(() => expect(screen.getByTestId('picker-create').textContent).toContain('Create “Gadget”'));
    await u.keyboard('{Enter}');
    await waitFor(() => expect(p.value).toBe(500));
    expect(oncreate).toHaveBeenCalledWith('Gadget');
    expect(input.value).toBe('Gadget');
  });

  it('resolves the label of a value it did not pick, and a click picks', async () => {
    const resolve = vi.fn(async (id: string | number) => `Resolved ${id}`);
    const { p, input, u } = setup({ value: 7, resolve });
    await waitFor(() => expect(input.value).toBe('Resolved 7'));
    await u.click(input);
    await u.keyboard('{ArrowDown}');
    await waitFor(() => expect(options().length).toBe(5));
    await u.click(options()[4]);
    expect(p.value).toBe(5);
  });

  it('read-only does not open; the backend error sits beside the field', async () => {
    const { input, u } = setup({ readonly: true, error: 'is archived' });
    await u.click(input);
    await u.keyboard('{ArrowDown}');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(screen.getByTestId('field-error').textContent).toBe('is archived');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('f-product_id-error');
  });
});
