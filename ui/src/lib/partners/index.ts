// The partners module's screens and palette search.
import { call } from '../api';
import type { ScreenDef } from '../shell/screens';
import type { RecordSearch } from '../shell/modules';
import Customers from './Customers.svelte';
import Suppliers from './Suppliers.svelte';

export const partnerScreens: ScreenDef[] = [
  { id: 'customers', label: 'Customers', group: 'Sales & purchasing', icon: 'users', component: Customers, needs: 'partner.list', keywords: 'clients partners' },
  { id: 'suppliers', label: 'Suppliers', group: 'Sales & purchasing', icon: 'truck', component: Suppliers, needs: 'partner.list', keywords: 'vendors partners' },
];

export const searchPartners: RecordSearch = async (q) => {
  const page = await call('partner.list', { query: { search: q, limit: 8 } });
  return page.items.map((p) => ({ label: p.name, sub: `${p.is_customer ? 'Customer' : 'Supplier'} · ${p.code}`, screen: p.is_customer ? 'customers' : 'suppliers', id: p.id }));
};
