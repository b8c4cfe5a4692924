//! The inventory types: what the commands take and return, and what later modules
//! (purchasing, sales) hand the stock-move engine ([`PickingInput`]).

use crate::accounting::model::AccountId;
use crate::catalog::model::{ProductId, UnitId};
use crate::ids::id_type;
use crate::partners::model::PartnerId;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

id_type!(WarehouseId, LocationId, LotId, PickingId, MoveId, CountId, CountLineId, ReorderRuleId);

macro_rules! str_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$v),)* _ => None }
            }
            pub fn allowed() -> String {
                [$($s,)*].join(", ")
            }
        }
        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("bad {}: {s}", stringify!($name)).into()))
            }
        }
    };
}

/// Stored scale of quantities (ten-thousandths), as the catalog's.
pub const QTY_SCALE: u32 = crate::catalog::model::QTY_SCALE;
/// Stored scale of unit factors (millionths), as the catalog's.
pub const FACTOR_SCALE: u32 = crate::catalog::model::FACTOR_SCALE;
/// Stored scale of unit costs (millionths).
pub const COST_SCALE: u32 = crate::money::PRICE_SCALE;

str_enum! {
    /// Where stock can be. Internal locations are in a warehouse; the others are virtual,
    /// one of each per company, so every move goes from one place to another.
    pub enum LocationKind {
        Internal = "internal",
        Supplier = "supplier",
        Customer = "customer",
        /// Inventory loss and gain: adjustments and scrap.
        InventoryLoss = "inventory_loss",
        Production = "production",
        Transit = "transit",
    }
}

impl LocationKind {
    pub const VIRTUAL: [(LocationKind, &'static str); 5] = [
        (LocationKind::Supplier, "Suppliers"),
        (LocationKind::Customer, "Customers"),
        (LocationKind::InventoryLoss, "Inventory loss"),
        (LocationKind::Production, "Production"),
        (LocationKind::Transit, "In transit"),
    ];
}

str_enum! {
    pub enum PickingKind {
        /// Supplier → internal.
        Receipt = "receipt",
        /// Internal → customer.
        Delivery = "delivery",
        /// Internal → internal (or through transit).
        Internal = "internal",
        /// Internal ↔ inventory loss/gain, with a reason.
        Adjustment = "adjustment",
        /// Internal → inventory loss, with a reason.
        Scrap = "scrap",
        /// Internal ↔ production: a production order's consumption, output or unbuilding.
        Production = "production",
    }
}

impl PickingKind {
    /// The middle part of the kind's document numbers (`WH/IN/00001`).
    pub fn series_code(self) -> &'static str {
        match self {
            PickingKind::Receipt => "IN",
            PickingKind::Delivery => "OUT",
            PickingKind::Internal => "INT",
            PickingKind::Adjustment => "ADJ",
            PickingKind::Scrap => "SCR",
            PickingKind::Production => "MFG",
        }
    }
}

str_enum! {
    pub enum PickingState {
        Draft = "draft",
        /// Confirmed: its outgoing moves reserve stock.
        Ready = "ready",
        Done = "done",
        Cancelled = "cancelled",
    }
}

str_enum! {
    pub enum Tracking {
        None = "none",
        Lot = "lot",
        Serial = "serial",
    }
}

str_enum! {
    pub enum CostingMethod {
        Average = "average",
        Fifo = "fifo",
    }
}

