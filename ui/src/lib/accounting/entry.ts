// A journal entry in the editor: the header and the LineGrid's rows, to and from what
// entry.create / entry.update take and entry.get returns. Amounts stay decimal strings
// from end to end; the running difference is summed exactly (dnum, via linegrid.ts).
import type { Entry, EntryDraft, EntryLine, LineDraft } from '../api';
import { balance, dec } from '../ui/linegrid';

/** One row of the lines grid. Fields the grid does not edit ride along unchanged. */
export interface LineRow extends Record<string, unknown> {
  account_id: number | null;
  account: string;
  description: string;
  debit: string;
  credit: string;
  partner_id: number | null;
  partner: string;
  tax_id: number | null;
  tax: string;
  currency?: string | null;
  amount_currency?: string | null;
  tax_base?: string | null;
}

export interface EntryForm {
  journal_id: number | null;
  date: string;
  reference: string;
  memo: string;
  lines: LineRow[];
}

export function blankLine(): LineRow {
  return { account_id: null, account: '', description: '', debit: '', credit: '', partner_id: null, partner: '', tax_id: null, tax: '' };
}

export function blankEntry(journalId: number | null, date: string): EntryForm {
  return { journal_id: journalId, date, reference: '', memo: '', lines: [] };
}

/** An amount as the grid shows it: '' for zero (so a line reads as debit or credit). */
function amount(v: string | null | undefined): string {
  return v == null || dec(v)[0] === 0n ? '' : v;
}

export function fromLine(l: EntryLine): LineRow {
  return {
    account_id: l.account_id, account: l.account_code ? `${l.account_code} ${l.account_name ?? ''}`.trim() : '', description: l.description,
    debit: amount(l.debit), credit: amount(l.credit), partner_id: l.partner_id, partner: l.partner_name ?? '', tax_id: l.tax_id, tax: '',
    currency: l.currency, amount_currency: l.amount_currency, tax_base: l.tax_base,
  };
}

export function fromEntry(e: Entry, taxLabel: (id: number) => string = () => ''): EntryForm {
  return {
    journal_id: e.journal_id, date: e.date, reference: e.reference, memo: e.memo,
    lines: e.lines.map((l) => ({ ...fromLine(l), tax: l.tax_id != null ? taxLabel(l.tax_id) : '' })),
  };
}

/** A row with nothing in it (the user cleared it): not sent. */
export function isEmptyLine(l: LineRow): boolean {
  return l.account_id == null && !l.description.trim() && dec(l.debit)[0] === 0n && dec(l.credit)[0] === 0n && l.partner_id == null && l.tax_id == null;
}

export interface Outgoing {
  draft: EntryDraft;
  /** For each line sent, the grid row it came from (errors name the line sent). */
  rows: number[];
}

/** What entry.create / entry.update take; empty rows are left out (and `rows` remembers where each line sat). */
export function toDraft(f: EntryForm): Outgoing {
  const rows: number[] = [];
  const lines: LineDraft[] = [];
  f.lines.forEach((l, i) => {
    if (isEmptyLine(l)) return;
    rows.push(i);
    const d: LineDraft = { account_id: l.account_id, description: l.description.trim(), debit: l.debit.trim() || '0', credit: l.credit.trim() || '0' };
    if (l.partner_id != null) d.partner_id = l.partner_id;
    if (l.tax_id != null) d.tax_id = l.tax_id;
    if (l.currency) d.currency = l.currency;
    if (l.amount_currency != null && l.amount_currency !== '') d.amount_currency = l.amount_currency;
    if (l.tax_base != null && l.tax_base !== '') d.tax_base = l.tax_base;
    lines.push(d);
  });
  return { draft: { journal_id: f.journal_id ?? 0, date: f.date, reference: f.reference.trim(), memo: f.memo.trim(), lines }, rows };
}

/**
 * The backend's field errors with `lines.N…` renumbered from the line sent to the grid
 * row it came from; other fields (`date`, `journal_id`, `lines`) as they are.
 */
export function remapLineErrors(errors: Record<string, string>, rows: number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) {
    const m = /^lines\.(\d+)(\..*)?$/.exec(k);
    if (m && rows[+m[1]] !== undefined) out[`lines.${rows[+m[1]]}${m[2] ?? ''}`] = v;
    else out[k] = v;
  }
  return out;
}

/** The errors that concern the entry as a whole, shown under the grid (`lines`: unbalanced, too few…). */
export function footerError(errors: Record<string, string>): string | undefined {
  return errors.lines;
}

/** The running difference the footer shows: debit total − credit total, exactly, and whether it is zero. */
export function difference(lines: LineRow[], scale = 2): { difference: string; balanced: boolean; debit: string; credit: string } {
  return balance(lines, 'debit', 'credit', scale);
}
