// The rows a grid holds: pages fetched by keyset cursor, of which only a few near the
// viewport are kept. The cursor that loads each page seen is kept too (a short string),
// so a page dropped far behind is fetched again when the user scrolls back to it.
// Memory therefore stays flat however far the user scrolls: `capacity` pages of rows,
// plus one cursor and one length per page seen.

import type { LoadedPage } from './grid';

export class PageWindow<T> {
  /** cursors[k] loads page k (undefined: the first page). Holds one past the last page seen while there is more. */
  private cursors: Array<string | undefined> = [undefined];
  /** Rows in each page seen (pages can be short: a loader may filter client-side). */
  private lengths: number[] = [];
  /** starts[k]: index of page k's first row; starts[lengths.length] is the extent. */
  private starts: number[] = [0];
  /** The pages held, by page number. */
  private pages = new Map<number, T[]>();
  private more = true;

  /** capacity: how many pages are held at most (at least 2: the one in view and the next). */
  constructor(readonly capacity = 4) {
    if (capacity < 2) throw new Error('a page window holds at least two pages');
  }

  /** Rows in every page seen so far: the scrollable length. */
  get extent(): number {
    return this.starts[this.lengths.length];
  }

  /** Whether a page after the last one seen exists. */
  get hasMore(): boolean {
    return this.more;
  }

  /** Pages seen so far (held or not). */
  get seen(): number {
    return this.lengths.length;
  }

  /** Rows held in memory. */
  get held(): number {
    let n = 0;
    for (const p of this.pages.values()) n += p.length;
    return n;
  }

  /** The page numbers held, ascending. */
  heldPages(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b);
  }

  /** The cursor that loads page k (undefined for the first page). */
  cursor(k: number): string | undefined {
    if (k < 0 || k >= this.cursors.length) throw new Error(`no cursor for page ${k}`);
    return this.cursors[k];
  }

  /** The page row `i` is in, or -1 past the extent. */
  pageOf(i: number): number {
    if (i < 0 || i >= this.extent) return -1;
    // The last start ≤ i, skipping empty pages (equal starts) to the one holding i.
    let lo = 0;
    let hi = this.lengths.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Row `i`, or undefined when its page is not held (yet, or any more). */
  row(i: number): T | undefined {
    const k = this.pageOf(i);
    return k < 0 ? undefined : this.pages.get(k)?.[i - this.starts[k]];
  }

  /**
   * The page to fetch next for rows first..last in view (the caller widens the range by
   * its margin): a page seen but not held there, nearest `first` first; else the next
   * new page when the range reaches the end of what was seen. null: nothing to fetch.
   */
  need(first: number, last: number): number | null {
    if (this.extent > 0) {
      const from = this.pageOf(Math.max(0, Math.min(first, this.extent - 1)));
      const to = this.pageOf(Math.max(0, Math.min(last, this.extent - 1)));
      for (let k = from; k <= to; k++) if (!this.pages.has(k)) return k;
    }
    if (this.more && last >= this.extent - 1) return this.seen;
    return null;
  }

  /**
   * Keeps page k (new when k is the next page, else fetched again), then drops the pages
   * farthest from rows first..last (those in view, widened by the caller's margin) until
   * at most `capacity` are held. Pages holding those rows are never dropped, so a view
   * spanning more pages than `capacity` (very short pages) holds them all.
   */
  store(k: number, page: LoadedPage<T>, first?: number, last?: number): void {
    if (k < 0 || k > this.seen || (k === this.seen && !this.more)) throw new Error(`page ${k} does not follow the pages seen`);
    const items = page.items;
    if (k === this.seen) this.lengths.push(items.length);
    else this.lengths[k] = items.length;
    this.pages.set(k, items);
    if (page.next != null) {
      this.cursors[k + 1] = page.next;
      if (k + 1 === this.seen) this.more = true;
    } else {
      // The list now ends here: pages after it (if it was fetched again) are gone.
      this.cursors.length = k + 1;
      this.lengths.length = k + 1;
      for (const p of [...this.pages.keys()]) if (p > k) this.pages.delete(p);
      this.more = false;
    }
    this.restart(k);
    const a = this.pageOf(Math.max(0, Math.min(first ?? this.starts[k], this.extent - 1)));
    const b = this.pageOf(Math.max(0, Math.min(last ?? first ?? this.starts[k], this.extent - 1)));
    this.evict(a < 0 ? k : a, b < 0 ? k : b);
  }

  /** Forgets everything (new filters, sort or search). */
  reset(): void {
    this.cursors = [undefined];
    this.lengths = [];
    this.starts = [0];
    this.pages.clear();
    this.more = true;
  }

  private restart(from: number): void {
    this.starts.length = this.lengths.length + 1;
    for (let k = from; k < this.lengths.length; k++) this.starts[k + 1] = this.starts[k] + this.lengths[k];
  }

  private evict(from: number, to: number): void {
    const distance = (k: number) => (k < from ? from - k : k > to ? k - to : 0);
    while (this.pages.size > this.capacity) {
      let far = -1;
      for (const k of this.pages.keys()) if (distance(k) > 0 && (far < 0 || distance(k) > distance(far))) far = k;
      if (far < 0) return;
      this.pages.delete(far);
    }
  }
}
