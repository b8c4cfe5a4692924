// The production wire types under the names the screens use, and typed calls around them.
import { call, type ListOrdersArgs, type ProductionOrder, type ProductionOrderLine, type ProductionOrderRow } from '../api';

export type { ProductionOrderRow };
export type ProductionLine = ProductionOrderLine;
export type ProductionOrderDetail = ProductionOrder;

/** The order as the core sent it. */
export const asDetail = (o: ProductionOrder): ProductionOrderDetail => o;

export async function listOrders(args: ListOrdersArgs): Promise<ProductionOrderRow[]> {
  return call('production.list_orders', args);
}

export async function getOrder(id: number): Promise<ProductionOrderDetail> {
  return call('production.get_order', { id });
}
