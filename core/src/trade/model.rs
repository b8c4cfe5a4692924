//! The trade types: orders (quotation, then order), their lines and progress, invoices
//! and credit notes, and the arguments of the `sales.*` and `purchase.*` commands.

use crate::accounting::model::{EntryId, TaxId, TaxTotal};
use crate::catalog::model::{ProductId, UnitId};
use crate::ids::{id_type, str_enum};
use crate::inventory::model::WarehouseId;
use crate::partners::model::{PartnerAddressId, PartnerId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

id_type!(OrderId, OrderLineId, InvoiceId, InvoiceLineId);

str_enum! {
    /// Which side of trade a document is on: what the company sells or what it buys.
    pub enum Side {
        Sale = "sale",
        Purchase = "purchase",
    }
}

str_enum! {
    /// An order's state. `draft` and `sent` are the quotation (request for quotation on
    /// the purchase side); `done` is derived: nothing left to deliver or to invoice.
    pub enum OrderState {
        Draft = "draft",
        Sent = "sent",
        Confirmed = "confirmed",
        Done = "done",
        Cancelled = "cancelled",
    }
}

str_enum! {
    /// An invoice (customer invoice, supplier bill) or a credit note (customer credit
    /// note, supplier debit note).
    pub enum InvoiceKind {
        Invoice = "invoice",
        Credit = "credit",
    }
}

str_enum! {
    pub enum InvoiceState {
        Draft = "draft",
        Posted = "posted",
        Cancelled = "cancelled",
    }
}

str_enum! {
    /// Customer invoices are made from what was delivered or from what was ordered.
    pub enum InvoicePolicy {
        Delivered = "delivered",
        Ordered = "ordered",
    }
}

str_enum! {
    /// How far an order's goods have gone: derived from exact quantities.
    pub enum DeliveryStatus {
        /// Nothing to deliver (services only, or a quotation).
        None = "none",
        Pending = "pending",
        Partial = "partial",
        Full = "full",
    }
}

str_enum! {
    /// How far an order is invoiced: derived from exact quantities.
    pub enum InvoiceStatus {
        None = "none",
        /// Something can be invoiced now.
        ToInvoice = "to_invoice",
        /// More was invoiced than is due now (a return): a credit note is due.
        ToCredit = "to_credit",
        /// Everything due now is invoiced, more may come with deliveries.
        UpToDate = "up_to_date",
        Invoiced = "invoiced",
    }
}

/// One line as entered on an order or a free invoice.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// A transactable product (simple, variant or kit); none for a free-text line.
    #[serde(default)]
    #[ts(optional)]
    pub product_id: Option<ProductId>,
    /// Default: the product's name. Required on a free-text line.
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    /// Any unit of the product's dimension; default: the product's unit.
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<UnitId>,
    /// Per unit of the line, in the document's currency. Default: the price list's or
    /// the supplier's price, else the product's sale price (sales) or cost (purchases).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub unit_price: Option<Decimal>,
    /// Percent, 0 to 100, at most 2 decimals.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub discount: Option<Decimal>,
    /// Default: the product's taxes for the side (none on a free-text line).
    #[serde(default)]
    #[ts(optional)]
    pub tax_ids: Option<Vec<TaxId>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    /// A customer (sales) or a supplier (purchases).
    pub partner_id: PartnerId,
    pub date: NaiveDate,
    /// Default: the partner's currency.
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    /// Base currency per unit of the document's; default: the rate on the date.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub rate: Option<Decimal>,
    /// Default: the partner's.
    #[serde(default)]
    #[ts(optional)]
    pub payment_terms_days: Option<u32>,
    /// Default: the partner's default billing address.
    #[serde(default)]
    #[ts(optional)]
    pub billing_address_id: Option<PartnerAddressId>,
    /// Default: the partner's default shipping address.
    #[serde(default)]
    #[ts(optional)]
    pub shipping_address_id: Option<PartnerAddressId>,
    /// Where goods leave from or arrive; default: the company's first warehouse.
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    #[serde(default)]
    #[ts(optional)]
    pub reference: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub notes: Option<String>,
    /// On create: the same key twice returns the first result and writes nothing.
    #[serde(default)]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
    pub lines: Vec<LineInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrderArgs {
    pub id: OrderId,
    pub order: OrderInput,
}

/// A transition of an order or an invoice (send, confirm, cancel, post, delete).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DocActionArgs {
    pub id: i64,
    #[serde(default)]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
    /// Confirm a sales order beyond the customer's credit limit (needs the override
    /// permission); post a bill above what was received (three-way match).
    #[serde(default)]
    #[ts(optional)]
    pub allow_over: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct QuantityLine {
    pub line_id: i64,
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub quantity: Decimal,
    /// The lot or serial of a tracked product, on deliveries and receipts.
    #[serde(default)]
    #[ts(optional)]
    pub lot_code: Option<String>,
}

/// Deliver (sales) or receive (purchases) goods of a confirmed order, or return them.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ShipOrderArgs {
    pub order_id: OrderId,
    /// Default: the order's date or today, whichever is later.
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    /// Default (not on returns): everything still to deliver.
    #[serde(default)]
    #[ts(optional)]
    pub lines: Option<Vec<QuantityLine>>,
    #[serde(default)]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
}

