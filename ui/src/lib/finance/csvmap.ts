// The CSV statement mapping, apart from the import wizard: the form's shape and its
// conversion to and from the core's `StatementCsvMapping` (saved per bank account), the
// column choices a preview offers, a first guess from the header names, and the checks
// made before a dry run (the core and its parser check again and name the row).
import type { CsvPreview, StatementCsvMapping } from '../api';

/** The mapping as the form edits it: every column '' when not mapped. */
export interface MappingDraft {
  /** '' detected, else `,` `;` or a tab. */
  delimiter: string;
  has_header: boolean;
  skip_rows: number;
  date: string;
  /** A chrono format such as `%d.%m.%Y`; '' for the common ones. */
  date_format: string;
  value_date: string;
  /** One signed amount column, or separate debit (out) and credit (in) columns. */
  amounts: 'signed' | 'split';
  amount: string;
  debit: string;
  credit: string;
  decimal_comma: boolean;
  counterparty: string;
  counterparty_account: string;
  reference: string;
  description: string;
  bank_ref: string;
}

/** The columns the form maps, in the order it shows them. */
export const MAPPED = ['date', 'value_date', 'amount', 'debit', 'credit', 'counterparty', 'counterparty_account', 'reference', 'description', 'bank_ref'] as const;
export type MappedField = (typeof MAPPED)[number];

/** Date formats offered ('' = detected from the common ones). */
export const DATE_FORMATS = ['', '%d.%m.%Y', '%d/%m/%Y', '%m/%d/%Y', '%Y-%m-%d', '%d-%m-%Y', '%d.%m.%y', '%Y%m%d'];

export function blankMapping(): MappingDraft {
  return {
    delimiter: '', has_header: true, skip_rows: 0, date: '', date_format: '', value_date: '', amounts: 'signed', amount: '', debit: '', credit: '',
    decimal_comma: false, counterparty: '', counterparty_account: '', reference: '', description: '', bank_ref: '',
  };
}

/** A saved mapping as the form shows it (a blank form when none is saved). */
export function fromMapping(m: StatementCsvMapping | null | undefined): MappingDraft {
  if (!m) return blankMapping();
  return {
    delimiter: m.delimiter ?? '', has_header: m.has_header, skip_rows: m.skip_rows, date: m.date, date_format: m.date_format, value_date: m.value_date ?? '',
    amounts: m.amount ? 'signed' : m.debit || m.credit ? 'split' : 'signed', amount: m.amount ?? '', debit: m.debit ?? '', credit: m.credit ?? '',
    decimal_comma: m.decimal_comma, counterparty: m.counterparty ?? '', counterparty_account: m.counterparty_account ?? '', reference: m.reference ?? '',
    description: m.description ?? '', bank_ref: m.bank_ref ?? '',
  };
}

const opt = (s: string) => (s.trim() ? s.trim() : undefined);

/** What the core takes: only the columns mapped, the amount columns the mode uses. */
export function toMapping(d: MappingDraft): StatementCsvMapping {
  const m: StatementCsvMapping = { has_header: d.has_header, skip_rows: Math.max(0, Math.floor(d.skip_rows || 0)), date: d.date.trim(), date_format: d.date_format, decimal_comma: d.decimal_comma };
  if (d.delimiter) m.delimiter = d.delimiter;
  const set = (k: Exclude<MappedField, 'date'>, v: string) => {
    const x = opt(v);
    if (x) m[k] = x;
  };
  set('value_date', d.value_date);
  if (d.amounts === 'signed') set('amount', d.amount);
  else {
    set('debit', d.debit);
    set('credit', d.credit);
  }
  for (const k of ['counterparty', 'counterparty_account', 'reference', 'description', 'bank_ref'] as const) set(k, d[k]);
  return m;
}

export interface ColumnChoice {
  /** What the mapping stores: the header's text with a header row, else the 1-based position. */
  value: string;
  label: string;
  /** The first rows' values, to recognise the column. */
  sample: string;
}

/**
 * The columns a preview offers. With a header row a column is named by its header (a bank
 * that reorders its columns still reads), unless headers repeat or are empty: then by position.
 */
export function columnChoices(p: CsvPreview, hasHeader: boolean): ColumnChoice[] {
  const width = Math.max(p.headers.length, ...p.rows.map((r) => r.length), 0);
  const names = p.headers.map((h) => h.trim());
  const byName = hasHeader && names.every((h, i) => h && names.indexOf(h) === i);
  return Array.from({ length: width }, (_, i) => {
    const head = names[i] ?? '';
    const sample = p.rows.slice(0, 3).map((r) => (r[i] ?? '').trim()).filter(Boolean).join(' · ');
    return { value: byName && head ? head : String(i + 1), label: hasHeader && head ? `${i + 1}: ${head}` : String(i + 1), sample };
  });
}

