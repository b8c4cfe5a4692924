// The finance module's screens (group Finance), each shown when its command is allowed,
// and its palette search of payments by number, reference or partner.
import { call } from '../api';
import { session } from '../session/session.svelte';
import type { ScreenDef } from '../shell/screens';
import type { RecordSearch } from '../shell/modules';
import { formatMoney } from '../ui/format';
import { formatDateOnly } from '../ui/dates';
import { directionLabel } from './labels';
import { PAYMENTS_SCREEN } from './intent.svelte';
import { STATEMENT_SCREEN } from './statement';
import Payments from './Payments.svelte';
import BankAccounts from './BankAccounts.svelte';
import Reconcile from './Reconcile.svelte';
import Aging from './Aging.svelte';
import PartnerStatement from './PartnerStatement.svelte';
import TaxReport from './TaxReport.svelte';
import CashPosition from './CashPosition.svelte';
import CashFlow from './CashFlow.svelte';
import Settings from './Settings.svelte';
import BatchPay from './BatchPay.svelte';
import RecReport from './RecReport.svelte';
import { BATCH_PAY_SCREEN, REC_REPORT_SCREEN } from './ids';

const group = 'finance.group';

export const financeScreens: ScreenDef[] = [
  { id: PAYMENTS_SCREEN, label: 'finance.screen.payments', group, icon: 'file', component: Payments, needs: 'finance.list_payments', keywords: 'payment receipt receive pay refund customer supplier allocate' },
  { id: BATCH_PAY_SCREEN, label: 'finance.screen.batch_pay', group, icon: 'check', component: BatchPay, needs: 'finance.batch_pay', keywords: 'batch pay bills due suppliers payment run proposal' },
  { id: 'bank-accounts', label: 'finance.screen.bank_accounts', group, icon: 'building', component: BankAccounts, needs: 'bank.list_accounts', keywords: 'bank cash account balance iban transfer expense receipt statement import' },
  { id: 'bank-reconcile', label: 'finance.screen.reconcile', group, icon: 'list', component: Reconcile, needs: 'bank.statement_lines', keywords: 'bank reconciliation statement match' },
  { id: REC_REPORT_SCREEN, label: 'finance.screen.rec_report', group, icon: 'file', component: RecReport, needs: 'bank.reconciliation_report', keywords: 'bank reconciliation report statement book balance unreconciled outstanding' },
  { id: 'finance-aging', label: 'finance.screen.aging', group, icon: 'clock', component: Aging, needs: 'finance.aging', keywords: 'aging overdue receivable payable debtors creditors report' },
  { id: STATEMENT_SCREEN, label: 'finance.screen.partner_statement', group, icon: 'users', component: PartnerStatement, needs: 'finance.partner_statement', keywords: 'statement of account customer supplier balance report' },
  { id: 'finance-tax-report', label: 'finance.screen.tax_report', group, icon: 'tag', component: TaxReport, needs: 'finance.tax_report', keywords: 'vat gst tax return report' },
  { id: 'finance-cash-position', label: 'finance.screen.cash_position', group, icon: 'layers', component: CashPosition, needs: 'finance.cash_position', keywords: 'cash bank balances position report' },
  { id: 'finance-cash-flow', label: 'finance.screen.cash_flow', group, icon: 'layers', component: CashFlow, needs: 'finance.cash_flow', keywords: 'cash flow in out report' },
  { id: 'finance-settings', label: 'finance.screen.settings', group, icon: 'settings', component: Settings, needs: 'finance.get_settings', keywords: 'early payment discount terms aging buckets cash difference exchange accounts settings revalue revaluation period end' },
];

export const searchPayments: RecordSearch = async (q) => {
  if (!session.can('finance.list_payments')) return [];
  const rows = await call('finance.list_payments', { search: q, limit: 6 });
  return rows.map((p) => ({
    label: p.number,
    sub: `${directionLabel(p.partner_side, p.direction)} · ${p.partner_name} · ${formatDateOnly(p.date, session.locale)} · ${formatMoney(p.amount, p.currency, session.locale)}`,
    screen: PAYMENTS_SCREEN,
    id: p.id,
  }));
};
