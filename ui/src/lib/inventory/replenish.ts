// Replenishment and the stock report, apart from their screens: the args each screen
// sends (only what is set), row keys for the report's grid, and the rule editor's draft.
// Quantities stay decimal strings; nothing here does arithmetic on them.
import type { CreateReorderRuleArgs, ReorderRule, StockGroupBy, StockReportArgs, StockReportRow, UpdateReorderRuleArgs } from '../api';

export const GROUP_BYS: StockGroupBy[] = ['product', 'location', 'lot'];

export type ReportFilters = {
  group: StockGroupBy;
  warehouse: number | null;
  location: number | null;
  /** ISO date, '' for now. */
  at: string;
};

/** The stock report's args for the filters and search (the grid adds cursor and limit). */
export function reportArgs(f: ReportFilters, search?: string): StockReportArgs {
  const a: StockReportArgs = { group_by: f.group };
  if (f.warehouse != null) a.warehouse_id = f.warehouse;
  if (f.location != null) a.location_id = f.location;
  if (/^\d{4}-\d{2}-\d{2}$/.test(f.at)) a.at = f.at;
  const s = search?.trim();
  if (s) a.search = s;
  return a;
}

/** A row's identity in the grid: product with its location or lot, as a stable number. */
export function rowKeys(): (r: StockReportRow) => number {
  const seen = new Map<string, number>();
  return (r) => {
    const k = `${r.product_id}|${r.location_id ?? ''}|${r.lot_id ?? ''}`;
    let n = seen.get(k);
    if (n === undefined) {
      n = seen.size + 1;
      seen.set(k, n);
    }
    return n;
  };
}

export interface RuleDraft {
  product_id: number | null;
  warehouse_id: number | null;
  min_qty: string;
  max_qty: string;
  multiple: string;
  supplier_id: number | null;
}

export function blankRule(productId: number | null = null, warehouseId: number | null = null): RuleDraft {
  return { product_id: productId, warehouse_id: warehouseId, min_qty: '0', max_qty: '0', multiple: '1', supplier_id: null };
}

export function ruleDraft(r: ReorderRule): RuleDraft {
  return { product_id: r.product_id, warehouse_id: r.warehouse_id, min_qty: r.min_qty, max_qty: r.max_qty, multiple: r.multiple, supplier_id: r.supplier_id };
}

/** The create args; the core checks and names what is missing (a product, a warehouse). */
export function createArgs(d: RuleDraft): CreateReorderRuleArgs {
  return {
    product_id: d.product_id ?? 0,
    warehouse_id: d.warehouse_id ?? 0,
    min_qty: d.min_qty.trim() || '0',
    max_qty: d.max_qty.trim() || '0',
    multiple: d.multiple.trim() || undefined,
    supplier_id: d.supplier_id ?? undefined,
  };
}

/** The update args: quantities as drafted, the supplier set or cleared (product and warehouse are fixed). */
export function updateArgs(id: number, d: RuleDraft): UpdateReorderRuleArgs {
  return {
    id,
    min_qty: d.min_qty.trim() || '0',
    max_qty: d.max_qty.trim() || '0',
    multiple: d.multiple.trim() || '1',
    ...(d.supplier_id == null ? { clear_supplier: true } : { supplier_id: d.supplier_id }),
  };
}
