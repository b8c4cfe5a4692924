import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { TradeReport } from '../api';

const call = vi.fn();
const saveExport = vi.fn(async () => '/tmp/sales.csv');
const printReport = vi.fn(async () => '/tmp/sales.pdf');
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
import SalesAnalysis from '../sales/SalesAnalysis.svelte';
import PurchaseAnalysis from '../purchasing/PurchaseAnalysis.svelte';

beforeEach(() => {
  call.mockReset();
  saveExport.mockClear();
  printReport.mockClear();
  clearLookups();
  router.reset(`analysis-${Math.random()}`);
  i18n.set('en');
  session.me = { user: { is_superuser: true, display_name: 'Ada' }, companies: [], permissions: [] } as unknown as typeof session.me;
});

// The totals are deliberately not the sum of the rows: the screen must show the core's.
const report = (group: TradeReport['group_by'], side: TradeReport['side'] = 'sale'): TradeReport => ({
  side, currency: 'EUR', from: '2026-03-01', to: '2026-03-31', group_by: group,
  rows: group === 'product'
    ? [{ key: '7', label: 'CH-1 Chair', quantity: '4', net: '200.00', cost: side === 'sale' ? '120.00' : null, margin: side === 'sale' ? '80.00' : null }]
    : [{ key: '2026-03', label: 'March 2026', quantity: null, net: '200.00', cost: side === 'sale' ? '120.00' : null, margin: side === 'sale' ? '80.00' : null }],
  net: '4321.00', cost: side === 'sale' ? '1234.00' : null, margin: side === 'sale' ? '3087.00' : null,
});

function backend() {
  call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
    if (name === 'sales.report') return report((args.group_by as TradeReport['group_by']) ?? 'product');
    if (name === 'purchase.report') return report('product', 'purchase');
    if (name === 'report.export') return { filename: 'sales.csv', content_type: 'text/csv', encoding: 'utf8', content: 'x\r\n', rows: 1 };
    throw new Error(`unexpected ${name}`);
  });
}
const mount = (c: unknown) => render(Host, { props: { component: c as Component<Record<string, unknown>>, props: {} } });

describe('trade analysis', () => {
  it('sends the form as report args, shows the core’s totals with cost and margin, regroups, and exports and prints the same args', async () => {
    backend();
    mount(SalesAnalysis);
    await waitFor(() => expect(screen.getByTestId('trade-analysis').textContent).toContain('CH-1 Chair'));
    const first = call.mock.calls.find((c) => c[0] === 'sales.report')![1] as Record<string, unknown>;
    expect(first).toMatchObject({ group_by: 'product' });
    expect(first.from).toMatch(/^\d{4}-\d{2}-01$/);
    expect(first).not.toHaveProperty('partner_id');
    const table = screen.getByTestId('trade-analysis');
    expect(table.textContent).toContain('Margin');
    const totals = screen.getByTestId('analysis-totals');
    expect(totals.textContent).toContain('Total (EUR)');
    expect(totals.textContent).toContain('4,321.00');
    expect(totals.textContent).toContain('1,234.00');
    expect(totals.textContent).toContain('3,087.00');

    await fireEvent.change(screen.getByTestId('group-by'), { target: { value: 'month' } });
    await waitFor(() => expect(screen.getByTestId('trade-analysis').textContent).toContain('March 2026'));
    const args = call.mock.calls.filter((c) => c[0] === 'sales.report').at(-1)![1];
    expect(args).toMatchObject({ group_by: 'month', from: first.from, to: first.to });
    expect(screen.getByTestId('trade-analysis').textContent).not.toContain('Quantity');

    await fireEvent.click(screen.getByTestId('export'));
    await fireEvent.click(screen.getByRole('menuitem', { name: 'CSV (.csv)' }));
    await waitFor(() => expect(saveExport).toHaveBeenCalled());
    expect(call.mock.calls.find((c) => c[0] === 'report.export')![1]).toEqual({ report: 'sales_report', args, format: 'csv' });
    await fireEvent.click(screen.getByTestId('export'));
    await fireEvent.click(screen.getByTestId('export-pdf'));
    await waitFor(() => expect(printReport).toHaveBeenCalled());
    expect((printReport.mock.calls[0] as unknown[]).slice(0, 2)).toEqual(['sales_report', args]);
  });

  it('shows no cost or margin on the purchase side', async () => {
    backend();
    mount(PurchaseAnalysis);
    await waitFor(() => expect(screen.getByTestId('analysis-totals').textContent).toContain('4,321.00'));
    expect(screen.getByTestId('trade-analysis').textContent).not.toContain('Margin');
  });
});
