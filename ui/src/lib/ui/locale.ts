// Locale-aware reading and writing of decimal strings (money, quantities, percentages).
//
// Guarantees: a value never passes through a JS number. The locale's group and decimal
// symbols come from Intl.NumberFormat#formatToParts; the digits the user typed are kept
// as a string, so "12.345.678.901.234,5678" (de-DE) reads back as "12345678901234.5678"
// exactly, and formatting a canonical string and parsing it again gives the same string
// (tested for de-DE, fr-FR, en-US, ja-JP, de-CH, en-IN, ar-EG and fa-IR, whose own digits
// are read back too).
// @internationalized/number's NumberParser is consulted only as a second opinion on
// whether text is a number at all in the locale (it returns a float, so it never
// produces the value).
import { NumberParser } from '@internationalized/number';
import * as dn from 'dnum';

export interface Symbols {
  /** The grouping separator as the locale writes it ("." de-DE, "\u202f" fr-FR, "," en-US). */
  group: string;
  /** The decimal separator ("," de-DE, "." en-US). */
  decimal: string;
  /** Digits in the last integer group (3) and in the groups before it (3, or 2 for en-IN). */
  primary: number;
  secondary: number;
  /** The locale's digits 0–9 ("٠١٢…" in ar-EG), to read them back as ASCII. */
  digits: string[];
}

const symCache = new Map<string, Symbols>();
const nfCache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = nfCache.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale || undefined, opts);
    } catch {
      f = new Intl.NumberFormat(undefined, opts);
    }
    nfCache.set(key, f);
  }
  return f;
}

/** The locale's number symbols and grouping sizes. */
export function symbols(locale: string): Symbols {
  let s = symCache.get(locale);
  if (s) return s;
  const parts = numberFormat(locale, { useGrouping: true }).formatToParts(1234567890.5);
  const ints = parts.filter((p) => p.type === 'integer').map((p) => p.value);
  s = {
    group: parts.find((p) => p.type === 'group')?.value ?? '',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    primary: ints.length > 1 ? ints[ints.length - 1].length : 3,
    secondary: ints.length > 2 ? ints[ints.length - 2].length : 3,
    digits: [...numberFormat(locale, { useGrouping: false }).format(9876543210)].reverse(),
  };
  symCache.set(locale, s);
  return s;
}

export interface CurrencyInfo {
  /** As the locale shows it: "€", "$", "￥", "CHF". */
  symbol: string;
  /** Whether the locale writes the symbol before the amount. */
  prefix: boolean;
  /** The currency's usual number of decimals (2 for EUR, 0 for JPY). */
  scale: number;
}

