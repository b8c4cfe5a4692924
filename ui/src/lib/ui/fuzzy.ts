// Ranking for the command palette: every typed word must appear; earlier and
// word-start matches rank higher.

export function score(text: string, query: string): number {
  const t = text.toLowerCase();
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 1;
  let total = 0;
  for (const w of words) {
    const i = t.indexOf(w);
    if (i < 0) return 0;
    const atWordStart = i === 0 || /[\s\-_./:(]/.test(t[i - 1]);
    total += (atWordStart ? 10 : 3) + Math.max(0, 5 - i / 8);
    if (t === w) total += 20;
  }
  return total;
}

export function rank<T>(items: T[], query: string, text: (t: T) => string, limit = 50): T[] {
  if (!query.trim()) return items.slice(0, limit);
  return items
    .map((item, i) => ({ item, i, s: score(text(item), query) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, limit)
    .map((x) => x.item);
}
