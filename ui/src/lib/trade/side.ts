// The two sides of trade as data: which commands a screen calls, which partners and
// taxes it offers, which screens it opens. Sales and purchasing share every component in
// this folder; only a `SideDef` tells them apart.
import type { PartnerRole, Side, TaxKind } from '../api';
import { t, type MessageKey, type Values } from '../i18n/index.svelte';

export const SALE = {
  side: 'sale',
  role: 'customer',
  taxKind: 'sales',
  ordersScreen: 'sales-orders',
  invoicesScreen: 'sales-invoices',
  cmd: {
    listOrders: 'sales.list_orders',
    getOrder: 'sales.get_order',
    createOrder: 'sales.create_order',
    updateOrder: 'sales.update_order',
    deleteOrder: 'sales.delete_order',
    sendOrder: 'sales.send_order',
    confirmOrder: 'sales.confirm_order',
    cancelOrder: 'sales.cancel_order',
    ship: 'sales.deliver',
    ret: 'sales.return',
    invoiceOrder: 'sales.invoice_order',
    creditOrder: 'sales.credit_order',
    listInvoices: 'sales.list_invoices',
    getInvoice: 'sales.get_invoice',
    createInvoice: 'sales.create_invoice',
    updateInvoice: 'sales.update_invoice',
    postInvoice: 'sales.post_invoice',
    cancelInvoice: 'sales.cancel_invoice',
    creditInvoice: 'sales.credit_invoice',
  },
} as const;

export const PURCHASE = {
  side: 'purchase',
  role: 'supplier',
  taxKind: 'purchase',
  ordersScreen: 'purchase-orders',
  invoicesScreen: 'purchase-bills',
  cmd: {
    listOrders: 'purchase.list_orders',
    getOrder: 'purchase.get_order',
    createOrder: 'purchase.create_order',
    updateOrder: 'purchase.update_order',
    deleteOrder: 'purchase.delete_order',
    sendOrder: 'purchase.send_order',
    confirmOrder: 'purchase.confirm_order',
    cancelOrder: 'purchase.cancel_order',
    ship: 'purchase.receive',
    ret: 'purchase.return',
    invoiceOrder: 'purchase.bill_order',
    creditOrder: 'purchase.debit_order',
    listInvoices: 'purchase.list_bills',
    getInvoice: 'purchase.get_bill',
    createInvoice: 'purchase.create_bill',
    updateInvoice: 'purchase.update_bill',
    postInvoice: 'purchase.post_bill',
    cancelInvoice: 'purchase.cancel_bill',
    creditInvoice: 'purchase.debit_bill',
  },
} as const;

export type SideDef = typeof SALE | typeof PURCHASE;

export interface SideInfo {
  side: Side;
  role: PartnerRole;
  taxKind: TaxKind;
}

export const sideOf = (s: Side): SideDef => (s === 'sale' ? SALE : PURCHASE);

/** A word that differs by side ("Deliver" / "Receive"): `trade.<side>.<key>`. */
export function w(side: SideDef, key: string, values?: Values): string {
  return t(`trade.${side.side}.${key}` as MessageKey, values);
}

/**
 * A fresh idempotency key for one user action: the same action sent twice (a double
 * click, a retry after a lost answer) is done once by the core.
 */
export function newKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
