import { describe, expect, it } from 'vitest';
import type { Location, Picking } from '../api';
import { actionsFor, addScanned, blankLine, blankPicking, fromPicking, matchScan, remapLineErrors, toInput, type PickLine } from './picking';
import { blankTransfer, checkLines, checkPlaces, transferInput } from './transfer';
import { byWarehouse } from './stock';

const product = (id: number, sku: string, barcode: string | null = null) => ({ id, sku, name: `Product ${sku}`, barcode, unit_code: 'pc' });
const line = (o: Partial<PickLine> = {}): PickLine => ({ ...blankLine(), ...o });
const loc = (id: number, o: Partial<Location> = {}): Location => ({ id, kind: 'internal', warehouse_id: 1, parent_id: null, name: `L${id}`, full_name: `WH/L${id}`, depth: 0, archived: false, ...o });

describe('scan to add', () => {
  it('matches the exact barcode or SKU, else the only hit, else nothing', () => {
    const a = product(1, 'A-1', '4006381333931');
    const b = product(2, 'A-10', '4006381333948');
    expect(matchScan('4006381333931', [a, b])).toBe(a);
    expect(matchScan('a-10', [a, b])).toBe(b);
    expect(matchScan('chair', [a])).toBe(a);
    expect(matchScan('chair', [a, b])).toBeNull();
    expect(matchScan('  ', [a])).toBeNull();
  });

  it('counts up the product’s line without a lot, else adds a line with quantity 1', () => {
    const p = product(7, 'CH-1');
    let r = addScanned([], p);
    expect(r).toEqual({ lines: [line({ product_id: 7, product: 'CH-1 Product CH-1', unit: 'pc' })], row: 0 });
    r = addScanned(r.lines, p);
    expect(r.row).toBe(0);
    expect(r.lines[0].quantity).toBe('2');
    // A line with a lot is its own: the scan adds a plain line.
    r = addScanned([line({ product_id: 7, lot_code: 'L1', quantity: '3' })], p);
    expect(r.lines.map((l) => [l.lot_code, l.quantity])).toEqual([['L1', '3'], ['', '1']]);
    // A blank trailing row is reused.
    r = addScanned([line({ product_id: 3, product: 'X' }), line()], p);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[1].product_id).toBe(7);
    // Decimals stay exact.
    expect(addScanned([line({ product_id: 7, quantity: '0.1' })], p).lines[0].quantity).toBe('1.1');
  });
});

describe('picking form', () => {
  it('sends lines without the empty rows and renumbers the core’s line errors to grid rows', () => {
    const f = { ...blankPicking('receipt', 1, '2026-03-01'), partner_id: 9, reason: 'ignored', lines: [line({ product_id: 5, quantity: '2', unit_cost: '3.50' }), line(), line({ product_id: 6, quantity: '1', lot_code: ' L-7 ' })] };
    const { input, rows } = toInput(f);
    expect(input).toEqual({
      kind: 'receipt', warehouse_id: 1, date: '2026-03-01', partner_id: 9,
      lines: [{ product_id: 5, quantity: '2', unit_cost: '3.50' }, { product_id: 6, quantity: '1', lot_code: 'L-7' }],
    });
    expect(rows).toEqual([0, 2]);
    expect(remapLineErrors({ 'lines.1.quantity': 'short', date: 'closed', lines: 'none' }, rows)).toEqual({ 'lines.2.quantity': 'short', date: 'closed', lines: 'none' });
  });

  it('an adjustment sends its reason and no partner, and no cost on a delivery', () => {
    expect(toInput({ ...blankPicking('adjustment', 2, '2026-03-01'), partner_id: 4, reason: ' broken ', lines: [] }).input).toEqual({ kind: 'adjustment', warehouse_id: 2, date: '2026-03-01', reason: 'broken', lines: [] });
    expect(toInput({ ...blankPicking('delivery', 2, '2026-03-01'), lines: [line({ product_id: 1, unit_cost: '9' })] }).input.lines).toEqual([{ product_id: 1, quantity: '1' }]);
  });

  it('reads a picking’s moves back as rows', () => {
    const p = {
      id: 3, kind: 'internal', state: 'draft', number: null, warehouse_id: 1, from_location_id: 10, to_location_id: 11, date: '2026-03-02', partner_id: null,
      reference: 'R', reason: '', source: null, entry_id: null,
      moves: [{ id: 1, line_no: 1, state: 'draft', product_id: 5, sku: 'A', kit_id: null, entered_quantity: '2.5', entered_unit_id: 3, entered_unit_code: 'kg', entered_factor: '1', quantity: '2.5', unit_code: 'kg', from_location_id: 10, from_location: 'WH/Stock', to_location_id: 11, to_location: 'WH/Stock/A', lot_id: null, lot_code: null, date: '2026-03-02', unit_cost: null, value: null }],
    } as Picking;
    expect(fromPicking(p)).toMatchObject({ kind: 'internal', from_location_id: 10, to_location_id: 11, lines: [{ product_id: 5, product: 'A', quantity: '2.5', unit_id: 3, unit: 'kg', lot_code: '', unit_cost: '' }] });
  });

  it('offers the actions the core’s transitions allow', () => {
    expect(actionsFor(null)).toEqual({ edit: true, confirm: true, done: true, cancel: false, remove: false });
    expect(actionsFor('draft')).toEqual({ edit: true, confirm: true, done: true, cancel: true, remove: true });
    expect(actionsFor('ready')).toEqual({ edit: false, confirm: false, done: true, cancel: true, remove: false });
    expect(actionsFor('done')).toEqual({ edit: false, confirm: false, done: false, cancel: false, remove: false });
  });
});

