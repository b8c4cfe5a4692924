// The user's UI preferences (grid layouts, ...), kept per user in the company file
// through `preference.get` / `preference.set`, so they follow the user to any machine
// that opens the file. Reads are cached; writes are debounced.
import { call } from '../api';

const cache = new Map<string, unknown>();
const timers = new Map<string, ReturnType<typeof setTimeout>>();

export async function loadPref<T>(key: string): Promise<T | null> {
  if (cache.has(key)) return cache.get(key) as T | null;
  try {
    const r = await call('preference.get', { key });
    const v = r.value == null ? null : (JSON.parse(r.value) as T);
    cache.set(key, v);
    return v;
  } catch {
    return null;
  }
}

/** Saves `value` (null deletes) after a short pause, so a drag saves once. */
export function savePref(key: string, value: unknown, delayMs = 400) {
  cache.set(key, value);
  clearTimeout(timers.get(key));
  timers.set(key, setTimeout(() => {
    timers.delete(key);
    const p = value == null ? call('preference.delete', { key }) : call('preference.set', { key, value: JSON.stringify(value) });
    p.catch(() => {});
  }, delayMs));
}

/** A new user signed in: forget what the last one preferred. */
export function clearPrefs() {
  cache.clear();
}
