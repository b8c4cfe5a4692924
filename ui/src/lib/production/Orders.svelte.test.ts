import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import Orders from './Orders.svelte';
import Trace from './Trace.svelte';
import ProductManufacturing from './ProductManufacturing.svelte';
import { searchProductionOrders } from './index';
import { bomRow, orderRow } from './fixtures';

const lastArgs = (name: string) => call.mock.calls.filter((c) => c[0] === name).at(-1)?.[1];
const mount = (C: unknown, props: Record<string, unknown> = {}) => render(Host, { props: { component: C as Component<Record<string, unknown>>, props } });

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`orders-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('production orders', () => {
  it('lists number (or Draft), product, quantities and state; the state tabs and search become the list args', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'production.list_orders') return [orderRow({ state: 'in_progress', produced: '4' }), orderRow({ id: 8, number: null, state: 'draft', origin: '' })];
      if (name === 'preference.get') return null;
      throw new Error(`unexpected ${name}`);
    });
    mount(Orders);
    await waitFor(() => expect(screen.getAllByTestId('grid-row')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('grid-row');
    expect(first.textContent).toContain('MO/00001');
    expect(first.textContent).toContain('TABLE Oak table');
    expect(first.textContent).toContain('10 pc');
    expect(first.textContent).toContain('4 pc');
    expect(first.textContent).toContain('SO/00042');
    expect(first.textContent).toContain('In progress');
    expect(second.textContent).toContain('Draft');
    expect(lastArgs('production.list_orders')).toEqual({ limit: expect.any(Number) });
    await fireEvent.click(screen.getByTestId('tab-in_progress'));
    await waitFor(() => expect(lastArgs('production.list_orders')).toMatchObject({ state: 'in_progress' }));
    expect(screen.getByTestId('tab-in_progress').getAttribute('aria-pressed')).toBe('true');
    await fireEvent.click(screen.getByTestId('tab-all'));
    await waitFor(() => expect(lastArgs('production.list_orders').state).toBeUndefined());
  });

  it('the palette finds orders by number and opens them on the orders screen', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'production.list_orders') return [orderRow()];
      throw new Error(`unexpected ${name}`);
    });
    const hits = await searchProductionOrders('MO/0');
    expect(lastArgs('production.list_orders')).toEqual({ search: 'MO/0', limit: 6 });
    expect(hits).toEqual([{ label: 'MO/00001', sub: 'TABLE Oak table · 10 pc · Confirmed · SO/00042', screen: 'production-orders', id: 9 }]);
    session.me = { user: { is_superuser: false }, companies: [], permissions: [] } as unknown as typeof session.me;
    expect(await searchProductionOrders('MO')).toEqual([]);
  });
});

describe('lot genealogy', () => {
  it('shows a produced lot and its component lots by depth, each with the order that made it', async () => {
    await router.go('production-trace', { id: 70 });
    call.mockImplementation(async (name: string) => {
      if (name === 'production.trace_lot')
        return [
          { level: 0, lot_id: 70, lot_code: 'T-1', product_id: 20, sku: 'TABLE', order_id: 9, order_number: 'MO/00001', quantity: '4' },
          { level: 1, lot_id: 71, lot_code: 'TOP-7', product_id: 24, sku: 'TOP', order_id: 5, order_number: 'MO/00000', quantity: '4' },
          { level: 2, lot_id: 72, lot_code: 'OAK-3', product_id: 25, sku: 'BOARD', order_id: null, order_number: null, quantity: '8.4' },
        ];
      throw new Error(`unexpected ${name}`);
    });
    mount(Trace);
    await waitFor(() => expect(screen.getAllByTestId('trace-node')).toHaveLength(3));
    expect(lastArgs('production.trace_lot')).toEqual({ lot_id: 70 });
    const rows = screen.getAllByTestId('trace-node');
    expect(rows[2].querySelector('td')!.style.paddingLeft).toBe('48px');
    expect(rows[2].textContent).toContain('OAK-3');
    expect(rows[2].textContent).toContain('Not produced here');
    expect(screen.getByText('Lot T-1 of TABLE')).toBeTruthy();
    await fireEvent.click(screen.getByText('MO/00000'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'production-orders', id: 5 }));
  });
});

describe('the product form’s manufacturing tab', () => {
  it('lists the BOMs that make the product and where it is used', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'bom.list') return [bomRow()];
      if (name === 'bom.where_used') return [];
      throw new Error(`unexpected ${name}`);
    });
    mount(ProductManufacturing, { productId: 20 });
    await waitFor(() => expect(screen.getByTestId('product-boms').textContent).toContain('Standard'));
    expect(screen.getByTestId('product-boms').textContent).toContain('for 2 pc · 2 lines');
    expect(lastArgs('bom.list')).toEqual({ product_id: 20, limit: 100 });
    expect(lastArgs('bom.where_used')).toEqual({ product_id: 20 });
    await waitFor(() => expect(screen.getByTestId('product-where-used').textContent).toContain('Not used in any bill of materials.'));
    await fireEvent.click(screen.getByTestId('product-bom-tree'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'bom-tree', id: 20 }));
  });
});
