import { afterEach, describe, expect, it } from 'vitest';
import { buildMatrix, normalized, parseCodename, permissionsChanged, rowCodenames, toggleAll, toggleInDraft, withImplied } from './matrix';
import { companyZone, suggestCode, toCreateArgs, toUpdateArgs, emptyCompany, logoProblem, LOGO_MAX_BYTES } from './company';
import { DOCUMENT_LANGUAGES, emptyPartner, toFields } from '../partners/partner';
import { actionLabel, commandLabel, entityLabel, formatInstantInZone, humanize, permissionLabel, roleName, summaryRole } from './labels';
import { i18n, t } from '../i18n/index.svelte';
import { admin as en } from '../i18n/en/admin';
import { admin as de } from '../i18n/de/admin';

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
  it('sends payment instructions with the settings, never at creation', () => {
    const d = { ...emptyCompany(), code: 'AC', name: 'Acme', base_currency: 'EUR', payment_instructions: 'IBAN IE29 AIBK\nBIC AIBKIE2D' };
    expect('payment_instructions' in toCreateArgs(d)).toBe(false);
    expect(toUpdateArgs(d).payment_instructions).toBe('IBAN IE29 AIBK\nBIC AIBKIE2D');
  });
  it('refuses a logo the core would refuse, before sending it', () => {
    expect(logoProblem({ size: 1000, type: 'image/png' })).toBeNull();
    expect(logoProblem({ size: LOGO_MAX_BYTES, type: 'image/jpeg' })).toBeNull();
    expect(logoProblem({ size: LOGO_MAX_BYTES + 1, type: 'image/png' })).toBe('too_large');
    expect(logoProblem({ size: 10, type: 'image/gif' })).toBe('format');
    expect(logoProblem({ size: 10, type: 'image/svg+xml' })).toBe('format');
    // No type (some platforms): the core decides by the file's bytes.
    expect(logoProblem({ size: 10, type: '' })).toBeNull();
  });
});

describe('partner document language', () => {
  it("defaults to the company's and is sent as chosen", () => {
    const d = emptyPartner('customer', 'EUR');
    expect(d.language).toBe('');
    expect(toFields({ ...d, name: 'Golden Gate', language: 'de' }).language).toBe('de');
    expect(DOCUMENT_LANGUAGES).toEqual(['', 'en', 'de']);
  });
});

describe('matrix edits are unsaved changes', () => {
  const m = buildMatrix(perms);
  it('a toggled permission makes the draft differ; toggling back does not', () => {
    const saved = ['partner.view_partner'];
    let draft = normalized(saved);
    expect(permissionsChanged(saved, draft)).toBe(false);
    draft = toggleInDraft(draft, ['partner.delete_partner'], m);
    expect(permissionsChanged(saved, draft)).toBe(true);
    draft = toggleInDraft(draft, ['partner.delete_partner'], m);
    expect(permissionsChanged(saved, draft)).toBe(false);
  });
  it('order and duplicates do not count as changes', () => {
    expect(permissionsChanged(['b', 'a'], ['a', 'b', 'a'])).toBe(false);
    expect(normalized(['b', 'a', 'b'])).toEqual(['a', 'b']);
  });
  it('a new permission brings view along and stays sorted', () => {
    expect(toggleInDraft([], ['partner.add_partner'], m)).toEqual(['partner.add_partner', 'partner.view_partner']);
  });
});

describe('readable labels', () => {
  afterEach(() => i18n.set('en'));
  it('never shows a raw codename: an unknown one reads as words', () => {
    i18n.set('en');
    expect(humanize('view_auditlog')).toBe('View audit log');
    expect(humanize('set_archived')).toBe('Set archived');
    expect(permissionLabel('audit.view_auditlog')).toBe('View audit log');
    expect(permissionLabel('sales.approve_invoice')).toBe('Approve: invoice');
    expect(permissionLabel('stock.view_stockmove')).toBe('View stockmove');
    expect(entityLabel('pricelist')).toBe('Price list');
    expect(actionLabel('frobnicate')).toBe('Frobnicate');
  });
  it('translates entities, permissions and built-in roles', () => {
    i18n.set('de');
    expect(entityLabel('auditlog')).toBe('Prüfprotokoll');
    expect(permissionLabel('audit.view_auditlog')).toBe('Prüfprotokoll ansehen');
    expect(permissionLabel('catalog.import_product')).toBe('Produkt importieren');
    expect(roleName({ name: 'Viewer', builtin: 'viewer' })).toBe('Betrachter');
    expect(roleName({ name: 'Night shift', builtin: null })).toBe('Night shift');
    expect(summaryRole('Viewer')).toBe('Betrachter');
    expect(commandLabel('membership.add')).toBe('Mitglied: Anlegen');
  });
  it('counts with ICU plurals and the language\'s digit grouping', () => {
    i18n.set('en');
    expect(t('admin.members.count', { count: 1 })).toBe('1 member');
    expect(t('admin.members.count', { count: 2 })).toBe('2 members');
    expect(t('admin.audit.count', { count: 1234 })).toBe('1,234 entries');
    i18n.set('de');
    expect(t('admin.members.count', { count: 1 })).toBe('1 Mitglied');
    expect(t('admin.audit.count', { count: 1234 })).toBe('1.234 Einträge');
  });
  it('German has exactly the English admin keys', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});

describe('times in the company\'s zone', () => {
  const at = '2024-03-10T23:30:00Z';
  it('formats an instant in the given zone, not the machine\'s', () => {
    expect(formatInstantInZone(at, 'en-US', 'UTC')).toBe(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at)));
    const tokyo = formatInstantInZone(at, 'en-US', 'Asia/Tokyo');
    expect(tokyo).toContain('Mar 11, 2024');
    expect(tokyo).toContain('8:30');
    expect(formatInstantInZone(at, 'en-US', 'Not/AZone')).toContain('Mar 10, 2024');
    expect(formatInstantInZone(null, 'en-US', 'UTC')).toBe('');
  });
  it('reads the zone from the summary, else the fallback, else UTC', () => {
    expect(companyZone({ timezone: 'Europe/Berlin' }, 'Asia/Tokyo')).toBe('Europe/Berlin');
    expect(companyZone({ name: 'Acme' }, 'Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(companyZone(null, null)).toBe('UTC');
  });
});