// --- places --------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Warehouse {
    pub id: WarehouseId,
    pub code: String,
    pub name: String,
    pub address: String,
    /// Its stock: the root of its tree of internal locations.
    pub root_location_id: LocationId,
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateWarehouseArgs {
    pub code: String,
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub address: Option<String>,
    /// The name of its root location (default `Stock`).
    #[serde(default)]
    #[ts(optional)]
    pub root_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateWarehouseArgs {
    pub id: WarehouseId,
    #[serde(default)]
    #[ts(optional)]
    pub code: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Location {
    pub id: LocationId,
    pub kind: LocationKind,
    pub warehouse_id: Option<WarehouseId>,
    pub parent_id: Option<LocationId>,
    pub name: String,
    /// Names from the warehouse code down (`WH/Stock/Shelf A`), or `Virtual/Customers`.
    pub full_name: String,
    /// 0 for a warehouse's root and for virtual locations.
    pub depth: u32,
    pub archived: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListLocationsArgs {
    /// Only this warehouse's locations (virtual locations are then left out).
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateLocationArgs {
    /// An internal location: the new one goes under it, in its warehouse.
    pub parent_id: LocationId,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateLocationArgs {
    pub id: LocationId,
    pub name: String,
}

// --- settings and tracking ------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct InventorySettings {
    /// When false (the default), a move that would take an internal location below zero is refused.
    pub allow_negative_stock: bool,
    pub costing_method: CostingMethod,
    /// Where adjustments and scrap post their value (loss/gain).
    pub loss_account_id: Option<AccountId>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateInventorySettingsArgs {
    #[serde(default)]
    #[ts(optional)]
    pub allow_negative_stock: Option<bool>,
    /// Only `average` for now (FIFO layers are not built yet).
    #[serde(default)]
    #[ts(optional)]
    pub costing_method: Option<CostingMethod>,
    #[serde(default)]
    #[ts(optional)]
    pub loss_account_id: Option<AccountId>,
    /// True removes the loss/gain account (adjustments and scrap with a value are then
    /// refused until one is set again).
    #[serde(default)]
    #[ts(optional)]
    pub clear_loss_account: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetTrackingArgs {
    pub product_id: ProductId,
    pub tracking: Tracking,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ProductTracking {
    pub product_id: ProductId,
    pub sku: String,
    pub tracking: Tracking,
}

// --- lots -----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Lot {
    pub id: LotId,
    pub product_id: ProductId,
    pub sku: String,
    pub code: String,
    pub expiry_date: Option<NaiveDate>,
    /// On hand in internal locations now.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub on_hand: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateLotArgs {
    pub product_id: ProductId,
    pub code: String,
    #[serde(default)]
    #[ts(optional)]
    pub expiry_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListLotsArgs {
    #[serde(default)]
    #[ts(optional)]
    pub product_id: Option<ProductId>,
    /// Words of the lot code.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    /// Rows per page: default and at most 500.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The last lot of the previous page: the page continues after it (by SKU, then code).
    #[serde(default)]
    #[ts(optional)]
    pub after: Option<LotId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct LotTrace {
    pub lot: Lot,
    /// Every done move of the lot, oldest first: read backwards for where it came from,
    /// forwards for where it went.
    pub moves: Vec<MoveRow>,
    /// Where it is now (internal locations with a quantity other than zero).
    pub on_hand: Vec<OnHandRow>,
}

// --- pickings and moves ---------------------------------------------------------------------

/// Where a picking comes from (a purchase order, a sales order...), for later modules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct StockSource {
    pub module: String,
    pub kind: String,
    #[ts(type = "number | null")]
    pub id: Option<i64>,
}

/// One line of a picking as entered.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    pub product_id: ProductId,
    /// In `unit_id` (default: the product's unit); any unit of the product's dimension.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<UnitId>,
    /// Default: the picking's.
    #[serde(default)]
    #[ts(optional)]
    pub from_location_id: Option<LocationId>,
    #[serde(default)]
    #[ts(optional)]
    pub to_location_id: Option<LocationId>,
    /// The lot or serial of a tracked product: by id, or by code (a new code creates the
    /// lot on a move that brings stock into the company).
    #[serde(default)]
    #[ts(optional)]
    pub lot_id: Option<LotId>,
    #[serde(default)]
    #[ts(optional)]
    pub lot_code: Option<String>,
    /// Cost per unit entered, where stock enters the company (receipts, gains); default:
    /// the product's moving-average cost (its catalog cost before it has one).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub unit_cost: Option<Decimal>,
}

/// A picking to create: what the commands take and what later modules hand the engine.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PickingInput {
    pub kind: PickingKind,
    pub warehouse_id: WarehouseId,
    /// Default per kind: receipt from Suppliers, delivery/internal/adjustment/scrap from
    /// the warehouse's stock.
    #[serde(default)]
    #[ts(optional)]
    pub from_location_id: Option<LocationId>,
    /// Default per kind: receipt to the warehouse's stock, delivery to Customers,
    /// adjustment/scrap to Inventory loss; an internal transfer names it.
    #[serde(default)]
    #[ts(optional)]
    pub to_location_id: Option<LocationId>,
    pub date: NaiveDate,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
    #[serde(default)]
    #[ts(optional)]
    pub reference: Option<String>,
    /// Required for adjustments and scrap.
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub source: Option<StockSource>,
    pub lines: Vec<MoveInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdatePickingArgs {
    pub id: PickingId,
    pub picking: PickingInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Move {
    pub id: MoveId,
    pub line_no: u32,
    pub state: PickingState,
    pub product_id: ProductId,
    pub sku: String,
    /// The kit this move is a component of, when the line was a kit.
    pub kit_id: Option<ProductId>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub entered_quantity: Decimal,
    pub entered_unit_id: UnitId,
    pub entered_unit_code: String,
    /// The entered unit's factor when the line was entered.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub entered_factor: Decimal,
    /// In the product's unit, rounded once to its decimals.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub unit_code: String,
    pub from_location_id: LocationId,
    pub from_location: String,
    pub to_location_id: LocationId,
    pub to_location: String,
    pub lot_id: Option<LotId>,
    pub lot_code: Option<String>,
    pub date: NaiveDate,
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub unit_cost: Option<Decimal>,
    /// The value it moved into (+) or out of (−) stock, once done (base currency).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub value: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Picking {
    pub id: PickingId,
    pub kind: PickingKind,
    pub state: PickingState,
    pub number: Option<String>,
    pub warehouse_id: WarehouseId,
    pub from_location_id: LocationId,
    pub to_location_id: LocationId,
    pub date: NaiveDate,
    pub partner_id: Option<PartnerId>,
    pub reference: String,
    pub reason: String,
    pub source: Option<StockSource>,
    /// The stock journal entry of its value, once done (none when it moved no value or
    /// the company keeps no books).
    pub entry_id: Option<crate::accounting::model::EntryId>,
    pub moves: Vec<Move>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PickingRow {
    pub id: PickingId,
    pub kind: PickingKind,
    pub state: PickingState,
    pub number: Option<String>,
    pub warehouse_id: WarehouseId,
    pub date: NaiveDate,
    pub reference: String,
    pub moves: u32,
    pub partner_id: Option<PartnerId>,
    pub partner_name: Option<String>,
    pub from_location: String,
    pub to_location: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListPickingsArgs {
    /// Words of the number or reference.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<PickingKind>,
    #[serde(default)]
    #[ts(optional)]
    pub state: Option<PickingState>,
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    /// Rows per page: default 50, at most 500.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
}

// --- stock ----------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OnHandArgs {
    pub product_id: ProductId,
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    /// This internal location and the ones under it.
    #[serde(default)]
    #[ts(optional)]
    pub location_id: Option<LocationId>,
    #[serde(default)]
    #[ts(optional)]
    pub lot_id: Option<LotId>,
    /// Stock at the end of this day, from the done moves (default: now, from the
    /// maintained quantities).
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct OnHandRow {
    pub location_id: LocationId,
    pub location: String,
    pub lot_id: Option<LotId>,
    pub lot_code: Option<String>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct OnHand {
    pub product_id: ProductId,
    pub unit_code: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub on_hand: Decimal,
    /// Reserved by ready outgoing moves (only for today's stock).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub reserved: Option<Decimal>,
    /// On hand − reserved (only for today's stock).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub available: Option<Decimal>,
    pub rows: Vec<OnHandRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct StockMovesArgs {
    pub product_id: ProductId,
    /// Count only what enters or leaves this warehouse (default: the company's internal locations).
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    /// ... or this location and the ones under it.
    #[serde(default)]
    #[ts(optional)]
    pub location_id: Option<LocationId>,
    /// Only moves dated on or after this day (the running quantity stays the scope's
    /// true quantity, counting everything before).
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<NaiveDate>,
    /// Only moves dated on or before this day.
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<NaiveDate>,
    /// Newest first (default: oldest first).
    #[serde(default)]
    #[ts(optional)]
    pub descending: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
}

/// One done move in a product's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct MoveRow {
    pub move_id: MoveId,
    pub picking_id: PickingId,
    pub picking_number: Option<String>,
    pub kind: PickingKind,
    pub date: NaiveDate,
    pub product_id: ProductId,
    pub sku: String,
    pub from_location: String,
    pub to_location: String,
    pub lot_code: Option<String>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    /// + entering the scope, − leaving it, 0 within it.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub change: Decimal,
    /// The scope's quantity after this move.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub running_quantity: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct QuantDrift {
    pub product_id: ProductId,
    pub location_id: LocationId,
    pub lot_id: Option<LotId>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub maintained: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub from_moves: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct InventoryCheck {
    pub ok: bool,
    pub quants: i64,
    pub done_moves: i64,
    /// Maintained quantities that differ from the sum of the done moves.
    pub drift: Vec<QuantDrift>,
    /// Below zero while the company does not allow negative stock.
    pub negative: Vec<QuantDrift>,
    /// Serials on hand in more than one place, or more than one of them.
    pub serials_in_two_places: Vec<LotId>,
    /// Products whose cost-state quantity differs from their done moves (owned locations).
    pub cost_drift: Vec<ProductId>,
    /// The valuation total and the inventory account's balance (none without books): equal.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub valuation_total: Decimal,
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub inventory_account_balance: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ValuationRow {
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    pub unit_code: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub average_cost: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub value: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ValuationReport {
    pub rows: Vec<ValuationRow>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total: Decimal,
    /// Must equal `total` (none for a company without books).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub inventory_account_balance: Option<Decimal>,
    /// When paged and more rows follow: the `after` of the next page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ValuationArgs {
    /// The valuation at the end of this day; default: now.
    #[serde(default)]
    #[ts(optional)]
    pub at: Option<NaiveDate>,
    /// Rows per page, by SKU (default: all).
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The page after this SKU (the previous page's `next`).
    #[serde(default)]
    #[ts(optional)]
    pub after: Option<String>,
}

str_enum! {
    /// How a landed cost is spread over a receipt's moves.
    pub enum LandedSplit {
        Value = "value",
        Quantity = "quantity",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddLandedCostArgs {
    /// A done receipt.
    pub picking_id: PickingId,
    /// In base currency, at its minor units.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    pub split: LandedSplit,
    /// What the cost is posted against (a freight clearing or expense account); required
    /// when the company keeps books.
    #[serde(default)]
    #[ts(optional)]
    pub account_id: Option<AccountId>,
    /// Default: today.
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct LandedCostLine {
    pub move_id: MoveId,
    pub product_id: ProductId,
    pub sku: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct LandedCost {
    pub id: i64,
    pub picking_id: PickingId,
    pub date: NaiveDate,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub amount: Decimal,
    pub split: LandedSplit,
    pub account_id: Option<AccountId>,
    pub description: String,
    /// Its stock journal entry (none without books).
    pub entry_id: Option<crate::accounting::model::EntryId>,
    pub lines: Vec<LandedCostLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ShipArgs {
    /// An internal location of the sending warehouse.
    pub from_location_id: LocationId,
    /// An internal location of another warehouse.
    pub to_location_id: LocationId,
    pub date: NaiveDate,
    #[serde(default)]
    #[ts(optional)]
    pub reference: Option<String>,
    pub lines: Vec<MoveInput>,
}

/// A transfer through transit: the done shipment and the receipt drafted for the
/// destination.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Shipment {
    pub shipped: Picking,
    pub receipt: Picking,
}

// --- replenishment --------------------------------------------------------------------------

/// A reorder rule: keep the product's forecast in the warehouse between `min_qty` and
/// `max_qty`, ordering in multiples of `multiple` (all in the product's unit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ReorderRule {
    pub id: ReorderRuleId,
    pub product_id: ProductId,
    pub sku: String,
    pub product_name: String,
    pub unit_code: String,
    pub warehouse_id: WarehouseId,
    pub warehouse_code: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub min_qty: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub max_qty: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub multiple: Decimal,
    pub supplier_id: Option<PartnerId>,
    pub supplier_name: Option<String>,
    pub archived: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListReorderRulesArgs {
    #[serde(default)]
    #[ts(optional)]
    pub product_id: Option<ProductId>,
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    /// Words of the product's SKU or name.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
    /// Rows per page: default 50, at most 500.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateReorderRuleArgs {
    /// A stockable product (not a kit, not a variant template, not archived).
    pub product_id: ProductId,
    pub warehouse_id: WarehouseId,
    /// Order when the forecast falls below this (≥ 0).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub min_qty: Decimal,
    /// Order up to this (≥ `min_qty`).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub max_qty: Decimal,
    /// Order in multiples of this (> 0; default 1).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub multiple: Option<Decimal>,
    /// The preferred supplier.
    #[serde(default)]
    #[ts(optional)]
    pub supplier_id: Option<PartnerId>,
}

/// Changes to a rule; absent fields stay as they are.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateReorderRuleArgs {
    pub id: ReorderRuleId,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub min_qty: Option<Decimal>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub max_qty: Option<Decimal>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub multiple: Option<Decimal>,
    #[serde(default)]
    #[ts(optional)]
    pub supplier_id: Option<PartnerId>,
    /// True removes the preferred supplier.
    #[serde(default)]
    #[ts(optional)]
    pub clear_supplier: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ToReorderArgs {
    /// One warehouse (default: every warehouse).
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
}

/// A product to order for a warehouse: its forecast fell below the rule's minimum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ToReorderRow {
    pub rule_id: ReorderRuleId,
    pub product_id: ProductId,
    pub sku: String,
    pub product_name: String,
    pub unit_code: String,
    pub warehouse_id: WarehouseId,
    pub warehouse_code: String,
    /// In the warehouse's internal locations now.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub on_hand: Decimal,
    /// Ready moves leaving the warehouse.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub reserved: Decimal,
    /// Ready moves coming into the warehouse.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub incoming: Decimal,
    /// On hand − reserved + incoming.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub forecast: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub min_qty: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub max_qty: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub multiple: Decimal,
    /// The smallest multiple of `multiple` that brings the forecast to `max_qty` or above.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub suggested: Decimal,
    pub supplier_id: Option<PartnerId>,
    pub supplier_name: Option<String>,
}

// --- the stock report -----------------------------------------------------------------------

str_enum! {
    /// One row per product, per (product, location) or per (product, lot).
    #[derive(Default)]
    pub enum StockGroupBy {
        #[default]
        Product = "product",
        Location = "location",
        Lot = "lot",
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct StockReportArgs {
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    /// This internal location and the ones under it.
    #[serde(default)]
    #[ts(optional)]
    pub location_id: Option<LocationId>,
    /// Words of the product's SKU, name or barcode.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    /// This category and its subcategories.
    #[serde(default)]
    #[ts(optional)]
    pub category_id: Option<crate::catalog::model::CategoryId>,
    #[serde(default)]
    #[ts(optional)]
    pub group_by: Option<StockGroupBy>,
    /// Stock at the end of this day, from the done moves (default: now).
    #[serde(default)]
    #[ts(optional)]
    pub at: Option<NaiveDate>,
    /// Rows per page: default 50, at most 500.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct StockReportRow {
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    pub unit_code: String,
    /// Grouped by location: the location.
    pub location_id: Option<LocationId>,
    pub location: Option<String>,
    /// Grouped by lot: the lot (none for an untracked product).
    pub lot_id: Option<LotId>,
    pub lot_code: Option<String>,
    pub expiry_date: Option<NaiveDate>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    /// Grouped by product, for today's stock: reserved by ready moves leaving the scope.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub reserved: Option<Decimal>,
    /// Grouped by product, for today's stock: quantity − reserved.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub available: Option<Decimal>,
}

/// A page of the stock report: rows other than zero, by SKU (then location or lot).
/// It has no total count: counting would read every product's stock, and the first
/// page must not.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct StockReport {
    pub group_by: StockGroupBy,
    pub at: Option<NaiveDate>,
    pub rows: Vec<StockReportRow>,
    pub next_cursor: Option<String>,
}

// --- stocktaking ----------------------------------------------------------------------------

str_enum! {
    pub enum CountState {
        /// Started: expected quantities frozen, counts being entered.
        InProgress = "in_progress",
        /// Posted: numbered, its adjustment done; immutable.
        Done = "done",
        Cancelled = "cancelled",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateCountArgs {
    pub warehouse_id: WarehouseId,
    /// Count only this internal location of the warehouse and the ones under it (default:
    /// the whole warehouse).
    #[serde(default)]
    #[ts(optional)]
    pub location_id: Option<LocationId>,
    /// Count only the products of this category and its subcategories.
    #[serde(default)]
    #[ts(optional)]
    pub category_id: Option<crate::catalog::model::CategoryId>,
    /// Hide the expected quantities and differences from the sheet while counting.
    #[serde(default)]
    #[ts(optional)]
    pub blind: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct GetCountArgs {
    pub id: CountId,
    /// A blind count's expected quantities and differences, for reviewing before posting:
    /// only for callers who may change the inventory setup (`inventory.change_setup`).
    #[serde(default)]
    #[ts(optional)]
    pub review: Option<bool>,
}

/// One count entered on the sheet: a line by id (its product, location and lot are then
/// the line's; the other fields naming them are not read), or a product (by id, or by the
/// barcode or SKU a scanner typed) at a location and lot, whose line is found or added
/// (expected 0).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CountEntry {
    #[serde(default)]
    #[ts(optional)]
    pub line_id: Option<CountLineId>,
    #[serde(default)]
    #[ts(optional)]
    pub product_id: Option<ProductId>,
    /// A barcode (EAN-13/UPC-A) or SKU, as a scanner types it.
    #[serde(default)]
    #[ts(optional)]
    pub code: Option<String>,
    /// Default: the count's location.
    #[serde(default)]
    #[ts(optional)]
    pub location_id: Option<LocationId>,
    #[serde(default)]
    #[ts(optional)]
    pub lot_id: Option<LotId>,
    /// A lot or serial by code (a new code is created: found stock).
    #[serde(default)]
    #[ts(optional)]
    pub lot_code: Option<String>,
    /// The quantity counted, in the product's unit (at most its decimals); null clears
    /// the count (not counted).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub counted: Option<Decimal>,
    /// Add `counted` to what is already counted (a scan counts one more) instead of
    /// replacing it.
    #[serde(default)]
    #[ts(optional)]
    pub add: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetCountsArgs {
    pub id: CountId,
    pub entries: Vec<CountEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PostCountArgs {
    pub id: CountId,
    /// The adjustment's date (default: today in the company's time zone).
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    /// Lines nobody counted: count them as zero (true), or leave their stock as it is
    /// (false, the default).
    #[serde(default)]
    #[ts(optional)]
    pub zero_uncounted: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListCountsArgs {
    #[serde(default)]
    #[ts(optional)]
    pub state: Option<CountState>,
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    /// Words of the number or note.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    /// Rows per page: default 50, at most 500.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
}

/// One line of a count sheet. `expected`, `book_at_count`, `difference` and `value` are
/// null while a blind count runs (unless reviewed); `value` also without
/// `inventory.view_valuation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CountLine {
    pub id: CountLineId,
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
    pub unit_code: String,
    /// The decimals a quantity of the product's unit keeps.
    pub decimals: u32,
    pub tracking: Tracking,
    pub location_id: LocationId,
    pub location: String,
    pub lot_id: Option<LotId>,
    pub lot_code: Option<String>,
    /// On hand when the count started (0 for a line added while counting).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub expected: Option<Decimal>,
    /// Null: not counted yet.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub counted: Option<Decimal>,
    /// On hand when the count was entered (expected + the moves done since the start).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub book_at_count: Option<Decimal>,
    /// counted − book_at_count: what posting adjusts.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub difference: Option<Decimal>,
    /// The difference at the product's average cost now (an estimate until posted).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub value: Option<Decimal>,
    pub added: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CountRow {
    pub id: CountId,
    pub state: CountState,
    pub number: Option<String>,
    pub warehouse_id: WarehouseId,
    pub location: String,
    pub category: Option<String>,
    pub blind: bool,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub note: String,
    pub lines: u32,
    pub counted: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct StockCount {
    pub id: CountId,
    pub state: CountState,
    pub number: Option<String>,
    pub warehouse_id: WarehouseId,
    pub location_id: LocationId,
    pub location: String,
    pub category_id: Option<crate::catalog::model::CategoryId>,
    pub category: Option<String>,
    pub blind: bool,
    /// True when this answer hides the expected quantities and differences (a blind
    /// count running, not reviewed).
    pub hidden: bool,
    pub note: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub done_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The adjustment picking posted (none when nothing differed).
    pub picking_id: Option<PickingId>,
    pub lines: Vec<CountLine>,
    /// Lines counted so far.
    pub counted: u32,
    /// Counted lines that differ from the book (null when hidden).
    pub differences: Option<u32>,
    /// The value of the differences (null when hidden or without `inventory.view_valuation`).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub value: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DoneBatchArgs {
    /// Pickings to do, in this order (at most 10,000).
    pub ids: Vec<PickingId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DoneBatchResult {
    pub done: u32,
    #[ts(type = "number")]
    pub moves: u64,
    /// Their numbers, in the order done.
    pub numbers: Vec<String>,
}
