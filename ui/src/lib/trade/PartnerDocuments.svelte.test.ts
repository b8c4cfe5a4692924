import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import Host from '../ui/test/Host.svelte';
import PartnerDocuments from './PartnerDocuments.svelte';

beforeEach(() => {
  call.mockReset();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('product documents', () => {
  it('lists the orders and invoices with a line of the product, on both sides', async () => {
    const order = { id: 31, state: 'confirmed', number: 'SO/00007', partner_id: 3, partner_name: 'Corner Shop', date: '2026-03-02', currency: 'EUR', total: '96.00', reference: '', delivery_status: 'none', invoice_status: 'none' };
    call.mockImplementation(async (name: string) => {
      if (name === 'sales.list_orders') return { items: [order], total: 1, next_cursor: null };
      if (name.endsWith('list_orders') || name.endsWith('list_invoices') || name.endsWith('list_bills')) return { items: [], total: 0, next_cursor: null };
      throw new Error(`unexpected ${name}`);
    });
    render(Host, { props: { component: PartnerDocuments as unknown as Component<Record<string, unknown>>, props: { productId: 7, customer: true, supplier: true } } });
    await waitFor(() => expect(screen.getByTestId('product-documents').textContent).toContain('SO/00007'));
    const names = call.mock.calls.map((c) => c[0]).sort();
    expect(names).toEqual(['purchase.list_bills', 'purchase.list_orders', 'sales.list_invoices', 'sales.list_orders']);
    for (const c of call.mock.calls) expect(c[1]).toEqual({ product_id: 7, limit: 10 });
  });
});
