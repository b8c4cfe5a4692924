import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { BankAccount, RecReport as Report } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import { router } from '../shell/router.svelte';
import Host from '../ui/test/Host.svelte';
import RecReport from './RecReport.svelte';
import { REC_REPORT_SCREEN } from './ids';

const account = (o: Partial<BankAccount>) => ({ id: 1, kind: 'bank', name: 'Main bank', journal_code: 'BNK1', currency: 'EUR', iban: 'DE02 1203 0000 0000 2020 51', archived: false, balance: '0', unreconciled: 2, ...o }) as unknown as BankAccount;
const accounts = [account({}), account({ id: 2, name: 'Dollar account', currency: 'USD', iban: '', unreconciled: 0 }), account({ id: 3, kind: 'cash', name: 'Till' })];
function report(o: Partial<Report> = {}): Report {
  return {
    bank_account_id: 1, date: '2026-03-31', currency: 'EUR', statement_balance: '1250.0000', statement_date: '2026-03-28', book_balance: '1000.0000',
    unreconciled_book: [
      { id: 70, entry_id: 30, entry_number: 'BNK1/00007', date: '2026-03-30', amount: '-200.0000', partner_id: 5, partner_name: 'Acme Supplies', reference: 'PAY/00004', description: '', payment_id: 4, rec_id: null },
    ],
    unreconciled_statement: [
      { id: 11, statement_id: 2, date: '2026-03-27', value_date: null, amount: '50.0000', counterparty: 'Interest', counterparty_account: '', reference: '', description: 'Zinsen', bank_ref: '', rec_id: null },
    ],
    adjusted_book_balance: '1250.0000',
    ...o,
  };
}
let reply: (a: Record<string, unknown>) => Report;
function backend() {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (name === 'bank.list_accounts') return accounts;
    if (name === 'bank.reconciliation_report') return reply(args);
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const text = (id: string) => screen.getByTestId(id).textContent!.trim();

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`recrep-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
  router.remember(REC_REPORT_SCREEN, '2026-03-31');
  reply = () => report();
});

describe('reconciliation report', () => {
  it('opens on the account with lines to reconcile: book balance, less what is in transit, plus what is not booked, against the statement', async () => {
    backend();
    router.go('home');
    await router.go(REC_REPORT_SCREEN);
    render(Host, { props: { component: RecReport as unknown as Component<Record<string, unknown>>, props: {} } });
    await waitFor(() => expect(router.route).toEqual({ screen: REC_REPORT_SCREEN, id: 1 }));
    await screen.findByTestId('recrep-summary');
    expect(argsOf('bank.reconciliation_report')).toContainEqual({ bank_account_id: 1, date: '2026-03-31' });
    // Bank accounts only (a till has no statements).
    expect([...(screen.getByLabelText('Bank account') as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(['Main bank', 'Dollar account']);
    expect(text('recrep-book')).toBe('€1,000.00');
    expect(text('recrep-less')).toBe('€200.00');
    expect(text('recrep-plus')).toBe('€50.00');
    expect(text('recrep-adjusted')).toBe('€1,250.00');
    expect(text('recrep-statement')).toBe('€1,250.00');
    expect(text('recrep-difference')).toContain('Agrees');
    expect(screen.getByTestId('recrep-summary').textContent).toContain('closing of 03/28/2026');
    expect(screen.getByTestId('recrep-book-lines').textContent).toContain('BNK1/00007');
    expect(screen.getByTestId('recrep-book-lines').textContent).toContain('Acme Supplies');
    expect(text('recrep-book-total')).toBe('-€200.00');
    expect(screen.getByTestId('recrep-statement-lines').textContent).toContain('Zinsen');
    expect(text('recrep-statement-total')).toBe('€50.00');
    // Lines to reconcile: the reconciliation screen is a click away.
    await fireEvent.click(screen.getByTestId('recrep-reconcile'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'bank-reconcile', id: 1 }));
  });

  it('another date or account is asked for; a difference and a missing statement are said', async () => {
    backend();
    await router.go(REC_REPORT_SCREEN, { id: 1 });
    reply = (a) => (a.bank_account_id === 2
      ? report({ bank_account_id: 2, currency: 'USD', statement_balance: null, statement_date: null, book_balance: '300', unreconciled_book: [], unreconciled_statement: [], adjusted_book_balance: '300' })
      : report({ date: a.date as string, statement_balance: '1240.0000' }));
    render(Host, { props: { component: RecReport as unknown as Component<Record<string, unknown>>, props: {} } });
    await screen.findByTestId('recrep-summary');
    expect(text('recrep-difference')).toContain('Does not agree');
    expect(text('recrep-difference')).toContain('-€10.00');
    await fireEvent.input(screen.getByLabelText(/^At/), { target: { value: '2026-02-28' } });
    await waitFor(() => expect(argsOf('bank.reconciliation_report')).toContainEqual({ bank_account_id: 1, date: '2026-02-28' }));
    expect(router.recall(REC_REPORT_SCREEN)).toBe('2026-02-28');
    await fireEvent.change(screen.getByLabelText('Bank account'), { target: { value: '2' } });
    await waitFor(() => expect(argsOf('bank.reconciliation_report')).toContainEqual({ bank_account_id: 2, date: '2026-02-28' }));
    await waitFor(() => expect(text('recrep-book')).toBe('$300.00'));
    expect(text('recrep-statement')).toBe('—');
    expect(text('recrep-difference')).toBe('No statement with a closing balance up to this date.');
    expect(screen.getByTestId('recrep-book-lines').textContent).toContain('Every book line up to this date is on a statement.');
    expect(screen.queryByTestId('recrep-reconcile')).toBeNull();
  });
});
