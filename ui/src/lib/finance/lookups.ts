// What the finance screens look up: bank and cash accounts (few: kept in the lookup cache
// until a change event), partners of a side (searched in SQL), an account's statement lines,
// and the change-event entities finance lists refresh on.
import { call, type BankAccount, type PartnerSide, type TaxKind } from '../api';
import { taxes, taxOption } from '../accounting/lookups';
import { lookup } from '../ui/lookup';
import type { PickerOption } from '../ui/picker';
import { formatMoney } from '../ui/format';
import { session } from '../session/session.svelte';
import { bankKindLabel } from './labels';
import type { BankLine } from './reconcile';

/** Writes that change payments, open items and bank balances. */
export const FINANCE_ENTITIES = ['payment', 'match', 'bank_account', 'bank_move', 'bank_statement', 'bank_rec', 'bank_rule', 'journal_entry', 'trade_invoice'];

/** Every bank and cash account (archived ones too: old payments name them). */
export function bankAccounts(): Promise<BankAccount[]> {
  if (!session.can('bank.list_accounts')) return Promise.resolve([]);
  return lookup('finance.bank_accounts', FINANCE_ENTITIES, () => call('bank.list_accounts', { include_archived: true }));
}

export function bankOption(a: BankAccount): PickerOption {
  return { id: a.id, label: a.name, sub: `${bankKindLabel(a.kind)} · ${a.currency} · ${formatMoney(a.balance, a.currency, session.locale)}` };
}

/** Active accounts by name, code or IBAN (`kind`: only bank or only cash accounts). */
export function searchBankAccounts(opts: { kind?: 'bank' | 'cash'; except?: number | null } = {}) {
  return async (q: string, limit: number): Promise<PickerOption[]> => {
    const s = q.trim().toLowerCase();
    return (await bankAccounts())
      .filter((a) => !a.archived && (!opts.kind || a.kind === opts.kind) && a.id !== opts.except)
      .filter((a) => !s || a.name.toLowerCase().includes(s) || a.journal_code.toLowerCase().includes(s) || a.iban.toLowerCase().replace(/\s/g, '').includes(s.replace(/\s/g, '')))
      .slice(0, limit)
      .map(bankOption);
  };
}

export async function resolveBankAccount(id: string | number): Promise<string> {
  return (await bankAccounts()).find((a) => a.id === Number(id))?.name ?? (await call('bank.get_account', { id: Number(id) })).name;
}

/** Customers or suppliers by words of their name or code. */
export function partnerSearch(side: PartnerSide | null) {
  return async (q: string, limit: number): Promise<PickerOption[]> => {
    const page = await call('partner.list', { ...(side ? { role: side } : {}), query: { search: q.trim() || undefined, limit } });
    return page.items.map((p) => ({ id: p.id, label: p.name, sub: p.code }));
  };
}

export async function resolvePartner(id: string | number): Promise<string> {
  return (await call('partner.get', { id: Number(id) })).name;
}

/** A bank account's statement lines (of one statement, or those not reconciled). */
export function statementLines(args: { bank_account_id: number; statement_id?: number; unreconciled?: boolean; limit?: number }): Promise<BankLine[]> {
  return call('bank.statement_lines', args);
}

/** Taxes of one kind (sales on money in, purchase on money out), by code or name. */
export function searchTaxesOf(kind: TaxKind) {
  return async (q: string): Promise<PickerOption[]> => {
    const s = q.trim().toLowerCase();
    return (await taxes()).filter((x) => x.kind === kind && !x.archived && (!s || x.code.toLowerCase().includes(s) || x.name.toLowerCase().includes(s))).map(taxOption);
  };
}
