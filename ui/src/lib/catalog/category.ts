// Categories: how the tree reads in a list, and which parents a category may move under.
import type { Category } from '../api';
import type { LookupHit } from './lookups';

export const PATH_SEP = ' / ';

/** The name indented by depth, as the tree reads in path order. */
export function indentName(c: Pick<Category, 'depth' | 'name'>): string {
  return `${'\u2003'.repeat(c.depth)}${c.depth ? '└ ' : ''}${c.name}`;
}

/** The path of a category's parent ('' for a root). */
export function parentPath(path: string): string {
  const parts = path.split(PATH_SEP);
  return parts.slice(0, -1).join(PATH_SEP);
}

/** The categories `self` may be moved under: not itself, not one of its descendants. Hits are labelled by path. */
export function allowedParents(hits: LookupHit[], self: Pick<Category, 'id' | 'path'> | null): LookupHit[] {
  if (!self) return hits;
  const below = `${self.path}${PATH_SEP}`;
  return hits.filter((h) => h.id !== self.id && !h.label.startsWith(below));
}
