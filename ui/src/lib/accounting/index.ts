// The accounting module's screens (group Accounting), each shown when its command is allowed.
import type { ScreenDef } from '../shell/screens';
import Accounts from './Accounts.svelte';
import Entries from './Entries.svelte';
import Journals from './Journals.svelte';
import Periods from './Periods.svelte';
import Currencies from './Currencies.svelte';
import Taxes from './Taxes.svelte';
import Settings from './Settings.svelte';

export const accountingScreens: ScreenDef[] = [
  { id: 'entries', label: 'accounting.screen.entries', group: 'accounting.group', icon: 'file', component: Entries, needs: 'entry.list', keywords: 'journal entry posting ledger' },
  { id: 'accounts', label: 'accounting.screen.accounts', group: 'accounting.group', icon: 'list', component: Accounts, needs: 'account.list', keywords: 'chart of accounts coa ledger' },
  { id: 'journals', label: 'accounting.screen.journals', group: 'accounting.group', icon: 'folder', component: Journals, needs: 'journal.list' },
  { id: 'periods', label: 'accounting.screen.periods', group: 'accounting.group', icon: 'clock', component: Periods, needs: 'fiscal_year.list', keywords: 'fiscal year close lock date' },
  { id: 'currencies', label: 'accounting.screen.currencies', group: 'accounting.group', icon: 'globe', component: Currencies, needs: 'currency.list', keywords: 'exchange rates fx' },
  { id: 'taxes', label: 'accounting.screen.taxes', group: 'accounting.group', icon: 'tag', component: Taxes, needs: 'tax.list', keywords: 'vat gst sales tax' },
  { id: 'accounting-settings', label: 'accounting.screen.settings', group: 'accounting.group', icon: 'settings', component: Settings, needs: 'accounting.settings', keywords: 'default accounts rounding' },
];
