import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Account } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import Accounts from './Accounts.svelte';

const acc = (id: number, code: string, o: Partial<Account> = {}): Account => ({
  id, code, name: `Account ${code}`, type: 'asset', subtype: 'current_asset', parent_id: null, parent_code: null, is_group: false, currency: null,
  reconcilable: false, archived: false, balance: '0.00', has_postings: false, updated_at: '', ...o,
});

beforeEach(() => {
  call.mockReset();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('chart of accounts screen', () => {
  it('without a chart, offers the templates and applies the one chosen', async () => {
    let chart = false;
    call.mockImplementation(async (name: string) => {
      if (name === 'accounting.settings' && !chart) throw new ApiError({ code: 'conflict', reason: 'no_chart_of_accounts', message: 'no chart' } as never);
      if (name === 'accounting.chart_templates') return [{ key: 'generic', name: 'Generic small business', accounts: 48 }];
      if (name === 'accounting.apply_chart') {
        chart = true;
        return {};
      }
      if (name === 'accounting.settings') return {};
      if (name === 'account.list') return [acc(1, '1000', { is_group: true }), acc(2, '1200', { parent_id: 1, balance: '1234.50' })];
      throw new Error(name);
    });
    render(Accounts);
    await screen.findByTestId('chart-setup');
    await waitFor(() => expect(screen.getByRole('option').textContent).toBe('Generic small business (48 accounts)'));
    await fireEvent.click(screen.getByTestId('apply-chart'));
    await waitFor(() => expect(screen.getAllByTestId('account-row')).toHaveLength(2));
    expect(call.mock.calls.find((c) => c[0] === 'accounting.apply_chart')![1]).toEqual({ template: 'generic' });
  });

  it('shows the tree in code order, children under their group, groups foldable', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'accounting.settings') return {};
      if (name === 'account.list') return [acc(2, '1200', { parent_id: 1, balance: '1234.50' }), acc(1, '1000', { is_group: true, balance: '1234.50' }), acc(3, '4000', { type: 'income', subtype: 'income' })];
      throw new Error(name);
    });
    render(Accounts);
    await waitFor(() => expect(screen.getAllByTestId('account-row').map((r) => r.dataset.code)).toEqual(['1000', '1200', '4000']));
    const fold = screen.getByRole('button', { name: 'Collapse Account 1000' });
    expect(fold.getAttribute('aria-expanded')).toBe('true');
    await fireEvent.click(fold);
    expect(screen.getAllByTestId('account-row').map((r) => r.dataset.code)).toEqual(['1000', '4000']);
  });
});
