import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: the file has no typings of its own (they are the package's).
vi.mock('svelte', () => import('../../../node_modules/svelte/src/index-client.js'));
import { cleanup, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import Statement from './Statement.svelte';
import { i18n } from '../i18n/index.svelte';
import { router } from '../shell/router.svelte';
import { drill, GL_SCREEN } from './drill.svelte';
import type { StatementColumn, StatementSection } from '../api';

i18n.set('en');
afterEach(cleanup);

const columns: StatementColumn[] = [
  { key: 'current', from: '2026-03-01', to: '2026-03-31' },
  { key: 'comparison', from: '2026-02-01', to: '2026-02-28' },
];
const sections: StatementSection[] = [
  {
    key: 'income',
    totals: ['1000', '500'],
    lines: [
      { kind: 'group', account_id: 1, code: '4', name: 'Income', level: 0, amounts: ['1000', '500'] },
      { kind: 'account', account_id: 2, code: '4000', name: 'Sales of goods', level: 1, amounts: ['1000', '500'] },
    ],
  },
];

describe('Statement', () => {
  it('shows sections, subtotals and the result in the locale, and an account figure opens its ledger for that column', async () => {
    const u = userEvent.setup();
    render(Statement, { columns, sections, result: { label: 'reports.total.net_profit', amounts: ['-200', '-300'] }, locale: 'en-IE', scale: 2 });
    const table = screen.getByTestId('statement');
    expect(table.textContent).toContain('Total income');
    expect(table.textContent).toContain('Net profit');
    expect(table.textContent).toContain('1,000.00');
    expect(table.textContent).toContain('-300.00');
    // Only the account's figures are links (not the group's, not the totals).
    const links = screen.getAllByTestId('drill');
    expect(links.map((l) => l.textContent)).toEqual(['1,000.00', '500.00']);
    await u.click(links[1]);
    expect(router.route).toEqual({ screen: GL_SCREEN, id: 2 });
    expect(drill.take(2)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(drill.take(2)).toBeNull();
  });
});
