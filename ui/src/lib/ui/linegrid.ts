// The pure logic behind LineGrid: exact decimal sums and products (big.js, never a
// float), column totals, the debit/credit balance, cell-to-cell navigation and the
// mapping of backend field errors ("lines.3.quantity") to cells.
import Big from 'big.js';
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

/** A decimal string as a Big; '', null and anything unreadable count as 0. */
export function dec(v: unknown): Big {
  if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v.trim())) return new Big(0);
  return new Big(v.trim());
}

/** Exact sum of decimal strings, with at least `scale` decimals when given. */
export function sum(values: unknown[], scale?: number): string {
  const s = values.reduce<Big>((acc, v) => acc.plus(dec(v)), new Big(0));
  return scale === undefined ? s.toFixed() : s.toFixed(Math.max(scale, decimals(s)));
}
function decimals(b: Big): number {
  const s = b.toFixed();
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

/** a × b exactly, or rounded half-up to `scale` decimals when given. */
export function mul(a: unknown, b: unknown, scale?: number): string {
  const p = dec(a).times(dec(b));
  return scale === undefined ? p.toFixed() : p.round(scale, Big.roundHalfUp).toFixed(scale);
}

/** a − b exactly. */
export function sub(a: unknown, b: unknown): string {
  return dec(a).minus(dec(b)).toFixed();
}

/** quantity × price × (1 − discount%/100), rounded half-up to `scale` (2): a line amount. */
export function lineAmount(quantity: unknown, price: unknown, discountPercent: unknown = '0', scale = 2): string {
  const factor = new Big(1).minus(dec(discountPercent).div(100));
  return dec(quantity).times(dec(price)).times(factor).round(scale, Big.roundHalfUp).toFixed(scale);
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
  const diff = new Big(d).minus(c);
  return { debit: d, credit: c, difference: diff.toFixed(Math.max(scale, decimals(diff))), balanced: diff.eq(0) };
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
