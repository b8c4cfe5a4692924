// The pure logic behind LineGrid: exact decimal sums and products (big.js, never a
// float), column totals, the debit/credit balance, cell-to-cell navigation and the
// mapping of backend field errors ("lines.3.quantity") to cells.
import * as dn from 'dnum';
import type { PickerOption, PickerSearch } from './picker';

export type Line = Record<string, unknown>;
export type ColumnKind = 'text' | 'number' | 'money' | 'picker' | 'unit' | 'percent' | 'readonly';

export interface LineColumn<L extends Line = Line> {
  /** The line's field this column edits (for pickers: the id). */
  key: string;
  label: string;
  kind: ColumnKind;
  /** Shown but never edited (computed columns are read-only anyway). */
  readonly?: boolean;
  width?: string;
  /** number/percent/money: most decimals accepted; money defaults to the currency's. */
  scale?: number;
  min?: string;
  max?: string;
  /** Sum this column in the footer. */
  total?: boolean;
  /** picker/unit: the search (SKU, name, barcode…), done in SQL by the caller. */
  search?: PickerSearch;
  /** picker/unit: the line field holding the picked record's label (shown in the cell). */
  labelKey?: string;
  /** picker/unit: changes to make to the line when a record is picked (price, unit…). */
  onpick?: (line: L, option: PickerOption | null) => Partial<L> | void;
  oncreate?: (text: string) => Promise<PickerOption | null | void> | PickerOption | null | void;
}

// Exact decimals by dnum ([bigint, decimals] pairs and plain functions). Not a class
// library: the desktop shell freezes Object.prototype (Tauri's freezePrototype), and
// libraries that assign toString/valueOf onto their prototypes (big.js, decimal.js)
// then fail to load.
export type Dec = dn.Dnum;
const ZERO: Dec = [0n, 0];

/** A decimal string as an exact decimal; '', null and anything unreadable count as 0. */
export function dec(v: unknown): Dec {
  if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v.trim())) return ZERO;
  return dn.from(v.trim(), true);
}

/** The decimal string of `d`: all its digits, or exactly `scale` decimals (rounded half away from zero). */
export function text(d: Dec, scale?: number): string {
  const [value, decimals] = scale === undefined ? d : dn.setDecimals(d, scale, { rounding: 'ROUND_HALF' });
  const neg = value < 0n;
  const digits = (neg ? -value : value).toString().padStart(decimals + 1, '0');
  let out = decimals ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : digits;
  if (scale === undefined && out.includes('.')) out = out.replace(/\.?0+$/, '');
  return neg && /[1-9]/.test(out) ? `-${out}` : out;
}

/** The decimals `d` needs (trailing zeros dropped). */
function decimals(d: Dec): number {
  const s = text(d);
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

/** Exact sum of decimal strings, with at least `scale` decimals when given. */
export function sum(values: unknown[], scale?: number): string {
  const s = values.reduce<Dec>((acc, v) => {
    const x = dec(v);
    return dn.add(acc, x, Math.max(acc[1], x[1]));
  }, ZERO);
  return scale === undefined ? text(s) : text(s, Math.max(scale, decimals(s)));
}

/** a × b exactly, or rounded half-up to `scale` decimals when given. */
export function mul(a: unknown, b: unknown, scale?: number): string {
  const x = dec(a);
  const y = dec(b);
  const p = dn.multiply(x, y, x[1] + y[1]);
  return scale === undefined ? text(p) : text(p, scale);
}

/** a − b exactly. */
export function sub(a: unknown, b: unknown): string {
  const x = dec(a);
  const y = dec(b);
  return text(dn.subtract(x, y, Math.max(x[1], y[1])));
}

/** quantity × price × (1 − discount%/100), rounded half-up to `scale` (2): a line amount. */
export function lineAmount(quantity: unknown, price: unknown, discountPercent: unknown = '0', scale = 2): string {
  const q = dec(quantity);
  const p = dec(price);
  const d = dec(discountPercent);
  // (100 − discount) / 100 exactly: two more decimals than the discount has.
  const factor = dn.divide(dn.subtract([100n, 0], d, d[1]), [100n, 0], d[1] + 2);
  const gross = dn.multiply(q, p, q[1] + p[1]);
  return text(dn.multiply(gross, factor, gross[1] + factor[1]), scale);
}

/** Each `total` column's exact sum over the lines, keyed by column. */
export function columnTotals<L extends Line>(lines: L[], columns: LineColumn<L>[], valueOf: (line: L, col: LineColumn<L>) => unknown, scaleOf: (col: LineColumn<L>) => number | undefined = (c) => c.scale): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of columns) if (c.total) out[c.key] = sum(lines.map((l) => valueOf(l, c)), scaleOf(c));
  return out;
}

