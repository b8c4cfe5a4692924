//! Production: work centres, bills of materials, production orders, costing and
//! traceability.
//!
//! Parts: [`settings`] (the WIP, absorption and variance accounts; work centres),
//! [`boms`] (bills of materials: validation, versions, explosion, cost roll-up,
//! where-used), [`orders`] (production orders and their steps, the check and lot trace),
//! [`planning`] (the requirements run and its proposals);
//! `model.rs` holds the wire types, `commands.rs` the registry entries and permissions.
//!
//! Invariants (each enforced here, and by SQLite where it can be; `production.check`
//! verifies the ones about values):
//! - **Nothing here writes stock or ledger rows itself.** Consumption, output, returns
//!   and unbuilding are pickings of kind `production` (internal ↔ the company's
//!   Production location) made with [`crate::inventory::engine::create_picking`] and done
//!   by the engine, which values them and posts their stock journal entries against the
//!   WIP account; operations and closing differences post through
//!   `accounting::ledger::post`. All in the step's one transaction.
//! - **No BOM cycle.** A BOM's component must not reach, through the active BOMs (a
//!   variant through its template's too), the product the BOM makes; the refusal names
//!   the path (`A → B → C → A`). Restoring an archived BOM checks again. Only stockable,
//!   transactable products that are not kits are made or consumed: kits stay kits.
//! - **Quantities are exact.** A BOM line keeps its quantity and unit (of the product's
//!   dimension); an explosion converts with the units' exact factors and rounds once per
//!   level, up, to the component's unit decimals (scrap added first: planned = need ×
//!   (1 + scrap%)).
//! - **Versions:** one default BOM per product among the active ones; the BOM used on a
//!   date is the product's own active BOM valid that day (the default first, then the
//!   latest start), else its template's. A template's line may apply only to variants
//!   with given attribute values.
//! - **Orders:** draft → confirmed → in_progress → done; cancelled from draft, confirmed,
//!   or in progress before anything was produced ([`orders::TRANSITIONS`]). A number
//!   (`MO/00001`, gapless per company) is given at confirmation in its transaction; a
//!   done or cancelled order never changes except the quantity unbuilt, and steps are
//!   append-only (triggers).
//! - **Reservation:** a confirmed or in-progress order holds one ready production picking
//!   for what is left to consume of its untracked components (tracked ones are taken by
//!   lot when consumed); each step replaces it, closing or cancelling releases it. The
//!   engine's picking commands refuse production pickings: only orders move them.
//! - **Value flows through WIP.** Components leave stock at their cost into WIP;
//!   operations absorb minutes × rate into WIP (credit: the absorption account); output
//!   enters stock at its share of the order's WIP (quantity produced ÷ quantity left),
//!   all of it when the order closes, by-products at their cost share. So per order
//!   `wip = consumed + absorbed − produced − returned − written off`, zero once it is
//!   done or cancelled, and the WIP account's balance = the sum over orders (`check`).
//!   Finished goods cost = consumed value + operations, exactly (the output's value is
//!   fixed on its move; the valuation takes it as is).
//! - **Closing short** writes what is left in WIP off to the variance account;
//!   **cancelling** in progress returns every consumed lot at the value it left with.
//! - **Unbuilding** a done order takes the product out at its current cost and brings its
//!   components back, lot by lot, at their share of the value they were built with; the
//!   difference goes to the variance account, so WIP is left as it was.
//! - **Planning** ([`planning`]) reads and proposes; it changes stock and orders only when
//!   proposals are confirmed (through `orders::create` and the purchasing engine, and
//!   buying needs `purchase.manage_orders` too). Demand is netted per product in
//!   low-level-code order (a component after every parent that places demand on it),
//!   against on hand + open purchase and production orders; a reorder rule's minimum is a
//!   safety stock, its maximum the level to bring it to. Each proposal keeps its pegs (the
//!   demands it covers); a new run supersedes the proposals still open.
//! - **Traceability:** a produced lot leads to its order's consumed lots, at any depth.
//! - **Isolation:** every table has `tenant_id` and composite foreign keys.

pub mod boms;
pub mod commands;
pub mod model;
pub mod orders;
pub mod planning;
pub mod settings;

pub const VIEW: &str = "production.view_production";
pub const BOMS: &str = "production.manage_boms";
pub const ORDERS: &str = "production.manage_orders";
pub const SETUP: &str = "production.change_setup";