/// Make a draft invoice (or credit note) of what an order has to invoice (or credit).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct InvoiceOrderArgs {
    pub order_id: OrderId,
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    /// Default: every line's whole quantity to invoice (to credit).
    #[serde(default)]
    #[ts(optional)]
    pub lines: Option<Vec<QuantityLine>>,
    /// Sales: `ordered` invoices ordered quantities before delivery; default: the
    /// company's policy.
    #[serde(default)]
    #[ts(optional)]
    pub policy: Option<InvoicePolicy>,
    #[serde(default)]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
}

/// A free invoice (no order) or its replacement while a draft.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    pub partner_id: PartnerId,
    pub date: NaiveDate,
    #[serde(default)]
    #[ts(optional)]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub rate: Option<Decimal>,
    #[serde(default)]
    #[ts(optional)]
    pub reference: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub notes: Option<String>,
    /// On create: the same key twice returns the first result and writes nothing.
    #[serde(default)]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
    pub lines: Vec<LineInput>,
}

/// A draft invoice's header: date, due date, reference and notes; and the lines of a
/// draft made without an order.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateInvoiceArgs {
    pub id: InvoiceId,
    /// Replaces the lines of a draft invoice that has no order.
    #[serde(default)]
    #[ts(optional)]
    pub lines: Option<Vec<LineInput>>,
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub reference: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub notes: Option<String>,
}

/// A draft credit note for a posted invoice: all of it, or some quantities of its lines.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreditInvoiceArgs {
    pub invoice_id: InvoiceId,
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub lines: Option<Vec<QuantityLine>>,
    #[serde(default)]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListDocsArgs {
    #[serde(default)]
    #[ts(optional)]
    pub state: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
    #[serde(default)]
    #[ts(optional)]
    pub date_from: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub date_to: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub min_total: Option<Decimal>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub max_total: Option<Decimal>,
    /// Only documents with a line of this product.
    #[serde(default)]
    #[ts(optional)]
    pub product_id: Option<crate::catalog::model::ProductId>,
    /// Invoice lists: only invoices or only credit notes.
    #[serde(default)]
    #[ts(optional)]
    pub kind: Option<InvoiceKind>,
    /// Open work only: orders with something to deliver or to invoice (`to_deliver`,
    /// `to_invoice`).
    #[serde(default)]
    #[ts(optional)]
    pub open: Option<String>,
    /// Words of the number, reference or partner name.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    /// `date` (default), `number`, `total` or `partner`.
    #[serde(default)]
    #[ts(optional)]
    pub sort: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub desc: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
}

