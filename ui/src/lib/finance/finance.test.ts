import { describe, expect, it } from 'vitest';
import type { BookLine, CsvPreview, OpenItem, Suggestion } from '../api';
import { allocated, allocationsArg, clear, payable, problems, propose, remainder, remapAllocationErrors, rowsFor } from './allocation';
import { blankMapping, checkMapping, columnChoices, fromMapping, guess, sniffFormat, toBase64, toMapping } from './csvmap';
import { acceptArgs, manualArgs, nextAfter, recKey, running, spread, suggestionFor, type BankLine } from './reconcile';
import { agingLabel, parseBuckets } from './labels';

function item(o: Partial<OpenItem>): OpenItem {
  return {
    id: 1, side: 'receivable', partner_id: 4, partner_name: 'Corner Shop', account_id: 12, entry_id: 30, document: 'INV/00001', kind: 'invoice', invoice_id: 7, payment_id: null,
    date: '2026-01-10', due_date: '2026-02-09', currency: 'EUR', amount: '100.00', base: '100.00', open_amount: '100.00', open_base: '100.00', ...o,
  };
}

describe('allocation proposal', () => {
  const items = [
    item({ id: 3, document: 'INV/3', due_date: '2026-03-01', open_amount: '50.00' }),
    item({ id: 1, document: 'INV/1', due_date: '2026-01-15', open_amount: '100.00' }),
    item({ id: 2, document: 'INV/2', due_date: '2026-02-01', open_amount: '80.00' }),
    item({ id: 4, document: 'CN/1', kind: 'credit', due_date: '2026-01-01', open_amount: '-30.00' }),
    item({ id: 5, document: 'INV/0', due_date: '2026-01-01', open_amount: '0.00' }),
  ];

  it('a payment in pays what the partner owes, money out what is owed to them; oldest due first', () => {
    expect(payable(items, 'in').map((i) => i.id)).toEqual([3, 1, 2]);
    expect(payable(items, 'out').map((i) => i.id)).toEqual([4]);
    const rows = rowsFor(items, 'in');
    expect(rows.map((r) => r.document)).toEqual(['INV/1', 'INV/2', 'INV/3']);
    expect(rowsFor(items, 'out')[0]).toMatchObject({ document: 'CN/1', open: '30.00', amount: '' });
    expect(rowsFor([item({ open_amount: '119.0000' })], 'in')[0].open).toBe('119.00');
    expect(rowsFor([item({ open_amount: '1000.0000', currency: 'JPY' })], 'in', 0)[0].open).toBe('1000');
  });

  it('proposes the oldest open items up to the amount, never above what is open', () => {
    const rows = rowsFor(items, 'in');
    expect(propose(rows, '150').map((r) => r.amount)).toEqual(['100.00', '50.00', '']);
    expect(propose(rows, '1000').map((r) => r.amount)).toEqual(['100.00', '80.00', '50.00']);
    expect(propose(rows, '0').map((r) => r.amount)).toEqual(['', '', '']);
    expect(propose(rows, '-5').map((r) => r.amount)).toEqual(['', '', '']);
    expect(propose(rows, '').map((r) => r.amount)).toEqual(['', '', '']);
    // An invoice being paid comes first.
    expect(propose(rows, '90', 2, 3).map((r) => r.amount)).toEqual(['40.00', '', '50.00']);
    // Zero decimals (JPY) and odd cents.
    expect(propose(rows, '99.995', 2).map((r) => r.amount)).toEqual(['100.00', '', '']);
    expect(propose(rowsFor([item({ open_amount: '1000' })], 'in'), '250', 0)[0].amount).toBe('250');
  });

  it('totals, what stays as credit, over-allocation and rows above their open amount', () => {
    const rows = propose(rowsFor(items, 'in'), '150');
    expect(allocated(rows)).toBe('150.00');
    expect(remainder('200', rows)).toBe('50.00');
    expect(remainder('150', rows)).toBe('0.00');
    const edited = rows.map((r, i) => (i === 2 ? { ...r, amount: '60' } : r));
    const p = problems('200', edited);
    expect([...p.rows.keys()]).toEqual([2]);
    expect(p.over).toBe(true);
    expect(problems('500', rows).over).toBe(false);
    expect(allocated(clear(rows))).toBe('0.00');
  });

  it('sends only the rows with an amount, and maps the core errors back to their rows', () => {
    const rows = propose(rowsFor(items, 'in'), '150');
    expect(allocationsArg(rows)).toEqual([{ item_id: 1, amount: '100.00' }, { item_id: 2, amount: '50.00' }]);
    const shifted = [{ ...rows[0], amount: '' }, rows[1], { ...rows[2], amount: '10' }];
    expect(remapAllocationErrors({ 'allocations.1.amount': 'too much', amount: 'bad' }, shifted)).toEqual({ 'rows.2.amount': 'too much', amount: 'bad' });
  });
});

