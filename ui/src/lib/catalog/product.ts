// A product's editable shape, its conversion to the commands' arguments, and the words
// the lists show for its kind and type. Pure: tested in catalog.test.ts.
import type { ComponentInput, CreateProductArgs, Product, ProductDetail, ProductKind, UpdateProductArgs } from '../api';
import { t, type MessageKey } from '../i18n/index.svelte';

export interface ComponentDraft {
  product_id: number;
  sku: string;
  name: string;
  quantity: string;
  unit_code: string;
}

/**
 * Everything the product editor edits. The attributes (variants tab) and the kit's
 * components are part of the draft: they count toward unsaved changes, Save saves them
 * with the rest, and each tab's own button saves just its part.
 */
export interface ProductDraft {
  sku: string;
  name: string;
  description: string;
  barcode: string;
  category_id: number | null;
  brand_id: number | null;
  unit_id: number | null;
  kind: ProductKind;
  sale_price: string;
  cost: string;
  attributes: number[];
  components: ComponentDraft[];
}

/** The parts of a draft saved by separate commands. */
export type DraftPart = 'general' | 'attributes' | 'components';
const PARTS: DraftPart[] = ['general', 'attributes', 'components'];

export const KINDS: ProductKind[] = ['stockable', 'consumable', 'service'];

export function blankProduct(): ProductDraft {
  return {
    sku: '', name: '', description: '', barcode: '', category_id: null, brand_id: null, unit_id: null, kind: 'stockable',
    sale_price: '0', cost: '0', attributes: [], components: [],
  };
}

export function fromDetail(d: ProductDetail): ProductDraft {
  const x = d.product;
  return {
    sku: x.sku, name: x.name, description: x.description, barcode: x.barcode ?? '', category_id: x.category_id, brand_id: x.brand_id,
    unit_id: x.unit_id, kind: x.kind, sale_price: x.sale_price, cost: x.cost,
    attributes: d.attributes.map((a) => a.attribute_id),
    components: d.components.map((c) => ({ product_id: c.product_id, sku: c.sku, name: c.name, quantity: c.quantity, unit_code: c.unit_code })),
  };
}

function general(d: ProductDraft) {
  return { sku: d.sku.trim(), name: d.name.trim(), description: d.description, sale_price: String(d.sale_price).trim(), cost: String(d.cost).trim(), kind: d.kind };
}

export function createArgs(d: ProductDraft): CreateProductArgs {
  return {
    ...general(d), barcode: d.barcode.trim() || undefined,
    category_id: d.category_id ?? undefined, brand_id: d.brand_id ?? undefined, unit_id: d.unit_id ?? undefined,
  };
}

export function updateArgs(id: number, d: ProductDraft): UpdateProductArgs {
  return {
    id, ...general(d), barcode: d.barcode.trim(),
    category_id: d.category_id ?? undefined, clear_category: d.category_id == null,
    brand_id: d.brand_id ?? undefined, clear_brand: d.brand_id == null, unit_id: d.unit_id ?? undefined,
  };
}

export function componentInputs(d: ProductDraft): ComponentInput[] {
  return d.components.map((c) => ({ product_id: c.product_id, quantity: String(c.quantity).trim() }));
}

function part(d: ProductDraft, p: DraftPart): string {
  if (p === 'attributes') return JSON.stringify(d.attributes);
  if (p === 'components') return JSON.stringify(componentInputs(d));
  const { attributes: _a, components: _c, ...rest } = d;
  return JSON.stringify({ ...rest, sale_price: String(rest.sale_price), cost: String(rest.cost) });
}

/** The parts of `draft` that differ from `base` (what Save has to send). */
export function changedParts(draft: ProductDraft, base: ProductDraft): DraftPart[] {
  return PARTS.filter((p) => part(draft, p) !== part(base, p));
}

/**
 * `fresh` (the record as it is now, after a part was saved or the record reloaded) with
 * the parts in `keep` (edited by the user, not saved yet) as the user left them.
 */
export function keepUnsaved(fresh: ProductDraft, draft: ProductDraft, keep: DraftPart[]): ProductDraft {
  const out: ProductDraft = { ...fresh, attributes: [...fresh.attributes], components: fresh.components.map((c) => ({ ...c })) };
  if (keep.includes('general')) {
    const { attributes: _a, components: _c, ...rest } = draft;
    Object.assign(out, rest);
  }
  if (keep.includes('attributes')) out.attributes = [...draft.attributes];
  if (keep.includes('components')) out.components = draft.components.map((c) => ({ ...c }));
  return out;
}

/**
 * The cost a products list row shows: a kit's cost rolled up from its components.
 * The one place to switch once `effective_cost` is in the generated `Product` binding.
 */
export function listCost(p: Product): string {
  // null: a kit whose cost cannot be computed (lines from before the checks); its own cost stands in.
  return p.effective_cost ?? p.cost;
}

export type ProductType = 'template' | 'variant' | 'kit';

/** What kind of record a product is beyond a plain one. */
export function productType(p: Pick<Product, 'is_template' | 'parent_id' | 'is_kit'>): ProductType | null {
  return p.is_template ? 'template' : p.parent_id != null ? 'variant' : p.is_kit ? 'kit' : null;
}

const KIND_KEYS: Record<ProductKind, MessageKey> = { stockable: 'catalog.kind.stockable', consumable: 'catalog.kind.consumable', service: 'catalog.kind.service' };
const TYPE_KEYS: Record<ProductType, MessageKey> = { template: 'catalog.type.template', variant: 'catalog.type.variant', kit: 'catalog.type.kit' };

export function kindLabel(k: ProductKind): string {
  return KIND_KEYS[k] ? t(KIND_KEYS[k]) : k;
}

export function typeLabel(p: ProductType | null): string {
  return p ? t(TYPE_KEYS[p]) : '';
}

export function kindOptions(): { value: ProductKind; label: string }[] {
  return KINDS.map((k) => ({ value: k, label: kindLabel(k) }));
}
