import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from './index.svelte';
import { errorMessage, fieldMessage, fieldMessages, isBadCredentials, sentence } from './errors';
import { ApiError } from '../api';

afterEach(() => i18n.set('en'));

describe('fieldMessage', () => {
  it('translates known codes with their params, in English and German', () => {
    i18n.set('en');
    expect(fieldMessage({ field: 'name', code: 'required', message: 'required' })).toBe('Required.');
    expect(fieldMessage({ field: 'name', code: 'too_long', message: 'x', params: { max: 80 } })).toBe('At most 80 characters.');
    expect(fieldMessage({ field: 'name', code: 'too_long', message: 'x', params: { max: 1 } })).toBe('At most 1 character.');
    expect(fieldMessage({ field: 'qty', code: 'out_of_range', message: 'x', params: { min: 1, max: 10000 } })).toBe('Must be between 1 and 10,000.');
    expect(fieldMessage({ field: 'price', code: 'too_many_decimals', message: 'x', params: { max: '2' } })).toBe('At most 2 decimal places.');
    i18n.set('de');
    expect(fieldMessage({ field: 'name', code: 'required', message: 'required' })).toBe('Pflichtfeld.');
    expect(fieldMessage({ field: 'qty', code: 'out_of_range', message: 'x', params: { min: 1, max: 10000 } })).toBe('Muss zwischen 1 und 10.000 liegen.');
    expect(fieldMessage({ field: 'price', code: 'too_many_decimals', message: 'x', params: { max: 1 } })).toBe('Höchstens 1 Nachkommastelle.');
    expect(fieldMessage({ field: 'email', code: 'invalid_email', message: 'x' })).toBe('Keine gültige E-Mail-Adresse.');
  });
  it('falls back to the backend message, as a sentence, only for codes this build does not know', () => {
    i18n.set('de');
    expect(fieldMessage({ field: 'iban', code: 'bad_checksum', message: 'the IBAN checksum is wrong' })).toBe('The IBAN checksum is wrong.');
    expect(fieldMessage({ field: 'x', message: 'must be unique' })).toBe('Must be unique.');
    expect(fieldMessage({ field: 'x', code: 'weird' })).toBe('Einige Eingaben sind zu prüfen.');
  });
  it('maps fields to their first message', () => {
    i18n.set('en');
    expect(fieldMessages([
      { field: 'a', code: 'required', message: '' },
      { field: 'a', code: 'too_long', message: '', params: { max: 3 } },
      { field: 'b', code: 'duplicate', message: '' },
    ])).toEqual({ a: 'Required.', b: 'Already in use.' });
  });
});

describe('errorMessage', () => {
  it('translates reasons with params', () => {
    i18n.set('en');
    expect(errorMessage({ code: 'unauthenticated', reason: 'bad_credentials', message: 'email or password is incorrect' })).toBe('Email or password is wrong.');
    expect(errorMessage({ code: 'throttled', reason: 'throttled', message: 'x', params: { seconds: 30 } })).toBe('Too many attempts. Try again in 30 seconds.');
    expect(errorMessage({ code: 'throttled', reason: 'throttled', message: 'x', retry_after_secs: 1 })).toBe('Too many attempts. Try again in 1 second.');
    expect(errorMessage({ code: 'not_found', reason: 'not_found', message: 'x', params: { entity: 'product' } })).toBe('This product does not exist (any more).');
    expect(errorMessage({ code: 'forbidden', reason: 'forbidden', message: 'x', params: { permission: 'catalog.edit' } })).toBe('Your role does not allow this (catalog.edit).');
    i18n.set('de');
    expect(errorMessage({ code: 'unauthenticated', reason: 'bad_credentials', message: 'email or password is incorrect' })).toBe('E-Mail oder Passwort ist falsch.');
    expect(errorMessage({ code: 'throttled', reason: 'throttled', message: 'x', params: { seconds: 30 } })).toBe('Zu viele Versuche. Erneut versuchen in 30 Sekunden.');
    expect(errorMessage({ code: 'not_found', reason: 'not_found', message: 'x', params: { entity: 'product' } })).toBe('Dieser Datensatz (Produkt) existiert nicht (mehr).');
    expect(errorMessage({ code: 'conflict', reason: 'stale', message: 'x' })).toContain('Jemand anderes');
  });
  it('falls back to the English message for an unknown reason, and per code without one', () => {
    i18n.set('de');
    expect(errorMessage({ code: 'conflict', reason: 'period_closed', message: 'the period is closed' })).toBe('The period is closed.');
    expect(errorMessage({ code: 'forbidden' })).toBe('Ihre Rolle erlaubt das nicht.');
    expect(errorMessage({ code: 'something_new' })).toBe('Etwas ist schiefgegangen. Bitte erneut versuchen.');
    expect(errorMessage(new ApiError({ code: 'internal', message: 'disk full', fields: [] }))).toBe('Disk full.');
    expect(errorMessage('boom')).toBe('Boom.');
    expect(errorMessage(null)).toBe('Etwas ist schiefgegangen. Bitte erneut versuchen.');
  });
  it('recognises a refused sign-in, with or without a reason', () => {
    expect(isBadCredentials({ code: 'unauthenticated', reason: 'bad_credentials' })).toBe(true);
    expect(isBadCredentials({ code: 'unauthenticated', reason: 'session_expired' })).toBe(false);
    expect(isBadCredentials(new ApiError({ code: 'unauthenticated', message: 'email or password is incorrect', fields: [] }))).toBe(true);
    expect(isBadCredentials(new ApiError({ code: 'unauthenticated', message: 'this account is deactivated; ask an administrator', fields: [] }))).toBe(false);
    expect(isBadCredentials({ code: 'throttled' })).toBe(false);
  });
  it('makes sentences', () => {
    expect(sentence('done')).toBe('Done.');
    expect(sentence('Done!')).toBe('Done!');
    expect(sentence('  ')).toBe('');
  });
});
