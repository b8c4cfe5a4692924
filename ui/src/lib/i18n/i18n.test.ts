import { describe, expect, it } from 'vitest';
import { i18n, t } from './index.svelte';
import { en } from './en';
import { de } from './de';

describe('t()', () => {
  it('follows the chosen language', () => {
    i18n.set('de');
    expect(t('common.save')).toBe('Speichern');
    i18n.set('en');
    expect(t('common.save')).toBe('Save');
  });
  it('falls back to the system language for unknown choices', () => {
    i18n.set('xx');
    expect(['en', 'de']).toContain(i18n.lang);
  });
  it('the German catalog has every English key and no other', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});
