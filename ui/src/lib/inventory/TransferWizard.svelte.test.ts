import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { Picking, Product } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import TransferWizard from './TransferWizard.svelte';

const locations = [
  { id: 10, kind: 'internal', warehouse_id: 1, parent_id: null, name: 'Stock', full_name: 'WH/Stock', depth: 0, archived: false },
  { id: 11, kind: 'internal', warehouse_id: 1, parent_id: 10, name: 'Shelf A', full_name: 'WH/Stock/Shelf A', depth: 1, archived: false },
  { id: 20, kind: 'internal', warehouse_id: 2, parent_id: null, name: 'Stock', full_name: 'B/Stock', depth: 0, archived: false },
];
const chair = { id: 7, sku: 'CH-1', name: 'Chair', barcode: null, unit_code: 'pc' } as Product;
const done = { id: 4, kind: 'internal', state: 'done', number: 'B/INT/00001', moves: [] } as unknown as Picking;

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'location.list') return locations;
    if (name === 'catalog.list_products') return { items: [chair], total: 1, next_cursor: null };
    throw new Error(`unexpected ${name}`);
  });
}
function mount(props: Record<string, unknown> = {}) {
  return render(Host, { props: { component: TransferWizard as unknown as Component<Record<string, unknown>>, props } });
}
const choose = (label: string, value: number) => fireEvent.change(screen.getByLabelText(new RegExp(label)), { target: { value: String(value) } });
const names = () => call.mock.calls.map((c) => c[0]).filter((n) => n !== 'location.list' && n !== 'catalog.list_products');

