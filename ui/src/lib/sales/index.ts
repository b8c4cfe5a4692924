// The sales module's screens (group Sales), each shown when its list command is allowed,
// and its palette searches. The screens are the shared trade components on the sales side.
import type { ScreenDef } from '../shell/screens';
import type { RecordSearch } from '../shell/modules';
import { searchInvoices, searchOrders } from '../trade';
import { SALE } from '../trade/side';
import TradeSettings from '../trade/Settings.svelte';
import SalesOrders from './SalesOrders.svelte';
import SalesInvoices from './SalesInvoices.svelte';
import SalesAnalysis from './SalesAnalysis.svelte';
import SalesOpenLines from './SalesOpenLines.svelte';
import PriceLists from './PriceLists.svelte';

const group = 'trade.group.sales';

export const salesScreens: ScreenDef[] = [
  { id: SALE.ordersScreen, label: 'trade.screen.sales_orders', group, icon: 'file', component: SalesOrders, needs: SALE.cmd.listOrders, keywords: 'quotation quote sales order customer deliver delivery' },
  { id: SALE.invoicesScreen, label: 'trade.screen.sales_invoices', group, icon: 'file', component: SalesInvoices, needs: SALE.cmd.listInvoices, keywords: 'invoice credit note customer receivable billing' },
  { id: 'sales-analysis', label: 'trade.screen.sales_analysis', group, icon: 'layers', component: SalesAnalysis, needs: 'sales.report', keywords: 'sales report revenue margin cost by product customer category month' },
  { id: 'sales-open-lines', label: 'trade.screen.sales_open_lines', group, icon: 'list', component: SalesOpenLines, needs: 'sales.open_lines', keywords: 'backorder to deliver to invoice open order lines' },
  { id: 'price-lists', label: 'trade.screen.price_lists', group, icon: 'tag', component: PriceLists, needs: 'price_list.list', keywords: 'pricelist customer price discount quantity' },
  { id: 'trade-settings', label: 'trade.screen.settings', group, icon: 'settings', component: TradeSettings, needs: 'trade.get_settings', keywords: 'invoicing policy delivered ordered sales purchasing settings' },
];

export const salesSearches: RecordSearch[] = [searchOrders(SALE), searchInvoices(SALE)];
