// Records as the core returns them, for the production tests.
import type { Bom, BomRow, Peg, PlanningRun, Proposal, WorkCentre } from '../api';
import type { ProductionLine, ProductionOrderDetail, ProductionOrderRow } from './types';

export const savedBom = (o: Partial<Bom> = {}): Bom => ({
  id: 4, product_id: 20, sku: 'TABLE', product_name: 'Oak table', name: 'Standard', quantity: '2', unit_id: 1, unit_code: 'pc', is_default: true, lead_time_days: 0, valid_from: '2026-01-01', valid_to: null,
  notes: '', archived: false,
  lines: [
    { id: 1, position: 1, kind: 'component', product_id: 21, sku: 'LEG', name: 'Table leg', quantity: '8', unit_id: 1, unit_code: 'pc', scrap: '5', cost_share: '0', value_ids: [], has_bom: false, cost: '84.00' },
    { id: 2, position: 2, kind: 'byproduct', product_id: 22, sku: 'CHIPS', name: 'Wood chips', quantity: '1.5', unit_id: 2, unit_code: 'kg', scrap: '0', cost_share: '2.5', value_ids: [], has_bom: false, cost: '0' },
  ],
  operations: [{ id: 1, position: 1, name: 'Assemble', work_centre_id: 3, work_centre_code: 'ASM', minutes_per_batch: '15', minutes_per_unit: '30', cost_per_hour: '40', own_rate: false, cost: '50.00' }],
  components_cost: '84.00', operations_cost: '50.00', total_cost: '134.00', unit_cost: '67.00', ...o,
});

export const line = (o: Partial<ProductionLine> = {}): ProductionLine => ({
  id: 1, position: 1, kind: 'component', product_id: 21, sku: 'LEG', name: 'Table leg', unit_code: 'pc', tracking: 'none', planned: '42', expected: '0', done: '0', variance: '0', value: '0', cost_share: '0', ...o,
});
export const order = (o: Partial<ProductionOrderDetail> = {}): ProductionOrderDetail => ({
  id: 9, number: 'MO/00001', state: 'confirmed', product_id: 20, sku: 'TABLE', product_name: 'Oak table', tracking: 'none', bom_id: 4, bom_name: 'Standard', unit_code: 'pc',
  quantity: '10', produced: '0', unbuilt: '0', remaining: '10', warehouse_id: 1, source_location_id: 10, dest_location_id: 10, date_planned: '2026-03-02', date_done: null, origin: '',
  standard_cost: '67', consumed_value: '0', absorbed_value: '0', produced_value: '0', wip_value: '0', actual_unit_cost: null, cost_variance: null, reservation_id: null,
  lines: [line()], operations: [], outputs: [], steps: [], ...o,
});

export const bomRow = (o: Partial<BomRow> = {}): BomRow => ({
  id: 4, product_id: 20, sku: 'TABLE', product_name: 'Oak table', name: 'Standard', quantity: '2', unit_code: 'pc', is_default: true, valid_from: '2026-01-01', valid_to: null,
  archived: false, lines: 2, operations: 1, ...o,
});

export const orderRow = (o: Partial<ProductionOrderRow> = {}): ProductionOrderRow => ({
  id: 9, number: 'MO/00001', state: 'confirmed', product_id: 20, sku: 'TABLE', product_name: 'Oak table', unit_code: 'pc', quantity: '10', produced: '0', date_planned: '2026-03-02', origin: 'SO/00042', ...o,
});

export const centre = (o: Partial<WorkCentre> = {}): WorkCentre => ({ id: 3, code: 'ASM', name: 'Assembly bench', cost_per_hour: '40', archived: false, ...o });

export const peg = (o: Partial<Peg> = {}): Peg => ({ kind: 'sales_order', source_id: 42, reference: 'SO/00042', date: '2026-04-10', quantity: '3', ...o });

/** A run like the core's: make 2 tables for SO/00042 (one in stock), buy 8 legs for them. */
export const proposal = (o: Partial<Proposal> = {}): Proposal => ({
  id: 1, position: 1, kind: 'produce', state: 'proposed', product_id: 20, sku: 'TABLE', name: 'Oak table', unit_code: 'pc', level: 0, quantity: '2',
  date_needed: '2026-04-10', date_start: '2026-04-08', late: false, bom_id: 4, supplier_id: null, supplier_name: null,
  on_hand: '1', incoming: '0', demand: '3', safety: '0', production_order_id: null, production_order_number: null, purchase_order_id: null, purchase_order_number: null,
  pegs: [peg()], ...o,
});
export const buyProposal = (o: Partial<Proposal> = {}): Proposal => proposal({
  id: 2, position: 2, kind: 'purchase', product_id: 21, sku: 'LEG', name: 'Table leg', level: 1, quantity: '8', date_needed: '2026-04-08', date_start: '2026-04-03',
  bom_id: null, supplier_id: 30, supplier_name: 'Timber Ltd', on_hand: '0', demand: '8',
  pegs: [peg({ kind: 'proposal', source_id: 1, reference: '2 TABLE', date: '2026-04-08', quantity: '8' })], ...o,
});
export const planningRun = (o: Partial<PlanningRun> = {}): PlanningRun => ({ id: 5, date: '2026-04-01', horizon: null, state: 'open', proposals: [proposal(), buyProposal()], ...o });
