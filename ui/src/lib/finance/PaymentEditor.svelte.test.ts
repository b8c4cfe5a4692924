import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { BankAccount, FinanceSettings, OpenItem, Payment } from '../api';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import { router } from '../shell/router.svelte';
import { shiftDate, todayIn } from '../ui/dates';
import Host from '../ui/test/Host.svelte';
import PaymentEditor from './PaymentEditor.svelte';
import { payIntent } from './intent.svelte';

const bank = { id: 1, kind: 'bank', name: 'Main bank', journal_code: 'BNK1', currency: 'EUR', iban: '', archived: false, balance: '0', unreconciled: 0 } as unknown as BankAccount;
function item(o: Partial<OpenItem>): OpenItem {
  return {
    id: 11, side: 'receivable', partner_id: 4, partner_name: 'Corner Shop', account_id: 12, entry_id: 30, document: 'INV/00001', kind: 'invoice', invoice_id: 7, payment_id: null,
    date: '2026-01-10', due_date: '2026-02-09', currency: 'EUR', amount: '100.0000', base: '100.0000', open_amount: '100.0000', open_base: '100.0000', ...o,
  };
}
const items = [item({}), item({ id: 12, document: 'INV/00002', invoice_id: 8, due_date: '2026-03-01', open_amount: '80.0000' }), item({ id: 13, document: 'CN/00001', kind: 'credit', open_amount: '-20.0000' })];
const saved = (o: Partial<Payment> = {}): Payment => ({
  id: 9, number: 'RCPT/00001', partner_side: 'customer', direction: 'in', bank_account_id: 1, bank_account_name: 'Main bank', partner_id: 4, partner_name: 'Corner Shop', date: '2026-03-02',
  currency: 'EUR', rate: '1', amount: '150.0000', base: '150.0000', discount: '0', reference: '', memo: '', entry_id: 70, item_id: 90, cancelled: false, reconciled: false, unallocated: '0',
  allocations: [{ match_id: 3, item_id: 11, document: 'INV/00001', date: '2026-03-02', amount: '100.0000' }, { match_id: 3, item_id: 12, document: 'INV/00002', date: '2026-03-02', amount: '50.0000' }],
  ...o,
});

