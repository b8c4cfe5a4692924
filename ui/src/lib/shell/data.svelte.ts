// Change events from the shell, as a counter per entity that lists watch: when anyone
// (this window, another one, the `cora` CLI) writes to the open company, its lists refresh.
import { events, type Change } from '../api';
import { session } from '../session/session.svelte';

const GLOBAL = ['company', 'user'];

class DataVersion {
  /** entity → version; '*' bumps on any change in the current company. */
  versions = $state<Record<string, number>>({});
  private started = false;

  start() {
    if (this.started) return;
    this.started = true;
    events.onDataChanged((changes) => this.apply(changes));
  }

  /** After this window's own write: refresh at once rather than at the next tick. */
  touch(...entities: string[]) {
    const v = { ...this.versions };
    for (const e of [...entities, '*']) v[e] = (v[e] ?? 0) + 1;
    this.versions = v;
  }

  apply(changes: Change[]) {
    // Companies and users are installation-wide lists: any company's change counts.
    const mine = changes.filter((c) => c.company == null || c.company === session.companyId || GLOBAL.includes(c.entity));
    if (!mine.length) {
      // Another company changed: the switcher's list may be stale.
      if (changes.some((c) => c.entity === 'company')) session.reloadMe().catch(() => {});
      return;
    }
    const v = { ...this.versions };
    for (const c of mine) v[c.entity] = (v[c.entity] ?? 0) + 1;
    v['*'] = (v['*'] ?? 0) + 1;
    this.versions = v;
    if (changes.some((c) => ['company', 'membership', 'role', 'user'].includes(c.entity))) session.reloadMe().catch(() => {});
  }

  of(...entities: string[]): number {
    return entities.reduce((n, e) => n + (this.versions[e] ?? 0), 0);
  }
}

export const data = new DataVersion();
