import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { BankAccount, BankRule } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import { router } from '../shell/router.svelte';
import Host from '../ui/test/Host.svelte';
import BankRules from './BankRules.svelte';
import Reconcile from './Reconcile.svelte';

const bank = { id: 1, kind: 'bank', name: 'Main bank', journal_code: 'BNK1', currency: 'EUR', iban: '', archived: false, balance: '0', unreconciled: 0 } as unknown as BankAccount;
let rules: BankRule[];
function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'bank.list_rules') return rules;
    if (name === 'bank.list_accounts') return [bank];
    if (name === 'account.get') return { id: args.id, code: args.id === 60 ? '6855' : '6800', name: args.id === 60 ? 'Bank fees' : 'Rent' };
    if (name === 'account.list') return [{ id: 60, code: '6855', name: 'Bank fees', type: 'expense', subtype: 'expense' }];
    if (name === 'tax.list') return [{ id: 3, code: 'VAT19', name: 'VAT 19 %', kind: 'purchase', rate: '19', archived: false }];
    if (name === 'partner.get') return { id: args.id, name: 'Landlord Ltd' };
    if (name === 'bank.delete_rule') {
      rules = rules.filter((r) => r.id !== args.id);
      return { ok: true };
    }
    if (name === 'bank.create_rule') {
      // A new id each time, as the database gives.
      const r = { id: Math.max(8, ...rules.map((x) => x.id)) + 1, bank_account_id: (args.bank_account_id as number) ?? null, name: args.name, pattern: args.pattern, account_id: args.account_id, partner_id: null, tax_id: null } as BankRule;
      rules = [...rules, r];
      return r;
    }
    if (name === 'bank.statement_lines' || name === 'bank.suggest' || name === 'bank.book_lines') return [];
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const rows = () => [...document.querySelectorAll('[data-testid="bank-rules-table"] tbody tr')].map((r) => r.textContent ?? '');

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`rules-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
  rules = [
    { id: 1, bank_account_id: 1, name: 'Bank fees', pattern: 'KONTOFUEHRUNG', account_id: 60, partner_id: null, tax_id: null },
    { id: 2, bank_account_id: null, name: 'Rent', pattern: 'MIETE', account_id: 61, partner_id: 8, tax_id: 3 },
    // Another account's rule: not shown here.
    { id: 3, bank_account_id: 2, name: 'Card fees', pattern: 'VISA', account_id: 60, partner_id: null, tax_id: null },
  ];
});

describe('reconciliation rules', () => {
  it('lists the account’s rules and those of every account with their account, tax and partner', async () => {
    backend();
    render(Host, { props: { component: BankRules as unknown as Component<Record<string, unknown>>, props: { account: bank } } });
    await waitFor(() => expect(rows()).toHaveLength(2));
    await waitFor(() => expect(rows()[1]).toContain('Landlord Ltd'));
    expect(rows()[0]).toContain('KONTOFUEHRUNG');
    expect(rows()[0]).toContain('6855 Bank fees');
    expect(rows()[0]).toContain('This account');
    expect(rows()[1]).toContain('MIETE');
    expect(rows()[1]).toContain('VAT19');
    expect(rows()[1]).toContain('All accounts');
    expect(rows().join()).not.toContain('VISA');
  });

  it('a rule is deleted only after the question is answered yes', async () => {
    backend();
    render(Host, { props: { component: BankRules as unknown as Component<Record<string, unknown>>, props: { account: bank } } });
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(screen.getByRole('button', { name: 'Delete rule Bank fees' }));
    let dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Delete the rule “Bank fees”?');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(argsOf('bank.delete_rule')).toHaveLength(0);
    expect(rows()).toHaveLength(2);
    await fireEvent.click(screen.getByRole('button', { name: 'Delete rule Bank fees' }));
    dialog = await screen.findByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(argsOf('bank.delete_rule')).toEqual([{ id: 1 }]));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]).toContain('MIETE');
  });

  it('a new rule: the text and account are required, the name defaults to the text, for this account unless unticked', async () => {
    backend();
    render(Host, { props: { component: BankRules as unknown as Component<Record<string, unknown>>, props: { account: bank } } });
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('rule-new'));
    const dialog = await screen.findByTestId('rule-dialog');
    await fireEvent.click(screen.getByTestId('rule-save'));
    expect(within(dialog).getAllByTestId('field-error')).toHaveLength(2);
    expect(argsOf('bank.create_rule')).toHaveLength(0);
    const u = userEvent.setup();
    await u.type(screen.getByLabelText(/Text to look for/), 'ENTGELT');
    await u.click(screen.getByLabelText(/Books to/));
    await u.keyboard('Bank');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').length).toBe(1));
    await u.keyboard('{Enter}');
    await fireEvent.click(screen.getByTestId('rule-save'));
    await waitFor(() => expect(argsOf('bank.create_rule')).toHaveLength(1));
    expect(argsOf('bank.create_rule')[0]).toEqual({ name: 'ENTGELT', pattern: 'ENTGELT', account_id: 60, bank_account_id: 1 });
    await waitFor(() => expect(screen.queryByTestId('rule-dialog')).toBeNull());
    await waitFor(() => expect(rows()).toHaveLength(3));
    // Another, for every account.
    await fireEvent.click(screen.getByTestId('rule-new'));
    await u.type(await screen.findByLabelText(/Text to look for/), 'ZINS');
    await u.type(screen.getByLabelText(/^Name/), 'Interest');
    await u.click(screen.getByLabelText(/Books to/));
    await u.keyboard('Bank');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').length).toBe(1));
    await u.keyboard('{Enter}');
    await fireEvent.click(screen.getByTestId('rule-only-here'));
    await fireEvent.click(screen.getByTestId('rule-save'));
    await waitFor(() => expect(argsOf('bank.create_rule')).toHaveLength(2));
    expect(argsOf('bank.create_rule')[1]).toEqual({ name: 'Interest', pattern: 'ZINS', account_id: 60 });
  });

  it('the reconciliation screen opens the account’s rules', async () => {
    backend();
    await router.go('bank-reconcile', { id: 1 });
    render(Host, { props: { component: Reconcile as unknown as Component<Record<string, unknown>>, props: {} } });
    await fireEvent.click(await screen.findByTestId('rec-rules'));
    const dialog = await screen.findByTestId('rules-dialog');
    expect(dialog.textContent).toContain('Reconciliation rules of Main bank');
    await waitFor(() => expect(rows()).toHaveLength(2));
  });
});
