import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { ReorderRule } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import ReorderRuleEditor from './ReorderRuleEditor.svelte';

const warehouses = [{ id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false }];
const rule: ReorderRule = {
  id: 5, product_id: 7, sku: 'BOLT', product_name: 'Bolt', unit_code: 'pc', warehouse_id: 1, warehouse_code: 'WH', min_qty: '10', max_qty: '50', multiple: '12',
  supplier_id: null, supplier_name: null, archived: false,
};

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

function mount(props: Record<string, unknown>) {
  return render(Host, { props: { component: ReorderRuleEditor as unknown as Component<Record<string, unknown>>, props: { onclose: () => {}, ...props } } });
}

describe('reorder rule editor', () => {
  it('shows the core’s refusal beside the maximum, then saves the quantities with the supplier cleared', async () => {
    let refuse = true;
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'warehouse.list') return warehouses;
      if (name === 'reorder_rule.get') return rule;
      if (name === 'catalog.get_product') return { product: { id: 7, sku: 'BOLT', name: 'Bolt' } };
      if (name === 'reorder_rule.update') {
        if (refuse) throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'max_qty', code: 'below_minimum', message: 'x', params: { min: '10' } }] } as never);
        return { ...rule, max_qty: args.max_qty as string };
      }
      throw new Error(`unexpected ${name}`);
    });
    mount({ id: 5 });
    const max = (await screen.findByLabelText(/Maximum/)) as HTMLInputElement;
    await waitFor(() => expect(max.value).toBe('50'));
    // Product and warehouse are fixed once the rule exists.
    expect((screen.getByLabelText(/^Warehouse/) as HTMLSelectElement).disabled).toBe(true);
    await fireEvent.input(max, { target: { value: '5' } });
    await fireEvent.blur(max);
    await fireEvent.click(screen.getByTestId('reorder-rule-dialog-save'));
    await waitFor(() => expect(screen.getByText('Must be at least the minimum 10.')).toBeTruthy());
    refuse = false;
    await fireEvent.input(max, { target: { value: '60' } });
    await fireEvent.blur(max);
    await fireEvent.click(screen.getByTestId('reorder-rule-dialog-save'));
    await waitFor(() => expect(call.mock.calls.filter((c) => c[0] === 'reorder_rule.update').length).toBe(2));
    expect(call.mock.calls.filter((c) => c[0] === 'reorder_rule.update').at(-1)![1]).toEqual({ id: 5, min_qty: '10', max_qty: '60', multiple: '12', clear_supplier: true });
  });

  it('makes a new rule for the product it is opened from', async () => {
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'warehouse.list') return warehouses;
      if (name === 'catalog.get_product') return { product: { id: 7, sku: 'BOLT', name: 'Bolt' } };
      if (name === 'reorder_rule.create') return { ...rule, ...args, id: 6 };
      throw new Error(`unexpected ${name}`);
    });
    mount({ id: null, productId: 7 });
    await waitFor(() => expect(screen.getByLabelText(/^Warehouse/).textContent).toContain('WH · Main'));
    await fireEvent.change(screen.getByLabelText(/^Warehouse/), { target: { value: '1' } });
    for (const [label, v] of [[/Minimum/, '10'], [/Maximum/, '50'], [/Multiple/, '12']] as const) {
      const input = screen.getByLabelText(label) as HTMLInputElement;
      await fireEvent.input(input, { target: { value: v } });
      await fireEvent.blur(input);
    }
    await fireEvent.click(screen.getByTestId('reorder-rule-dialog-save'));
    await waitFor(() => expect(call.mock.calls.some((c) => c[0] === 'reorder_rule.create')).toBe(true));
    expect(call.mock.calls.find((c) => c[0] === 'reorder_rule.create')![1]).toEqual({ product_id: 7, warehouse_id: 1, min_qty: '10', max_qty: '50', multiple: '12' });
  });
});
