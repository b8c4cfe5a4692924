import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { Component } from 'svelte';
import type { Sink } from '../api';

const call = vi.fn();
const syncNow = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a), syncNow: (...a: unknown[]) => syncNow(...a) }));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { toasts } from '../ui/toast.svelte';
import Host from '../ui/test/Host.svelte';
import Sinks from './Sinks.svelte';
import { lagText, sinkStatus } from './labels';

function sink(over: Partial<Sink>): Sink {
  return {
    id: 1, name: 'Lake', kind: 'files', target: '/srv/lake', enabled: true, state: 'streaming', acked_seq: 10, generation: 1, lag_changes: 0, lag_seconds: null,
    last_run_at: null, last_ok_at: '2026-12-03T09:00:00Z', last_error: null, failures: 0, next_try_at: null, created_at: '2026-12-01T09:00:00Z', ...over,
  } as Sink;
}
let sinks: Sink[];
function backend() {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (name === 'sync.list_sinks') return sinks;
    if (name === 'sync.add_sink') {
      if (!String(args.target).startsWith('/')) throw { code: 'validation', message: 'bad', fields: [{ field: 'target', code: 'not_absolute_path', params: {} }], params: {} };
      const s = sink({ id: 9, name: args.name as string, kind: args.kind as Sink['kind'], target: args.target as string, state: 'snapshot', last_ok_at: null });
      sinks = [...sinks, s];
      return s;
    }
    if (name === 'sync.update_sink') {
      sinks = sinks.map((s) => (s.id === args.id ? { ...s, enabled: args.enabled as boolean } : s));
      return sinks.find((s) => s.id === args.id);
    }
    if (name === 'sync.resync_sink') {
      sinks = sinks.map((s) => (s.id === args.id ? { ...s, state: 'snapshot', generation: s.generation + 1, last_error: null } : s));
      return sinks.find((s) => s.id === args.id);
    }
    if (name === 'sync.remove_sink') {
      sinks = sinks.filter((s) => s.id !== args.id);
      return null;
    }
    throw new Error(`unexpected ${name}`);
  });
}
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);
const rows = () => [...document.querySelectorAll('[data-testid="sinks-table"] tbody tr')].map((r) => r.textContent ?? '');
const show = () => render(Host, { props: { component: Sinks as unknown as Component<Record<string, unknown>>, props: { refreshMs: 60_000 } } });

beforeEach(() => {
  call.mockReset();
  syncNow.mockReset();
  i18n.set('en');
  router.reset(`sync-${Math.random()}`);
  session.me = { user: { is_superuser: true }, companies: [{ id: 1, base_currency: 'EUR', locale: 'en-IE', timezone: 'UTC' }], permissions: [] } as unknown as typeof session.me;
  session.companyId = 1;
  sinks = [
    sink({ id: 1, name: 'Lake', lag_changes: 12, lag_seconds: 150 }),
    sink({ id: 2, name: 'Warehouse', kind: 'postgres', target: 'postgresql://bi:***@db/warehouse', state: 'diverged', last_error: 'the sink holds changes up to 40: was an older backup restored?' }),
  ];
});

describe('sink states', () => {
  it('reads off, loading, current, behind, failing and needs resync', () => {
    expect(sinkStatus(sink({ enabled: false })).label).toBe('Off');
    expect(sinkStatus(sink({ state: 'snapshot' })).label).toBe('Loading');
    expect(sinkStatus(sink({})).label).toBe('Up to date');
    expect(sinkStatus(sink({ lag_changes: 3, lag_seconds: 5 })).label).toBe('Behind');
    expect(sinkStatus(sink({ last_error: 'down' })).tone).toBe('danger');
    expect(sinkStatus(sink({ state: 'diverged' })).label).toBe('Needs resync');
    expect(lagText(sink({ lag_changes: 3, lag_seconds: 5 }))).toBe('3 changes, 5 s');
    expect(lagText(sink({ lag_changes: 12, lag_seconds: 7300 }))).toBe('12 changes, 2 h');
    expect(lagText(sink({}))).toBe('—');
  });
});

