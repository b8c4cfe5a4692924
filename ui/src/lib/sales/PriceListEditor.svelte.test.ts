import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { PriceList } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import PriceListEditor from './PriceListEditor.svelte';

const list: PriceList = {
  id: 2, name: 'Retail', currency: 'EUR', valid_from: '2026-01-01', valid_to: null, partner_ids: [3], archived: false,
  items: [{ product_id: 7, sku: 'CH-1', product_name: 'Chair', min_quantity: '10', price: '45.00', discount: null }],
};

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('price list editor', () => {
  it('refuses an item with both a price and a discount beside the row, then sends the list with the discount only', async () => {
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'price_list.get') return list;
      if (name === 'partner.get') return { id: 3, name: 'Corner Shop' };
      if (name === 'catalog.get_product') return { product: { id: 7, sku: 'CH-1', name: 'Chair' } };
      if (name === 'price_list.update') return { ...list, ...(args.list as object) };
      throw new Error(`unexpected ${name}`);
    });
    render(Host, { props: { component: PriceListEditor as unknown as Component<Record<string, unknown>>, props: { id: 2, onclose: () => {} } } });
    await waitFor(() => expect(screen.getByTestId('price-list-customers').textContent).toContain('Corner Shop'));
    const price = screen.getByLabelText(/^Price/) as HTMLInputElement;
    const discount = screen.getByLabelText(/^Discount/) as HTMLInputElement;
    await waitFor(() => expect(price.value).toBe('45.00'));
    await fireEvent.input(discount, { target: { value: '5' } });
    await fireEvent.blur(discount);
    await fireEvent.click(screen.getByTestId('price-list-dialog-save'));
    await waitFor(() => expect(screen.getByText('Enter a price or a discount, not both.')).toBeTruthy());
    expect(call.mock.calls.some((c) => c[0] === 'price_list.update')).toBe(false);

    await fireEvent.input(price, { target: { value: '' } });
    await fireEvent.blur(price);
    await fireEvent.click(screen.getByTestId('price-list-dialog-save'));
    await waitFor(() => expect(call.mock.calls.some((c) => c[0] === 'price_list.update')).toBe(true));
    expect(call.mock.calls.find((c) => c[0] === 'price_list.update')![1]).toEqual({
      id: 2,
      list: { name: 'Retail', currency: 'EUR', valid_from: '2026-01-01', partner_ids: [3], items: [{ product_id: 7, min_quantity: '10', discount: '5' }] },
    });
  });
});
