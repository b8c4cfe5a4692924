import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { OpenItem } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { toast } from '../ui/toast.svelte';
import Host from '../ui/test/Host.svelte';
import PartnerOpenItems from './PartnerOpenItems.svelte';
import { payIntent } from './intent.svelte';
import { STATEMENT_SCREEN } from './statement';

function item(o: Partial<OpenItem>): OpenItem {
  return {
    id: 11, side: 'receivable', partner_id: 4, partner_name: 'Corner Shop', account_id: 12, entry_id: 30, document: 'INV/00001', kind: 'invoice', invoice_id: 7, payment_id: null,
    date: '2026-01-10', due_date: '2999-02-09', currency: 'EUR', amount: '119', base: '119', open_amount: '119', open_base: '119', ...o,
  };
}
const receivable = [
  item({}),
  item({ id: 12, document: 'INV/00002', due_date: '2020-03-01', amount: '500', base: '460', currency: 'USD', open_amount: '250', open_base: '230' }),
  item({ id: 13, document: 'CN/00001', kind: 'credit', amount: '-19', base: '-19', open_amount: '-19', open_base: '-19' }),
];
const payable = [item({ id: 21, side: 'payable', document: 'BILL/00009', amount: '-40', base: '-40', open_amount: '-40', open_base: '-40' })];

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'finance.open_items') return args.side === 'receivable' ? receivable : payable;
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const rows = (side: string) => [...screen.getByTestId(`open-items-table-${side}`).querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim()));
const mount = (props: Record<string, unknown>) => render(Host, { props: { component: PartnerOpenItems as unknown as Component<Record<string, unknown>>, props: { partnerId: 4, ...props } } });

beforeEach(() => {
  call.mockReset();
  i18n.set('en');
  router.reset(`open-${Math.random()}`);
  payIntent.pending = null;
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
});

describe('partner open items', () => {
  it('a customer and supplier: both sides, each item with what is open in its currency, the balance in the base currency, overdue marked', async () => {
    backend();
    mount({ customer: true, supplier: true });
    await screen.findByTestId('open-items-receivable');
    expect(argsOf('finance.open_items')).toEqual([{ side: 'receivable', partner_id: 4 }, { side: 'payable', partner_id: 4 }]);
    expect(rows('receivable')).toEqual([
      ['INV/00001', 'Invoice', '01/10/2026', '02/09/2999', '€119.00', '€119.00'],
      ['INV/00002', 'Invoice', '01/10/2026', '03/01/2020', '$500.00', '$250.00'],
      ['CN/00001', 'Credit note', '01/10/2026', '02/09/2999', '-€19.00', '-€19.00'],
    ]);
    // 119 + 230 − 19, in euros.
    expect(screen.getByTestId('open-balance-receivable').textContent).toBe('€330.00');
    expect(screen.getByTestId('open-balance-payable').textContent).toBe('-€40.00');
    const due = screen.getByTestId('open-items-table-receivable').querySelectorAll('tbody tr')[1].querySelectorAll('td')[3];
    expect(due.querySelector('.late')).toBeTruthy();
    expect(screen.getByTestId('open-items-table-receivable').querySelectorAll('tbody tr')[0].querySelector('.late')).toBeNull();
    expect(rows('payable')).toEqual([['BILL/00009', 'Invoice', '01/10/2026', '02/09/2999', '-€40.00', '-€40.00']]);
  });

  it('only the partner’s roles are shown; Receive payment opens the payment form for them', async () => {
    backend();
    mount({ customer: true, supplier: false });
    await screen.findByTestId('open-items-receivable');
    expect(screen.queryByTestId('open-items-payable')).toBeNull();
    expect(argsOf('finance.open_items')).toEqual([{ side: 'receivable', partner_id: 4 }]);
    await fireEvent.click(screen.getByTestId('open-pay-receivable'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'payments', create: true }));
    expect(payIntent.pending).toEqual({ side: 'customer', partnerId: 4 });
  });

  it('Settle credits allocates the side and says how many; Statement opens the partner’s statement; a failure is said', async () => {
    const ok = vi.spyOn(toast, 'ok');
    backend({ 'finance.auto_allocate': () => [3, 4] });
    mount({ customer: false, supplier: true });
    await screen.findByTestId('open-items-payable');
    await fireEvent.click(screen.getByRole('button', { name: 'Settle credits' }));
    await waitFor(() => expect(argsOf('finance.auto_allocate')).toEqual([{ side: 'payable', partner_id: 4 }]));
    await waitFor(() => expect(ok).toHaveBeenCalledWith('2 allocations made.'));
    // The allocation changed what is open: the list asks again.
    await waitFor(() => expect(argsOf('finance.open_items').length).toBeGreaterThan(1));
    await fireEvent.click(screen.getByRole('button', { name: 'Statement' }));
    await waitFor(() => expect(router.route.screen).toBe(STATEMENT_SCREEN));
    expect(router.recall(STATEMENT_SCREEN)).toMatchObject({ partner: 4, side: 'payable' });
    ok.mockRestore();
  });

  it('the items that cannot be loaded are said so', async () => {
    backend({ 'finance.open_items': () => Promise.reject(new Error('x')) });
    mount({ customer: true, supplier: true });
    expect((await screen.findByRole('alert')).textContent).toBe('The open items could not be loaded.');
  });
});
