use super::model::*;
use super::{chart, currency, entries, journals, periods, tax};
use crate::command::{Access, CommandSpec, IdArg, NoArgs, PermissionSpec, Registry, SetArchivedArg};

pub const VIEW: &str = "accounting.view_ledger";
pub const CHANGE_SETUP: &str = "accounting.change_setup";
pub const ADD_ENTRY: &str = "accounting.add_entry";
pub const POST_ENTRY: &str = "accounting.post_entry";
pub const CLOSE_PERIOD: &str = "accounting.close_period";
pub const SET_LOCK_DATE: &str = "accounting.set_lock_date";

pub fn register(r: &mut Registry) {
    r.add_permissions(&[
        PermissionSpec { codename: VIEW, description: "See the chart of accounts, journals, entries and financial reports", roles: &[] },
        PermissionSpec {
            codename: CHANGE_SETUP,
            description: "Change the chart of accounts, journals, taxes, currencies, exchange rates and accounting settings",
            roles: &["accountant"],
        },
        PermissionSpec { codename: ADD_ENTRY, description: "Create, change and delete draft journal entries", roles: &["accountant"] },
        PermissionSpec { codename: POST_ENTRY, description: "Post and reverse journal entries", roles: &["accountant"] },
        PermissionSpec { codename: CLOSE_PERIOD, description: "Close and reopen periods and fiscal years (year-end close)", roles: &["accountant"] },
        PermissionSpec { codename: SET_LOCK_DATE, description: "Set the lock date before which nothing may change", roles: &["accountant"] },
    ]);
    let v = Access::Permission(VIEW);
    let setup = Access::Permission(CHANGE_SETUP);

    // Setup and settings.
    r.add(CommandSpec::query("accounting.chart_templates", v, "The charts of accounts a company can start from", |_, _: NoArgs| Ok(chart::list_templates())));
    r.add(CommandSpec::mutation("accounting.apply_chart", setup, "Set up a company's books from a chart template (accounts, journals, example taxes, this fiscal year)", chart::apply));
    r.add(CommandSpec::query("accounting.settings", v, "The company's accounting settings and default accounts", |ctx, _: NoArgs| {
        let t = ctx.tenant()?;
        chart::get_settings(ctx.db(), &t)
    }));
    r.add(CommandSpec::mutation("accounting.update_settings", setup, "Change the tax rounding rule and the default accounts", chart::update_settings));
    r.add(CommandSpec::mutation("accounting.set_lock_date", Access::Permission(SET_LOCK_DATE), "Set or clear the lock date: nothing on or before it may be posted", periods::set_lock_date));

    // Accounts.
    r.add(CommandSpec::query("account.list", v, "The chart of accounts with balances, in code order", |ctx, a: ListAccountsArgs| {
        let t = ctx.tenant()?;
        chart::list_accounts(ctx.db(), &t, &a)
    }));
    r.add(CommandSpec::query("account.get", v, "One account with its balance", |ctx, a: IdArg<AccountId>| {
        let t = ctx.tenant()?;
        chart::get_account(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("account.create", setup, "Create an account", chart::create));
    r.add(CommandSpec::mutation("account.update", setup, "Change an account (an account with postings keeps its type)", chart::update));
    r.add(CommandSpec::mutation("account.set_archived", setup, "Archive (at a zero balance) or restore an account", |ctx, a: SetArchivedArg<AccountId>| {
        chart::set_archived(ctx, a.id, a.archived)
    }));
    r.add(CommandSpec::mutation("account.delete", setup, "Delete an account nothing refers to and nothing was posted to", |ctx, a: IdArg<AccountId>| {
        chart::delete(ctx, a.id)
    }));

    // Journals.
    r.add(CommandSpec::query("journal.list", v, "Journals", journals::list));
    r.add(CommandSpec::query("journal.get", v, "One journal", |ctx, a: IdArg<JournalId>| {
        let t = ctx.tenant()?;
        journals::get_journal(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("journal.create", setup, "Create a journal", journals::create));
    r.add(CommandSpec::mutation("journal.update", setup, "Change a journal (one with entries keeps its code and kind)", journals::update));
    r.add(CommandSpec::mutation("journal.set_archived", setup, "Archive or restore a journal", journals::set_archived));

    // Fiscal years and periods.
    r.add(CommandSpec::query("fiscal_year.list", v, "Fiscal years with their periods, newest first", |ctx, _: NoArgs| periods::list_years(ctx)));
    r.add(CommandSpec::mutation("fiscal_year.create", setup, "Create the fiscal year containing a date, with its periods", periods::create_year));
    r.add(CommandSpec::mutation(
        "fiscal_year.close",
        Access::Permission(CLOSE_PERIOD),
        "Year-end close: post the closing entry (income and expense to retained earnings) and close the year",
        periods::close_year,
    ));
    r.add(CommandSpec::mutation("fiscal_year.reopen", Access::Permission(CLOSE_PERIOD), "Reopen a closed year: reverse its closing entry and reopen its periods", periods::reopen_year));
    r.add(CommandSpec::mutation("period.set_closed", Access::Permission(CLOSE_PERIOD), "Close or reopen a period", periods::set_period_closed));

    // Currencies and rates.
    r.add(CommandSpec::query("currency.list", v, "ISO 4217 currencies, the company's enabled ones first, with their latest rates", |ctx, _: NoArgs| currency::list(ctx)));
    r.add(CommandSpec::mutation("currency.set_enabled", setup, "Enable or disable a currency besides the base currency", currency::set_enabled));
    r.add(CommandSpec::query("currency.rates", v, "Exchange rates, newest first", currency::list_rates));
    r.add(CommandSpec::query("currency.rate", v, "The rate of a currency on a date (the latest on or before it)", currency::rate));
    r.add(CommandSpec::mutation("currency.set_rate", setup, "Set a currency's rate on a date", currency::set_rate));
    r.add(CommandSpec::mutation("currency.delete_rate", setup, "Delete a currency's rate on a date", currency::delete_rate));
    r.add(CommandSpec::mutation("currency.import_rates", setup, "Import rates from CSV (currency,date,rate): a dry run reports every bad row; a real run writes all or nothing", currency::import_rates));

    // Taxes.
    r.add(CommandSpec::query("tax.list", v, "Taxes", tax::list));
    r.add(CommandSpec::query("tax.get", v, "One tax", |ctx, a: IdArg<TaxId>| {
        let t = ctx.tenant()?;
        tax::get_tax(ctx.db(), &t, a.id)
    }));
    r.add(CommandSpec::mutation("tax.create", setup, "Create a tax", tax::create));
    r.add(CommandSpec::mutation("tax.update", setup, "Change a tax (a tax with postings keeps its rate and kind)", tax::update));
    r.add(CommandSpec::mutation("tax.set_archived", setup, "Archive or restore a tax", tax::set_archived));
    r.add(CommandSpec::query("tax.groups", v, "Tax groups", |ctx, _: NoArgs| tax::list_groups(ctx)));
    r.add(CommandSpec::mutation("tax.create_group", setup, "Create a tax group (several taxes on one line)", tax::create_group));
    r.add(CommandSpec::mutation("tax.update_group", setup, "Change a tax group", tax::update_group));
    r.add(CommandSpec::query("tax.compute", v, "A document's taxes under the company's rounding rule: net + tax + rounding = total", tax::compute_command));

    // Entries.
    r.add(CommandSpec::query("entry.list", v, "Journal entries, newest first", entries::list));
    r.add(CommandSpec::query("entry.get", v, "One journal entry with its lines", |ctx, a: IdArg<EntryId>| entries::get(ctx, a.id)));
    r.add(CommandSpec::mutation("entry.create", Access::Permission(ADD_ENTRY), "Save a draft journal entry (no number until posted)", entries::create_draft));
    r.add(CommandSpec::mutation("entry.update", Access::Permission(ADD_ENTRY), "Change a draft journal entry", entries::update_draft));
    r.add(CommandSpec::mutation("entry.delete", Access::Permission(ADD_ENTRY), "Delete a draft journal entry", |ctx, a: IdArg<EntryId>| entries::delete_draft(ctx, a.id)));
    r.add(CommandSpec::mutation("entry.duplicate", Access::Permission(ADD_ENTRY), "Copy an entry's lines into a new draft", entries::duplicate));
    r.add(CommandSpec::mutation("entry.post", Access::Permission(POST_ENTRY), "Post a draft: checked, numbered, written to the ledger", |ctx, a: IdArg<EntryId>| {
        entries::post_draft(ctx, a.id)
    }));
    r.add(CommandSpec::mutation("entry.post_new", Access::Permission(POST_ENTRY), "Post a manual journal entry in one step", entries::post_new));
    r.add(CommandSpec::mutation("entry.reverse", Access::Permission(POST_ENTRY), "Post the reversal of a posted entry (linked both ways)", entries::reverse));
    r.add(CommandSpec::query("ledger.check", v, "Recompute every maintained balance from the lines; report drift, unbalanced entries and numbering gaps", |ctx, _: NoArgs| {
        entries::check(ctx)
    }));

    super::io::register(r);
    super::reports::register(r);
}