export interface Balance {
  debit: string;
  credit: string;
  /** debit − credit. */
  difference: string;
  balanced: boolean;
}

/** Debit and credit totals of journal lines and whether they balance. */
export function balance<L extends Line>(lines: L[], debitKey: string, creditKey: string, scale = 2): Balance {
  const d = sum(lines.map((l) => l[debitKey]), scale);
  const c = sum(lines.map((l) => l[creditKey]), scale);
  const x = dec(d);
  const y = dec(c);
  const diff = dn.subtract(x, y, Math.max(x[1], y[1]));
  return { debit: d, credit: c, difference: text(diff, Math.max(scale, decimals(diff))), balanced: diff[0] === 0n };
}

export interface Pos {
  row: number;
  col: number;
}
export type Move = 'up' | 'down' | 'left' | 'right' | 'home' | 'end' | 'next' | 'prev';

/**
 * Where the focus goes from `pos` in a grid of `rows` × `cols`. 'next'/'prev' (Tab,
 * Shift+Tab) run along the row and on to the next/previous row, over the cells
 * `stop(col)` accepts (the editable ones), and give null past either end (the focus
 * leaves the grid). Arrows stop at the edges.
 */
export function step(pos: Pos, move: Move, rows: number, cols: number, stop: (col: number) => boolean = () => true): Pos | null {
  const { row, col } = pos;
  switch (move) {
    case 'up': return { row: Math.max(0, row - 1), col };
    case 'down': return { row: Math.min(rows - 1, row + 1), col };
    case 'left': return { row, col: Math.max(0, col - 1) };
    case 'right': return { row, col: Math.min(cols - 1, col + 1) };
    case 'home': return { row, col: 0 };
    case 'end': return { row, col: cols - 1 };
    case 'next':
    case 'prev': {
      const d = move === 'next' ? 1 : -1;
      let i = row * cols + col + d;
      for (; i >= 0 && i < rows * cols; i += d) if (stop(i % cols)) return { row: Math.floor(i / cols), col: i % cols };
      return null;
    }
  }
}

/** A new array with `line` inserted at `at`. */
export function insertAt<L>(lines: L[], at: number, line: L): L[] {
  const i = Math.max(0, Math.min(at, lines.length));
  return [...lines.slice(0, i), line, ...lines.slice(i)];
}

/** A new array without the line at `at`. */
export function removeAt<L>(lines: L[], at: number): L[] {
  return lines.filter((_, i) => i !== at);
}

export interface CellErrors {
  /** By "row.key". */
  cells: Map<string, string>;
  /** Errors about a whole line ("lines.3") or a field no column shows, by row. */
  rows: Map<number, string>;
  count: number;
}

/** The backend's field errors that concern the lines, mapped to cells. */
export function cellErrors(errors: Record<string, string> | undefined, columnKeys: string[], prefix = 'lines'): CellErrors {
  const cells = new Map<string, string>();
  const rows = new Map<number, string>();
  let count = 0;
  for (const [path, msg] of Object.entries(errors ?? {})) {
    const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)(?:\\.(.+))?$`).exec(path);
    if (!m) continue;
    count++;
    const row = +m[1];
    if (m[2] && columnKeys.includes(m[2])) cells.set(`${row}.${m[2]}`, msg);
    else rows.set(row, rows.has(row) ? `${rows.get(row)}; ${msg}` : m[2] ? `${m[2]}: ${msg}` : msg);
  }
  return { cells, rows, count };
}
