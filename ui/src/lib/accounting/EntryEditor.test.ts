import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import userEvent from '@testing-library/user-event';
import type { Account, Entry } from '../api';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import EntryEditor from './EntryEditor.svelte';

const entry = (o: Partial<Entry> = {}): Entry => ({
  id: 5, journal_id: 1, journal_code: 'GEN', state: 'draft', number: null, date: '2026-03-01', period_id: null, reference: 'R-1', memo: 'Rent',
  source: { module: 'accounting', kind: 'manual', id: null }, reverses_id: null, reverses_number: null, reversed_by_id: null, reversed_by_number: null,
  total_debit: '100.00', total_credit: '100.00', created_at: '', posted_at: null,
  lines: [
    { line_no: 1, account_id: 10, account_code: '6000', account_name: 'Rent', partner_id: null, partner_name: null, description: '', debit: '100.00', credit: '0.00', currency: null, amount_currency: null, tax_id: null, tax_base: null },
    { line_no: 2, account_id: 11, account_code: '1200', account_name: 'Bank', partner_id: null, partner_name: null, description: '', debit: '0.00', credit: '100.00', currency: null, amount_currency: null, tax_id: null, tax_base: null },
  ],
  ...o,
});
const journal = { id: 1, code: 'GEN', name: 'General', kind: 'general', account_id: null, archived: false };

