import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { CountLine, StockCount } from '../api';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import CountSheet from './CountSheet.svelte';
import CountStart from './CountStart.svelte';
import { changedCounts, entryErrors, mergeLines, scanEntry, scopeLocations, toRow, totals } from './count';

const locations = [
  { id: 10, kind: 'internal', warehouse_id: 1, parent_id: null, name: 'Stock', full_name: 'WH/Stock', depth: 0, archived: false },
  { id: 11, kind: 'internal', warehouse_id: 1, parent_id: 10, name: 'Shelf A', full_name: 'WH/Stock/Shelf A', depth: 1, archived: false },
  { id: 20, kind: 'internal', warehouse_id: 2, parent_id: null, name: 'Stock', full_name: 'W2/Stock', depth: 0, archived: false },
  { id: 90, kind: 'inventory_loss', warehouse_id: null, parent_id: null, name: 'Inventory loss', full_name: 'Virtual/Inventory loss', depth: 0, archived: false },
];
const line = (o: Partial<CountLine> = {}): CountLine => ({
  id: 1, product_id: 7, sku: 'CH-1', name: 'Chair', barcode: '4006381333931', unit_code: 'pc', decimals: 0, tracking: 'none', location_id: 10, location: 'WH/Stock',
  lot_id: null, lot_code: null, expected: '5', counted: null, book_at_count: null, difference: null, value: null, added: false, ...o,
});
const sheet = (o: Partial<StockCount> = {}): StockCount => ({
  id: 4, state: 'in_progress', number: null, warehouse_id: 1, location_id: 10, location: 'WH/Stock', category_id: null, category: null, blind: false, hidden: false,
  note: '', started_at: '2026-03-10T08:00:00Z', done_at: null, picking_id: null, lines: [line(), line({ id: 2, product_id: 8, sku: 'TB-2', name: 'Table', barcode: null, expected: '2' })],
  counted: 0, differences: 0, value: null, ...o,
});

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'location.list') return locations;
    throw new Error(`unexpected ${name}`);
  });
}
function mount() {
  return render(Host, { props: { component: CountSheet as unknown as Component<Record<string, unknown>>, props: { id: 4, onclose: () => {} } } });
}
const names = () => call.mock.calls.map((c) => c[0]).filter((n) => n !== 'location.list');
const ready = () => waitFor(() => expect(screen.getByTestId('count-sheet').getAttribute('data-status')).toBe('ready'));
const cell = (row: number, key: string) => document.querySelector<HTMLElement>(`[data-row="${row}"][data-key="${key}"]`)!;
const scan = async (code: string) => {
  const input = screen.getByTestId('scan') as HTMLInputElement;
  await fireEvent.input(input, { target: { value: code } });
  await fireEvent.keyDown(input, { key: 'Enter' });
};

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('count sheet logic', () => {
  it('sends only the counted cells that changed, a cleared one as null, and maps errors back to rows', () => {
    const lines = [line({ counted: '2' }), line({ id: 2, counted: null }), line({ id: 3 })];
    const rows = lines.map(toRow);
    rows[0].counted = '2.0';
    rows[1].counted = '4';
    rows[2].counted = '';
    rows.push({ ...toRow(line({ id: 9 })), id: null, counted: '7' });
    expect(changedCounts(rows, lines)).toEqual({ entries: [{ line_id: 2, counted: '4' }], rows: [1] });
    rows[0].counted = '';
    expect(changedCounts(rows, lines).entries).toEqual([{ line_id: 1, counted: null }, { line_id: 2, counted: '4' }]);
    expect(entryErrors({ 'entries.1.counted': 'bad', 'entries.0.line_id': 'gone', date: 'x' }, [0, 5])).toEqual({ 'lines.5.counted': 'bad', 'lines.0.counted': 'gone', date: 'x' });
  });

  it('merges a scanned line in place or at the end, and sums the sheet', () => {
    const lines = [line(), line({ id: 2 })];
    expect(mergeLines(lines, [line({ id: 2, counted: '3' })]).map((l) => [l.id, l.counted])).toEqual([[1, null], [2, '3']]);
    expect(mergeLines(lines, [line({ id: 5 })]).map((l) => l.id)).toEqual([1, 2, 5]);
    expect(scanEntry(' 4006381333931 ', '', 11, ' L1 ')).toEqual({ code: '4006381333931', counted: '1', add: true, location_id: 11, lot_code: 'L1' });
    const counted = [line({ counted: '4', difference: '-1', value: '-2.50' }), line({ id: 2, counted: '2', difference: '0', value: '0' }), line({ id: 3 })];
    expect(totals({ hidden: false }, counted)).toEqual({ lines: 3, counted: 2, differences: 1, value: '-2.5' });
    expect(totals({ hidden: true }, counted)).toEqual({ lines: 3, counted: 2, differences: null, value: null });
    expect(scopeLocations(locations as never, { location_id: 10, warehouse_id: 1 }).map((l) => l.id)).toEqual([10, 11]);
  });
});

