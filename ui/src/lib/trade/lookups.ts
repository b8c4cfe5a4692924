// What the trade screens look up: partners of the side's role (searched in SQL), the
// side's taxes and tax groups (few: kept in the lookup cache until a change event), and
// the labels of states and statuses.
import { call, type DeliveryStatus, type InvoiceKind, type InvoiceState, type InvoiceStatus, type OrderState, type PartnerRole, type Tax, type TaxGroup, type TaxKind } from '../api';
import { lookup } from '../ui/lookup';
import type { PickerOption } from '../ui/picker';
import { t } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { w, type SideDef } from './side';

/** Customers (sales) or suppliers (purchases) by words of their name or code. */
export function partnerSearch(role: PartnerRole) {
  return async (q: string, limit: number): Promise<PickerOption[]> => {
    const page = await call('partner.list', { role, query: { search: q.trim() || undefined, limit } });
    return page.items.map((p) => ({ id: p.id, label: p.name, sub: p.code }));
  };
}

export async function resolvePartner(id: string | number): Promise<string> {
  return (await call('partner.get', { id: Number(id) })).name;
}

/** Every tax (the lines name them by id; archived ones still label old lines). */
export function allTaxes(): Promise<Tax[]> {
  if (!session.can('tax.list')) return Promise.resolve([]);
  return lookup('trade.taxes', ['tax'], () => call('tax.list', { include_archived: true }));
}

/** The side's taxes: sales taxes on sales, purchase taxes on purchases. */
export async function sideTaxes(kind: TaxKind): Promise<Tax[]> {
  return (await allTaxes()).filter((x) => x.kind === kind);
}

export async function sideGroups(kind: TaxKind): Promise<TaxGroup[]> {
  if (!session.can('tax.groups')) return [];
  const groups = await lookup('trade.tax_groups', ['tax', 'tax_group'], () => call('tax.groups', {}));
  return groups.filter((g) => g.kind === kind);
}

export const orderStateLabel = (side: SideDef, s: OrderState) => (s === 'draft' || s === 'sent' ? w(side, `state.${s}`) : t(`trade.order_state.${s}`));
export const invoiceStateLabel = (s: InvoiceState) => t(`trade.invoice_state.${s}`);
export const deliveryLabel = (side: SideDef, s: DeliveryStatus) => w(side, `delivery.${s}`);
export const invoiceStatusLabel = (side: SideDef, s: InvoiceStatus) => w(side, `invoicing.${s}`);
export const invoiceKindLabel = (side: SideDef, k: InvoiceKind) => w(side, `kind.${k}`);
