// The transfer wizard's data: where from, where to, what; checked step by step before the
// internal transfer picking is created (the core checks again, and has the last word on
// stock: its refusal shows on the line's quantity).
import type { Location, PickingInput } from '../api';
import { dec } from '../ui/linegrid';
import type { MessageKey } from '../i18n/index.svelte';
import { blankLine, isEmptyLine, type PickLine } from './picking';

export interface TransferForm {
  from_location_id: number | null;
  to_location_id: number | null;
  date: string;
  reference: string;
  lines: PickLine[];
  /** Mark the transfer done at once (otherwise it stays a draft to confirm later). */
  done: boolean;
  /** Between warehouses: ship through transit now, receive at the destination on arrival. */
  transit: boolean;
}

export function blankTransfer(date: string): TransferForm {
  return { from_location_id: null, to_location_id: null, date, reference: '', lines: [], done: true, transit: false };
}

/** Message keys (in the `inventory` namespace) per field; empty when the step may go on. */
export type Problems = Record<string, MessageKey>;

/** Step 1: two different internal locations. */
export function checkPlaces(f: TransferForm, locations: Location[]): Problems {
  const out: Problems = {};
  const internal = (id: number | null) => id != null && locations.some((l) => l.id === id && l.kind === 'internal' && !l.archived);
  if (f.from_location_id == null) out.from_location_id = 'inventory.transfer.need_from';
  else if (!internal(f.from_location_id)) out.from_location_id = 'inventory.transfer.not_internal';
  if (f.to_location_id == null) out.to_location_id = 'inventory.transfer.need_to';
  else if (!internal(f.to_location_id)) out.to_location_id = 'inventory.transfer.not_internal';
  else if (f.to_location_id === f.from_location_id) out.to_location_id = 'inventory.transfer.same_place';
  if (!f.date) out.date = 'inventory.transfer.need_date';
  return out;
}

/** Step 2: at least one line; each names a product and a quantity above zero. */
export function checkLines(f: TransferForm): Problems {
  const out: Problems = {};
  const lines = f.lines.filter((l) => !isEmptyLine(l));
  if (!lines.length) out.lines = 'inventory.transfer.need_lines';
  f.lines.forEach((l, i) => {
    if (isEmptyLine(l)) return;
    if (l.product_id == null) out[`lines.${i}.product_id`] = 'inventory.transfer.need_product';
    const q = dec(l.quantity);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(l.quantity) || q[0] <= 0n) out[`lines.${i}.quantity`] = 'inventory.transfer.need_quantity';
  });
  return out;
}

/** The warehouse the source location belongs to (the picking is numbered in its series). */
export function warehouseOf(locationId: number | null, locations: Location[]): number | null {
  return locations.find((l) => l.id === locationId)?.warehouse_id ?? null;
}

/** Whether the two places are in different warehouses (a transfer may then go through transit). */
export function crossesWarehouses(f: TransferForm, locations: Location[]): boolean {
  const a = warehouseOf(f.from_location_id, locations);
  const b = warehouseOf(f.to_location_id, locations);
  return a != null && b != null && a !== b;
}

/** The internal transfer picking to create, and for each line sent the grid row it came from. */
export function transferInput(f: TransferForm, locations: Location[]): { input: PickingInput; rows: number[] } {
  const rows: number[] = [];
  const lines = f.lines.flatMap((l, i) => {
    if (isEmptyLine(l)) return [];
    rows.push(i);
    return [{ product_id: l.product_id ?? 0, quantity: l.quantity.trim(), ...(l.unit_id != null ? { unit_id: l.unit_id } : {}), ...(l.lot_code.trim() ? { lot_code: l.lot_code.trim() } : {}) }];
  });
  const input: PickingInput = {
    kind: 'internal', warehouse_id: warehouseOf(f.from_location_id, locations) ?? 0, date: f.date, lines,
    from_location_id: f.from_location_id ?? undefined, to_location_id: f.to_location_id ?? undefined,
  };
  if (f.reference.trim()) input.reference = f.reference.trim();
  return { input, rows };
}

export { blankLine };
