// Most-recently-used ordering (companies in the switcher, recent files).

export function bump<T>(list: T[], item: T, max = 20): T[] {
  return [item, ...list.filter((x) => x !== item)].slice(0, max);
}

/** Orders `items` by their position in `recent` (unseen ones after, in their own order). */
export function byRecent<T, K>(items: T[], recent: K[], key: (t: T) => K): T[] {
  const pos = new Map(recent.map((k, i) => [k, i]));
  return items
    .map((item, i) => ({ item, i, p: pos.get(key(item)) ?? Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((x) => x.item);
}
