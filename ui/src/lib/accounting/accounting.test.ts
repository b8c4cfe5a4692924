import { describe, expect, it } from 'vitest';
import type { Account, AccountingSettings, Company, Entry } from '../api';
import { accountLabel, allowedParents, blankAccount, buildTree, fitSubtype, subtypeFits, subtypesFor, toAccountInput, visibleRows } from './account';
import { moveItem } from './groups';
import { DEFAULT_ACCOUNTS, fromSettings, toSettingsArgs } from './settings';
import { emptyCompany, fromCompany, toCreateArgs, toUpdateArgs } from '../admin/company';
import { blankLine, difference, fromEntry, remapLineErrors, toDraft, type EntryForm, type LineRow } from './entry';

const acc = (id: number, code: string, o: Partial<Account> = {}): Account => ({
  id, code, name: `A${code}`, type: 'asset', subtype: 'current_asset', parent_id: null, parent_code: null, is_group: false, currency: null,
  reconcilable: false, archived: false, balance: '0.00', has_postings: false, updated_at: '', ...o,
});

describe('chart of accounts', () => {
  it('offers only the subtypes of the chosen type (and those valid under any)', () => {
    expect(subtypesFor('income')).toEqual(['income', 'other_income', 'exchange_gain_loss', 'rounding', 'suspense']);
    expect(subtypesFor('asset')).toContain('receivable');
    expect(subtypesFor('asset')).not.toContain('payable');
    expect(subtypeFits('liability', 'grni')).toBe(true);
    expect(subtypeFits('equity', 'bank')).toBe(false);
    expect(fitSubtype('expense', 'bank')).toBe('cost_of_goods_sold');
    expect(fitSubtype('expense', 'rounding')).toBe('rounding');
  });

  it('builds the tree in code order, children under their parent, folded groups hide their descendants', () => {
    const list = [
      acc(3, '1200', { parent_id: 1 }), acc(1, '1000', { is_group: true }), acc(4, '4000', { type: 'income', subtype: 'income' }),
      acc(2, '1100', { parent_id: 1, is_group: true }), acc(5, '1110', { parent_id: 2 }),
    ];
    const rows = buildTree(list);
    expect(rows.map((r) => [r.account.code, r.depth])).toEqual([['1000', 0], ['1100', 1], ['1110', 2], ['1200', 1], ['4000', 0]]);
    expect(rows[0].hasChildren).toBe(true);
    expect(rows[2].ancestors).toEqual([1, 2]);
    expect(visibleRows(rows, new Set([2])).map((r) => r.account.code)).toEqual(['1000', '1100', '1200', '4000']);
    expect(visibleRows(rows, new Set([1])).map((r) => r.account.code)).toEqual(['1000', '4000']);
  });

  it('a search hit whose parent is not listed starts a root; a cycle never loops', () => {
    expect(buildTree([acc(5, '1110', { parent_id: 2 })]).map((r) => r.depth)).toEqual([0]);
    const cyc = buildTree([acc(1, '1', { parent_id: 2 }), acc(2, '2', { parent_id: 1 })]);
    expect(cyc.map((r) => r.account.id).sort()).toEqual([1, 2]);
  });

  it('parents are groups of the same type, never the account itself or one of its descendants', () => {
    const list = [acc(1, '1000', { is_group: true }), acc(2, '1100', { parent_id: 1, is_group: true }), acc(3, '2000', { type: 'liability', subtype: 'payable', is_group: true }), acc(4, '1200')];
    expect(allowedParents(list, 'asset', null).map((a) => a.id)).toEqual([1, 2]);
    expect(allowedParents(list, 'asset', 1).map((a) => a.id)).toEqual([]);
    expect(allowedParents(list, 'asset', 2).map((a) => a.id)).toEqual([1]);
    expect(allowedParents(list, 'liability', null).map((a) => a.id)).toEqual([3]);
  });

  it('the account form sends what account.create takes', () => {
    const d = { ...blankAccount(acc(1, '1000', { is_group: true, type: 'liability', subtype: 'payable' })), code: ' 2100 ', name: 'Trade payables' };
    expect(toAccountInput(d)).toEqual({ code: '2100', name: 'Trade payables', type: 'liability', subtype: 'payable', parent_id: 1, is_group: false, currency: undefined, reconcilable: false });
    expect(accountLabel({ code: '1200', name: 'Bank' })).toBe('1200 Bank');
  });
});

const line = (o: Partial<LineRow>): LineRow => ({ ...blankLine(), ...o });

