// A bill of materials in the editor: the header, the lines grid (components and
// by-products) and the operations grid, to and from what bom.create / bom.update take and
// bom.get returns. Quantities and percentages stay decimal strings end to end. The saved
// cost of a line or an operation is shown only while the row is as it was saved (an edited
// row's cost is known again after saving).
import type { Bom, BomInput, BomLineInput, BomLineKind, BomOperationInput } from '../api';
import { dec } from '../ui/linegrid';

export interface BomLineRow extends Record<string, unknown> {
  kind: BomLineKind;
  kind_label: string;
  product_id: number | null;
  /** "SKU Name", shown in the product cell. */
  product: string;
  quantity: string;
  /** Null: the product's own unit. */
  unit_id: number | null;
  unit: string;
  /** Percent lost in making. */
  scrap: string;
  /** By-products: percent of the order's cost they carry. */
  cost_share: string;
  /** A template's line for some variants only: kept as saved. */
  value_ids: number[];
  /** The saved cost, and the row as it was saved. */
  cost: string;
  saved: string;
}

export interface BomOpRow extends Record<string, unknown> {
  name: string;
  work_centre_id: number | null;
  work_centre: string;
  minutes_per_batch: string;
  minutes_per_unit: string;
  /** '' = the work centre's rate. */
  cost_per_hour: string;
  cost: string;
  saved: string;
}

export interface BomForm {
  product_id: number | null;
  name: string;
  quantity: string;
  /** Null: the product's unit. */
  unit_id: number | null;
  is_default: boolean;
  /** Days from starting an order to its output ('' = none). */
  lead_time_days: string;
  valid_from: string;
  valid_to: string;
  notes: string;
  lines: BomLineRow[];
  operations: BomOpRow[];
}

const lineSig = (l: BomLineRow) => JSON.stringify([l.kind, l.product_id, l.quantity, l.unit_id, l.scrap, l.cost_share]);
const opSig = (o: BomOpRow) => JSON.stringify([o.work_centre_id, o.minutes_per_batch, o.minutes_per_unit, o.cost_per_hour]);

/** What a row's cost cell shows: its saved cost while it is as saved, else nothing. */
export const lineCost = (l: BomLineRow) => (l.saved && l.saved === lineSig(l) ? l.cost : '');
export const opCost = (o: BomOpRow) => (o.saved && o.saved === opSig(o) ? o.cost : '');

/** The empty line waiting at the end of the grid: nothing shown until something is entered in it. */
export function blankLine(): BomLineRow {
  return { kind: 'component', kind_label: '', product_id: null, product: '', quantity: '', unit_id: null, unit: '', scrap: '', cost_share: '', value_ids: [], cost: '', saved: '' };
}

/** What a line starts with once something is entered in it: a component, one of it. */
export function startedLine(l: BomLineRow, componentLabel: string): Partial<BomLineRow> {
  return { kind_label: l.kind_label || componentLabel, quantity: l.quantity.trim() ? l.quantity : '1' };
}

export function blankOp(): BomOpRow {
  return { name: '', work_centre_id: null, work_centre: '', minutes_per_batch: '', minutes_per_unit: '', cost_per_hour: '', cost: '', saved: '' };
}

export function blankBom(productId: number | null = null): BomForm {
  return { product_id: productId, name: '', quantity: '1', unit_id: null, is_default: false, lead_time_days: '', valid_from: '', valid_to: '', notes: '', lines: [], operations: [] };
}

/** Zero percentages and minutes show empty (the grid's "nothing entered"). */
const pct = (v: string) => (dec(v)[0] === 0n ? '' : v);

