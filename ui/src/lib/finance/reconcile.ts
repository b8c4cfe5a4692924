// Bank reconciliation apart from its screen: the keys of the statement-line list (arrows
// move, Enter accepts the line's suggestion, Space ticks a line for a many-to-one match),
// what accepting a suggestion sends, the running difference of a manual match and what a
// manual match sends. Amounts are decimal strings summed exactly.
import type { BankStatementLine, BookLine, CreateFromLine, ItemAmount, OpenItem, PartnerSide, ReconcileArgs, Suggestion } from '../api';
import * as dn from 'dnum';
import { dec, sub, sum, text } from '../ui/linegrid';
import { byDue } from './allocation';
import type { KeyLike } from '../ui/keyboard';

/** A line of a bank statement, as `bank.statement_lines` returns it. */
export type BankLine = BankStatementLine;

export type RecAction = { kind: 'move'; to: number } | { kind: 'accept' } | { kind: 'toggle' } | null;

/** What a key does in the statement-line list of `count` lines with line `index` selected. */
export function recKey(e: KeyLike & { altKey?: boolean }, index: number, count: number): RecAction {
  if (e.ctrlKey || e.metaKey || e.altKey || count === 0) return null;
  const to = (i: number) => ({ kind: 'move' as const, to: Math.max(0, Math.min(count - 1, i)) });
  switch (e.key) {
    case 'ArrowDown':
    case 'j':
      return to(index + 1);
    case 'ArrowUp':
    case 'k':
      return to(index - 1);
    case 'Home':
      return to(0);
    case 'End':
      return to(count - 1);
    case 'PageDown':
      return to(index + 10);
    case 'PageUp':
      return to(index - 10);
    case 'Enter':
      return e.shiftKey ? null : { kind: 'accept' };
    case ' ':
      return { kind: 'toggle' };
    default:
      return null;
  }
}

/** The line to select after the line at `index` was reconciled and the list reloaded with `count` lines: the next one, now in its place. */
export function nextAfter(index: number, count: number): number {
  return count === 0 ? 0 : Math.min(index, count - 1);
}

/** The best suggestion for a line (the core gives at most one per line today; the highest score wins). */
export function suggestionFor(all: Suggestion[], lineId: number | null | undefined): Suggestion | null {
  return all.filter((s) => s.statement_line_id === lineId).sort((a, b) => b.score - a.score)[0] ?? null;
}

/**
 * What accepting a suggestion sends: a `book` one matches its book lines; an `items` one
 * makes a payment of the partner allocated to its items; a `rule` one books an expense
 * or receipt to the rule's account (and tax).
 */
export function acceptArgs(s: Suggestion, bankAccountId: number): ReconcileArgs {
  const base = { bank_account_id: bankAccountId, statement_line_ids: [s.statement_line_id], book_line_ids: [] as number[] };
  switch (s.kind) {
    case 'book':
      return { ...base, book_line_ids: [...s.book_line_ids] };
    case 'items':
      return { ...base, create: { kind: 'payment', partner_side: s.partner_side ?? 'customer', partner_id: s.partner_id ?? 0, items: s.items.map((i) => ({ ...i })) } };
    case 'rule': {
      const create: CreateFromLine = { kind: 'move', account_id: s.account_id ?? 0 };
      if (s.partner_id != null) create.partner_id = s.partner_id;
      if (s.tax_id != null) create.tax_id = s.tax_id;
      return { ...base, create };
    }
  }
}

export interface Picked {
  lines: BankLine[];
  book: BookLine[];
  /** Open items of one partner, with what to apply to each (positive). */
  items: { item: OpenItem; amount: string }[];
}

export interface Running {
  statement: string;
  book: string;
  /** statement − book: what still needs booking (a payment or an expense). */
  rest: string;
  items: string;
  /** rest − items, in the rest's direction: what a payment leaves as the partner's credit. */
  credit: string;
  balanced: boolean;
}

const isZero = (v: string) => dec(v)[0] === 0n;
const abs = (v: string) => (dec(v)[0] < 0n ? v.trim().replace(/^-/, '') : v.trim());

/** The running figures of a manual match. */
export function running(p: Picked, scale = 2): Running {
  const statement = sum(p.lines.map((l) => l.amount), scale);
  const book = sum(p.book.map((b) => b.amount), scale);
  const rest = sub(statement, book);
  const items = sum(p.items.map((i) => i.amount), scale);
  const credit = sum([abs(rest), `-${items}`], scale);
  return { statement, book, rest: sum([rest], scale), items, credit, balanced: isZero(rest) };
}

/** What each picked item takes of the rest: oldest due first, never above its open amount. */
export function spread(rest: string, items: OpenItem[], scale = 2): { item: OpenItem; amount: string }[] {
  let left = dec(abs(rest));
  return byDue(items, (i) => i.id).map((item) => {
    const open = dec(abs(item.open_amount));
    const take = left[0] <= 0n ? dec('0') : dn.lessThan(open, left) ? open : left;
    left = dn.subtract(left, take, Math.max(left[1], take[1]));
    return { item, amount: text(take, scale) };
  });
}

export type ManualProblem = 'no_lines' | 'unbalanced' | 'one_partner' | 'account_required';

export interface ManualChoice {
  /** Book the rest as: nothing (it must balance), a payment to the items' partner, a move to an account. */
  create: 'none' | 'payment' | 'move';
  partnerSide?: PartnerSide;
  partnerId?: number | null;
  accountId?: number | null;
  taxId?: number | null;
  movePartnerId?: number | null;
}

/** What a manual match sends, or why it cannot be sent. */
export function manualArgs(p: Picked, c: ManualChoice, bankAccountId: number, scale = 2): ReconcileArgs | ManualProblem {
  if (!p.lines.length) return 'no_lines';
  const r = running(p, scale);
  const base: ReconcileArgs = { bank_account_id: bankAccountId, statement_line_ids: p.lines.map((l) => l.id), book_line_ids: p.book.map((b) => b.id) };
  if (r.balanced) return base;
  if (c.create === 'payment' || p.items.length) {
    const partners = new Set(p.items.map((i) => i.item.partner_id));
    const partner = p.items[0]?.item.partner_id ?? c.partnerId ?? null;
    if (partners.size > 1 || partner == null) return 'one_partner';
    const side: PartnerSide = p.items[0] ? (p.items[0].item.side === 'receivable' ? 'customer' : 'supplier') : (c.partnerSide ?? 'customer');
    const items: ItemAmount[] = p.items.filter((i) => dec(i.amount)[0] > 0n).map((i) => ({ item_id: i.item.id, amount: i.amount }));
    return { ...base, create: { kind: 'payment', partner_side: side, partner_id: partner, items } };
  }
  if (c.create === 'move') {
    if (c.accountId == null) return 'account_required';
    const create: CreateFromLine = { kind: 'move', account_id: c.accountId };
    if (c.taxId != null) create.tax_id = c.taxId;
    if (c.movePartnerId != null) create.partner_id = c.movePartnerId;
    return { ...base, create };
  }
  return 'unbalanced';
}

/** A statement line's text, for searching and rule patterns. */
export function lineText(l: BankLine): string {
  return [l.counterparty, l.reference, l.description].filter((s) => s.trim()).join(' · ');
}
