// The wire types the generated bindings get wrong, and typed calls around them.
//
// core/src/production/model.rs has an `OrderRow` and an `OrderLine`, as the sales and
// purchase orders do; ts-rs writes one TypeScript type per name, so bindings.ts gives
// `production.list_orders` the trade `OrderRow` and `ProductionOrder.lines` the trade
// `OrderLine`. These are the production ones, field for field as the core serializes them.
import { call, type BomLineKind, type ListOrdersArgs, type ProductionOrder, type ProductionState, type Tracking } from '../api';

export interface ProductionOrderRow {
  id: number;
  number: string | null;
  state: ProductionState;
  product_id: number;
  sku: string;
  product_name: string;
  unit_code: string;
  quantity: string;
  produced: string;
  date_planned: string;
  origin: string;
}

export interface ProductionLine {
  id: number;
  position: number;
  kind: BomLineKind;
  product_id: number;
  sku: string;
  name: string;
  unit_code: string;
  tracking: Tracking;
  /** For the whole order, scrap included. */
  planned: string;
  /** What the quantity produced so far should have used (or yielded). */
  expected: string;
  done: string;
  /** done − expected: above zero, more was used than the BOM says. */
  variance: string;
  value: string;
  cost_share: string;
}

export type ProductionOrderDetail = Omit<ProductionOrder, 'lines'> & { lines: ProductionLine[] };

/** The order as the core sent it, with its real line type. */
export const asDetail = (o: ProductionOrder): ProductionOrderDetail => o as unknown as ProductionOrderDetail;

export async function listOrders(args: ListOrdersArgs): Promise<ProductionOrderRow[]> {
  return (await call('production.list_orders', args)) as unknown as ProductionOrderRow[];
}

export async function getOrder(id: number): Promise<ProductionOrderDetail> {
  return asDetail(await call('production.get_order', { id }));
}
