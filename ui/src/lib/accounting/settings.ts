// The accounting settings form: rounding rule and mode, and the default accounts.
import type { AccountDefaults, AccountingSettings, RoundingMode, TaxRounding, UpdateSettingsArgs } from '../api';

/** The default accounts, in the order the form shows them. */
export const DEFAULT_ACCOUNTS: (keyof AccountDefaults)[] = [
  'receivable', 'payable', 'sales', 'purchase', 'inventory', 'cogs', 'grni', 'rounding', 'fx_gain', 'fx_loss', 'retained_earnings',
];

export interface SettingsDraft {
  tax_rounding: TaxRounding;
  tax_rounding_mode: RoundingMode;
  defaults: AccountDefaults;
}

export function fromSettings(s: AccountingSettings): SettingsDraft {
  return { tax_rounding: s.tax_rounding, tax_rounding_mode: s.tax_rounding_mode, defaults: { ...s.defaults } };
}

/** What accounting.update_settings takes; a picker cleared sends null. */
export function toSettingsArgs(d: SettingsDraft): UpdateSettingsArgs {
  const defaults = Object.fromEntries(DEFAULT_ACCOUNTS.map((k) => [k, d.defaults[k] == null ? null : Number(d.defaults[k])])) as AccountDefaults;
  return { tax_rounding: d.tax_rounding, tax_rounding_mode: d.tax_rounding_mode, defaults };
}
