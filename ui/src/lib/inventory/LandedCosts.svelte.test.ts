import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { LandedCost } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import LandedCosts from './LandedCosts.svelte';

const freight: LandedCost = {
  id: 1, picking_id: 7, date: '2026-03-03', amount: '40', split: 'value', account_id: 5, description: 'Freight', entry_id: 9,
  lines: [{ move_id: 1, product_id: 1, sku: 'A', amount: '10' }, { move_id: 2, product_id: 2, sku: 'B', amount: '30' }],
};

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('landed costs', () => {
  it('lists a receipt’s landed costs with their spread and adds one, the refusal beside its field', async () => {
    let list: LandedCost[] = [];
    let refuse = true;
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'landed_cost.list') return list;
      if (name === 'landed_cost.add') {
        if (refuse) throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'account_id', code: 'required', message: 'x', params: {} }] } as never);
        list = [{ ...freight, amount: String(args.amount) }];
        return list[0];
      }
      if (name === 'account.list') return [];
      throw new Error(`unexpected ${name}`);
    });
    render(Host, { props: { component: LandedCosts as unknown as Component<Record<string, unknown>>, props: { pickingId: 7 } } });
    await screen.findByText('No landed costs on this receipt.');
    expect(call.mock.calls.find((c) => c[0] === 'landed_cost.list')![1]).toEqual({ id: 7 });
    const amount = screen.getByLabelText(/Amount/);
    await fireEvent.input(amount, { target: { value: '40' } });
    await fireEvent.click(screen.getByTestId('landed-add'));
    await waitFor(() => expect(call.mock.calls.filter((c) => c[0] === 'landed_cost.add').length).toBe(1));
    const sent = call.mock.calls.find((c) => c[0] === 'landed_cost.add')![1];
    expect(sent).toMatchObject({ picking_id: 7, amount: '40.00', split: 'value' });
    // The refusal stays beside the account field; nothing is listed.
    await waitFor(() => expect(screen.getByTestId('landed-costs').textContent).toContain('Required.'));
    expect(screen.queryAllByTestId('landed-row')).toHaveLength(0);
    refuse = false;
    await fireEvent.click(screen.getByTestId('landed-add'));
    await screen.findByTestId('landed-row');
    expect(screen.getByTestId('landed-row').textContent).toContain('A');
    expect(screen.getByTestId('landed-row').textContent).toContain('Freight');
  });
});
