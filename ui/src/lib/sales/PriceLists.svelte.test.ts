import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { PriceList } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import PriceLists from './PriceLists.svelte';

const list = (o: Partial<PriceList>): PriceList => ({ id: 1, name: 'Retail', currency: 'EUR', valid_from: null, valid_to: null, partner_ids: [], archived: false, items: [], ...o });
const lastArgs = (name: string) => call.mock.calls.filter((c) => c[0] === name).at(-1)?.[1];

beforeEach(() => {
  call.mockReset();
  i18n.set('en');
  router.reset(`price-lists-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('price lists', () => {
  it('sends the search to the core and shows what it found (no filtering of its own)', async () => {
    call.mockImplementation(async (name: string, args: { search?: string }) => {
      if (name === 'price_list.list') {
        // The core folds case in any script; the screen shows exactly what it returns.
        return args.search ? [list({ id: 2, name: 'Großhandel Winter' })] : [list({ id: 1, name: 'Retail' }), list({ id: 2, name: 'Großhandel Winter' })];
      }
      if (name === 'preference.get') return null;
      throw new Error(`unexpected ${name}`);
    });
    render(PriceLists);
    await waitFor(() => expect(screen.getAllByTestId('grid-row')).toHaveLength(2));
    expect(lastArgs('price_list.list')).toEqual({});
    await fireEvent.input(screen.getByTestId('grid-search'), { target: { value: '  GROẞHANDEL ' } });
    await waitFor(() => expect(lastArgs('price_list.list')).toEqual({ search: 'GROẞHANDEL' }));
    await waitFor(() => expect(screen.getAllByTestId('grid-row')).toHaveLength(1));
    expect(screen.getByTestId('grid-row').textContent).toContain('Großhandel Winter');
    await fireEvent.click(screen.getByTestId('show-archived'));
    await waitFor(() => expect(lastArgs('price_list.list')).toEqual({ search: 'GROẞHANDEL', include_archived: true }));
  });
});
