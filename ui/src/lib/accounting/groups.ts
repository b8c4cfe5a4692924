// Ordered lists in forms (a tax group's taxes apply in order).

/** A new array with the item at `i` moved one place up (-1) or down (+1); unchanged at the ends. */
export function moveItem<T>(items: T[], i: number, by: -1 | 1): T[] {
  const j = i + by;
  if (i < 0 || i >= items.length || j < 0 || j >= items.length) return items;
  const out = [...items];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}
