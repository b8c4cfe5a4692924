import { describe, expect, it } from 'vitest';
import { buildMatrix, parseCodename, rowCodenames, toggleAll, withImplied } from './matrix';
import { suggestCode, toCreateArgs, emptyCompany } from './company';

const perms = [
  { codename: 'partner.view_partner', module: 'partner', description: '' },
  { codename: 'partner.add_partner', module: 'partner', description: '' },
  { codename: 'partner.delete_partner', module: 'partner', description: '' },
  { codename: 'catalog.import_product', module: 'catalog', description: '' },
  { codename: 'catalog.view_product', module: 'catalog', description: '' },
  { codename: 'audit.view_auditlog', module: 'audit', description: '' },
];

describe('permission matrix', () => {
  it('parses codenames', () => {
    expect(parseCodename('catalog.import_product')).toEqual({ module: 'catalog', action: 'import', model: 'product' });
    expect(parseCodename('x.view')).toEqual({ module: 'x', action: 'view', model: 'x' });
  });
  it('lays permissions out by area and action', () => {
    const m = buildMatrix(perms);
    expect(m.map((r) => r.model)).toEqual(['auditlog', 'product', 'partner']);
    const product = m[1];
    expect(product.cells.view?.codename).toBe('catalog.view_product');
    expect(product.extra.map((e) => e.action)).toEqual(['import']);
    expect(rowCodenames(product)).toEqual(['catalog.view_product', 'catalog.import_product']);
  });
  it('toggles a whole row or column and brings view along', () => {
    const m = buildMatrix(perms);
    let sel = toggleAll(new Set(), rowCodenames(m[2]));
    expect([...sel].sort()).toEqual(['partner.add_partner', 'partner.delete_partner', 'partner.view_partner']);
    sel = toggleAll(sel, rowCodenames(m[2]));
    expect(sel.size).toBe(0);
    sel = withImplied(new Set(['partner.delete_partner']), m);
    expect(sel.has('partner.view_partner')).toBe(true);
  });
});

describe('company form', () => {
  it('suggests a code from the name', () => {
    expect(suggestCode('Acme Trading Ltd')).toBe('ACME');
    expect(suggestCode('Bo & Co')).toBe('BC');
    expect(suggestCode('')).toBe('');
  });
  it('leaves empty optional fields out', () => {
    const d = { ...emptyCompany(), code: ' AC ', name: 'Acme', base_currency: 'EUR' };
    const a = toCreateArgs(d);
    expect(a.code).toBe('AC');
    expect(a.legal_name).toBeUndefined();
    expect(a.color).toBeUndefined();
  });
});
