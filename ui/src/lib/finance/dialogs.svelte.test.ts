// The bank account's money dialogs: a receipt or expense without an invoice, a transfer,
// a cash count. Each checks what it must before sending, sends the command's args and
// says what was posted.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { BankAccount } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import { router } from '../shell/router.svelte';
import { toast } from '../ui/toast.svelte';
import { todayIn } from '../ui/dates';
import Host from '../ui/test/Host.svelte';
import MoveDialog from './MoveDialog.svelte';
import TransferDialog from './TransferDialog.svelte';
import CashCountDialog from './CashCountDialog.svelte';

const account = (o: Partial<BankAccount>) => ({ id: 1, kind: 'bank', name: 'Main bank', journal_code: 'BNK1', currency: 'EUR', iban: '', archived: false, balance: '500', unreconciled: 0, ...o }) as unknown as BankAccount;
const bank = account({});
const usd = account({ id: 2, name: 'Dollar account', journal_code: 'BNK2', currency: 'USD' });
const till = account({ id: 3, kind: 'cash', name: 'Till', journal_code: 'CSH1', balance: '250' });
const accounts = [
  { id: 60, code: '6855', name: 'Bank fees', type: 'expense', subtype: 'expense' },
  { id: 61, code: '4800', name: 'Interest received', type: 'income', subtype: 'income' },
  { id: 62, code: '1200', name: 'Bank', type: 'asset', subtype: 'bank' },
  { id: 63, code: '6960', name: 'Cash differences', type: 'expense', subtype: 'expense' },
];

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'account.list') return accounts.filter((a) => !args.search || `${a.code} ${a.name}`.toLowerCase().includes(String(args.search).toLowerCase()));
    if (name === 'account.get') return accounts.find((a) => a.id === args.id);
    if (name === 'tax.list') return [{ id: 3, code: 'VAT19', name: 'VAT 19 %', kind: 'purchase', rate: '19', archived: false }, { id: 4, code: 'OUT19', name: 'Output VAT 19 %', kind: 'sales', rate: '19', archived: false }];
    if (name === 'partner.list') return { items: [{ id: 8, name: 'Landlord Ltd', code: 'S008' }], total: 1, next: null };
    if (name === 'partner.get') return { id: 8, name: 'Landlord Ltd' };
    if (name === 'bank.list_accounts') return [bank, usd, till];
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const field = (name: string) => document.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
const errors = () => screen.queryAllByTestId('field-error').map((e) => `${e.dataset.field}: ${e.textContent}`);
function mount(c: unknown, props: Record<string, unknown>) {
  const done = vi.fn();
  const close = vi.fn();
  render(Host, { props: { component: c as Component<Record<string, unknown>>, props: { onclose: close, ondone: done, ...props } } });
  return { done, close };
}
/** Picks the one option `text` finds in the picker labelled `label` (its own list, not another's). */
async function pick(u: ReturnType<typeof userEvent.setup>, label: RegExp, text: string) {
  const input = screen.getByLabelText(label);
  await u.click(input);
  await u.keyboard(text);
  const options = () => [...(document.getElementById(input.getAttribute('aria-controls') ?? '')?.querySelectorAll('[data-testid="picker-option"]') ?? [])];
  await waitFor(() => expect(options()).toHaveLength(1));
  await u.keyboard('{Enter}');
}
const today = todayIn('UTC');
let ok: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`dlg-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
  ok?.mockRestore();
  ok = vi.spyOn(toast, 'ok');
});

describe('money in or out without an invoice', () => {
  it('an expense: amount and account required; the account list leaves out bank accounts; sends tax and partner when chosen', async () => {
    const move = { id: 5, bank_account_id: 1, kind: 'expense', date: today, amount: '11.9', counter_account_id: 60, partner_id: 8, tax_id: 3, description: 'Fees', reference: 'Q1', entry_id: 40, entry_number: 'BNK1/00012' };
    backend({ 'bank.create_move': () => move });
    const { done, close } = mount(MoveDialog, { account: bank, kind: 'expense' });
    expect(screen.getByTestId('move-dialog').textContent).toContain('Money out of Main bank');
    await fireEvent.click(screen.getByTestId('move-submit'));
    expect(errors()).toEqual(['f-amount: Required.', 'f-counter_account_id: Required.']);
    expect(argsOf('bank.create_move')).toHaveLength(0);
    const u = userEvent.setup();
    await u.type(field('amount'), '11.9');
    await u.click(screen.getByLabelText(/Expense account/));
    await u.keyboard('{ArrowDown}');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').length).toBe(3));
    expect(screen.getAllByTestId('picker-option').map((o) => o.textContent).join()).not.toContain('1200');
    await u.keyboard('fees');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').length).toBe(1));
    await u.keyboard('{Enter}');
    await pick(u, /Tax included/, 'VAT');
    await pick(u, /Partner/, 'Land');
    await u.type(field('description'), 'Fees');
    await u.type(field('reference'), 'Q1');
    await fireEvent.click(screen.getByTestId('move-submit'));
    await waitFor(() => expect(argsOf('bank.create_move')).toHaveLength(1));
    expect(argsOf('bank.create_move')[0]).toEqual({ bank_account_id: 1, kind: 'expense', date: today, amount: '11.90', counter_account_id: 60, description: 'Fees', reference: 'Q1', tax_id: 3, partner_id: 8 });
    expect(ok).toHaveBeenCalledWith('Expense of €11.90 posted (BNK1/00012).');
    expect(done).toHaveBeenCalledWith(move);
    expect(close).toHaveBeenCalled();
  });

  it('a receipt: the core’s refusal stays in the dialog', async () => {
    backend({
      'bank.create_move': () => {
        throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'date', code: 'period_closed', message: 'x', params: {} }] } as never);
      },
    });
    const { done, close } = mount(MoveDialog, { account: bank, kind: 'receipt' });
    expect(screen.getByTestId('move-dialog').textContent).toContain('Money in to Main bank');
    const u = userEvent.setup();
    await u.type(field('amount'), '25');
    await pick(u, /Income account/, 'Interest');
    await u.keyboard('{Enter}');
    await waitFor(() => expect(argsOf('bank.create_move')).toHaveLength(1));
    expect(argsOf('bank.create_move')[0]).toMatchObject({ kind: 'receipt', amount: '25.00', counter_account_id: 61 });
    await waitFor(() => expect(errors().some((e) => e.startsWith('f-date:'))).toBe(true));
    expect(done).not.toHaveBeenCalled();
    expect(close).not.toHaveBeenCalled();
  });
});

describe('transfer', () => {
  it('between accounts of one currency, with a fee that needs its account', async () => {
    backend({ 'bank.transfer': () => [] });
    const { done } = mount(TransferDialog, { account: bank });
    const u = userEvent.setup();
    await u.click(screen.getByLabelText(/To account/));
    await u.keyboard('{ArrowDown}');
    // Not to itself.
    await waitFor(() => expect(screen.getAllByTestId('picker-option').map((o) => o.textContent)).toEqual([expect.stringContaining('Dollar account'), expect.stringContaining('Till')]));
    await u.keyboard('Till');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').length).toBe(1));
    await u.keyboard('{Enter}');
    expect(field('received')).toBeNull();
    await u.type(field('amount'), '100');
    expect(field('fee_account_id').disabled).toBe(true);
    await u.type(field('fee'), '1.5');
    await u.tab();
    await fireEvent.click(screen.getByTestId('transfer-submit'));
    expect(errors()).toEqual(['f-fee_account_id: Required.']);
    await pick(u, /Fee account/, 'fees');
    await fireEvent.click(screen.getByTestId('transfer-submit'));
    await waitFor(() => expect(argsOf('bank.transfer')).toHaveLength(1));
    expect(argsOf('bank.transfer')[0]).toEqual({ from_account_id: 1, to_account_id: 3, date: today, amount: '100.00', description: '', fee: '1.50', fee_account_id: 60 });
    expect(ok).toHaveBeenCalledWith('€100.00 transferred to Till.');
    expect(done).toHaveBeenCalled();
  });

  it('to another currency: what arrived is asked for and sent', async () => {
    backend({ 'bank.transfer': () => [] });
    mount(TransferDialog, { account: bank });
    const u = userEvent.setup();
    await pick(u, /To account/, 'Dollar');
    await waitFor(() => expect(field('received')).toBeTruthy());
    expect(screen.getByLabelText(/Amount received \(USD\)/)).toBe(field('received'));
    await u.type(field('amount'), '100');
    await fireEvent.click(screen.getByTestId('transfer-submit'));
    expect(errors()).toEqual(['f-received: Required.']);
    await u.type(field('received'), '108.2');
    await fireEvent.click(screen.getByTestId('transfer-submit'));
    await waitFor(() => expect(argsOf('bank.transfer')).toHaveLength(1));
    expect(argsOf('bank.transfer')[0]).toEqual({ from_account_id: 1, to_account_id: 2, date: today, amount: '100.00', description: '', received: '108.20' });
  });
});

describe('cash count', () => {
  it('shows the books, previews the difference, posts the count to the default account', async () => {
    backend({ 'bank.cash_count': (a) => ({ book: '250', counted: a.counted, difference: '-3.5', move_id: 7 }) });
    const { done, close } = mount(CashCountDialog, { account: till });
    expect(screen.getByTestId('count-dialog').textContent).toContain('The books say €250.00 today.');
    await fireEvent.click(screen.getByTestId('count-submit'));
    expect(errors()).toEqual(['f-counted: Required.']);
    const u = userEvent.setup();
    await u.type(field('counted'), '246.5');
    await waitFor(() => expect(screen.getByTestId('count-difference').textContent).toBe('Difference to the books today: -€3.50'));
    await fireEvent.click(screen.getByTestId('count-submit'));
    await waitFor(() => expect(argsOf('bank.cash_count')).toEqual([{ bank_account_id: 3, date: today, counted: '246.50' }]));
    expect(ok).toHaveBeenCalledWith('Difference of -€3.50 posted.');
    expect(done).toHaveBeenCalled();
    expect(close).toHaveBeenCalled();
  });

  it('a count that matches says so; a chosen difference account is sent', async () => {
    backend({ 'bank.cash_count': (a) => ({ book: '250', counted: a.counted, difference: '0', move_id: null }) });
    mount(CashCountDialog, { account: till });
    const u = userEvent.setup();
    await u.type(field('counted'), '250');
    await pick(u, /Book the difference to/, 'differences');
    await fireEvent.click(screen.getByTestId('count-submit'));
    await waitFor(() => expect(argsOf('bank.cash_count')).toEqual([{ bank_account_id: 3, date: today, counted: '250.00', account_id: 63 }]));
    expect(ok).toHaveBeenCalledWith('The count matches the books.');
  });
});
