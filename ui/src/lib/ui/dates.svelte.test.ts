import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: the file has no typings of its own (they are the package's).
vi.mock('svelte', () => import('../../../node_modules/svelte/src/index-client.js'));
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DateField from './DateField.svelte';
import DateTimeField from './DateTimeField.svelte';
import { dateOrder, formatDateOnly, formatInstant, instantParts, parseDateText, shiftDate, zonedToInstant } from './dates';
import { i18n } from '../i18n/index.svelte';

// The machine runs in a zone west of UTC, where `new Date('2026-01-05')` is the 4th.
vi.stubEnv('TZ', 'America/Los_Angeles');
i18n.set('en');
afterEach(cleanup);

describe('date-only values', () => {
  it('never shift a day west of UTC', () => {
    expect(new Date('2026-01-05').getDate()).toBe(4); // the trap this avoids
    expect(formatDateOnly('2026-01-05', 'de-DE')).toBe('05.01.2026');
    expect(formatDateOnly('2026-01-05', 'en-US')).toBe('01/05/2026');
    expect(formatDateOnly('2026-01-05', 'ja-JP')).toBe('2026/01/05');
    expect(formatDateOnly('2026-01-05', 'en-GB', 'medium')).toBe('5 Jan 2026');
    expect(formatDateOnly('2026-02-30', 'de-DE')).toBe('2026-02-30');
  });
  it('reads dates typed in the locale order', () => {
    expect(dateOrder('de-DE')).toEqual(['day', 'month', 'year']);
    expect(dateOrder('en-US')).toEqual(['month', 'day', 'year']);
    expect(parseDateText('05.01.2026', 'de-DE', 2026)).toBe('2026-01-05');
    expect(parseDateText('5.1.26', 'de-DE', 2026)).toBe('2026-01-05');
    expect(parseDateText('5.1.', 'de-DE', 2027)).toBe('2027-01-05');
    expect(parseDateText('05012026', 'de-DE', 2026)).toBe('2026-01-05');
    expect(parseDateText('0501', 'de-DE', 2026)).toBe('2026-01-05');
    expect(parseDateText('01/05/2026', 'en-US', 2026)).toBe('2026-01-05');
    expect(parseDateText('2026/01/05', 'ja-JP', 2026)).toBe('2026-01-05');
    expect(parseDateText('2026-01-05', 'en-US', 2026)).toBe('2026-01-05');
    expect(parseDateText('31.02.2026', 'de-DE', 2026)).toBeNull();
    expect(parseDateText('13/13/2026', 'en-US', 2026)).toBeNull();
    expect(parseDateText('soon', 'en-US', 2026)).toBeNull();
    expect(shiftDate('2026-01-31', { months: 1 })).toBe('2026-02-28');
  });
});

describe('instants', () => {
  const at = '2026-01-05T23:30:00Z';
  it('are shown in the company zone, not the machine one', () => {
    expect(formatInstant(at, 'de-DE', 'Asia/Tokyo')).toBe('06.01.2026, 08:30');
    expect(formatInstant(at, 'en-US', 'America/Los_Angeles')).toMatch(/^Jan 5, 2026, 3:30\sPM$/u);
    expect(formatInstant(at, 'ja-JP', 'Asia/Tokyo', { dateStyle: 'short', timeStyle: 'short' })).toBe('2026/01/06 8:30');
    expect(formatInstant('nope', 'de-DE', 'Asia/Tokyo')).toBe('nope');
    expect(instantParts(at, 'Asia/Tokyo')).toEqual({ date: '2026-01-06', time: '08:30' });
  });
  it('are read back from wall-clock time in the zone, DST included', () => {
    expect(zonedToInstant('2026-01-06', '08:30', 'Asia/Tokyo')).toBe(at);
    expect(zonedToInstant('2026-07-01', '09:00', 'America/Los_Angeles')).toBe('2026-07-01T16:00:00Z');
    expect(zonedToInstant('2026-01-01', '09:00', 'America/Los_Angeles')).toBe('2026-01-01T17:00:00Z');
    expect(zonedToInstant('2026-01-01', '25:00', 'Asia/Tokyo')).toBeNull();
  });
});

describe('DateField', () => {
  function field(extra: Record<string, unknown> = {}) {
    const p = $state({ label: 'Due', name: 'due', value: '2026-01-05', locale: 'de-DE', timeZone: 'Europe/Berlin', ...extra });
    render(DateField, { props: p });
    return { p, input: screen.getByLabelText(/Due/) as HTMLInputElement };
  }
  it('shows and reads the locale order without shifting', async () => {
    const u = userEvent.setup();
    const { p, input } = field();
    expect(input.value).toBe('05.01.2026');
    await u.clear(input);
    await u.type(input, '3112');
    await u.tab();
    expect(p.value).toBe(`${new Date().getFullYear()}-12-31`.replace(/^\d+/, String(+new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Europe/Berlin' }).format(new Date()))));
    expect(input.value).toMatch(/^31\.12\.\d{4}$/);
  });
  it('steps by day and month with the arrows', async () => {
    const u = userEvent.setup();
    const { p, input } = field();
    await u.click(input);
    await u.keyboard('{ArrowUp}{ArrowUp}{PageDown}');
    expect(p.value).toBe('2025-12-07');
    expect(input.value).toBe('07.12.2025');
  });
  it('keeps unreadable text and says why', async () => {
    const u = userEvent.setup();
    const { p, input } = field();
    await u.clear(input);
    await u.type(input, '31.02.2026');
    await u.tab();
    expect(input.value).toBe('31.02.2026');
    expect(p.value).toBe(''); // the last valid state: the cleared field
    expect(screen.getByTestId('field-error').textContent).toBe('Not a date: write it like 31.12.2026');
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });
});

describe('DateTimeField', () => {
  it('edits an instant as wall-clock time in the company zone', async () => {
    const u = userEvent.setup();
    const p = $state({ label: 'Posted at', name: 'posted_at', value: '2026-01-05T23:30:00Z', locale: 'de-DE', timeZone: 'Asia/Tokyo' });
    render(DateTimeField, { props: p });
    const input = screen.getByLabelText(/Posted at/) as HTMLInputElement;
    expect(input.value).toBe('06.01.2026 08:30');
    expect(screen.getByText('Times in Asia/Tokyo')).toBeTruthy();
    await u.clear(input);
    await u.type(input, '06.01.2026 09:00');
    await u.tab();
    expect(p.value).toBe('2026-01-06T00:00:00Z');
    p.timeZone = 'America/Los_Angeles';
    await new Promise((r) => setTimeout(r));
    expect(input.value).toBe('05.01.2026 16:00');
  });
});
