import { beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.svelte';
import { fieldMessage } from '../i18n/errors';
import { blankBom, blankLine, blankOp, fromBom, lineCost, opCost, remapErrors, toInput } from './bom';
import { actionsFor, consumptionFor, leftToConsume, lotRows, minutesFor, remapRows, toLotQuantities, yieldFor } from './order';
import { line, order, savedBom } from './fixtures';

beforeEach(() => i18n.set('en'));

describe('a BOM in the editor', () => {
  it('round-trips: zero percentages show empty, an own rate is kept, a centre rate is not sent back', () => {
    const f = fromBom(savedBom(), (k) => k);
    expect(f.lines[0]).toMatchObject({ kind: 'component', product: 'LEG Table leg', quantity: '8', scrap: '5', cost_share: '' });
    expect(f.lines[1]).toMatchObject({ kind: 'byproduct', scrap: '', cost_share: '2.5', unit: 'kg' });
    expect(f.operations[0]).toMatchObject({ work_centre: 'ASM', cost_per_hour: '' });
    const { input, lineRows, opRows } = toInput(f, false);
    expect(input).toEqual({
      product_id: 20, name: 'Standard', quantity: '2', unit_id: 1, notes: '', is_default: true, lead_time_days: 0, valid_from: '2026-01-01',
      lines: [
        { kind: 'component', product_id: 21, quantity: '8', unit_id: 1, scrap: '5', value_ids: [] },
        { kind: 'byproduct', product_id: 22, quantity: '1.5', unit_id: 2, cost_share: '2.5', value_ids: [] },
      ],
      operations: [{ name: 'Assemble', work_centre_id: 3, minutes_per_batch: '15', minutes_per_unit: '30' }],
    });
    expect(lineRows).toEqual([0, 1]);
    expect(opRows).toEqual([0]);
  });

  it('shows a saved cost only while its row is as saved', () => {
    const f = fromBom(savedBom(), (k) => k);
    expect(lineCost(f.lines[0])).toBe('84.00');
    expect(lineCost({ ...f.lines[0], quantity: '9' })).toBe('');
    expect(opCost(f.operations[0])).toBe('50.00');
    expect(opCost({ ...f.operations[0], minutes_per_unit: '31' })).toBe('');
    expect(lineCost(blankLine())).toBe('');
  });

  it('leaves empty rows out and renumbers the core’s errors to the grid rows (an update’s bom. prefix dropped)', () => {
    const f = { ...blankBom(20), lines: [blankLine(), { ...blankLine(), product_id: 21, quantity: '2' }, blankLine(), { ...blankLine(), product_id: 22, quantity: '0' }], operations: [blankOp(), { ...blankOp(), name: 'Cut', work_centre_id: null }] };
    const { input, lineRows, opRows } = toInput(f, true);
    expect(input.lines.map((l) => l.product_id)).toEqual([21, 22]);
    expect(input).not.toHaveProperty('is_default');
    expect(lineRows).toEqual([1, 3]);
    expect(opRows).toEqual([1]);
    expect(remapErrors({ 'bom.lines.1.quantity': 'Must be above zero.', 'operations.0.work_centre_id': 'Required.', 'lines.0.product_id': 'Would make a cycle: A → B → A.', quantity: 'x' }, lineRows, opRows)).toEqual({
      'lines.3.quantity': 'Must be above zero.', 'operations.1.work_centre_id': 'Required.', 'lines.1.product_id': 'Would make a cycle: A → B → A.', quantity: 'x',
    });
  });
});

describe('a production order’s actions and starting quantities', () => {
  it('offers what its state allows: cancel only before anything was produced, unbuild only what was produced and not unbuilt', () => {
    expect(actionsFor(order({ state: 'draft' }))).toEqual({ confirm: true, remove: true, consume: false, produce: false, finish: false, cancel: true, unbuild: false });
    expect(actionsFor(order({ state: 'confirmed' }))).toEqual({ confirm: false, remove: false, consume: true, produce: true, finish: true, cancel: true, unbuild: false });
    expect(actionsFor(order({ state: 'in_progress', produced: '4', remaining: '6' }))).toMatchObject({ produce: true, finish: true, cancel: false });
    expect(actionsFor(order({ state: 'done', produced: '10', unbuilt: '0', remaining: '0' }))).toMatchObject({ unbuild: true, produce: false, cancel: false });
    expect(actionsFor(order({ state: 'done', produced: '10', unbuilt: '10', remaining: '0' })).unbuild).toBe(false);
    expect(Object.values(actionsFor(order({ state: 'cancelled' }))).some(Boolean)).toBe(false);
  });

  it('starts Consume from what is left and Produce from the BOM’s share for the quantity, rounded up, less what was taken', () => {
    const o = order({ state: 'in_progress', produced: '3', remaining: '7', lines: [line({ planned: '42', done: '20' }), line({ id: 2, product_id: 23, planned: '10', done: '10' }), line({ id: 3, kind: 'byproduct', product_id: 22, planned: '15' })] });
    expect(leftToConsume(o).map((x) => [x.line.product_id, x.quantity])).toEqual([[21, '22']]);
    // After 3 + 2 = 5 of 10: 42 × 5/10 = 21, less 20 done = 1; the second is fully taken.
    expect(consumptionFor(o, '2').map((x) => [x.line.product_id, x.quantity])).toEqual([[21, '1']]);
    // 42 × 4/10 = 16.8 → nothing more than the 20 done.
    expect(consumptionFor(o, '1')).toEqual([]);
    expect(consumptionFor(order({ lines: [line({ planned: '1' })], quantity: '3' }), '1')[0].quantity).toBe('0.3334');
    expect(minutesFor(o, { position: 1, name: 'Assemble', work_centre_id: 3, work_centre_code: 'ASM', planned_minutes: '315', done_minutes: '0', cost_per_hour: '40', value: '0' }, '2')).toBe('63');
    expect(yieldFor(o, o.lines[2], '2')).toBe('3');
  });

  it('names output lots as one lot or one serial per unit, and sends only rows with something in them', () => {
    expect(lotRows('none', '5')).toEqual([]);
    expect(lotRows('lot', '5')).toEqual([{ lot_code: '', quantity: '5' }]);
    expect(lotRows('serial', '3')).toEqual([{ lot_code: '', quantity: '1' }, { lot_code: '', quantity: '1' }, { lot_code: '', quantity: '1' }]);
    expect(lotRows('serial', '2.5')).toEqual([{ lot_code: '', quantity: '2.5' }]);
    const out = toLotQuantities([{ product_id: null, quantity: '', lot_code: '' }, { product_id: 20, quantity: '2', lot_code: ' B-1 ' }, { product_id: 21, quantity: '1', lot_code: '' }]);
    expect(out).toEqual({ items: [{ product_id: 20, quantity: '2', lot_code: 'B-1' }, { product_id: 21, quantity: '1' }], rows: [1, 2] });
    expect(remapRows({ 'lots.0.lot_code': 'x', 'lots.1.quantity': 'y', lots: 'z', quantity: 'q' }, 'lots', out.rows)).toEqual({ 'lots.1.lot_code': 'x', 'lots.2.quantity': 'y', lots: 'z', quantity: 'q' });
  });

  it('a step’s lots that do not add up say what was expected (not the allocation’s wording)', () => {
    expect(fieldMessage({ field: 'lots', code: 'lots_do_not_add_up', params: { expected: '5', got: '4' } })).toBe('These add up to 4; 5 was expected.');
    expect(fieldMessage({ field: 'items', code: 'amounts_differ', params: { left: '10', right: '12' } })).toBe('The chosen lines do not add up: 10 against 12.');
  });
});