describe('journal entry editor', () => {
  it('reads an entry into grid rows: zero sides empty, amounts exact, tax named', () => {
    const e = {
      id: 9, journal_id: 2, journal_code: 'GEN', state: 'draft', number: null, date: '2026-03-01', period_id: null, reference: 'R', memo: 'M',
      source: { module: 'accounting', kind: 'manual', id: null }, reverses_id: null, reverses_number: null, reversed_by_id: null, reversed_by_number: null,
      total_debit: '100.10', total_credit: '100.10', created_at: '', posted_at: null,
      lines: [
        { line_no: 1, account_id: 5, account_code: '6000', account_name: 'Rent', partner_id: null, partner_name: null, description: 'March', debit: '100.10', credit: '0.00', currency: null, amount_currency: null, tax_id: 3, tax_base: null },
        { line_no: 2, account_id: 6, account_code: '1200', account_name: 'Bank', partner_id: null, partner_name: null, description: '', debit: '0.00', credit: '100.10', currency: null, amount_currency: null, tax_id: null, tax_base: null },
      ],
    } as Entry;
    const f = fromEntry(e, (id) => (id === 3 ? 'VAT19' : ''));
    expect(f.lines[0]).toMatchObject({ account: '6000 Rent', debit: '100.10', credit: '', tax_id: 3, tax: 'VAT19' });
    expect(f.lines[1]).toMatchObject({ account: '1200 Bank', debit: '', credit: '100.10' });
  });

  it('sends decimal strings as typed, leaves empty rows out and remembers where each line sat', () => {
    const f: EntryForm = {
      journal_id: 2, date: '2026-03-01', reference: ' INV-1 ', memo: '',
      lines: [line({ account_id: 5, debit: '0.1' }), line({}), line({ account_id: 6, credit: '0.10', partner_id: 7 }), line({ account_id: 8, debit: '12345678901234.56' })],
    };
    const out = toDraft(f);
    expect(out.rows).toEqual([0, 2, 3]);
    expect(out.draft).toEqual({
      journal_id: 2, date: '2026-03-01', reference: 'INV-1', memo: '',
      lines: [
        { account_id: 5, description: '', debit: '0.1', credit: '0' },
        { account_id: 6, description: '', debit: '0', credit: '0.10', partner_id: 7 },
        { account_id: 8, description: '', debit: '12345678901234.56', credit: '0' },
      ],
    });
  });

  it('puts the errors of line N sent on the grid row it came from', () => {
    const e = remapLineErrors({ 'lines.1.partner_id': 'A partner is needed', 'lines.0.account_id': 'Required', lines: 'Unbalanced', date: 'Closed' }, [0, 2, 3]);
    expect(e).toEqual({ 'lines.2.partner_id': 'A partner is needed', 'lines.0.account_id': 'Required', lines: 'Unbalanced', date: 'Closed' });
  });

  it('shows the running difference exactly: 0.1 + 0.2 against 0.3 balances', () => {
    expect(difference([line({ debit: '0.1' }), line({ debit: '0.2' }), line({ credit: '0.3' })])).toMatchObject({ balanced: true, difference: '0.00' });
    expect(difference([line({ debit: '100' }), line({ credit: '99.99' })])).toMatchObject({ balanced: false, difference: '0.01', debit: '100.00', credit: '99.99' });
  });
});

describe('setup forms', () => {
  it('a new company starts from the generic chart unless "none" is chosen; updates never send it', () => {
    const d = { ...emptyCompany(), code: 'AC', name: 'Acme' };
    expect(toCreateArgs(d).chart_template).toBe('generic');
    expect(toCreateArgs({ ...d, chart_template: 'none' }).chart_template).toBe('none');
    const c = { id: 1, code: 'AC', name: 'Acme', legal_name: '', tax_id: '', base_currency: 'EUR', locale: 'de-DE', timezone: 'Europe/Berlin', fiscal_year_start_month: 1, address: { line1: '', line2: '', postal_code: '', city: '', region: '', country_code: 'DE' }, color: '', archived: false, created_at: '', updated_at: '' } as Company;
    expect(fromCompany(c).chart_template).toBeUndefined();
    expect('chart_template' in toUpdateArgs({ ...fromCompany(c), chart_template: 'generic' })).toBe(false);
  });
  it('settings send every default account, a cleared one as null', () => {
    const s = { chart_template: 'generic', base_currency: 'EUR', lock_date: null, tax_rounding: 'document', tax_rounding_mode: 'half_even', currencies: [],
      defaults: { receivable: 1, payable: 2, sales: 3, purchase: 4, inventory: null, cogs: 6, grni: 7, rounding: 8, fx_gain: 9, fx_loss: 10, retained_earnings: 11 } } as AccountingSettings;
    const d = fromSettings(s);
    d.defaults.sales = null;
    const a = toSettingsArgs(d);
    expect(a.tax_rounding).toBe('document');
    expect(a.tax_rounding_mode).toBe('half_even');
    expect(Object.keys(a.defaults!)).toEqual(DEFAULT_ACCOUNTS);
    expect(a.defaults).toMatchObject({ receivable: 1, sales: null, inventory: null, retained_earnings: 11 });
    expect(s.defaults.sales).toBe(3);
  });
  it('moves a tax up or down in its group, never past the ends', () => {
    expect(moveItem([1, 2, 3], 2, -1)).toEqual([1, 3, 2]);
    expect(moveItem([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(moveItem([1, 2, 3], 2, 1)).toEqual([1, 2, 3]);
  });
});