// --- results --------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct OrderLine {
    pub id: OrderLineId,
    pub line_no: u32,
    pub product_id: Option<ProductId>,
    pub sku: Option<String>,
    pub description: String,
    pub unit_id: Option<UnitId>,
    pub unit_code: Option<String>,
    /// Whether the line moves stock (a stockable product or a kit).
    pub ships: bool,
    /// The product's tracking (`none`, `lot`, `serial`): deliveries name a lot or serial.
    pub tracking: Option<String>,
    #[ts(type = "string")]
    pub quantity: Decimal,
    #[ts(type = "string")]
    pub unit_price: Decimal,
    #[ts(type = "string")]
    pub discount: Decimal,
    pub tax_ids: Vec<TaxId>,
    #[ts(type = "string")]
    pub net: Decimal,
    #[ts(type = "string")]
    pub tax: Decimal,
    #[ts(type = "string")]
    pub gross: Decimal,
    #[ts(type = "string")]
    pub delivered: Decimal,
    #[ts(type = "string")]
    pub returned: Decimal,
    #[ts(type = "string")]
    pub invoiced: Decimal,
    #[ts(type = "string")]
    pub credited: Decimal,
    #[ts(type = "string")]
    pub cancelled: Decimal,
    /// Ordered − cancelled − delivered (0 on lines that do not ship).
    #[ts(type = "string")]
    pub to_deliver: Decimal,
    /// Due under the policy − (invoiced − credited); negative when a credit is due.
    #[ts(type = "string")]
    pub to_invoice: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct DocRef {
    pub id: i64,
    pub number: Option<String>,
    pub state: String,
    pub kind: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Order {
    pub id: OrderId,
    pub side: Side,
    pub state: OrderState,
    pub number: Option<String>,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub billing_address_id: Option<PartnerAddressId>,
    pub shipping_address_id: Option<PartnerAddressId>,
    pub currency: String,
    #[ts(type = "string")]
    pub rate: Decimal,
    pub date: NaiveDate,
    pub payment_terms_days: u32,
    pub warehouse_id: Option<WarehouseId>,
    pub reference: String,
    pub notes: String,
    #[ts(type = "string")]
    pub net: Decimal,
    #[ts(type = "string")]
    pub tax: Decimal,
    #[ts(type = "string")]
    pub rounding: Decimal,
    #[ts(type = "string")]
    pub total: Decimal,
    pub taxes: Vec<TaxTotal>,
    pub delivery_status: DeliveryStatus,
    pub invoice_status: InvoiceStatus,
    pub lines: Vec<OrderLine>,
    /// Deliveries or receipts, and their returns.
    pub pickings: Vec<DocRef>,
    pub invoices: Vec<DocRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct OrderRow {
    pub id: OrderId,
    pub state: OrderState,
    pub number: Option<String>,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub date: NaiveDate,
    pub currency: String,
    #[ts(type = "string")]
    pub total: Decimal,
    pub reference: String,
    pub delivery_status: DeliveryStatus,
    pub invoice_status: InvoiceStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct InvoiceLine {
    pub id: InvoiceLineId,
    pub line_no: u32,
    pub order_line_id: Option<OrderLineId>,
    pub product_id: Option<ProductId>,
    pub sku: Option<String>,
    pub description: String,
    pub unit_id: Option<UnitId>,
    pub unit_code: Option<String>,
    #[ts(type = "string")]
    pub quantity: Decimal,
    #[ts(type = "string")]
    pub unit_price: Decimal,
    #[ts(type = "string")]
    pub discount: Decimal,
    pub tax_ids: Vec<TaxId>,
    #[ts(type = "string")]
    pub net: Decimal,
    #[ts(type = "string")]
    pub tax: Decimal,
    #[ts(type = "string")]
    pub gross: Decimal,
    /// What credit (debit) notes not cancelled, drafts included, take of this line: what
    /// is left to credit is `quantity − credited` (0 on a credit note's own lines).
    #[ts(type = "string")]
    pub credited: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Invoice {
    pub id: InvoiceId,
    pub side: Side,
    pub kind: InvoiceKind,
    pub state: InvoiceState,
    pub number: Option<String>,
    pub order_id: Option<OrderId>,
    pub order_number: Option<String>,
    pub credited_invoice_id: Option<InvoiceId>,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub billing_address_id: Option<PartnerAddressId>,
    pub currency: String,
    #[ts(type = "string")]
    pub rate: Decimal,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub reference: String,
    pub notes: String,
    #[ts(type = "string")]
    pub net: Decimal,
    #[ts(type = "string")]
    pub tax: Decimal,
    #[ts(type = "string")]
    pub rounding: Decimal,
    #[ts(type = "string")]
    pub total: Decimal,
    pub taxes: Vec<TaxTotal>,
    pub entry_id: Option<EntryId>,
    /// What is still to be paid (or refunded), in the document's currency; none for drafts.
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub open_amount: Option<Decimal>,
    pub pay_state: Option<crate::finance::model::PayState>,
    pub lines: Vec<InvoiceLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct InvoiceRow {
    pub id: InvoiceId,
    pub kind: InvoiceKind,
    pub state: InvoiceState,
    pub number: Option<String>,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub order_number: Option<String>,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: String,
    #[ts(type = "string")]
    pub total: Decimal,
    pub reference: String,
    #[ts(type = "string | null")]
    #[schemars(with = "Option<String>")]
    pub open_amount: Option<Decimal>,
    pub pay_state: Option<crate::finance::model::PayState>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TradeSettings {
    pub invoice_policy: InvoicePolicy,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateTradeSettingsArgs {
    #[serde(default)]
    #[ts(optional)]
    pub invoice_policy: Option<InvoicePolicy>,
}

/// A product's default taxes on one side (replaces them).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetProductTaxesArgs {
    pub product_id: ProductId,
    pub side: Side,
    pub tax_ids: Vec<TaxId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ProductTaxes {
    pub product_id: ProductId,
    pub sale: Vec<TaxId>,
    pub purchase: Vec<TaxId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ProductArg {
    pub product_id: ProductId,
}

// --- prices ---------------------------------------------------------------------------------

id_type!(PriceListId, SupplierPriceId);

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PriceListItemInput {
    pub product_id: ProductId,
    /// In the product's unit; the item applies from this quantity on (default 0).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub min_quantity: Option<Decimal>,
    /// A fixed price per product unit, in the list's currency…
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub price: Option<Decimal>,
    /// …or a discount in percent on the catalog price.
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub discount: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PriceListInput {
    pub name: String,
    /// Default: the company's base currency.
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub valid_to: Option<NaiveDate>,
    /// The customers it is for; none: every customer (a customer's own list comes first).
    #[serde(default)]
    pub partner_ids: Vec<PartnerId>,
    #[serde(default)]
    pub items: Vec<PriceListItemInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdatePriceListArgs {
    pub id: PriceListId,
    pub list: PriceListInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PriceListItem {
    pub product_id: ProductId,
    pub sku: String,
    pub product_name: String,
    #[ts(type = "string")]
    pub min_quantity: Decimal,
    #[ts(type = "string | null")]
    pub price: Option<Decimal>,
    #[ts(type = "string | null")]
    pub discount: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PriceList {
    pub id: PriceListId,
    pub name: String,
    pub currency: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub partner_ids: Vec<PartnerId>,
    pub items: Vec<PriceListItem>,
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SupplierPriceInput {
    pub partner_id: PartnerId,
    pub product_id: ProductId,
    #[serde(default)]
    #[ts(optional)]
    pub supplier_code: Option<String>,
    /// Default: the supplier's currency.
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    /// In the product's unit (default 0).
    #[serde(default)]
    #[ts(optional, type = "string")]
    #[schemars(with = "Option<String>")]
    pub min_quantity: Option<Decimal>,
    /// Per product unit.
    #[ts(type = "string")]
    #[schemars(with = "String")]
    pub price: Decimal,
    #[serde(default)]
    #[ts(optional)]
    pub lead_time_days: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateSupplierPriceArgs {
    pub id: SupplierPriceId,
    pub price: SupplierPriceInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct SupplierPrice {
    pub id: SupplierPriceId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub product_id: ProductId,
    pub sku: String,
    pub supplier_code: String,
    pub currency: String,
    #[ts(type = "string")]
    pub min_quantity: Decimal,
    #[ts(type = "string")]
    pub price: Decimal,
    pub lead_time_days: u32,
}

/// Price lists by name; archived ones only when asked.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListPriceListsArgs {
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
    /// Words each found in the name (case-insensitive, any script) or the currency code.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListSupplierPricesArgs {
    #[serde(default)]
    #[ts(optional)]
    pub product_id: Option<ProductId>,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
}

/// Draft purchase orders from the to-reorder list, one per supplier.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct FromReorderArgs {
    #[serde(default)]
    #[ts(optional)]
    pub warehouse_id: Option<WarehouseId>,
    /// Default: today.
    #[serde(default)]
    #[ts(optional)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct SkippedReorder {
    pub product_id: ProductId,
    pub sku: String,
    /// `no_supplier` (no rule supplier and no supplier price) or `on_order` (open purchase
    /// orders already bring it to the maximum).
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct FromReorderResult {
    pub orders: Vec<OrderRow>,
    pub skipped: Vec<SkippedReorder>,
}

// --- reports --------------------------------------------------------------------------------

str_enum! {
    /// How a sales or purchases report groups its rows.
    #[derive(Default)]
    pub enum TradeGroupBy {
        #[default]
        Product = "product",
        Partner = "partner",
        Category = "category",
        Month = "month",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TradeReportArgs {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default)]
    #[ts(optional)]
    pub group_by: Option<TradeGroupBy>,
    /// Only this customer or supplier.
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TradeReportRow {
    /// The product, partner or category id, or the month (`2026-03`).
    pub key: String,
    pub label: String,
    /// In the product's unit (product rows only).
    #[ts(type = "string | null")]
    pub quantity: Option<Decimal>,
    /// Invoiced less credited, net of tax, in base currency.
    #[ts(type = "string")]
    pub net: Decimal,
    /// Sales only: cost of goods sold from the stock valuation of the orders' deliveries
    /// less their returns, in the period.
    #[ts(type = "string | null")]
    pub cost: Option<Decimal>,
    #[ts(type = "string | null")]
    pub margin: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct TradeReport {
    pub side: Side,
    pub currency: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: TradeGroupBy,
    pub rows: Vec<TradeReportRow>,
    #[ts(type = "string")]
    pub net: Decimal,
    #[ts(type = "string | null")]
    pub cost: Option<Decimal>,
    #[ts(type = "string | null")]
    pub margin: Option<Decimal>,
}

str_enum! {
    #[derive(Default)]
    pub enum OpenWork {
        #[default]
        ToDeliver = "to_deliver",
        ToInvoice = "to_invoice",
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OpenLinesArgs {
    /// `to_deliver` (backorders: to receive on the purchase side) or `to_invoice` (to bill).
    #[serde(default)]
    #[ts(optional)]
    pub what: Option<OpenWork>,
    #[serde(default)]
    #[ts(optional)]
    pub partner_id: Option<PartnerId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct OpenLine {
    pub order_id: OrderId,
    pub number: String,
    pub date: NaiveDate,
    pub partner_name: String,
    pub line_no: u32,
    pub sku: Option<String>,
    pub description: String,
    pub unit_code: Option<String>,
    #[ts(type = "string")]
    pub ordered: Decimal,
    #[ts(type = "string")]
    pub open: Decimal,
    /// The open quantity's net amount in the order's currency.
    #[ts(type = "string")]
    pub amount: Decimal,
    pub currency: String,
}
