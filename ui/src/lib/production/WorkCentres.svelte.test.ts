import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';

// The backend, faked at the api module as the other screen tests do.
const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import WorkCentres from './WorkCentres.svelte';
import WorkCentreEditor from './WorkCentreEditor.svelte';
import Settings from './Settings.svelte';
import { centre } from './fixtures';

const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const mount = (C: unknown, props: Record<string, unknown> = {}) => render(Host, { props: { component: C as Component<Record<string, unknown>>, props } });

beforeEach(() => {
  call.mockReset();
  clearLookups();
  i18n.set('en');
  router.reset(`centres-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('work centres', () => {
  it('lists code, name and rate; the search narrows and the archived ones show on request', async () => {
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'work_centre.list') return args.include_archived ? [centre(), centre({ id: 4, code: 'OLD', name: 'Old lathe', archived: true })] : [centre(), centre({ id: 5, code: 'PNT', name: 'Paint shop', cost_per_hour: '55.5' })];
      if (name === 'preference.get') return null;
      throw new Error(`unexpected ${name}`);
    });
    mount(WorkCentres);
    await waitFor(() => expect(screen.getAllByTestId('grid-row')).toHaveLength(2));
    expect(screen.getAllByTestId('grid-row')[1].textContent).toContain('PNT');
    expect(screen.getAllByTestId('grid-row')[1].textContent).toContain('$55.50');
    await fireEvent.click(screen.getByTestId('show-archived'));
    await waitFor(() => expect(screen.getAllByTestId('grid-row')[1].textContent).toContain('Archived'));
    expect(argsOf('work_centre.list').at(-1)).toEqual({ include_archived: true });
  });

  it('creates one with its rate; a duplicate code is refused beside the code', async () => {
    let n = 0;
    call.mockImplementation(async (name: string) => {
      if (name === 'work_centre.create') {
        if (n++ === 0) throw new ApiError({ code: 'validation', message: 'dup', fields: [{ field: 'code', code: 'duplicate', message: 'dup', params: {} }] } as never);
        return centre({ id: 8, code: 'CNC', name: 'CNC mill', cost_per_hour: '72.5' });
      }
      throw new Error(`unexpected ${name}`);
    });
    const onclose = vi.fn();
    mount(WorkCentreEditor, { id: null, onclose });
    await fireEvent.input(screen.getByLabelText(/^Code/), { target: { value: ' CNC ' } });
    await fireEvent.input(screen.getByLabelText(/^Name/), { target: { value: 'CNC mill' } });
    const rate = screen.getByLabelText(/^Cost per hour/) as HTMLInputElement;
    await fireEvent.input(rate, { target: { value: '72.5' } });
    await fireEvent.blur(rate);
    await fireEvent.click(screen.getByTestId('work-centre-dialog-save'));
    await waitFor(() => expect(screen.getAllByTestId('field-error')[0].textContent).toBe('Already in use.'));
    expect(onclose).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('work-centre-dialog-save'));
    await waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(argsOf('work_centre.create')).toEqual([{ code: 'CNC', name: 'CNC mill', cost_per_hour: '72.50' }, { code: 'CNC', name: 'CNC mill', cost_per_hour: '72.50' }]);
  });
});

describe('production settings', () => {
  it('shows the three accounts and saves them', async () => {
    const accounts: Record<number, { id: number; code: string; name: string }> = { 1320: { id: 1320, code: '1320', name: 'Work in progress' }, 5060: { id: 5060, code: '5060', name: 'Absorbed overhead' }, 5050: { id: 5050, code: '5050', name: 'Production variances' }, 5051: { id: 5051, code: '5051', name: 'Scrap and variances' } };
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'production.get_settings') return { wip_account_id: 1320, absorption_account_id: 5060, variance_account_id: 5050 };
      if (name === 'account.get') return { ...accounts[Number(args.id)], type: 'asset', subtype: 'inventory' };
      if (name === 'account.list') return [{ ...accounts[5051], type: 'expense', subtype: 'expense' }];
      if (name === 'production.update_settings') return { wip_account_id: 1320, absorption_account_id: 5060, variance_account_id: 5051 };
      throw new Error(`unexpected ${name}`);
    });
    mount(Settings);
    await waitFor(() => expect((screen.getByLabelText(/^Work in progress/) as HTMLInputElement).value).toBe('1320 Work in progress'));
    expect((screen.getByLabelText(/^Production variances/) as HTMLInputElement).value).toBe('5050 Production variances');
    const { default: userEvent } = await import('@testing-library/user-event');
    const u = userEvent.setup();
    await u.clear(screen.getByLabelText(/^Production variances/));
    await u.keyboard('5051');
    await waitFor(() => expect(screen.getAllByTestId('picker-option').length).toBe(1));
    await u.keyboard('{Enter}');
    await fireEvent.click(screen.getByTestId('production-settings-save'));
    await waitFor(() => expect(argsOf('production.update_settings')).toEqual([{ wip_account_id: 1320, absorption_account_id: 5060, variance_account_id: 5051 }]));
  });
});
