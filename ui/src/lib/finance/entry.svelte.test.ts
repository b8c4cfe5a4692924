// Where the new finance tools are reached, and that each is shown only to a role whose
// command is allowed: the payment run from the payments list, the rules and the
// reconciliation report from the bank account, the screens in the palette.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { BankAccount } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import { router } from '../shell/router.svelte';
import { visibleScreens } from '../shell/screens';
import Host from '../ui/test/Host.svelte';
import Payments from './Payments.svelte';
import BankAccountEditor from './BankAccountEditor.svelte';
import { financeScreens } from './index';
import { BATCH_PAY_SCREEN, REC_REPORT_SCREEN } from './ids';

const bank = { id: 1, kind: 'bank', name: 'Main bank', journal_code: 'BNK1', account_code: '1200', currency: 'EUR', iban: '', number: '', bic: '', archived: false, balance: '0', unreconciled: 0 } as unknown as BankAccount;
function backend(account: BankAccount = bank) {
  call.mockImplementation(async (name: string) => {
    if (name === 'finance.list_payments' || name === 'bank.list_statements' || name === 'bank.list_rules' || name === 'bank.book_lines') return [];
    if (name === 'bank.list_accounts') return [account];
    if (name === 'bank.get_account') return account;
    if (name === 'pref.get') return null;
    throw new Error(`unexpected ${name}`);
  });
}
/** Signs in as a member whose role holds `perms` in company 1. */
function as(perms: string[] | 'superuser') {
  session.me = {
    user: { is_superuser: perms === 'superuser' }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC', role: 'clerk' }],
    permissions: perms === 'superuser' ? [] : [{ company: 1, permissions: perms }],
  } as unknown as typeof session.me;
  session.companyId = 1;
}
const mount = (c: unknown, props: Record<string, unknown> = {}) => render(Host, { props: { component: c as Component<Record<string, unknown>>, props } });

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`entry-${Math.random()}`);
});

describe('finance tools: where they are and who sees them', () => {
  it('the payment run and the reconciliation report are screens guarded by their commands', () => {
    const def = (id: string) => financeScreens.find((s) => s.id === id);
    expect(def(BATCH_PAY_SCREEN)?.needs).toBe('finance.batch_pay');
    expect(def(REC_REPORT_SCREEN)?.needs).toBe('bank.reconciliation_report');
    expect(def('finance-settings')?.keywords).toContain('revalue');
    as(['finance.view_payments']);
    const seen = visibleScreens((c) => session.can(c)).map((s) => s.id);
    expect(seen).toContain(REC_REPORT_SCREEN);
    expect(seen).not.toContain(BATCH_PAY_SCREEN);
    as(['finance.view_payments', 'finance.manage_payments']);
    expect(visibleScreens((c) => session.can(c)).map((s) => s.id)).toContain(BATCH_PAY_SCREEN);
  });

  it('Payments: “Pay bills due…” opens the payment run for a role that may pay, and is not there for one that may only look', async () => {
    backend();
    as(['finance.view_payments']);
    const first = mount(Payments);
    await screen.findByTestId('payments-grid');
    expect(screen.queryByTestId('payments-batch')).toBeNull();
    first.unmount();
    as(['finance.view_payments', 'finance.manage_payments']);
    mount(Payments);
    await fireEvent.click(await screen.findByTestId('payments-batch'));
    await waitFor(() => expect(router.route).toEqual({ screen: BATCH_PAY_SCREEN }));
  });

  it('a bank account: a Rules tab whose New rule dialog is not inside the account’s form, and its reconciliation report', async () => {
    backend();
    as('superuser');
    mount(BankAccountEditor, { id: 1, onclose: () => {} });
    await screen.findByTestId('bank-account-facts');
    await fireEvent.click(screen.getByRole('tab', { name: 'Rules' }));
    await screen.findByTestId('bank-rules');
    expect(call.mock.calls.some((c) => c[0] === 'bank.list_rules')).toBe(true);
    await fireEvent.click(screen.getByTestId('rule-new'));
    const dialog = await screen.findByTestId('rule-dialog');
    expect(dialog.closest('form')).toBeNull();
    expect(within(dialog).getByRole('checkbox').closest('label')!.textContent).toContain('Only for Main bank');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await fireEvent.click(screen.getByTestId('bank-rec-report'));
    await waitFor(() => expect(router.route).toEqual({ screen: REC_REPORT_SCREEN, id: 1 }));
  });

  it('a role that may only look sees the rules but cannot add them', async () => {
    backend();
    as(['finance.view_payments']);
    mount(BankAccountEditor, { id: 1, onclose: () => {} });
    await fireEvent.click(await screen.findByRole('tab', { name: 'Rules' }));
    await screen.findByTestId('bank-rules');
    expect(screen.queryByTestId('rule-new')).toBeNull();
  });

  it('a till has no statements: no Rules tab and no reconciliation report', async () => {
    backend({ ...bank, kind: 'cash', name: 'Till' } as BankAccount);
    as('superuser');
    mount(BankAccountEditor, { id: 1, onclose: () => {} });
    await screen.findByTestId('bank-account-facts');
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Statements', 'Book lines']);
    expect(screen.queryByTestId('bank-rec-report')).toBeNull();
  });
});
