//! Purchasing: requests for quotation, purchase orders, receipts, supplier bills, returns
//! and debit notes, on the trade-document engine ([`crate::trade`]), whose invariants
//! hold here. This module adds only its side's commands (`purchase.*`) and permissions.
//! Its own rule is the three-way match: a bill line above what was received (net of
//! returns; ordered, for lines that do not ship) is refused at posting unless someone
//! holding `purchase.accept_over` posts it with `allow_over`. Bills clear goods received
//! not billed at what the receipts valued; a price difference goes to the purchase account.

use crate::command::{PermissionSpec, Registry};
use crate::trade::commands::{SideCommands, register_side};
use crate::trade::model::Side;

pub const VIEW: &str = "purchase.view_orders";
pub const MANAGE: &str = "purchase.manage_orders";
pub const BILL: &str = "purchase.manage_bills";

static COMMANDS: SideCommands = SideCommands {
    side: Side::Purchase,
    view: VIEW,
    manage: MANAGE,
    invoice: BILL,
    list_orders: "purchase.list_orders",
    get_order: "purchase.get_order",
    create_order: "purchase.create_order",
    update_order: "purchase.update_order",
    delete_order: "purchase.delete_order",
    send_order: "purchase.send_order",
    confirm_order: "purchase.confirm_order",
    cancel_order: "purchase.cancel_order",
    ship: "purchase.receive",
    ret: "purchase.return",
    invoice_order: "purchase.bill_order",
    credit_order: "purchase.debit_order",
    list_invoices: "purchase.list_bills",
    get_invoice: "purchase.get_bill",
    create_invoice: "purchase.create_bill",
    update_invoice: "purchase.update_bill",
    post_invoice: "purchase.post_bill",
    cancel_invoice: "purchase.cancel_bill",
    credit_invoice: "purchase.debit_bill",
    report: "purchase.report",
    open_lines: "purchase.open_lines",
};

pub fn register(r: &mut Registry) {
    r.add_permissions(&[
        PermissionSpec { codename: VIEW, description: "See requests for quotation, purchase orders, receipts and supplier bills", roles: &[] },
        PermissionSpec { codename: MANAGE, description: "Create, confirm and cancel purchase orders; receive and return goods", roles: &["purchasing"] },
        PermissionSpec { codename: BILL, description: "Make, post and debit supplier bills", roles: &["purchasing", "accountant"] },
        PermissionSpec { codename: crate::trade::ACCEPT_OVER, description: "Post a supplier bill above what was received (three-way match)", roles: &["accountant"] },
    ]);
    register_side(r, &COMMANDS);
}
