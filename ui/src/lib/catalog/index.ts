// The catalog module's screens and palette search.
import { call } from '../api';
import { t } from '../i18n/index.svelte';
import type { ScreenDef } from '../shell/screens';
import type { RecordSearch } from '../shell/modules';
import Products from './Products.svelte';
import Categories from './Categories.svelte';
import Brands from './Brands.svelte';
import Units from './Units.svelte';
import Attributes from './Attributes.svelte';

export const catalogScreens: ScreenDef[] = [
  { id: 'products', label: 'Products', group: 'Catalog', icon: 'box', component: Products, needs: 'catalog.list_products', keywords: 'items sku articles' },
  { id: 'categories', label: 'Categories', group: 'Catalog', icon: 'folder', component: Categories, needs: 'catalog.list_categories' },
  { id: 'brands', label: 'Brands', group: 'Catalog', icon: 'tag', component: Brands, needs: 'catalog.list_brands' },
  { id: 'attributes', label: 'Attributes', group: 'Catalog', icon: 'sliders', component: Attributes, needs: 'catalog.list_attributes', keywords: 'size colour variants' },
  { id: 'units', label: 'Units', group: 'Catalog', icon: 'ruler', component: Units, needs: 'catalog.list_units', keywords: 'uom measure' },
];

export const searchProducts: RecordSearch = async (q) => {
  const page = await call('catalog.list_products', { query: { search: q, limit: 8 } });
  return page.items.map((p) => ({ label: p.name, sub: t('catalog.search.product', { sku: p.sku }), screen: 'products', id: p.id }));
};
