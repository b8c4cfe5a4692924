// The inventory module's reference lists and labels: warehouses and locations (few, kept
// in the lookup cache until a change event touches them), products searched in SQL through
// the catalog's list (name, SKU or barcode), lots, and the kinds' and states' words.
import { call, type Location, type PickingKind, type PickingState, type Product, type Warehouse } from '../api';
import { lookup } from '../ui/lookup';
import type { PickerOption } from '../ui/picker';
import type { Tone } from '../ui/StatusBadge.svelte';
import { t } from '../i18n/index.svelte';
import { productLabel } from './picking';

export function warehouses(includeArchived = false): Promise<Warehouse[]> {
  return lookup(`warehouses:${includeArchived}`, ['warehouse'], () => call('warehouse.list', { include_archived: includeArchived || undefined }));
}

/** Every warehouse's tree, then the virtual locations. */
export function locations(): Promise<Location[]> {
  return lookup('locations', ['warehouse', 'location'], () => call('location.list', {}));
}

export const kindLabel = (k: PickingKind) => t(`inventory.kind.${k}`);
export const stateLabel = (s: PickingState) => t(`inventory.state.${s}`);
export const STATE_TONES: Record<PickingState, Tone> = { draft: 'neutral', ready: 'accent', done: 'ok', cancelled: 'danger' };

/** A location as a choice: its full name; virtual ones say so. */
export function locationOption(l: Location): { value: number; label: string } {
  return { value: l.id, label: l.kind === 'internal' ? l.full_name : `${l.full_name} (${t(`inventory.location_kind.${l.kind}`)})` };
}

/** Products met in searches, so a pick can fill the unit without another call. */
const seen = new Map<number, Product>();
export const seenProduct = (id: number) => seen.get(id);

/** Stockable products by words of their name, SKU or barcode (searched in SQL). */
export async function findProducts(search: string, limit: number): Promise<Product[]> {
  const page = await call('catalog.list_products', { transactable_only: true, query: { search: search.trim() || undefined, limit } });
  for (const p of page.items) seen.set(p.id, p);
  return page.items;
}

export async function searchProducts(q: string, limit: number): Promise<PickerOption[]> {
  return (await findProducts(q, limit)).map((p) => ({ id: p.id, label: productLabel(p), sub: p.barcode ? `${p.unit_code} · ${p.barcode}` : p.unit_code }));
}

export async function resolveProduct(id: string | number): Promise<string> {
  const d = await call('catalog.get_product', { id: Number(id) });
  return productLabel(d.product);
}

export async function searchUnits(q: string, limit: number): Promise<PickerOption[]> {
  const page = await call('catalog.list_units', { query: { search: q.trim() || undefined, limit } });
  return page.items.map((u) => ({ id: u.id, label: u.code, sub: u.name }));
}

export async function searchLots(q: string, limit: number, productId?: number): Promise<PickerOption[]> {
  const lots = await call('lot.list', { search: q.trim() || undefined, product_id: productId, limit });
  return lots.map((l) => ({ id: l.id, label: l.code, sub: l.sku }));
}

export async function searchPartners(q: string, limit: number): Promise<PickerOption[]> {
  const page = await call('partner.list', { query: { search: q.trim() || undefined, limit } });
  return page.items.map((p) => ({ id: p.id, label: p.name, sub: p.code }));
}

export async function resolvePartner(id: string | number): Promise<string> {
  return (await call('partner.get', { id: Number(id) })).name;
}
