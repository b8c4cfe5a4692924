// The production module's screens (group Manufacturing), each shown when its command is
// allowed, and its palette search of production orders by number, product or origin.
import { t } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import type { ScreenDef } from '../shell/screens';
import type { RecordSearch } from '../shell/modules';
import { formatNumber } from '../ui/format';
import { stateLabel } from './lookups';
import { listOrders } from './types';
import Orders from './Orders.svelte';
import Planning from './Planning.svelte';
import Boms from './Boms.svelte';
import BomTree from './BomTree.svelte';
import WhereUsed from './WhereUsed.svelte';
import WorkCentres from './WorkCentres.svelte';
import Trace from './Trace.svelte';
import Settings from './Settings.svelte';

const group = 'production.group';

export const productionScreens: ScreenDef[] = [
  { id: 'production-orders', label: 'production.screen.orders', group, icon: 'layers', component: Orders, needs: 'production.list_orders', keywords: 'manufacturing production order mo make produce build consume unbuild wip' },
  { id: 'production-planning', label: 'production.screen.planning', group, icon: 'clock', component: Planning, needs: 'planning.latest_run', keywords: 'mrp requirements planning run proposals make buy shortage lead time pegging demand' },
  { id: 'boms', label: 'production.screen.boms', group, icon: 'list', component: Boms, needs: 'bom.list', keywords: 'bill of materials bom recipe components by-product operations routing cost' },
  { id: 'bom-tree', label: 'production.screen.tree', group, icon: 'folder', component: BomTree, needs: 'bom.explode', keywords: 'bom explosion multi-level tree structure cost roll-up' },
  { id: 'bom-where-used', label: 'production.screen.where_used', group, icon: 'search', component: WhereUsed, needs: 'bom.where_used', keywords: 'where used implosion component parent bom' },
  { id: 'work-centres', label: 'production.screen.work_centres', group, icon: 'building', component: WorkCentres, needs: 'work_centre.list', keywords: 'work centre center machine line labour rate hour' },
  { id: 'production-trace', label: 'production.screen.trace', group, icon: 'search', component: Trace, needs: 'production.trace_lot', keywords: 'lot serial genealogy traceability recall produced components' },
  { id: 'production-settings', label: 'production.screen.settings', group, icon: 'settings', component: Settings, needs: 'production.get_settings', keywords: 'wip work in progress absorption variance accounts settings' },
];

/** Production orders by number, SKU, product name or origin, for the command palette. */
export const searchProductionOrders: RecordSearch = async (q) => {
  if (!session.can('production.list_orders')) return [];
  const rows = await listOrders({ search: q, limit: 6 });
  return rows.map((o) => ({
    label: o.number ?? t('production.order.title_draft', { sku: o.sku }),
    sub: `${o.sku} ${o.product_name} · ${formatNumber(o.quantity, session.locale, 4)} ${o.unit_code} · ${stateLabel(o.state)}${o.origin ? ` · ${o.origin}` : ''}`,
    screen: 'production-orders',
    id: o.id,
  }));
};
