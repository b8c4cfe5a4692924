import { describe, expect, it } from 'vitest';
import { amount, drillRange, monthOf, needsRate, ratesArg, statementRows, validRange, yearToDate } from './reports';
import type { StatementSection } from '../api';

describe('report ranges', () => {
  it('defaults to the month of today, leap years included', () => {
    expect(monthOf('2026-03-17')).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(monthOf('2024-02-10')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthOf('2026-12-02')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
  it('starts the year to date at the fiscal year start', () => {
    expect(yearToDate('2026-03-17')).toEqual({ from: '2026-01-01', to: '2026-03-17' });
    expect(yearToDate('2026-03-17', 4)).toEqual({ from: '2025-04-01', to: '2026-03-17' });
    expect(yearToDate('2026-04-01', 4)).toEqual({ from: '2026-04-01', to: '2026-04-01' });
  });
  it('accepts only ordered ISO dates', () => {
    expect(validRange({ from: '2026-03-01', to: '2026-03-31' })).toBe(true);
    expect(validRange({ from: '2026-03-31', to: '2026-03-01' })).toBe(false);
    expect(validRange({ from: '', to: '2026-03-01' })).toBe(false);
  });
});

describe('statements', () => {
  const sections: StatementSection[] = [
    {
      key: 'income',
      totals: ['1000', '500'],
      lines: [
        { kind: 'group', account_id: 1, code: '4', name: 'Income', level: 0, amounts: ['1000', '500'] },
        { kind: 'account', account_id: 2, code: '4000', name: 'Sales', level: 1, amounts: ['1000', '500'] },
      ],
    },
    { key: 'equity', totals: ['-500'], lines: [{ kind: 'computed', account_id: null, code: '', name: 'Current year earnings', level: 0, amounts: ['-500'] }] },
  ];
  it('puts a title before and a total after each section, indents by the tree, drills only into accounts', () => {
    const rows = statementRows(sections, { label: 'reports.total.net_profit', amounts: ['-200', '-300'] });
    expect(rows.map((r) => [r.kind, r.label, r.level, r.accountId])).toEqual([
      ['section', 'reports.section.income', 0, null],
      ['group', 'Income', 1, null],
      ['account', 'Sales', 2, 2],
      ['total', 'reports.total.income', 0, null],
      ['section', 'reports.section.equity', 0, null],
      ['computed', 'Current year earnings', 1, null],
      ['total', 'reports.total.equity', 0, null],
      ['result', 'reports.total.net_profit', 0, null],
    ]);
    expect(rows[3].amounts).toEqual(['1000', '500']);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });
  it('drills a profit-and-loss column into its range and a balance-sheet column into the year to its date', () => {
    expect(drillRange({ key: 'comparison', from: '2026-02-01', to: '2026-02-28' })).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(drillRange({ key: 'current', from: null, to: '2026-03-31' })).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(drillRange({ key: 'current', from: null, to: '2026-03-31' }, 7)).toEqual({ from: '2025-07-01', to: '2026-03-31' });
  });
});

describe('figures and rates', () => {
  it('formats amounts exactly in the locale with the currency decimals', () => {
    expect(amount('1234.5', 'en-IE')).toBe('1,234.50');
    expect(amount('-10500', 'de-DE')).toBe('-10.500,00');
    expect(amount('0.125', 'en-IE')).toBe('0.125');
    expect(amount(null, 'en-IE')).toBe('');
  });
  it('asks a rate only of companies in another currency, and sends only typed ones', () => {
    const cs = [{ id: 1, base_currency: 'EUR' }, { id: 2, base_currency: 'USD' }, { id: 3, base_currency: 'GBP' }];
    expect(needsRate(cs, 'eur')).toEqual([2, 3]);
    expect(ratesArg([2, 3], { 2: ' 0.91234 ', 3: '' })).toEqual([{ company_id: 2, rate: '0.91234' }]);
  });
});
