// A production order's rules as the UI needs them: which actions its state offers (the
// core's transitions), and the quantities the step dialogs start from — what is left to
// consume, the BOM's share of a quantity produced, the planned minutes of an operation for
// it, the output lots to name. All exact decimal strings (dnum), never floats.
import * as dn from 'dnum';
import type { LotQuantity, OrderOperation, Tracking } from '../api';
import { dec, text } from '../ui/linegrid';
import type { ProductionLine, ProductionOrderDetail } from './types';

export interface OrderActions {
  confirm: boolean;
  remove: boolean;
  consume: boolean;
  produce: boolean;
  finish: boolean;
  cancel: boolean;
  unbuild: boolean;
}

const positive = (v: string) => dec(v)[0] > 0n;

/** What an order in its state offers (orders.rs TRANSITIONS; cancel only before anything was produced). */
export function actionsFor(o: Pick<ProductionOrderDetail, 'state' | 'produced' | 'unbuilt' | 'remaining'> | null): OrderActions {
  const s = o?.state;
  const open = s === 'confirmed' || s === 'in_progress';
  return {
    confirm: s === 'draft',
    remove: s === 'draft',
    consume: open,
    produce: open && positive(o?.remaining ?? '0'),
    finish: open,
    cancel: s === 'draft' || (open && !positive(o?.produced ?? '0')),
    unbuild: s === 'done' && dec(o?.produced)[0] > 0n && dn.greaterThan(dec(o?.produced), dec(o?.unbuilt)),
  };
}

/** a − b, exactly. */
function minus(a: string, b: string): string {
  const x = dec(a);
  const y = dec(b);
  return text(dn.subtract(x, y, Math.max(x[1], y[1])));
}

/** planned × num ÷ den, rounded `rounding` to 4 decimals (the core's quantity scale). */
function share(planned: string, num: string, den: string, rounding: 'ROUND_UP' | 'ROUND_HALF'): string {
  const d = dec(den);
  if (d[0] === 0n) return '0';
  const p = dn.multiply(dec(planned), dec(num), { decimals: 12 });
  return text(dn.divide(p, d, { decimals: 4, rounding }));
}

/** What the order produced so far plus `qty`. */
const after = (o: ProductionOrderDetail, qty: string) => text(dn.add(dec(o.produced), dec(qty), 4));

export const components = (o: ProductionOrderDetail) => o.lines.filter((l) => l.kind === 'component');

/** Each component's planned quantity not yet consumed (positive only): what Consume starts from. */
export function leftToConsume(o: ProductionOrderDetail): { line: ProductionLine; quantity: string }[] {
  return components(o).map((line) => ({ line, quantity: minus(line.planned, line.done) })).filter((x) => positive(x.quantity));
}

/**
 * The BOM's share of each component for the order's output after producing `qty`, less
 * what was consumed already (what the core takes when no consumption is given: rounded up).
 */
export function consumptionFor(o: ProductionOrderDetail, qty: string): { line: ProductionLine; quantity: string }[] {
  const upto = after(o, qty);
  return components(o)
    .map((line) => ({ line, quantity: minus(share(line.planned, upto, o.quantity, 'ROUND_UP'), line.done) }))
    .filter((x) => positive(x.quantity));
}

/** An operation's planned minutes for producing `qty` of the order. */
export const minutesFor = (o: ProductionOrderDetail, op: OrderOperation, qty: string) => share(op.planned_minutes, qty, o.quantity, 'ROUND_HALF');

/** Whether the order's output (or a by-product) needs lots or serials named. */
export const needsLots = (tracking: Tracking) => tracking !== 'none';

/**
 * Output lots to start from for `qty` of the product: one lot for all of it, or one
 * serial per unit (up to 200 rows; a larger or fractional quantity gets one row to edit).
 */
export function lotRows(tracking: Tracking, qty: string): { lot_code: string; quantity: string }[] {
  if (tracking === 'none') return [];
  const q = dec(qty);
  if (tracking === 'serial') {
    const whole = text(q, 0);
    const n = Number(whole);
    if (text(q) === whole && n > 0 && n <= 200) return Array.from({ length: n }, () => ({ lot_code: '', quantity: '1' }));
  }
  return [{ lot_code: '', quantity: positive(qty) ? text(q) : '' }];
}

/** Grid rows with a product, a quantity and a lot code, as the core's `LotQuantity`s (empty rows left out). */
export function toLotQuantities(rows: { product_id: number | null; quantity: string; lot_code: string }[]): { items: LotQuantity[]; rows: number[] } {
  const items: LotQuantity[] = [];
  const kept: number[] = [];
  rows.forEach((r, i) => {
    if (r.product_id == null && !r.lot_code.trim() && !r.quantity.trim()) return;
    kept.push(i);
    const x: LotQuantity = { product_id: r.product_id ?? 0, quantity: r.quantity.trim() || '0' };
    if (r.lot_code.trim()) x.lot_code = r.lot_code.trim();
    items.push(x);
  });
  return { items, rows: kept };
}

/** `prefix.N…` field errors renumbered from what was sent to the grid row it came from. */
export function remapRows(errors: Record<string, string>, prefix: string, rows: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  const re = new RegExp(`^${prefix}\\.(\\d+)(\\..*)?$`);
  for (const [k, v] of Object.entries(errors)) {
    const m = re.exec(k);
    if (m && rows[+m[1]] !== undefined) out[`${prefix}.${rows[+m[1]]}${m[2] ?? ''}`] = v;
    else out[k] = v;
  }
  return out;
}

/** A by-product's planned yield for producing `qty` of the order. */
export const yieldFor = (o: ProductionOrderDetail, line: ProductionLine, qty: string) => share(line.planned, qty, o.quantity, 'ROUND_HALF');
