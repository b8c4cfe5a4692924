//! Sales: quotations, sales orders, deliveries, customer invoices, returns and credit
//! notes, on the trade-document engine ([`crate::trade`]), whose invariants hold here.
//! This module adds only its side's commands (`sales.*`) and permissions. Its own rule:
//! confirming an order that takes the customer beyond their credit limit (open
//! receivables plus confirmed orders not yet invoiced, in base currency) is refused
//! unless someone holding `sales.override_credit` confirms it with `allow_over`; the
//! order records that it was overridden.

use crate::command::{PermissionSpec, Registry};
use crate::trade::commands::{SideCommands, register_side};
use crate::trade::model::Side;

pub const VIEW: &str = "sales.view_orders";
pub const MANAGE: &str = "sales.manage_orders";
pub const INVOICE: &str = "sales.manage_invoices";

static COMMANDS: SideCommands = SideCommands {
    side: Side::Sale,
    view: VIEW,
    manage: MANAGE,
    invoice: INVOICE,
    list_orders: "sales.list_orders",
    get_order: "sales.get_order",
    create_order: "sales.create_order",
    update_order: "sales.update_order",
    delete_order: "sales.delete_order",
    send_order: "sales.send_order",
    confirm_order: "sales.confirm_order",
    cancel_order: "sales.cancel_order",
    ship: "sales.deliver",
    ret: "sales.return",
    invoice_order: "sales.invoice_order",
    credit_order: "sales.credit_order",
    list_invoices: "sales.list_invoices",
    get_invoice: "sales.get_invoice",
    create_invoice: "sales.create_invoice",
    update_invoice: "sales.update_invoice",
    post_invoice: "sales.post_invoice",
    cancel_invoice: "sales.cancel_invoice",
    credit_invoice: "sales.credit_invoice",
    report: "sales.report",
    open_lines: "sales.open_lines",
};

pub fn register(r: &mut Registry) {
    r.add_permissions(&[
        PermissionSpec { codename: VIEW, description: "See quotations, sales orders, deliveries and customer invoices", roles: &[] },
        PermissionSpec { codename: MANAGE, description: "Create, confirm and cancel quotations and sales orders; deliver and take back goods", roles: &["sales"] },
        PermissionSpec { codename: INVOICE, description: "Make, post and credit customer invoices", roles: &["sales", "accountant"] },
        PermissionSpec { codename: crate::trade::OVERRIDE_CREDIT, description: "Confirm a sales order beyond the customer's credit limit", roles: &[] },
    ]);
    register_side(r, &COMMANDS);
}
