import { describe, expect, it } from 'vitest';
import { formatMoney, formatNumber, formatDate, isDecimal, decimalsOf } from './format';
import { matches, label } from './keyboard';
import { rank, score } from './fuzzy';
import { IdleClock } from './idle';
import { bump, byRecent } from './recent';
import { arrange, arrayLoader, emptyLayout, moveColumn, nextSort, resizeColumn, template, toggleColumn } from './grid';

const key = (k: string, o: Partial<{ ctrl: boolean; meta: boolean; shift: boolean; alt: boolean }> = {}) => ({
  key: k, ctrlKey: !!o.ctrl, metaKey: !!o.meta, shiftKey: !!o.shift, altKey: !!o.alt,
});

describe('format', () => {
  it('formats money strings exactly in the company locale', () => {
    expect(formatMoney('1234567.89', 'EUR', 'de-DE')).toBe('1.234.567,89\u00a0€');
    expect(formatMoney('1234.5', 'USD', 'en-US')).toBe('$1,234.50');
    // Beyond float precision: the string is formatted, not a float.
    expect(formatMoney('90071992547409.93', 'USD', 'en-US')).toBe('$90,071,992,547,409.93');
    expect(formatMoney('', 'USD', 'en-US')).toBe('');
    expect(formatMoney('n/a', 'USD', 'en-US')).toBe('n/a');
  });
  it('formats numbers and dates by locale', () => {
    expect(formatNumber('1234.5', 'fr-FR')).toBe('1\u202f234,5');
    expect(formatDate('2024-03-05T10:00:00Z', 'en-GB')).toBe('5 Mar 2024');
    expect(formatDate('garbage', 'en-GB')).toBe('garbage');
  });
  it('recognises decimals', () => {
    expect(isDecimal('-12.50')).toBe(true);
    expect(isDecimal('1e5')).toBe(false);
    expect(decimalsOf('12.500')).toBe(3);
    expect(decimalsOf('12')).toBe(0);
  });
});

describe('keyboard', () => {
  it('matches Mod shortcuts per platform', () => {
    expect(matches(key('s', { ctrl: true }), 'Mod+S', false)).toBe(true);
    expect(matches(key('s', { meta: true }), 'Mod+S', true)).toBe(true);
    expect(matches(key('s', { meta: true }), 'Mod+S', false)).toBe(false);
    expect(matches(key('s'), 'Mod+S', false)).toBe(false);
    expect(matches(key('N', { ctrl: true, shift: true }), 'Mod+Shift+N', false)).toBe(true);
    expect(matches(key('n', { ctrl: true, shift: true }), 'Mod+N', false)).toBe(false);
    expect(matches(key('Escape'), 'Escape', false)).toBe(true);
    expect(matches(key('Escape', { ctrl: true }), 'Escape', false)).toBe(false);
  });
  it('labels shortcuts', () => {
    expect(label('Mod+K', false)).toBe('Ctrl+K');
    expect(label('Mod+K', true)).toBe('⌘K');
  });
});

describe('fuzzy', () => {
  it('requires every word and prefers word starts', () => {
    expect(score('Company settings', 'set')).toBeGreaterThan(score('Reset password', 'set'));
    expect(score('Audit log', 'audit xyz')).toBe(0);
    const items = ['Users', 'Audit log', 'Company settings', 'Roles'];
    expect(rank(items, 'ro', (x) => x)).toEqual(['Roles']);
    expect(rank(items, '', (x) => x)).toEqual(items);
  });
});

describe('idle', () => {
  it('expires after the limit without input', () => {
    const c = new IdleClock(1000, 0);
    expect(c.expired(999)).toBe(false);
    c.touch(500);
    expect(c.expired(1200)).toBe(false);
    expect(c.expired(1500)).toBe(true);
    expect(new IdleClock(0, 0).expired(1e9)).toBe(false);
  });
});

describe('recent', () => {
  it('keeps most recent first', () => {
    expect(bump([1, 2, 3], 3)).toEqual([3, 1, 2]);
    expect(bump([1, 2, 3], 4, 3)).toEqual([4, 1, 2]);
    const cos = [{ id: 1 }, { id: 2 }, { id: 3 }];
    expect(byRecent(cos, [3, 1], (c) => c.id).map((c) => c.id)).toEqual([3, 1, 2]);
  });
});

describe('grid', () => {
  it('toggles sort direction on the same column', () => {
    expect(nextSort({ sort: 'name', desc: false }, 'name')).toEqual({ sort: 'name', desc: true });
    expect(nextSort({ sort: 'name', desc: true }, 'code')).toEqual({ sort: 'code', desc: false });
  });
  it('builds column templates', () => {
    expect(template([{ key: 'a', label: 'A', text: () => '' }, { key: 'b', label: 'B', width: '90px', text: () => '' }])).toBe('1fr 90px');
  });
  it('arranges columns by the saved layout: order, hidden, widths; the first column stays', () => {
    const cols = ['name', 'sku', 'cost', 'brand'].map((k) => ({ key: k, label: k, text: () => '' }));
    let l = emptyLayout();
    l = moveColumn(cols, l, 'cost', -1);
    expect(arrange(cols, l).map((c) => c.key)).toEqual(['name', 'cost', 'sku', 'brand']);
    l = toggleColumn(l, 'sku');
    l = toggleColumn(l, 'name');
    expect(arrange(cols, l).map((c) => c.key)).toEqual(['name', 'cost', 'brand']);
    l = resizeColumn(l, 'cost', 10);
    expect(arrange(cols, l).find((c) => c.key === 'cost')?.width).toBe('48px');
    l = toggleColumn(l, 'sku');
    expect(arrange(cols, l).map((c) => c.key)).toEqual(['name', 'cost', 'sku', 'brand']);
    // A column this build adds later appears after the saved ones.
    const more = [...cols, { key: 'new', label: 'new', text: () => '' }];
    expect(arrange(more, l).map((c) => c.key).at(-1)).toBe('new');
  });
  it('searches and sorts small arrays', async () => {
    const load = arrayLoader(async () => [{ n: 'Beta' }, { n: 'alpha' }, { n: 'Gamma' }], (r) => r.n, { n: (r) => r.n.toLowerCase() });
    expect((await load({ limit: 10, sort: 'n' })).items.map((r) => r.n)).toEqual(['alpha', 'Beta', 'Gamma']);
    expect((await load({ limit: 10, sort: 'n', desc: true, search: 'a' })).items.map((r) => r.n)).toEqual(['Gamma', 'Beta', 'alpha']);
    expect((await load({ limit: 10, search: 'gam' })).total).toBe(1);
  });
});
