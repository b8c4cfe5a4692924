import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { BankAccount, OpenItem, PaymentRow } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import { router } from '../shell/router.svelte';
import Host from '../ui/test/Host.svelte';
import BatchPay from './BatchPay.svelte';
import { BATCH_PAY_SCREEN } from './ids';
import { dueBySupplier, totalOf } from './batch';

const bank = { id: 1, kind: 'bank', name: 'Main bank', journal_code: 'BNK1', currency: 'EUR', iban: '', archived: false, balance: '1000.0000', unreconciled: 0 } as unknown as BankAccount;
function item(o: Partial<OpenItem>): OpenItem {
  return {
    id: 1, side: 'payable', partner_id: 5, partner_name: 'Acme Supplies', account_id: 40, entry_id: 30, document: 'BILL/00001', kind: 'invoice', invoice_id: 1, payment_id: null,
    date: '2026-02-01', due_date: '2026-03-01', currency: 'EUR', amount: '-100.0000', base: '-100.0000', open_amount: '-100.0000', open_base: '-100.0000', ...o,
  };
}
const items: OpenItem[] = [
  item({}),
  // Due after the date: not paid in this run.
  item({ id: 2, document: 'BILL/00002', due_date: '2026-05-01', amount: '-50.0000', open_amount: '-50.0000' }),
  // A debit note of Acme's: set off.
  item({ id: 3, document: 'DN/00001', kind: 'credit', due_date: '2026-02-10', amount: '30.0000', open_amount: '30.0000' }),
  item({ id: 4, partner_id: 6, partner_name: 'Best Parts', document: 'BILL/00003', due_date: '2026-02-15', amount: '-200.0000', open_amount: '-200.0000' }),
  // Coverall's advance covers their bill: no payment.
  item({ id: 5, partner_id: 7, partner_name: 'Coverall', document: 'BILL/00004', due_date: '2026-02-01', amount: '-20.0000', open_amount: '-20.0000' }),
  item({ id: 6, partner_id: 7, partner_name: 'Coverall', document: 'PAY/00009', kind: 'payment', due_date: '2026-01-20', amount: '40.0000', open_amount: '40.0000' }),
];
const row = (o: Partial<PaymentRow>): PaymentRow => ({
  id: 31, number: 'PAY/00031', partner_side: 'supplier', direction: 'out', bank_account_name: 'Main bank', partner_id: 5, partner_name: 'Acme Supplies', date: '2026-04-01', currency: 'EUR',
  amount: '70.0000', unallocated: '0', reference: '', cancelled: false, ...o,
});

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'bank.list_accounts') return [bank];
    if (name === 'finance.open_items') return items;
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const supplier = (id: number) => document.querySelector<HTMLElement>(`[data-testid="batch-supplier"][data-partner="${id}"]`)!;
const mount = () => render(Host, { props: { component: BatchPay as unknown as Component<Record<string, unknown>>, props: {} } });

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`batch-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
  router.remember(BATCH_PAY_SCREEN, { account: 1, due_by: '2026-03-31', date: '2026-04-01' });
});

describe('payment run', () => {
  it('groups the bills due per supplier less their credits, ticks all; unticked suppliers stay unpaid; pays after a question and lists the payments', async () => {
    backend({ 'finance.batch_pay': () => ({ payments: [row({})], total: '70.0000' }) });
    mount();
    await waitFor(() => expect(screen.getAllByTestId('batch-supplier')).toHaveLength(3));
    expect(argsOf('finance.open_items')[0]).toEqual({ side: 'payable', currency: 'EUR' });
    expect(screen.getAllByTestId('batch-supplier').map((r) => r.textContent)).toEqual([
      expect.stringContaining('Acme Supplies'), expect.stringContaining('Best Parts'), expect.stringContaining('Coverall'),
    ]);
    // Acme: 100 due by the date (not the 50 due in May), less the 30 debit note.
    expect(within(supplier(5)).getByTestId('batch-to-pay').textContent).toBe('€70.00');
    expect(within(supplier(6)).getByTestId('batch-to-pay').textContent).toBe('€200.00');
    expect(supplier(7).textContent).toContain('Covered by credits');
    expect((within(supplier(7)).getByTestId('batch-tick') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId('batch-total').textContent).toBe('€270.00');
    expect(screen.getByTestId('batch-count').textContent).toBe('2 of 2 suppliers to pay');
    // Acme's bills and credits on demand.
    await fireEvent.click(within(supplier(5)).getByTestId('batch-expand'));
    expect(screen.getAllByTestId('batch-item').map((r) => r.textContent)).toEqual([expect.stringContaining('BILL/00001'), expect.stringContaining('DN/00001')]);
    // Best Parts is left for later.
    await fireEvent.click(within(supplier(6)).getByTestId('batch-tick'));
    expect(screen.getByTestId('batch-total').textContent).toBe('€70.00');
    expect(screen.getByTestId('batch-pay').textContent).toContain('Pay 1 supplier');
    await fireEvent.click(screen.getByTestId('batch-pay'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('€70.00 from Main bank on 04/01/2026');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Pay' }));
    await waitFor(() => expect(argsOf('finance.batch_pay')).toHaveLength(1));
    expect(argsOf('finance.batch_pay')[0]).toEqual({ bank_account_id: 1, due_by: '2026-03-31', date: '2026-04-01', partner_ids: [5] });
    const made = await screen.findByTestId('batch-made');
    expect(made.textContent).toContain('1 payment made');
    expect(within(made).getByTestId('batch-payments').textContent).toContain('PAY/00031');
    expect(screen.getByTestId('batch-made-total').textContent).toBe('€70.00');
    // A payment opens on the payments screen.
    await fireEvent.click(within(made).getByRole('button', { name: 'PAY/00031' }));
    expect(router.route).toEqual({ screen: 'payments', id: 31 });
  });

  it('a later due date takes in more bills; none ticked pays nothing (never "every supplier"); a cancelled question sends nothing', async () => {
    backend();
    mount();
    await waitFor(() => expect(screen.getAllByTestId('batch-supplier')).toHaveLength(3));
    await fireEvent.input(screen.getByLabelText(/Due by/), { target: { value: '2026-05-31' } });
    await waitFor(() => expect(within(supplier(5)).getByTestId('batch-to-pay').textContent).toBe('€120.00'));
    expect(screen.getByTestId('batch-total').textContent).toBe('€320.00');
    await fireEvent.click(screen.getByTestId('batch-none'));
    expect(screen.getByTestId('batch-total').textContent).toBe('€0.00');
    expect((screen.getByTestId('batch-pay') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true });
    await fireEvent.click(screen.getByTestId('batch-all'));
    await fireEvent.click(screen.getByTestId('batch-pay'));
    await fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(argsOf('finance.batch_pay')).toHaveLength(0);
  });

  it('warns when the run is above the balance and shows the core’s refusal', async () => {
    backend({
      'bank.list_accounts': () => [{ ...bank, balance: '100.0000' }],
      'finance.batch_pay': () => {
        throw new ApiError({ code: 'refused', reason: 'default_account_missing', params: { default: 'payable' }, message: 'x', fields: [] } as never);
      },
    });
    mount();
    await waitFor(() => expect(screen.getAllByTestId('batch-supplier')).toHaveLength(3));
    expect(screen.getByTestId('batch-over').textContent).toBe('More than the account’s balance.');
    await fireEvent.click(screen.getByTestId('batch-pay'));
    await fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Pay' }));
    expect((await screen.findByTestId('batch-message')).textContent).toContain('Set the default payable account');
    expect(screen.queryByTestId('batch-made')).toBeNull();
  });
});

describe('dueBySupplier', () => {
  it('sums exactly and leaves suppliers without bills due out', () => {
    const rows = dueBySupplier([...items, item({ id: 9, partner_id: 8, partner_name: 'Only credit', kind: 'credit', amount: '5', open_amount: '5' })], '2026-03-31');
    expect(rows.map((r) => [r.partner_name, r.billed, r.credit, r.to_pay])).toEqual([
      ['Acme Supplies', '100.00', '30.00', '70.00'], ['Best Parts', '200.00', '0.00', '200.00'], ['Coverall', '20.00', '40.00', '-20.00'],
    ]);
    expect(totalOf(rows, new Set([5, 7]))).toBe('70.00');
  });
});
