// The catalog's reference lists, fetched in one place each: a search string in (run in
// SQL through the list command's `query.search`), picker hits out. The product editor's
// selects use them today; the keyboard RecordPicker takes the same functions.
import { t } from '../i18n/index.svelte';
import { call, type Attribute, type Brand, type Category, type Product, type Unit } from '../api';

/** One choice in a picker (or a select). */
export interface LookupHit {
  id: number;
  label: string;
  sub?: string;
}

/** A product hit also carries what a kit's component row shows. */
export interface ProductHit extends LookupHit {
  sku: string;
  name: string;
  unit_code: string;
}

/** How many hits one lookup returns (a picker shows the first few; the backend caps a page at 500). */
export const LOOKUP_LIMIT = 500;

const q = (search: string, limit: number, sort?: string) => ({ search: search.trim() || undefined, sort, limit });

export const categoryHit = (c: Category): LookupHit => ({ id: c.id, label: c.path });
export const brandHit = (b: Brand): LookupHit => ({ id: b.id, label: b.name });
export const unitHit = (u: Unit): LookupHit => ({ id: u.id, label: u.code, sub: u.name });
export const attributeHit = (a: Attribute): LookupHit => ({ id: a.id, label: a.name, sub: a.values.map((v) => v.name).join(', ') });
export const productHit = (p: Product): ProductHit => ({ id: p.id, label: p.name, sub: p.sku, sku: p.sku, name: p.name, unit_code: p.unit_code });

/** Categories by words of their name, in tree (path) order; the label is the full path. */
export async function lookupCategories(search: string, limit = LOOKUP_LIMIT): Promise<LookupHit[]> {
  return (await call('catalog.list_categories', { query: q(search, limit, 'path') })).items.map(categoryHit);
}

/** Brands that are not archived, by words of their name. */
export async function lookupBrands(search: string, limit = LOOKUP_LIMIT): Promise<LookupHit[]> {
  return (await call('catalog.list_brands', { query: q(search, limit, 'name') })).items.map(brandHit);
}

/** Units by words of their code or name; label the code, sub the name. */
export async function lookupUnits(search: string, limit = LOOKUP_LIMIT): Promise<LookupHit[]> {
  return (await call('catalog.list_units', { query: q(search, limit, 'dimension') })).items.map(unitHit);
}

/** Attributes by words of their name; sub lists their values in order. */
export async function lookupAttributes(search: string, limit = LOOKUP_LIMIT): Promise<LookupHit[]> {
  return (await call('catalog.list_attributes', { query: q(search, limit, 'name') })).items.map(attributeHit);
}

/** Products that can be sold or stocked (no templates) by name, SKU or barcode: a kit's components. */
export async function lookupComponents(search: string, limit = 8): Promise<ProductHit[]> {
  if (!search.trim()) return [];
  return (await call('catalog.list_products', { transactable_only: true, query: q(search, limit) })).items.map(productHit);
}

/** Select options from hits; the current value stays choosable even when the list does not hold it. */
export function toOptions(hits: LookupHit[], current?: { id: number | null; label: string | null | undefined }): { value: number; label: string }[] {
  const opts = hits.map((h) => ({ value: h.id, label: h.sub ? `${h.label} — ${h.sub}` : h.label }));
  if (current && current.id != null && !hits.some((h) => h.id === current.id)) opts.unshift({ value: current.id, label: current.label || `#${current.id}` });
  return opts;
}

/** A brand by id (there is no single-brand command; brands are few): pages the list until found. */
export async function getBrand(id: number): Promise<Brand> {
  let cursor: string | undefined;
  for (;;) {
    const page = await call('catalog.list_brands', { query: { limit: LOOKUP_LIMIT, cursor, include_archived: true } });
    const hit = page.items.find((b) => b.id === id);
    if (hit) return hit;
    if (!page.next_cursor) throw new Error(t('catalog.brand.not_found'));
    cursor = page.next_cursor;
  }
}
