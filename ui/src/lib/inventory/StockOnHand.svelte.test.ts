import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { Product } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import StockOnHand from './StockOnHand.svelte';

const chair = { id: 7, sku: 'CH-1', name: 'Chair', barcode: null, unit_code: 'pc' } as Product;
const locations = [
  { id: 10, kind: 'internal', warehouse_id: 1, parent_id: null, name: 'Stock', full_name: 'WH/Stock', depth: 0, archived: false },
  { id: 11, kind: 'internal', warehouse_id: 1, parent_id: 10, name: 'Shelf A', full_name: 'WH/Stock/Shelf A', depth: 1, archived: false },
];

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('stock on hand', () => {
  it('shows a product’s stock by location, then again at a past date and in one location, with its moves in the same scope', async () => {
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'warehouse.list') return [{ id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false }];
      if (name === 'location.list') return locations;
      if (name === 'catalog.list_products') return { items: [chair], total: 1, next_cursor: null };
      if (name === 'stock.on_hand')
        return args.date
          ? { product_id: 7, unit_code: 'pc', on_hand: '2', reserved: null, available: null, rows: [{ location_id: 11, location: 'WH/Stock/Shelf A', lot_id: null, lot_code: null, quantity: '2' }] }
          : { product_id: 7, unit_code: 'pc', on_hand: '7', reserved: '1', available: '6', rows: [{ location_id: 10, location: 'WH/Stock', lot_id: null, lot_code: null, quantity: '3' }, { location_id: 11, location: 'WH/Stock/Shelf A', lot_id: null, lot_code: null, quantity: '4' }] };
      if (name === 'stock.moves') return { items: [], total: 0, next_cursor: null };
      throw new Error(`unexpected ${name}`);
    });
    render(Host, { props: { component: StockOnHand as unknown as Component<Record<string, unknown>>, props: {} } });
    const u = userEvent.setup();
    await u.click(screen.getByLabelText(/Product/));
    await u.keyboard('CH');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').length).toBe(1));
    await u.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId('on-hand').textContent).toBe('7 pc'));
    expect(screen.getByTestId('available').textContent).toBe('6');
    expect(screen.getByTestId('on-hand-rows').textContent).toContain('WH/Stock/Shelf A');
    expect(call.mock.calls.find((c) => c[0] === 'stock.on_hand')![1]).toEqual({ product_id: 7 });
    await waitFor(() => expect(call.mock.calls.some((c) => c[0] === 'stock.moves')).toBe(true));
    expect(call.mock.calls.find((c) => c[0] === 'stock.moves')![1]).toMatchObject({ product_id: 7 });

    await fireEvent.change(screen.getByLabelText(/^Location/), { target: { value: '11' } });
    const date = screen.getByLabelText(/At the end of/) as HTMLInputElement;
    await fireEvent.input(date, { target: { value: '2026-01-31' } });
    await fireEvent.blur(date);
    await waitFor(() => expect(screen.getByTestId('on-hand').textContent).toBe('2 pc'));
    expect(call.mock.calls.filter((c) => c[0] === 'stock.on_hand').at(-1)![1]).toEqual({ product_id: 7, location_id: 11, date: '2026-01-31' });
    expect(screen.queryByTestId('available')).toBeNull();
    await waitFor(() => expect(call.mock.calls.filter((c) => c[0] === 'stock.moves').at(-1)![1]).toMatchObject({ product_id: 7, location_id: 11 }));
  });
});
