import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import OrderEditor from './OrderEditor.svelte';
import { line, order } from './fixtures';

const warehouse = { id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false };
const locations = [
  { id: 10, kind: 'internal', warehouse_id: 1, parent_id: null, name: 'Stock', full_name: 'WH/Stock', depth: 0, archived: false },
  { id: 11, kind: 'internal', warehouse_id: 1, parent_id: 10, name: 'Line 1', full_name: 'WH/Stock/Line 1', depth: 1, archived: false },
];
const LOOKUPS = ['warehouse.list', 'location.list', 'catalog.list_products', 'catalog.get_product', 'bom.list', 'picking.get'];
function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'warehouse.list') return [warehouse];
    if (name === 'location.list') return locations;
    throw new Error(`unexpected ${name}`);
  });
}
const names = () => call.mock.calls.map((c) => c[0]).filter((n) => !LOOKUPS.includes(n));
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
function mount(props: Record<string, unknown>) {
  return render(Host, { props: { component: OrderEditor as unknown as Component<Record<string, unknown>>, props: { onclose: () => {}, ...props } } });
}
const ready = () => waitFor(() => expect(screen.getByTestId('production-order').querySelector('[data-status="ready"]')).toBeTruthy());
const cell = (grid: string, row: number, key: string) => document.querySelector<HTMLElement>(`[data-testid="${grid}"] [data-row="${row}"][data-key="${key}"]`)!;
const tip = (el: HTMLElement) => document.getElementById(el.getAttribute('aria-describedby')!)!.textContent;
const DATE = expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/);