async function addChair(quantity: string) {
  const u = userEvent.setup();
  await u.click(document.querySelector<HTMLElement>('[data-row="0"][data-key="product_id"]')!);
  await u.keyboard('CH-1');
  await waitFor(() => expect(screen.getAllByRole('option').length).toBe(1));
  await u.keyboard('{Enter}');
  await u.click(document.querySelector<HTMLElement>('[data-row="0"][data-key="quantity"]')!);
  await u.keyboard(`${quantity}{Enter}`);
}

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('transfer wizard', () => {
  it('will not go on without two different places, and says why beside each', async () => {
    backend({});
    mount();
    await waitFor(() => expect(screen.getAllByRole('option', { name: 'WH/Stock' }).length).toBeGreaterThan(0));
    await fireEvent.click(screen.getByTestId('transfer-next'));
    expect(screen.getByText('Choose where the stock comes from')).toBeTruthy();
    expect(screen.getByText('Choose where the stock goes')).toBeTruthy();
    await choose('From location', 10);
    await choose('To location', 10);
    await fireEvent.click(screen.getByTestId('transfer-next'));
    expect(screen.getByText('The stock is already there: choose another location')).toBeTruthy();
    expect(screen.queryByTestId('transfer-lines')).toBeNull();
  });

  it('needs a line, then creates the internal transfer in the source’s warehouse and marks it done', async () => {
    const ondone = vi.fn();
    backend({ 'picking.create': () => ({ ...done, state: 'draft', number: null }), 'picking.done': () => done });
    mount({ ondone });
    await waitFor(() => expect(screen.getAllByRole('option', { name: 'B/Stock' }).length).toBeGreaterThan(0));
    await choose('From location', 20);
    await choose('To location', 11);
    await fireEvent.click(screen.getByTestId('transfer-next'));
    await screen.findByTestId('transfer-lines');
    await fireEvent.click(screen.getByTestId('transfer-create'));
    expect(screen.getByTestId('transfer-lines-error').textContent).toBe('Add at least one product');
    expect(names()).toEqual([]);
    await addChair('4');
    await fireEvent.click(screen.getByTestId('transfer-create'));
    await waitFor(() => expect(ondone).toHaveBeenCalledWith(done));
    expect(names()).toEqual(['picking.create', 'picking.done']);
    // The wizard starts afresh, saying what it made.
    expect(screen.getByTestId('transfer-result').textContent).toContain('Transferred: B/INT/00001');
    expect(screen.getByTestId('transfer-next')).toBeTruthy();
    expect(call.mock.calls.find((c) => c[0] === 'picking.create')![1]).toMatchObject({ kind: 'internal', warehouse_id: 2, from_location_id: 20, to_location_id: 11, lines: [{ product_id: 7, quantity: '4' }] });
  });

  it('a refused done shows on the quantity; the retry updates the same draft', async () => {
    let refuse = true;
    backend({
      'picking.create': () => ({ ...done, id: 9, state: 'draft', number: null }),
      'picking.update': () => ({ ...done, id: 9, state: 'draft', number: null }),
      'picking.done': () => {
        if (!refuse) return done;
        throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'lines.0.quantity', code: 'insufficient_stock', message: 'x', params: { sku: 'CH-1', location: 'WH/Stock', shortfall: '1', unit: 'pc' } }] } as never);
      },
    });
    mount();
    await waitFor(() => expect(screen.getAllByRole('option', { name: 'WH/Stock' }).length).toBeGreaterThan(0));
    await choose('From location', 10);
    await choose('To location', 11);
    await fireEvent.click(screen.getByTestId('transfer-next'));
    await screen.findByTestId('transfer-lines');
    await addChair('4');
    await fireEvent.click(screen.getByTestId('transfer-create'));
    const qty = () => document.querySelector<HTMLElement>('[data-row="0"][data-key="quantity"]')!;
    await waitFor(() => expect(qty().getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(qty().getAttribute('aria-describedby')!)!.textContent).toBe('Not enough CH-1 in WH/Stock: 1 pc short.');
    refuse = false;
    await fireEvent.click(screen.getByTestId('transfer-create'));
    await waitFor(() => expect(names()).toEqual(['picking.create', 'picking.done', 'picking.update', 'picking.done']));
    expect(call.mock.calls.find((c) => c[0] === 'picking.update')![1]).toMatchObject({ id: 9, picking: { kind: 'internal' } });
  });

  it('between warehouses it ships through transit: done now, the receipt drafted at the destination', async () => {
    const ondone = vi.fn();
    const receipt = { ...done, id: 12, state: 'draft', number: null } as unknown as Picking;
    const shipped = { ...done, id: 11, number: 'WH/INT/00003' } as unknown as Picking;
    backend({ 'transfer.ship': () => ({ shipped, receipt }) });
    mount({ ondone });
    await waitFor(() => expect(screen.getAllByRole('option', { name: 'B/Stock' }).length).toBeGreaterThan(0));
    // Within one warehouse there is no transit to choose.
    await choose('From location', 10);
    await choose('To location', 11);
    await fireEvent.click(screen.getByTestId('transfer-next'));
    await screen.findByTestId('transfer-lines');
    expect(screen.queryByTestId('transfer-transit')).toBeNull();
    await fireEvent.click(screen.getByText('Back'));
    await choose('To location', 20);
    await fireEvent.click(screen.getByTestId('transfer-next'));
    await screen.findByTestId('transfer-lines');
    await fireEvent.click(screen.getByTestId('transfer-transit'));
    expect(screen.queryByTestId('transfer-mark-done')).toBeNull();
    expect(screen.getByTestId('transfer-create').textContent).toBe('Ship');
    await addChair('3');
    await fireEvent.click(screen.getByTestId('transfer-create'));
    await waitFor(() => expect(ondone).toHaveBeenCalledWith(shipped));
    expect(names()).toEqual(['transfer.ship']);
    expect(call.mock.calls.find((c) => c[0] === 'transfer.ship')![1]).toMatchObject({ from_location_id: 10, to_location_id: 20, lines: [{ product_id: 7, quantity: '3' }] });
    expect(screen.getByTestId('transfer-result').textContent).toContain('Shipped: WH/INT/00003');
  });
});
