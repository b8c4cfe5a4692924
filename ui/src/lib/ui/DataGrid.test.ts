import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import GridHarness from './test/GridHarness.svelte';

const rows = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, name: `Row ${i + 1}`, amount: `${i + 1}.50` }));

describe('DataGrid', () => {
  it('selects rows by checkbox, Shift+click for a range and Space on the active row', async () => {
    render(GridHarness, { props: { rows } });
    await waitFor(() => expect(screen.getAllByTestId('grid-row').length).toBe(8));
    const boxes = () => screen.getAllByTestId('grid-select');
    await fireEvent.click(boxes()[1]);
    expect(screen.getByTestId('selected').textContent).toBe('2');
    await fireEvent.click(boxes()[4], { shiftKey: true });
    expect(screen.getByTestId('selected').textContent).toBe('2,3,4,5');
    const row = screen.getAllByTestId('grid-row')[4];
    expect(row.getAttribute('aria-selected')).toBe('true');
    const body = document.querySelector('[role=rowgroup]') as HTMLElement;
    await fireEvent.keyDown(body, { key: ' ' }); // the active row (the last clicked) toggles off
    expect(screen.getByTestId('selected').textContent).toBe('2,3,4');
    await fireEvent.click(screen.getByTestId('grid-select-all'));
    expect(screen.getByTestId('selected').textContent?.split(',').length).toBe(8);
  });

  it('renders cells by snippet and a totals footer aligned to the columns', async () => {
    render(GridHarness, { props: { rows, totals: { amount: '36.00' } } });
    await waitFor(() => expect(screen.getAllByTestId('amount-cell').length).toBe(8));
    const foot = screen.getByTestId('grid-totals');
    expect(foot.textContent).toContain('Totals');
    expect(foot.textContent).toContain('36.00');
  });

  it('hides and reorders columns from its menu and hands the layout to be saved', async () => {
    const onlayout = vi.fn();
    render(GridHarness, { props: { rows, onlayout } });
    await waitFor(() => expect(screen.getAllByTestId('grid-row').length).toBe(8));
    await fireEvent.click(screen.getByTestId('grid-columns'));
    const menu = screen.getByTestId('grid-columns-menu');
    await fireEvent.click(within(menu).getByTestId('col-toggle-note'));
    expect(onlayout).toHaveBeenLastCalledWith(expect.objectContaining({ hidden: ['note'] }));
    await waitFor(() => expect(screen.queryAllByRole('columnheader').map((h) => h.textContent?.trim())).not.toContain('Note'));
    // The first column opens the record: it cannot be hidden.
    expect((within(menu).getByTestId('col-toggle-name') as HTMLInputElement).disabled).toBe(true);
    await fireEvent.click(within(menu).getByLabelText(/Move left: Amount/));
    const heads = screen.getAllByRole('columnheader').map((h) => h.textContent?.trim()).filter(Boolean);
    expect(heads.slice(0, 2)).toEqual(['Amount', 'Name']);
  });
});
