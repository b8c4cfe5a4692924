import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import type { OrderRow } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import OrderList from './OrderList.svelte';
import { PURCHASE, SALE } from './side';

const row = (o: Partial<OrderRow> = {}): OrderRow => ({
  id: 5, state: 'confirmed', number: 'SO/00001', partner_id: 3, partner_name: 'Corner Shop', date: '2026-03-02', currency: 'EUR', total: '119.00', reference: 'PO-77',
  delivery_status: 'partial', invoice_status: 'to_invoice', ...o,
});
const lastArgs = (name: string) => call.mock.calls.filter((c) => c[0] === name).at(-1)?.[1];

beforeEach(() => {
  call.mockReset();
  i18n.set('en');
  router.reset(`orders-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('order list', () => {
  it('shows number (or the quotation word), partner, total with currency and the statuses; filters and quick tabs become the list args', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'sales.list_orders') return { items: [row(), row({ id: 6, state: 'draft', number: null, delivery_status: 'none', invoice_status: 'none' })], total: 2, next_cursor: null };
      if (name === 'preference.get') return null;
      throw new Error(`unexpected ${name}`);
    });
    render(OrderList, { props: { side: SALE } });
    await waitFor(() => expect(screen.getAllByTestId('grid-row')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('grid-row');
    expect(first.textContent).toContain('SO/00001');
    expect(first.textContent).toContain('Corner Shop');
    expect(first.textContent).toContain('€119.00');
    expect(first.textContent).toContain('Partly delivered');
    expect(first.textContent).toContain('To invoice');
    expect(second.textContent).toContain('Draft');
    expect(second.textContent).toContain('Quotation');
    expect(lastArgs('sales.list_orders')).toEqual({ limit: expect.any(Number) });

    await fireEvent.click(screen.getByTestId('tab-to_deliver'));
    await waitFor(() => expect(lastArgs('sales.list_orders')).toMatchObject({ open: 'to_deliver' }));
    expect(screen.getByTestId('tab-to_deliver').getAttribute('aria-pressed')).toBe('true');
    await fireEvent.change(screen.getByTestId('filter-state'), { target: { value: 'confirmed' } });
    await waitFor(() => expect(lastArgs('sales.list_orders')).toMatchObject({ open: 'to_deliver', state: 'confirmed' }));
    await fireEvent.input(screen.getByRole('textbox', { name: 'Total from' }), { target: { value: '100' } });
    await waitFor(() => expect(lastArgs('sales.list_orders')).toMatchObject({ open: 'to_deliver', state: 'confirmed', min_total: '100' }));
    await fireEvent.click(screen.getByTestId('tab-to_invoice'));
    await waitFor(() => expect(lastArgs('sales.list_orders')).toMatchObject({ open: 'to_invoice', state: 'confirmed', min_total: '100' }));
    await fireEvent.click(screen.getByTestId('tab-all'));
    await waitFor(() => expect(lastArgs('sales.list_orders')).not.toHaveProperty('open'));
  });

  it('the purchase side calls its own list and says receive and bill', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'purchase.list_orders') return { items: [row({ number: 'PO/00001' })], total: 1, next_cursor: null };
      if (name === 'preference.get') return null;
      throw new Error(`unexpected ${name}`);
    });
    render(OrderList, { props: { side: PURCHASE } });
    await waitFor(() => expect(screen.getAllByTestId('grid-row')).toHaveLength(1));
    expect(screen.getByTestId('tab-to_deliver').textContent).toBe('To receive');
    expect(screen.getByTestId('tab-to_invoice').textContent).toBe('To bill');
    expect(screen.getAllByTestId('grid-row')[0].textContent).toContain('Partly received');
  });
});
