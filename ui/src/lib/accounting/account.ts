// The chart of accounts: the valid type/subtype pairs (as core's
// `AccountSubtype::account_type`), the tree read from the flat, code-ordered list, and
// the account form's draft.
import type { Account, AccountInput, AccountSubtype, AccountType } from '../api';

export const ACCOUNT_TYPES: AccountType[] = ['asset', 'liability', 'equity', 'income', 'expense'];

/** Each subtype's account type; null: valid under any type (core returns None for these). */
export const SUBTYPE_TYPE: Record<AccountSubtype, AccountType | null> = {
  bank: 'asset', cash: 'asset', receivable: 'asset', inventory: 'asset', current_asset: 'asset', prepayment: 'asset',
  fixed_asset: 'asset', depreciation: 'asset', tax_paid: 'asset',
  payable: 'liability', tax_collected: 'liability', current_liability: 'liability', long_term_liability: 'liability', grni: 'liability',
  equity: 'equity', retained_earnings: 'equity', current_year_earnings: 'equity',
  income: 'income', other_income: 'income',
  cost_of_goods_sold: 'expense', expense: 'expense',
  exchange_gain_loss: null, rounding: null, suspense: null,
};

/** The subtypes an account of `type` may have, its own ones first. */
export function subtypesFor(type: AccountType): AccountSubtype[] {
  const all = Object.keys(SUBTYPE_TYPE) as AccountSubtype[];
  return [...all.filter((s) => SUBTYPE_TYPE[s] === type), ...all.filter((s) => SUBTYPE_TYPE[s] === null)];
}

/** Whether `subtype` goes with `type`. */
export function subtypeFits(type: AccountType, subtype: AccountSubtype): boolean {
  const t = SUBTYPE_TYPE[subtype];
  return t === null || t === type;
}

/** The subtype to keep when the type changes: the current one if it fits, else the type's first. */
export function fitSubtype(type: AccountType, subtype: AccountSubtype): AccountSubtype {
  return subtypeFits(type, subtype) ? subtype : subtypesFor(type)[0];
}

/** A line on a receivable or payable account names its partner (core's `needs_partner`). */
export function needsPartner(subtype: AccountSubtype | null | undefined): boolean {
  return subtype === 'receivable' || subtype === 'payable';
}

export interface TreeRow {
  account: Account;
  depth: number;
  /** Ids of the accounts above it, nearest last. */
  ancestors: number[];
  hasChildren: boolean;
}

/**
 * The accounts as a tree in code order: each account after its parent, indented by
 * depth. An account whose parent is not in the list (a search hit) starts a root.
 */
export function buildTree(accounts: Account[]): TreeRow[] {
  const byCode = (a: Account, b: Account) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const ids = new Set(accounts.map((a) => a.id));
  const children = new Map<number | null, Account[]>();
  for (const a of accounts) {
    const p = a.parent_id != null && ids.has(a.parent_id) ? a.parent_id : null;
    const list = children.get(p) ?? [];
    list.push(a);
    children.set(p, list);
  }
  const out: TreeRow[] = [];
  const seen = new Set<number>();
  const walk = (parent: number | null, depth: number, ancestors: number[]) => {
    for (const a of (children.get(parent) ?? []).sort(byCode)) {
      if (seen.has(a.id)) continue; // a cycle is core's to refuse; never loop here
      seen.add(a.id);
      const kids = children.get(a.id) ?? [];
      out.push({ account: a, depth, ancestors, hasChildren: kids.length > 0 });
      walk(a.id, depth + 1, [...ancestors, a.id]);
    }
  };
  walk(null, 0, []);
  // Whatever a cycle left out, at the root.
  for (const a of accounts) if (!seen.has(a.id)) out.push({ account: a, depth: 0, ancestors: [], hasChildren: false });
  return out;
}

/** The rows shown when the accounts in `collapsed` are folded. */
export function visibleRows(rows: TreeRow[], collapsed: ReadonlySet<number>): TreeRow[] {
  return rows.filter((r) => !r.ancestors.some((id) => collapsed.has(id)));
}

/** The accounts `self` may sit under: groups of the same type, not itself nor one of its descendants. */
export function allowedParents(accounts: Account[], type: AccountType, selfId: number | null): Account[] {
  if (selfId == null) return accounts.filter((a) => a.is_group && a.type === type && !a.archived);
  const below = new Set<number>([selfId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const a of accounts) if (a.parent_id != null && below.has(a.parent_id) && !below.has(a.id)) {
      below.add(a.id);
      grew = true;
    }
  }
  return accounts.filter((a) => a.is_group && a.type === type && !a.archived && !below.has(a.id));
}

/** "1200 Bank": how an account reads in pickers and cells. */
export function accountLabel(a: Pick<Account, 'code' | 'name'>): string {
  return `${a.code} ${a.name}`;
}

export interface AccountDraft {
  code: string;
  name: string;
  type: AccountType;
  subtype: AccountSubtype;
  parent_id: number | null;
  is_group: boolean;
  /** null: any currency. */
  currency: string | null;
  reconcilable: boolean;
}

export function blankAccount(parent?: Account | null): AccountDraft {
  const type = parent?.type ?? 'asset';
  return {
    code: '', name: '', type, subtype: parent ? fitSubtype(type, parent.subtype) : 'current_asset', parent_id: parent?.id ?? null,
    is_group: false, currency: null, reconcilable: false,
  };
}

export function fromAccount(a: Account): AccountDraft {
  return { code: a.code, name: a.name, type: a.type, subtype: a.subtype, parent_id: a.parent_id, is_group: a.is_group, currency: a.currency, reconcilable: a.reconcilable };
}

export function toAccountInput(d: AccountDraft): AccountInput {
  return {
    code: d.code.trim(), name: d.name.trim(), type: d.type, subtype: d.subtype, parent_id: d.parent_id ?? undefined, is_group: d.is_group,
    currency: d.currency?.trim() || undefined, reconcilable: d.reconcilable,
  };
}
