import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import Boms from './Boms.svelte';
import BomTree from './BomTree.svelte';
import WhereUsed from './WhereUsed.svelte';
import { bomRow } from './fixtures';

const lastArgs = (name: string) => call.mock.calls.filter((c) => c[0] === name).at(-1)?.[1];
const mount = (C: unknown) => render(Host, { props: { component: C as Component<Record<string, unknown>>, props: {} } });

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`boms-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('bills of materials', () => {
  it('lists product, name, output, the default badge and validity; search and the archived toggle become the list args', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'bom.list') return [bomRow(), bomRow({ id: 5, name: 'Old recipe', is_default: false, valid_from: null, valid_to: '2025-12-31', archived: true })];
      if (name === 'preference.get') return null;
      throw new Error(`unexpected ${name}`);
    });
    mount(Boms);
    await waitFor(() => expect(screen.getAllByTestId('grid-row')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('grid-row');
    expect(first.textContent).toContain('TABLE Oak table');
    expect(first.textContent).toContain('Standard');
    expect(first.textContent).toContain('2 pc');
    expect(first.querySelector('.badge.ok')?.textContent).toBe('Default');
    expect(first.textContent).toContain('01/01/2026 – …');
    expect(second.textContent).toContain('… – 12/31/2025');
    expect(second.textContent).toContain('Archived');
    expect(second.querySelector('.badge.ok')).toBeNull();
    expect(lastArgs('bom.list')).toEqual({ limit: expect.any(Number) });

    await fireEvent.click(screen.getByTestId('show-archived'));
    await waitFor(() => expect(lastArgs('bom.list')).toMatchObject({ include_archived: true }));
  });
});

describe('BOM tree', () => {
  it('shows every node indented by level with quantities and costs, folds a sub-assembly, and reloads for a new quantity', async () => {
    await router.go('bom-tree', { id: 20 });
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'catalog.get_product') return { product: { id: 20, sku: 'TABLE', name: 'Oak table', unit_code: 'pc' } };
      if (name === 'bom.explode') {
        const k = Number(args.quantity ?? 1);
        return {
          nodes: [
            { level: 0, parent: null, product_id: 20, sku: 'TABLE', name: 'Oak table', quantity: String(k), unit_code: 'pc', bom_id: 4, unit_cost: '67', cost: String(67 * k), operations_cost: String(25 * k) },
            { level: 1, parent: 0, product_id: 24, sku: 'TOP', name: 'Table top', quantity: String(k), unit_code: 'pc', bom_id: 6, unit_cost: '30', cost: String(30 * k), operations_cost: '0' },
            { level: 2, parent: 1, product_id: 25, sku: 'BOARD', name: 'Oak board', quantity: String(2.1 * k), unit_code: 'm', bom_id: null, unit_cost: '10', cost: String(21 * k), operations_cost: '0' },
            { level: 1, parent: 0, product_id: 21, sku: 'LEG', name: 'Table leg', quantity: String(4 * k), unit_code: 'pc', bom_id: null, unit_cost: '3', cost: String(12 * k), operations_cost: '0' },
          ],
          total_cost: String(67 * k), levels: 3,
        };
      }
      throw new Error(`unexpected ${name}`);
    });
    mount(BomTree);
    await waitFor(() => expect(screen.getAllByTestId('tree-node')).toHaveLength(4));
    const rows = screen.getAllByTestId('tree-node');
    expect(rows.map((r) => r.dataset.level)).toEqual(['0', '1', '2', '1']);
    expect(rows[2].querySelector('td')!.style.paddingLeft).toBe('48px');
    expect(rows[2].textContent).toContain('BOARD Oak board');
    expect(rows[2].textContent).toContain('2.1 m');
    expect(rows[2].textContent).toContain('$21.00');
    expect(rows[0].textContent).toContain('$25.00');
    expect(screen.getByTestId('tree-total').textContent).toBe('Total cost $67.00');
    expect(screen.getByTestId('tree-levels').textContent).toBe('3 levels');
    expect(lastArgs('bom.explode')).toEqual({ product_id: 20, quantity: '1' });

    await fireEvent.click(screen.getByRole('button', { name: 'Fold TOP' }));
    expect(screen.getAllByTestId('tree-node').some((r) => r.textContent!.includes('BOARD'))).toBe(false);
    expect(screen.getAllByTestId('tree-node')).toHaveLength(3);

    await fireEvent.input(screen.getByRole('textbox', { name: 'Quantity' }), { target: { value: '3' } });
    await waitFor(() => expect(lastArgs('bom.explode')).toEqual({ product_id: 20, quantity: '3' }));
    await waitFor(() => expect(screen.getByTestId('tree-total').textContent).toBe('Total cost $201.00'));
  });
});

describe('where used', () => {
  it('lists the BOMs a product goes into, and all levels on request', async () => {
    await router.go('bom-where-used', { id: 21 });
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'catalog.get_product') return { product: { id: 21, sku: 'LEG', name: 'Table leg', unit_code: 'pc' } };
      if (name === 'bom.where_used') {
        const one = { level: 1, bom_id: 4, bom_name: 'Standard', product_id: 20, sku: 'TABLE', name: 'Oak table', component_id: 21, quantity: '8', unit_code: 'pc', kind: 'component', archived: false };
        return args.all_levels ? [one, { ...one, level: 2, bom_id: 9, bom_name: 'Dining set', product_id: 30, sku: 'SET', name: 'Dining set', component_id: 20, quantity: '1' }] : [one];
      }
      throw new Error(`unexpected ${name}`);
    });
    mount(WhereUsed);
    await waitFor(() => expect(screen.getAllByTestId('where-used-row')).toHaveLength(1));
    expect(screen.getAllByTestId('where-used-row')[0].textContent).toContain('TABLE Oak table');
    expect(screen.getAllByTestId('where-used-row')[0].textContent).toContain('8 pc');
    expect(lastArgs('bom.where_used')).toEqual({ product_id: 21 });
    await fireEvent.click(screen.getByTestId('where-used-all'));
    await waitFor(() => expect(screen.getAllByTestId('where-used-row')).toHaveLength(2));
    expect(lastArgs('bom.where_used')).toEqual({ product_id: 21, all_levels: true });
    const second = screen.getAllByTestId('where-used-row')[1];
    expect(second.textContent).toContain('SET Dining set');
    expect(second.querySelector('td')!.style.paddingLeft).toBe('28px');
    await fireEvent.click(screen.getByText('Dining set', { selector: 'a' }));
    await waitFor(() => expect(router.route).toEqual({ screen: 'boms', id: 9 }));
  });
});
