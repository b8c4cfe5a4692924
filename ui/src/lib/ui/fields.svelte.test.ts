import { afterEach, describe, expect, it, vi } from 'vitest';
// Component tests need Svelte's browser build; the shared vite config resolves the server
// one under Node (adding @testing-library/svelte/vite's svelteTesting() there would make this unnecessary).
// @ts-expect-error: the file has no typings of its own (they are the package's).
vi.mock('svelte', () => import('../../../node_modules/svelte/src/index-client.js'));
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import MoneyInput from './MoneyInput.svelte';
import NumberInput from './NumberInput.svelte';
import { i18n } from '../i18n/index.svelte';

i18n.set('en');
afterEach(cleanup);

function money(extra: Record<string, unknown> = {}) {
  const p = $state({ label: 'Price', name: 'price', value: '', locale: 'de-DE', currency: 'EUR', ...extra });
  render(MoneyInput, { props: p });
  return { p, input: screen.getByLabelText(/Price/) as HTMLInputElement };
}

describe('MoneyInput', () => {
  it('shows the value in the locale and binds the canonical string', async () => {
    const u = userEvent.setup();
    const { p, input } = money({ value: '1234.5' });
    expect(input.value).toBe('1.234,50');
    expect(screen.getByText('€')).toBeTruthy();
    await u.clear(input);
    await u.type(input, '19,9');
    expect(p.value).toBe('19.90');
    await u.tab();
    expect(input.value).toBe('19,90');
    expect(screen.queryByTestId('field-error')).toBeNull();
  });
  it('keeps invalid text and explains beside the field', async () => {
    const u = userEvent.setup();
    const { p, input } = money({ value: '5.00' });
    await u.clear(input);
    await u.type(input, '19.90');
    await u.tab();
    expect(input.value).toBe('19.90');
    // The bound value stays the last valid one ("19" typed on the way); `problem` says the text is not it.
    expect(p.value).toBe('19.00');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('field-error').textContent).toContain('1.234,56');
  });
  it('refuses more decimals than the currency has and negatives when min is 0', async () => {
    const u = userEvent.setup();
    const { input } = money({ min: '0' });
    await u.type(input, '1,999');
    expect(screen.getByTestId('field-error').textContent).toBe('At most 2 decimals');
    await u.clear(input);
    await u.type(input, '-1');
    expect(screen.getByTestId('field-error').textContent).toContain('at least 0');
  });
  it('keeps 14 integer digits and 4 decimals exactly', async () => {
    const u = userEvent.setup();
    const { p, input } = money({ scale: 4, locale: 'fr-FR' });
    await u.type(input, '12 345 678 901 234,5678');
    expect(p.value).toBe('12345678901234.5678');
    await u.tab();
    expect(input.value).toBe('12\u202f345\u202f678\u202f901\u202f234,5678');
  });
  it('uses the currency scale (JPY has none) and puts the symbol where the locale does', () => {
    const { input } = money({ locale: 'ja-JP', currency: 'JPY', value: '1234' });
    expect(input.value).toBe('1,234');
    expect(screen.getByText('￥')).toBeTruthy();
  });
  it('shows the backend error and follows outside changes', async () => {
    const { p, input } = money({ value: '1', error: 'too high' });
    expect(screen.getByTestId('field-error').textContent).toBe('too high');
    p.value = '2.5';
    await Promise.resolve();
    await new Promise((r) => setTimeout(r));
    expect(input.value).toBe('2,50');
  });
  it('is read-only when asked', () => {
    const { input } = money({ readonly: true, value: '3' });
    expect(input.readOnly).toBe(true);
  });
});

describe('NumberInput', () => {
  it('reads en-US quantities with a unit suffix and requires a value', async () => {
    const u = userEvent.setup();
    const p = $state({ label: 'Quantity', name: 'qty', value: '', locale: 'en-US', scale: 3, suffix: 'kg', required: true });
    render(NumberInput, { props: p });
    const input = screen.getByLabelText(/Quantity/) as HTMLInputElement;
    await u.type(input, '1,234.5');
    expect(p.value).toBe('1234.5');
    await u.tab();
    expect(input.value).toBe('1,234.5');
    await u.clear(input);
    await u.tab();
    expect(p.value).toBe('');
    expect(screen.getByTestId('field-error').textContent).toBe('Required');
    expect(screen.getByText('kg')).toBeTruthy();
  });
});