describe('count sheet screen', () => {
  it('a scanned EAN + Enter counts one more on its line and keeps the scan field', async () => {
    let counted = 0;
    backend({
      'count.get': () => sheet(),
      'count.set_counts': () => [line({ counted: String(++counted), book_at_count: '5', difference: String(counted - 5) })],
    });
    mount();
    await ready();
    await scan('4006381333931');
    await waitFor(() => expect(cell(0, 'counted').textContent).toContain('1'));
    await scan('4006381333931');
    await waitFor(() => expect(cell(0, 'counted').textContent).toContain('2'));
    expect(screen.getByTestId('scan-last').textContent).toContain('CH-1 Chair · WH/Stock: 2 pc');
    expect(cell(0, 'difference').textContent).toContain('-3');
    expect(call.mock.calls.find((c) => c[0] === 'count.set_counts')![1]).toEqual({ id: 4, entries: [{ code: '4006381333931', counted: '1', add: true, location_id: 10 }] });
    expect(document.activeElement).toBe(screen.getByTestId('scan'));
    expect(cell(0, 'counted').classList.contains('active')).toBe(true);
  });

  it('an unknown code says why and changes nothing on the sheet', async () => {
    backend({
      'count.get': () => sheet(),
      'count.set_counts': () => {
        throw new ApiError({ code: 'validation', message: 'bad', fields: [{ field: 'entries.0.code', code: 'not_found', message: 'no', params: { entity: 'product', value: '999' } }] } as never);
      },
    });
    mount();
    await ready();
    await scan('999');
    await waitFor(() => expect(screen.getByTestId('scan-error')).toBeTruthy());
    expect(cell(0, 'counted').textContent!.trim()).toBe('');
  });

  it('typing a count in the grid sets it; a refusal sits on that line', async () => {
    let fail = false;
    backend({
      'count.get': () => sheet(),
      'count.set_counts': (a) => {
        if (fail) throw new ApiError({ code: 'validation', message: 'bad', fields: [{ field: 'entries.0.counted', code: 'too_many_decimals', message: 'x', params: { max: '0' } }] } as never);
        const e = (a.entries as { line_id: number; counted: string }[])[0];
        return [line({ id: e.line_id, product_id: 8, sku: 'TB-2', name: 'Table', expected: '2', counted: e.counted, book_at_count: '2', difference: String(Number(e.counted) - 2) })];
      },
    });
    mount();
    await ready();
    const u = userEvent.setup();
    await u.click(cell(1, 'counted'));
    await u.keyboard('3{Enter}');
    await waitFor(() => expect(call.mock.calls.some((c) => c[0] === 'count.set_counts')).toBe(true));
    expect(call.mock.calls.find((c) => c[0] === 'count.set_counts')![1]).toEqual({ id: 4, entries: [{ line_id: 2, counted: '3' }] });
    await waitFor(() => expect(cell(1, 'difference').textContent).toContain('1'));
    fail = true;
    await u.click(cell(0, 'counted'));
    await u.keyboard('1.5{Enter}');
    await waitFor(() => expect(cell(0, 'counted').getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByTestId('count-problems').textContent).toContain('Line 1:');
    expect(document.querySelectorAll('[data-testid="line"]').length).toBe(2);
  });

  it('a blind count hides expected and difference until reviewed', async () => {
    backend({ 'count.get': (a) => (a.review ? sheet({ blind: true }) : sheet({ blind: true, hidden: true, lines: [line({ expected: null })] })) });
    mount();
    await ready();
    expect(screen.getByTestId('count-blind-note')).toBeTruthy();
    expect(document.querySelector('[data-key="expected"]')).toBeNull();
    expect(document.querySelector('[data-key="difference"]')).toBeNull();
    await fireEvent.click(screen.getByTestId('count-review'));
    await waitFor(() => expect(document.querySelector('[data-key="expected"]')).toBeTruthy());
    expect(call.mock.calls.at(-1)).toEqual(['count.get', { id: 4, review: true }]);
  });

  it('Post and Cancel are disabled while posting; a refusal names the line; then it posts', async () => {
    let release: () => void = () => {};
    let refuse = true;
    backend({
      'count.get': () => sheet({ lines: [line({ counted: '1', book_at_count: '5', difference: '-4' })] }),
      'count.post': () =>
        new Promise((resolve, reject) => {
          release = () =>
            refuse
              ? reject(new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'lines.0.counted', code: 'insufficient_stock', message: 'short', params: { sku: 'CH-1', location: 'WH/Stock', shortfall: '2', unit: 'pc' } }] } as never))
              : resolve(sheet({ state: 'done', number: 'WH/CNT/00001', picking_id: 12, lines: [line({ counted: '1', book_at_count: '5', difference: '-4' })] }));
        }),
    });
    mount();
    await ready();
    const post = screen.getByTestId('count-post') as HTMLButtonElement;
    await fireEvent.click(post);
    await waitFor(() => expect(screen.getByTestId('confirm-ok')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(call.mock.calls.some((c) => c[0] === 'count.post')).toBe(true));
    expect(post.disabled).toBe(true);
    expect((screen.getByTestId('count-cancel') as HTMLButtonElement).disabled).toBe(true);
    release();
    await waitFor(() => expect(cell(0, 'counted').getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByTestId('count-problems').textContent).toContain('Not enough CH-1 in WH/Stock: 2 pc short.');
    await waitFor(() => expect(post.disabled).toBe(false));
    expect(names().filter((n) => n === 'count.get').length).toBe(2);
    refuse = false;
    await fireEvent.click(post);
    await waitFor(() => expect(screen.getByTestId('confirm-ok')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(call.mock.calls.filter((c) => c[0] === 'count.post').length).toBe(2));
    release();
    await waitFor(() => expect(screen.getByText('Count WH/CNT/00001')).toBeTruthy());
    expect(screen.getByTestId('count-open-picking')).toBeTruthy();
    expect(screen.queryByTestId('count-post')).toBeNull();
    expect(screen.queryByTestId('scan')).toBeNull();
    expect(names().filter((n) => n === 'count.post').length).toBe(2);
    expect(call.mock.calls.find((c) => c[0] === 'count.post')![1]).toMatchObject({ id: 4 });
  });
});

