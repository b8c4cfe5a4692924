import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import type { BankAccount, ImportStatementResult } from '../api';

const call = vi.fn();
vi.mock('../api', async (orig) => ({ ...(await orig<typeof import('../api')>()), call: (...a: unknown[]) => call(...a) }));

import { ApiError } from '../api';
import { i18n } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import Host from '../ui/test/Host.svelte';
import ImportWizard from './ImportWizard.svelte';

const bank = { id: 1, kind: 'bank', name: 'Main bank', currency: 'EUR', csv_mapping: null } as unknown as BankAccount;
const csv = 'Buchungstag;Betrag;Verwendungszweck\n02.03.2026;1.190,00;INV/00001\n';
const preview = { delimiter: ';', headers: ['Buchungstag', 'Betrag', 'Verwendungszweck'], rows: [['02.03.2026', '1.190,00', 'INV/00001']] };
const result = (dry: boolean): ImportStatementResult => ({ format: 'csv', dry_run: dry, statements: [{ id: dry ? null : 5, bank_ref: '', date: '2026-03-02', opening: null, closing: null, lines: 1, duplicates: 0 }], lines: 1, duplicates: 0 });
const argsOf = (name: string) => call.mock.calls.filter((c) => c[0] === name).map((c) => c[1]);

async function choose(name: string, text: string) {
  const input = screen.getByTestId('statement-file') as HTMLInputElement;
  const file = new File([text], name, { type: 'text/plain' });
  Object.defineProperty(file, 'arrayBuffer', { value: async () => new TextEncoder().encode(text).buffer });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await fireEvent.change(input);
}
function mount(account: BankAccount = bank) {
  const done = vi.fn();
  render(Host, { props: { component: ImportWizard as unknown as Component<Record<string, unknown>>, props: { account, onclose: () => {}, ondone: done } } });
  return done;
}

beforeEach(() => {
  call.mockReset();
  i18n.set('en');
  session.me = { user: { is_superuser: true }, companies: [], permissions: [] } as unknown as typeof session.me;
});

describe('statement import wizard', () => {
  it('a CSV file: columns mapped over a preview (guessed from the headers), a dry run, then the import with the mapping saved', async () => {
    call.mockImplementation(async (name: string, args: Record<string, unknown>) => {
      if (name === 'bank.preview_csv') return preview;
      if (name === 'bank.import_statement') return result(!!args.dry_run);
      throw new Error(`unexpected ${name}`);
    });
    const done = mount();
    await choose('umsatz.csv', csv);
    await waitFor(() => expect((screen.getByLabelText('Format') as HTMLSelectElement).value).toBe('csv'));
    await fireEvent.click(screen.getByTestId('import-next'));
    await screen.findByTestId('csv-preview');
    await waitFor(() => expect((document.querySelector('#f-map_date')! as HTMLSelectElement).value).toBe('Buchungstag'));
    expect((document.querySelector('#f-map_amount')! as HTMLSelectElement).value).toBe('Betrag');
    expect((screen.getByTestId('map-decimal-comma') as HTMLInputElement).checked).toBe(true);
    expect(argsOf('bank.preview_csv')[0]).toMatchObject({ content: btoa(csv), has_header: true, skip_rows: 0 });
    await fireEvent.click(screen.getByTestId('import-next'));
    expect((await screen.findByTestId('import-summary')).textContent).toContain('1 statement, 1 new line, none imported before');
    await fireEvent.click(screen.getByTestId('import-next'));
    await waitFor(() => expect(done).toHaveBeenCalled());
    const [dry, real] = argsOf('bank.import_statement') as Record<string, unknown>[];
    expect(dry).toMatchObject({ bank_account_id: 1, dry_run: true, format: 'csv', file_name: 'umsatz.csv', mapping: { date: 'Buchungstag', amount: 'Betrag', reference: 'Verwendungszweck', decimal_comma: true }, save_mapping: true });
    expect(real).toMatchObject({ dry_run: false, save_mapping: true });
    expect(screen.getByTestId('import-summary').textContent).toContain('1 line imported');
  });

  it('a mapping without an amount is stopped before the dry run; a statement that breaks the chain is named by its code', async () => {
    call.mockImplementation(async (name: string) => {
      if (name === 'bank.preview_csv') return preview;
      if (name === 'bank.import_statement') {
        throw new ApiError({ code: 'validation', message: 'x', fields: [{ field: 'content', code: 'statement_chain_broken', message: 'x', params: { statement: 'S2', index: '1', opening: '10.00', previous: '12.00' } }] } as never);
      }
      throw new Error(`unexpected ${name}`);
    });
    mount({ ...bank, csv_mapping: { has_header: true, skip_rows: 0, date: 'Buchungstag', date_format: '', decimal_comma: true } } as BankAccount);
    await choose('umsatz.csv', csv);
    await fireEvent.click(screen.getByTestId('import-next'));
    await screen.findByTestId('csv-preview');
    // The saved mapping has no amount: the form says so and nothing is sent.
    await fireEvent.click(screen.getByTestId('import-next'));
    expect(screen.getByText('Choose the amount column, or the debit and credit columns.')).toBeTruthy();
    expect(argsOf('bank.import_statement')).toHaveLength(0);
    await fireEvent.change(document.querySelector('#f-map_amount')!, { target: { value: 'Betrag' } });
    await fireEvent.click(screen.getByTestId('import-next'));
    expect((await screen.findByTestId('import-content-error')).textContent).toBe('Statement S2 (number 1 in the file) opens at 10.00, but the previous statement closed at 12.00.');
  });
});
