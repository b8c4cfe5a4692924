// "Register payment" from an invoice, "Receive payment" / "Pay" from a partner: the new
// payment form opens prefilled. The route says only "new payment"; what to prefill travels
// here and is read once by the form that opens.
import type { Direction, PartnerSide } from '../api';
import { router } from '../shell/router.svelte';

export const PAYMENTS_SCREEN = 'payments';

export interface PayIntent {
  side: PartnerSide;
  partnerId: number;
  direction?: Direction;
  /** The invoice being paid: its open item is allocated first. */
  invoiceId?: number;
  /** What to pay, in the invoice's currency (default: nothing typed). */
  amount?: string;
  /** A bank account in the invoice's currency is chosen when there is one. */
  currency?: string;
}

class PayIntents {
  pending = $state<PayIntent | null>(null);

  /** Opens a new payment prefilled with `i`. */
  open(i: PayIntent) {
    this.pending = i;
    return router.go(PAYMENTS_SCREEN, { create: true });
  }

  /** The prefill, once (a later new payment starts blank). */
  take(): PayIntent | null {
    const p = this.pending;
    this.pending = null;
    return p;
  }
}

export const payIntent = new PayIntents();
