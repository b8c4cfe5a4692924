import { describe, expect, it } from 'vitest';
import { blankFilters, blankLine, creditArgs, creditRows, fromLine, invoiceRows, lineNet, listArgs, orderActions, qtyProblem, quantityLines, shipRows, startLine, taxChoices, toOrderInput, type TradeLine } from './doc';
import { invoice, invoiceLine, order, orderLine, vat, vat7 } from './fixtures';
import { en } from '../i18n/en';

describe('list filters', () => {
  it('send only what is set, with the page query', () => {
    expect(listArgs({ limit: 50 }, blankFilters())).toEqual({ limit: 50 });
    expect(
      listArgs(
        { limit: 100, search: ' SO/0001 ', cursor: 'abc', sort: 'total', desc: false },
        { state: 'confirmed', partner_id: 3, date_from: '2026-01-01', date_to: '2026-03-31', min_total: '100', max_total: '2500.50', open: 'to_invoice' },
      ),
    ).toEqual({ limit: 100, search: 'SO/0001', cursor: 'abc', sort: 'total', desc: false, state: 'confirmed', partner_id: 3, date_from: '2026-01-01', date_to: '2026-03-31', min_total: '100', max_total: '2500.50', open: 'to_invoice' });
  });
});

describe('taxes cell', () => {
  const groups = [{ id: 1, code: 'STD', name: 'Standard', kind: 'sales' as const, tax_ids: [9, 10], archived: false }];
  it('offers no taxes, each tax and each group; codes joined by + build a set', () => {
    expect(taxChoices('', [vat, vat7], groups, 'No taxes').map((o) => [o.id, o.label])).toEqual([['none', 'No taxes'], ['9', 'VAT19'], ['10', 'VAT7'], ['9,10', 'VAT19 + VAT7']]);
    expect(taxChoices('vat19 + vat', [vat, vat7], groups, 'No taxes').map((o) => [o.id, o.label])).toEqual([['9,10', 'VAT19 + VAT7']]);
    expect(taxChoices('nope + vat', [vat, vat7], groups, 'No taxes')).toEqual([]);
  });
});

describe('order lines', () => {
  it('a saved line keeps every value explicit; a new line leaves the defaults to the server; empty rows are not sent', () => {
    const saved = fromLine(orderLine({ discount: '5' }), [vat]);
    const fresh: TradeLine = { ...blankLine(), product_id: 8, product: 'TB-1 Table', quantity: '2' };
    const { input, rows } = toOrderInput({ partner_id: 3, date: '2026-03-02', currency: null, warehouse_id: null, payment_terms_days: '', reference: '', notes: '', lines: [saved, blankLine(), fresh] }, 'k1');
    expect(input).toEqual({
      partner_id: 3, date: '2026-03-02', idempotency_key: 'k1',
      lines: [{ product_id: 7, description: 'Chair', quantity: '2', unit_id: 1, unit_price: '50', discount: '5', tax_ids: [9] }, { product_id: 8, quantity: '2' }],
    });
    expect(rows).toEqual([0, 2]);
  });

  it('the empty line has no quantity; a started line takes 1 unless one was typed', () => {
    expect(blankLine().quantity).toBe('');
    expect(startLine(blankLine())).toEqual({ quantity: '1' });
    expect(startLine({ quantity: '2.5' })).toEqual({});
  });

  it('a line shows the server’s amount until it changes, then a preview at the currency’s decimals', () => {
    const saved = fromLine(orderLine({ net: '99.99' }), [vat]);
    expect(lineNet(saved, 2)).toBe('99.99');
    expect(lineNet({ ...saved, quantity: '3', discount: '10' }, 2)).toBe('135.00');
    expect(lineNet({ ...blankLine(), quantity: '3' }, 2)).toBe('');
  });
});

describe('order actions and dialogs', () => {
  it('follow the state and the lines’ progress', () => {
    expect(orderActions(null, true)).toMatchObject({ edit: true, send: true, confirm: true, ship: false, cancel: false, remove: false });
    const o = order({ state: 'confirmed', lines: [orderLine({ delivered: '1', to_deliver: '1', to_invoice: '-1' })] });
    expect(orderActions(o, true)).toMatchObject({ edit: false, confirm: false, ship: true, ret: true, credit: true, cancel: true, remove: false });
    expect(orderActions(order({ state: 'done' }), false)).toMatchObject({ ship: false, cancel: false, invoice: false });
  });

  it('ship rows start at what is left (returns at nothing); only non-zero quantities are sent', () => {
    const o = order({ state: 'confirmed', lines: [orderLine({ id: 1, to_deliver: '3', delivered: '2' }), orderLine({ id: 2, to_deliver: '0', delivered: '1', returned: '1' }), orderLine({ id: 3, ships: false, to_deliver: '0' })] });
    expect(shipRows(o, 'ship').map((r) => [r.line_id, r.left, r.quantity])).toEqual([[1, '3', '3']]);
    expect(shipRows(o, 'return').map((r) => [r.line_id, r.left, r.quantity])).toEqual([[1, '2', '']]);
    const rows = shipRows(order({ lines: [orderLine({ id: 1, to_deliver: '3' }), orderLine({ id: 2, to_deliver: '4' })] }), 'ship');
    rows[0].quantity = '0';
    rows[1].lot_code = ' L-1 ';
    expect(quantityLines(rows, true)).toEqual({ lines: [{ line_id: 2, quantity: '4', lot_code: 'L-1' }], rows: [1] });
  });

  it('invoice rows follow the policy asked for', () => {
    const o = order({ state: 'confirmed', lines: [orderLine({ id: 1, quantity: '5', delivered: '2', invoiced: '1', to_invoice: '1' })] });
    expect(invoiceRows(o, false, null).map((r) => r.quantity)).toEqual(['1']);
    expect(invoiceRows(o, false, 'ordered').map((r) => r.quantity)).toEqual(['4']);
    expect(invoiceRows(order({ lines: [orderLine({ to_invoice: '-2' })] }), true, null).map((r) => r.quantity)).toEqual(['2']);
  });
});

