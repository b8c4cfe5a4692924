// A cache for lookup lists (countries, states, units, roles, ...): each list is fetched
// once per company and kept until a change event touches one of its entities (this
// window's own writes and those of any other program), then fetched again on next use.
import { data } from '../shell/data.svelte';
import { session } from '../session/session.svelte';

interface Entry {
  stamp: string;
  value: Promise<unknown>;
}
const cache = new Map<string, Entry>();

/**
 * The list named `name`, fetched by `fetch` unless a current copy is held. `entities`
 * are the change-event entities that make it stale.
 */
export function lookup<T>(name: string, entities: string[], fetch: () => Promise<T>): Promise<T> {
  const key = `${session.companyId ?? '-'}|${name}`;
  const stamp = String(data.of(...entities));
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.value as Promise<T>;
  const value = fetch();
  cache.set(key, { stamp, value });
  // A failed fetch is not kept: the next use tries again.
  value.catch(() => {
    if (cache.get(key)?.value === value) cache.delete(key);
  });
  return value;
}

/** Forgets every cached list (sign-out, another file). */
export function clearLookups() {
  cache.clear();
}