export function fromBom(b: Bom, kindLabel: (k: BomLineKind) => string): BomForm {
  return {
    product_id: b.product_id, name: b.name, quantity: b.quantity, unit_id: b.unit_id, is_default: b.is_default,
    lead_time_days: b.lead_time_days ? String(b.lead_time_days) : '',
    valid_from: b.valid_from ?? '', valid_to: b.valid_to ?? '', notes: b.notes,
    lines: b.lines.map((l) => {
      const row: BomLineRow = {
        kind: l.kind, kind_label: kindLabel(l.kind), product_id: l.product_id, product: `${l.sku} ${l.name}`.trim(), quantity: l.quantity, unit_id: l.unit_id, unit: l.unit_code,
        scrap: pct(l.scrap), cost_share: pct(l.cost_share), value_ids: l.value_ids, cost: l.cost, saved: '',
      };
      row.saved = lineSig(row);
      return row;
    }),
    operations: b.operations.map((o) => {
      const row: BomOpRow = {
        name: o.name, work_centre_id: o.work_centre_id, work_centre: o.work_centre_code, minutes_per_batch: pct(o.minutes_per_batch), minutes_per_unit: pct(o.minutes_per_unit),
        cost_per_hour: o.own_rate ? o.cost_per_hour : '', cost: o.cost, saved: '',
      };
      row.saved = opSig(row);
      return row;
    }),
  };
}

/** A row with nothing in it (the user cleared it): not sent. */
export const isEmptyLine = (l: BomLineRow) => l.product_id == null && (!l.quantity.trim() || l.quantity.trim() === '1') && !l.scrap.trim() && !l.cost_share.trim();
export const isEmptyOp = (o: BomOpRow) => !o.name.trim() && o.work_centre_id == null && !o.minutes_per_batch.trim() && !o.minutes_per_unit.trim() && !o.cost_per_hour.trim();

export interface BomOutgoing {
  input: BomInput;
  /** For each line and operation sent, the grid row it came from (errors name what was sent). */
  lineRows: number[];
  opRows: number[];
}

/** What bom.create / bom.update take; empty rows are left out. */
export function toInput(f: BomForm, isNew: boolean): BomOutgoing {
  const lineRows: number[] = [];
  const lines: BomLineInput[] = [];
  f.lines.forEach((l, i) => {
    if (isEmptyLine(l)) return;
    lineRows.push(i);
    const x: BomLineInput = { kind: l.kind ?? 'component', product_id: l.product_id ?? 0, quantity: l.quantity.trim() || '0', value_ids: l.value_ids };
    if (l.unit_id != null) x.unit_id = l.unit_id;
    if (l.scrap.trim()) x.scrap = l.scrap.trim();
    if (l.kind === 'byproduct' && l.cost_share.trim()) x.cost_share = l.cost_share.trim();
    lines.push(x);
  });
  const opRows: number[] = [];
  const operations: BomOperationInput[] = [];
  f.operations.forEach((o, i) => {
    if (isEmptyOp(o)) return;
    opRows.push(i);
    const x: BomOperationInput = { name: o.name.trim(), work_centre_id: o.work_centre_id ?? 0 };
    if (o.minutes_per_batch.trim()) x.minutes_per_batch = o.minutes_per_batch.trim();
    if (o.minutes_per_unit.trim()) x.minutes_per_unit = o.minutes_per_unit.trim();
    if (o.cost_per_hour.trim()) x.cost_per_hour = o.cost_per_hour.trim();
    operations.push(x);
  });
  const input: BomInput = { product_id: f.product_id ?? 0, name: f.name.trim(), quantity: f.quantity.trim() || '0', notes: f.notes.trim(), lines, operations };
  if (f.unit_id != null) input.unit_id = f.unit_id;
  // A new BOM left unticked takes the core's default (the product's first BOM is its default).
  if (!isNew || f.is_default) input.is_default = f.is_default;
  if (f.valid_from) input.valid_from = f.valid_from;
  if (f.valid_to) input.valid_to = f.valid_to;
  if (f.lead_time_days.trim()) input.lead_time_days = Number(f.lead_time_days.trim());
  else if (!isNew) input.lead_time_days = 0;
  return { input, lineRows, opRows };
}

/**
 * The core's field errors on the grids' rows: `bom.` (an update's prefix) dropped, and
 * `lines.N…` / `operations.N…` renumbered from what was sent to the grid row it came from.
 */
export function remapErrors(errors: Record<string, string>, lineRows: number[], opRows: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k0, v] of Object.entries(errors)) {
    const k = k0.startsWith('bom.') ? k0.slice(4) : k0;
    const m = /^(lines|operations)\.(\d+)(\..*)?$/.exec(k);
    const rows = m?.[1] === 'lines' ? lineRows : opRows;
    if (m && rows[+m[2]] !== undefined) out[`${m[1]}.${rows[+m[2]]}${m[3] ?? ''}`] = v;
    else out[k] = v;
  }
  return out;
}
