import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { Component } from 'svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import { router } from '../shell/router.svelte';
import Host from '../ui/test/Host.svelte';
import InvoiceEditor from './InvoiceEditor.svelte';
import { payIntent } from '../finance/intent.svelte';
import { PURCHASE, SALE } from './side';
import { inputVat, invoice, invoiceLine, vat } from './fixtures';

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'tax.list') return [vat, inputVat];
    if (name === 'tax.groups') return [];
    if (name === 'partner.get') return { id: 4, name: 'Timber Ltd' };
    throw new Error(`unexpected ${name}`);
  });
}
const LOOKUPS = ['tax.list', 'tax.groups', 'partner.get'];
const names = () => call.mock.calls.map((c) => c[0]).filter((n) => !LOOKUPS.includes(n));
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
function mount(props: Record<string, unknown>) {
  return render(Host, { props: { component: InvoiceEditor as unknown as Component<Record<string, unknown>>, props: { side: PURCHASE, onclose: () => {}, ...props } } });
}
const ready = () => waitFor(() => expect(screen.getByTestId('invoice-editor').querySelector('[data-status="ready"]')).toBeTruthy());
const cell = (row: number, key: string) => document.querySelector<HTMLElement>(`[data-testid="invoice-lines"] [data-row="${row}"][data-key="${key}"]`)!;
const over = () =>
  new ApiError({
    code: 'validation', reason: 'billed_above_received', message: 'above',
    fields: [{ field: 'lines.1.quantity', code: 'exceeds_remaining', message: 'more', params: { remaining: '2', unit: 'pc' } }],
  } as never);

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`inv-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('invoice form', () => {
  it('a bill above what was received is refused with its lines named; Accept difference and post posts it with allow_over', async () => {
    const draft = invoice({ lines: [invoiceLine(), invoiceLine({ id: 22, line_no: 2, order_line_id: 12, sku: 'TB-1', description: 'Table', quantity: '3' })] });
    backend({
      'purchase.get_bill': () => draft,
      'purchase.post_bill': (a) => {
        if (!a.allow_over) throw over();
        return { ...draft, state: 'posted', number: 'BILL/00001' };
      },
    });
    mount({ id: 40 });
    await ready();
    // Lines of a bill made from an order are read-only; the order is a link.
    expect(screen.getByRole('grid').getAttribute('aria-readonly')).toBe('true');
    expect(screen.getByTestId('invoice-origin').textContent).toContain('PO/00001');
    await fireEvent.click(screen.getByTestId('invoice-post'));
    const refused = await screen.findByTestId('over-billed');
    expect(refused.textContent).toContain('The bill asks for more than was received; accept the difference to post it.');
    expect(cell(1, 'quantity').getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(cell(1, 'quantity').getAttribute('aria-describedby')!)!.textContent).toBe('Is more than the 2 pc left.');
    expect(screen.getByTestId('line-problems').textContent).toContain('Line 2: Is more than the 2 pc left.');
    await fireEvent.click(screen.getByTestId('invoice-accept'));
    await waitFor(() => expect(screen.getByText('Bill BILL/00001')).toBeTruthy());
    const [first, second] = argsOf('purchase.post_bill') as { id: number; idempotency_key: string; allow_over?: boolean }[];
    expect(first.allow_over).toBeUndefined();
    expect(second).toMatchObject({ id: 40, allow_over: true });
    expect(second.idempotency_key).not.toBe(first.idempotency_key);
    expect(screen.queryByTestId('over-billed')).toBeNull();
    expect(screen.queryByTestId('invoice-post')).toBeNull();
    expect(screen.getByTestId('invoice-credit')).toBeTruthy();
  });

  it('Post is disabled while it runs and a second click posts nothing', async () => {
    let release: (v: unknown) => void = () => {};
    backend({
      'sales.get_invoice': () => invoice({ side: 'sale', order_id: null, order_number: null, lines: [invoiceLine({ order_line_id: null, tax_ids: [9] })] }),
      'sales.post_invoice': () => new Promise((resolve) => (release = resolve)),
    });
    mount({ id: 40, side: SALE });
    await ready();
    const post = screen.getByTestId('invoice-post') as HTMLButtonElement;
    await fireEvent.click(post);
    await waitFor(() => expect(post.disabled).toBe(true));
    expect((screen.getByTestId('invoice-cancel') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(post);
    release(invoice({ side: 'sale', state: 'posted', number: 'INV/00001' }));
    await waitFor(() => expect(screen.getByText('Invoice INV/00001')).toBeTruthy());
    expect(names()).toEqual(['sales.get_invoice', 'sales.post_invoice']);
    expect(typeof (argsOf('sales.post_invoice')[0] as { idempotency_key: string }).idempotency_key).toBe('string');
  });

  it('a posted invoice shows its header as text, not as fields: labels over values, no input, no format hints or required marks, no Save', async () => {
    backend({ 'purchase.get_bill': () => invoice({ state: 'posted', number: 'BILL/00001', reference: '', notes: 'Deliver to gate 4' }) });
    mount({ id: 40 });
    await ready();
    const head = screen.getByTestId('invoice-head-view');
    expect(screen.getByTestId('invoice-editor').querySelector('.head')).toBeNull();
    expect(head.querySelectorAll('input, textarea, select, [role="combobox"]')).toHaveLength(0);
    const pairs = [...head.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]);
    expect(pairs).toEqual([
      ['Supplier', 'Timber Ltd'],
      ['Date', expect.stringMatching(/2026/)],
      ['Due date', expect.stringMatching(/2026/)],
      ['Currency', 'EUR'],
      ['Reference', '—'],
      ['Notes', 'Deliver to gate 4'],
    ]);
    expect(head.textContent).not.toContain('Format');
    expect(head.querySelector('.req')).toBeNull();
    expect(screen.queryByTestId('invoice-editor-save')).toBeNull();
  });

  it('a cancelled invoice reads as text too; a draft keeps its fields', async () => {
    backend({ 'purchase.get_bill': (a) => invoice({ id: Number(a.id), state: a.id === 40 ? 'cancelled' : 'draft' }) });
    mount({ id: 40 });
    await ready();
    expect(screen.getByTestId('invoice-head-view')).toBeTruthy();
    cleanup();
    mount({ id: 41 });
    await ready();
    expect(screen.queryByTestId('invoice-head-view')).toBeNull();
    const head = screen.getByTestId('invoice-editor').querySelector('.head')!;
    expect(head.querySelectorAll('input, textarea').length).toBeGreaterThanOrEqual(4);
  });

  it('a posted invoice shows how far it is paid and what is open; Register payment opens the payment form for it', async () => {
    backend({ 'sales.get_invoice': () => invoice({ side: 'sale', state: 'posted', number: 'INV/00007', total: '119.00', open_amount: '69.0000', pay_state: 'partial' }) });
    mount({ id: 40, side: SALE });
    await ready();
    expect(screen.getByTestId('invoice-pay-state').textContent).toContain('Partly paid');
    expect(screen.getByTestId('invoice-open').textContent).toContain('69.00');
    await fireEvent.click(screen.getByTestId('invoice-register-payment'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'payments', create: true }));
    expect(payIntent.take()).toEqual({ side: 'customer', partnerId: 4, invoiceId: 40, amount: '69.0000', currency: 'EUR', direction: 'in' });
    cleanup();
    // Paid: no Register payment.
    backend({ 'purchase.get_bill': () => invoice({ state: 'posted', number: 'BILL/00001', open_amount: '0', pay_state: 'paid' }) });
    mount({ id: 40 });
    await ready();
    expect(screen.getByTestId('invoice-pay-state').textContent).toContain('Paid');
    expect(screen.queryByTestId('invoice-register-payment')).toBeNull();
  });

  it('Credit note opens a dialog of the lines at their full quantities: unchanged it asks for all that is left, lowered it sends only the chosen quantities', async () => {
    const posted = invoice({
      side: 'sale', state: 'posted', number: 'INV/00007',
      lines: [invoiceLine({ id: 21, quantity: '2', tax_ids: [9] }), invoiceLine({ id: 22, line_no: 2, order_line_id: 12, sku: 'TB-1', description: 'Table', quantity: '3', tax_ids: [9] })],
    });
    backend({
      'sales.get_invoice': (a) => (a.id === 40 ? posted : invoice({ id: Number(a.id), side: 'sale', kind: 'credit', credited_invoice_id: 40 })),
      'sales.credit_invoice': () => invoice({ id: 41, side: 'sale', kind: 'credit', credited_invoice_id: 40 }),
    });
    mount({ id: 40, side: SALE });
    await ready();
    await fireEvent.click(screen.getByTestId('invoice-credit'));
    const dialog = await screen.findByTestId('credit-dialog');
    expect(dialog.textContent).toContain('Credit note for INV/00007');
    const qty = within(dialog).getAllByRole('textbox', { name: /^Quantity of/ }) as HTMLInputElement[];
    expect(qty.map((q) => q.value)).toEqual(['2', '3']);
    // Above what was invoiced: refused beside the line, nothing sent.
    await fireEvent.input(qty[1], { target: { value: '4' } });
    await fireEvent.click(within(dialog).getByTestId('credit-submit'));
    expect(within(dialog).getByTestId('credit-line-error').textContent).toBe('Must be at most 3');
    expect(argsOf('sales.credit_invoice')).toHaveLength(0);
    // Lowered: only the chosen quantities.
    await fireEvent.input(qty[1], { target: { value: '1' } });
    await fireEvent.input(qty[0], { target: { value: '0' } });
    await fireEvent.click(within(dialog).getByTestId('credit-submit'));
    await waitFor(() => expect(argsOf('sales.credit_invoice')).toHaveLength(1));
    const sent = argsOf('sales.credit_invoice')[0] as Record<string, unknown>;
    expect(sent).toMatchObject({ invoice_id: 40, lines: [{ line_id: 22, quantity: '1' }] });
    expect(typeof sent.idempotency_key).toBe('string');
    await waitFor(() => expect(screen.queryByTestId('credit-dialog')).toBeNull());
  });

  it('after an earlier partial credit note, the dialog starts each line at what is not yet credited and leaves out a line credited in full', async () => {
    const posted = invoice({
      side: 'sale', state: 'posted', number: 'INV/00008',
      lines: [
        invoiceLine({ id: 21, quantity: '5', credited: '2', tax_ids: [9] }),
        invoiceLine({ id: 22, line_no: 2, sku: 'TB-1', description: 'Table', quantity: '3', credited: '3', tax_ids: [9] }),
      ],
    });
    backend({ 'sales.get_invoice': () => posted, 'sales.credit_invoice': () => invoice({ id: 41, side: 'sale', kind: 'credit', credited_invoice_id: 40 }) });
    mount({ id: 40, side: SALE });
    await ready();
    await fireEvent.click(screen.getByTestId('invoice-credit'));
    const dialog = await screen.findByTestId('credit-dialog');
    expect(dialog.textContent).toContain('Not yet credited');
    expect(within(dialog).getAllByTestId('credit-open').map((e) => e.textContent?.trim())).toEqual(['3 pc']);
    const qty = within(dialog).getAllByRole('textbox', { name: /^Quantity of/ }) as HTMLInputElement[];
    expect(qty.map((q) => q.value)).toEqual(['3']);
    await fireEvent.input(qty[0], { target: { value: '4' } });
    await fireEvent.click(within(dialog).getByTestId('credit-submit'));
    expect(within(dialog).getByTestId('credit-line-error').textContent).toBe('Must be at most 3');
    expect(argsOf('sales.credit_invoice')).toHaveLength(0);
  });

  it('a credit note left at the full quantities is asked for without lines; a refusal stays in the dialog', async () => {
    const posted = invoice({ side: 'sale', state: 'posted', number: 'INV/00007', lines: [invoiceLine({ id: 21, quantity: '2', tax_ids: [9] })] });
    backend({
      'sales.get_invoice': () => posted,
      'sales.credit_invoice': () => {
        throw new ApiError({ code: 'validation', message: 'refused', fields: [{ field: 'lines', code: 'too_few_lines', message: 'none', params: { min: 1 } }] } as never);
      },
    });
    mount({ id: 40, side: SALE });
    await ready();
    await fireEvent.click(screen.getByTestId('invoice-credit'));
    const dialog = await screen.findByTestId('credit-dialog');
    await fireEvent.click(within(dialog).getByTestId('credit-submit'));
    await within(dialog).findByTestId('credit-message');
    const sent = argsOf('sales.credit_invoice')[0] as Record<string, unknown>;
    expect(sent.invoice_id).toBe(40);
    expect(sent).not.toHaveProperty('lines');
    expect(screen.getByTestId('credit-dialog')).toBeTruthy();
  });

  it('a draft changes only its header: date, due date, reference and notes', async () => {
    backend({
      'purchase.get_bill': () => invoice(),
      'purchase.update_bill': (a) => invoice({ reference: String(a.reference) }),
    });
    mount({ id: 40 });
    await ready();
    await fireEvent.input(screen.getByLabelText('Reference'), { target: { value: 'T-982' } });
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    await waitFor(() => expect(argsOf('purchase.update_bill')).toHaveLength(1));
    expect(argsOf('purchase.update_bill')[0]).toEqual({ id: 40, date: '2026-03-05', due_date: '2026-04-04', reference: 'T-982', notes: '' });
  });

  it('a free invoice is made from the list with the line grid; empty price and taxes are left to the server', async () => {
    backend({
      'partner.list': () => ({ items: [{ id: 3, name: 'Corner Shop', code: 'C0001' }], total: 1, next_cursor: null }),
      'sales.create_invoice': (a) => invoice({ id: 41, side: 'sale', order_id: null, order_number: null, partner_id: Number(a.partner_id), partner_name: 'Corner Shop', lines: [invoiceLine({ order_line_id: null, product_id: null, sku: null, description: 'Consulting', tax_ids: [9] })] }),
    });
    const created = vi.fn();
    mount({ id: null, side: SALE, oncreated: created });
    await ready();
    const picker = screen.getByRole('combobox', { name: /Customer/ });
    await fireEvent.input(picker, { target: { value: 'Corner' } });
    await fireEvent.click(await screen.findByRole('option', { name: /Corner Shop/ }));
    // The empty line shows no quantity; a free-text line starts at 1.
    expect(cell(0, 'quantity').textContent!.trim()).toBe('');
    const desc = cell(0, 'description');
    await fireEvent.click(desc);
    await fireEvent.keyDown(desc, { key: 'Enter' });
    const input = desc.querySelector('input')!;
    await fireEvent.input(input, { target: { value: 'Consulting' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await fireEvent.click(screen.getByTestId('invoice-editor-save'));
    await waitFor(() => expect(created).toHaveBeenCalledWith(41));
    const sent = argsOf('sales.create_invoice')[0] as Record<string, unknown>;
    expect(sent).toMatchObject({ partner_id: 3, lines: [{ description: 'Consulting', quantity: '1' }] });
    expect((sent.lines as object[])[0]).not.toHaveProperty('tax_ids');
    expect((sent.lines as object[])[0]).not.toHaveProperty('unit_price');
    expect(typeof sent.idempotency_key).toBe('string');
    within(screen.getByTestId('totals-panel')).getByText('€119.00');
  });
});
