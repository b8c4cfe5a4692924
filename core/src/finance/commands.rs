//! The registry entries of `finance.*`: payments and allocations, bank and cash
//! accounts, statements and reconciliation, and reports.

use super::model::*;
use super::{PAY, BANK, RECONCILE, SETUP, VIEW};
use super::{bank, fx, items, payments, reconcile, reports, settings, statements};
use crate::command::{Access, ArchivedArg, CommandSpec, IdArg, NoArgs, PermissionSpec, Registry, SetArchivedArg};

fn today(ctx: &crate::command::Ctx<'_>) -> crate::Result<chrono::NaiveDate> {
    let t = ctx.tenant()?;
    crate::accounting::periods::today(ctx.db(), &t, ctx.now)
}

pub fn register(r: &mut Registry) {
    r.add_permissions(&[
        PermissionSpec { codename: VIEW, description: "See payments, open items, bank accounts, statements and finance reports", roles: &["accountant"] },
        PermissionSpec { codename: PAY, description: "Make, allocate and cancel payments", roles: &["accountant"] },
        PermissionSpec { codename: BANK, description: "Manage bank and cash accounts, import statements, move money without an invoice", roles: &["accountant"] },
        PermissionSpec { codename: RECONCILE, description: "Reconcile bank statements and manage reconciliation rules", roles: &["accountant"] },
        PermissionSpec { codename: SETUP, description: "Change finance settings and revalue foreign-currency items", roles: &["accountant"] },
    ]);
    let v = Access::Permission(VIEW);
    let pay = Access::Permission(PAY);
    let bk = Access::Permission(BANK);
    let rec = Access::Permission(RECONCILE);
    let setup = Access::Permission(SETUP);

    r.add(CommandSpec::query("finance.get_settings", v, "Finance settings: discount terms, accounts, aging buckets", |ctx, _: NoArgs| {
        let t = ctx.tenant()?;
        settings::get(ctx.db(), &t)
    }));
    r.add(CommandSpec::mutation("finance.update_settings", setup, "Change the finance settings", settings::update));

    // Open items and allocation.
    r.add(CommandSpec::query("finance.open_items", v, "Open receivable or payable items (at a date), oldest due first", |ctx, a: OpenItemsArgs| {
        let t = ctx.tenant()?;
        items::open_items(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::mutation("finance.allocate", pay, "Match open items of one partner against each other (a credit against invoices)", |ctx, a: AllocateArgs| {
        let amounts: Vec<_> = a.items.iter().map(|x| (x.item_id, x.amount)).collect();
        let id = items::allocate(ctx, &amounts, a.date, None)?;
        let t = ctx.tenant()?;
        items::get_match(ctx.db(), &t, id)
    }));
    r.add(CommandSpec::mutation(
        "finance.auto_allocate",
        pay,
        "Match every partner's open debits and credits against each other, oldest first",
        items::auto_allocate,
    ));
    r.add(CommandSpec::mutation("finance.unallocate", pay, "Reverse an allocation: what it matched is open again", items::unallocate));
    r.add(CommandSpec::query("finance.get_match", v, "One allocation with its items", |ctx, a: IdArg<MatchId>| {
        let t = ctx.tenant()?;
        items::get_match(ctx.db(), &t, a.id)
    }));

    // Payments.
    r.add(CommandSpec::query("finance.list_payments", v, "Payments received and made", |ctx, a: ListPaymentsArgs| {
        let t = ctx.tenant()?;
        payments::list(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("finance.get_payment", v, "One payment with its allocations", |ctx, a: IdArg<PaymentId>| {
        let t = ctx.tenant()?;
        payments::get(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("finance.create_payment", pay, "Receive from a customer or pay a supplier (or refund), allocated to open items", payments::create));
    r.add(CommandSpec::mutation("finance.cancel_payment", pay, "Cancel a payment: unallocate it and reverse its entry", payments::cancel));
    r.add(CommandSpec::mutation("finance.batch_pay", pay, "Pay every supplier bill due by a date from one bank account", payments::batch_pay));
    r.add(CommandSpec::mutation("finance.revalue", setup, "Revalue open foreign-currency items at a period end (reversed the next day)", fx::revalue));

    // Bank and cash accounts.
    r.add(CommandSpec::query("bank.list_accounts", v, "Bank and cash accounts with their balances", |ctx, a: ArchivedArg| {
        let t = ctx.tenant()?;
        bank::list(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("bank.get_account", v, "One bank or cash account", |ctx, a: IdArg<BankAccountId>| {
        let t = ctx.tenant()?;
        bank::get(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("bank.create_account", bk, "Create a bank or cash account (its ledger account and journal)", bank::create));
    r.add(CommandSpec::mutation("bank.update_account", bk, "Rename a bank account, change its IBAN, number or BIC", bank::update));
    r.add(CommandSpec::mutation("bank.set_account_archived", bk, "Archive or restore a bank or cash account", |ctx, a: SetArchivedArg<BankAccountId>| bank::set_archived(ctx, a)));
    r.add(CommandSpec::mutation("bank.set_csv_mapping", bk, "Save the CSV column mapping of a bank account", bank::set_csv_mapping));
    r.add(CommandSpec::mutation("bank.create_move", bk, "Money in or out without an invoice (a receipt, an expense)", bank::create_move));
    r.add(CommandSpec::query("bank.get_move", v, "One money move", |ctx, a: IdArg<BankMoveId>| {
        let t = ctx.tenant()?;
        bank::get_move(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("bank.transfer", bk, "Move money between two accounts of the company (with a fee)", bank::transfer));
    r.add(CommandSpec::mutation("bank.cash_count", bk, "Count a cash account: the difference to the books is posted", bank::cash_count));
    r.add(CommandSpec::query("bank.book_lines", v, "The ledger lines of a bank or cash account", |ctx, a: BookLinesArgs| {
        let t = ctx.tenant()?;
        bank::book_lines(ctx.db(), &t, &a)
    }));

    // Statements and reconciliation.
    r.add(CommandSpec::query("bank.preview_csv", bk, "The first rows of a CSV statement, to map its columns", |_, a: statements::PreviewCsvArgs| statements::preview_csv(a)));
    r.add(CommandSpec::mutation("bank.import_statement", bk, "Import a bank statement (CAMT.053, OFX, MT940 or CSV); lines already imported are skipped", statements::import));
    r.add(CommandSpec::query("bank.list_statements", v, "A bank account's imported statements", |ctx, a: IdArg<BankAccountId>| {
        let t = ctx.tenant()?;
        statements::list(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::query("bank.statement_lines", v, "Statement lines of a bank account (unreconciled only, or one statement's)", |ctx, a: statements::StatementLinesArgs| {
        let t = ctx.tenant()?;
        statements::lines(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("bank.suggest", v, "Suggested matches for statement lines: existing book lines first, then open items, then rules", |ctx, a: reconcile::SuggestArgs| {
        let t = ctx.tenant()?;
        reconcile::suggest(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::mutation("bank.reconcile", rec, "Reconcile statement lines with book lines (making a payment or expense for the rest)", reconcile::reconcile));
    r.add(CommandSpec::mutation("bank.undo_reconciliation", rec, "Undo a reconciliation", |ctx, a: IdArg<BankRecId>| reconcile::undo(ctx, a.id)));
    r.add(CommandSpec::query("bank.list_rules", v, "Reconciliation rules", |ctx, _: NoArgs| {
        let t = ctx.tenant()?;
        reconcile::list_rules(ctx.db(), &t)
    }));
    r.add(CommandSpec::mutation("bank.create_rule", rec, "Add a reconciliation rule: a text pattern books to an account", reconcile::create_rule));
    r.add(CommandSpec::mutation("bank.delete_rule", rec, "Delete a reconciliation rule", |ctx, a: IdArg<BankRuleId>| reconcile::delete_rule(ctx, a.id)));
    r.add(CommandSpec::query("bank.reconciliation_report", v, "Statement balance against book balance, with the unreconciled items between them", |ctx, a: reconcile::RecReportArgs| {
        let t = ctx.tenant()?;
        let d = today(ctx)?;
        reconcile::report(ctx.db(), &t, &a, d)
    }));

    // Reports.
    r.add(CommandSpec::query("finance.aging", v, "Receivable or payable aging at a date, per partner, in buckets", |ctx, a: reports::AgingArgs| {
        let t = ctx.tenant()?;
        let d = today(ctx)?;
        reports::aging(ctx.db(), &t, &a, d)
    }));
    r.add(CommandSpec::query("finance.partner_statement", v, "A partner's statement: transactions, balance, open items and aging", |ctx, a: reports::PartnerStatementArgs| {
        let t = ctx.tenant()?;
        reports::partner_statement(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("finance.cash_position", v, "Balances of every bank and cash account at a date", |ctx, a: reports::CashPositionArgs| {
        let t = ctx.tenant()?;
        let d = a.date.map(Ok).unwrap_or_else(|| today(ctx))?;
        reports::cash_position(ctx.db(), &t, d)
    }));
    r.add(CommandSpec::query("finance.tax_report", v, "Base and tax per tax over a period, sales and purchases: the VAT/GST return", |ctx, a: reports::PeriodArgs| {
        let t = ctx.tenant()?;
        reports::tax_report(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("finance.cash_flow", v, "Direct cash flow over a period: money in and out by what it was for", |ctx, a: reports::PeriodArgs| {
        let t = ctx.tenant()?;
        reports::cash_flow(ctx.db(), &t, &a)
    }));
}