describe('starting a count', () => {
  it('starts in the first warehouse, scoped to a location, blind; a refusal shows and nothing opens', async () => {
    let refuse = true;
    const started = vi.fn();
    backend({
      'warehouse.list': () => [{ id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false }],
      'count.create': () => {
        if (refuse) throw new ApiError({ code: 'conflict', reason: 'count_overlap', params: { location: 'WH/Stock', count: '3' }, message: 'overlap', fields: [] } as never);
        return sheet({ blind: true, hidden: true });
      },
    });
    render(Host, { props: { component: CountStart as unknown as Component<Record<string, unknown>>, props: { onclose: () => {}, onstarted: started } } });
    await waitFor(() => expect((screen.getByLabelText(/Warehouse/) as HTMLSelectElement).value).not.toBe(''));
    await waitFor(() => expect(screen.getByLabelText(/Location/).querySelectorAll('option').length).toBe(3));
    await fireEvent.change(screen.getByLabelText(/Location/), { target: { value: '11' } });
    await fireEvent.click(screen.getByTestId('count-blind'));
    await fireEvent.click(screen.getByTestId('count-start-go'));
    await waitFor(() => expect(screen.getByTestId('count-start-message').textContent).toContain('A running stock count already covers WH/Stock'));
    expect(started).not.toHaveBeenCalled();
    refuse = false;
    await fireEvent.click(screen.getByTestId('count-start-go'));
    await waitFor(() => expect(started).toHaveBeenCalledWith(4));
    expect(call.mock.calls.find((c) => c[0] === 'count.create')![1]).toEqual({ warehouse_id: 1, location_id: 11, blind: true });
  });
});
