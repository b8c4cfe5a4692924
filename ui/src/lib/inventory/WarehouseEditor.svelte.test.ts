import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { Location } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import WarehouseEditor from './WarehouseEditor.svelte';

const warehouse = { id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false };
const loc = (id: number, name: string, o: Partial<Location> = {}): Location => ({ id, kind: 'internal', warehouse_id: 1, parent_id: 10, name, full_name: `WH/Stock/${name}`, depth: 1, archived: false, ...o });

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('warehouse editor', () => {
  it('shows the location tree and adds a location under the one chosen, with the core’s refusal beside it', async () => {
    let tree: Location[] = [loc(10, 'Stock', { parent_id: null, full_name: 'WH/Stock', depth: 0 })];
    let refuse = true;
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'warehouse.get') return warehouse;
      if (name === 'location.list') return tree;
      if (name === 'location.create') {
        if (refuse) throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'name', code: 'duplicate_in_parent', message: 'x', params: {} }] } as never);
        tree = [...tree, loc(11, String(args.name))];
        return tree[1];
      }
      throw new Error(`unexpected ${name}`);
    });
    render(Host, { props: { component: WarehouseEditor as unknown as Component<Record<string, unknown>>, props: { id: 1, onclose: () => {} } } });
    await screen.findByTestId('location-Stock');
    expect(call.mock.calls.find((c) => c[0] === 'location.list')![1]).toEqual({ warehouse_id: 1, include_archived: true });
    await fireEvent.click(screen.getByTestId('location-add'));
    const input = screen.getByTestId('location-name');
    await fireEvent.input(input, { target: { value: 'Shelf A' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByRole('alert').textContent).not.toBe(''));
    expect(screen.queryByTestId('location-Shelf A')).toBeNull();
    refuse = false;
    await fireEvent.keyDown(screen.getByTestId('location-name'), { key: 'Enter' });
    await screen.findByTestId('location-Shelf A');
    expect(call.mock.calls.filter((c) => c[0] === 'location.create').map((c) => c[1])).toEqual([{ parent_id: 10, name: 'Shelf A' }, { parent_id: 10, name: 'Shelf A' }]);
    // The root follows its warehouse: it offers no archive of its own; the shelf does.
    expect(screen.getByTestId('location-Stock').textContent).not.toContain('Archive');
    expect(screen.getByTestId('location-Shelf A').textContent).toContain('Archive');
  });
});
