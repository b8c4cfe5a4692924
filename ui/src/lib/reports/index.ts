// The financial reports' screens (group Accounting). Each needs its command, so a role
// without `accounting.view_ledger` does not see them; Consolidation needs only sign-in
// and checks every company it is given.
import type { ScreenDef } from '../shell/screens';
import TrialBalance from './TrialBalance.svelte';
import GeneralLedger from './GeneralLedger.svelte';
import ProfitAndLoss from './ProfitAndLoss.svelte';
import BalanceSheet from './BalanceSheet.svelte';
import PartnerLedger from './PartnerLedger.svelte';
import Consolidation from './Consolidation.svelte';
import JournalReport from './JournalReport.svelte';
import { GL_SCREEN } from './drill.svelte';

const group = 'accounting.group';

export const reportScreens: ScreenDef[] = [
  { id: 'report-trial-balance', label: 'reports.screen.trial_balance', group, icon: 'list', component: TrialBalance, needs: 'report.trial_balance', keywords: 'trial balance accounts report' },
  { id: GL_SCREEN, label: 'reports.screen.general_ledger', group, icon: 'file', component: GeneralLedger, needs: 'report.general_ledger', keywords: 'ledger account lines report' },
  { id: 'report-journal', label: 'reports.screen.journal', group, icon: 'book', component: JournalReport, needs: 'report.journal', keywords: 'journal day book entries report' },
  { id: 'report-profit-and-loss', label: 'reports.screen.profit_and_loss', group, icon: 'layers', component: ProfitAndLoss, needs: 'report.profit_and_loss', keywords: 'income statement p&l result report' },
  { id: 'report-balance-sheet', label: 'reports.screen.balance_sheet', group, icon: 'layers', component: BalanceSheet, needs: 'report.balance_sheet', keywords: 'assets liabilities equity report' },
  { id: 'report-partner-ledger', label: 'reports.screen.partner_ledger', group, icon: 'users', component: PartnerLedger, needs: 'report.partner_ledger', keywords: 'receivable payable customers suppliers aging report' },
  { id: 'report-consolidation', label: 'reports.screen.consolidation', group, icon: 'building', component: Consolidation, needs: 'report.consolidated', keywords: 'group companies consolidated report' },
];
