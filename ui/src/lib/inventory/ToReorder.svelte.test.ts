import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { ToReorderRow } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import ToReorder from './ToReorder.svelte';

const warehouses = [
  { id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false },
  { id: 2, code: 'W2', name: 'Second', address: '', root_location_id: 20, archived: false },
];
const bolt: ToReorderRow = {
  rule_id: 5, product_id: 1, sku: 'BOLT', product_name: 'Bolt', unit_code: 'pc', warehouse_id: 1, warehouse_code: 'WH', on_hand: '30', reserved: '27', incoming: '6',
  forecast: '9', min_qty: '10', max_qty: '50', multiple: '12', suggested: '48', supplier_id: 3, supplier_name: 'Bolt Works',
};

beforeEach(() => {
  call.mockReset();
  clearLookups();
  router.reset(`to-reorder-${Math.random()}`);
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('to reorder', () => {
  it('lists what to order with its forecast and suggestion, per warehouse when one is chosen', async () => {
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'warehouse.list') return warehouses;
      if (name === 'stock.to_reorder') return args.warehouse_id === 2 ? [] : [bolt];
      throw new Error(`unexpected ${name}`);
    });
    render(Host, { props: { component: ToReorder as unknown as Component<Record<string, unknown>>, props: {} } });
    const table = await screen.findByTestId('to-reorder');
    await waitFor(() => expect(table.textContent).toContain('BOLT'));
    expect(table.textContent).toContain('48 pc');
    expect(table.textContent).toContain('Bolt Works');
    expect(call.mock.calls.find((c) => c[0] === 'stock.to_reorder')![1]).toEqual({});
    await waitFor(() => expect(screen.getByTestId('filter-warehouse').textContent).toContain('W2'));
    await fireEvent.change(screen.getByTestId('filter-warehouse'), { target: { value: '2' } });
    await waitFor(() => expect(call.mock.calls.filter((c) => c[0] === 'stock.to_reorder').at(-1)![1]).toEqual({ warehouse_id: 2 }));
    await waitFor(() => expect(screen.getByTestId('to-reorder').textContent).toContain('Nothing to reorder'));
  });

  it('creates purchase orders for a role that may, links the orders made and says what was skipped and why', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'warehouse.list') return warehouses;
      if (name === 'stock.to_reorder') return [bolt];
      if (name === 'purchase.from_reorder') {
        return {
          orders: [{ id: 31, state: 'draft', number: null, partner_id: 3, partner_name: 'Bolt Works', date: '2026-03-02', currency: 'EUR', total: '96.00', reference: '', delivery_status: 'none', invoice_status: 'none' }],
          skipped: [{ product_id: 2, sku: 'NUT', reason: 'no_supplier' }, { product_id: 4, sku: 'WASHER', reason: 'on_order' }],
        };
      }
      throw new Error(`unexpected ${name}`);
    });
    render(Host, { props: { component: ToReorder as unknown as Component<Record<string, unknown>>, props: {} } });
    await waitFor(() => expect(screen.getByTestId('to-reorder').textContent).toContain('BOLT'));
    await fireEvent.click(screen.getByTestId('make-orders'));
    const made = await screen.findByTestId('reorder-made');
    const args = call.mock.calls.find((c) => c[0] === 'purchase.from_reorder')![1] as Record<string, unknown>;
    expect(typeof args.idempotency_key).toBe('string');
    expect(args).not.toHaveProperty('warehouse_id');
    expect(made.textContent).toContain('1 draft purchase order made');
    expect(made.textContent).toContain('Draft RFQ · Bolt Works');
    expect(screen.getByTestId('reorder-skipped').textContent).toContain('NUT — no supplier');
    expect(screen.getByTestId('reorder-skipped').textContent).toContain('WASHER — already on order');
    await fireEvent.click(screen.getByText('Draft RFQ · Bolt Works'));
    expect(router.route.screen).toBe('purchase-orders');
  });

  it('offers no purchase orders to a role that may not make them', async () => {
    session.me = { user: { is_superuser: false }, companies: [], permissions: [] } as unknown as typeof session.me;
    call.mockImplementation(async (name: string) => {
      if (name === 'warehouse.list') return warehouses;
      if (name === 'stock.to_reorder') return [bolt];
      throw new Error(`unexpected ${name}`);
    });
    render(Host, { props: { component: ToReorder as unknown as Component<Record<string, unknown>>, props: {} } });
    await waitFor(() => expect(screen.getByTestId('to-reorder').textContent).toContain('BOLT'));
    expect(screen.queryByTestId('make-orders')).toBeNull();
  });
});
