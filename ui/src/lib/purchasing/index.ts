// The purchasing module's screens (group Purchasing), each shown when its list command is
// allowed, and its palette searches. The screens are the shared trade components on the
// purchase side.
import type { ScreenDef } from '../shell/screens';
import type { RecordSearch } from '../shell/modules';
import { searchInvoices, searchOrders } from '../trade';
import { PURCHASE } from '../trade/side';
import PurchaseOrders from './PurchaseOrders.svelte';
import PurchaseBills from './PurchaseBills.svelte';
import PurchaseAnalysis from './PurchaseAnalysis.svelte';
import PurchaseOpenLines from './PurchaseOpenLines.svelte';
import SupplierPrices from './SupplierPrices.svelte';

const group = 'trade.group.purchasing';

export const purchasingScreens: ScreenDef[] = [
  { id: PURCHASE.ordersScreen, label: 'trade.screen.purchase_orders', group, icon: 'truck', component: PurchaseOrders, needs: PURCHASE.cmd.listOrders, keywords: 'request for quotation rfq purchase order supplier receive receipt' },
  { id: PURCHASE.invoicesScreen, label: 'trade.screen.purchase_bills', group, icon: 'file', component: PurchaseBills, needs: PURCHASE.cmd.listInvoices, keywords: 'bill debit note supplier payable vendor invoice' },
  { id: 'purchase-analysis', label: 'trade.screen.purchase_analysis', group, icon: 'layers', component: PurchaseAnalysis, needs: 'purchase.report', keywords: 'purchase report spend by product supplier category month' },
  { id: 'purchase-open-lines', label: 'trade.screen.purchase_open_lines', group, icon: 'list', component: PurchaseOpenLines, needs: 'purchase.open_lines', keywords: 'backorder to receive to bill open order lines' },
  { id: 'supplier-prices', label: 'trade.screen.supplier_prices', group, icon: 'tag', component: SupplierPrices, needs: 'supplier_price.list', keywords: 'vendor price supplier code lead time' },
];

export const purchasingSearches: RecordSearch[] = [searchOrders(PURCHASE), searchInvoices(PURCHASE)];