const HINTS: Record<MappedField, RegExp> = {
  date: /^(buchungs?tag|buchungsdatum|datum|date|booking ?date|transaction ?date|posted)$/i,
  value_date: /^(valuta|wertstellung|value ?date)/i,
  amount: /^(betrag|amount|umsatz|summe|value)( ?\(?(eur|usd|chf|gbp)\)?)?$/i,
  debit: /^(soll|debit|withdrawal|ausgang|lastschrift|money out|paid out)/i,
  credit: /^(haben|credit|deposit|eingang|gutschrift|money in|paid in)/i,
  counterparty: /(empfänger|auftraggeber|zahlungspflichtige|beguenstigter|begünstigter|name|payee|counterparty|partner)/i,
  counterparty_account: /^(iban|kontonummer|account)/i,
  reference: /(verwendungszweck|reference|referenz|memo|purpose)/i,
  description: /(buchungstext|description|beschreibung|details|text)/i,
  bank_ref: /^(transaction id|bank ref|kundenreferenz|end-to-end)/i,
};

/** A first guess from the header names, for a file with no saved mapping: only unmapped fields are filled. */
export function guess(d: MappingDraft, p: CsvPreview): MappingDraft {
  if (!d.has_header) return d;
  const choices = columnChoices(p, true);
  const out = { ...d };
  const used = new Set(MAPPED.map((k) => d[k]).filter(Boolean));
  for (const k of MAPPED) {
    if (out[k]) continue;
    const hit = choices.find((c, i) => !used.has(c.value) && HINTS[k].test((p.headers[i] ?? '').trim()));
    if (hit) {
      out[k] = hit.value;
      used.add(hit.value);
    }
  }
  if (!out.amount && (out.debit || out.credit)) out.amounts = 'split';
  // A German file writes 1.234,56.
  if (p.rows.some((r) => r.some((c) => /^-?\d{1,3}(\.\d{3})*,\d{2}$/.test(c.trim())))) out.decimal_comma = true;
  return out;
}

/** Message keys of what must be fixed before a dry run, by field. */
export type MappingProblems = Partial<Record<MappedField | 'skip_rows', 'required' | 'unknown_column' | 'amount_required'>>;

/** Date and an amount (or debit/credit) mapped, and every mapped column one the preview has. */
export function checkMapping(d: MappingDraft, p: CsvPreview | null): MappingProblems {
  const out: MappingProblems = {};
  if (!d.date.trim()) out.date = 'required';
  if (d.amounts === 'signed' && !d.amount.trim()) out.amount = 'amount_required';
  if (d.amounts === 'split' && !d.debit.trim() && !d.credit.trim()) out.debit = 'amount_required';
  if (!Number.isInteger(d.skip_rows) || d.skip_rows < 0) out.skip_rows = 'required';
  if (p) {
    // A column by its header (any case, as the parser reads it) or its position.
    const choices = columnChoices(p, d.has_header);
    const known = new Set([...choices.map((c) => c.value.toLowerCase()), ...choices.map((_c, i) => String(i + 1)), ...(d.has_header ? p.headers.map((h) => h.trim().toLowerCase()) : [])]);
    for (const k of MAPPED) {
      if ((k === 'amount' && d.amounts === 'split') || ((k === 'debit' || k === 'credit') && d.amounts === 'signed')) continue;
      const v = d[k].trim();
      if (v && !known.has(v.toLowerCase()) && !out[k]) out[k] = 'unknown_column';
    }
  }
  return out;
}

/** The file's bytes as base64, which the core's import and preview take. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

/** The format a file looks like by its name and first bytes (the core detects it again). */
export function sniffFormat(name: string, head: string): 'camt053' | 'ofx' | 'mt940' | 'csv' | null {
  const n = name.toLowerCase();
  const h = head.trimStart().slice(0, 2000);
  if (/camt\.053|<BkToCstmrStmt/i.test(h)) return 'camt053';
  if (/OFXHEADER|<OFX>/i.test(h) || n.endsWith('.ofx') || n.endsWith('.qfx')) return 'ofx';
  if (/^:20:|\n:20:|\{1:F01/.test(h) || n.endsWith('.sta') || n.endsWith('.mt940')) return 'mt940';
  if (n.endsWith('.csv') || n.endsWith('.txt')) return 'csv';
  if (n.endsWith('.xml')) return 'camt053';
  return null;
}
