// Opening a partner's statement from elsewhere (the aging, the partner form): the screen
// reads what to show from its remembered state.
import type { ItemSide } from '../api';
import { router } from '../shell/router.svelte';
import { yearToDate } from '../reports/reports';

export const STATEMENT_SCREEN = 'finance-partner-statement';

export interface StatementState {
  partner: number | null;
  side: ItemSide;
  from: string;
  to: string;
}

/** Opens `partner`'s statement on `side`, from the start of the year to `date`. */
export function openStatement(partner: number, side: ItemSide, date: string) {
  const r = yearToDate(date);
  router.remember(STATEMENT_SCREEN, { partner, side, from: r.from, to: r.to } satisfies StatementState);
  return router.go(STATEMENT_SCREEN);
}
