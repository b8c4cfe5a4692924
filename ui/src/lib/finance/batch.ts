// A payment run apart from its screen: the supplier bills due by a date, grouped per
// supplier as `finance.batch_pay` pays them. Each supplier's bills due by the date are
// paid together, less every credit of theirs (debit notes, advances, payments left over);
// a supplier whose credits cover the bills gets no payment. Amounts are decimal strings
// summed exactly; the core counts again when it pays.
import type { OpenItem } from '../api';
import { dec, sum } from '../ui/linegrid';

export interface SupplierDue {
  partner_id: number;
  partner_name: string;
  /** Bills due by the date (open < 0 on the payable side), oldest due first. */
  bills: OpenItem[];
  /** The supplier's credits, set off against the bills. */
  credits: OpenItem[];
  /** What the bills still owe, positive. */
  billed: string;
  /** What the credits hold, positive. */
  credit: string;
  /** billed − credit: the payment's amount (≤ 0: nothing to pay). */
  to_pay: string;
  /** The earliest due date of the bills. */
  oldest_due: string;
}

const neg = (v: string) => dec(v)[0] < 0n;
const pos = (v: string) => dec(v)[0] > 0n;
const abs = (v: string) => v.trim().replace(/^-/, '');

/** The suppliers with bills due by `dueBy` among `items` (payable open items of one currency), by name. */
export function dueBySupplier(items: OpenItem[], dueBy: string, scale = 2): SupplierDue[] {
  const groups = new Map<number, { name: string; bills: OpenItem[]; credits: OpenItem[] }>();
  for (const i of items) {
    if (i.side !== 'payable') continue;
    const bill = neg(i.open_amount);
    if (!bill && !pos(i.open_amount)) continue;
    if (bill && i.due_date > dueBy) continue;
    let g = groups.get(i.partner_id);
    if (!g) groups.set(i.partner_id, (g = { name: i.partner_name, bills: [], credits: [] }));
    (bill ? g.bills : g.credits).push(i);
  }
  const out: SupplierDue[] = [];
  for (const [partner_id, g] of groups) {
    if (!g.bills.length) continue;
    const bills = [...g.bills].sort((a, b) => a.due_date.localeCompare(b.due_date) || a.date.localeCompare(b.date) || a.id - b.id);
    const billed = sum(bills.map((b) => abs(b.open_amount)), scale);
    const credit = sum(g.credits.map((c) => c.open_amount), scale);
    out.push({ partner_id, partner_name: g.name, bills, credits: g.credits, billed, credit, to_pay: sum([billed, `-${credit}`], scale), oldest_due: bills[0].due_date });
  }
  return out.sort((a, b) => a.partner_name.localeCompare(b.partner_name) || a.partner_id - b.partner_id);
}

/** Whether a supplier gets a payment (their credits do not cover the bills). */
export const payable = (s: SupplierDue) => pos(s.to_pay);

/** The total to pay for the chosen suppliers. */
export function totalOf(rows: SupplierDue[], chosen: ReadonlySet<number>, scale = 2): string {
  return sum(rows.filter((r) => chosen.has(r.partner_id) && payable(r)).map((r) => r.to_pay), scale);
}