describe('transfer wizard checks', () => {
  const places = [loc(10), loc(11, { parent_id: 10 }), loc(20, { warehouse_id: 2 }), loc(90, { kind: 'customer', warehouse_id: null }), loc(12, { archived: true })];
  it('needs two different internal, active locations and a date', () => {
    expect(checkPlaces(blankTransfer('2026-03-01'), places)).toEqual({ from_location_id: 'inventory.transfer.need_from', to_location_id: 'inventory.transfer.need_to' });
    expect(checkPlaces({ ...blankTransfer('2026-03-01'), from_location_id: 10, to_location_id: 10 }, places)).toEqual({ to_location_id: 'inventory.transfer.same_place' });
    expect(checkPlaces({ ...blankTransfer(''), from_location_id: 90, to_location_id: 12 }, places)).toEqual({
      from_location_id: 'inventory.transfer.not_internal', to_location_id: 'inventory.transfer.not_internal', date: 'inventory.transfer.need_date',
    });
    expect(checkPlaces({ ...blankTransfer('2026-03-01'), from_location_id: 10, to_location_id: 20 }, places)).toEqual({});
  });
  it('needs a product and a quantity above zero on every line, and one line at least', () => {
    expect(checkLines(blankTransfer('2026-03-01'))).toEqual({ lines: 'inventory.transfer.need_lines' });
    const f = { ...blankTransfer('2026-03-01'), lines: [line({ product_id: 1, quantity: '0' }), line({ product_id: null, quantity: '2' }), line({ product_id: 2, quantity: '-1' }), line({ product_id: 3, quantity: '0.5' })] };
    expect(checkLines(f)).toEqual({ 'lines.0.quantity': 'inventory.transfer.need_quantity', 'lines.1.product_id': 'inventory.transfer.need_product', 'lines.2.quantity': 'inventory.transfer.need_quantity' });
  });
  it('makes an internal picking in the source location’s warehouse', () => {
    const f = { ...blankTransfer('2026-03-01'), from_location_id: 20, to_location_id: 10, reference: ' T1 ', lines: [line(), line({ product_id: 4, quantity: '3', lot_code: 'B7' })] };
    expect(transferInput(f, places)).toEqual({
      input: { kind: 'internal', warehouse_id: 2, date: '2026-03-01', from_location_id: 20, to_location_id: 10, reference: 'T1', lines: [{ product_id: 4, quantity: '3', lot_code: 'B7' }] },
      rows: [1],
    });
  });
});

describe('stock per warehouse', () => {
  it('sums the on-hand rows of each warehouse exactly', () => {
    const ls = [loc(10), loc(11), loc(20, { warehouse_id: 2 })];
    const ws = [{ id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false }, { id: 2, code: 'B', name: 'Branch', address: '', root_location_id: 20, archived: false }];
    const rows = [
      { location_id: 10, location: 'WH/L10', lot_id: null, lot_code: null, quantity: '0.1' },
      { location_id: 11, location: 'WH/L11', lot_id: null, lot_code: null, quantity: '0.2' },
      { location_id: 20, location: 'B/L20', lot_id: null, lot_code: null, quantity: '5' },
    ];
    expect(byWarehouse(rows, ls, ws)).toEqual([{ warehouse_id: 1, code: 'WH', name: 'Main', quantity: '0.3' }, { warehouse_id: 2, code: 'B', name: 'Branch', quantity: '5' }]);
  });
});

describe('replenishment and the stock report args', () => {
  it('sends only what is set, the date only when it is one, and keys rows by product with location or lot', async () => {
    const { reportArgs, rowKeys, createArgs, updateArgs, blankRule } = await import('./replenish');
    expect(reportArgs({ group: 'product', warehouse: null, location: null, at: '' })).toEqual({ group_by: 'product' });
    expect(reportArgs({ group: 'lot', warehouse: 1, location: 11, at: '2026-01-31' }, '  bolt ')).toEqual({ group_by: 'lot', warehouse_id: 1, location_id: 11, at: '2026-01-31', search: 'bolt' });
    expect(reportArgs({ group: 'product', warehouse: null, location: null, at: '2026-01' })).toEqual({ group_by: 'product' });
    const key = rowKeys();
    const r = { product_id: 1, location_id: 10, lot_id: null } as never;
    const k1 = key(r);
    expect(key({ product_id: 1, location_id: 11, lot_id: null } as never)).not.toBe(k1);
    expect(key({ ...(r as object) } as never)).toBe(k1);
    expect(createArgs({ ...blankRule(7, 1), min_qty: ' 5 ', max_qty: '10', multiple: '' })).toEqual({ product_id: 7, warehouse_id: 1, min_qty: '5', max_qty: '10', multiple: undefined, supplier_id: undefined });
    expect(updateArgs(3, { ...blankRule(7, 1), supplier_id: 9 })).toEqual({ id: 3, min_qty: '0', max_qty: '0', multiple: '1', supplier_id: 9 });
    expect(updateArgs(3, blankRule(7, 1))).toMatchObject({ clear_supplier: true });
  });
});
