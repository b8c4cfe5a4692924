// What every list screen gives the data grid: columns and a page loader that runs the
// query in SQL (search, sort, keyset cursor) and returns one page; and the grid's
// column layout (order, hidden, widths) that the user arranges and that is saved per
// user and screen.
import type { Snippet } from 'svelte';

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
  /** Cell content as markup (badges, links); `text` still serves the tooltip, search and export. */
  cell?: Snippet<[T]>;
  /** Hidden unless the user shows it. */
  hidden?: boolean;
}

/** How the user arranged a grid's columns. */
export interface GridLayout {
  order: string[];
  hidden: string[];
  /** Column key → CSS width (px) set by resizing. */
  widths: Record<string, string>;
}

export function emptyLayout(): GridLayout {
  return { order: [], hidden: [], widths: {} };
}

/** The columns as the layout arranges them: known keys in the saved order, new ones after, hidden ones out. */
export function arrange<T>(cols: Column<T>[], layout: GridLayout | null | undefined): Column<T>[] {
  if (!layout) return cols.filter((c) => !c.hidden);
  const pos = new Map(layout.order.map((k, i) => [k, i]));
  const ordered = cols
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (pos.get(a.c.key) ?? 1000 + a.i) - (pos.get(b.c.key) ?? 1000 + b.i))
    .map((x) => x.c);
  const hidden = new Set(layout.hidden);
  // The first column opens the record: it is never hidden.
  return ordered.filter((c, i) => (i === 0 && c.key === cols[0]?.key) || (!hidden.has(c.key) && !(c.hidden && !layout.order.includes(c.key))))
    .map((c) => (layout.widths[c.key] ? { ...c, width: layout.widths[c.key] } : c));
}

/** Moves column `key` one place left (-1) or right (+1) in the layout's order. */
export function moveColumn<T>(cols: Column<T>[], layout: GridLayout, key: string, by: -1 | 1): GridLayout {
  const order = arrange(cols, { ...layout, hidden: [] }).map((c) => c.key);
  const i = order.indexOf(key);
  const j = i + by;
  if (i < 0 || j < 0 || j >= order.length) return layout;
  [order[i], order[j]] = [order[j], order[i]];
  return { ...layout, order };
}

/** Shows or hides column `key`. */
export function toggleColumn(layout: GridLayout, key: string): GridLayout {
  const hidden = layout.hidden.includes(key) ? layout.hidden.filter((k) => k !== key) : [...layout.hidden, key];
  return { ...layout, hidden };
}

/** Sets a column's width in px, within sensible bounds. */
export function resizeColumn(layout: GridLayout, key: string, px: number): GridLayout {
  const w = Math.round(Math.max(48, Math.min(900, px)));
  return { ...layout, widths: { ...layout.widths, [key]: `${w}px` } };
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

/** What a grid remembers while the user is elsewhere: given back when they return. Plain, never proxied. */
export interface GridMemory<T> {
  search: string;
  sort?: string;
  desc: boolean;
  scrollTop: number;
  active: number;
  /** The rows held and the cursors of pages seen (see pages.ts). */
  window?: unknown;
  total?: number | null;
  selected?: Map<string | number, T>;
}

export function freshMemory<T>(sort?: string, desc = false): GridMemory<T> {
  return { search: '', sort, desc, scrollTop: 0, active: 0 };
}

/** What a list screen gives its editor: the record to edit and how to leave. */
export interface EditorSlot {
  /** The record to edit; null for a new one. */
  id: number | null;
  close: () => void;
  /** Opens another record of this screen (a variant's template, ...). */
  open: (id: number) => void;
  /** A new record was saved and stays open: the route now names it (Back comes to it), the editor stays. */
  created: (id: number) => void;
}
