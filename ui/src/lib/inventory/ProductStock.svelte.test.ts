import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { ReorderRule } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import ProductStock from './ProductStock.svelte';

const warehouses = [{ id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false }];
const locations = [{ id: 10, kind: 'internal', warehouse_id: 1, parent_id: null, name: 'Stock', full_name: 'WH/Stock', depth: 0, archived: false }];
const rule: ReorderRule = {
  id: 5, product_id: 7, sku: 'BOLT', product_name: 'Bolt', unit_code: 'pc', warehouse_id: 1, warehouse_code: 'WH', min_qty: '10', max_qty: '50', multiple: '12',
  supplier_id: 3, supplier_name: 'Bolt Works', archived: false,
};

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('product stock tab', () => {
  it('shows the product’s reorder rules, opens one to edit or a new one for the product, and its history newest first', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'warehouse.list') return warehouses;
      if (name === 'location.list') return locations;
      if (name === 'stock.on_hand') return { product_id: 7, unit_code: 'pc', on_hand: '3', reserved: '0', available: '3', rows: [{ location_id: 10, location: 'WH/Stock', lot_id: null, lot_code: null, quantity: '3' }] };
      if (name === 'reorder_rule.list') return { items: [rule], total: 1, next_cursor: null };
      if (name === 'reorder_rule.get') return rule;
      if (name === 'catalog.get_product') return { product: { id: 7, sku: 'BOLT', name: 'Bolt' } };
      if (name === 'partner.get') return { id: 3, name: 'Bolt Works' };
      if (name === 'stock.moves') return { items: [], total: 0, next_cursor: null };
      throw new Error(`unexpected ${name}`);
    });
    render(Host, { props: { component: ProductStock as unknown as Component<Record<string, unknown>>, props: { productId: 7 } } });
    const rules = await screen.findByTestId('product-rules');
    await waitFor(() => expect(rules.textContent).toContain('Bolt Works'));
    expect(rules.textContent).toContain('50');
    expect(call.mock.calls.find((c) => c[0] === 'reorder_rule.list')![1]).toMatchObject({ product_id: 7 });
    await waitFor(() => expect(call.mock.calls.some((c) => c[0] === 'stock.moves')).toBe(true));
    expect(call.mock.calls.find((c) => c[0] === 'stock.moves')![1]).toMatchObject({ product_id: 7, descending: true });

    await fireEvent.click(screen.getByTestId('rule-WH'));
    await waitFor(() => expect((screen.getByLabelText(/Maximum/) as HTMLInputElement).value).toBe('50'));
    expect(call.mock.calls.find((c) => c[0] === 'reorder_rule.get')![1]).toEqual({ id: 5 });
    await fireEvent.click(screen.getByTestId('reorder-rule-dialog-close'));
    await waitFor(() => expect(screen.queryByTestId('reorder-rule-dialog')).toBeNull());
    await fireEvent.click(screen.getByTestId('add-rule'));
    await waitFor(() => expect(screen.getByTestId('reorder-rule-dialog').textContent).toContain('New reorder rule'));
  });
});