function backend(handlers: Record<string, (args: Record<string, unknown>) => unknown>) {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (handlers[name]) return handlers[name](args);
    if (name === 'journal.list') return [journal];
    if (name === 'tax.list') return [];
    throw new Error(`unexpected ${name}`);
  });
}
function mount(props: Record<string, unknown>) {
  return render(Host, { props: { component: EntryEditor as unknown as Component<Record<string, unknown>>, props: { onclose: () => {}, onopen: () => {}, ...props } } });
}
const ctrlEnter = (el: Element | Window = window) => fireEvent.keyDown(el, { key: 'Enter', ctrlKey: true });
const names = () => call.mock.calls.map((c) => c[0]).filter((n) => n !== 'journal.list' && n !== 'tax.list');

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('entry editor', () => {
  it('Ctrl+Enter posts the saved draft and shows it read-only with its number', async () => {
    backend({ 'entry.get': () => entry(), 'entry.post': () => entry({ state: 'posted', number: 'GEN/2026/0001' }) });
    mount({ id: 5 });
    await waitFor(() => expect(screen.getByTestId('entry-editor').querySelector('[data-status="ready"]')).toBeTruthy());
    expect(screen.getByTestId('balance').textContent!.trim()).toBe('Balanced');
    await ctrlEnter();
    await waitFor(() => expect(screen.getByText('Journal entry GEN/2026/0001')).toBeTruthy());
    expect(names()).toEqual(['entry.get', 'entry.post']);
    expect(call.mock.calls.find((c) => c[0] === 'entry.post')![1]).toEqual({ id: 5 });
    expect(screen.queryByTestId('entry-post')).toBeNull();
    expect(screen.queryByTestId('entry-editor-save')).toBeNull();
    expect(screen.getByTestId('entry-reverse')).toBeTruthy();
  });

  it('Ctrl+Enter inside the lines grid saves the edits first, then posts', async () => {
    let saved: Record<string, unknown> | null = null;
    backend({
      'entry.get': () => entry(),
      'entry.update': (a) => {
        saved = a;
        return entry({ memo: 'Rent March' });
      },
      'entry.post': () => entry({ state: 'posted', number: 'GEN/2026/0002', memo: 'Rent March' }),
    });
    mount({ id: 5 });
    const memo = await screen.findByLabelText('Memo');
    await fireEvent.input(memo, { target: { value: 'Rent March' } });
    await ctrlEnter(screen.getByRole('grid'));
    await waitFor(() => expect(screen.getByText('Journal entry GEN/2026/0002')).toBeTruthy());
    expect(names()).toEqual(['entry.get', 'entry.update', 'entry.post']);
    expect(saved).toMatchObject({ id: 5, entry: { memo: 'Rent March', lines: [{ account_id: 10, debit: '100.00', credit: '0' }, { account_id: 11, debit: '0', credit: '100.00' }] } });
  });

  it('posting errors sit beside their fields: the date, the line cell, the entry', async () => {
    backend({
      'entry.get': () => entry(),
      'entry.post': () => {
        throw new ApiError({
          code: 'validation', message: 'refused',
          fields: [
            { field: 'date', code: 'period_closed', message: 'closed', params: { period: '2026-03' } },
            { field: 'lines.1.partner_id', code: 'partner_required', message: 'partner', params: { code: '1200' } },
            { field: 'lines', code: 'unbalanced', message: 'unbalanced', params: { debit: '100.00', credit: '90.00', difference: '10.00' } },
          ],
        } as never);
      },
    });
    mount({ id: 5 });
    await screen.findByTestId('entry-post');
    await waitFor(() => expect((screen.getByTestId('entry-post') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId('entry-post'));
    await waitFor(() => expect(screen.getByTestId('lines-error').textContent).toContain('differ by 10'));
    expect(screen.getByText('Falls in the closed period 2026-03.')).toBeTruthy();
    const cell = document.querySelector<HTMLElement>('[data-row="1"][data-key="partner_id"]')!;
    expect(cell.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(cell.getAttribute('aria-describedby')!)!.textContent).toBe('A line on 1200 needs its customer or supplier.');
    expect(names()).toEqual(['entry.get', 'entry.post']);
  });

  it('a new entry is created as a draft, then posted, in one Ctrl+Enter', async () => {
    const oncreated = vi.fn();
    backend({ 'entry.create': () => entry({ id: 8 }), 'entry.post': () => entry({ id: 8, state: 'posted', number: 'GEN/2026/0003' }) });
    mount({ id: null, oncreated });
    const ref = await screen.findByLabelText('Reference');
    await fireEvent.input(ref, { target: { value: 'R-1' } });
    await ctrlEnter();
    await waitFor(() => expect(screen.getByText('Journal entry GEN/2026/0003')).toBeTruthy());
    expect(names()).toEqual(['entry.create', 'entry.post']);
    expect(call.mock.calls.find((c) => c[0] === 'entry.create')![1]).toMatchObject({ journal_id: 1, reference: 'R-1', lines: [] });
    expect(call.mock.calls.find((c) => c[0] === 'entry.post')![1]).toEqual({ id: 8 });
    expect(oncreated).toHaveBeenCalledWith(8);
  });

  it('picking a receivable account asks for the partner on that line before saving', async () => {
    const receivable = { id: 20, code: '1400', name: 'Receivables', type: 'asset', subtype: 'receivable', parent_id: null, parent_code: null, is_group: false, currency: null, reconcilable: true, archived: false, balance: '0', has_postings: false, updated_at: '' } as Account;
    backend({ 'account.list': () => [receivable] });
    mount({ id: null });
    await screen.findByRole('grid');
    const u = userEvent.setup();
    await u.click(document.querySelector<HTMLElement>('[data-row="0"][data-key="account_id"]')!);
    await u.keyboard('1400');
    await waitFor(() => expect(screen.getAllByRole('option').length).toBe(1));
    await u.keyboard('{Enter}');
    const cell = () => document.querySelector<HTMLElement>('[data-row="0"][data-key="partner_id"]')!;
    await waitFor(() => expect(cell().getAttribute('aria-invalid')).toBe('true'));
    expect(document.querySelector<HTMLElement>('[data-row="0"][data-key="account_id"]')!.textContent).toContain('1400 Receivables');
    expect(document.getElementById(cell().getAttribute('aria-describedby')!)!.textContent).toContain('Choose the customer or supplier');
    expect(call.mock.calls.find((c) => c[0] === 'account.list')![1]).toMatchObject({ search: '1400', postable_only: true });
  });
});
