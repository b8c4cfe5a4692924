// Supplier prices met in the list, so the editor opens one without a `get` command.
import type { SupplierPrice } from '../api';

const seen = new Map<number, SupplierPrice>();
export const rememberSupplierPrices = (rows: SupplierPrice[]) => rows.forEach((r) => seen.set(r.id, r));
export const seenSupplierPrice = (id: number) => seen.get(id);
