// The financial reports' logic, apart from their screens: default ranges, statement rows
// for display, drill-down targets, consolidation rates, amounts in the company's locale.
// Figures stay decimal strings from the backend; nothing here does arithmetic on them.
import type { StatementColumn, StatementLine, StatementSection } from '../api';
import { formatDecimal } from '../ui/locale';

export interface Range {
  from: string;
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The last day of `month` (1–12) of `year`. */
function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The month containing `today` (ISO date): the reports' default range. */
export function monthOf(today: string): Range {
  const [y, m] = today.split('-').map(Number);
  return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}` };
}

/** From the first day of the fiscal year containing `today` (starting in `startMonth`) to `today`. */
export function yearToDate(today: string, startMonth = 1): Range {
  const [y, m] = today.split('-').map(Number);
  const year = m >= startMonth ? y : y - 1;
  return { from: `${year}-${pad(startMonth)}-01`, to: today };
}

/** A range the backend accepts: both dates and `from` not after `to`. */
export function validRange(r: Range): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(r.from) && /^\d{4}-\d{2}-\d{2}$/.test(r.to) && r.from <= r.to;
}

/** An amount in the company's locale with the currency's decimals; '' for none. */
export function amount(v: string | null | undefined, locale: string, scale = 2): string {
  if (v == null || v === '') return '';
  return formatDecimal(v, locale, { minDecimals: scale });
}

/** One row of a statement as shown: a section title, an account or group line, a total. */
export interface StatementRow {
  key: string;
  kind: 'section' | 'group' | 'account' | 'computed' | 'total' | 'result';
  code: string;
  /** A message key for section titles and totals, else the account's name. */
  label: string;
  level: number;
  amounts: string[];
  /** The account to open in the general ledger (accounts and groups of accounts). */
  accountId: number | null;
}

/** Sections → display rows: a title, its lines (groups head their sub-accounts), its total. */
export function statementRows(sections: StatementSection[], result?: { label: string; amounts: string[] }): StatementRow[] {
  const rows: StatementRow[] = [];
  for (const s of sections) {
    rows.push({ key: `s-${s.key}`, kind: 'section', code: '', label: `reports.section.${s.key}`, level: 0, amounts: [], accountId: null });
    for (const l of s.lines) rows.push(lineRow(s.key, l));
    rows.push({ key: `t-${s.key}`, kind: 'total', code: '', label: `reports.total.${s.key}`, level: 0, amounts: s.totals, accountId: null });
  }
  if (result) rows.push({ key: 'result', kind: 'result', code: '', label: result.label, level: 0, amounts: result.amounts, accountId: null });
  return rows;
}

function lineRow(section: string, l: StatementLine): StatementRow {
  return {
    key: `${section}-${l.kind}-${l.account_id ?? l.name}`,
    kind: l.kind,
    code: l.code,
    label: l.name,
    level: l.level + 1,
    amounts: l.amounts,
    accountId: l.kind === 'account' ? l.account_id : null,
  };
}

/**
 * The general-ledger range behind a statement figure: a profit-and-loss column's range;
 * a balance-sheet column (no start) from the start of the fiscal year to its date.
 */
export function drillRange(column: StatementColumn, fiscalStartMonth = 1): Range {
  if (column.from) return { from: column.from, to: column.to };
  return yearToDate(column.to, fiscalStartMonth);
}

/** Companies that need a stated rate: those whose base currency is not the target. */
export function needsRate(companies: { id: number; base_currency: string }[], currency: string): number[] {
  const target = currency.trim().toUpperCase();
  return companies.filter((c) => c.base_currency.toUpperCase() !== target).map((c) => c.id);
}

/** The `rates` arg of `report.consolidated`: one per company that needs one, as typed. */
export function ratesArg(needed: number[], typed: Record<number, string>): { company_id: number; rate: string }[] {
  return needed.filter((id) => (typed[id] ?? '').trim() !== '').map((id) => ({ company_id: id, rate: typed[id].trim() }));
}
