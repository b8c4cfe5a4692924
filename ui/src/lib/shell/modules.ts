// Screens of business modules (partners, catalog, ...), added as their commands land,
// and the record searches they offer the command palette.
import type { ScreenDef } from './screens';
import { partnerScreens, searchPartners } from '../partners';
import { catalogScreens, searchProducts } from '../catalog';
import { accountingScreens } from '../accounting';
import { reportScreens } from '../reports';
import { inventoryScreens, searchCounts, searchPickings } from '../inventory';
import { salesScreens, salesSearches } from '../sales';
import { purchasingScreens, purchasingSearches } from '../purchasing';
import { financeScreens, searchPayments } from '../finance';
import { productionScreens, searchProductionOrders } from '../production';

export interface RecordHit {
  label: string;
  sub: string;
  screen: string;
  id: number;
}
export type RecordSearch = (q: string) => Promise<RecordHit[]>;

export const extraScreens: ScreenDef[] = [...partnerScreens, ...salesScreens, ...purchasingScreens, ...financeScreens, ...catalogScreens, ...accountingScreens, ...reportScreens, ...inventoryScreens, ...productionScreens];
export const recordSearches: RecordSearch[] = [searchPartners, searchProducts, searchPickings, searchCounts, ...salesSearches, ...purchasingSearches, searchPayments, searchProductionOrders];
