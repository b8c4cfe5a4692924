// The purchasing module's screens (group Purchasing), each shown when its list command is
// allowed, and its palette searches. The screens are the shared trade components on the
// purchase side.
import type { ScreenDef } from '../shell/screens';
import type { RecordSearch } from '../shell/modules';
import { searchInvoices, searchOrders } from '../trade';
import { PURCHASE } from '../trade/side';
import PurchaseOrders from './PurchaseOrders.svelte';
import PurchaseBills from './PurchaseBills.svelte';

const group = 'trade.group.purchasing';

export const purchasingScreens: ScreenDef[] = [
  { id: PURCHASE.ordersScreen, label: 'trade.screen.purchase_orders', group, icon: 'truck', component: PurchaseOrders, needs: PURCHASE.cmd.listOrders, keywords: 'request for quotation rfq purchase order supplier receive receipt' },
  { id: PURCHASE.invoicesScreen, label: 'trade.screen.purchase_bills', group, icon: 'file', component: PurchaseBills, needs: PURCHASE.cmd.listInvoices, keywords: 'bill debit note supplier payable vendor invoice' },
];

export const purchasingSearches: RecordSearch[] = [searchOrders(PURCHASE), searchInvoices(PURCHASE)];
