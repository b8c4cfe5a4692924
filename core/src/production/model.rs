//! The production types: work centres, bills of materials (lines, by-products,
//! operations), their explosion and cost roll-up, production orders with their lines,
//! operations and steps, and the arguments of the `production.*` commands.

use crate::accounting::model::AccountId;
use crate::catalog::model::{AttributeValueId, ProductId, UnitId};
use crate::ids::{id_type, str_enum};
use crate::inventory::model::{LocationId, LotId, PickingId, Tracking, WarehouseId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

id_type!(WorkCentreId, BomId, BomLineId, BomOperationId, ProductionOrderId, ProductionLineId, ProductionStepId);

str_enum! {
    /// What a BOM line is: a component consumed, or a by-product made alongside.
    pub enum BomLineKind {
        Component = "component",
        Byproduct = "byproduct",
    }
}

str_enum! {
    /// draft → confirmed (number given, components reserved) → in_progress (something
    /// consumed or produced) → done; cancelled from draft, confirmed, or in progress
    /// before anything was produced.
    pub enum ProductionState {
        Draft = "draft",
        Confirmed = "confirmed",
        InProgress = "in_progress",
        Done = "done",
        Cancelled = "cancelled",
    }
}

str_enum! {
    pub enum StepKind {
        Consume = "consume",
        Produce = "produce",
        Unbuild = "unbuild",
        /// Components given back (a cancelled order's consumption) or a closing write-off.
        Return = "return",
    }
}

// --- settings and work centres ----------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[ts(rename = "ProductionSettings")]
#[schemars(rename = "ProductionSettings")]
pub struct Settings {
    /// Work in progress: components and operations in, finished goods out.
    pub wip_account_id: Option<AccountId>,
    /// Credited with the labour and overhead operations absorb.
    pub absorption_account_id: Option<AccountId>,
    /// Takes what is left in WIP when an order closes short, and unbuilding differences.
    pub variance_account_id: Option<AccountId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "UpdateProductionSettingsArgs")]
