import { describe, expect, it } from 'vitest';
import { analysisArgs, blankItem, itemProblems, openLinesArgs, priceListArgs, supplierPriceArgs, blankSupplierPrice, type PriceListDraft } from './analysis';

describe('trade report args', () => {
  it('sends the range and grouping, and the partner only when one is chosen', () => {
    expect(analysisArgs({ range: { from: '2026-03-01', to: '2026-03-31' }, group: 'month', partner: null })).toEqual({ from: '2026-03-01', to: '2026-03-31', group_by: 'month' });
    expect(analysisArgs({ range: { from: '2026-03-01', to: '2026-03-31' }, group: 'product', partner: 4 })).toEqual({ from: '2026-03-01', to: '2026-03-31', group_by: 'product', partner_id: 4 });
    expect(openLinesArgs('to_invoice', null)).toEqual({ what: 'to_invoice' });
    expect(openLinesArgs('to_deliver', 3)).toEqual({ what: 'to_deliver', partner_id: 3 });
  });
});

describe('price list items', () => {
  const draft = (items: PriceListDraft['items']): PriceListDraft => ({ name: ' Retail ', currency: 'eur', valid_from: '2026-01-01', valid_to: '', partner_ids: [3, 4], items });

  it('needs exactly one of price and discount, and a product', () => {
    expect(itemProblems([{ product_id: 7, min_quantity: '', price: '10', discount: '' }])).toEqual({});
    expect(itemProblems([{ product_id: 7, min_quantity: '', price: '', discount: '5' }])).toEqual({});
    expect(itemProblems([{ product_id: 7, min_quantity: '10', price: '9', discount: '5' }])).toEqual({ 'items.0.price': 'both' });
    expect(itemProblems([{ product_id: 7, min_quantity: '10', price: ' ', discount: '' }])).toEqual({ 'items.0.price': 'one_of' });
    expect(itemProblems([{ product_id: null, min_quantity: '', price: '3', discount: '' }])).toEqual({ 'items.0.product_id': 'product' });
    // An untouched row is neither checked nor sent.
    expect(itemProblems([blankItem(), { product_id: 7, min_quantity: '', price: '1', discount: '1' }])).toEqual({ 'items.0.price': 'both' });
  });

  it('sends the list with blanks left out and untouched rows dropped', () => {
    expect(priceListArgs(draft([{ product_id: 7, min_quantity: '10', price: '9.50', discount: '' }, { product_id: 8, min_quantity: '', price: '', discount: '5' }, blankItem()]))).toEqual({
      name: 'Retail', currency: 'EUR', valid_from: '2026-01-01', partner_ids: [3, 4],
      items: [{ product_id: 7, min_quantity: '10', price: '9.50' }, { product_id: 8, discount: '5' }],
    });
  });

  it('sends a supplier price with its optional fields only when given', () => {
    expect(supplierPriceArgs({ ...blankSupplierPrice(7, 4), price: '2.10', lead_time_days: '5' })).toEqual({ partner_id: 4, product_id: 7, price: '2.10', lead_time_days: 5 });
  });
});
