// The finance report screens against a faked backend: each loads, shows the rows of its
// command's result and asks again with the new args when a filter changes.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { Aging as AgingResult, CashFlow as CashFlowResult, CashPosition as CashPositionResult, OpenItem, PartnerStatement as StatementResult, TaxReport as TaxResult } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import { router } from '../shell/router.svelte';
import { monthOf } from '../reports/reports';
import { todayIn } from '../ui/dates';
import Host from '../ui/test/Host.svelte';
import Aging from './Aging.svelte';
import PartnerStatement from './PartnerStatement.svelte';
import TaxReport from './TaxReport.svelte';
import CashPosition from './CashPosition.svelte';
import CashFlow from './CashFlow.svelte';
import { STATEMENT_SCREEN } from './statement';

type Handler = (args: Record<string, unknown>) => unknown;
function backend(handlers: Record<string, Handler>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const mount = (c: unknown) => render(Host, { props: { component: c as Component<Record<string, unknown>>, props: {} } });
const bodyRows = (id: string) => [...screen.getByTestId(id).querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim()));
const input = (name: string) => document.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
const today = todayIn('UTC');

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`fin-reports-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
});

describe('aging', () => {
  const aging = (a: Record<string, unknown>): AgingResult => ({
    side: a.side as 'receivable', date: a.date as string, currency: 'EUR', columns: ['current', '1-30', '31-60', '60+'],
    rows: a.side === 'receivable'
      ? [{ partner_id: 4, partner_name: 'Corner Shop', amounts: ['100', '50', '0', '0'], total: '150' }, { partner_id: 5, partner_name: 'Deli & Co', amounts: ['0', '0', '0', '1234.5'], total: '1234.5' }]
      : [{ partner_id: 9, partner_name: 'Acme Supplies', amounts: ['0', '80', '0', '0'], total: '80' }],
    totals: a.side === 'receivable' ? ['100', '50', '0', '1234.5'] : ['0', '80', '0', '0'], total: a.side === 'receivable' ? '1384.5' : '80',
  });

  it('loads the receivable aging today in the company’s buckets; the side and date ask again; a partner opens their statement; exports with the same args', async () => {
    backend({ 'finance.aging': aging, 'report.export': () => ({ name: 'aging.csv', mime: 'text/csv', content: '', rows: 2 }) });
    mount(Aging);
    await waitFor(() => expect(screen.getByTestId('aging')).toBeTruthy());
    expect(argsOf('finance.aging')[0]).toEqual({ side: 'receivable', date: today });
    expect([...screen.getByTestId('aging').querySelectorAll('th')].map((th) => th.textContent)).toEqual(['Partner', 'Not due', '1–30 days', '31–60 days', 'Over 60 days', 'Total']);
    expect(bodyRows('aging')).toEqual([
      ['Corner Shop', '100.00', '50.00', '0.00', '0.00', '150.00'],
      ['Deli & Co', '0.00', '0.00', '0.00', '1,234.50', '1,234.50'],
    ]);
    expect(screen.getByTestId('aging-total').textContent).toBe('1,384.50');
    await fireEvent.change(screen.getByLabelText('Side'), { target: { value: 'payable' } });
    await waitFor(() => expect(bodyRows('aging')).toEqual([['Acme Supplies', '0.00', '80.00', '0.00', '0.00', '80.00']]));
    expect(argsOf('finance.aging').at(-1)).toEqual({ side: 'payable', date: today });
    await fireEvent.input(input('date'), { target: { value: '2026-01-31' } });
    await waitFor(() => expect(argsOf('finance.aging').at(-1)).toEqual({ side: 'payable', date: '2026-01-31' }));
    // Export: the screen's own args.
    await fireEvent.click(screen.getByTestId('export'));
    await fireEvent.click(screen.getByRole('menuitem', { name: /CSV/ }));
    await waitFor(() => expect(argsOf('report.export')).toEqual([{ report: 'aging', args: { side: 'payable', date: '2026-01-31' }, format: 'csv' }]));
    await fireEvent.click(screen.getByRole('button', { name: 'Acme Supplies' }));
    await waitFor(() => expect(router.route.screen).toBe(STATEMENT_SCREEN));
    expect(router.recall(STATEMENT_SCREEN)).toEqual({ partner: 9, side: 'payable', from: '2026-01-01', to: '2026-01-31' });
  });

  it('an error is shown, not a stale table', async () => {
    backend({ 'finance.aging': () => Promise.reject(new Error('disk full')) });
    mount(Aging);
    expect((await screen.findByRole('alert')).textContent).toContain('Disk full');
    expect(screen.queryByTestId('aging')).toBeNull();
  });
});

describe('partner statement', () => {
  const item: OpenItem = {
    id: 11, side: 'receivable', partner_id: 4, partner_name: 'Corner Shop', account_id: 12, entry_id: 30, document: 'INV/00002', kind: 'invoice', invoice_id: 8, payment_id: null,
    date: '2026-02-10', due_date: '2026-03-12', currency: 'EUR', amount: '80', base: '80', open_amount: '30', open_base: '30',
  };
  const statement = (a: Record<string, unknown>): StatementResult => ({
    partner_id: 4, partner_name: 'Corner Shop', side: a.side as 'receivable', from: a.from as string, to: a.to as string, currency: 'EUR', opening: '20', closing: '50',
    entries: [
      { date: '2026-02-10', document: 'INV/00002', kind: 'invoice', due_date: '2026-03-12', amount: '80', balance: '100' },
      { date: '2026-02-20', document: 'RCPT/00003', kind: 'payment', due_date: '2026-02-20', amount: '-50', balance: '50' },
    ],
    open_items: [item],
    aging: { side: a.side as 'receivable', date: a.to as string, currency: 'EUR', columns: ['current', '1-30'], rows: [], totals: ['30', '0'], total: '30' },
  });

  it('asks for a partner first; shows the documents with the running balance, what is open and its aging; side and range ask again', async () => {
    backend({
      'finance.partner_statement': statement,
      'partner.list': () => ({ items: [{ id: 4, name: 'Corner Shop', code: 'C004' }], total: 1, next: null }),
      'partner.get': () => ({ id: 4, name: 'Corner Shop' }),
    });
    mount(PartnerStatement);
    expect(screen.getByText('Choose a partner to see their statement.')).toBeTruthy();
    expect(argsOf('finance.partner_statement')).toHaveLength(0);
    const u = userEvent.setup();
    await u.click(screen.getByLabelText(/Partner/));
    await u.keyboard('Cor');
    await waitFor(() => expect(screen.getAllByTestId('picker-option')).toHaveLength(1));
    await u.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId('statement-entries')).toBeTruthy());
    expect(argsOf('finance.partner_statement')[0]).toEqual({ partner_id: 4, side: 'receivable', from: `${today.slice(0, 4)}-01-01`, to: today });
    expect(screen.getByTestId('statement-sums').textContent).toContain('Opening balance 20.00');
    expect(screen.getByTestId('statement-closing').textContent).toBe('50.00');
    expect(bodyRows('statement-entries')).toEqual([
      ['02/10/2026', 'INV/00002', 'Invoice', '03/12/2026', '80.00', '100.00'],
      ['02/20/2026', 'RCPT/00003', 'Payment', '02/20/2026', '-50.00', '50.00'],
    ]);
    expect(bodyRows('statement-open')).toEqual([['INV/00002 Invoice', '03/12/2026', '80.00', '30.00']]);
    expect(screen.getByTestId('statement-aging').textContent).toContain('Not due30.00');
    await fireEvent.change(screen.getByLabelText('Side'), { target: { value: 'payable' } });
    await waitFor(() => expect(argsOf('finance.partner_statement').at(-1)).toMatchObject({ partner_id: 4, side: 'payable' }));
    await fireEvent.input(input('from'), { target: { value: '2026-02-01' } });
    await fireEvent.input(input('to'), { target: { value: '2026-02-28' } });
    await waitFor(() => expect(argsOf('finance.partner_statement').at(-1)).toEqual({ partner_id: 4, side: 'payable', from: '2026-02-01', to: '2026-02-28' }));
  });

  it('opened for a partner from elsewhere: loads at once', async () => {
    backend({ 'finance.partner_statement': statement, 'partner.get': () => ({ id: 4, name: 'Corner Shop' }) });
    router.remember(STATEMENT_SCREEN, { partner: 4, side: 'payable', from: '2026-01-01', to: '2026-03-31' });
    mount(PartnerStatement);
    await waitFor(() => expect(argsOf('finance.partner_statement')).toEqual([{ partner_id: 4, side: 'payable', from: '2026-01-01', to: '2026-03-31' }]));
    await waitFor(() => expect(bodyRows('statement-entries')).toHaveLength(2));
  });
});

describe('tax report', () => {
  const tax = (a: Record<string, unknown>): TaxResult => ({
    from: a.from as string, to: a.to as string, currency: 'EUR', collected: '190', paid: '38', due: '152',
    rows: [
      { tax_id: 1, code: 'VAT19', name: 'VAT 19 %', kind: 'sales', rate: '19', base: '1000', tax: '190' },
      { tax_id: 2, code: 'IN19', name: 'Input VAT 19 %', kind: 'purchase', rate: '19', base: '200', tax: '38' },
    ],
  });

  it('this month by default: base and tax per tax, collected, paid and due; a new range asks again', async () => {
    backend({ 'finance.tax_report': tax });
    mount(TaxReport);
    await waitFor(() => expect(screen.getByTestId('tax-report')).toBeTruthy());
    expect(argsOf('finance.tax_report')[0]).toEqual(monthOf(today));
    expect(bodyRows('tax-report')).toEqual([
      ['VAT19', 'VAT 19 %', 'Sales', '19 %', '1,000.00', '190.00'],
      ['IN19', 'Input VAT 19 %', 'Purchases', '19 %', '200.00', '38.00'],
    ]);
    expect(screen.getByTestId('tax-sums').textContent).toContain('Collected190.00');
    expect(screen.getByTestId('tax-sums').textContent).toContain('Paid38.00');
    expect(screen.getByTestId('tax-due').textContent).toBe('152.00');
    await fireEvent.input(input('from'), { target: { value: '2026-01-01' } });
    await fireEvent.input(input('to'), { target: { value: '2026-03-31' } });
    await waitFor(() => expect(argsOf('finance.tax_report').at(-1)).toEqual({ from: '2026-01-01', to: '2026-03-31' }));
  });
});

describe('cash position', () => {
  const position = (a: Record<string, unknown>): CashPositionResult => ({
    date: a.date as string, currency: 'EUR', total: '1550',
    rows: [
      { bank_account_id: 1, name: 'Main bank', kind: 'bank', currency: 'EUR', balance: '1000', base: '1000' },
      { bank_account_id: 2, name: 'Dollar account', kind: 'bank', currency: 'USD', balance: '500', base: '460' },
      { bank_account_id: 3, name: 'Till', kind: 'cash', currency: 'EUR', balance: '90', base: '90' },
    ],
  });

  it('every account’s balance in its currency and the base at the date; the date asks again; an account opens', async () => {
    backend({ 'finance.cash_position': position });
    mount(CashPosition);
    await waitFor(() => expect(screen.getByTestId('cash-position')).toBeTruthy());
    expect(argsOf('finance.cash_position')[0]).toEqual({ date: today });
    expect(bodyRows('cash-position')).toEqual([
      ['Main bank', 'Bank', '€1,000.00', '1,000.00'],
      ['Dollar account', 'Bank', '$500.00', '460.00'],
      ['Till', 'Cash', '€90.00', '90.00'],
    ]);
    expect(screen.getByTestId('cash-total').textContent).toBe('1,550.00');
    await fireEvent.input(input('date'), { target: { value: '2025-12-31' } });
    await waitFor(() => expect(argsOf('finance.cash_position').at(-1)).toEqual({ date: '2025-12-31' }));
    await fireEvent.click(within(screen.getByTestId('cash-position')).getByRole('button', { name: 'Till' }));
    await waitFor(() => expect(router.route).toEqual({ screen: 'bank-accounts', id: 3 }));
  });
});

describe('cash flow', () => {
  const flow = (a: Record<string, unknown>): CashFlowResult => ({
    from: a.from as string, to: a.to as string, currency: 'EUR', opening: '1000', closing: '1370',
    rows: [
      { category: 'customers', inflow: '600', outflow: '0' },
      { category: 'suppliers', inflow: '0', outflow: '200' },
      { category: 'expense', inflow: '0', outflow: '30' },
    ],
  });

  it('opening, money in and out by what it was for, net and closing; a new range asks again; an invalid one does not', async () => {
    backend({ 'finance.cash_flow': flow });
    mount(CashFlow);
    await waitFor(() => expect(screen.getByTestId('cash-flow')).toBeTruthy());
    expect(argsOf('finance.cash_flow')[0]).toEqual(monthOf(today));
    expect(screen.getByText('Opening balance').textContent).toContain('1,000.00');
    expect(bodyRows('cash-flow')).toEqual([
      ['Customers', '600.00', '0.00', '600.00'],
      ['Suppliers', '0.00', '200.00', '-200.00'],
      ['Expense', '0.00', '30.00', '-30.00'],
    ]);
    expect(screen.getByTestId('cash-flow-closing').textContent).toBe('1,370.00');
    await fireEvent.input(input('from'), { target: { value: '2026-01-01' } });
    await fireEvent.input(input('to'), { target: { value: '2026-02-28' } });
    await waitFor(() => expect(argsOf('finance.cash_flow').at(-1)).toEqual({ from: '2026-01-01', to: '2026-02-28' }));
    const asked = argsOf('finance.cash_flow').length;
    // "From" after "to": not sent.
    await fireEvent.input(input('from'), { target: { value: '2026-03-01' } });
    await new Promise((r) => setTimeout(r, 20));
    expect(argsOf('finance.cash_flow')).toHaveLength(asked);
  });
});