const preview: CsvPreview = {
  delimiter: ';',
  headers: ['Buchungstag', 'Valuta', 'Auftraggeber/Empfänger', 'Verwendungszweck', 'Betrag'],
  rows: [['02.03.2026', '02.03.2026', 'Corner Shop', 'INV/00001', '1.190,00'], ['03.03.2026', '03.03.2026', 'Bank', 'Fee', '-4,50']],
};

describe('CSV mapping', () => {
  it('offers columns by header (or by position without one), with samples', () => {
    const c = columnChoices(preview, true);
    expect(c.map((x) => x.value)).toEqual(['Buchungstag', 'Valuta', 'Auftraggeber/Empfänger', 'Verwendungszweck', 'Betrag']);
    expect(c[4]).toMatchObject({ label: '5: Betrag', sample: '1.190,00 · -4,50' });
    expect(columnChoices(preview, false).map((x) => x.value)).toEqual(['1', '2', '3', '4', '5']);
    expect(columnChoices({ ...preview, headers: ['A', 'A', '', 'B', 'C'] }, true).map((x) => x.value)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('guesses the columns of a German bank file and its decimal comma', () => {
    const g = guess(blankMapping(), preview);
    expect(g).toMatchObject({ date: 'Buchungstag', value_date: 'Valuta', counterparty: 'Auftraggeber/Empfänger', reference: 'Verwendungszweck', amount: 'Betrag', decimal_comma: true, amounts: 'signed' });
    // A saved mapping is kept as it is.
    expect(guess({ ...blankMapping(), date: '1' }, preview).date).toBe('1');
  });

  it('requires a date and an amount (or debit/credit), in columns the file has', () => {
    expect(checkMapping(blankMapping(), preview)).toEqual({ date: 'required', amount: 'amount_required' });
    expect(checkMapping({ ...blankMapping(), date: 'Buchungstag', amount: 'Betrag' }, preview)).toEqual({});
    expect(checkMapping({ ...blankMapping(), date: 'buchungstag', amount: '5' }, preview)).toEqual({});
    expect(checkMapping({ ...blankMapping(), date: 'Datum', amount: '9' }, preview)).toEqual({ date: 'unknown_column', amount: 'unknown_column' });
    expect(checkMapping({ ...blankMapping(), date: '1', amounts: 'split' }, preview)).toEqual({ debit: 'amount_required' });
    expect(checkMapping({ ...blankMapping(), date: '1', amounts: 'split', credit: '5', amount: 'nonsense' }, preview)).toEqual({});
    expect(checkMapping({ ...blankMapping(), date: '1', amount: '5', skip_rows: -1 }, null)).toEqual({ skip_rows: 'required' });
  });

  it('round-trips the saved mapping and sends only what the mode uses', () => {
    const d = { ...blankMapping(), delimiter: ';', date: 'Buchungstag', date_format: '%d.%m.%Y', amounts: 'split' as const, debit: 'Soll', credit: 'Haben', amount: 'Betrag', counterparty: ' Name ', decimal_comma: true, skip_rows: 2 };
    const m = toMapping(d);
    expect(m).toEqual({ delimiter: ';', has_header: true, skip_rows: 2, date: 'Buchungstag', date_format: '%d.%m.%Y', decimal_comma: true, debit: 'Soll', credit: 'Haben', counterparty: 'Name' });
    expect(fromMapping(m)).toMatchObject({ amounts: 'split', debit: 'Soll', credit: 'Haben', amount: '', counterparty: 'Name', delimiter: ';' });
    expect(fromMapping(null)).toEqual(blankMapping());
  });

  it('reads files as base64 and tells formats apart', () => {
    expect(toBase64(new TextEncoder().encode('a;b\n1;2'))).toBe(btoa('a;b\n1;2'));
    expect(sniffFormat('x.xml', '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">')).toBe('camt053');
    expect(sniffFormat('x.ofx', 'OFXHEADER:100')).toBe('ofx');
    expect(sniffFormat('x.sta', ':20:STARTUMS')).toBe('mt940');
    expect(sniffFormat('umsatz.CSV', 'Buchungstag;Betrag')).toBe('csv');
    expect(sniffFormat('x.bin', '')).toBeNull();
  });
});

function line(o: Partial<BankLine>): BankLine {
  return { id: 1, statement_id: 1, date: '2026-03-02', value_date: null, amount: '119.00', counterparty: 'Corner Shop', counterparty_account: '', reference: 'INV/00001', description: '', bank_ref: '', rec_id: null, ...o };
}
function book(o: Partial<BookLine>): BookLine {
  return { id: 70, entry_id: 30, entry_number: 'BNK/00001', date: '2026-03-02', amount: '119.00', partner_id: 4, partner_name: 'Corner Shop', reference: '', description: '', payment_id: 9, rec_id: null, ...o };
}
function sug(o: Partial<Suggestion>): Suggestion {
  return { statement_line_id: 1, kind: 'book', score: 90, book_line_ids: [], items: [], partner_id: null, partner_side: null, rule_id: null, account_id: null, tax_id: null, label: '', ...o };
}

describe('reconciliation', () => {
  it('arrow keys move between lines, Enter accepts, Space ticks; modifiers and empty lists do nothing', () => {
    const k = (key: string, o: Record<string, boolean> = {}) => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...o });
    expect(recKey(k('ArrowDown'), 0, 3)).toEqual({ kind: 'move', to: 1 });
    expect(recKey(k('ArrowDown'), 2, 3)).toEqual({ kind: 'move', to: 2 });
    expect(recKey(k('ArrowUp'), 0, 3)).toEqual({ kind: 'move', to: 0 });
    expect(recKey(k('End'), 0, 3)).toEqual({ kind: 'move', to: 2 });
    expect(recKey(k('Home'), 2, 3)).toEqual({ kind: 'move', to: 0 });
    expect(recKey(k('Enter'), 1, 3)).toEqual({ kind: 'accept' });
    expect(recKey(k(' '), 1, 3)).toEqual({ kind: 'toggle' });
    expect(recKey(k('Enter', { ctrlKey: true }), 1, 3)).toBeNull();
    expect(recKey(k('ArrowDown'), 0, 0)).toBeNull();
    expect(recKey(k('x'), 0, 3)).toBeNull();
    // After a line is reconciled, the next one takes its place; past the end, the last.
    expect(nextAfter(1, 2)).toBe(1);
    expect(nextAfter(2, 2)).toBe(1);
    expect(nextAfter(0, 0)).toBe(0);
  });

  it('accepting a suggestion: its book lines, a payment for its items, or a move by its rule', () => {
    expect(suggestionFor([sug({ score: 50 }), sug({ score: 95, label: 'best' }), sug({ statement_line_id: 2 })], 1)?.label).toBe('best');
    expect(suggestionFor([], 1)).toBeNull();
    expect(acceptArgs(sug({ book_line_ids: [70] }), 3)).toEqual({ bank_account_id: 3, statement_line_ids: [1], book_line_ids: [70] });
    expect(acceptArgs(sug({ kind: 'items', partner_id: 4, partner_side: 'customer', items: [{ item_id: 11, amount: '119.00' }] }), 3)).toEqual({
      bank_account_id: 3, statement_line_ids: [1], book_line_ids: [], create: { kind: 'payment', partner_side: 'customer', partner_id: 4, items: [{ item_id: 11, amount: '119.00' }] },
    });
    expect(acceptArgs(sug({ kind: 'rule', account_id: 60, tax_id: 2 }), 3)).toEqual({ bank_account_id: 3, statement_line_ids: [1], book_line_ids: [], create: { kind: 'move', account_id: 60, tax_id: 2 } });
  });

  it('a manual match: running difference, one-to-many, many-to-one, a payment for items or an expense for the rest', () => {
    const two = [line({ id: 1, amount: '100.00' }), line({ id: 2, amount: '19.00' })];
    // Many statement lines to one book line.
    const r = running({ lines: two, book: [book({ amount: '119.00' })], items: [] });
    expect(r).toMatchObject({ statement: '119.00', book: '119.00', rest: '0.00', balanced: true });
    expect(manualArgs({ lines: two, book: [book({})], items: [] }, { create: 'none' }, 3)).toEqual({ bank_account_id: 3, statement_line_ids: [1, 2], book_line_ids: [70] });
    // One statement line to several book lines that do not add up: refused until the rest is booked.
    const part = { lines: [line({ amount: '-54.50' })], book: [book({ id: 71, amount: '-50.00' })], items: [] };
    expect(running(part).rest).toBe('-4.50');
    expect(manualArgs(part, { create: 'none' }, 3)).toBe('unbalanced');
    expect(manualArgs(part, { create: 'move' }, 3)).toBe('account_required');
    expect(manualArgs(part, { create: 'move', accountId: 60, taxId: null }, 3)).toEqual({ bank_account_id: 3, statement_line_ids: [1], book_line_ids: [71], create: { kind: 'move', account_id: 60 } });
    // Open items take the rest oldest first; what is left stays as the partner's credit.
    const items = [item({ id: 11, due_date: '2026-02-01', open_amount: '80.00' }), item({ id: 10, due_date: '2026-01-01', open_amount: '30.00' })];
    const spreadOut = spread('100.00', items);
    expect(spreadOut.map((x) => [x.item.id, x.amount])).toEqual([[10, '30.00'], [11, '70.00']]);
    expect(running({ lines: [line({ amount: '120.00' })], book: [], items: spreadOut }).credit).toBe('20.00');
    expect(manualArgs({ lines: [line({ amount: '120.00' })], book: [], items: spreadOut }, { create: 'payment' }, 3)).toEqual({
      bank_account_id: 3, statement_line_ids: [1], book_line_ids: [], create: { kind: 'payment', partner_side: 'customer', partner_id: 4, items: [{ item_id: 10, amount: '30.00' }, { item_id: 11, amount: '70.00' }] },
    });
    expect(manualArgs({ lines: [line({})], book: [], items: [{ item: item({ partner_id: 4 }), amount: '1' }, { item: item({ id: 2, partner_id: 5 }), amount: '1' }] }, { create: 'payment' }, 3)).toBe('one_partner');
    expect(manualArgs({ lines: [], book: [], items: [] }, { create: 'none' }, 3)).toBe('no_lines');
  });
});

describe('labels', () => {
  it('names the aging buckets the core returns', () => {
    expect(agingLabel('current')).toBe('Not due');
    expect(agingLabel('1-30')).toBe('1–30 days');
    expect(agingLabel('90+')).toBe('Over 90 days');
    expect(agingLabel('odd')).toBe('odd');
    expect(parseBuckets('30, 60,90')).toEqual([30, 60, 90]);
    expect(parseBuckets('30 15')).toBeNull();
    expect(parseBuckets('0, 30')).toBeNull();
    expect(parseBuckets('30.5')).toBeNull();
    expect(parseBuckets('')).toBeNull();
  });
});
