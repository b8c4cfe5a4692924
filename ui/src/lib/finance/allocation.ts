// A payment's allocation over the partner's open items, apart from the screens: which
// items a payment can pay (money in pays what the partner owes, money out what is owed to
// them), the proposal (oldest due first, up to the amount, never above what is open), the
// totals and what stays as the partner's credit. Amounts are decimal strings summed
// exactly (dnum); the core checks everything again.
import * as dn from 'dnum';
import type { Direction, ItemAmount, OpenItem } from '../api';
import { dec, mul, sub, sum, text } from '../ui/linegrid';

/** One row of the allocation grid: an open item and what to apply to it. */
export interface AllocRow extends Record<string, unknown> {
  item_id: number;
  document: string;
  kind: string;
  date: string;
  due_date: string;
  /** What is open on the item, positive, in its currency. */
  open: string;
  /** What to apply ('' or '0' for nothing), positive. */
  amount: string;
}

/** A decimal string or an exact decimal already, as an exact decimal. */
const num = (v: unknown): dn.Dnum => (Array.isArray(v) ? (v as unknown as dn.Dnum) : dec(v));
const isZero = (v: unknown) => num(v)[0] === 0n;
const isNeg = (v: unknown) => num(v)[0] < 0n;
const gt = (a: unknown, b: unknown) => dn.greaterThan(num(a), num(b));
const min = (a: unknown, b: unknown) => (gt(a, b) ? num(b) : num(a));
const abs = (v: string) => (isNeg(v) ? v.trim().slice(1) : v.trim());

/** The items a payment in `direction` settles: open > 0 for money in, open < 0 for money out. */
export function payable(items: OpenItem[], direction: Direction): OpenItem[] {
  return items.filter((i) => !isZero(i.open_amount) && isNeg(i.open_amount) === (direction === 'out'));
}

/** Oldest due first, then oldest, then first entered: the order the core also uses. */
export function byDue<T extends { due_date: string; date: string }>(rows: T[], id: (r: T) => number): T[] {
  return [...rows].sort((a, b) => a.due_date.localeCompare(b.due_date) || a.date.localeCompare(b.date) || id(a) - id(b));
}

/** `v` with the currency's decimals (a stored amount carries four). */
export function money(v: string, scale = 2): string {
  const d = num(v);
  return d[1] > scale ? text(d) : text(d, scale);
}

/** The grid's rows for the items a payment in `direction` can pay, nothing applied yet. */
export function rowsFor(items: OpenItem[], direction: Direction, scale = 2): AllocRow[] {
  return byDue(payable(items, direction), (i) => i.id).map((i) => ({
    item_id: i.id, document: i.document, kind: i.kind, date: i.date, due_date: i.due_date, open: money(abs(i.open_amount), scale), amount: '',
  }));
}

/**
 * The proposal: `amount` applied to the rows oldest due first, each at most its open
 * amount, until the amount is used up; the rest get nothing. `scale`: the currency's decimals.
 * `first` (an invoice being paid) is served before the others.
 */
export function propose(rows: AllocRow[], amount: string, scale = 2, first?: number): AllocRow[] {
  let left = isNeg(amount) ? dec('0') : dec(amount);
  const order = byDue(rows, (r) => r.item_id);
  if (first != null) order.sort((a, b) => Number(b.item_id === first) - Number(a.item_id === first));
  const take = new Map<number, string>();
  for (const r of order) {
    if (left[0] === 0n) break;
    const x = min(left, r.open);
    if (x[0] <= 0n) continue;
    take.set(r.item_id, text(x, scale));
    left = dn.subtract(left, x, Math.max(left[1], x[1]));
  }
  return rows.map((r) => ({ ...r, amount: take.get(r.item_id) ?? '' }));
}

/** Nothing applied to any row. */
export function clear(rows: AllocRow[]): AllocRow[] {
  return rows.map((r) => ({ ...r, amount: '' }));
}

/** The total applied. */
export function allocated(rows: AllocRow[], scale = 2): string {
  return sum(rows.map((r) => r.amount), scale);
}

/** What the payment leaves unallocated (the partner's credit); negative when over-allocated. */
export function remainder(amount: string, rows: AllocRow[], scale = 2): string {
  return text(dec(sub(amount || '0', allocated(rows, scale))), scale);
}

export interface AllocProblems {
  /** By row index: the amount applied is above what is open. */
  rows: Map<number, 'above_open'>;
  /** More is applied than the payment's amount. */
  over: boolean;
}

/** What is wrong with the allocation before it is sent (the core checks again). */
export function problems(amount: string, rows: AllocRow[], scale = 2): AllocProblems {
  const out: AllocProblems = { rows: new Map(), over: false };
  rows.forEach((r, i) => {
    if (gt(r.amount, r.open)) out.rows.set(i, 'above_open');
  });
  out.over = isNeg(remainder(amount, rows, scale));
  return out;
}

/** The `allocations` arg: the rows with something applied, in the grid's order. */
export function allocationsArg(rows: AllocRow[]): ItemAmount[] {
  return rows.filter((r) => gt(r.amount, '0')).map((r) => ({ item_id: r.item_id, amount: r.amount.trim() }));
}

/**
 * The core's errors on `allocations.N.amount` (N: the position in what was sent) moved to
 * the grid's rows (`rows.M.amount`); other errors stay as they are.
 */
export function remapAllocationErrors(errors: Record<string, string>, rows: AllocRow[]): Record<string, string> {
  const sent = rows.map((r, i) => ({ r, i })).filter(({ r }) => gt(r.amount, '0')).map(({ i }) => i);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    const m = /^allocations\.(\d+)(?:\.(.+))?$/.exec(k);
    const row = m ? sent[Number(m[1])] : undefined;
    if (m && row != null) out[`rows.${row}.${m[2] ?? 'amount'}`] = v;
    else out[k] = v;
  }
  return out;
}

/** An open item's open amount as the company sees it: positive what is owed to the company. */
export function signedTotal(items: OpenItem[], scale = 2): string {
  return sum(items.map((i) => i.open_amount), scale);
}

/** Days from `from` to `to` (ISO dates; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const t = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
  return Math.round((t(to) - t(from)) / 86_400_000);
}

/** The company's early-payment discount terms (finance settings). */
export interface DiscountTerms {
  days: number;
  /** Percent off the invoice total, a decimal string. */
  percent: string;
}

/** Whether the terms allow any discount (days and percent both set). */
export const hasTerms = (t: DiscountTerms | null | undefined): t is DiscountTerms => !!t && t.days > 0 && dec(t.percent)[0] > 0n;

/**
 * The most early-payment discount a payment dated `date` may take on what it allocates, as
 * the core counts it: the terms' percent of each allocated item's whole amount (rounded to
 * the currency), for items dated at most `days` before the payment.
 */
export function discountAllowed(rows: AllocRow[], items: OpenItem[], date: string, terms: DiscountTerms | null | undefined, scale = 2): string {
  if (!hasTerms(terms) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return text(dec('0'), scale);
  const byId = new Map(items.map((i) => [i.id, i]));
  const parts = rows
    .filter((r) => gt(r.amount, '0'))
    .map((r) => byId.get(r.item_id))
    .filter((i): i is OpenItem => !!i && daysBetween(i.date, date) >= 0 && daysBetween(i.date, date) <= terms.days)
    .map((i) => mul(mul(abs(i.amount), terms.percent), '0.01', scale));
  return sum(parts, scale);
}
