// A stock count sheet in the UI: the core's lines as LineGrid rows, the counted cells the
// counter changed as the entries count.set_counts takes, a scanned line merged back into
// the sheet, and the sheet's totals. Quantities stay decimal strings from end to end.
import type { CountEntry, CountLine, CountState, Location, StockCount } from '../api';
import type { Tone } from '../ui/StatusBadge.svelte';
import { dec, sum } from '../ui/linegrid';

export const COUNT_STATES: CountState[] = ['in_progress', 'done', 'cancelled'];
export const COUNT_TONES: Record<CountState, Tone> = { in_progress: 'accent', done: 'ok', cancelled: 'danger' };

/** One row of the sheet's grid. `counted` is '' while the line is not counted. */
export interface CountRow extends Record<string, unknown> {
  id: number | null;
  location: string;
  product: string;
  lot: string;
  unit: string;
  expected: string;
  counted: string;
  difference: string;
  value: string;
}

export function toRow(l: CountLine): CountRow {
  return {
    id: l.id, location: l.location, product: `${l.sku} ${l.name}`.trim(), lot: l.lot_code ?? '', unit: l.unit_code,
    expected: l.expected ?? '', counted: l.counted ?? '', difference: l.difference ?? '', value: l.value ?? '',
  };
}

/** A grid row the counter never fills (LineGrid's trailing empty line). */
export function blankRow(): CountRow {
  return { id: null, location: '', product: '', lot: '', unit: '', expected: '', counted: '', difference: '', value: '' };
}

/** The sheet with `updated` lines in place of theirs; new ones (added while counting) at the end. */
export function mergeLines(lines: CountLine[], updated: CountLine[]): CountLine[] {
  const out = [...lines];
  for (const u of updated) {
    const i = out.findIndex((l) => l.id === u.id);
    if (i >= 0) out[i] = u;
    else out.push(u);
  }
  return out;
}

/** Same decimal (2 and 2.00), or both empty. */
const same = (a: string, b: string) => (a.trim() === '' || b.trim() === '' ? a.trim() === b.trim() : dec(a)[0] * 10n ** BigInt(dec(b)[1]) === dec(b)[0] * 10n ** BigInt(dec(a)[1]));

export interface Changes {
  entries: CountEntry[];
  /** For each entry, the grid row it came from (errors name the entry). */
  rows: number[];
}

/**
 * The counted cells the counter changed against the sheet: one entry per line whose count
 * differs (a cleared cell clears the count). Rows the grid added or lost are not entries:
 * the sheet's lines come from the core only.
 */
export function changedCounts(rows: CountRow[], lines: CountLine[]): Changes {
  const byId = new Map(lines.map((l) => [l.id, l]));
  const entries: CountEntry[] = [];
  const at: number[] = [];
  rows.forEach((r, i) => {
    if (r.id == null) return;
    const l = byId.get(r.id);
    if (!l || same(r.counted, l.counted ?? '')) return;
    entries.push({ line_id: r.id, counted: r.counted.trim() === '' ? null : r.counted.trim() });
    at.push(i);
  });
  return { entries, rows: at };
}

/** The core's `entries.N…` errors as `lines.ROW…`, on the grid row entry N came from. */
export function entryErrors(errors: Record<string, string>, rows: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    const m = /^entries\.(\d+)\.(.*)$/.exec(k);
    if (m && rows[+m[1]] !== undefined) out[`lines.${rows[+m[1]]}.${m[2] === 'line_id' ? 'counted' : m[2]}`] = v;
    else out[k] = v;
  }
  return out;
}

/** What a scan sends: one more of the product (or `quantity` more) at the chosen place and lot. */
export function scanEntry(code: string, quantity: string, locationId: number | null, lotCode: string): CountEntry {
  const e: CountEntry = { code: code.trim(), counted: quantity.trim() || '1', add: true };
  if (locationId != null) e.location_id = locationId;
  if (lotCode.trim()) e.lot_code = lotCode.trim();
  return e;
}

export interface SheetTotals {
  lines: number;
  counted: number;
  /** Counted lines that differ (null when hidden). */
  differences: number | null;
  /** The value of the differences (null when hidden or not permitted). */
  value: string | null;
}

export function totals(c: Pick<StockCount, 'hidden'>, lines: CountLine[]): SheetTotals {
  const counted = lines.filter((l) => l.counted != null).length;
  const differences = c.hidden ? null : lines.filter((l) => l.difference != null && dec(l.difference)[0] !== 0n).length;
  const values = lines.map((l) => l.value).filter((v): v is string => v != null);
  return { lines: lines.length, counted, differences, value: c.hidden || !values.length ? null : sum(values) };
}

/** The internal locations a count may count in: its location and the ones under it. */
export function scopeLocations(all: Location[], count: Pick<StockCount, 'location_id' | 'warehouse_id'>): Location[] {
  const root = all.find((l) => l.id === count.location_id);
  if (!root) return [];
  return all.filter((l) => l.kind === 'internal' && !l.archived && l.warehouse_id === count.warehouse_id && (l.id === root.id || l.full_name.startsWith(`${root.full_name}/`)));
}