#[schemars(rename = "UpdateProductionSettingsArgs")]
pub struct UpdateSettingsArgs {
    pub wip_account_id: Option<AccountId>,
    pub absorption_account_id: Option<AccountId>,
    pub variance_account_id: Option<AccountId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct WorkCentre {
    pub id: WorkCentreId,
    pub code: String,
    pub name: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost_per_hour: Decimal,
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct WorkCentreInput {
    pub code: String,
    pub name: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost_per_hour: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkCentreArgs {
    pub id: WorkCentreId,
    #[serde(flatten)]
    pub centre: WorkCentreInput,
}

// --- bills of materials -----------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BomLineInput {
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<BomLineKind>,
    pub product_id: ProductId,
    /// Per the BOM's output quantity, in `unit_id` (default: the product's unit).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<UnitId>,
    /// Percent lost in making (0 ≤ scrap < 100): the planned quantity is raised to cover it.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub scrap: Option<Decimal>,
    /// By-products: the percent of the order's cost they carry (the rest stays on the product made).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub cost_share: Option<Decimal>,
    /// On a template's BOM: the line applies only to variants with these values (for each
    /// attribute named, one of its values listed).
    #[serde(default)]
    pub value_ids: Vec<AttributeValueId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BomOperationInput {
    pub name: String,
    pub work_centre_id: WorkCentreId,
    /// Minutes per run of the BOM's output quantity (set-up).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub minutes_per_batch: Option<Decimal>,
    /// Minutes per unit of output (in the BOM's unit).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub minutes_per_unit: Option<Decimal>,
    /// Default: the work centre's.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub cost_per_hour: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BomInput {
    pub product_id: ProductId,
    #[serde(default)]
    pub name: String,
    /// The output quantity the lines are for, in `unit_id` (default: the product's unit).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<UnitId>,
    /// Default: true for a product's first BOM.
    #[serde(default)]
    #[ts(optional)]
    pub is_default: Option<bool>,
    /// Days from starting an order to its output (planning dates orders back by it).
    #[serde(default)]
    #[ts(optional)]
    pub lead_time_days: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub valid_to: Option<NaiveDate>,
    #[serde(default)]
    pub notes: String,
    pub lines: Vec<BomLineInput>,
    #[serde(default)]
    pub operations: Vec<BomOperationInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateBomArgs {
    pub id: BomId,
    pub bom: BomInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BomLine {
    pub id: BomLineId,
    pub position: u32,
    pub kind: BomLineKind,
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub unit_id: UnitId,
    pub unit_code: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub scrap: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost_share: Decimal,
    pub value_ids: Vec<AttributeValueId>,
    /// The component has a BOM of its own (a sub-assembly).
    pub has_bom: bool,
    /// Its cost in this BOM (components only): quantity with scrap × unit cost, rolled up
    /// for a sub-assembly.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BomOperation {
    pub id: BomOperationId,
    pub position: u32,
    pub name: String,
    pub work_centre_id: WorkCentreId,
    pub work_centre_code: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub minutes_per_batch: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub minutes_per_unit: Decimal,
    /// The line's own rate, or the work centre's.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost_per_hour: Decimal,
    pub own_rate: bool,
    /// For one run of the BOM's output quantity.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Bom {
    pub id: BomId,
    pub product_id: ProductId,
    pub sku: String,
    pub product_name: String,
    pub name: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub is_default: bool,
    pub lead_time_days: u32,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub notes: String,
    pub archived: bool,
    pub lines: Vec<BomLine>,
    pub operations: Vec<BomOperation>,
    /// Cost roll-up for the output quantity: components at their current cost (a
    /// sub-assembly at its own roll-up), plus operations.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub components_cost: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub operations_cost: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total_cost: Decimal,
    /// Per unit of the BOM's unit.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub unit_cost: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BomRow {
    pub id: BomId,
    pub product_id: ProductId,
    pub sku: String,
    pub product_name: String,
    pub name: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub unit_code: String,
    pub is_default: bool,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub archived: bool,
    pub lines: u32,
    pub operations: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListBomsArgs {
    /// SKU or name of the product made, or the BOM's name.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub product_id: Option<ProductId>,
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The last row's id of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub after: Option<BomId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ExplodeArgs {
    pub product_id: ProductId,
    /// In the product's unit; default: one.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub quantity: Option<Decimal>,
    /// Default: the product's BOM valid at `date` (its default first).
    #[serde(default)]
    #[ts(optional)]
    pub bom_id: Option<BomId>,
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}

/// One node of an explosion, in depth-first order; `parent` is the index of the node
/// it is a component of.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TreeNode {
    pub level: u32,
    pub parent: Option<u32>,
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    /// In the product's unit, scrap included.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub unit_code: String,
    /// The BOM this node is made with, when it is made.
    pub bom_id: Option<BomId>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub unit_cost: Decimal,
    /// Quantity × unit cost; a made node's cost is its components' plus its operations'.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub operations_cost: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct BomTree {
    pub nodes: Vec<TreeNode>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub total_cost: Decimal,
    pub levels: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct WhereUsedArgs {
    pub product_id: ProductId,
    /// Also the BOMs using those BOMs' products, and so on.
    #[serde(default)]
    #[ts(optional)]
    pub all_levels: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct WhereUsedRow {
    pub level: u32,
    pub bom_id: BomId,
    pub bom_name: String,
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    /// The used product's quantity in that BOM, in the line's unit.
    pub component_id: ProductId,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub unit_code: String,
    pub kind: BomLineKind,
    pub archived: bool,
}

// --- production orders ------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateOrderArgs {
    pub product_id: ProductId,
    /// In the product's unit.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    /// Default: the product's BOM valid on the planned date (its default first).
    #[serde(default)]
    #[ts(optional)]
    pub bom_id: Option<BomId>,
    /// Default: the first active warehouse.
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    /// Where components are taken from; default: the warehouse's stock.
    #[serde(default)]
    #[ts(optional)]
    pub source_location_id: Option<LocationId>,
    /// Where output goes; default: the warehouse's stock.
    #[serde(default)]
    #[ts(optional)]
    pub dest_location_id: Option<LocationId>,
    pub date_planned: NaiveDate,
    #[serde(default)]
    pub origin: String,
}

/// A draft order changed: its header replaced, its lines and operations copied again from
/// the (possibly other) BOM for the new quantity.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductionOrderArgs {
    pub id: ProductionOrderId,
    pub order: CreateOrderArgs,
}

/// What an order put into stock, per product and lot, and how much of it was unbuilt.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct OrderOutput {
    pub product_id: ProductId,
    pub sku: String,
    /// A by-product (otherwise the product the order makes).
    pub byproduct: bool,
    pub lot_id: Option<LotId>,
    pub lot_code: Option<String>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub produced: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub unbuilt: Decimal,
    /// The value it went into stock with.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub value: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[ts(rename = "ProductionOrderLine")]
#[schemars(rename = "ProductionOrderLine")]
pub struct OrderLine {
    pub id: ProductionLineId,
    pub position: u32,
    pub kind: BomLineKind,
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    pub unit_code: String,
    pub tracking: Tracking,
    /// For the whole order, scrap included.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub planned: Decimal,
    /// What the quantity produced so far should have used (or yielded).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub expected: Decimal,
    /// Consumed (components) or produced (by-products).
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub done: Decimal,
    /// done − expected: above zero, more was used than the BOM says.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub variance: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub value: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost_share: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct OrderOperation {
    pub position: u32,
    pub name: String,
    pub work_centre_id: WorkCentreId,
    pub work_centre_code: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub planned_minutes: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub done_minutes: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub cost_per_hour: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub value: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Step {
    pub id: ProductionStepId,
    pub kind: StepKind,
    pub date: NaiveDate,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub consume_picking_id: Option<PickingId>,
    pub consume_number: Option<String>,
    pub output_picking_id: Option<PickingId>,
    pub output_number: Option<String>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub consumed_value: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub absorbed_value: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub produced_value: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ProductionOrder {
    pub id: ProductionOrderId,
    pub number: Option<String>,
    pub state: ProductionState,
    pub product_id: ProductId,
    pub sku: String,
    pub product_name: String,
    pub tracking: Tracking,
    pub bom_id: BomId,
    pub bom_name: String,
    pub unit_code: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub produced: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub unbuilt: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub remaining: Decimal,
    pub warehouse_id: WarehouseId,
    pub source_location_id: LocationId,
    pub dest_location_id: LocationId,
    pub date_planned: NaiveDate,
    pub date_done: Option<NaiveDate>,
    pub origin: String,
    /// Per unit, rolled up from the BOM when the order was confirmed.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub standard_cost: Option<Decimal>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub consumed_value: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub absorbed_value: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub produced_value: Decimal,
    /// consumed + absorbed − produced: this order's share of the WIP account.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub wip_value: Decimal,
    /// Actual cost per unit produced (what the output carried), when something was.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub actual_unit_cost: Option<Decimal>,
    /// produced value − standard cost × produced: above zero, it cost more than planned.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub cost_variance: Option<Decimal>,
    pub reservation_id: Option<PickingId>,
    pub lines: Vec<OrderLine>,
    pub operations: Vec<OrderOperation>,
    /// The product and by-products made, by lot.
    pub outputs: Vec<OrderOutput>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[ts(rename = "ProductionOrderRow")]
#[schemars(rename = "ProductionOrderRow")]
pub struct OrderRow {
    pub id: ProductionOrderId,
    pub number: Option<String>,
    pub state: ProductionState,
    pub product_id: ProductId,
    pub sku: String,
    pub product_name: String,
    pub unit_code: String,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub produced: Decimal,
    pub date_planned: NaiveDate,
    pub origin: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListOrdersArgs {
    #[serde(default)]
    #[ts(optional)]
    pub state: Option<ProductionState>,
    #[serde(default)]
    #[ts(optional)]
    pub product_id: Option<ProductId>,
    /// Number, SKU, product name or origin.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The last row's id of the previous page (newest first).
    #[serde(default)]
    #[ts(optional)]
    pub before: Option<ProductionOrderId>,
}

/// A quantity of a product from or into a lot: by id, or by code (a new code creates the
/// lot where stock is made).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LotQuantity {
    pub product_id: ProductId,
    /// In the product's unit.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    #[serde(default)]
    #[ts(optional)]
    pub lot_id: Option<LotId>,
    #[serde(default)]
    #[ts(optional)]
    pub lot_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ConsumeArgs {
    pub id: ProductionOrderId,
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    /// What was taken (a product may appear once per lot; a product off the BOM is allowed
    /// and shows as variance).
    pub lines: Vec<LotQuantity>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OperationMinutes {
    /// The operation's position on the order (1-based).
    pub position: u32,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub minutes: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ProduceArgs {
    pub id: ProductionOrderId,
    /// Of the product made, in its unit; at most what remains.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    /// Components used for this quantity. None: the BOM's share of each untracked
    /// component for the quantity produced so far, less what was already consumed.
    #[serde(default)]
    #[ts(optional)]
    pub consumption: Option<Vec<LotQuantity>>,
    /// Lots or serials of the output (and of tracked by-products); a serial is one unit.
    #[serde(default)]
    pub lots: Vec<LotQuantity>,
    /// Actual minutes per operation; none: the planned share of the quantity.
    #[serde(default)]
    pub minutes: Vec<OperationMinutes>,
    /// Close the order after this output even if less than ordered was made (what is
    /// left in WIP goes to the variance account). Default: close when nothing remains.
    #[serde(default)]
    #[ts(optional)]
    pub finish: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct FinishArgs {
    pub id: ProductionOrderId,
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CancelOrderArgs {
    pub id: ProductionOrderId,
    /// When consumed components come back (an order in progress); default: today.
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UnbuildArgs {
    pub id: ProductionOrderId,
    /// Of the product made, at most what was produced and not yet unbuilt.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    /// Lots or serials of the product taken apart, when it is tracked, and of the
    /// by-products taken back with it (their share of the quantity), when tracked.
    #[serde(default)]
    pub lots: Vec<LotQuantity>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ProductionCheck {
    /// The WIP account's balance (none without books).
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub wip_balance: Option<Decimal>,
    /// The sum of every order's consumed + absorbed − produced.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub orders_wip: Decimal,
    /// Orders whose values differ from the sums of their steps.
    pub drifting_orders: Vec<String>,
    pub ok: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TraceArgs {
    pub lot_id: LotId,
}

/// A lot and the component lots it was made from, depth first.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TraceNode {
    pub level: u32,
    pub lot_id: LotId,
    pub lot_code: String,
    pub product_id: ProductId,
    pub sku: String,
    /// The order that made it, when one did.
    pub order_id: Option<ProductionOrderId>,
    pub order_number: Option<String>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
}

// --- requirements planning --------------------------------------------------------------------

id_type!(PlanningRunId, ProposalId);

str_enum! {
    pub enum ProposalKind {
        Produce = "produce",
        Purchase = "purchase",
    }
}

str_enum! {
    pub enum ProposalState {
        Proposed = "proposed",
        Confirmed = "confirmed",
        Dismissed = "dismissed",
        /// A later run replaced it before anyone acted on it.
        Superseded = "superseded",
    }
}

str_enum! {
    /// The demand a proposal covers.
    pub enum PegKind {
        SalesOrder = "sales_order",
        ProductionOrder = "production_order",
        ReorderRule = "reorder_rule",
        /// A component of another proposal (dependent demand).
        Proposal = "proposal",
    }
}

str_enum! {
    pub enum RunState {
        Open = "open",
        Superseded = "superseded",
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RunPlanningArgs {
    /// The run's date (default: today).
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    /// Only sales orders dated up to this day count (default: all open ones).
    #[serde(default)]
    #[ts(optional)]
    pub horizon: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Peg {
    pub kind: PegKind,
    pub source_id: Option<i64>,
    pub reference: String,
    pub date: NaiveDate,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Proposal {
    pub id: ProposalId,
    pub position: u32,
    pub kind: ProposalKind,
    pub state: ProposalState,
    pub product_id: ProductId,
    pub sku: String,
    pub name: String,
    pub unit_code: String,
    /// The product's low-level code: 0 for end items, its deepest BOM level otherwise.
    pub level: u32,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    pub date_needed: NaiveDate,
    /// Needed less the lead time (the BOM's, or the supplier's).
    pub date_start: NaiveDate,
    /// Starting before the run's date would have been needed.
    pub late: bool,
    pub bom_id: Option<BomId>,
    pub supplier_id: Option<crate::partners::model::PartnerId>,
    pub supplier_name: Option<String>,
    /// The netting: on hand + incoming − demand, against the safety stock.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub on_hand: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub incoming: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub demand: Decimal,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub safety: Decimal,
    pub production_order_id: Option<ProductionOrderId>,
    pub production_order_number: Option<String>,
    pub purchase_order_id: Option<i64>,
    pub purchase_order_number: Option<String>,
    pub pegs: Vec<Peg>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PlanningRun {
    pub id: PlanningRunId,
    pub date: NaiveDate,
    pub horizon: Option<NaiveDate>,
    pub state: RunState,
    pub proposals: Vec<Proposal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ProposalChoice {
    pub id: ProposalId,
    /// Default: the proposed quantity.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub quantity: Option<Decimal>,
    /// A purchase's supplier (default: the proposed one).
    #[serde(default)]
    #[ts(optional)]
    pub supplier_id: Option<crate::partners::model::PartnerId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ConfirmProposalsArgs {
    pub run_id: PlanningRunId,
    pub proposals: Vec<ProposalChoice>,
    /// Where the orders deliver (default: the first warehouse).
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DismissProposalsArgs {
    pub run_id: PlanningRunId,
    pub ids: Vec<ProposalId>,
}
