//! Inventory: warehouses and locations, the stock-move engine (pickings and their moves),
//! quantities on hand, lots and serial numbers.
//!
//! Parts: [`places`] (warehouses, location trees, virtual locations, settings), [`engine`]
//! (pickings, moves, the workflow and `done`), [`stock`] (on hand, history, lots, trace,
//! tracking, the check), [`transit`] (transfers between warehouses in two steps),
//! [`count`] (stocktaking: count sheets with expected quantities frozen at the start,
//! counts by line, product, barcode or SKU, posted as one adjustment picking through the
//! engine; its invariants are in its own docs), [`replenish`] (reorder rules and the to-reorder list), [`report`] (the stock report
//! across products, now or at a past date), [`tables`] (the inventory reports as printable
//! tables for `report.table` / `report.export` and the PDF); `model.rs` holds the wire
//! types, `commands.rs` the registry entries and permissions.
//!
//! Invariants (each enforced here, and by SQLite where it can be; `inventory.check`
//! verifies the ones about quantities):
//! - **Stock is conserved by construction.** Every move goes from one location to another
//!   (never the same); stock enters and leaves the company only through the virtual
//!   locations (suppliers, customers, inventory loss/gain, production, transit), one of
//!   each per company, made with the company (and by V9 for the companies before it).
//! - **Only the engine changes stock.** [`engine::done`] is the one function that turns
//!   moves done and updates `stock_quants`; later modules create pickings through
//!   [`engine::create_picking`] and call it, as the books call `ledger::post`.
//! - **On hand = the sum of the done moves** per (product, internal location, lot),
//!   maintained in the transaction of the move. Available = on hand − the quantities of
//!   ready moves leaving the place. Stock at a past date is the sum of the done moves up
//!   to that day (index on tenant, product, date).
//! - **No negative stock** in an internal location unless the company's setting allows it:
//!   `done` refuses, naming the line, product, location and shortfall, and writes nothing.
//! - **Done is immutable.** A done move and a done or cancelled picking never change and are
//!   never deleted (triggers refuse it); a correction is a new picking moving stock back.
//!   Only drafts are changed or deleted.
//! - **Workflow as data:** draft → ready → done, draft/ready → cancelled ([`engine::TRANSITIONS`]);
//!   anything else is `invalid_transition {from, to}`.
//! - **Numbers are gapless** per warehouse and kind (`WH/IN/00001`), given at done in the
//!   same transaction ([`crate::sequence`]); drafts have none.
//! - **Quantities are exact.** A line keeps the quantity, unit and unit factor it was
//!   entered with; the stock quantity, in the product's own unit, is derived exactly and
//!   rounded once, to that unit's declared decimals (`units.decimals`: 0 for count units,
//!   3 for mass, volume and length, 2 for time); a line that rounds to zero is refused.
//! - **Only stockable, transactable products move**: never a variant template, an archived
//!   product, a service or a consumable. A kit holds no stock: its line becomes its
//!   components' moves (at any depth, units converted, `kit_id` kept on each). A product
//!   with moves keeps its unit and never becomes a kit (the catalog asks
//!   [`stock::product_with_moves`]); its tracking is fixed once it has moves.
//! - **Lots and serials**: a tracked product's moves name a lot of that product (composite
//!   foreign key); an untracked product's name none. A serial moves exactly one unit and
//!   is never on hand in two places, nor twice in one.
//! - **Stocktaking changes stock only through the engine**: a posted count is one
//!   adjustment picking made with `create_picking` + `done` in the posting's transaction;
//!   each line adjusts counted − the quantity on hand when it was counted, so moves done
//!   during the count are kept (see [`count`]). A posted or cancelled count is immutable.
//! - **Isolation**: every table carries `tenant_id` with composite foreign keys, so a move
//!   can never name another company's product, location, lot, unit or picking.
//!
//! Replenishment ([`replenish`]) and reports ([`report`], [`tables`]):
//! - **One reorder rule per (company, product, warehouse)**, naming a stockable product that
//!   holds stock (never a kit) and an active warehouse; 0 ≤ min ≤ max, multiple > 0, at
//!   most the unit's decimals. The forecast is on hand, less the ready moves leaving the
//!   warehouse, plus the ready moves coming in; below min, the suggestion is the smallest
//!   multiple of `multiple` ≥ max − forecast, exact on the stored integers.
//! - **The stock report reads, never writes**: now from `stock_quants`, at a past date from
//!   the done moves (so it equals the running sums of the history); paged by SKU through
//!   product-keyed indexes, no total count.
//! - **Every inventory report prints from one table** (`report.table` / `report.export`):
//!   screen export, CSV, XLSX and PDF show the same rows; each kind needs its own permission.
//!
//! Valuation ([`valuation`]), moving average or FIFO per company (chosen before the first
//! valued move, then fixed):
//! - **The cost key is (company, product)**, structurally: `stock_costs` and the
//!   valuation rows (`stock_valuation`) are keyed by `(tenant_id, product_id)`; no quantity
//!   or cost is ever shared across companies, and warehouses share their company's cost.
//!   Owned stock is what is in internal and in-transit locations; moves between them
//!   change no value.
//! - **The average**: a receipt adds its value (entered quantity × unit cost, rounded to
//!   the base currency's minor units; a gain without a cost enters at the average) and the
//!   average becomes value / quantity. An outgoing move above zero leaves at value ×
//!   quantity / on hand, rounded. **FIFO**: each incoming move is a layer; outgoing units
//!   leave from the oldest; what is left of a layer is worth its remaining share of the
//!   layer's value, so a state never depends on how units left.
//! - **At negative stock** the cost does not move: units going below zero leave at the
//!   last average (FIFO: the last incoming cost; a product never valued starts at its
//!   catalog cost), so the value goes negative with the quantity. A receipt that fills
//!   the hole revalues the units it fills at its own cost, the difference posted to cost
//!   of goods sold — never a negative cost, never a blend of a fictitious value.
//! - **No value on zero units**: the move that brings the quantity to zero takes all the
//!   value left (the rounding residue with it).
//! - **Backdated moves** value as if entered in date order: each valued move has a row in
//!   (date, valuation order); a move dated before later rows is slotted in at its date,
//!   the state before it read from the row before, and only that product's later rows
//!   recomputed in the move's transaction. Negative stock stays refused while
//!   recomputing (`short_at_date`). The cost state is the state after the product's
//!   last row and keeps that row's date and cumulative quantities, so a move dated on
//!   or after it reads that one row and no valuation rows (`inventory.check` holds the
//!   two to each other).
//! - **Every value change posts** in the move's transaction, one stock-journal (STK) entry
//!   per done picking (and per landed cost) through `accounting::ledger::post`: receipt
//!   inventory / goods received not billed; delivery cost of goods sold / inventory;
//!   adjustment and scrap inventory loss/gain (`inventory_settings.loss_account_id`, the
//!   chart's 5040) / inventory; price differences cost of goods sold / inventory; a
//!   backdated move's differences on the later moves' own counter-accounts. The entry is
//!   dated at the move's date or, when the stock journal already has a later entry, at
//!   that entry's date (the ledger is append-only and chronological). So the inventory
//!   account's balance = the valuation total, always (`inventory.check`, which also checks
//!   that each product's rows add up to its cost state). A company without books keeps
//!   its cost states and posts nothing.
//! - **Landed costs** add to a done receipt's incoming rows (spread by value or quantity,
//!   the remainder on the largest share); its products are recomputed from the receipt.
//!

pub mod commands;
pub mod count;
pub mod engine;
pub mod model;
pub mod places;
pub mod replenish;
pub mod report;
pub mod stock;
pub mod tables;
pub mod transit;
pub mod valuation;
