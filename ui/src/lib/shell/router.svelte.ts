// Which screen is shown, with a history (Back / Forward) and a memory of each screen's
// state, so a list comes back as the user left it: search, sort, filters, scroll,
// selection. Screens are plain ids; a record screen carries the record's id.
//
// Navigation asks the leave guards first (an editor with unsaved changes registers
// one): if any says no, nothing moves.

export interface Route {
  screen: string;
  id?: number;
  /** Open the screen's "new" form at once. */
  create?: boolean;
}

export type LeaveGuard = () => Promise<boolean> | boolean;

const LIMIT = 100;

function same(a: Route, b: Route): boolean {
  return a.screen === b.screen && a.id === b.id && !!a.create === !!b.create;
}

export class Router {
  route = $state<Route>({ screen: 'home' });
  private stack = $state<Route[]>([{ screen: 'home' }]);
  private index = $state(0);
  /** Bumps on every navigation, also to the route already shown (the palette re-picks a record). */
  seq = $state(0);
  canBack = $derived(this.index > 0);
  canForward = $derived(this.index < this.stack.length - 1);
  private guards = new Set<LeaveGuard>();
  /** Each screen's remembered state, by scope (the company) and screen id. Plain: never proxied. */
  private memory = new Map<string, unknown>();
  private scope = '';

  /** Opens a screen (and a record on it) as a new history entry; forward entries are dropped. */
  async go(screen: string, extra: Omit<Route, 'screen'> = {}): Promise<boolean> {
    const to: Route = { screen, ...extra };
    if (!(await this.mayLeave())) return false;
    if (!same(to, this.route)) {
      const kept = this.stack.slice(0, this.index + 1);
      kept.push(to);
      this.stack = kept.slice(-LIMIT);
      this.index = this.stack.length - 1;
    }
    this.show(to);
    return true;
  }

  /** Replaces the current entry (closing a record goes back to its list without a new entry). */
  async replace(screen: string, extra: Omit<Route, 'screen'> = {}, guarded = true): Promise<boolean> {
    if (guarded && !(await this.mayLeave())) return false;
    const to: Route = { screen, ...extra };
    const s = [...this.stack];
    s[this.index] = to;
    this.stack = s;
    this.show(to);
    return true;
  }

  async back(): Promise<boolean> {
    return this.move(-1);
  }

  async forward(): Promise<boolean> {
    return this.move(1);
  }

  /** Closes the record on the current screen: back, when the entry before is its list; else replaced by the list. */
  async closeRecord(guarded = false): Promise<boolean> {
    const prev = this.stack[this.index - 1];
    if (guarded && !(await this.mayLeave())) return false;
    if (prev && prev.screen === this.route.screen && prev.id == null && !prev.create) {
      this.index -= 1;
      this.show(prev);
      return true;
    }
    return this.replace(this.route.screen, {}, false);
  }

  private async move(d: number): Promise<boolean> {
    const i = this.index + d;
    if (i < 0 || i >= this.stack.length) return false;
    if (!(await this.mayLeave())) return false;
    this.index = i;
    this.show(this.stack[i]);
    return true;
  }

  private show(r: Route) {
    this.route = r;
    this.seq++;
  }

  /** While `guard` is registered, navigation asks it first. Returns the unregister function. */
  guard(g: LeaveGuard): () => void {
    this.guards.add(g);
    return () => this.guards.delete(g);
  }

  async mayLeave(): Promise<boolean> {
    for (const g of [...this.guards]) if (!(await g())) return false;
    return true;
  }

  /** A new company (or a sign-out): history and screen memory start over. */
  reset(scope: string) {
    if (scope === this.scope) return;
    this.scope = scope;
    this.memory.clear();
    this.guards.clear();
    this.stack = [{ screen: 'home' }];
    this.index = 0;
    this.show({ screen: 'home' });
  }

  /** A screen's remembered state (undefined the first time). */
  recall<T>(key: string): T | undefined {
    return this.memory.get(key) as T | undefined;
  }

  remember(key: string, state: unknown) {
    this.memory.set(key, state);
  }
}

export const router = new Router();