describe('crediting a posted invoice', () => {
  const posted = invoice({
    state: 'posted', number: 'BILL/00001',
    lines: [invoiceLine({ id: 21, quantity: '2' }), invoiceLine({ id: 22, line_no: 2, sku: null, description: 'Freight', unit_code: null, quantity: '1.5' }), invoiceLine({ id: 23, line_no: 3, quantity: '0' })],
  });

  it('lists every line with a quantity at its invoiced quantity', () => {
    expect(creditRows(posted).map((r) => [r.line_id, r.label, r.unit, r.total, r.left, r.quantity])).toEqual([
      [21, 'CH-1 Chair', 'pc', '2', '2', '2'],
      [22, 'Freight', '', '1.5', '1.5', '1.5'],
    ]);
  });

  it('starts each line at what earlier notes left of it and leaves out a line credited in full', () => {
    const partly = invoice({
      state: 'posted', number: 'INV/00002',
      lines: [invoiceLine({ id: 31, quantity: '5', credited: '2' }), invoiceLine({ id: 32, line_no: 2, quantity: '1.5', credited: '1.5' }), invoiceLine({ id: 33, line_no: 3, quantity: '4', credited: '0.25' })],
    });
    expect(creditRows(partly).map((r) => [r.line_id, r.total, r.left, r.quantity])).toEqual([
      [31, '5', '3', '3'],
      [33, '4', '3.75', '3.75'],
    ]);
    // Untouched: no lines, the core credits what is left; raised above what is left: refused here.
    const rows = creditRows(partly);
    expect(creditArgs(41, rows, 'k')?.args.lines).toBeUndefined();
    rows[0].quantity = '4';
    expect(qtyProblem(rows[0].quantity, rows[0].left)).toBe('above');
    expect(creditArgs(41, rows, 'k')).toBeNull();
    rows[0].quantity = '1';
    expect(creditArgs(41, rows, 'k')?.args.lines).toEqual([{ line_id: 31, quantity: '1' }, { line_id: 33, quantity: '3.75' }]);
  });

  it('a quantity may be lowered to 0 or left empty, never raised above the invoiced one, negative, or finer than 4 decimals', () => {
    expect(qtyProblem('', '2')).toBe('');
    expect(qtyProblem('0', '2')).toBe('');
    expect(qtyProblem('1.25', '2')).toBe('');
    expect(qtyProblem('2.000', '2')).toBe('');
    expect(qtyProblem('2.0001', '2')).toBe('above');
    expect(qtyProblem('3', '2')).toBe('above');
    expect(qtyProblem('-1', '2')).toBe('negative');
    expect(qtyProblem('0.00001', '2')).toBe('scale');
    expect(qtyProblem('1,5', '2')).toBe('invalid');
    expect(qtyProblem('abc', '2')).toBe('invalid');
  });

  it('untouched, the note is asked for without lines (the core credits what is left of each); lowered, only the chosen quantities are sent', () => {
    const rows = creditRows(posted);
    expect(creditArgs(40, rows, 'k1', '2026-03-09')).toEqual({ args: { invoice_id: 40, idempotency_key: 'k1', date: '2026-03-09' }, rows: [] });
    rows[0].quantity = '1';
    rows[1].quantity = '0';
    expect(creditArgs(40, rows, 'k2')).toEqual({ args: { invoice_id: 40, idempotency_key: 'k2', lines: [{ line_id: 21, quantity: '1' }] }, rows: [0] });
    rows[1].quantity = '';
    rows[0].quantity = '0.5';
    expect(creditArgs(40, rows, 'k3')?.args.lines).toEqual([{ line_id: 21, quantity: '0.5' }]);
  });

  it('nothing chosen, or a quantity that cannot be sent, sends nothing', () => {
    const rows = creditRows(posted);
    rows[0].quantity = '0';
    rows[1].quantity = '';
    expect(creditArgs(40, rows, 'k')).toBeNull();
    rows[1].quantity = '9';
    expect(creditArgs(40, rows, 'k')).toBeNull();
    expect(creditArgs(40, [], 'k')).toBeNull();
  });
});

describe('side words', () => {
  it('both sides carry the same keys', () => {
    const of = (side: string) => Object.keys(en).filter((k) => k.startsWith(`trade.${side}.`)).map((k) => k.slice(`trade.${side}.`.length)).sort();
    expect(of('sale').length).toBeGreaterThan(50);
    expect(of('purchase')).toEqual(of('sale'));
  });
});
