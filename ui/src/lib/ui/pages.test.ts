import { describe, expect, it } from 'vitest';
import { rowRange, type LoadedPage, type PageQuery } from './grid';
import { PageWindow } from './pages';

/** A keyset-paged list of `n` rows (row i is i): the cursor is the last row's value. */
function backend(n: number, keep: (i: number) => boolean = () => true) {
  const calls: PageQuery[] = [];
  const load = (q: PageQuery): LoadedPage<number> => {
    calls.push(q);
    const from = q.cursor === undefined ? 0 : Number(q.cursor) + 1;
    const to = Math.min(n, from + q.limit);
    const items: number[] = [];
    for (let i = from; i < to; i++) if (keep(i)) items.push(i);
    return { items, total: n, next: to < n ? String(to - 1) : null };
  };
  return { load, calls };
}

/** Fetches what the window needs for rows first..last in view (plus a margin), as the grid does. */
function settle(w: PageWindow<number>, load: (q: PageQuery) => LoadedPage<number>, first: number, last: number, margin = 40, limit = 200) {
  for (let i = 0; i < 10_000; i++) {
    const k = w.need(first - margin, last + margin);
    if (k === null) return;
    w.store(k, load({ cursor: w.cursor(k), limit }), first - margin, last + margin);
  }
  throw new Error('the window never settled');
}

describe('PageWindow', () => {
  it('holds a bounded number of rows however far the user scrolls', () => {
    const { load } = backend(100_000);
    const w = new PageWindow<number>(4);
    let maxHeld = 0;
    for (let top = 0; top <= 10_000; top += 20) {
      settle(w, load, top, top + 20);
      maxHeld = Math.max(maxHeld, w.held);
      expect(w.row(top)).toBe(top);
      expect(w.row(top + 20)).toBe(top + 20);
    }
    expect(w.extent).toBeGreaterThanOrEqual(10_000);
    expect(maxHeld).toBeLessThanOrEqual(4 * 200);
    expect(w.held).toBeLessThanOrEqual(4 * 200);
    // Far behind the view: dropped.
    expect(w.row(0)).toBeUndefined();
    expect(w.heldPages().every((k) => Math.abs(k - 50) <= 3)).toBe(true);
  });

  it('fetches a dropped page again with its own cursor', () => {
    const { load, calls } = backend(100_000);
    const w = new PageWindow<number>(3);
    for (let top = 0; top <= 3_000; top += 100) settle(w, load, top, top + 20);
    expect(w.row(450)).toBeUndefined();
    const cursorOf2 = w.cursor(2);
    calls.length = 0;
    settle(w, load, 440, 460);
    // Only the pages in view were fetched, each with the cursor kept for it.
    expect(calls.map((q) => q.cursor)).toEqual([cursorOf2]);
    expect(w.row(450)).toBe(450);
    expect(w.row(400)).toBe(400);
    expect(w.row(599)).toBe(599);
    // Back at the top: page 0 comes from the start again.
    calls.length = 0;
    settle(w, load, 0, 20);
    expect(calls.map((q) => q.cursor)).toEqual([undefined]);
    expect(w.row(0)).toBe(0);
    expect(w.held).toBeLessThanOrEqual(3 * 200);
  });

  it('loads the next page only near the end of what was seen, and stops at the end', () => {
    const { load, calls } = backend(450);
    const w = new PageWindow<number>(4);
    settle(w, load, 0, 20);
    expect(calls.length).toBe(1);
    expect(w.extent).toBe(200);
    expect(w.need(0, 60)).toBeNull();
    settle(w, load, 150, 170);
    expect(w.extent).toBe(400);
    settle(w, load, 380, 399);
    expect(w.extent).toBe(450);
    expect(w.hasMore).toBe(false);
    expect(w.need(430, 500)).toBeNull();
    expect(() => w.store(3, { items: [], total: 0, next: null })).toThrow();
  });

  it('copes with short and empty pages (a loader that filters) without thrashing', () => {
    // Only every 50th row passes: most pages hold 4 rows, and the view spans many pages.
    const { load } = backend(20_000, (i) => i % 50 === 0);
    const w = new PageWindow<number>(2);
    settle(w, load, 0, 30, 0);
    expect(w.extent).toBeGreaterThanOrEqual(30);
    for (let i = 0; i <= 30; i++) expect(w.row(i)).toBe(i * 50);
    // And a filter nothing passes: empty pages until the end, no rows.
    const none = backend(2_000, () => false);
    const e = new PageWindow<number>(2);
    settle(e, none.load, 0, 30);
    expect(e.extent).toBe(0);
    expect(e.hasMore).toBe(false);
    expect(e.row(0)).toBeUndefined();
  });

  it('takes fresh cursors from a page fetched again, and ends the list where it now ends', () => {
    let n = 1_000;
    const load = (q: PageQuery) => backend(n).load(q);
    const w = new PageWindow<number>(8);
    settle(w, load, 0, 999, 0);
    expect(w.extent).toBe(1_000);
    // Rows were deleted: fetching page 1 again now ends the list.
    n = 300;
    w.store(1, load({ cursor: w.cursor(1), limit: 200 }));
    expect(w.extent).toBe(300);
    expect(w.seen).toBe(2);
    expect(w.hasMore).toBe(false);
    expect(w.row(299)).toBe(299);
    expect(w.row(300)).toBeUndefined();
    // Rows were added: page 1 fetched again has a next page once more.
    n = 500;
    w.store(1, load({ cursor: w.cursor(1), limit: 200 }));
    expect(w.hasMore).toBe(true);
    expect(w.cursor(2)).toBe('399');
    w.reset();
    expect([w.extent, w.seen, w.held, w.need(0, 10)]).toEqual([0, 0, 0, 0]);
  });
});

describe('rowRange', () => {
  it('renders the rows in view and the overscan, whatever the length of the list', () => {
    expect(rowRange(0, 340, 34, 100_000, 12)).toEqual({ first: 0, last: 21 });
    // 10,000 rows in: the same number of rows as at the top, and no more.
    const far = rowRange(10_000 * 34, 340, 34, 100_000, 12);
    expect(far).toEqual({ first: 9_988, last: 10_021 });
    expect(far.last - far.first).toBe(33);
    // A row partly in view counts.
    expect(rowRange(17, 340, 34, 100_000, 0)).toEqual({ first: 0, last: 10 });
    // Near the end, and past it (a list that just got shorter).
    expect(rowRange(95 * 34, 340, 34, 100, 12)).toEqual({ first: 83, last: 99 });
    expect(rowRange(500 * 34, 340, 34, 100, 12)).toEqual({ first: 87, last: 99 });
    expect(rowRange(0, 340, 34, 0, 12)).toEqual({ first: 0, last: -1 });
    expect(rowRange(0, 0, 34, 5, 12)).toEqual({ first: 0, last: 4 });
  });
});
