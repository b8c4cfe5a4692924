// The trade screens' shared registrations: the palette's search of orders and invoices
// by number, reference or partner, per side (only where the role sees them).
import { call } from '../api';
import { t } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import type { RecordSearch } from '../shell/modules';
import { formatMoney } from '../ui/format';
import { invoiceKindLabel, invoiceStateLabel, orderStateLabel } from './lookups';
import { w, type SideDef } from './side';

export function searchOrders(side: SideDef): RecordSearch {
  return async (q) => {
    if (!session.can(side.cmd.listOrders)) return [];
    const page = await call(side.cmd.listOrders, { search: q, limit: 6 });
    return page.items.map((o) => ({
      label: o.number ?? w(side, 'quotation_title', { partner: o.partner_name }),
      sub: `${o.partner_name} · ${orderStateLabel(side, o.state)} · ${formatMoney(o.total, o.currency, session.locale)}`,
      screen: side.ordersScreen,
      id: o.id,
    }));
  };
}

export function searchInvoices(side: SideDef): RecordSearch {
  return async (q) => {
    if (!session.can(side.cmd.listInvoices)) return [];
    const page = await call(side.cmd.listInvoices, { search: q, limit: 6 });
    return page.items.map((i) => ({
      label: i.number ?? t('trade.invoice.title_draft', { kind: invoiceKindLabel(side, i.kind) }),
      sub: `${invoiceKindLabel(side, i.kind)} · ${i.partner_name} · ${invoiceStateLabel(i.state)} · ${formatMoney(i.total, i.currency, session.locale)}`,
      screen: side.invoicesScreen,
      id: i.id,
    }));
  };
}