describe('the sync screen', () => {
  it('lists each sink with its kind, masked target, state, lag and last error', async () => {
    backend();
    show();
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toContain('Folder');
    expect(rows()[0]).toContain('/srv/lake');
    expect(rows()[0]).toContain('Behind');
    expect(rows()[0]).toContain('12 changes, 2 min');
    expect(rows()[1]).toContain('PostgreSQL');
    expect(rows()[1]).toContain('postgresql://bi:***@db/warehouse');
    expect(rows()[1]).toContain('Needs resync');
    expect(screen.getByTestId('sink-error').textContent).toContain('older backup');
  });

  it('adds a sink: the target is required and a bad one is shown beside its field', async () => {
    backend();
    show();
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('sink-new'));
    const dialog = await screen.findByTestId('sink-dialog');
    await fireEvent.click(screen.getByTestId('sink-save'));
    expect(within(dialog).getAllByTestId('field-error')).toHaveLength(2);
    expect(argsOf('sync.add_sink')).toHaveLength(0);
    const u = userEvent.setup();
    await u.type(screen.getByLabelText(/^Name/), 'Archive');
    await u.type(screen.getByLabelText(/^Folder/), 'relative/dir');
    await fireEvent.click(screen.getByTestId('sink-save'));
    await waitFor(() => expect(within(dialog).getByTestId('field-error').textContent).toContain('Must be an absolute path'));
    expect(screen.queryByTestId('sink-dialog')).not.toBeNull();
    await u.clear(screen.getByLabelText(/^Folder/));
    await u.type(screen.getByLabelText(/^Folder/), '/srv/archive');
    await fireEvent.click(screen.getByTestId('sink-save'));
    await waitFor(() => expect(screen.queryByTestId('sink-dialog')).toBeNull());
    expect(argsOf('sync.add_sink').at(-1)).toEqual({ name: 'Archive', kind: 'files', target: '/srv/archive' });
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(rows()[2]).toContain('Loading');
  });

  it('resyncs only after the question is answered, switches a sink off and removes one', async () => {
    backend();
    show();
    await waitFor(() => expect(rows()).toHaveLength(2));
    const second = () => document.querySelectorAll('[data-testid="sinks-table"] tbody tr')[1] as HTMLElement;
    await fireEvent.click(within(second()).getByTestId('sink-resync'));
    let dialog = await screen.findByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(argsOf('sync.resync_sink')).toHaveLength(0);
    await fireEvent.click(within(second()).getByTestId('sink-resync'));
    dialog = await screen.findByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Resync' }));
    await waitFor(() => expect(argsOf('sync.resync_sink')).toEqual([{ id: 2 }]));
    await waitFor(() => expect(rows()[1]).toContain('Loading'));

    const first = () => document.querySelectorAll('[data-testid="sinks-table"] tbody tr')[0] as HTMLElement;
    await fireEvent.click(within(first()).getByTestId('sink-toggle'));
    await waitFor(() => expect(argsOf('sync.update_sink')).toEqual([{ id: 1, enabled: false }]));
    await waitFor(() => expect(rows()[0]).toContain('Off'));

    await fireEvent.click(screen.getByRole('button', { name: 'Remove Lake' }));
    dialog = await screen.findByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(argsOf('sync.remove_sink')).toEqual([{ id: 1 }]));
    await waitFor(() => expect(rows()).toHaveLength(1));
  });

  it('Run now runs the sinks and says what was sent, or which one failed', async () => {
    backend();
    syncNow.mockResolvedValueOnce([{ sink_id: 1, company: 'A', name: 'Lake', kind: 'files', snapshot_rows: 0, changes: 12, batches: 1, acked_seq: 22, skipped: null, error: null, diverged: false }]);
    show();
    await waitFor(() => expect(rows()).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('sync-run-now'));
    await waitFor(() => expect(toasts.items.map((x) => x.text)).toContain('Sent 12 rows and changes'));
    syncNow.mockResolvedValueOnce([{ sink_id: 2, company: 'A', name: 'Warehouse', kind: 'postgres', snapshot_rows: 0, changes: 0, batches: 0, acked_seq: 0, skipped: null, error: 'connection refused', diverged: false }]);
    await fireEvent.click(screen.getByTestId('sync-run-now'));
    await waitFor(() => expect(toasts.items.find((x) => x.kind === 'error')?.text).toBe('Warehouse failed: connection refused'));
    expect(syncNow).toHaveBeenCalledTimes(2);
  });
});
