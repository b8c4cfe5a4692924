// Stock figures for the screens: on-hand rows summed per warehouse (exactly), and the
// columns of a product's movement history.
import type { Location, OnHandRow, Warehouse } from '../api';
import { sum } from '../ui/linegrid';

export interface WarehouseStock {
  warehouse_id: number | null;
  code: string;
  name: string;
  quantity: string;
}

/** On-hand rows summed per warehouse (a row's location tells its warehouse), in warehouse order. */
export function byWarehouse(rows: OnHandRow[], locations: Location[], warehouses: Warehouse[]): WarehouseStock[] {
  const whOf = new Map(locations.map((l) => [l.id, l.warehouse_id]));
  const groups = new Map<number | null, string[]>();
  for (const r of rows) {
    const w = whOf.get(r.location_id) ?? null;
    groups.set(w, [...(groups.get(w) ?? []), r.quantity]);
  }
  const out: WarehouseStock[] = [];
  for (const w of warehouses) if (groups.has(w.id)) out.push({ warehouse_id: w.id, code: w.code, name: w.name, quantity: sum(groups.get(w.id)!) });
  if (groups.has(null)) out.push({ warehouse_id: null, code: '', name: '', quantity: sum(groups.get(null)!) });
  return out;
}