/** How `currency` is shown in `locale`. Unknown codes fall back to the code itself and 2 decimals. */
export function currencyInfo(currency: string, locale: string): CurrencyInfo {
  try {
    const f = new Intl.NumberFormat(locale || undefined, { style: 'currency', currency });
    const parts = f.formatToParts(1);
    const i = parts.findIndex((p) => p.type === 'currency');
    const n = parts.findIndex((p) => p.type === 'integer');
    return { symbol: parts[i]?.value ?? currency, prefix: i < n, scale: f.resolvedOptions().maximumFractionDigits ?? 2 };
  } catch {
    return { symbol: currency, prefix: false, scale: 2 };
  }
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** True for a canonical-looking decimal string: "-12.50", "0", "7". */
export function isDecimalString(s: string): boolean {
  return DECIMAL.test(s);
}

/** Leading zeros dropped, "-0" made "0"; the decimals are kept as written ("012.50" → "12.50"). */
export function canonical(s: string): string {
  if (!DECIMAL.test(s)) return s;
  let neg = s.startsWith('-');
  let [int, frac] = (neg ? s.slice(1) : s).split('.');
  int = int.replace(/^0+(?=\d)/, '');
  if (/^0+$/.test(int) && (!frac || /^0+$/.test(frac))) neg = false;
  return (neg ? '-' : '') + int + (frac !== undefined ? `.${frac}` : '');
}

/** `s` with at least `n` decimals (zeros appended; never rounds). */
export function padDecimals(s: string, n: number): string {
  if (!DECIMAL.test(s) || n <= 0) return s;
  const i = s.indexOf('.');
  const have = i < 0 ? 0 : s.length - i - 1;
  if (have >= n) return s;
  return (i < 0 ? `${s}.` : s) + '0'.repeat(n - have);
}

export interface FormatOptions {
  /** Decimals always shown (zeros added). Default: as many as the value has. */
  minDecimals?: number;
  /** Grouping separators (default true). */
  grouping?: boolean;
}

/**
 * A canonical decimal string in the locale's notation, exactly: every digit of `value`
 * is shown (Intl formats decimal strings without going through a float). Non-decimal
 * text is returned unchanged.
 */
export function formatDecimal(value: string, locale: string, opts: FormatOptions = {}): string {
  if (value === '' || !DECIMAL.test(value)) return value;
  const dec = value.includes('.') ? value.length - value.indexOf('.') - 1 : 0;
  const min = Math.min(100, Math.max(dec, opts.minDecimals ?? 0));
  const f = numberFormat(locale, { useGrouping: opts.grouping ?? true, minimumFractionDigits: min, maximumFractionDigits: min });
  // format() takes a decimal string exactly (Intl.NumberFormat v3); the cast is for older lib typings.
  return (f.format as unknown as (v: string) => string)(canonical(value));
}

export type ParseError = 'invalid' | 'scale' | 'min' | 'max';
export type ParseResult = { ok: true; value: string } | { ok: false; error: ParseError };

export interface ParseOptions {
  /** At most this many decimals; more is an error (never rounded away). */
  scale?: number;
  /** Pad the result to this many decimals ("19.9" → "19.90" for money). */
  pad?: number;
  /** Inclusive bounds, as decimal strings ("0" forbids negatives). */
  min?: string;
  max?: string;
  /** Extra text to ignore, such as the currency symbol a user pasted along. */
  strip?: string[];
}

const SPACES = /[\s\u00a0\u202f\u2009\u2007]/g;
const SPACE = /[\s\u00a0\u202f\u2009\u2007]/;
const MINUS = /^[-\u2212\u2012\u2013\ufe63\uff0d]/;

const parsers = new Map<string, NumberParser>();
function parser(locale: string): NumberParser {
  let p = parsers.get(locale);
  if (!p) parsers.set(locale, (p = new NumberParser(locale || 'en-US')));
  return p;
}

/** ASCII digits for full-width ones and the locale's own; bidi marks dropped. */
function asciiDigits(s: string, sym: Symbols): string {
  let out = s.replace(/[\u061c\u200e\u200f]/g, '').replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (sym.digits[0] !== '0') sym.digits.forEach((d, i) => (out = out.split(d).join(String(i))));
  return out;
}

/** Whether the groups of an integer part, as typed, follow the locale's grouping. */
function groupsOk(groups: string[], sym: Symbols): boolean {
  if (groups.length === 1) return true;
  if (groups[0].length === 0 || groups[0].length > (groups.length === 2 ? sym.primary : sym.secondary)) return false;
  for (let i = 1; i < groups.length; i++) {
    const want = i === groups.length - 1 ? sym.primary : sym.secondary;
    if (groups[i].length !== want) return false;
  }
  return true;
}

/**
 * Reads text typed in `locale` into a canonical decimal string ("1.234,5" in de-DE →
 * "1234.5"). Empty text reads as ''. Accepts the locale's grouping (in the right places
 * only, so "19.90" in de-DE is an error rather than 1990), any space as a group
 * separator where the locale groups with a space, "-" or "−" for minus, full-width
 * digits and the locale's own digits, and a leading or trailing currency symbol given in `strip`.
 */
export function parseDecimal(text: string, locale: string, opts: ParseOptions = {}): ParseResult {
  const sym = symbols(locale);
  let s = asciiDigits(text, sym).trim();
  for (const x of opts.strip ?? []) if (x) s = s.split(x).join('');
  s = s.trim();
  if (s === '') return { ok: true, value: '' };
  let neg = false;
  if (MINUS.test(s)) {
    neg = true;
    s = s.slice(1).trim();
  }
  const spaceGroup = SPACE.test(sym.group) || sym.group === '';
  // Split at the decimal symbol; with "." as group and "," as decimal, a lone "." is a group.
  const di = s.lastIndexOf(sym.decimal);
  const intPart = di < 0 ? s : s.slice(0, di);
  const fracPart = di < 0 ? undefined : s.slice(di + sym.decimal.length);
  if (fracPart !== undefined && !/^\d+$/.test(fracPart)) return { ok: false, error: 'invalid' };
  let groups: string[];
  if (spaceGroup) groups = intPart.split(SPACES);
  else groups = intPart.split(sym.group);
  if (!groups.every((g) => /^\d*$/.test(g))) return { ok: false, error: 'invalid' };
  if (groups.length === 1 && groups[0] === '' && fracPart !== undefined) groups = ['0']; // ",5" → 0.5
  if (groups.some((g) => g === '') || !groupsOk(groups, sym)) return { ok: false, error: 'invalid' };
  // Second opinion: the locale's own parser must see a number here too.
  if (Number.isNaN(parser(locale).parse(s.replace(SPACES, sym.group || '')))) return { ok: false, error: 'invalid' };
  let value = canonical((neg ? '-' : '') + groups.join('') + (fracPart !== undefined ? `.${fracPart}` : ''));
  const dec = fracPart?.length ?? 0;
  if (opts.scale !== undefined && dec > opts.scale) {
    // Trailing zeros beyond the scale are harmless: "19,900" with scale 2 is 19.90.
    if (/^0+$/.test(fracPart!.slice(opts.scale))) value = canonical(value.slice(0, value.length - (dec - opts.scale)).replace(/\.$/, ''));
    else return { ok: false, error: 'scale' };
  }
  if (opts.min !== undefined && dn.lessThan(dn.from(value, true), dn.from(opts.min, true))) return { ok: false, error: 'min' };
  if (opts.max !== undefined && dn.greaterThan(dn.from(value, true), dn.from(opts.max, true))) return { ok: false, error: 'max' };
  if (opts.pad) value = padDecimals(value, opts.pad);
  return { ok: true, value };
}

/** An example of the locale's notation for hints and placeholders ("1.234,56"). */
export function example(locale: string, decimals = 2): string {
  return formatDecimal(decimals > 0 ? `1234.${'5678901234'.slice(0, decimals)}` : '1234', locale);
}
