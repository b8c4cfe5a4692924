// Attribute values as typed: "S, M, L" adds three.

/** The values in a comma-separated entry, trimmed, blanks and repeats dropped. */
export function splitValues(s: string): string[] {
  const out: string[] = [];
  for (const v of s.split(',').map((x) => x.trim()).filter(Boolean)) if (!out.includes(v)) out.push(v);
  return out;
}
