// Which screen is shown. Screens are plain ids; a record screen carries the record's id.

export interface Route {
  screen: string;
  id?: number;
  /** Open the screen's "new" form at once. */
  create?: boolean;
}

class Router {
  route = $state<Route>({ screen: 'home' });
  go(screen: string, extra: Omit<Route, 'screen'> = {}) {
    this.route = { screen, ...extra };
  }
}

export const router = new Router();
