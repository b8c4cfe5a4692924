import { describe, expect, it } from 'vitest';
import { canonical, currencyInfo, example, formatDecimal, padDecimals, parseDecimal, symbols } from './locale';

const LOCALES = ['de-DE', 'fr-FR', 'en-US', 'ja-JP', 'de-CH', 'en-IN', 'ar-EG', 'fa-IR'];
const VALUES = ['0', '1', '-1', '0.5', '-0.05', '19.90', '1234.5', '-1234567.89', '1000000', '12345678901234.5678', '-12345678901234.5678', '99999999999999.9999', '0.0001', '100.00'];

const parse = (t: string, l: string, o = {}) => {
  const r = parseDecimal(t, l, o);
  return r.ok ? r.value : `!${r.error}`;
};

describe('locale symbols', () => {
  it('reads the separators from Intl', () => {
    expect(symbols('de-DE')).toMatchObject({ group: '.', decimal: ',' });
    expect(symbols('fr-FR')).toMatchObject({ group: '\u202f', decimal: ',' });
    expect(symbols('en-US')).toMatchObject({ group: ',', decimal: '.' });
    expect(symbols('en-IN')).toMatchObject({ primary: 3, secondary: 2 });
    expect(currencyInfo('EUR', 'de-DE')).toEqual({ symbol: '€', prefix: false, scale: 2 });
    expect(currencyInfo('USD', 'en-US')).toEqual({ symbol: '$', prefix: true, scale: 2 });
    expect(currencyInfo('JPY', 'ja-JP').scale).toBe(0);
    expect(currencyInfo('XX1', 'en-US')).toEqual({ symbol: 'XX1', prefix: false, scale: 2 });
  });
});

describe('parseDecimal / formatDecimal', () => {
  it('reads what users type in each locale', () => {
    expect(parse('19,90', 'de-DE')).toBe('19.90');
    expect(parse('1.234,5', 'de-DE')).toBe('1234.5');
    expect(parse('1234,5', 'de-DE')).toBe('1234.5');
    expect(parse('1 234,5', 'fr-FR')).toBe('1234.5');
    expect(parse('1\u202f234,5', 'fr-FR')).toBe('1234.5');
    expect(parse('1\u00a0234,5', 'fr-FR')).toBe('1234.5');
    expect(parse('1,234.5', 'en-US')).toBe('1234.5');
    expect(parse('１２３４', 'ja-JP')).toBe('1234');
    expect(parse('−5,5', 'de-DE')).toBe('-5.5');
    expect(parse(',5', 'de-DE')).toBe('0.5');
    expect(parse('  ', 'de-DE')).toBe('');
    expect(parse('007', 'en-US')).toBe('7');
    expect(parse('-0', 'en-US')).toBe('0');
    expect(parse('12,34,567.5', 'en-IN')).toBe('1234567.5');
  });
  it('rejects ambiguous or invalid text instead of guessing', () => {
    expect(parse('19.90', 'de-DE')).toBe('!invalid'); // not 1990
    expect(parse('19,90', 'en-US')).toBe('!invalid'); // not 1990
    expect(parse('1.2.3', 'en-US')).toBe('!invalid');
    expect(parse('abc', 'en-US')).toBe('!invalid');
    expect(parse('1e5', 'en-US')).toBe('!invalid');
    expect(parse('12,', 'de-DE')).toBe('!invalid');
    expect(parse('--1', 'en-US')).toBe('!invalid');
  });
  it('enforces scale, bounds and padding without rounding', () => {
    expect(parse('1,999', 'de-DE', { scale: 2 })).toBe('!scale');
    expect(parse('1,900', 'de-DE', { scale: 2 })).toBe('1.90');
    expect(parse('19,9', 'de-DE', { scale: 2, pad: 2 })).toBe('19.90');
    expect(parse('-1', 'en-US', { min: '0' })).toBe('!min');
    expect(parse('0', 'en-US', { min: '0' })).toBe('0');
    expect(parse('101', 'en-US', { max: '100' })).toBe('!max');
    expect(parse('12 €', 'de-DE', { strip: ['€'] })).toBe('12');
  });
  it('keeps 14 integer digits and 4 decimals exactly (no float)', () => {
    expect(parse('12.345.678.901.234,5678', 'de-DE')).toBe('12345678901234.5678');
    expect(formatDecimal('12345678901234.5678', 'de-DE')).toBe('12.345.678.901.234,5678');
    expect(formatDecimal('12345678901234.5678', 'en-US')).toBe('12,345,678,901,234.5678');
    expect(formatDecimal('19.9', 'de-DE', { minDecimals: 2 })).toBe('19,90');
    expect(formatDecimal('1234.5', 'fr-FR')).toBe('1\u202f234,5');
    expect(formatDecimal('not', 'fr-FR')).toBe('not');
  });
  it.each(LOCALES)('round-trips every value in %s', (locale) => {
    for (const v of VALUES) {
      expect(parse(formatDecimal(v, locale), locale)).toBe(canonical(v));
      expect(parse(formatDecimal(v, locale, { grouping: false }), locale)).toBe(canonical(v));
    }
  });
  it('canonicalises and pads', () => {
    expect(canonical('-000.50')).toBe('-0.50');
    expect(canonical('-0.00')).toBe('0.00');
    expect(padDecimals('7', 2)).toBe('7.00');
    expect(padDecimals('7.125', 2)).toBe('7.125');
    expect(example('de-DE')).toBe('1.234,56');
    expect(example('en-US', 0)).toBe('1,234');
  });
});
