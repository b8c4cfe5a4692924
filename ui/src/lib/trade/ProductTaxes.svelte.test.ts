import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import ProductTaxes from './ProductTaxes.svelte';
import { inputVat, vat, vat7 } from './fixtures';

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('product taxes tab', () => {
  it('shows each side’s taxes, and saving sends only the side that changed', async () => {
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'tax.list') return [vat, vat7, inputVat];
      if (name === 'trade.product_taxes') return { product_id: 7, sale: [9], purchase: [11] };
      if (name === 'trade.set_product_taxes') return { product_id: 7, sale: args.tax_ids, purchase: [11] };
      throw new Error(`unexpected ${name}`);
    });
    render(ProductTaxes, { props: { productId: 7 } });
    const sale19 = (await screen.findByTestId('tax-sale-VAT19')) as HTMLInputElement;
    expect(sale19.checked).toBe(true);
    expect((screen.getByTestId('tax-purchase-IN19') as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId('tax-purchase-VAT19')).toBeNull();
    const save = screen.getByTestId('save-product-taxes') as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('tax-sale-VAT7'));
    await waitFor(() => expect(save.disabled).toBe(false));
    await fireEvent.click(save);
    await waitFor(() => expect(save.disabled).toBe(true));
    expect(call.mock.calls.filter((c) => c[0] === 'trade.set_product_taxes').map((c) => c[1])).toEqual([{ product_id: 7, side: 'sale', tax_ids: [9, 10] }]);
  });
});
