import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError, type Product } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import BomEditor from './BomEditor.svelte';
import { centre, savedBom } from './fixtures';

const product = (id: number, sku: string, name: string, unit_code = 'pc') => ({ id, sku, name, unit_code, barcode: null, is_template: false, is_kit: false, kind: 'stockable' }) as unknown as Product;
const PRODUCTS = [product(20, 'TABLE', 'Oak table'), product(21, 'LEG', 'Table leg'), product(24, 'TOP', 'Table top')];

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'work_centre.list') return [centre(), centre({ id: 5, code: 'PNT', name: 'Paint shop', cost_per_hour: '55' })];
    if (name === 'catalog.list_products') {
      const q = String((args.query as { search?: string }).search ?? '').toLowerCase();
      return { items: PRODUCTS.filter((p) => !q || p.sku.toLowerCase().includes(q) || p.name.toLowerCase().includes(q)), total: 3, next_cursor: null };
    }
    if (name === 'catalog.get_product') return { product: PRODUCTS.find((p) => p.id === args.id) };
    throw new Error(`unexpected ${name}`);
  });
}
const LOOKUPS = ['work_centre.list', 'catalog.list_products', 'catalog.get_product'];
const names = () => call.mock.calls.map((c) => c[0]).filter((n) => !LOOKUPS.includes(n));
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
function mount(props: Record<string, unknown>) {
  return render(Host, { props: { component: BomEditor as unknown as Component<Record<string, unknown>>, props: { onclose: () => {}, ...props } } });
}
const ready = () => waitFor(() => expect(screen.getByTestId('bom-editor').querySelector('[data-status="ready"]')).toBeTruthy());
const cell = (grid: string, row: number, key: string) => document.querySelector<HTMLElement>(`[data-testid="${grid}"] [data-row="${row}"][data-key="${key}"]`)!;
const tip = (el: HTMLElement) => document.getElementById(el.getAttribute('aria-describedby')!)!.textContent;

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('BOM editor', () => {
  it('shows the saved BOM with each line’s cost and the roll-up; a changed line hides its stale cost', async () => {
    backend({ 'bom.get': () => savedBom() });
    mount({ id: 4 });
    await ready();
    expect(screen.getByText('BOM TABLE · Standard')).toBeTruthy();
    expect(cell('bom-lines', 0, 'kind').textContent).toContain('Component');
    expect(cell('bom-lines', 0, 'product_id').textContent).toContain('LEG Table leg');
    expect(cell('bom-lines', 0, 'scrap').textContent).toContain('5');
    expect(cell('bom-lines', 0, 'cost').textContent).toContain('84.00');
    expect(cell('bom-lines', 1, 'kind').textContent).toContain('By-product');
    expect(cell('bom-lines', 1, 'cost_share').textContent).toContain('2.5');
    expect(cell('bom-operations', 0, 'work_centre_id').textContent).toContain('ASM');
    expect(cell('bom-operations', 0, 'cost').textContent).toContain('50.00');
    expect(screen.getByTestId('bom-rollup').textContent).toContain('Cost roll-up for 2 pc');
    expect(screen.getByTestId('rollup-components').textContent).toBe('$84.00');
    expect(screen.getByTestId('rollup-operations').textContent).toBe('$50.00');
    expect(screen.getByTestId('rollup-total').textContent).toBe('$134.00');
    expect(screen.getByTestId('rollup-unit').textContent).toBe('$67.00');

    const u = userEvent.setup();
    await u.click(cell('bom-lines', 0, 'quantity'));
    await u.keyboard('9{Enter}');
    await waitFor(() => expect(cell('bom-lines', 0, 'quantity').textContent).toContain('9'));
    expect(cell('bom-lines', 0, 'cost').textContent!.trim()).toBe('');
    expect(screen.getByTestId('bom-rollup').textContent).toContain('As saved');
  });

  it('saves the whole BOM and puts the core’s refusals on their cells: a quantity, a work centre, a cycle naming its path', async () => {
    backend({
      'bom.get': () => savedBom(),
      'bom.update': () => {
        throw new ApiError({
          code: 'validation', message: 'invalid',
          fields: [
            { field: 'bom.lines.1.quantity', code: 'not_positive', message: 'x', params: {} },
            { field: 'bom.operations.0.work_centre_id', code: 'archived', message: 'x', params: {} },
            { field: 'bom.lines.0.product_id', code: 'bom_cycle', message: 'x', params: { cycle: 'TABLE → LEG → TABLE' } },
          ],
        } as never);
      },
    });
    mount({ id: 4 });
    await ready();
    await fireEvent.input(screen.getByLabelText(/^Name/), { target: { value: 'Standard 2026' } });
    await fireEvent.click(screen.getByTestId('bom-editor-save'));
    await waitFor(() => expect(cell('bom-lines', 0, 'product_id').getAttribute('aria-invalid')).toBe('true'));
    expect(tip(cell('bom-lines', 0, 'product_id'))).toBe('Would make a cycle: TABLE → LEG → TABLE.');
    expect(tip(cell('bom-lines', 1, 'quantity'))).toBe('Must be greater than zero.');
    expect(tip(cell('bom-operations', 0, 'work_centre_id'))).toBe('Is archived.');
    const problems = screen.getByTestId('bom-problems').textContent;
    expect(problems).toContain('Line 1: Would make a cycle: TABLE → LEG → TABLE.');
    expect(problems).toContain('Operation 1: Is archived.');
    expect(names()).toEqual(['bom.get', 'bom.update']);
    expect(argsOf('bom.update')[0]).toEqual({
      id: 4,
      bom: {
        product_id: 20, name: 'Standard 2026', quantity: '2', unit_id: 1, notes: '', is_default: true, lead_time_days: 0, valid_from: '2026-01-01',
        lines: [
          { kind: 'component', product_id: 21, quantity: '8', unit_id: 1, scrap: '5', value_ids: [] },
          { kind: 'byproduct', product_id: 22, quantity: '1.5', unit_id: 2, cost_share: '2.5', value_ids: [] },
        ],
        operations: [{ name: 'Assemble', work_centre_id: 3, minutes_per_batch: '15', minutes_per_unit: '30' }],
      },
    });
  });

  it('a new BOM for the filtered product is built with the keyboard: a component picked and counted, an operation at a work centre', async () => {
    let created: Record<string, unknown> | null = null;
    const oncreated = vi.fn();
    backend({
      'bom.create': (a) => {
        created = a;
        return savedBom({ id: 7, name: '', lines: [savedBom().lines[0]], operations: savedBom().operations });
      },
    });
    mount({ id: null, productId: 20, oncreated });
    await ready();
    await waitFor(() => expect((screen.getByLabelText(/^Product made/) as HTMLInputElement).value).toBe('TABLE Oak table'));
    const u = userEvent.setup();
    await u.click(cell('bom-lines', 0, 'product_id'));
    await u.keyboard('LEG');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').map((o) => o.textContent)).toEqual([expect.stringContaining('LEG Table leg')]));
    await u.keyboard('{Enter}');
    await waitFor(() => expect(cell('bom-lines', 0, 'unit_id').textContent).toContain('pc'));
    await u.click(cell('bom-lines', 0, 'quantity'));
    await u.keyboard('4{Enter}');
    await u.click(cell('bom-operations', 0, 'name'));
    await u.keyboard('Assemble{Tab}');
    await u.keyboard('AS');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').map((o) => o.textContent)).toEqual([expect.stringContaining('ASM')]));
    await u.keyboard('{Enter}');
    await u.click(cell('bom-operations', 0, 'minutes_per_unit'));
    await u.keyboard('30{Enter}');
    await fireEvent.click(screen.getByTestId('bom-default'));
    await fireEvent.click(screen.getByTestId('bom-editor-save'));
    await waitFor(() => expect(created).not.toBeNull());
    expect(created).toEqual({
      product_id: 20, name: '', quantity: '1', notes: '', is_default: true,
      lines: [{ kind: 'component', product_id: 21, quantity: '4', value_ids: [] }],
      operations: [{ name: 'Assemble', work_centre_id: 3, minutes_per_unit: '30' }],
    });
    expect(oncreated).toHaveBeenCalledWith(7);
    await waitFor(() => expect(screen.getByTestId('rollup-total').textContent).toBe('$134.00'));
  });

  it('opens the multi-level tree in a dialog, for this BOM', async () => {
    backend({
      'bom.get': () => savedBom(),
      'bom.explode': () => ({ nodes: [{ level: 0, parent: null, product_id: 20, sku: 'TABLE', name: 'Oak table', quantity: '2', unit_code: 'pc', bom_id: 4, unit_cost: '67', cost: '134', operations_cost: '50' }], total_cost: '134', levels: 1 }),
    });
    mount({ id: 4 });
    await ready();
    await fireEvent.click(screen.getByTestId('bom-tree'));
    await waitFor(() => expect(screen.getByTestId('tree-total').textContent).toBe('Total cost $134.00'));
    expect(screen.getByTestId('bom-tree-dialog').textContent).toContain('Tree of TABLE Oak table');
    expect(argsOf('bom.explode')[0]).toEqual({ product_id: 20, quantity: '2', bom_id: 4 });
  });
});
