import { describe, expect, it } from 'vitest';
import { balance, cellErrors, columnTotals, dec, text, insertAt, lineAmount, mul, removeAt, step, sub, sum, type LineColumn } from './linegrid';

describe('exact decimals', () => {
  it('adds without float error', () => {
    expect(sum(['0.1', '0.2'], 2)).toBe('0.30');
    expect(sum(['0.1', '0.2'])).toBe('0.3');
    expect(sum(['12345678901234.5678', '0.0001'], 2)).toBe('12345678901234.5679');
    expect(sum(['', null, 'x', '1'], 2)).toBe('1.00');
    expect(sum([], 2)).toBe('0.00');
    expect(text(dec('-3.5'))).toBe('-3.5');
  });
  it('multiplies and rounds half-up only when asked', () => {
    expect(mul('1.1', '1.1')).toBe('1.21');
    expect(mul('0.105', '1', 2)).toBe('0.11');
    expect(sub('0.3', '0.1')).toBe('0.2');
    expect(lineAmount('3', '19.99', '10')).toBe('53.97'); // 59.97 × 0.9 = 53.973
    expect(lineAmount('1', '0.125')).toBe('0.13');
    expect(lineAmount('99999999999999', '1.0001', '0', 4)).toBe('100009999999998.9999');
  });
  it('totals marked columns', () => {
    const cols: LineColumn[] = [{ key: 'q', label: 'Q', kind: 'number', total: true }, { key: 'a', label: 'A', kind: 'money', total: true, scale: 2 }, { key: 'n', label: 'N', kind: 'text' }];
    const lines = [{ q: '0.1', a: '0.1', n: 'x' }, { q: '0.2', a: '0.2', n: 'y' }];
    expect(columnTotals(lines, cols, (l, c) => l[c.key])).toEqual({ q: '0.3', a: '0.30' });
  });
  it('balances debits and credits', () => {
    expect(balance([{ d: '100.10', c: '' }, { d: '', c: '100.1' }], 'd', 'c')).toEqual({ debit: '100.10', credit: '100.10', difference: '0.00', balanced: true });
    expect(balance([{ d: '0.1', c: '' }, { d: '0.2', c: '' }, { d: '', c: '0.31' }], 'd', 'c')).toMatchObject({ difference: '-0.01', balanced: false });
  });
});

describe('navigation', () => {
  it('moves with arrows inside the grid', () => {
    expect(step({ row: 0, col: 0 }, 'up', 3, 4)).toEqual({ row: 0, col: 0 });
    expect(step({ row: 0, col: 3 }, 'right', 3, 4)).toEqual({ row: 0, col: 3 });
    expect(step({ row: 1, col: 1 }, 'down', 3, 4)).toEqual({ row: 2, col: 1 });
    expect(step({ row: 1, col: 2 }, 'home', 3, 4)).toEqual({ row: 1, col: 0 });
  });
  it('Tab runs across rows over editable cells and leaves at the ends', () => {
    const editable = (c: number) => c !== 2;
    expect(step({ row: 0, col: 1 }, 'next', 2, 4, editable)).toEqual({ row: 0, col: 3 });
    expect(step({ row: 0, col: 3 }, 'next', 2, 4, editable)).toEqual({ row: 1, col: 0 });
    expect(step({ row: 1, col: 0 }, 'prev', 2, 4, editable)).toEqual({ row: 0, col: 3 });
    expect(step({ row: 1, col: 3 }, 'next', 2, 4, editable)).toBeNull();
    expect(step({ row: 0, col: 0 }, 'prev', 2, 4, editable)).toBeNull();
  });
  it('inserts and removes without mutating', () => {
    const a = [1, 2, 3];
    expect(insertAt(a, 1, 9)).toEqual([1, 9, 2, 3]);
    expect(insertAt(a, 99, 9)).toEqual([1, 2, 3, 9]);
    expect(removeAt(a, 0)).toEqual([2, 3]);
    expect(a).toEqual([1, 2, 3]);
  });
});

describe('errors', () => {
  it('maps backend field errors to cells and lines', () => {
    const e = cellErrors({ 'lines.3.quantity': 'must not be negative', 'lines.0': 'duplicate product', 'lines.1.lot': 'unknown lot', name: 'required', 'lines_x.1.q': 'no' }, ['quantity', 'price']);
    expect(e.cells.get('3.quantity')).toBe('must not be negative');
    expect(e.rows.get(0)).toBe('duplicate product');
    expect(e.rows.get(1)).toBe('lot: unknown lot');
    expect(e.count).toBe(3);
    expect(cellErrors(undefined, []).count).toBe(0);
  });
});
