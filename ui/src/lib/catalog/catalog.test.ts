import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Attribute, Brand, Category, Product, ProductDetail, Unit } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { i18n, t } from '../i18n/index.svelte';
import {
  blankProduct, changedParts, componentInputs, createArgs, fromDetail, keepUnsaved, kindLabel, listCost, productType, typeLabel, updateArgs,
} from './product';
import { getBrand, lookupAttributes, lookupBrands, lookupCategories, lookupComponents, lookupUnits, toOptions } from './lookups';
import { allowedParents, indentName, parentPath } from './category';
import { splitValues } from './attribute';
import { dimensionLabel } from './unit';

const product = (o: Partial<Product> = {}): Product => ({
  id: 1, sku: 'TSHIRT', barcode: null, name: 'Classic T-Shirt', description: '', category_id: null, category_name: null, brand_id: null, brand_name: null,
  unit_id: 1, unit_code: 'unit', kind: 'stockable', is_template: false, parent_id: null, is_kit: false, sale_price: '19.90', cost: '7.25',
  archived: false, created_at: '', updated_at: '', effective_cost: '7.25', ...o,
});
const detail = (o: Partial<ProductDetail> = {}): ProductDetail => ({
  product: product(), attributes: [], variant_values: [], variant_count: 0, components: [], effective_cost: '7.25', ...o,
});
const page = <T>(items: T[], next: string | null = null) => ({ items, total: items.length, next_cursor: next });

beforeEach(() => {
  call.mockReset();
  i18n.set('en');
});

describe('products list', () => {
  it('shows a kit at its effective cost, when the row carries it', () => {
    expect(listCost(product({ is_kit: true, cost: '0', effective_cost: null }))).toBe('0');
    expect(listCost({ ...product({ is_kit: true, cost: '0' }), effective_cost: '14.50' } as Product)).toBe('14.50');
  });
  it('names kinds and types in the user language', () => {
    expect(kindLabel('stockable')).toBe('Stockable');
    expect(productType(product({ is_template: true }))).toBe('template');
    expect(productType(product({ parent_id: 4 }))).toBe('variant');
    expect(productType(product({ is_kit: true }))).toBe('kit');
    expect(productType(product())).toBeNull();
    expect(typeLabel(null)).toBe('');
    i18n.set('de');
    expect(kindLabel('service')).toBe('Dienstleistung');
    expect(typeLabel('kit')).toBe('Set');
    expect(dimensionLabel('mass')).toBe('Masse');
  });
  it('counts with plurals and the language grouping', () => {
    expect(t('catalog.count_products', { count: 77682 })).toBe('77,682 products');
    expect(t('catalog.count_products', { count: 1 })).toBe('1 product');
    expect(t('catalog.product.template_badge', { count: 3 })).toBe('Template · 3 variants');
    expect(t('catalog.variants.generated', { created: 3, existing: 0 })).toBe('3 variants created.');
    expect(t('catalog.variants.generated', { created: 1, existing: 2 })).toBe('1 variant created; 2 already existed.');
    i18n.set('de');
    expect(t('catalog.count_products', { count: 77682 })).toBe('77.682 Produkte');
    expect(t('catalog.product.template_badge', { count: 1 })).toBe('Vorlage · 1 Variante');
  });
});

describe('product draft', () => {
  const d = detail({
    product: product({ id: 9, is_kit: true, barcode: '4006381333931', category_id: 2 }),
    components: [{ product_id: 5, sku: 'A', name: 'Part A', quantity: '2', unit_id: 1, unit_code: 'unit' }],
    attributes: [{ attribute_id: 3, name: 'Size', values: [] }],
  });
  it('round-trips a loaded product', () => {
    const x = fromDetail(d);
    expect(x.attributes).toEqual([3]);
    expect(x.components).toEqual([{ product_id: 5, sku: 'A', name: 'Part A', quantity: '2', unit_code: 'unit' }]);
    expect(changedParts(x, fromDetail(d))).toEqual([]);
    expect(componentInputs(x)).toEqual([{ product_id: 5, quantity: '2' }]);
  });
  it('builds create and update arguments (clearing emptied references)', () => {
    const x = { ...blankProduct(), sku: ' NEW ', name: ' New ', brand_id: 4 };
    expect(createArgs(x)).toMatchObject({ sku: 'NEW', name: 'New', barcode: undefined, brand_id: 4, category_id: undefined });
    expect(updateArgs(9, { ...fromDetail(d), category_id: null })).toMatchObject({ id: 9, clear_category: true, clear_brand: true, barcode: '4006381333931' });
  });
  it('knows which parts changed, and keeps unsaved parts over a fresh record', () => {
    const base = fromDetail(d);
    const edited = { ...base, name: 'Renamed', components: [...base.components, { product_id: 6, sku: 'B', name: 'Part B', quantity: '1', unit_code: 'unit' }] };
    expect(changedParts(edited, base)).toEqual(['general', 'components']);
    expect(changedParts({ ...base, attributes: [3, 7] }, base)).toEqual(['attributes']);
    // Only the kit was saved: the record now has both components; the rename stays unsaved.
    const fresh = { ...base, components: edited.components.map((c) => ({ ...c })) };
    const merged = keepUnsaved(fresh, edited, ['general']);
    expect(merged.name).toBe('Renamed');
    expect(changedParts(merged, fresh)).toEqual(['general']);
    expect(keepUnsaved(fresh, edited, [])).toEqual(fresh);
  });
});

