// The finance screens' labels of the core's enums and codes, and the tones of their badges.
import type { BankKind, Direction, ItemSide, PartnerSide, PayState, StatementFormat, SuggestionKind } from '../api';
import { hasKey, t } from '../i18n/index.svelte';
import type { Tone } from '../ui/StatusBadge.svelte';

export const PAY_TONES: Record<PayState, Tone> = { unpaid: 'warn', partial: 'accent', paid: 'ok' };
export const payStateLabel = (s: PayState) => t(`finance.pay_state.${s}`);
export const bankKindLabel = (k: BankKind) => t(`finance.bank_kind.${k}`);
export const sideLabel = (s: ItemSide) => t(`finance.side.${s}`);
export const partnerSideLabel = (s: PartnerSide) => t(`finance.partner_side.${s}`);
export const suggestionKindLabel = (k: SuggestionKind) => t(`finance.rec.kind.${k}`);
export const formatLabel = (f: StatementFormat) => t(`finance.import.format.${f}`);

/** "Received from a customer", "Refund to a customer", "Paid to a supplier", "Refund from a supplier". */
export function directionLabel(side: PartnerSide, d: Direction): string {
  return t(`finance.direction.${side}.${d}`);
}

/** The direction a payment normally takes for its side. */
export const defaultDirection = (side: PartnerSide): Direction => (side === 'customer' ? 'in' : 'out');

/** An open item's kind: invoice, credit, payment, refund, fx or entry. */
export function itemKindLabel(kind: string): string {
  const k = `finance.item_kind.${kind}`;
  return hasKey(k) ? t(k) : kind;
}

/** An aging column as the core names it: `current`, `1-30`, `90+`. */
export function agingLabel(col: string): string {
  if (col === 'current') return t('finance.aging.current');
  let m = /^(\d+)-(\d+)$/.exec(col);
  if (m) return t('finance.aging.range', { from: m[1], to: m[2] });
  m = /^(\d+)\+$/.exec(col);
  if (m) return t('finance.aging.over', { days: m[1] });
  return col;
}

/** A cash-flow category: customers, suppliers, transfers, other, or an account type. */
export function cashFlowLabel(cat: string): string {
  const k = `finance.cash_flow.cat.${cat}`;
  if (hasKey(k)) return t(k);
  const a = `accounting.type.${cat}`;
  return hasKey(a) ? t(a) : cat;
}

/** "30, 60, 90" as aging buckets: rising whole days; null when it does not read so. */
export function parseBuckets(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.length || parts.some((p) => !/^\d{1,4}$/.test(p))) return null;
  const n = parts.map(Number);
  return n.every((x, i) => x > 0 && (i === 0 || x > n[i - 1])) ? n : null;
}
