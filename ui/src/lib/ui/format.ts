// Numbers, money and dates in the company's locale. Money arrives as a decimal string
// and is formatted as a string (Intl formats decimal strings exactly), never via float math.

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(opts)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale || undefined, opts);
    } catch {
      f = new Intl.NumberFormat(undefined, opts);
    }
    cache.set(key, f);
  }
  return f;
}
function df(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(opts)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale || undefined, opts);
    } catch {
      f = new Intl.DateTimeFormat(undefined, opts);
    }
    cache.set(key, f);
  }
  return f;
}

/** True for a plain decimal string such as "-12.50". */
export function isDecimal(s: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(s.trim());
}

/** The number of decimals written in a decimal string. */
export function decimalsOf(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

type Fmt = (v: string) => string;
function formatDecimalString(f: Intl.NumberFormat, v: string): string {
  // format() takes a decimal string exactly (Intl.NumberFormat v3); the cast is for older lib typings.
  return (f.format as unknown as Fmt)(v.trim());
}

export function formatMoney(amount: string | null | undefined, currency: string, locale: string): string {
  if (amount == null || amount === '') return '';
  if (!isDecimal(amount)) return amount;
  try {
    return formatDecimalString(nf(locale, { style: 'currency', currency }), amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function formatNumber(v: string | number | null | undefined, locale: string, maxDecimals = 6): string {
  if (v == null || v === '') return '';
  const s = typeof v === 'number' ? String(v) : v;
  if (!isDecimal(s)) return s;
  return formatDecimalString(nf(locale, { maximumFractionDigits: maxDecimals }), s);
}

export function formatDate(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return df(locale, { dateStyle: 'medium' }).format(d);
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return df(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);
export function monthName(m: number, locale: string): string {
  return df(locale, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, m - 1, 1)));
}
