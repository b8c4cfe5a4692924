// Searches and cached lists the accounting screens share, and the labels of its enums.
import { call, type Account, type AccountSubtype, type AccountType, type Journal, type JournalKind, type Tax, type TaxKind } from '../api';
import { t } from '../i18n/index.svelte';
import { lookup } from '../ui/lookup';
import type { PickerOption } from '../ui/picker';
import { accountLabel } from './account';

export const JOURNAL_KINDS: JournalKind[] = ['general', 'sales', 'purchase', 'bank', 'cash', 'stock', 'opening', 'closing'];
export const TAX_KINDS: TaxKind[] = ['sales', 'purchase'];

export const typeLabel = (x: AccountType) => t(`accounting.type.${x}`);
export const subtypeLabel = (x: AccountSubtype) => t(`accounting.subtype.${x}`);
export const journalKindLabel = (x: JournalKind) => t(`accounting.journal_kind.${x}`);
export const taxKindLabel = (x: TaxKind) => t(`accounting.tax_kind.${x}`);

/** An account as a picker option: "code name", its type below. */
export function accountOption(a: Account): PickerOption {
  return { id: a.id, label: accountLabel(a), sub: `${typeLabel(a.type)} · ${subtypeLabel(a.subtype)}` };
}

/** Accounts by code or name, searched in SQL. `postable`: only accounts lines can post to. */
export function searchAccounts(opts: { postable?: boolean; filter?: (a: Account) => boolean } = {}) {
  return async (q: string, limit: number): Promise<PickerOption[]> => {
    const list = await call('account.list', { search: q || undefined, postable_only: opts.postable || undefined, limit });
    return (opts.filter ? list.filter(opts.filter) : list).map(accountOption);
  };
}

/** An account's label for a picker showing a saved id. */
export async function resolveAccount(id: string | number): Promise<string> {
  return accountLabel(await call('account.get', { id: Number(id) }));
}

export function journals(): Promise<Journal[]> {
  return lookup('accounting.journals', ['journal'], () => call('journal.list', {}));
}

export function taxes(): Promise<Tax[]> {
  return lookup('accounting.taxes', ['tax'], () => call('tax.list', {}));
}

export function taxOption(x: Tax): PickerOption {
  return { id: x.id, label: x.code, sub: `${x.name} · ${x.rate} %` };
}

export async function searchTaxes(q: string): Promise<PickerOption[]> {
  const s = q.trim().toLowerCase();
  return (await taxes()).filter((x) => !s || x.code.toLowerCase().includes(s) || x.name.toLowerCase().includes(s)).map(taxOption);
}

export async function searchPartners(q: string, limit: number): Promise<PickerOption[]> {
  const page = await call('partner.list', { query: { search: q || undefined, limit } });
  return page.items.map((p) => ({ id: p.id, label: p.name, sub: p.code }));
}
