import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { BankAccount, BankStatementLine, BookLine, Suggestion } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import { router } from '../shell/router.svelte';
import Host from '../ui/test/Host.svelte';
import Reconcile from './Reconcile.svelte';

const bank = { id: 1, kind: 'bank', name: 'Main bank', journal_code: 'BNK1', currency: 'EUR', iban: '', archived: false, balance: '0', unreconciled: 3 } as unknown as BankAccount;
function line(o: Partial<BankStatementLine>): BankStatementLine {
  return { id: 1, statement_id: 1, date: '2026-03-02', value_date: null, amount: '119.0000', counterparty: 'Corner Shop', counterparty_account: '', reference: 'INV/00001', description: '', bank_ref: '', rec_id: null, ...o };
}
const book: BookLine[] = [
  { id: 70, entry_id: 30, entry_number: 'BNK1/00003', date: '2026-03-04', amount: '-50.0000', partner_id: null, partner_name: null, reference: '', description: 'Rent part', payment_id: null, rec_id: null },
];
const sug: Suggestion[] = [
  { statement_line_id: 1, kind: 'items', score: 95, book_line_ids: [], items: [{ item_id: 11, amount: '119.0000' }], partner_id: 4, partner_side: 'customer', rule_id: null, account_id: null, tax_id: null, label: 'INV/00001' },
  { statement_line_id: 2, kind: 'rule', score: 80, book_line_ids: [], items: [], partner_id: null, partner_side: null, rule_id: 1, account_id: 60, tax_id: null, label: 'Bank fees' },
];

let lines: BankStatementLine[];
function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'bank.list_accounts') return [bank];
    if (name === 'bank.statement_lines') return lines.filter((l) => l.rec_id == null);
    if (name === 'bank.suggest') return sug.filter((s) => lines.some((l) => l.id === s.statement_line_id && l.rec_id == null));
    if (name === 'bank.book_lines') return book;
    if (name === 'bank.reconcile') {
      const ids = args.statement_line_ids as number[];
      lines = lines.map((l) => (ids.includes(l.id) ? { ...l, rec_id: 99 } : l));
      return { id: 99, bank_account_id: 1, statement_line_ids: ids, book_line_ids: [], payment_id: null, move_id: null };
    }
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const active = () => document.querySelector('[data-testid="rec-lines"] [aria-selected="true"].on') as HTMLElement | null;

beforeEach(async () => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`rec-${Math.random()}`);
  await router.go('bank-reconcile', { id: 1 });
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
  lines = [line({}), line({ id: 2, date: '2026-03-03', amount: '-4.5000', counterparty: 'Bank', reference: '', description: 'Fee' }), line({ id: 3, date: '2026-03-04', amount: '-54.5000', counterparty: 'Landlord', reference: 'Rent' })];
});

describe('reconciliation', () => {
  it('Enter accepts the selected line’s suggestion and the next line takes its place; arrows move', async () => {
    backend();
    render(Host, { props: { component: Reconcile as unknown as Component<Record<string, unknown>>, props: {} } });
    await waitFor(() => expect(screen.getAllByTestId('rec-line')).toHaveLength(3));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('rec-lines')));
    expect(screen.getByTestId('rec-suggestion-label').textContent).toBe('INV/00001');
    expect(screen.getByTestId('rec-score').textContent).toContain('95');
    const u = userEvent.setup();
    await u.keyboard('{Enter}');
    await waitFor(() => expect(screen.getAllByTestId('rec-line')).toHaveLength(2));
    expect(argsOf('bank.reconcile')[0]).toEqual({
      bank_account_id: 1, statement_line_ids: [1], book_line_ids: [], create: { kind: 'payment', partner_side: 'customer', partner_id: 4, items: [{ item_id: 11, amount: '119.0000' }] },
    });
    // The fee is selected now, with its rule.
    await waitFor(() => expect(active()?.dataset.id).toBe('2'));
    expect(screen.getByTestId('rec-suggestion-label').textContent).toBe('Bank fees');
    await u.keyboard('{ArrowDown}');
    expect(active()?.dataset.id).toBe('3');
    expect(screen.getByTestId('rec-no-suggestion')).toBeTruthy();
    await u.keyboard('{ArrowUp}{Enter}');
    await waitFor(() => expect(argsOf('bank.reconcile')).toHaveLength(2));
    expect(argsOf('bank.reconcile')[1]).toEqual({ bank_account_id: 1, statement_line_ids: [2], book_line_ids: [], create: { kind: 'move', account_id: 60 } });
  });

  it('a manual match: a book line and an expense for the difference', async () => {
    backend({ 'account.list': () => [{ id: 61, code: '6800', name: 'Repairs', type: 'expense', subtype: 'expense' }], 'account.get': () => ({ id: 61, code: '6800', name: 'Repairs' }) });
    render(Host, { props: { component: Reconcile as unknown as Component<Record<string, unknown>>, props: {} } });
    await waitFor(() => expect(screen.getAllByTestId('rec-line')).toHaveLength(3));
    const u = userEvent.setup();
    await u.keyboard('{End}');
    await waitFor(() => expect(active()?.dataset.id).toBe('3'));
    await fireEvent.click(screen.getByTestId('rec-book-lines').querySelector('input')!);
    expect(screen.getByTestId('rec-difference').textContent).toContain('4.50');
    expect((screen.getByTestId('rec-match') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByRole('tab', { name: 'Expense' }));
    await u.click(screen.getByLabelText(/Expense account/));
    await u.keyboard('Rep');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').length).toBe(1));
    await u.keyboard('{Enter}');
    await waitFor(() => expect((screen.getByTestId('rec-match') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId('rec-match'));
    await waitFor(() => expect(argsOf('bank.reconcile')).toHaveLength(1));
    expect(argsOf('bank.reconcile')[0]).toEqual({ bank_account_id: 1, statement_line_ids: [3], book_line_ids: [70], create: { kind: 'move', account_id: 61 } });
  });
});
