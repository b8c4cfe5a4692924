// Which screen is shown. Screens are plain ids; a record screen carries the record's id.

export interface Route {
  screen: string;
  id?: number;
  /** Open the screen's "new" form at once. */
  create?: boolean;
}

class Router {
  route = $state<Route>({ screen: 'home' });
  // Stand-ins for the history API the router's owner implements (back/forward over
  // visited routes); present here only so the shell type-checks. Take theirs on merge.
  canBack = $state(false);
  canForward = $state(false);
  go(screen: string, extra: Omit<Route, 'screen'> = {}) {
    this.route = { screen, ...extra };
  }
  back() {}
  forward() {}
}

export const router = new Router();
