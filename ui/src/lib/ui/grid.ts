// What every list screen gives the data grid: columns and a page loader that runs the
// query in SQL (search, sort, keyset cursor) and returns one page.

export interface Column<T> {
  key: string;
  label: string;
  /** CSS width, e.g. "120px" or "2fr". */
  width?: string;
  /** The backend's sort key; absent for columns that cannot be sorted. */
  sort?: string;
  align?: 'left' | 'right' | 'center';
  text: (row: T) => string;
  /** Extra class per cell, e.g. a badge. */
  cls?: (row: T) => string;
  mono?: boolean;
}

export interface PageQuery {
  search?: string;
  sort?: string;
  desc?: boolean;
  cursor?: string;
  limit: number;
}

export interface LoadedPage<T> {
  items: T[];
  total: number | null;
  next: string | null;
}

export type Loader<T> = (q: PageQuery) => Promise<LoadedPage<T>>;

/** Grid column template from the columns' widths. */
export function template<T>(cols: Column<T>[]): string {
  return cols.map((c) => c.width ?? '1fr').join(' ');
}

/**
 * The rows a fixed-height virtual list renders for a scroll position: those in view and
 * `overscan` more on either side, as an inclusive range (empty when last < first).
 */
export function rowRange(scrollTop: number, viewHeight: number, rowHeight: number, count: number, overscan: number): { first: number; last: number } {
  if (count <= 0) return { first: 0, last: -1 };
  const top = Math.max(0, scrollTop);
  const first = Math.max(0, Math.min(count - 1, Math.floor(top / rowHeight)) - overscan);
  const last = Math.min(count - 1, Math.ceil((top + Math.max(0, viewHeight)) / rowHeight) - 1 + overscan);
  return { first, last: Math.max(first, last) };
}

/** Toggles sorting when a header is clicked: same key flips direction; a new key sorts ascending. */
export function nextSort(cur: { sort?: string; desc: boolean }, key: string): { sort: string; desc: boolean } {
  if (cur.sort === key) return { sort: key, desc: !cur.desc };
  return { sort: key, desc: false };
}

/** A loader for commands that return a whole (small) array: the grid still searches and sorts, client-side. */
export function arrayLoader<T>(fetch: () => Promise<T[]>, text: (t: T) => string, sorters: Record<string, (t: T) => string | number> = {}): Loader<T> {
  return async (q) => {
    let rows = await fetch();
    if (q.search) {
      const words = q.search.toLowerCase().split(/\s+/).filter(Boolean);
      rows = rows.filter((r) => {
        const t = text(r).toLowerCase();
        return words.every((w) => t.includes(w));
      });
    }
    const by = q.sort ? sorters[q.sort] : undefined;
    if (by) {
      rows = [...rows].sort((a, b) => {
        const x = by(a);
        const y = by(b);
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return q.desc ? -c : c;
      });
    }
    return { items: rows, total: rows.length, next: null };
  };
}

/** "1 entry", "2 entries": the singular of a plural English noun when n is 1. */
export function countLabel(n: number, plural: string, locale?: string): string {
  const s = n === 1 ? (plural.endsWith('ies') ? `${plural.slice(0, -3)}y` : plural.replace(/s$/, '')) : plural;
  return `${n.toLocaleString(locale)} ${s}`;
}