const settings = (o: Partial<FinanceSettings> = {}): FinanceSettings => ({
  discount_days: 0, discount_percent: '0', discount_given_account_id: null, discount_taken_account_id: null, cash_difference_account_id: null, unrealised_gain_account_id: null,
  unrealised_loss_account_id: null, aging_buckets: [30, 60, 90], ...o,
});
function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'bank.list_accounts') return [bank];
    if (name === 'finance.open_items') return items;
    if (name === 'partner.get') return { id: 4, name: 'Corner Shop' };
    if (name === 'finance.get_settings') return settings();
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
function mount(props: Record<string, unknown>) {
  return render(Host, { props: { component: PaymentEditor as unknown as Component<Record<string, unknown>>, props: { onclose: () => {}, ...props } } });
}
const ready = () => waitFor(() => expect(screen.getByTestId('payment-editor').querySelector('[data-status="ready"]')).toBeTruthy());
const cell = (row: number, key: string) => document.querySelector<HTMLElement>(`[data-testid="allocation-grid"] [data-row="${row}"][data-key="${key}"]`)!;
const shown = (row: number, key: string) => cell(row, key).querySelector('.val')!.textContent!.trim();

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`pay-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
});
const field = (name: string) => document.querySelector<HTMLInputElement>(`input[name="${name}"]`);
const hintOf = (name: string) => field(name)!.closest('.field')!.querySelector('.hint')?.textContent ?? '';

describe('payment form', () => {
  it('from an invoice: prefilled, that invoice first, the oldest next, never above what is open; posts the allocation', async () => {
    backend({ 'finance.create_payment': () => saved() });
    payIntent.pending = { side: 'customer', partnerId: 4, invoiceId: 8, amount: '150', currency: 'EUR' };
    const created = vi.fn();
    mount({ id: null, oncreated: created });
    await ready();
    // The credit note is not what a receipt pays; the invoice asked for goes first.
    await waitFor(() => expect(shown(1, 'amount')).toBe('80.00'));
    expect(shown(0, 'document')).toBe('INV/00001');
    expect(shown(0, 'amount')).toBe('70.00');
    expect(document.querySelector('[data-testid="allocation-grid"] [data-row="2"]')).toBeNull();
    expect(screen.getByTestId('allocation-rest').textContent).toContain('0.00');
    await fireEvent.click(screen.getByTestId('payment-editor-save'));
    await waitFor(() => expect(created).toHaveBeenCalledWith(9));
    const [sent] = argsOf('finance.create_payment') as Record<string, unknown>[];
    expect(sent).toMatchObject({ partner_side: 'customer', bank_account_id: 1, partner_id: 4, amount: '150.00', allocations: [{ item_id: 11, amount: '70.00' }, { item_id: 12, amount: '80.00' }] });
    expect(sent.direction).toBeUndefined();
    expect(typeof sent.idempotency_key).toBe('string');
    // Saved: its allocations, each with Unallocate.
    // Saved: its allocations; one allocation settled both invoices, so one Unallocate undoes it.
    await waitFor(() => expect(screen.getByTestId('payment-allocations').textContent).toContain('INV/00002'));
    expect(screen.getAllByTestId('unallocate')).toHaveLength(1);
  });

  it('an amount above what is open stays as credit; an edited row keeps its amount; the core’s refusal shows on the row', async () => {
    backend({
      'finance.create_payment': () => {
        throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'allocations.0.amount', code: 'exceeds_open', message: 'x', params: { open: '10' } }] } as never);
      },
    });
    payIntent.pending = { side: 'customer', partnerId: 4, amount: '250' };
    mount({ id: null });
    await ready();
    await waitFor(() => expect(shown(1, 'amount')).toBe('80.00'));
    expect(shown(0, 'amount')).toBe('100.00');
    expect(screen.getByTestId('allocation-rest').textContent).toContain('70.00');
    // The user lowers the first row: a new amount no longer re-proposes.
    const u = userEvent.setup();
    await u.click(cell(0, 'amount'));
    await u.keyboard('{Enter}{Control>}a{/Control}30{Enter}');
    expect(shown(0, 'amount')).toBe('30.00');
    expect(screen.getByTestId('allocation-rest').textContent).toContain('140.00');
    await fireEvent.click(screen.getByTestId('payment-editor-save'));
    await waitFor(() => expect(cell(0, 'amount').getAttribute('aria-invalid')).toBe('true'));
    // Oldest first proposes again.
    await fireEvent.click(screen.getByTestId('allocation-propose'));
    expect(shown(0, 'amount')).toBe('100.00');
  });

  it('a saved payment is cancelled after a question; a reconciled one is refused with the core’s reason', async () => {
    backend({
      'finance.get_payment': () => saved({ reconciled: true }),
      'finance.cancel_payment': () => {
        throw new ApiError({ code: 'conflict', reason: 'reconciled', message: 'reconciled', fields: [] } as never);
      },
    });
    mount({ id: 9 });
    await ready();
    await fireEvent.click(screen.getByTestId('payment-cancel'));
    await fireEvent.click(await screen.findByRole('button', { name: 'Cancel payment' }));
    expect((await screen.findByTestId('payment-message')).textContent).toContain('reconciled with a bank statement');
  });
});

describe('payment form: discount and exchange rate', () => {
  const today = todayIn('UTC');
  // An invoice of 100 dated five days ago, one of 50 dated forty days ago (outside the terms).
  const recent = [item({ id: 21, document: 'INV/00021', invoice_id: 21, date: shiftDate(today, { days: -5 }), due_date: shiftDate(today, { days: 5 }), amount: '100.0000', open_amount: '100.0000' }),
    item({ id: 22, document: 'INV/00022', invoice_id: 22, date: shiftDate(today, { days: -40 }), due_date: shiftDate(today, { days: 10 }), amount: '50.0000', open_amount: '50.0000' })];

  it('shows the terms, takes the discount they allow on what is allocated and posts it with the allocation; no rate in the base currency', async () => {
    backend({ 'finance.get_settings': () => settings({ discount_days: 10, discount_percent: '2' }), 'finance.open_items': () => recent, 'finance.create_payment': () => saved({ discount: '2' }) });
    payIntent.pending = { side: 'customer', partnerId: 4, invoiceId: 21, amount: '98', currency: 'EUR' };
    mount({ id: null });
    await ready();
    await waitFor(() => expect(shown(0, 'amount')).toBe('98.00'));
    // Only the recent invoice is within the terms: 2 % of 100.
    await waitFor(() => expect(hintOf('discount')).toContain('2 % within 10 days of the invoice: up to €2.00 on this allocation.'));
    expect(field('rate')).toBeNull();
    await fireEvent.click(screen.getByTestId('take-discount'));
    expect(field('discount')!.value).toBe('2.00');
    // The discount settles the invoice with the 98 paid.
    await waitFor(() => expect(shown(0, 'amount')).toBe('100.00'));
    expect(screen.getByTestId('allocation-discount').textContent).toContain('2.00');
    expect(screen.getByTestId('allocation-rest').textContent).toContain('0.00');
    expect(screen.queryByTestId('take-discount')).toBeNull();
    await fireEvent.click(screen.getByTestId('payment-editor-save'));
    await waitFor(() => expect(argsOf('finance.create_payment')).toHaveLength(1));
    const [sent] = argsOf('finance.create_payment') as Record<string, unknown>[];
    expect(sent).toMatchObject({ amount: '98.00', discount: '2.00', allocations: [{ item_id: 21, amount: '100.00' }] });
    expect(sent.rate).toBeUndefined();
  });

  it('a discount above the terms is stopped before posting; one the core still refuses shows the most it allows', async () => {
    let refuse = false;
    backend({
      'finance.get_settings': () => settings({ discount_days: 10, discount_percent: '2' }),
      'finance.open_items': () => recent,
      'finance.create_payment': () => {
        if (refuse) throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'discount', code: 'exceeds_open', message: 'x', params: { open: '1.5' } }] } as never);
        return saved();
      },
    });
    payIntent.pending = { side: 'customer', partnerId: 4, invoiceId: 21, amount: '97', currency: 'EUR' };
    mount({ id: null });
    await ready();
    await waitFor(() => expect(shown(0, 'amount')).toBe('97.00'));
    const u = userEvent.setup();
    await u.type(field('discount')!, '3');
    await u.tab();
    await fireEvent.click(screen.getByTestId('payment-editor-save'));
    expect((await screen.findAllByTestId('field-error')).map((e) => e.textContent)).toContain('At most €2.00 under the discount terms.');
    expect(argsOf('finance.create_payment')).toHaveLength(0);
    // Within the terms as the form counts them, but the core (which is the judge) allows less.
    refuse = true;
    await u.clear(field('discount')!);
    await u.type(field('discount')!, '2');
    await u.tab();
    await fireEvent.click(screen.getByTestId('payment-editor-save'));
    await waitFor(() => expect(argsOf('finance.create_payment')).toHaveLength(1));
    expect((argsOf('finance.create_payment')[0] as Record<string, unknown>).discount).toBe('2.00');
    expect((await screen.findAllByTestId('field-error')).map((e) => e.textContent)).toContain('At most €1.50 under the discount terms.');
  });

  it('without discount terms the field is disabled and says so', async () => {
    backend({ 'finance.open_items': () => recent });
    payIntent.pending = { side: 'customer', partnerId: 4, amount: '98', currency: 'EUR' };
    mount({ id: null });
    await ready();
    await waitFor(() => expect(hintOf('discount')).toContain('No discount terms are set'));
    expect(field('discount')!.disabled).toBe(true);
    expect(screen.queryByTestId('take-discount')).toBeNull();
  });

  it('a payment in a foreign currency offers the rate: empty takes the date’s rate, a typed one is sent', async () => {
    const usd = { ...bank, id: 2, name: 'Dollar account', currency: 'USD' } as BankAccount;
    backend({
      'bank.list_accounts': () => [usd],
      'finance.open_items': () => recent.map((i) => ({ ...i, currency: 'USD' })),
      'currency.rate': (a) => ({ currency: a.currency, date: a.date, rate: '0.9200000000' }),
      'finance.create_payment': () => saved({ currency: 'USD', rate: '0.95' }),
    });
    payIntent.pending = { side: 'customer', partnerId: 4, invoiceId: 21, amount: '100', currency: 'USD' };
    mount({ id: null });
    await ready();
    await waitFor(() => expect(field('rate')).toBeTruthy());
    expect(screen.getByLabelText('Exchange rate (EUR per USD)')).toBe(field('rate'));
    await waitFor(() => expect(hintOf('rate')).toBe('Empty: the rate on the date, 0.92 · books as €92.00'));
    expect(argsOf('currency.rate')[0]).toEqual({ currency: 'USD', date: today });
    const u = userEvent.setup();
    await u.type(field('rate')!, '0.95');
    await u.tab();
    await waitFor(() => expect(hintOf('rate')).toContain('books as €95.00'));
    expect(hintOf('rate')).not.toContain('Empty');
    await fireEvent.click(screen.getByTestId('payment-editor-save'));
    await waitFor(() => expect(argsOf('finance.create_payment')).toHaveLength(1));
    expect(argsOf('finance.create_payment')[0]).toMatchObject({ bank_account_id: 2, amount: '100.00', rate: '0.95' });
    // Saved: the rate it took is shown.
    await waitFor(() => expect(screen.getByTestId('payment-rate').textContent).toBe('0.95'));
  });
});
