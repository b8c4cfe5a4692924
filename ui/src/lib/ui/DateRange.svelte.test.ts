import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import DateRange from './DateRange.svelte';
import { i18n } from '../i18n/index.svelte';

afterEach(cleanup);

describe('DateRange', () => {
  it('is one row of two narrow fields named by their placeholders; typed dates bind; a "from" after the "to" is refused', async () => {
    i18n.set('en');
    const p = $state({ from: '', to: '2026-03-31', locale: 'en-GB', label: 'Date', fromLabel: 'From', toLabel: 'To', name: 'filter' });
    render(DateRange, { props: p });
    const group = screen.getByRole('group', { name: 'Date' });
    const from = screen.getByRole('textbox', { name: 'From' }) as HTMLInputElement;
    const to = screen.getByRole('textbox', { name: 'To' }) as HTMLInputElement;
    // No label above, no hint below: the name is the placeholder, the format the tooltip.
    expect(group.querySelector('label')).toBeNull();
    expect(from.placeholder).toBe('From');
    expect(from.title).toContain('31/12/2026');
    expect(to.value).toBe('31/03/2026');
    await fireEvent.input(from, { target: { value: '01/03/2026' } });
    expect(p.from).toBe('2026-03-01');
    await fireEvent.input(from, { target: { value: '01/04/2026' } });
    expect(from.getAttribute('aria-invalid')).toBe('true');
    expect(from.title).not.toContain('Format');
    expect(p.from).toBe('2026-03-01');
    await fireEvent.input(to, { target: { value: '' } });
    expect(p.to).toBe('');
  });
});
