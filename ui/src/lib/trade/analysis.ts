// The trade reports' and price lists' logic, apart from their screens: the args a form
// sends (analysis, open lines, price lists, supplier prices) and the one rule the client
// checks before the core does (a price-list item has a price or a discount, never both).
// Figures stay decimal strings from the backend; nothing here does arithmetic on them.
import type { OpenWork, PriceList, PriceListInput, SupplierPrice, SupplierPriceInput, TradeGroupBy, TradeReportArgs } from '../api';
import type { Range } from '../reports/reports';

export const TRADE_GROUP_BYS: TradeGroupBy[] = ['product', 'partner', 'category', 'month'];
export const OPEN_WORKS: OpenWork[] = ['to_deliver', 'to_invoice'];

export interface AnalysisForm {
  range: Range;
  group: TradeGroupBy;
  partner: number | null;
}

/** `sales.report` / `purchase.report` (and their `report.table`/`report.export`) args. */
export function analysisArgs(f: AnalysisForm): TradeReportArgs {
  return { from: f.range.from, to: f.range.to, group_by: f.group, ...(f.partner == null ? {} : { partner_id: f.partner }) };
}

/** `*.open_lines` args. */
export function openLinesArgs(what: OpenWork, partner: number | null): { what: OpenWork; partner_id?: number } {
  return { what, ...(partner == null ? {} : { partner_id: partner }) };
}

export interface ItemDraft {
  product_id: number | null;
  min_quantity: string;
  price: string;
  discount: string;
}

export interface PriceListDraft {
  name: string;
  currency: string;
  valid_from: string;
  valid_to: string;
  partner_ids: number[];
  items: ItemDraft[];
}

export const blankItem = (): ItemDraft => ({ product_id: null, min_quantity: '', price: '', discount: '' });
export const blankPriceList = (): PriceListDraft => ({ name: '', currency: '', valid_from: '', valid_to: '', partner_ids: [], items: [blankItem()] });

export function priceListDraft(p: PriceList): PriceListDraft {
  return {
    name: p.name,
    currency: p.currency,
    valid_from: p.valid_from ?? '',
    valid_to: p.valid_to ?? '',
    partner_ids: [...p.partner_ids],
    items: p.items.map((i) => ({ product_id: i.product_id, min_quantity: i.min_quantity, price: i.price ?? '', discount: i.discount ?? '' })),
  };
}

const filled = (s: string) => s.trim() !== '';
/** A row the user left untouched: not sent, not checked. */
const emptyItem = (i: ItemDraft) => i.product_id == null && !filled(i.min_quantity) && !filled(i.price) && !filled(i.discount);

/**
 * What is wrong with the items before sending, by field path (`items.N.price`): a product
 * is needed, and exactly one of price and discount. Indexes are those of the sent items.
 */
export function itemProblems(items: ItemDraft[]): Record<string, 'product' | 'one_of' | 'both'> {
  const out: Record<string, 'product' | 'one_of' | 'both'> = {};
  items.filter((i) => !emptyItem(i)).forEach((i, n) => {
    if (i.product_id == null) out[`items.${n}.product_id`] = 'product';
    const p = filled(i.price);
    const d = filled(i.discount);
    if (p && d) out[`items.${n}.price`] = 'both';
    else if (!p && !d) out[`items.${n}.price`] = 'one_of';
  });
  return out;
}

/** The draft as `PriceListInput`: blank optional fields left out, untouched rows dropped. */
export function priceListArgs(d: PriceListDraft): PriceListInput {
  return {
    name: d.name.trim(),
    ...(filled(d.currency) ? { currency: d.currency.trim().toUpperCase() } : {}),
    ...(filled(d.valid_from) ? { valid_from: d.valid_from } : {}),
    ...(filled(d.valid_to) ? { valid_to: d.valid_to } : {}),
    partner_ids: [...d.partner_ids],
    items: d.items.filter((i) => !emptyItem(i)).map((i) => ({
      product_id: i.product_id as number,
      ...(filled(i.min_quantity) ? { min_quantity: i.min_quantity.trim() } : {}),
      ...(filled(i.price) ? { price: i.price.trim() } : {}),
      ...(filled(i.discount) ? { discount: i.discount.trim() } : {}),
    })),
  };
}

export interface SupplierPriceDraft {
  partner_id: number | null;
  product_id: number | null;
  supplier_code: string;
  currency: string;
  min_quantity: string;
  price: string;
  lead_time_days: string;
}

export const blankSupplierPrice = (productId: number | null = null, partnerId: number | null = null): SupplierPriceDraft => ({
  partner_id: partnerId, product_id: productId, supplier_code: '', currency: '', min_quantity: '', price: '', lead_time_days: '',
});

export function supplierPriceDraft(s: SupplierPrice): SupplierPriceDraft {
  return {
    partner_id: s.partner_id, product_id: s.product_id, supplier_code: s.supplier_code, currency: s.currency,
    min_quantity: s.min_quantity, price: s.price, lead_time_days: String(s.lead_time_days),
  };
}

export function supplierPriceArgs(d: SupplierPriceDraft): SupplierPriceInput {
  return {
    partner_id: d.partner_id as number,
    product_id: d.product_id as number,
    ...(filled(d.supplier_code) ? { supplier_code: d.supplier_code.trim() } : {}),
    ...(filled(d.currency) ? { currency: d.currency.trim().toUpperCase() } : {}),
    ...(filled(d.min_quantity) ? { min_quantity: d.min_quantity.trim() } : {}),
    price: d.price.trim(),
    ...(/^\d+$/.test(d.lead_time_days.trim()) ? { lead_time_days: Number(d.lead_time_days.trim()) } : {}),
  };
}
