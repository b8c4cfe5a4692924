import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { Component } from 'svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import OrderEditor from './OrderEditor.svelte';
import { PURCHASE, SALE } from './side';
import { order, orderLine, vat, vat7, warehouse } from './fixtures';

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'tax.list') return [vat, vat7];
    if (name === 'tax.groups') return [];
    if (name === 'warehouse.list') return [warehouse];
    if (name === 'partner.get') return { id: 3, name: 'Corner Shop' };
    throw new Error(`unexpected ${name}`);
  });
}
const LOOKUPS = ['tax.list', 'tax.groups', 'warehouse.list', 'partner.get'];
const names = () => call.mock.calls.map((c) => c[0]).filter((n) => !LOOKUPS.includes(n));
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
function mount(props: Record<string, unknown>) {
  return render(Host, { props: { component: OrderEditor as unknown as Component<Record<string, unknown>>, props: { side: SALE, onclose: () => {}, ...props } } });
}
const ready = () => waitFor(() => expect(screen.getByTestId('order-editor').querySelector('[data-status="ready"]')).toBeTruthy());
const cell = (row: number, key: string) => document.querySelector<HTMLElement>(`[data-testid="order-lines"] [data-row="${row}"][data-key="${key}"]`)!;

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('order form', () => {
  it('shows the totals exactly as the server returns them: net, each tax, rounding, total', async () => {
    backend({ 'sales.get_order': () => order({ net: '100.00', tax: '19.01', rounding: '-0.01', total: '119.00', taxes: [{ tax_id: 9, base: '100.00', amount: '19.01' }] }) });
    mount({ id: 5 });
    await ready();
    const panel = screen.getByTestId('totals-panel');
    expect(within(panel).getByTestId('total-net').textContent).toBe('€100.00');
    expect(within(panel).getByTestId('total-tax-9').textContent).toBe('€19.01');
    expect(panel.textContent).toContain('VAT19 (19 %) on €100.00');
    expect(within(panel).getByTestId('total-rounding').textContent).toBe('-€0.01');
    expect(within(panel).getByTestId('total-total').textContent).toBe('€119.00');
    // The line's amount is the server's, the taxes cell names the tax.
    expect(cell(0, 'net').textContent).toContain('100.00');
    expect(cell(0, 'tax_key').textContent).toContain('VAT19');
    expect(screen.queryByTestId('totals-stale')).toBeNull();
  });

  it('editing a quotation sends the whole order with the server’s defaults made explicit, and marks the totals stale until saved', async () => {
    backend({
      'sales.get_order': () => order(),
      'sales.update_order': () => order({ reference: 'PO-77', lines: [orderLine({ quantity: '3', net: '150.00' })], net: '150.00', tax: '28.50', total: '178.50', taxes: [{ tax_id: 9, base: '150.00', amount: '28.50' }] }),
    });
    mount({ id: 5 });
    await ready();
    await fireEvent.input(screen.getByLabelText('Reference'), { target: { value: 'PO-77' } });
    // The quantity cell, by keyboard: Enter edits, Enter commits.
    await fireEvent.click(cell(0, 'quantity'));
    await fireEvent.keyDown(cell(0, 'quantity'), { key: 'Enter' });
    const input = cell(0, 'quantity').querySelector('input')!;
    await fireEvent.input(input, { target: { value: '3' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(cell(0, 'net').textContent).toContain('150.00'));
    expect(screen.getByTestId('totals-stale')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('order-editor-save'));
    await waitFor(() => expect(names()).toEqual(['sales.get_order', 'sales.update_order']));
    const sent = argsOf('sales.update_order')[0] as { id: number; order: Record<string, unknown> };
    expect(sent.id).toBe(5);
    expect(sent.order).toMatchObject({
      partner_id: 3, date: '2026-03-02', currency: 'EUR', warehouse_id: 1, payment_terms_days: 14, reference: 'PO-77',
      lines: [{ product_id: 7, description: 'Chair', quantity: '3', unit_id: 1, unit_price: '50', tax_ids: [9] }],
    });
    expect((sent.order.lines as object[])[0]).not.toHaveProperty('discount');
    expect(typeof sent.order.idempotency_key).toBe('string');
    await waitFor(() => expect(screen.getByTestId('total-total').textContent).toBe('€178.50'));
    expect(screen.queryByTestId('totals-stale')).toBeNull();
  });

  it('a new quotation needs its partner before anything is sent', async () => {
    backend({});
    mount({ id: null });
    await ready();
    await fireEvent.click(screen.getByTestId('order-editor-save'));
    await waitFor(() => expect(screen.getAllByTestId('field-error')[0].textContent).toBe('Required.'));
    expect(names()).toEqual([]);
  });

  it('confirm refused for the credit limit shows why and offers Override and confirm, which confirms with allow_over and a fresh key', async () => {
    backend({
      'sales.get_order': () => order({ state: 'sent' }),
      'sales.confirm_order': (a) => {
        if (!a.allow_over) throw new ApiError({ code: 'conflict', reason: 'credit_limit_exceeded', params: { customer: 'Corner Shop', limit: '500', open: '450', order: '119' }, message: 'beyond the limit' } as never);
        return order({ state: 'confirmed', number: 'SO/00001', delivery_status: 'pending', invoice_status: 'up_to_date', lines: [orderLine({ to_deliver: '2' })] });
      },
    });
    mount({ id: 5 });
    await ready();
    await fireEvent.click(screen.getByTestId('order-confirm'));
    const refusal = await screen.findByTestId('credit-refusal');
    expect(refusal.textContent).toContain('Confirming takes Corner Shop beyond the credit limit of 500: 450 is open and this order adds 119.');
    await fireEvent.click(screen.getByTestId('order-override'));
    await waitFor(() => expect(screen.getByText('Sales order SO/00001')).toBeTruthy());
    const [first, second] = argsOf('sales.confirm_order') as { id: number; idempotency_key: string; allow_over?: boolean }[];
    expect(first).toMatchObject({ id: 5 });
    expect(first.allow_over).toBeUndefined();
    expect(second).toMatchObject({ id: 5, allow_over: true });
    expect(second.idempotency_key).toBeTruthy();
    expect(second.idempotency_key).not.toBe(first.idempotency_key);
    expect(screen.queryByTestId('credit-refusal')).toBeNull();
    // A confirmed order is read-only and shows its progress and the next actions.
    expect(screen.queryByTestId('order-editor-save')).toBeNull();
    expect(screen.getByTestId('order-ship')).toBeTruthy();
    expect(cell(0, 'to_deliver').textContent).toContain('2');
  });

  it('an override refused too (the role may not) says so and is not offered again', async () => {
    backend({
      'sales.get_order': () => order(),
      'sales.confirm_order': () => {
        throw new ApiError({ code: 'conflict', reason: 'credit_limit_exceeded', params: { customer: 'Corner Shop', limit: '500', open: '450', order: '119' }, message: 'beyond' } as never);
      },
    });
    mount({ id: 5 });
    await ready();
    await fireEvent.click(screen.getByTestId('order-confirm'));
    await fireEvent.click(await screen.findByTestId('order-override'));
    await screen.findByTestId('override-refused');
    expect(screen.queryByTestId('order-override')).toBeNull();
    expect(argsOf('sales.confirm_order')).toHaveLength(2);
  });

  it('the action buttons are disabled while a call runs, a second click sends nothing, and each call carries an idempotency key', async () => {
    let release: (o: unknown) => void = () => {};
    backend({
      'sales.get_order': () => order(),
      'sales.send_order': () => new Promise((resolve) => (release = resolve)),
    });
    mount({ id: 5 });
    await ready();
    const send = screen.getByTestId('order-send') as HTMLButtonElement;
    await fireEvent.click(send);
    await waitFor(() => expect(send.disabled).toBe(true));
    expect((screen.getByTestId('order-confirm') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('order-cancel') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(send);
    await fireEvent.click(screen.getByTestId('order-confirm'));
    release(order({ state: 'sent' }));
    await waitFor(() => expect(screen.queryByTestId('order-send')).toBeNull());
    expect(names()).toEqual(['sales.get_order', 'sales.send_order']);
    expect((argsOf('sales.send_order')[0] as { idempotency_key: string }).idempotency_key).toMatch(/^[0-9a-f-]{32,36}$/);
    expect((screen.getByTestId('order-confirm') as HTMLButtonElement).disabled).toBe(false);
  });

  it('a confirmed or cancelled order shows its header as text; a quotation keeps its fields', async () => {
    backend({ 'sales.get_order': () => order({ state: 'confirmed', number: 'SO/00001', warehouse_id: 1, payment_terms_days: 30, reference: 'PO 7781', notes: '' }) });
    const a = mount({ id: 5 });
    await ready();
    const head = screen.getByTestId('order-head-view');
    expect(screen.getByTestId('order-editor').querySelector('.head')).toBeNull();
    expect(head.querySelectorAll('input, textarea, select, [role="combobox"]')).toHaveLength(0);
    const pairs = [...head.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]);
    expect(pairs).toEqual([
      ['Customer', expect.any(String)],
      ['Date', expect.stringMatching(/2026/)],
      ['Currency', 'EUR'],
      ['Warehouse', 'WH · Main'],
      ['Payment terms', '30 days'],
      ['Reference', 'PO 7781'],
      ['Notes', '—'],
    ]);
    expect(screen.queryByTestId('order-editor-save')).toBeNull();
    a.unmount();
    backend({ 'sales.get_order': () => order({ state: 'cancelled', number: 'SO/00002' }) });
    const b = mount({ id: 6 });
    await ready();
    expect(screen.getByTestId('order-head-view')).toBeTruthy();
    b.unmount();
    backend({ 'sales.get_order': () => order({ state: 'sent' }) });
    mount({ id: 7 });
    await ready();
    expect(screen.queryByTestId('order-head-view')).toBeNull();
    expect(screen.getByTestId('order-editor').querySelector('.head')!.querySelectorAll('input, textarea').length).toBeGreaterThanOrEqual(3);
  });

  it('a quotation or an RFQ is cancelled as such; only a confirmed order offers "Cancel order"', async () => {
    backend({ 'sales.get_order': () => order({ state: 'sent' }) });
    const a = mount({ id: 5 });
    await ready();
    expect(screen.getByTestId('order-cancel').textContent).toBe('Cancel quotation…');
    a.unmount();
    backend({ 'purchase.get_order': () => order({ side: 'purchase', state: 'draft' }) });
    const b = mount({ id: 5, side: PURCHASE });
    await ready();
    expect(screen.getByTestId('order-cancel').textContent).toBe('Cancel RFQ…');
    b.unmount();
    backend({ 'sales.get_order': () => order({ state: 'confirmed', number: 'SO/00001' }) });
    mount({ id: 5 });
    await ready();
    expect(screen.getByTestId('order-cancel').textContent).toBe('Cancel order…');
  });

  it('Receive opens the dialog at what is left per line and sends only the lines with a quantity', async () => {
    const confirmed = order({
      side: 'purchase', state: 'confirmed', number: 'PO/00001', delivery_status: 'partial', invoice_status: 'to_invoice',
      lines: [
        orderLine({ id: 11, quantity: '5', delivered: '2', to_deliver: '3', to_invoice: '2', tracking: 'lot' }),
        orderLine({ id: 12, line_no: 2, sku: 'TB-1', description: 'Table', quantity: '1', to_deliver: '1' }),
        orderLine({ id: 13, line_no: 3, sku: 'SV-1', description: 'Assembly', ships: false, to_deliver: '0', to_invoice: '1' }),
      ],
    });
    backend({
      'purchase.get_order': () => confirmed,
      'purchase.receive': () => order({ ...confirmed, lines: [orderLine({ id: 11, quantity: '5', delivered: '5', to_deliver: '0' }), confirmed.lines[1], confirmed.lines[2]] }),
    });
    mount({ id: 5, side: PURCHASE });
    await ready();
    await fireEvent.click(screen.getByTestId('order-ship'));
    const dialog = await screen.findByTestId('ship-dialog');
    const qty = within(dialog).getAllByRole('textbox', { name: /^Quantity of/ }) as HTMLInputElement[];
    expect(qty.map((q) => q.value)).toEqual(['3', '1']);
    expect(dialog.textContent).not.toContain('Assembly');
    await fireEvent.input(qty[1], { target: { value: '0' } });
    // Only the tracked product asks for its lot.
    expect(within(dialog).queryByRole('textbox', { name: 'Lot or serial of TB-1 Table' })).toBeNull();
    await fireEvent.input(within(dialog).getByRole('textbox', { name: 'Lot or serial of CH-1 Chair' }), { target: { value: 'L-42' } });
    await fireEvent.click(within(dialog).getByTestId('ship-submit'));
    await waitFor(() => expect(screen.queryByTestId('ship-dialog')).toBeNull());
    const sent = argsOf('purchase.receive')[0] as Record<string, unknown>;
    expect(sent).toMatchObject({ order_id: 5, lines: [{ line_id: 11, quantity: '3', lot_code: 'L-42' }] });
    expect(typeof sent.idempotency_key).toBe('string');
    expect(typeof sent.date).toBe('string');
  });

  it('a refused delivery shows the reason beside the line that was sent', async () => {
    const confirmed = order({
      state: 'confirmed', number: 'SO/00002', delivery_status: 'pending',
      lines: [orderLine({ id: 11, to_deliver: '2' }), orderLine({ id: 12, line_no: 2, sku: 'TB-1', description: 'Table', to_deliver: '4' })],
    });
    backend({
      'sales.get_order': () => confirmed,
      'sales.deliver': () => {
        throw new ApiError({ code: 'validation', message: 'refused', fields: [{ field: 'lines.0.quantity', code: 'exceeds_remaining', message: 'more', params: { remaining: '4', unit: 'pc' } }] } as never);
      },
    });
    mount({ id: 5 });
    await ready();
    await fireEvent.click(screen.getByTestId('order-ship'));
    const dialog = await screen.findByTestId('ship-dialog');
    const qty = within(dialog).getAllByRole('textbox', { name: /^Quantity of/ });
    await fireEvent.input(qty[0], { target: { value: '' } });
    await fireEvent.click(within(dialog).getByTestId('ship-submit'));
    // Only the second line was sent (as lines.0): its error sits on the second row.
    const errs = await within(dialog).findAllByTestId('ship-line-error');
    expect(errs).toHaveLength(1);
    expect(qty[1].getAttribute('aria-invalid')).toBe('true');
    expect(errs[0].textContent).toBe('Is more than the 4 pc left.');
    expect((argsOf('sales.deliver')[0] as { lines: unknown[] }).lines).toEqual([{ line_id: 12, quantity: '4' }]);
  });
});
