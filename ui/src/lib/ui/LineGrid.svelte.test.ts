import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: the file has no typings of its own (they are the package's).
vi.mock('svelte', () => import('../../../node_modules/svelte/src/index-client.js'));
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import LineGrid from './LineGrid.svelte';
import { lineAmount, type LineColumn } from './linegrid';
import type { PickerOption } from './picker';
import { i18n } from '../i18n/index.svelte';

i18n.set('en');
afterEach(cleanup);

type OrderLine = { product_id: number | null; product: string; quantity: string; price: string; discount: string };
const PRODUCTS: (PickerOption & { price: string })[] = [
  { id: 1, label: 'Widget', sub: '4006381333931', price: '19.99' },
  { id: 2, label: 'Gadget', sub: 'G-2', price: '5.00' },
  { id: 3, label: 'Gizmo', sub: 'G-3', price: '0.10' },
];
const search = async (q: string) => PRODUCTS.filter((p) => p.label.toLowerCase().includes(q.toLowerCase()) || p.sub === q);
const columns: LineColumn<OrderLine>[] = [
  { key: 'product_id', label: 'Product', kind: 'picker', search, labelKey: 'product', onpick: (_l, o) => (o ? { price: PRODUCTS.find((p) => p.id === o.id)!.price } : {}) },
  { key: 'quantity', label: 'Quantity', kind: 'number', scale: 3, min: '0', total: true },
  { key: 'price', label: 'Price', kind: 'money' },
  { key: 'discount', label: 'Discount %', kind: 'percent', scale: 2 },
  { key: 'amount', label: 'Amount', kind: 'money', total: true },
];
const blank = (): OrderLine => ({ product_id: null, product: '', quantity: '1', price: '', discount: '' });
const line = (o: Partial<OrderLine>): OrderLine => ({ ...blank(), ...o });

function setup(lines: OrderLine[], extra: Record<string, unknown> = {}) {
  const p = $state<Record<string, unknown>>({
    columns, lines, newLine: blank, label: 'Order lines', locale: 'en-US', currency: 'EUR',
    compute: (l: OrderLine) => ({ amount: lineAmount(l.quantity, l.price, l.discount || '0') }), ...extra,
  });
  render(LineGrid, { props: p as never });
  const grid = screen.getByRole('grid');
  const cell = (row: number, key: string) => grid.querySelector<HTMLElement>(`[data-row="${row}"][data-key="${key}"]`)!;
  return { p, grid, cell, u: userEvent.setup() };
}
const focused = () => (document.activeElement as HTMLElement).dataset;

describe('LineGrid', () => {
  it('is an ARIA grid with row and column indexes and an empty line at the end', () => {
    const { grid, cell } = setup([line({ product_id: 1, product: 'Widget', quantity: '2', price: '19.99' })]);
    expect(grid.getAttribute('aria-label')).toBe('Order lines');
    const rows = within(grid).getAllByRole('row');
    expect(rows.map((r) => r.getAttribute('aria-rowindex'))).toEqual(['1', '2', '3', '4']);
    expect(cell(0, 'quantity').getAttribute('aria-colindex')).toBe('2');
    expect(cell(0, 'product_id').textContent!.trim()).toBe('Widget');
    expect(cell(0, 'price').textContent!.trim()).toBe('19.99');
    expect(cell(0, 'amount').textContent!.trim()).toBe('39.98');
    expect(cell(0, 'amount').getAttribute('aria-readonly')).toBe('true');
    expect(screen.getAllByTestId('line-new')).toHaveLength(1);
    expect(cell(0, 'product_id').tabIndex).toBe(0);
    expect(cell(0, 'quantity').tabIndex).toBe(-1);
  });

  it('moves with arrows and Tab (over editable cells, across rows)', async () => {
    const { cell, u } = setup([line({ quantity: '1' }), line({ quantity: '2' })]);
    await u.click(cell(0, 'product_id'));
    await u.keyboard('{ArrowRight}{ArrowRight}');
    expect(focused()).toMatchObject({ row: '0', key: 'price' });
    await u.keyboard('{ArrowDown}');
    expect(focused()).toMatchObject({ row: '1', key: 'price' });
    await u.keyboard('{Tab}{Tab}');
    expect(focused()).toMatchObject({ row: '2', key: 'product_id' }); // skipped the computed amount
    await u.keyboard('{Shift>}{Tab}{/Shift}');
    expect(focused()).toMatchObject({ row: '1', key: 'discount' });
    await u.keyboard('{End}');
    expect(focused()).toMatchObject({ row: '1', key: 'amount' });
  });

  it('typing edits in the locale, Enter commits and moves down, amounts and totals follow exactly', async () => {
    const { p, cell, grid, u } = setup([line({ quantity: '3', price: '19.99' })], { locale: 'de-DE' });
    await u.click(cell(0, 'discount'));
    await u.keyboard('10{Enter}');
    const lines = p.lines as OrderLine[];
    expect(lines[0].discount).toBe('10');
    expect(cell(0, 'amount').textContent!.trim()).toBe('53,97');
    expect(focused()).toMatchObject({ row: '1', key: 'discount' });
    await u.click(cell(0, 'price'));
    await u.keyboard('{F2}');
    const input = grid.querySelector('input')!;
    expect(input.value).toBe('19,99');
    await u.keyboard('{Control>}a{/Control}0,1{Enter}');
    expect((p.lines as OrderLine[])[0].price).toBe('0.10');
    const totals = screen.getByTestId('totals');
    expect(totals.querySelector('[data-total="quantity"]')!.textContent).toBe('3');
    expect(totals.querySelector('[data-total="amount"]')!.textContent).toBe('0,27');
  });

  it('refuses unreadable numbers and keeps editing with the reason on the cell', async () => {
    const { p, cell, grid, u } = setup([line({ quantity: '1' })]);
    await u.click(cell(0, 'quantity'));
    await u.keyboard('-2{Enter}');
    expect(grid.querySelector('input')).toBeTruthy();
    expect(cell(0, 'quantity').getAttribute('aria-invalid')).toBe('true');
    expect(cell(0, 'quantity').textContent).toContain('Must be at least 0');
    expect((p.lines as OrderLine[])[0].quantity).toBe('1');
  });

  it('Escape cancels the cell edit without closing an enclosing dialog', async () => {
    const outer = vi.fn();
    const listen = (e: KeyboardEvent) => e.key === 'Escape' && !e.defaultPrevented && outer();
    window.addEventListener('keydown', listen);
    const { p, cell, grid, u } = setup([line({ quantity: '5' })]);
    await u.click(cell(0, 'quantity'));
    await u.keyboard('9');
    expect(grid.querySelector('input')!.value).toBe('9');
    await u.keyboard('{Escape}');
    expect(grid.querySelector('input')).toBeNull();
    expect((p.lines as OrderLine[])[0].quantity).toBe('5');
    expect(focused()).toMatchObject({ row: '0', key: 'quantity' });
    expect(outer).not.toHaveBeenCalled();
    await u.keyboard('{Escape}'); // not editing: the dialog's turn
    expect(outer).toHaveBeenCalledTimes(1);
    window.removeEventListener('keydown', listen);
  });

  it('entering something in the empty last line adds it and a new empty line appears', async () => {
    const { p, cell, u } = setup([]);
    expect(screen.queryAllByTestId('line')).toHaveLength(0);
    await u.click(cell(0, 'quantity'));
    await u.keyboard('4{Enter}');
    expect(p.lines).toEqual([line({ quantity: '4' })]);
    expect(screen.getAllByTestId('line')).toHaveLength(1);
    expect(screen.getAllByTestId('line-new')).toHaveLength(1);
    expect(focused()).toMatchObject({ row: '1', key: 'quantity' });
  });

  it('the empty line shows no quantity until something is entered; then it starts with its defaults', async () => {
    const empty = (): OrderLine => ({ ...blank(), quantity: '' });
    const started = (l: OrderLine) => (l.quantity.trim() ? {} : { quantity: '1' });
    const { p, cell, u } = setup([], { newLine: empty, started });
    expect(cell(0, 'quantity').textContent!.trim()).toBe('');
    // A product picked: quantity 1 by default.
    await u.click(cell(0, 'product_id'));
    await u.keyboard('Gad');
    await u.click(await screen.findByRole('option', { name: /Gadget/ }));
    expect(p.lines).toEqual([{ product_id: 2, product: 'Gadget', quantity: '1', price: '5.00', discount: '' }]);
    expect(cell(1, 'quantity').textContent!.trim()).toBe('');
    // A quantity typed first is kept.
    await u.click(cell(1, 'quantity'));
    await u.keyboard('3{Enter}');
    expect((p.lines as OrderLine[])[1].quantity).toBe('3');
    // A started line's quantity cleared stays cleared (no default forced back).
    await u.click(cell(0, 'quantity'));
    await u.keyboard('{Delete}');
    expect((p.lines as OrderLine[])[0].quantity).toBe('');
  });

  it('Mod+Enter / Insert insert a line, Mod+Delete deletes one', async () => {
    const { p, cell, u } = setup([line({ quantity: '1' }), line({ quantity: '2' })]);
    await u.click(cell(0, 'quantity'));
    await u.keyboard('{Control>}{Enter}{/Control}');
    expect((p.lines as OrderLine[]).map((l) => l.quantity)).toEqual(['1', '1', '2']);
    expect(focused()).toMatchObject({ row: '1', key: 'product_id' });
    await u.keyboard('{Insert}');
    expect((p.lines as OrderLine[]).length).toBe(4);
    await u.click(cell(0, 'quantity'));
    await u.keyboard('{Control>}{Delete}{/Control}');
    expect((p.lines as OrderLine[]).map((l) => l.quantity)).toEqual(['1', '1', '2']);
    expect(focused()).toMatchObject({ row: '0', key: 'quantity' });
  });

  it('a form that gives Mod+Enter another meaning inserts with Insert alone, and says so', async () => {
    const { p, cell, u } = setup([line({ quantity: '1' })], { insertKey: 'Insert' });
    await u.click(cell(0, 'quantity'));
    await u.keyboard('{Control>}{Enter}{/Control}');
    expect((p.lines as OrderLine[]).length).toBe(1);
    await u.keyboard('{Insert}');
    expect((p.lines as OrderLine[]).length).toBe(2);
    const help = document.querySelector('.help')!.textContent!;
    expect(help).toContain('Insert inserts a line');
    expect(help).not.toContain('Enter inserts');
  });

  it('totals decimals exactly: 0.1 + 0.2 = 0.30', () => {
    const { p } = setup([line({ quantity: '0.1', price: '1' }), line({ quantity: '0.2', price: '1' })]);
    const totals = screen.getByTestId('totals');
    expect(totals.querySelector('[data-total="quantity"]')!.textContent).toBe('0.3');
    expect(totals.querySelector('[data-total="amount"]')!.textContent).toBe('0.30');
    expect(p.lines).toHaveLength(2);
  });

  it('shows whether debits and credits balance', async () => {
    type J = { account: string; debit: string; credit: string };
    const jcols: LineColumn<J>[] = [
      { key: 'account', label: 'Account', kind: 'text' },
      { key: 'debit', label: 'Debit', kind: 'money', total: true },
      { key: 'credit', label: 'Credit', kind: 'money', total: true },
    ];
    const p = $state({ columns: jcols, lines: [{ account: '1200', debit: '0.1', credit: '' }, { account: '1210', debit: '0.2', credit: '' }, { account: '8400', debit: '', credit: '0.3' }], newLine: () => ({ account: '', debit: '', credit: '' }), label: 'Journal', locale: 'en-US', currency: 'EUR', balance: { debit: 'debit', credit: 'credit' } });
    render(LineGrid, { props: p as never });
    expect(screen.getByTestId('balance').textContent!.trim()).toBe('Balanced');
    const u = userEvent.setup();
    await u.click(document.querySelector<HTMLElement>('[data-row="2"][data-key="credit"]')!);
    await u.keyboard('0.31{Enter}');
    expect(screen.getByTestId('balance').textContent!.trim()).toBe('Out of balance by -0.01');
  });

  it('puts backend errors on their cells and counts them', async () => {
    const { cell, u } = setup([line({ quantity: '1' }), line({ quantity: '-1' })], { errors: { 'lines.1.quantity': 'must not be negative', 'lines.0': 'duplicate product', name: 'other' } });
    const c = cell(1, 'quantity');
    expect(c.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(c.getAttribute('aria-describedby')!)!.textContent).toBe('must not be negative');
    expect(cell(0, 'product_id').getAttribute('aria-invalid')).toBe('true');
    expect(cell(0, 'quantity').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByTestId('grid-errors').textContent).toBe('2 errors in the lines');
    await u.click(c);
    expect(document.activeElement).toBe(c);
  });

  it('picks products by typing or scanning; the pick fills the price', async () => {
    const { p, cell, u } = setup([]);
    await u.click(cell(0, 'product_id'));
    await u.keyboard('Gad');
    const combo = screen.getByRole('combobox') as HTMLInputElement;
    expect(combo.value).toBe('Gad');
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['GadgetG-2']));
    await u.keyboard('{Enter}');
    expect(p.lines).toEqual([line({ product_id: 2, product: 'Gadget', price: '5.00' })]);
    expect(focused()).toMatchObject({ row: '1', key: 'product_id' });
    // A scanner: the barcode, then Enter, picks the one match and goes on to the next line.
    await u.keyboard('4006381333931{Enter}');
    await waitFor(() => expect((p.lines as OrderLine[]).length).toBe(2));
    expect((p.lines as OrderLine[])[1]).toMatchObject({ product_id: 1, product: 'Widget', price: '19.99' });
    await waitFor(() => expect(focused()).toMatchObject({ row: '2', key: 'product_id' }));
    expect(cell(1, 'amount').textContent!.trim()).toBe('19.99');
  });

  it('writes the edit when the focus leaves the cell, and on flush() before saving', async () => {
    const { p, cell, u } = setup([line({ quantity: '1' })]);
    await u.click(cell(0, 'quantity'));
    await u.keyboard('7');
    await u.click(cell(0, 'price'));
    expect((p.lines as OrderLine[])[0].quantity).toBe('7');
    cleanup();
    const grid = render(LineGrid, { props: { columns, lines: [line({})], newLine: blank, label: 'L', locale: 'en-US' } as never });
    const c = document.querySelector<HTMLElement>('[data-row="0"][data-key="quantity"]')!;
    await u.click(c);
    await u.keyboard('8');
    expect((grid.component as unknown as { flush: () => boolean }).flush()).toBe(true);
    await new Promise((r) => setTimeout(r));
    expect(c.textContent!.trim()).toBe('8');
  });

  it('Delete clears a cell; a read-only grid has no empty line and no editing', async () => {
    const { p, cell, u } = setup([line({ quantity: '3', product_id: 1, product: 'Widget' })]);
    await u.click(cell(0, 'quantity'));
    await u.keyboard('{Delete}');
    expect((p.lines as OrderLine[])[0].quantity).toBe('');
    await u.click(cell(0, 'product_id'));
    await u.keyboard('{Delete}');
    expect((p.lines as OrderLine[])[0]).toMatchObject({ product_id: null, product: '' });
    cleanup();
    const r = setup([line({ quantity: '3' })], { readonly: true });
    expect(screen.queryAllByTestId('line-new')).toHaveLength(0);
    await r.u.click(r.cell(0, 'quantity'));
    await r.u.keyboard('{Enter}5');
    expect(r.grid.querySelector('input')).toBeNull();
    expect((r.p.lines as OrderLine[])[0].quantity).toBe('3');
  });

  it('Escape after clearing a picked product puts the whole line back', async () => {
    const { p, cell, u } = setup([line({ product_id: 1, product: 'Widget', price: '19.99' })]);
    await u.click(cell(0, 'product_id'));
    await u.keyboard('{Enter}');
    const combo = screen.getByRole('combobox') as HTMLInputElement;
    expect(combo.value).toBe('Widget');
    await u.keyboard('{Backspace}{Backspace}');
    expect((p.lines as OrderLine[])[0]).toMatchObject({ product_id: null, product: '' });
    await u.keyboard('{Escape}');
    expect((p.lines as OrderLine[])[0]).toMatchObject({ product_id: 1, product: 'Widget', price: '19.99' });
    expect(screen.queryByRole('combobox')).toBeNull();
  });
  it('fixed lines are edited but never added or removed', async () => {
    const { p, grid, cell, u } = setup([line({ quantity: '1' }), line({ quantity: '2' })], { fixed: true });
    expect(screen.queryAllByTestId('line-new')).toHaveLength(0);
    expect(grid.getAttribute('aria-colcount')).toBe(String(columns.length));
    expect(screen.queryByRole('button', { name: /delete/i })).toBeNull();
    await u.click(cell(1, 'quantity'));
    await u.keyboard('{Enter}7{Enter}');
    expect((p.lines as OrderLine[]).map((l) => l.quantity)).toEqual(['1', '7']);
    await u.click(cell(1, 'quantity'));
    await u.keyboard('{Insert}');
    await u.keyboard('{Control>}{Delete}{/Control}');
    expect(p.lines as OrderLine[]).toHaveLength(2);
  });
});
