//! The trade-document engine: one implementation of quotations and orders, deliveries
//! and receipts, invoices and credit notes for both sides of trade. [`crate::sales`] and
//! [`crate::purchasing`] are thin modules on it: each names its side's commands and
//! permissions, and the [`model::Side`] picks the partner role, the picking kind, the
//! control account, the tax kind and the number series.
//!
//! Parts: [`lines`] (the one computation of amounts), [`engine`] (orders: lines, states,
//! confirmation, cancellation, reading), [`flow`] (deliveries, receipts and returns through
//! the stock-move engine; invoices and credit notes posted through the ledger), [`idem`]
//! (idempotency keys), [`print`] (the printable view of every document), [`commands`] (the
//! registry entries of both sides).
//!
//! Invariants (enforced here, and by SQLite where it can be):
//! - **One computation.** A line's amount is quantity × unit price × (1 − discount),
//!   rounded once to the currency's minor units; the document's taxes and totals come from
//!   [`crate::accounting::tax::compute_with`] under the company's rule. The order, the
//!   invoice, the posted entry and the printed document use it, and
//!   `net + tax + rounding = total` holds on every stored document (a CHECK).
//! - **Progress is exact quantities.** Each order line keeps ordered, delivered,
//!   returned, invoiced, credited and cancelled quantities in its own unit (integers at
//!   scale 4); every status (to deliver, to invoice, partly delivered, done) is derived
//!   from them, never from percentages. returned ≤ delivered, credited ≤ invoiced and
//!   cancelled ≤ ordered are CHECKs; deliveries never exceed what is left to deliver, and
//!   customer invoices never exceed what is due under the policy (delivered or ordered).
//!   Drafts count as invoiced, so nothing is invoiced twice; cancelling a draft gives
//!   its quantities back.
//! - **Three-way match.** A supplier bill above what was received is written but not
//!   posted, unless accepted by someone holding `purchase.accept_over`.
//! - **Only the engines write stock and books.** Deliveries, receipts and returns are
//!   pickings made with `inventory::engine::create_picking` + `done` (kits explode there;
//!   cost of goods sold and goods received are valued there); invoices post with
//!   `accounting::ledger::post`, both in the command's transaction.
//! - **Numbers are gapless** per company and series (`SO/`, `PO/`, `INV/`, `CN/`, `BILL/`,
//!   `DN/`), given at confirmation or posting in the same transaction; quotations and
//!   draft invoices have none (a CHECK).
//! - **Confirmed is immutable.** A confirmed order's lines change only in their progress
//!   columns; a posted invoice and its lines never change (triggers). Corrections are
//!   returns and credit notes.
//! - **States as data** ([`engine::TRANSITIONS`]); any other change is refused with the
//!   current state.
//! - **Idempotency.** A mutating command may carry `idempotency_key`: the same key again
//!   returns the first result and writes nothing.
//! - **Isolation.** Every table carries `tenant_id` with composite foreign keys, so a
//!   document can never name another company's partner, product, tax or warehouse.

pub mod commands;
pub mod engine;
pub mod flow;
pub mod idem;
pub mod lines;
pub mod model;
pub mod pricing;
pub mod print;
pub mod reports;

pub const OVERRIDE_CREDIT: &str = "sales.override_credit";
pub const ACCEPT_OVER: &str = "purchase.accept_over";