describe('lookups', () => {
  it('searches in SQL through query.search and maps to picker hits', async () => {
    call.mockResolvedValueOnce(page<Partial<Category>>([{ id: 2, name: 'Shirts', path: 'Clothing / Shirts' }]));
    expect(await lookupCategories(' shi ')).toEqual([{ id: 2, label: 'Clothing / Shirts' }]);
    expect(call).toHaveBeenLastCalledWith('catalog.list_categories', { query: { search: 'shi', sort: 'path', limit: 500 } });

    call.mockResolvedValueOnce(page<Partial<Brand>>([{ id: 4, name: 'Acme' }]));
    expect(await lookupBrands('')).toEqual([{ id: 4, label: 'Acme' }]);
    expect(call).toHaveBeenLastCalledWith('catalog.list_brands', { query: { search: undefined, sort: 'name', limit: 500 } });

    call.mockResolvedValueOnce(page<Partial<Unit>>([{ id: 1, code: 'kg', name: 'Kilogram' }]));
    expect(await lookupUnits('kg', 20)).toEqual([{ id: 1, label: 'kg', sub: 'Kilogram' }]);

    call.mockResolvedValueOnce(page<Partial<Attribute>>([{ id: 3, name: 'Size', values: [{ id: 1, name: 'S', position: 0 }, { id: 2, name: 'M', position: 1 }] }]));
    expect(await lookupAttributes('')).toEqual([{ id: 3, label: 'Size', sub: 'S, M' }]);

    call.mockResolvedValueOnce(page([product({ id: 5, sku: 'A', name: 'Part A' })]));
    expect(await lookupComponents('part')).toEqual([{ id: 5, label: 'Part A', sub: 'A', sku: 'A', name: 'Part A', unit_code: 'unit' }]);
    expect(call).toHaveBeenLastCalledWith('catalog.list_products', { transactable_only: true, query: { search: 'part', sort: undefined, limit: 8 } });
    expect(await lookupComponents('  ')).toEqual([]);
  });
  it('keeps the current value choosable in a select', () => {
    const hits = [{ id: 1, label: 'kg', sub: 'Kilogram' }];
    expect(toOptions(hits)).toEqual([{ value: 1, label: 'kg — Kilogram' }]);
    expect(toOptions(hits, { id: 9, label: 'lb' })).toEqual([{ value: 9, label: 'lb' }, { value: 1, label: 'kg — Kilogram' }]);
    expect(toOptions(hits, { id: 1, label: 'kg' })).toHaveLength(1);
    expect(toOptions(hits, { id: null, label: null })).toHaveLength(1);
  });
  it('finds a brand by paging the list', async () => {
    call.mockResolvedValueOnce(page([{ id: 1, name: 'A', archived: false, product_count: 0 }], 'c1'));
    call.mockResolvedValueOnce(page([{ id: 2, name: 'B', archived: true, product_count: 0 }]));
    expect((await getBrand(2)).name).toBe('B');
    expect(call).toHaveBeenLastCalledWith('catalog.list_brands', { query: { limit: 500, cursor: 'c1', include_archived: true } });
    call.mockResolvedValueOnce(page([]));
    await expect(getBrand(3)).rejects.toThrow('This brand no longer exists.');
  });
});

describe('categories and attributes', () => {
  it('indents the tree and keeps a category out of its own subtree', () => {
    expect(indentName({ depth: 0, name: 'Clothing' })).toBe('Clothing');
    expect(indentName({ depth: 2, name: 'V-neck' })).toBe('\u2003\u2003└ V-neck');
    expect(parentPath('Clothing / Shirts / V-neck')).toBe('Clothing / Shirts');
    expect(parentPath('Clothing')).toBe('');
    const hits = [{ id: 1, label: 'Clothing' }, { id: 2, label: 'Clothing / Shirts' }, { id: 3, label: 'Clothing / Shirts / V-neck' }, { id: 4, label: 'Clothing / Shirtsleeves' }];
    expect(allowedParents(hits, { id: 2, path: 'Clothing / Shirts' }).map((h) => h.id)).toEqual([1, 4]);
    expect(allowedParents(hits, null)).toHaveLength(4);
  });
  it('splits typed values', () => {
    expect(splitValues(' S, M,,L , M ')).toEqual(['S', 'M', 'L']);
  });
});
