import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { PlanningRun } from '../api';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { toasts } from '../ui/toast.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import Planning from './Planning.svelte';
import { productionScreens } from './index';
import { buyProposal, peg, planningRun, proposal } from './fixtures';
import { confirmArgs, errorsByProposal, madeOrders, projected } from './planning';

const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const mount = () => render(Host, { props: { component: Planning as unknown as Component<Record<string, unknown>>, props: {} } });
const rows = () => screen.queryAllByTestId('grid-row');
const row = (sku: string) => rows().find((r) => r.textContent?.includes(sku))!;
const body = () => screen.getByTestId('planning-grid').querySelector<HTMLElement>('[role=rowgroup]')!;
const key = (k: string) => fireEvent.keyDown(body(), { key: k });

/** The core: `handlers` by command; the latest run is the one a run, confirmation or dismissal returned last. */
function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}, first: PlanningRun | null = planningRun()) {
  let latest = first;
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) {
      const out = await handlers[name](args);
      if (name.startsWith('planning.')) latest = out as PlanningRun;
      return out;
    }
    if (name === 'planning.latest_run') return latest;
    if (name === 'warehouse.list') return [{ id: 1, code: 'WH', name: 'Main warehouse', archived: false }];
    throw new Error(`unexpected ${name}`);
  });
}
/** A member of company 1 with these permissions only. */
function member(...permissions: string[]) {
  session.me = { user: { is_superuser: false }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [{ company: 1, permissions }] } as unknown as typeof session.me;
  session.companyId = 1;
}

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`planning-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: '', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
});

describe('the planning screen', () => {
  it('is a Manufacturing screen for those who may see production, found in the palette by MRP words', () => {
    const s = productionScreens.find((x) => x.id === 'production-planning')!;
    expect(s).toMatchObject({ group: 'production.group', label: 'production.screen.planning', needs: 'planning.latest_run' });
    expect(s.keywords).toContain('mrp');
  });

  it('says when there was no run yet; a run with a horizon shows its proposals', async () => {
    backend({ 'planning.run': () => planningRun({ horizon: '2026-04-30' }) }, null);
    mount();
    await waitFor(() => expect(screen.getByTestId('planning-no-run').textContent).toContain('No planning run yet'));
    await fireEvent.click(screen.getByTestId('planning-run-first'));
    await waitFor(() => expect(screen.getByTestId('planning-run-dialog')).toBeTruthy());
    await fireEvent.input(screen.getByLabelText('Sales orders up to'), { target: { value: '2026-04-30' } });
    await fireEvent.click(screen.getByTestId('planning-run-submit'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(argsOf('planning.run')).toEqual([{ horizon: '2026-04-30' }]);
    expect(screen.queryByTestId('planning-run-dialog')).toBeNull();
    expect(toasts.items.at(-1)?.text).toBe('Planning run: 2 proposals.');
    expect(screen.getByTestId('planning-summary').textContent).toContain('Run of 04/01/2026: 2 proposals, 2 open');
    expect(screen.getByTestId('planning-summary').textContent).toContain('sales orders up to 04/30/2026');
  });

  it('a refused run stays in its dialog', async () => {
    backend({ 'planning.run': () => { throw new ApiError({ code: 'refused', reason: 'invalid_input', message: 'x', fields: [] } as never); } });
    mount();
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('planning-run'));
    // Open proposals are replaced: the dialog says so.
    await waitFor(() => expect(screen.getByTestId('planning-run-replaces').textContent).toContain('The 2 open proposals of the current run are replaced.'));
    await fireEvent.click(screen.getByTestId('planning-run-submit'));
    await waitFor(() => expect(screen.getByTestId('planning-run-message')).toBeTruthy());
    expect(screen.getByTestId('planning-run-dialog')).toBeTruthy();
  });

  it('lists each proposal: kind, product, quantity and unit, dates, supplier, what it covers, state; kind and state filter it', async () => {
    backend({}, planningRun({ proposals: [proposal({ late: true }), buyProposal(), buyProposal({ id: 3, position: 3, sku: 'TOP', name: 'Table top', state: 'confirmed', purchase_order_id: 70 })] }));
    mount();
    await waitFor(() => expect(rows()).toHaveLength(2));
    const make = row('TABLE').textContent!;
    expect(make).toContain('TABLE Oak table');
    expect(make).toContain('Make');
    expect(make).toContain('2 pc');
    expect(make).toContain('04/10/2026');
    expect(make).toContain('04/08/2026');
    expect(make).toContain('SO/00042');
    expect(make).toContain('Open');
    expect(make).toContain('Late');
    const buy = row('LEG').textContent!;
    expect(buy).toContain('Buy');
    expect(buy).toContain('8 pc');
    expect(buy).toContain('Timber Ltd');
    expect(buy).toContain('for TABLE');
    expect(screen.getByTestId('planning-late').textContent).toContain('1 proposal is late');
    await fireEvent.click(screen.getByTestId('planning-kind-purchase'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].textContent).toContain('LEG');
    await fireEvent.click(screen.getByTestId('planning-state-all'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('planning-state-confirmed'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0].textContent).toContain('TOP');
    await fireEvent.click(screen.getByTestId('planning-kind-produce'));
    await waitFor(() => expect(screen.getByTestId('grid-empty').textContent).toBe('No proposals here.'));
  });

  it('Enter opens the proposal below the grid: its netting and the demands it covers, each a link', async () => {
    backend();
    mount();
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getByTestId('planning-detail').textContent).toContain('press Enter');
    await fireEvent.click(row('TABLE'));
    await key('Enter');
    const detail = screen.getByTestId('planning-detail');
    await waitFor(() => expect(detail.textContent).toContain('Make 2 pc · TABLE Oak table'));
    // 1 on hand, 3 demanded: −2 projected, 2 proposed.
    const netting = screen.getByTestId('planning-netting').textContent!;
    expect(netting).toContain('On hand1');
    expect(netting).toContain('Demand3');
    expect(netting).toContain('Projected-2');
    const pegs = within(screen.getByTestId('planning-pegs'));
    expect(pegs.getByText('Sales order')).toBeTruthy();
    expect(screen.getByTestId('planning-pegs').textContent).toContain('3 pc');
    // The leg's demand is the table proposal's: its link opens that proposal.
    await key('ArrowDown');
    await key('Enter');
    await waitFor(() => expect(detail.textContent).toContain('Buy 8 pc · LEG Table leg'));
    expect(detail.textContent).toContain('Component of');
    await fireEvent.click(within(screen.getByTestId('planning-pegs')).getByText('Make 2 pc TABLE'));
    await waitFor(() => expect(detail.textContent).toContain('Make 2 pc · TABLE Oak table'));
    // The sales order opens on its screen.
    await fireEvent.click(within(screen.getByTestId('planning-pegs')).getByText('SO/00042'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'sales-orders', id: 42 }));
  });

  it('Space ticks proposals; the quantity and a purchase’s supplier can change; Confirm asks, sends the choices and lists the orders made', async () => {
    backend({
      'partner.list': () => ({ items: [{ id: 31, name: 'Oak & Co', code: 'S031' }], total: 1, next: null }),
      'partner.get': () => ({ id: 30, name: 'Timber Ltd' }),
      'planning.confirm': () =>
        planningRun({
          proposals: [
            proposal({ state: 'confirmed', production_order_id: 7, production_order_number: 'MO/00007' }),
            buyProposal({ state: 'confirmed', purchase_order_id: 70, purchase_order_number: null }),
          ],
        }),
    });
    mount();
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(row('TABLE'));
    await key(' ');
    await key('Enter');
    await waitFor(() => expect(screen.getByLabelText('Quantity to make')).toBeTruthy());
    await fireEvent.input(screen.getByLabelText('Quantity to make'), { target: { value: '3' } });
    await waitFor(() => expect(row('TABLE').textContent).toContain('3 pc'));
    expect(row('TABLE').querySelector('.edited')).toBeTruthy();
    await key('ArrowDown');
    await key(' ');
    await key('Enter');
    await waitFor(() => expect(screen.getByTestId('planning-detail').textContent).toContain('LEG'));
    const u = userEvent.setup();
    await u.click(screen.getByLabelText(/^Supplier/));
    await u.keyboard('{Control>}a{/Control}Oak');
    await waitFor(() => expect(screen.getAllByTestId('picker-option')).toHaveLength(1));
    await u.keyboard('{Enter}');
    await waitFor(() => expect(row('LEG').textContent).toContain('Oak & Co'));
    expect(screen.getByTestId('planning-selected').textContent).toBe('2 open proposals ticked');
    await fireEvent.click(screen.getByTestId('planning-confirm'));
    await waitFor(() => expect(screen.getByTestId('confirm').textContent).toContain('1 confirmed production order is created'));
    expect(screen.getByTestId('confirm').textContent).toContain('1 product goes onto a draft purchase order');
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('planning-made')).toBeTruthy());
    expect(argsOf('planning.confirm')).toEqual([{ run_id: 5, proposals: [{ id: 1, quantity: '3' }, { id: 2, supplier_id: 31 }] }]);
    const made = screen.getByTestId('planning-made');
    expect(made.textContent).toContain('Made 1 production order and 1 purchase order');
    expect(made.textContent).toContain('Oak & Co');
    expect(screen.getByTestId('planning-made-po').textContent).toBe('Draft purchase order');
    expect(screen.getByTestId('planning-selected').textContent).toBe('No open proposal ticked');
    // Confirmed proposals leave the open ones.
    await waitFor(() => expect(rows()).toHaveLength(0));
    await fireEvent.click(screen.getByTestId('planning-made-mo'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'production-orders', id: 7 }));
  });

  it('Mod+Enter confirms the ticked proposals; a quantity the core refuses shows on its proposal', async () => {
    backend({
      'planning.confirm': () => {
        throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'proposals.0.quantity', code: 'not_positive', message: 'must be positive', params: {} }] } as never);
      },
    });
    mount();
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(row('TABLE'));
    await key(' ');
    await fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('confirm-ok')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('planning-message').textContent).toBe('TABLE: Must be greater than zero.'));
    // The proposal opens with the error beside its quantity.
    expect(screen.getByTestId('planning-detail').textContent).toContain('Must be greater than zero.');
    expect(row('TABLE').querySelector('.bad')).toBeTruthy();
  });

  it('Dismiss sets the ticked proposals aside', async () => {
    backend({ 'planning.dismiss': () => planningRun({ proposals: [proposal(), buyProposal({ state: 'dismissed' })] }) });
    mount();
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(row('LEG').querySelector('[data-testid=grid-select]')!);
    await fireEvent.click(screen.getByTestId('planning-dismiss'));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(argsOf('planning.dismiss')).toEqual([{ run_id: 5, ids: [2] }]);
  });

  it('a viewer sees the run but cannot run, tick or confirm', async () => {
    member('production.view_production');
    backend();
    mount();
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.queryByTestId('planning-run')).toBeNull();
    expect(screen.queryByTestId('planning-confirm')).toBeNull();
    expect(screen.queryByTestId('planning-dismiss')).toBeNull();
    expect(screen.queryAllByTestId('grid-select')).toHaveLength(0);
    await fireEvent.click(row('TABLE'));
    await key('Enter');
    await waitFor(() => expect(screen.getByTestId('planning-pegs')).toBeTruthy());
    expect(screen.queryByLabelText('Quantity to make')).toBeNull();
    // Without the sales right, the order is named but not a link.
    expect(screen.queryByTestId('planning-peg-link')).toBeNull();
  });

  it('buying without the purchasing right: the screen warns, and the core’s refusal reads the same', async () => {
    member('production.view_production', 'production.manage_orders');
    backend({
      'planning.confirm': () => {
        throw new ApiError({ code: 'forbidden', reason: 'forbidden', params: { command: 'purchase.create_order' }, message: 'x', fields: [] } as never);
      },
    });
    mount();
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(row('LEG').querySelector('[data-testid=grid-select]')!);
    const warning = 'Buying needs the right to create purchase orders, which your role does not have: confirm the proposals to make only, or ask a buyer.';
    await waitFor(() => expect(screen.getByTestId('planning-no-buy').textContent).toBe(warning));
    await fireEvent.click(screen.getByTestId('planning-confirm'));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('planning-message').textContent).toBe(warning));
  });

  it('speaks German', async () => {
    i18n.set('de');
    backend();
    mount();
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(row('TABLE').textContent).toContain('Fertigen');
    expect(row('LEG').textContent).toContain('Kaufen');
    expect(screen.getByTestId('planning-confirm').textContent).toContain('Markierte bestätigen (0)');
  });
});

describe('planning arithmetic', () => {
  it('sends only what changed, makes first; maps the core’s errors back to proposals; lists each order made once', () => {
    const run = planningRun({ proposals: [buyProposal(), proposal({ id: 1 }), buyProposal({ id: 3, state: 'dismissed' })] });
    const { args, order } = confirmArgs(run, [2, 1, 3], { 1: { quantity: '2.000' }, 2: { quantity: '10', supplier_id: 30 } }, 4);
    expect(args).toEqual({ run_id: 5, proposals: [{ id: 1 }, { id: 2, quantity: '10' }], warehouse_id: 4 });
    expect(order).toEqual([1, 2]);
    expect(errorsByProposal({ 'proposals.1.supplier_id': 'Required.', warehouse_id: 'Required.' }, order)).toEqual({ byProposal: { 2: { supplier_id: 'Required.' } }, general: ['Required.'] });
    expect(errorsByProposal({ 'ids.0': 'Invalid.' }, [9]).byProposal).toEqual({ 9: { id: 'Invalid.' } });
    const done = planningRun({
      proposals: [
        proposal({ state: 'confirmed', production_order_id: 7, production_order_number: 'MO/00007' }),
        buyProposal({ state: 'confirmed', purchase_order_id: 70 }),
        buyProposal({ id: 3, sku: 'TOP', state: 'confirmed', purchase_order_id: 70 }),
      ],
    });
    expect(madeOrders(done, [1, 2, 3])).toEqual({
      production: [{ id: 7, number: 'MO/00007', label: 'TABLE Oak table', count: 1 }],
      purchase: [{ id: 70, number: null, label: 'Timber Ltd', count: 2 }],
    });
    expect(projected(proposal({ on_hand: '1.5', incoming: '2', demand: '5' }))).toBe('-1.5');
    expect(peg().reference).toBe('SO/00042');
  });
});
