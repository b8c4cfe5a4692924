// Drill-down between reports: a figure opens the general ledger of its account for its
// range; a ledger line opens its journal entry. The route carries the account id; the
// range travels here, read once by the general ledger when it opens.
import { router } from '../shell/router.svelte';
import type { Range } from './reports';

export const GL_SCREEN = 'report-general-ledger';
export const ENTRY_SCREEN = 'entries';

class Drill {
  pending = $state<(Range & { account: number }) | null>(null);

  /** Opens the general ledger of `account` over `range`. */
  ledger(account: number, range: Range) {
    this.pending = { account, ...range };
    return router.go(GL_SCREEN, { id: account });
  }

  /** The range asked for `account`, once (a later visit keeps the screen's own). */
  take(account: number | undefined): Range | null {
    const p = this.pending;
    if (!p || p.account !== account) return null;
    this.pending = null;
    return { from: p.from, to: p.to };
  }

  /** Opens a journal entry (the accounting screens own the entry editor). */
  entry(id: number) {
    return router.go(ENTRY_SCREEN, { id });
  }
}

export const drill = new Drill();
