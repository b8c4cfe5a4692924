import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ListHarness from './test/ListHarness.svelte';
import { router } from '../shell/router.svelte';
import type { PageQuery } from './grid';

const rows = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, name: `Thing ${String(i + 1).padStart(2, '0')}` }));
function loader() {
  return vi.fn(async (q: PageQuery, f: { archived: boolean }) => {
    const hits = rows.filter((r) => !q.search || r.name.includes(q.search)).filter(() => !f.archived || true);
    return { items: hits.slice(0, q.limit), total: hits.length, next: null };
  });
}

describe('ListScreen', () => {
  it('lists rows with ARIA row indexes and the count', async () => {
    router.reset('t1');
    const load = loader();
    render(ListHarness, { props: { load } });
    await waitFor(() => expect(screen.getAllByTestId('grid-row').length).toBeGreaterThan(0));
    const first = screen.getAllByTestId('grid-row')[0];
    expect(first.getAttribute('aria-rowindex')).toBe('2');
    expect(screen.getByRole('grid').getAttribute('aria-rowcount')).toBe('31');
    expect(screen.getByTestId('grid-count').textContent).toContain('30 rows');
  });

  it('opens the record the route names, also when the screen is already shown, and closing goes back to the list', async () => {
    router.reset('t2');
    await router.go('things');
    render(ListHarness, { props: { load: loader() } });
    expect(screen.queryByTestId('open-editor')).toBeNull();
    await router.go('things', { id: 7 });
    await waitFor(() => expect(screen.getByTestId('open-editor').dataset.id).toBe('7'));
    await router.go('things', { id: 8 });
    await waitFor(() => expect(screen.getByTestId('open-editor').dataset.id).toBe('8'));
    await fireEvent.click(screen.getByText('close'));
    await waitFor(() => expect(screen.queryByTestId('open-editor')).toBeNull());
    expect(router.route).toEqual({ screen: 'things' });
  });

  it('comes back as the user left it: search and filters remembered, no reload from scratch', async () => {
    router.reset('t3');
    const load = loader();
    const first = render(ListHarness, { props: { load } });
    await waitFor(() => expect(screen.getAllByTestId('grid-row').length).toBeGreaterThan(0));
    await fireEvent.input(screen.getByTestId('grid-search'), { target: { value: 'Thing 2' } });
    await waitFor(() => expect(load.mock.calls.some(([q]) => q.search === 'Thing 2')).toBe(true));
    await fireEvent.click(screen.getByTestId('archived'));
    await waitFor(() => expect(load.mock.calls.at(-1)![1].archived).toBe(true));
    first.unmount();
    load.mockClear();
    render(ListHarness, { props: { load } });
    expect((screen.getByTestId('grid-search') as HTMLInputElement).value).toBe('Thing 2');
    expect((screen.getByTestId('archived') as HTMLInputElement).checked).toBe(true);
    // The held rows show at once and are refreshed with the same query.
    expect(screen.getAllByTestId('grid-row').length).toBeGreaterThan(0);
    await waitFor(() => expect(load).toHaveBeenCalled());
    for (const [q, f] of load.mock.calls) {
      expect(q.search).toBe('Thing 2');
      expect(f.archived).toBe(true);
    }
  });

  it('a new record saved in its editor takes over the route and the editor stays open', async () => {
    router.reset('t4');
    await router.go('things');
    render(ListHarness, { props: { load: loader() } });
    await router.go('things', { create: true });
    await waitFor(() => expect(screen.getByTestId('open-editor').dataset.id).toBe('new'));
    const node = screen.getByTestId('open-editor');
    await fireEvent.click(screen.getByText('created'));
    await waitFor(() => expect(router.route).toEqual({ screen: 'things', id: 42 }));
    expect(screen.getByTestId('open-editor')).toBe(node);
    // Back leaves the record for the list; Forward comes back to the saved record, not a blank form.
    await router.back();
    await waitFor(() => expect(screen.queryByTestId('open-editor')).toBeNull());
    await router.forward();
    await waitFor(() => expect(screen.getByTestId('open-editor').dataset.id).toBe('42'));
  });
});
