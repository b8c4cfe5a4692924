import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { Picking, Product } from '../api';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import PickingEditor from './PickingEditor.svelte';
import { router } from '../shell/router.svelte';

const warehouse = { id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false };
const locations = [
  { id: 10, kind: 'internal', warehouse_id: 1, parent_id: null, name: 'Stock', full_name: 'WH/Stock', depth: 0, archived: false },
  { id: 90, kind: 'customer', warehouse_id: null, parent_id: null, name: 'Customers', full_name: 'Virtual/Customers', depth: 0, archived: false },
];
const chair = { id: 7, sku: 'CH-1', name: 'Chair', barcode: '4006381333931', unit_code: 'pc' } as Product;
const picking = (o: Partial<Picking> = {}): Picking => ({
  id: 3, kind: 'delivery', state: 'draft', number: null, warehouse_id: 1, from_location_id: 10, to_location_id: 90, date: '2026-03-02', partner_id: null,
  reference: '', reason: '', source: null, entry_id: null,
  moves: [{ id: 1, line_no: 1, state: 'draft', product_id: 7, sku: 'CH-1', kit_id: null, entered_quantity: '5', entered_unit_id: 1, entered_unit_code: 'pc', entered_factor: '1', quantity: '5', unit_code: 'pc', from_location_id: 10, from_location: 'WH/Stock', to_location_id: 90, to_location: 'Virtual/Customers', lot_id: null, lot_code: null, date: '2026-03-02', unit_cost: null, value: null }],
  ...o,
});

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'warehouse.list') return [warehouse];
    if (name === 'location.list') return locations;
    throw new Error(`unexpected ${name}`);
  });
}
function mount(props: Record<string, unknown>) {
  return render(Host, { props: { component: PickingEditor as unknown as Component<Record<string, unknown>>, props: { onclose: () => {}, ...props } } });
}
const names = () => call.mock.calls.map((c) => c[0]).filter((n) => n !== 'warehouse.list' && n !== 'location.list');
const ready = () => waitFor(() => expect(screen.getByTestId('picking-editor').querySelector('[data-status="ready"]')).toBeTruthy());
const scan = async (code: string) => {
  const input = screen.getByTestId('scan') as HTMLInputElement;
  await fireEvent.input(input, { target: { value: code } });
  await fireEvent.keyDown(input, { key: 'Enter' });
};
const cell = (row: number, key: string) => document.querySelector<HTMLElement>(`[data-row="${row}"][data-key="${key}"]`)!;

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('picking editor', () => {
  it('a scanned barcode + Enter adds the product, a second scan counts its line up', async () => {
    let created: Record<string, unknown> | null = null;
    backend({
      'catalog.list_products': () => ({ items: [chair], total: 1, next_cursor: null }),
      'picking.create': (a) => {
        created = a;
        return picking({ kind: 'receipt' });
      },
    });
    mount({ id: null, kind: 'receipt' });
    await screen.findByTestId('scan');
    await scan('4006381333931');
    await waitFor(() => expect(cell(0, 'product_id').textContent).toContain('CH-1 Chair'));
    expect(cell(0, 'quantity').textContent).toContain('1');
    await scan('4006381333931');
    await waitFor(() => expect(cell(0, 'quantity').textContent).toContain('2'));
    expect(document.querySelector('[data-row="1"][data-key="product_id"]')?.textContent ?? '').not.toContain('CH-1');
    expect(call.mock.calls.find((c) => c[0] === 'catalog.list_products')![1]).toMatchObject({ transactable_only: true, query: { search: '4006381333931' } });
    await fireEvent.click(screen.getByTestId('picking-editor-save'));
    await waitFor(() => expect(created).not.toBeNull());
    expect(created).toMatchObject({ kind: 'receipt', warehouse_id: 1, lines: [{ product_id: 7, quantity: '2' }] });
  });

  it('a new picking can be marked done at once: it is saved as a draft first', async () => {
    backend({
      'catalog.list_products': () => ({ items: [chair], total: 1, next_cursor: null }),
      'picking.create': () => picking({ kind: 'receipt' }),
      'picking.done': () => picking({ kind: 'receipt', state: 'done', number: 'WH/IN/00001' }),
      'landed_cost.list': () => [],
    });
    mount({ id: null, kind: 'receipt' });
    await screen.findByTestId('scan');
    await scan('4006381333931');
    await waitFor(() => expect(cell(0, 'product_id').textContent).toContain('CH-1 Chair'));
    await fireEvent.click(screen.getByTestId('picking-done'));
    await waitFor(() => expect(screen.getByText('Receipt WH/IN/00001')).toBeTruthy());
    expect(names().filter((n) => n !== 'catalog.list_products' && n !== 'landed_cost.list')).toEqual(['picking.create', 'picking.done']);
    // A done receipt offers its landed costs.
    await screen.findByTestId('landed-costs');
    expect(call.mock.calls.find((c) => c[0] === 'picking.done')![1]).toEqual({ id: 3 });
  });

  it('a code that matches no single product says so and adds nothing', async () => {
    backend({ 'catalog.list_products': () => ({ items: [], total: 0, next_cursor: null }) });
    mount({ id: null, kind: 'receipt' });
    await screen.findByTestId('scan');
    await scan('999');
    await waitFor(() => expect(screen.getByTestId('scan-error').textContent).toContain('No single product matches “999”'));
    expect(cell(0, 'product_id').textContent).not.toContain('CH-1');
  });

  it('Done is disabled while it runs; the negative-stock refusal sits on the line’s quantity', async () => {
    let release: (v: unknown) => void = () => {};
    backend({
      'picking.get': () => picking(),
      'picking.done': () =>
        new Promise((_resolve, reject) => {
          release = () =>
            reject(new ApiError({
              code: 'validation', message: 'refused',
              fields: [{ field: 'lines.0.quantity', code: 'insufficient_stock', message: 'short', params: { sku: 'CH-1', location: 'WH/Stock', shortfall: '3', unit: 'pc' } }],
            } as never));
        }),
    });
    mount({ id: 3 });
    await ready();
    const done = screen.getByTestId('picking-done') as HTMLButtonElement;
    await waitFor(() => expect(done.disabled).toBe(false));
    await fireEvent.click(done);
    await waitFor(() => expect(done.disabled).toBe(true));
    expect((screen.getByTestId('picking-confirm') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(done);
    release(null);
    await waitFor(() => expect(cell(0, 'quantity').getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(cell(0, 'quantity').getAttribute('aria-describedby')!)!.textContent).toBe('Not enough CH-1 in WH/Stock: 3 pc short.');
    expect(screen.getByTestId('line-problems').textContent).toContain('Line 1: Not enough CH-1 in WH/Stock: 3 pc short.');
    expect(names()).toEqual(['picking.get', 'picking.done']);
    expect(done.disabled).toBe(false);
  });

  it('Done on an edited draft saves first, then shows it done and read-only with its number', async () => {
    backend({
      'picking.get': () => picking(),
      'picking.update': () => picking({ reference: 'SO-9' }),
      'picking.done': () => picking({ state: 'done', number: 'WH/OUT/00001', reference: 'SO-9' }),
    });
    mount({ id: 3 });
    await ready();
    await fireEvent.input(screen.getByLabelText('Reference'), { target: { value: 'SO-9' } });
    await fireEvent.click(screen.getByTestId('picking-done'));
    await waitFor(() => expect(screen.getByText('Delivery WH/OUT/00001')).toBeTruthy());
    expect(names()).toEqual(['picking.get', 'picking.update', 'picking.done']);
    expect(call.mock.calls.find((c) => c[0] === 'picking.update')![1]).toMatchObject({ id: 3, picking: { kind: 'delivery', reference: 'SO-9', lines: [{ product_id: 7, quantity: '5', unit_id: 1 }] } });
    expect(screen.queryByTestId('picking-done')).toBeNull();
    expect(screen.queryByTestId('picking-cancel')).toBeNull();
    expect(screen.queryByTestId('scan')).toBeNull();
    expect(screen.queryByTestId('picking-editor-save')).toBeNull();
    expect(screen.queryByTestId('editor-readonly')).toBeNull();
  });

  it('a ready picking offers Done and Cancel but no editing, and no role banner', async () => {
    backend({ 'picking.get': () => picking({ state: 'ready' }) });
    mount({ id: 3 });
    await ready();
    expect(screen.getByTestId('picking-done')).toBeTruthy();
    expect(screen.getByTestId('picking-cancel')).toBeTruthy();
    expect(screen.queryByTestId('picking-confirm')).toBeNull();
    expect(screen.queryByTestId('picking-delete')).toBeNull();
    expect(screen.queryByTestId('picking-editor-save')).toBeNull();
    expect(screen.queryByTestId('editor-readonly')).toBeNull();
    expect(screen.queryByTestId('scan')).toBeNull();
    expect((screen.getByLabelText(/Reference/) as HTMLInputElement).readOnly).toBe(true);
  });

  it('a production picking is shown read-only and labelled, with its order: only the order moves it', async () => {
    backend({
      'picking.get': () => picking({ kind: 'production', state: 'done', number: 'WH/MO/00002', to_location_id: 95, source: { module: 'production', kind: 'produce', id: 9 } }),
    });
    mount({ id: 3 });
    await ready();
    expect(screen.getByText('Production WH/MO/00002')).toBeTruthy();
    expect(screen.getByTestId('picking-production').textContent).toContain('only its production order moves it');
    for (const b of ['picking-done', 'picking-confirm', 'picking-cancel', 'picking-delete', 'picking-editor-save', 'scan']) expect(screen.queryByTestId(b)).toBeNull();
    expect((screen.getByLabelText(/^Kind/) as HTMLSelectElement).value).toBe('production');
    expect((screen.getByLabelText(/Reference/) as HTMLInputElement).readOnly).toBe(true);
    await fireEvent.click(screen.getByTestId('picking-open-order'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'production-orders', id: 9 }));
    expect(names()).toEqual(['picking.get']);
  });
});
