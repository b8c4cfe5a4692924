// Dates and instants in the company's locale and time zone.
//
// Guarantees: a date-only value ('YYYY-MM-DD') is a CalendarDate and is only ever
// formatted as a UTC midnight in the UTC zone, so it never moves a day whatever the
// machine's zone; an instant (a UTC ISO string from the backend) is shown in the
// company's IANA zone, not the machine's. Built on @internationalized/date.
import { CalendarDate, CalendarDateTime, getLocalTimeZone, parseAbsolute, parseDate, toZoned, today } from '@internationalized/date';

const dfCache = new Map<string, Intl.DateTimeFormat>();
function df(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = dfCache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale || undefined, opts);
    } catch {
      f = new Intl.DateTimeFormat(undefined, { ...opts, timeZone: 'UTC' });
    }
    dfCache.set(key, f);
  }
  return f;
}

type Part = 'day' | 'month' | 'year';

/** The order the locale writes a numeric date in, e.g. ['day','month','year'] for de-DE. */
export function dateOrder(locale: string): Part[] {
  return df(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' })
    .formatToParts(new Date(Date.UTC(2026, 11, 31)))
    .filter((p): p is Intl.DateTimeFormatPart & { type: Part } => p.type === 'day' || p.type === 'month' || p.type === 'year')
    .map((p) => p.type);
}

/** A date-only value as a CalendarDate, or null when it is not a real 'YYYY-MM-DD' date. */
export function toCalendarDate(iso: string | null | undefined): CalendarDate | null {
  if (!iso || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  try {
    const d = parseDate(iso);
    return d.toString() === iso ? d : null;
  } catch {
    return null;
  }
}

/**
 * 'YYYY-MM-DD' in the locale: numeric ("05.01.2026", "01/05/2026", "2026/01/05") or
 * 'medium' ("5 Jan 2026"). Formatted as UTC midnight in UTC: the same day in every zone.
 */
export function formatDateOnly(iso: string | null | undefined, locale: string, style: 'numeric' | 'medium' | 'long' = 'numeric'): string {
  const d = toCalendarDate(iso);
  if (!d) return iso ?? '';
  const opts: Intl.DateTimeFormatOptions = style === 'numeric' ? { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' } : { dateStyle: style, timeZone: 'UTC' };
  return df(locale, opts).format(d.toDate('UTC'));
}

function real(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || y < 1 || y > 9999) return null;
  const c = new CalendarDate(y, m, d);
  return c.day === d && c.month === m ? c.toString() : null;
}

/**
 * Reads a date typed in the locale's order into 'YYYY-MM-DD', or null. Accepts the
 * locale's numeric form with any separators ("5.1.2026", "05/01/26"), ISO
 * ("2026-01-05"), digits only ("05012026", "0501"), and day+month alone (year from
 * `refYear`). Two-digit years are 20xx. Impossible dates (31.02.) are null.
 */
export function parseDateText(text: string, locale: string, refYear: number): string | null {
  const s = text.trim();
  if (!s) return null;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return real(+m[1], +m[2], +m[3]);
  const order = dateOrder(locale);
  let nums: string[];
  if (/^\d+$/.test(s) && (s.length === 4 || s.length === 6 || s.length === 8)) {
    // Compact typing: DDMM, DDMMYY, DDMMYYYY in the locale's order.
    const ylen = s.length === 8 ? 4 : s.length === 6 ? 2 : 0;
    nums = [];
    let rest = s;
    for (const p of order) {
      if (p === 'year' && !ylen) continue;
      const n = p === 'year' ? ylen : 2;
      nums.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
  } else {
    nums = s.split(/[^\d]+/).filter(Boolean);
  }
  let parts = order;
  if (nums.length === 2) parts = order.filter((p) => p !== 'year');
  else if (nums.length !== 3) return null;
  let y = refYear, mo = 0, d = 0;
  parts.forEach((p, i) => {
    const n = +nums[i];
    if (p === 'day') d = n;
    else if (p === 'month') mo = n;
    else y = nums[i].length <= 2 ? 2000 + n : n;
  });
  return real(y, mo, d);
}

/** 'YYYY-MM-DD' moved by whole days or months (month ends are kept in range). */
export function shiftDate(iso: string, by: { days?: number; months?: number }): string {
  const d = toCalendarDate(iso);
  return d ? d.add(by).toString() : iso;
}

/** Today's date in a zone (the company's, not the machine's, when given). */
export function todayIn(timeZone?: string): string {
  return today(timeZone || getLocalTimeZone()).toString();
}

function zoned(isoUtc: string, timeZone: string) {
  try {
    return parseAbsolute(isoUtc, timeZone);
  } catch {
    return null;
  }
}

/**
 * An instant (UTC ISO from the backend, e.g. "2026-01-05T23:30:00Z") in `locale` as it
 * reads in `timeZone`: formatInstant('2026-01-05T23:30:00Z', 'de-DE', 'Asia/Tokyo') is
 * "06.01.2026, 08:30". Unreadable input is returned unchanged.
 */
export function formatInstant(isoUtc: string | null | undefined, locale: string, timeZone: string, opts: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  if (!isoUtc) return '';
  const z = zoned(isoUtc, timeZone);
  if (!z) return isoUtc;
  return df(locale, { ...opts, timeZone }).format(z.toDate());
}

/** An instant split into the date and 'HH:mm' it shows in `timeZone`. */
export function instantParts(isoUtc: string, timeZone: string): { date: string; time: string } | null {
  const z = zoned(isoUtc, timeZone);
  if (!z) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: new CalendarDate(z.year, z.month, z.day).toString(), time: `${pad(z.hour)}:${pad(z.minute)}` };
}

/** The UTC instant ("2026-01-05T17:30:00Z") of a wall-clock date and time in `timeZone`. */
export function zonedToInstant(date: string, time: string, timeZone: string): string | null {
  const d = toCalendarDate(date);
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!d || !m || +m[1] > 23 || +m[2] > 59) return null;
  const z = toZoned(new CalendarDateTime(d.year, d.month, d.day, +m[1], +m[2]), timeZone);
  return z.toAbsoluteString().replace(/\.000Z$/, 'Z');
}