/** An order of 10 lot-tracked tables from 42 legs (untracked) and 10 lot-tracked tops, one operation. */
const tracked = (o: Parameters<typeof order>[0] = {}) =>
  order({
    tracking: 'lot',
    lines: [line(), line({ id: 2, position: 2, product_id: 24, sku: 'TOP', name: 'Table top', tracking: 'lot', planned: '10' })],
    operations: [{ position: 1, name: 'Assemble', work_centre_id: 3, work_centre_code: 'ASM', planned_minutes: '300', done_minutes: '0', cost_per_hour: '40', value: '0' }],
    ...o,
  });

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`orders-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('production order form', () => {
  it('a new order: product, quantity, its BOM, a line location and origin make the draft', async () => {
    const oncreated = vi.fn();
    backend({
      'catalog.list_products': () => ({ items: [{ id: 20, sku: 'TABLE', name: 'Oak table', unit_code: 'pc', barcode: null, is_template: false, is_kit: false, kind: 'stockable' }], total: 1, next_cursor: null }),
      'bom.list': () => [{ id: 4, product_id: 20, sku: 'TABLE', product_name: 'Oak table', name: 'Standard', quantity: '2', unit_code: 'pc', is_default: true, valid_from: null, valid_to: null, archived: false, lines: 2, operations: 1 }],
      'production.create_order': () => order({ state: 'draft', number: null, standard_cost: null }),
    });
    mount({ id: null, oncreated });
    await ready();
    const u = userEvent.setup();
    await u.click(screen.getByLabelText(/^Product/));
    await u.keyboard('TAB');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').length).toBe(1));
    await u.keyboard('{Enter}');
    await waitFor(() => expect(argsOf('bom.list')).toEqual([{ product_id: 20, limit: 100 }]));
    await waitFor(() => expect(screen.getByLabelText(/^Bill of materials/).textContent).toContain('Standard (Default)'));
    await fireEvent.change(screen.getByLabelText(/^Bill of materials/), { target: { value: '4' } });
    const qty = screen.getByLabelText(/^Quantity/) as HTMLInputElement;
    await fireEvent.input(qty, { target: { value: '10' } });
    await fireEvent.blur(qty);
    await fireEvent.change(screen.getByLabelText(/^Output to/), { target: { value: '11' } });
    await fireEvent.input(screen.getByLabelText(/^Origin/), { target: { value: 'SO/00042' } });
    await fireEvent.click(screen.getByTestId('production-order-save'));
    await waitFor(() => expect(oncreated).toHaveBeenCalledWith(9));
    expect(argsOf('production.create_order')).toEqual([{ product_id: 20, quantity: '10', bom_id: 4, warehouse_id: 1, dest_location_id: 11, date_planned: DATE, origin: 'SO/00042' }]);
    // The draft now shows, with Confirm and Delete, and stays editable.
    await screen.findByTestId('order-confirm');
    expect(screen.getByTestId('order-delete')).toBeTruthy();
    expect(screen.getByTestId('production-order-save').textContent).toContain('Save');
  });

  it('a draft is changed through update_order, its errors shown at the form fields; a confirmed order is not editable', async () => {
    let reply: () => unknown = () => {
      throw new ApiError({ code: 'validation', message: 'invalid', fields: [{ field: 'order.quantity', code: 'not_positive', message: 'x', params: {} }] } as never);
    };
    backend({
      'production.get_order': () => order({ state: 'draft', number: null, standard_cost: null }),
      'production.update_order': () => reply(),
      'bom.list': () => [],
    });
    mount({ id: 9 });
    await ready();
    const qty = screen.getByLabelText(/^Quantity/) as HTMLInputElement;
    await fireEvent.input(qty, { target: { value: '12' } });
    await fireEvent.blur(qty);
    await fireEvent.click(screen.getByTestId('production-order-save'));
    await waitFor(() => expect(qty.getAttribute('aria-invalid')).toBe('true'));
    expect(argsOf('production.update_order')[0]).toEqual({ id: 9, order: expect.objectContaining({ product_id: 20, quantity: '12', date_planned: DATE }) });
    reply = () => order({ state: 'confirmed', quantity: '12' });
    await fireEvent.click(screen.getByTestId('production-order-save'));
    await waitFor(() => expect(screen.getByTestId('order-facts')).toBeTruthy());
    expect(screen.queryByTestId('production-order-save')).toBeNull();
  });

  it('confirming a draft numbers it and offers the steps of a confirmed order', async () => {
    backend({
      'production.get_order': () => order({ state: 'draft', number: null, standard_cost: null }),
      'production.confirm_order': () => order({ reservation_id: 55 }),
    });
    mount({ id: 9 });
    await ready();
    expect(screen.getByText('Production order for TABLE (draft)')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('order-confirm'));
    await waitFor(() => expect(screen.getByText('Production order MO/00001')).toBeTruthy());
    expect(argsOf('production.confirm_order')).toEqual([{ id: 9 }]);
    expect(screen.getByTestId('production-order').textContent).toContain('Confirmed');
    for (const b of ['order-produce', 'order-consume', 'order-finish', 'order-cancel']) expect(screen.getByTestId(b)).toBeTruthy();
    expect(screen.queryByTestId('order-confirm')).toBeNull();
    expect(screen.queryByTestId('order-delete')).toBeNull();
    expect(screen.getByTestId('cost-standard').textContent).toBe('$67.00');
    await fireEvent.click(screen.getByText('Reservation'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'pickings', id: 55 }));
  });

  it('an order in progress shows its lines with variance highlighted, operations, steps with their pickings, and its costs', async () => {
    backend({
      'production.get_order': () =>
        tracked({
          state: 'in_progress', produced: '4', remaining: '6', consumed_value: '180', absorbed_value: '80', produced_value: '250', wip_value: '10', actual_unit_cost: '62.5', cost_variance: '-18',
          lines: [line({ planned: '42', expected: '16.8', done: '18', variance: '1.2', value: '54' }), line({ id: 2, position: 2, product_id: 24, sku: 'TOP', name: 'Table top', tracking: 'lot', planned: '10', expected: '4', done: '4', variance: '0', value: '126' })],
          steps: [{ id: 1, kind: 'produce', date: '2026-03-03', quantity: '4', consume_picking_id: 61, consume_number: 'WH/MO/00001', output_picking_id: 62, output_number: 'WH/MO/00002', consumed_value: '180', absorbed_value: '80', produced_value: '250' }],
          outputs: [{ product_id: 20, sku: 'TABLE', byproduct: false, lot_id: 70, lot_code: 'T-1', produced: '4', unbuilt: '0', value: '250' }],
        }),
    });
    mount({ id: 9 });
    await ready();
    const [legs, tops] = screen.getAllByTestId('order-line');
    expect(legs.textContent).toContain('42 pc');
    expect(legs.textContent).toContain('16.8 pc');
    const variance = within(legs).getByTestId('line-variance');
    expect(variance.textContent).toBe('+1.2 pc');
    expect(variance.classList.contains('variance')).toBe(true);
    expect(legs.textContent).toContain('$54.00');
    expect(within(tops).getByTestId('line-variance').classList.contains('variance')).toBe(false);
    expect(tops.textContent).toContain('Lot');
    expect(screen.getByTestId('order-operations').textContent).toContain('Assemble');
    expect(screen.getByTestId('cost-actual').textContent).toBe('$62.50');
    expect(screen.getByTestId('cost-variance').textContent).toBe('-$18.00');
    expect(screen.getByTestId('cost-wip').textContent).toBe('$10.00');
    expect(screen.getByTestId('order-remaining').textContent).toBe('6 pc');
    const step = screen.getByTestId('order-step');
    expect(step.textContent).toContain('Produced');
    expect(step.textContent).toContain('$250.00');
    // Cancelling is no longer offered once something was produced.
    expect(screen.queryByTestId('order-cancel')).toBeNull();
    // The lot made, with its genealogy.
    const made = screen.getByTestId('order-output');
    expect(within(made).getByTestId('output-lot').textContent).toBe('T-1');
    expect(made.textContent).toContain('$250.00');
    await fireEvent.click(screen.getByTestId('lot-trace'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'production-trace', id: 70 }));
    await fireEvent.click(within(step).getByText('WH/MO/00002'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'pickings', id: 62 }));
  });

  it('Produce: part of the quantity, lots of the output and of a tracked component, actual minutes, closing the order after it', async () => {
    let reply: () => unknown = () => tracked({ state: 'done', produced: '4', remaining: '0' });
    backend({ 'production.get_order': () => tracked(), 'production.produce': () => reply() });
    mount({ id: 9 });
    await ready();
    await fireEvent.click(screen.getByTestId('order-produce'));
    const dialog = await screen.findByTestId('produce-dialog');
    // Starts from what remains; the tracked top makes the consumption entered here.
    const qty = within(dialog).getByLabelText(/^Quantity produced/) as HTMLInputElement;
    expect(qty.value).toBe('10');
    expect((within(dialog).getByTestId('produce-custom') as HTMLInputElement).checked).toBe(true);
    await fireEvent.input(qty, { target: { value: '4' } });
    await fireEvent.blur(qty);
    await waitFor(() => expect(cell('produce-consumption', 0, 'quantity').textContent).toContain('16.8'));
    expect(cell('produce-consumption', 1, 'product_id').textContent).toContain('TOP Table top');
    expect(cell('produce-consumption', 1, 'quantity').textContent).toContain('4');
    expect(cell('produce-lots', 0, 'quantity').textContent).toContain('4');
    expect(cell('produce-minutes', 0, 'planned').textContent).toContain('120');
    const u = userEvent.setup();
    await u.click(cell('produce-consumption', 1, 'lot_code'));
    await u.keyboard('TOP-7{Enter}');
    await u.click(cell('produce-lots', 0, 'lot_code'));
    await u.keyboard('T-1{Enter}');
    await u.click(cell('produce-minutes', 0, 'minutes'));
    await u.keyboard('135{Enter}');
    await fireEvent.click(within(dialog).getByTestId('produce-finish'));

    // First refused: the lots do not add up, and the top's lot is unknown.
    reply = () => {
      throw new ApiError({
        code: 'validation', message: 'invalid',
        fields: [
          { field: 'lots', code: 'lots_do_not_add_up', message: 'x', params: { expected: '4', got: '3' } },
          { field: 'consumption.1.lot_code', code: 'not_found', message: 'x', params: { entity: 'lot', value: 'TOP-7' } },
        ],
      } as never);
    };
    await fireEvent.click(within(dialog).getByTestId('produce-submit'));
    await waitFor(() => expect(screen.getByTestId('produce-lots-error').textContent).toBe('These add up to 3; 4 was expected.'));
    expect(cell('produce-consumption', 1, 'lot_code').getAttribute('aria-invalid')).toBe('true');
    expect(argsOf('production.produce')[0]).toEqual({
      id: 9, quantity: '4', date: DATE,
      consumption: [{ product_id: 21, quantity: '16.8' }, { product_id: 24, quantity: '4', lot_code: 'TOP-7' }],
      lots: [{ product_id: 20, quantity: '4', lot_code: 'T-1' }],
      minutes: [{ position: 1, minutes: '135' }],
      finish: true,
    });
    reply = () => tracked({ state: 'done', produced: '4', remaining: '0', produced_value: '250' });
    await fireEvent.click(within(dialog).getByTestId('produce-submit'));
    await waitFor(() => expect(screen.queryByTestId('produce-dialog')).toBeNull());
    expect(screen.getByTestId('production-order').textContent).toContain('Done');
    expect(screen.getByTestId('order-unbuild')).toBeTruthy();
    expect(screen.queryByTestId('order-produce')).toBeNull();
  });

  it('Produce without entering consumption sends none: the core takes the BOM’s share', async () => {
    backend({ 'production.get_order': () => order(), 'production.produce': () => order({ state: 'in_progress', produced: '3', remaining: '7' }) });
    mount({ id: 9 });
    await ready();
    await fireEvent.click(screen.getByTestId('order-produce'));
    const dialog = await screen.findByTestId('produce-dialog');
    expect((within(dialog).getByTestId('produce-custom') as HTMLInputElement).checked).toBe(false);
    expect(within(dialog).queryByTestId('produce-lots')).toBeNull();
    const qty = within(dialog).getByLabelText(/^Quantity produced/) as HTMLInputElement;
    await fireEvent.input(qty, { target: { value: '3' } });
    await fireEvent.blur(qty);
    await fireEvent.click(within(dialog).getByTestId('produce-submit'));
    await waitFor(() => expect(screen.queryByTestId('produce-dialog')).toBeNull());
    expect(argsOf('production.produce')).toEqual([{ id: 9, quantity: '3', date: DATE, lots: [], minutes: [] }]);
    expect(screen.getByTestId('order-remaining').textContent).toBe('7 pc');
  });

  it('Consume: starts from what is left; a shortfall sits on the line’s quantity', async () => {
    let n = 0;
    backend({
      'production.get_order': () => order({ lines: [line({ planned: '42', done: '12' })] }),
      'production.consume': () => {
        if (n++ === 0) throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'lines.0.quantity', code: 'insufficient_stock', message: 'x', params: { sku: 'LEG', location: 'WH/Stock', shortfall: '5', unit: 'pc' } }] } as never);
        return order({ state: 'in_progress', lines: [line({ planned: '42', done: '37', variance: '37' })] });
      },
    });
    mount({ id: 9 });
    await ready();
    await fireEvent.click(screen.getByTestId('order-consume'));
    await screen.findByTestId('consume-dialog');
    expect(cell('consume-lines', 0, 'quantity').textContent).toContain('30');
    const u = userEvent.setup();
    await u.click(cell('consume-lines', 0, 'quantity'));
    await u.keyboard('25{Enter}');
    await fireEvent.click(screen.getByTestId('consume-submit'));
    await waitFor(() => expect(cell('consume-lines', 0, 'quantity').getAttribute('aria-invalid')).toBe('true'));
    expect(tip(cell('consume-lines', 0, 'quantity'))).toBe('Not enough LEG in WH/Stock: 5 pc short.');
    await fireEvent.click(screen.getByTestId('consume-submit'));
    await waitFor(() => expect(screen.queryByTestId('consume-dialog')).toBeNull());
    expect(argsOf('production.consume')).toEqual([{ id: 9, date: DATE, lines: [{ product_id: 21, quantity: '25' }] }, { id: 9, date: DATE, lines: [{ product_id: 21, quantity: '25' }] }]);
    expect(screen.getByTestId('production-order').textContent).toContain('In progress');
    // Taken ahead of any output is not yet a variance to point at.
    expect(screen.getByTestId('line-variance').textContent).toBe('+37 pc');
    expect(screen.getByTestId('line-variance').classList.contains('variance')).toBe(false);
  });

  it('Close short and cancel in progress ask for their date; a draft is cancelled or deleted after a confirmation', async () => {
    backend({
      'production.get_order': (a) => (a.id === 9 ? order({ state: 'in_progress', wip_value: '12.5' }) : order({ id: 3, state: 'draft', number: null })),
      'production.finish_order': () => order({ state: 'done', remaining: '0' }),
      'production.cancel_order': (a) => order({ id: Number(a.id), state: 'cancelled' }),
      'production.delete_order': () => ({ ok: true }),
    });
    const view = mount({ id: 9 });
    await ready();
    await fireEvent.click(screen.getByTestId('order-finish'));
    const finish = await screen.findByTestId('finish-dialog');
    expect(finish.textContent).toContain('($12.50) goes to the variance account');
    const date = within(finish).getByLabelText(/^Date/) as HTMLInputElement;
    await fireEvent.input(date, { target: { value: '2026-03-05' } });
    await fireEvent.blur(date);
    await fireEvent.click(screen.getByTestId('finish-dialog-ok'));
    await waitFor(() => expect(screen.queryByTestId('finish-dialog')).toBeNull());
    expect(argsOf('production.finish_order')).toEqual([{ id: 9, date: '2026-03-05' }]);
    expect(screen.getByTestId('production-order').textContent).toContain('Done');
    view.unmount();

    const onclose = vi.fn();
    mount({ id: 3, onclose });
    await ready();
    await fireEvent.click(screen.getByTestId('order-cancel'));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(argsOf('production.cancel_order')).toEqual([{ id: 3 }]));
    expect(names()).toEqual(['production.get_order', 'production.finish_order', 'production.get_order', 'production.cancel_order']);
  });

  it('deletes a draft after asking, and closes', async () => {
    const onclose = vi.fn();
    backend({ 'production.get_order': () => order({ state: 'draft', number: null }), 'production.delete_order': () => ({ ok: true }) });
    mount({ id: 9, onclose });
    await ready();
    await fireEvent.click(screen.getByTestId('order-delete'));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(argsOf('production.delete_order')).toEqual([{ id: 9 }]);
  });

  it('Unbuild takes a quantity of what was produced and its lots', async () => {
    backend({
      'production.get_order': () => tracked({ state: 'done', produced: '4', unbuilt: '1', remaining: '0' }),
      'production.unbuild': () => tracked({ state: 'done', produced: '4', unbuilt: '3', remaining: '0' }),
    });
    mount({ id: 9 });
    await ready();
    await fireEvent.click(screen.getByTestId('order-unbuild'));
    const dialog = await screen.findByTestId('unbuild-dialog');
    const qty = within(dialog).getByLabelText(/^Quantity to unbuild/) as HTMLInputElement;
    expect(qty.value).toBe('3');
    await fireEvent.input(qty, { target: { value: '2' } });
    await fireEvent.blur(qty);
    const u = userEvent.setup();
    await u.click(cell('unbuild-lots', 0, 'lot_code'));
    await u.keyboard('T-1{Enter}');
    await u.click(cell('unbuild-lots', 0, 'quantity'));
    await u.keyboard('2{Enter}');
    await fireEvent.click(within(dialog).getByTestId('unbuild-submit'));
    await waitFor(() => expect(screen.queryByTestId('unbuild-dialog')).toBeNull());
    expect(argsOf('production.unbuild')).toEqual([{ id: 9, quantity: '2', date: DATE, lots: [{ product_id: 20, quantity: '2', lot_code: 'T-1' }] }]);
  });
});
