import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { FinanceSettings } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { shiftDate, todayIn } from '../ui/dates';
import Host from '../ui/test/Host.svelte';
import Settings from './Settings.svelte';
import RevalueDialog from './RevalueDialog.svelte';

const settings: FinanceSettings = {
  discount_days: 10, discount_percent: '2', discount_given_account_id: null, discount_taken_account_id: null, cash_difference_account_id: null, unrealised_gain_account_id: 70,
  unrealised_loss_account_id: 71, aging_buckets: [30, 60, 90],
};
function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'finance.get_settings') return settings;
    if (name === 'account.get') return { id: args.id, code: String(args.id), name: `Account ${args.id}` };
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const dateInput = () => screen.getByLabelText(/Period end/) as HTMLInputElement;
function mountDialog() {
  const done = vi.fn();
  const close = vi.fn();
  render(Host, { props: { component: RevalueDialog as unknown as Component<Record<string, unknown>>, props: { onclose: close, ondone: done } } });
  return { done, close };
}

beforeEach(() => {
  call.mockReset();
  i18n.set('en');
  router.reset(`reval-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
});

describe('revaluation', () => {
  it('is opened from the finance settings, proposes the last month end, posts at the date typed and shows the loss with its two entries', async () => {
    backend({ 'finance.revalue': (a) => ({ date: a.date, entry_id: 80, reversal_entry_id: 81, net: '-12.5000', items: 3 }) });
    render(Host, { props: { component: Settings as unknown as Component<Record<string, unknown>>, props: {} } });
    await fireEvent.click(await screen.findByTestId('settings-revalue'));
    await screen.findByTestId('revalue-dialog');
    const today = todayIn('UTC');
    const monthEnd = shiftDate(`${today.slice(0, 8)}01`, { days: -1 });
    const [y, m, d] = monthEnd.split('-');
    expect(dateInput().value).toBe(`${m}/${d}/${y}`);
    await fireEvent.input(dateInput(), { target: { value: '2026-03-31' } });
    await fireEvent.click(screen.getByTestId('revalue-submit'));
    await screen.findByTestId('revalue-result');
    expect(argsOf('finance.revalue')).toEqual([{ date: '2026-03-31' }]);
    expect(screen.getByTestId('revalue-result').textContent).toContain('Valued at 03/31/2026: 3 open items in foreign currencies.');
    expect(screen.getByTestId('revalue-items').textContent).toBe('3');
    expect(screen.getByTestId('revalue-net').textContent).toBe('€12.50');
    expect(screen.getByTestId('revalue-result').textContent).toContain('Unrealised loss');
    expect(screen.getByTestId('revalue-result').textContent).toContain('reversed on 04/01/2026');
    await fireEvent.click(screen.getByTestId('revalue-reversal'));
    expect(router.route).toEqual({ screen: 'entries', id: 81 });
    expect(screen.queryByTestId('revalue-dialog')).toBeNull();
  });

  it('a date revalued before is named beside the date; missing accounts point to the settings', async () => {
    let reason: 'dup' | 'accounts' = 'dup';
    backend({
      'finance.revalue': () => {
        if (reason === 'dup') throw new ApiError({ code: 'conflict', message: 'x', fields: [{ field: 'date', code: 'duplicate', message: 'x', params: { value: '2026-03-31' } }] } as never);
        throw new ApiError({ code: 'refused', reason: 'default_account_missing', params: { default: 'unrealised_gain' }, message: 'x', fields: [] } as never);
      },
    });
    const { done } = mountDialog();
    await fireEvent.input(dateInput(), { target: { value: '2026-03-31' } });
    await fireEvent.click(screen.getByTestId('revalue-submit'));
    await waitFor(() => expect(screen.getByTestId('field-error').textContent).toBe('03/31/2026 was revalued already.'));
    reason = 'accounts';
    await fireEvent.click(screen.getByTestId('revalue-submit'));
    expect((await screen.findByTestId('revalue-message')).textContent).toBe('Set the unrealised exchange gain and loss accounts in the finance settings first.');
    expect(done).not.toHaveBeenCalled();
    expect(screen.queryByTestId('revalue-result')).toBeNull();
  });

  it('nothing open in foreign currencies: says so, no entries to open', async () => {
    backend({ 'finance.revalue': (a) => ({ date: a.date, entry_id: null, reversal_entry_id: null, net: '0', items: 0 }) });
    const { done, close } = mountDialog();
    await fireEvent.click(screen.getByTestId('revalue-submit'));
    expect((await screen.findByTestId('revalue-nothing')).textContent).toBe('No foreign-currency items were open at this date: nothing was posted.');
    expect(screen.queryByTestId('revalue-entry')).toBeNull();
    expect(done).toHaveBeenCalledOnce();
    await fireEvent.click(screen.getByTestId('revalue-close'));
    expect(close).toHaveBeenCalled();
  });
});
