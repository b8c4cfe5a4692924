// The inventory module's screens (group Inventory), each shown when its command is
// allowed: a role without `inventory.view_valuation` does not see the valuation, one
// without `inventory.move_stock` not the transfer wizard. Stocktaking shows its counts to
// whoever sees stock; starting, counting and posting need `inventory.move_stock`.
import { call } from '../api';
import { t } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import type { ScreenDef } from '../shell/screens';
import type { RecordSearch } from '../shell/modules';
import Warehouses from './Warehouses.svelte';
import Pickings from './Pickings.svelte';
import TransferWizard from './TransferWizard.svelte';
import StockOnHand from './StockOnHand.svelte';
import LotTrace from './LotTrace.svelte';
import Valuation from './Valuation.svelte';
import Stocktaking from './Stocktaking.svelte';
import StockReport from './StockReport.svelte';
import ToReorder from './ToReorder.svelte';
import ReorderRules from './ReorderRules.svelte';
import Settings from './Settings.svelte';
import { kindLabel, stateLabel } from './lookups';

const group = 'inventory.group';

export const inventoryScreens: ScreenDef[] = [
  { id: 'pickings', label: 'inventory.screen.pickings', group, icon: 'truck', component: Pickings, needs: 'picking.list', keywords: 'receipt delivery transfer adjustment scrap picking stock move' },
  { id: 'stock-transfer', label: 'inventory.screen.transfer', group, icon: 'layers', component: TransferWizard, needs: 'picking.create', keywords: 'move stock internal transfer' },
  { id: 'stock-on-hand', label: 'inventory.screen.on_hand', group, icon: 'box', component: StockOnHand, needs: 'stock.on_hand', keywords: 'stock quantity available history moves report' },
  { id: 'stock-report', label: 'inventory.screen.stock_report', group, icon: 'list', component: StockReport, needs: 'stock.report', keywords: 'stock report inventory quantity by location lot warehouse at date export print' },
  { id: 'to-reorder', label: 'inventory.screen.to_reorder', group, icon: 'truck', component: ToReorder, needs: 'stock.to_reorder', keywords: 'replenish reorder purchase minimum forecast' },
  { id: 'reorder-rules', label: 'inventory.screen.reorder_rules', group, icon: 'settings', component: ReorderRules, needs: 'reorder_rule.list', keywords: 'replenish reorder min max multiple supplier' },
  { id: 'lot-trace', label: 'inventory.screen.lot_trace', group, icon: 'search', component: LotTrace, needs: 'lot.trace', keywords: 'lot serial batch traceability recall' },
  { id: 'stocktaking', label: 'inventory.screen.stocktaking', group, icon: 'check', component: Stocktaking, needs: 'count.list', keywords: 'stocktaking physical inventory count cycle count sheet scan barcode' },
  { id: 'stock-valuation', label: 'inventory.screen.valuation', group, icon: 'list', component: Valuation, needs: 'inventory.valuation', keywords: 'stock value cost average report' },
  { id: 'warehouses', label: 'inventory.screen.warehouses', group, icon: 'building', component: Warehouses, needs: 'warehouse.list', keywords: 'locations bins shelves' },
  { id: 'inventory-settings', label: 'inventory.screen.settings', group, icon: 'settings', component: Settings, needs: 'inventory.settings', keywords: 'negative stock costing method' },
];

/** Pickings by number or reference, for the command palette (only where the role sees them). */
export const searchPickings: RecordSearch = async (q) => {
  if (!session.can('picking.list')) return [];
  const page = await call('picking.list', { search: q, limit: 6 });
  return page.items.map((p) => ({
    label: p.number ?? (p.reference || t('inventory.picking.title_draft', { kind: kindLabel(p.kind) })),
    sub: `${kindLabel(p.kind)} · ${stateLabel(p.state)}${p.number && p.reference ? ` · ${p.reference}` : ''}`,
    screen: 'pickings',
    id: p.id,
  }));
};

/** Stock counts by number or note, for the command palette (only where the role sees them). */
export const searchCounts: RecordSearch = async (q) => {
  if (!session.can('count.list')) return [];
  const page = await call('count.list', { search: q, limit: 6 });
  return page.items.map((c) => ({
    label: c.number ?? t('inventory.count.title_running', { scope: c.location }),
    sub: `${t(`inventory.count.state.${c.state}`)}${c.note ? ` · ${c.note}` : ''}`,
    screen: 'stocktaking',
    id: c.id,
  }));
};
