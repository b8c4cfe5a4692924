import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { StockReport as Report, StockReportRow } from '../api';

// The backend, faked at the api module as the other screen tests do; the file save too.
const call = vi.fn();
const saveExport = vi.fn(async () => '/tmp/stock-report.csv');
const printReport = vi.fn(async () => '/tmp/stock-report.pdf');
vi.mock('../api', async (orig) => ({
  ...(await orig<typeof import('../api')>()),
  call: (...a: unknown[]) => call(...a),
  saveExport: (...a: unknown[]) => saveExport(...(a as [])),
  printReport: (...a: unknown[]) => printReport(...(a as [])),
}));

import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { router } from '../shell/router.svelte';
import { clearLookups } from '../ui/lookup';
import Host from '../ui/test/Host.svelte';
import StockReport from './StockReport.svelte';

const warehouses = [{ id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false }];
const locations = [
  { id: 10, kind: 'internal', warehouse_id: 1, parent_id: null, name: 'Stock', full_name: 'WH/Stock', depth: 0, archived: false },
  { id: 11, kind: 'internal', warehouse_id: 1, parent_id: 10, name: 'Shelf', full_name: 'WH/Stock/Shelf', depth: 1, archived: false },
];
const row = (o: Partial<StockReportRow>): StockReportRow => ({
  product_id: 1, sku: 'BOLT', name: 'Bolt', unit_code: 'pc', location_id: null, location: null, lot_id: null, lot_code: null, expiry_date: null,
  quantity: '5', reserved: null, available: null, ...o,
});

beforeEach(() => {
  call.mockReset();
  saveExport.mockClear();
  printReport.mockClear();
  clearLookups();
  router.reset(`stock-report-${Math.random()}`);
  i18n.set('en');
  session.me = { user: { is_superuser: true, display_name: 'Ada' }, companies: [], permissions: [] } as unknown as typeof session.me;
});

function backend() {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (name === 'warehouse.list') return warehouses;
    if (name === 'location.list') return locations;
    if (name === 'stock.report') {
      const r: Report = args.group_by === 'location'
        ? { group_by: 'location', at: null, rows: [row({ location_id: 10, location: 'WH/Stock', quantity: '2' }), row({ location_id: 11, location: 'WH/Stock/Shelf', quantity: '3' })], next_cursor: null }
        : { group_by: 'product', at: (args.at as string) ?? null, rows: [row({ quantity: args.at ? '10' : '5', reserved: args.at ? null : '1', available: args.at ? null : '4' })], next_cursor: null };
      return r;
    }
    if (name === 'report.export') return { filename: 'stock-report.csv', content_type: 'text/csv', encoding: 'utf8', content: 'SKU\r\n', rows: 1 };
    throw new Error(`unexpected ${name}`);
  });
}

describe('stock report', () => {
  it('lists stock by product with reserved and available, regroups by location, goes back to a date, and exports what it shows', async () => {
    backend();
    render(Host, { props: { component: StockReport as unknown as Component<Record<string, unknown>>, props: {} } });
    await waitFor(() => expect(screen.getAllByTestId('grid-row').length).toBe(1));
    const grid = screen.getByTestId('stock-report-grid');
    expect(grid.textContent).toContain('BOLT');
    expect(grid.textContent).toContain('Reserved');
    expect(screen.getAllByTestId('grid-row')[0].textContent).toContain('5 pc');
    expect(call.mock.calls.find((c) => c[0] === 'stock.report')![1]).toMatchObject({ group_by: 'product' });

    await fireEvent.change(screen.getByTestId('group-by'), { target: { value: 'location' } });
    await waitFor(() => expect(screen.getAllByTestId('grid-row').length).toBe(2));
    expect(call.mock.calls.filter((c) => c[0] === 'stock.report').at(-1)![1]).toMatchObject({ group_by: 'location' });
    expect(screen.getByTestId('stock-report-grid').textContent).toContain('WH/Stock/Shelf');
    expect(screen.getByTestId('stock-report-grid').textContent).not.toContain('Reserved');

    await fireEvent.change(screen.getByTestId('group-by'), { target: { value: 'product' } });
    const date = screen.getByLabelText(/At the end of/) as HTMLInputElement;
    await fireEvent.input(date, { target: { value: '2026-01-31' } });
    await fireEvent.blur(date);
    await waitFor(() => expect(call.mock.calls.filter((c) => c[0] === 'stock.report').at(-1)![1]).toMatchObject({ group_by: 'product', at: '2026-01-31' }));
    await waitFor(() => expect(screen.getAllByTestId('grid-row')[0].textContent).toContain('10 pc'));
    expect(screen.getByTestId('stock-report-grid').textContent).not.toContain('Reserved');

    await fireEvent.click(screen.getByTestId('export'));
    await fireEvent.click(screen.getByRole('menuitem', { name: 'CSV (.csv)' }));
    await waitFor(() => expect(saveExport).toHaveBeenCalled());
    expect(call.mock.calls.find((c) => c[0] === 'report.export')![1]).toEqual({ report: 'stock_report', args: { group_by: 'product', at: '2026-01-31' }, format: 'csv' });
    await fireEvent.click(screen.getByTestId('export'));
    await fireEvent.click(screen.getByTestId('export-pdf'));
    await waitFor(() => expect(printReport).toHaveBeenCalled());
    expect((printReport.mock.calls[0] as unknown[]).slice(0, 2)).toEqual(['stock_report', { group_by: 'product', at: '2026-01-31' }]);
  });
});
