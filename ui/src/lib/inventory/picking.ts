// A picking in the editor: the header and the LineGrid's rows, to and from what
// picking.create / picking.update take and picking.get returns. Quantities stay decimal
// strings from end to end; the scanner's "EAN + Enter" adds or counts up a line here.
import type { MoveInput, Picking, PickingInput, PickingKind, PickingState, Product } from '../api';
import { dec, sum } from '../ui/linegrid';

export const PICKING_KINDS: PickingKind[] = ['receipt', 'delivery', 'internal', 'adjustment', 'scrap'];
export const PICKING_STATES: PickingState[] = ['draft', 'ready', 'done', 'cancelled'];

/** One row of the lines grid. */
export interface PickLine extends Record<string, unknown> {
  product_id: number | null;
  /** "SKU Name", shown in the product cell. */
  product: string;
  quantity: string;
  /** Null: the product's own unit. */
  unit_id: number | null;
  unit: string;
  lot_code: string;
  /** Receipts and gains: cost per unit ('' = the product's average). */
  unit_cost: string;
}

export interface PickingForm {
  kind: PickingKind;
  warehouse_id: number | null;
  /** Null: the kind's default (Suppliers for a receipt, the warehouse's stock…). */
  from_location_id: number | null;
  to_location_id: number | null;
  date: string;
  partner_id: number | null;
  reference: string;
  reason: string;
  lines: PickLine[];
}

export function blankLine(): PickLine {
  return { product_id: null, product: '', quantity: '1', unit_id: null, unit: '', lot_code: '', unit_cost: '' };
}

export function blankPicking(kind: PickingKind, warehouseId: number | null, date: string): PickingForm {
  return { kind, warehouse_id: warehouseId, from_location_id: null, to_location_id: null, date, partner_id: null, reference: '', reason: '', lines: [] };
}

/** Adjustments and scrap say why (the core requires it). */
export const needsReason = (k: PickingKind) => k === 'adjustment' || k === 'scrap';
/** Receipts come from a supplier and deliveries go to a customer. */
export const takesPartner = (k: PickingKind) => k === 'receipt' || k === 'delivery';
/** Where stock enters the company, a cost per unit can be entered. */
export const takesCost = (k: PickingKind) => k === 'receipt' || k === 'adjustment';
/** An internal transfer names where it goes; every other kind has a default destination. */
export const needsDestination = (k: PickingKind) => k === 'internal';

export const productLabel = (p: Pick<Product, 'sku' | 'name'>) => `${p.sku} ${p.name}`.trim();

/**
 * A picking as rows. The core keeps moves, not lines: a kit's line became its
 * components' moves (same `line_no`), so a draft holding a kit shows its components,
 * one row per move, and saving sends them as such (the same stock movement).
 */
export function fromPicking(p: Picking): PickingForm {
  return {
    kind: p.kind, warehouse_id: p.warehouse_id, from_location_id: p.from_location_id, to_location_id: p.to_location_id, date: p.date,
    partner_id: p.partner_id, reference: p.reference, reason: p.reason,
    lines: p.moves.map((m) => ({
      product_id: m.product_id, product: m.sku, quantity: m.entered_quantity, unit_id: m.entered_unit_id, unit: m.entered_unit_code,
      lot_code: m.lot_code ?? '', unit_cost: m.unit_cost ?? '',
    })),
  };
}

/** A row with nothing in it (the user cleared it): not sent. */
export function isEmptyLine(l: PickLine): boolean {
  return l.product_id == null && !l.lot_code.trim() && (dec(l.quantity)[0] === 0n || l.quantity.trim() === '1') && !l.unit_cost.trim();
}

export interface Outgoing {
  input: PickingInput;
  /** For each line sent, the grid row it came from (errors name the line sent). */
  rows: number[];
}

/** What picking.create / picking.update take; empty rows are left out. */
export function toInput(f: PickingForm): Outgoing {
  const rows: number[] = [];
  const lines: MoveInput[] = [];
  f.lines.forEach((l, i) => {
    if (isEmptyLine(l)) return;
    rows.push(i);
    const m: MoveInput = { product_id: l.product_id ?? 0, quantity: l.quantity.trim() || '0' };
    if (l.unit_id != null) m.unit_id = l.unit_id;
    if (l.lot_code.trim()) m.lot_code = l.lot_code.trim();
    if (takesCost(f.kind) && l.unit_cost.trim()) m.unit_cost = l.unit_cost.trim();
    lines.push(m);
  });
  const input: PickingInput = { kind: f.kind, warehouse_id: f.warehouse_id ?? 0, date: f.date, lines };
  if (f.from_location_id != null) input.from_location_id = f.from_location_id;
  if (f.to_location_id != null) input.to_location_id = f.to_location_id;
  if (takesPartner(f.kind) && f.partner_id != null) input.partner_id = f.partner_id;
  if (f.reference.trim()) input.reference = f.reference.trim();
  if (needsReason(f.kind)) input.reason = f.reason.trim();
  return { input, rows };
}

/** The core's field errors with `lines.N…` renumbered from the line sent to the grid row it came from. */
export function remapLineErrors(errors: Record<string, string>, rows: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    const m = /^lines\.(\d+)(\..*)?$/.exec(k);
    if (m && rows[+m[1]] !== undefined) out[`lines.${rows[+m[1]]}${m[2] ?? ''}`] = v;
    else out[k] = v;
  }
  return out;
}

/**
 * The product a scanned (or typed) code stands for among the catalog's hits: the one whose
 * barcode or SKU is exactly the code, else the only hit; none when it is ambiguous.
 */
export function matchScan<P extends Pick<Product, 'sku' | 'barcode'>>(code: string, hits: P[]): P | null {
  const c = code.trim();
  if (!c) return null;
  const exact = hits.filter((p) => p.barcode === c || p.sku.toLowerCase() === c.toLowerCase());
  if (exact.length === 1) return exact[0];
  if (exact.length > 1) return exact.find((p) => p.barcode === c) ?? null;
  return hits.length === 1 ? hits[0] : null;
}

/**
 * The lines after scanning one unit of `product`: the last line of that product without a
 * lot counts up by one, else a new line with quantity 1 goes at the end (a blank trailing
 * row the user left is reused). Returns the lines and the row that changed.
 */
export function addScanned(lines: PickLine[], product: Pick<Product, 'id' | 'sku' | 'name' | 'unit_code'>): { lines: PickLine[]; row: number } {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if (l.product_id === product.id && !l.lot_code.trim()) {
      const next = [...lines];
      next[i] = { ...l, quantity: sum([l.quantity, '1']) };
      return { lines: next, row: i };
    }
  }
  const line: PickLine = { ...blankLine(), product_id: product.id, product: productLabel(product), unit: product.unit_code };
  const last = lines.length - 1;
  if (last >= 0 && lines[last].product_id == null) {
    const next = [...lines];
    next[last] = line;
    return { lines: next, row: last };
  }
  return { lines: [...lines, line], row: lines.length };
}

/** Which actions a picking in `state` offers (the core's transitions). */
export function actionsFor(state: PickingState | null): { confirm: boolean; done: boolean; cancel: boolean; remove: boolean; edit: boolean } {
  return {
    edit: state == null || state === 'draft',
    // A new picking is a draft not saved yet: Confirm and Done save it first.
    confirm: state == null || state === 'draft',
    done: state == null || state === 'draft' || state === 'ready',
    cancel: state === 'draft' || state === 'ready',
    remove: state === 'draft',
  };
}
