// Generated from the Rust types by `cora gen-types`. Do not edit: CI fails when this file is stale.

export type Account = { id: AccountId, code: string, name: string, type: AccountType, subtype: AccountSubtype, parent_id: AccountId | null, parent_code: string | null, is_group: boolean, currency: string | null, reconcilable: boolean, archived: boolean, 
/**
 * Debit minus credit over every posted line (base currency).
 */
balance: string, has_postings: boolean, updated_at: string, };

export type AccountDefaults = { receivable: AccountId | null, payable: AccountId | null, sales: AccountId | null, purchase: AccountId | null, inventory: AccountId | null, cogs: AccountId | null, grni: AccountId | null, rounding: AccountId | null, fx_gain: AccountId | null, fx_loss: AccountId | null, retained_earnings: AccountId | null, };

export type AccountId = number;

export type AccountInput = { code: string, name: string, type: AccountType, subtype: AccountSubtype, parent_id?: AccountId, is_group?: boolean, currency?: string, reconcilable?: boolean, };

export type AccountSubtype = "bank" | "cash" | "receivable" | "payable" | "inventory" | "current_asset" | "prepayment" | "fixed_asset" | "depreciation" | "tax_collected" | "tax_paid" | "current_liability" | "long_term_liability" | "grni" | "equity" | "retained_earnings" | "current_year_earnings" | "income" | "other_income" | "cost_of_goods_sold" | "expense" | "exchange_gain_loss" | "rounding" | "suspense";

export type AccountType = "asset" | "liability" | "equity" | "income" | "expense";

export type AccountingSettings = { chart_template: string, base_currency: string, 
/**
 * Nothing dated on or before it may be posted.
 */
lock_date: string | null, tax_rounding: TaxRounding, tax_rounding_mode: RoundingMode, defaults: AccountDefaults, 
/**
 * Currencies enabled besides the base currency.
 */
currencies: Array<string>, };

export type AddLandedCostArgs = { 
/**
 * A done receipt.
 */
picking_id: PickingId, 
/**
 * In base currency, at its minor units.
 */
amount: string, split: LandedSplit, 
/**
 * What the cost is posted against (a freight clearing or expense account); required
 * when the company keeps books.
 */
account_id?: AccountId, 
/**
 * Default: today.
 */
date?: string, description?: string, };

export type AddMembershipArgs = { 
/**
 * The email of an existing user.
 */
email: string, role_id: RoleId, };

export type AddSinkArgs = { name: string, kind: SinkKind, 
/**
 * An absolute folder (files), or a PostgreSQL connection string
 * (`postgresql://user:password@host:port/db` or `host=... dbname=...`).
 */
target: string, };

export type Address = { line1: string, line2: string, postal_code: string, country_code: string, country_name: string, state_id: number | null, state_name: string | null, city_id: number | null, city_name: string | null, };

export type AddressKind = "billing" | "shipping" | "other";

export type Aging = { side: ItemSide, date: string, currency: string, 
/**
 * Column titles: "current", "1-30", ..., "90+".
 */
columns: Array<string>, rows: Array<AgingRow>, totals: string[], total: string, };

export type AgingArgs = { side: ItemSide, 
/**
 * Default: today.
 */
date?: string, 
/**
 * Upper bounds in days overdue of the buckets after "current" (default: the company's).
 */
buckets?: Array<number>, partner_id?: PartnerId, };

export type AgingRow = { partner_id: PartnerId, partner_name: string, 
/**
 * current, then one per bucket, then over the last bucket (base currency, signed
 * so that what the partner owes — or is owed, for payables — is positive).
 */
amounts: string[], total: string, };

export type AllocateArgs = { items: Array<ItemAmount>, 
/**
 * Default: the latest of the items' dates.
 */
date?: string, };

export type ApiToken = { id: ApiTokenId, user_id: UserId, user_email: string, name: string, 
/**
 * The token's first characters (`cora_pat_1a2b3c4d`).
 */
prefix: string, created_at: string, expires_at: string, 
/**
 * Runs only commands that do not write.
 */
read_only: boolean, revoked_at: string | null, 
/**
 * When it was last used (kept to the minute).
 */
last_used_at: string | null, 
/**
 * Neither revoked nor expired now.
 */
active: boolean, };

export type ApiTokenId = number;

export type ApplyChartArgs = { 
/**
 * `generic` (the only chart shipped); others come in by `account.import`.
 */
template: string, };

export type ArchivedArg = { include_archived?: boolean, };

export type Attribute = { id: AttributeId, name: string, 
/**
 * In their order.
 */
values: Array<AttributeValue>, };

export type AttributeId = number;

export type AttributeValue = { id: AttributeValueId, name: string, position: number, };

export type AttributeValueId = number;

export type AttributeValueInput = { id?: AttributeValueId, name: string, };

export type AuditId = number;

export type AuditPage = { rows: Array<AuditRow>, 
/**
 * Pass as `before` for the next page; absent on the last page.
 */
next: AuditId | null, };

export type AuditRow = { id: AuditId, at: string, user_id: UserId | null, user_email: string | null, company_id: TenantId | null, command: string, entity: string, entity_id: string | null, summary: JsonValue, };

export type AutoAllocateArgs = { side: ItemSide, partner_id?: PartnerId, };

export type BalanceDrift = { what: string, account_id: AccountId, partner_id: PartnerId | null, period_id: PeriodId, maintained_debit: string, maintained_credit: string, recomputed_debit: string, recomputed_credit: string, };

export type BalanceSheet = { currency: string, columns: Array<StatementColumn>, 
/**
 * Assets, liabilities, equity (with the current year's earnings).
 */
sections: Array<StatementSection>, total_assets: string[], 
/**
 * Equals `total_assets`, column by column.
 */
total_liabilities_and_equity: string[], };

export type BalanceSheetArgs = { date: string, compare?: Compare, };

export type BalanceTotals = { opening: string, debit: string, credit: string, closing: string, };

export type BankAccount = { id: BankAccountId, kind: BankKind, name: string, journal_id: JournalId, journal_code: string, account_id: AccountId, account_code: string, currency: string, iban: string, number: string, bic: string, csv_mapping: StatementCsvMapping | null, archived: boolean, 
/**
 * The book balance now, in the account's currency.
 */
balance: string, 
/**
 * Statement lines not reconciled yet.
 */
unreconciled: number, };

export type BankAccountId = number;

export type BankAccountInput = { kind: BankKind, name: string, 
/**
 * Default: the base currency.
 */
currency?: string, iban: string, number: string, bic: string, 
/**
 * An existing bank or cash ledger account with no bank account yet; default: a new
 * one under the chart's bank (or cash) accounts.
 */
account_id?: AccountId, 
/**
 * The journal's code (default: derived from the name).
 */
journal_code?: string, };

export type BankKind = "bank" | "cash";

export type BankMove = { id: BankMoveId, bank_account_id: BankAccountId, kind: BankMoveKind, date: string, amount: string, counter_account_id: AccountId | null, partner_id: PartnerId | null, tax_id: TaxId | null, description: string, reference: string, entry_id: EntryId, entry_number: string, };

export type BankMoveId = number;

export type BankMoveInput = { bank_account_id: BankAccountId, kind: BankMoveKind, date: string, 
/**
 * Positive, in the account's currency; `kind` says in or out.
 */
amount: string, counter_account_id: AccountId, partner_id?: PartnerId, 
/**
 * A tax included in the amount (its base and tax are booked apart).
 */
tax_id?: TaxId, description: string, reference: string, };

export type BankMoveKind = "receipt" | "expense" | "transfer" | "count";

export type BankRecId = number;

export type BankRule = { id: BankRuleId, bank_account_id: BankAccountId | null, name: string, pattern: string, account_id: AccountId, partner_id: PartnerId | null, tax_id: TaxId | null, };

export type BankRuleId = number;

export type BankRuleInput = { bank_account_id?: BankAccountId, name: string, pattern: string, account_id: AccountId, partner_id?: PartnerId, tax_id?: TaxId, };

export type BankStatementLine = { id: StatementLineId, statement_id: StatementId, date: string, value_date: string | null, amount: string, counterparty: string, counterparty_account: string, reference: string, description: string, bank_ref: string, rec_id: BankRecId | null, };

export type BatchPayArgs = { bank_account_id: BankAccountId, due_by: string, date: string, 
/**
 * Only these suppliers (default: all).
 */
partner_ids: Array<PartnerId>, };

export type BatchPayResult = { payments: Array<PaymentRow>, total: string, };

export type Bom = { id: BomId, product_id: ProductId, sku: string, product_name: string, name: string, quantity: string, unit_id: UnitId, unit_code: string, is_default: boolean, lead_time_days: number, valid_from: string | null, valid_to: string | null, notes: string, archived: boolean, lines: Array<BomLine>, operations: Array<BomOperation>, 
/**
 * Cost roll-up for the output quantity: components at their current cost (a
 * sub-assembly at its own roll-up), plus operations.
 */
components_cost: string, operations_cost: string, total_cost: string, 
/**
 * Per unit of the BOM's unit.
 */
unit_cost: string, };

export type BomId = number;

export type BomInput = { product_id: ProductId, name: string, 
/**
 * The output quantity the lines are for, in `unit_id` (default: the product's unit).
 */
quantity: string, unit_id?: UnitId, 
/**
 * Default: true for a product's first BOM.
 */
is_default?: boolean, 
/**
 * Days from starting an order to its output (planning dates orders back by it).
 */
lead_time_days?: number, valid_from?: string, valid_to?: string, notes: string, lines: Array<BomLineInput>, operations: Array<BomOperationInput>, };

export type BomLine = { id: BomLineId, position: number, kind: BomLineKind, product_id: ProductId, sku: string, name: string, quantity: string, unit_id: UnitId, unit_code: string, scrap: string, cost_share: string, value_ids: Array<AttributeValueId>, 
/**
 * The component has a BOM of its own (a sub-assembly).
 */
has_bom: boolean, 
/**
 * Its cost in this BOM (components only): quantity with scrap × unit cost, rolled up
 * for a sub-assembly.
 */
cost: string, };

export type BomLineId = number;

export type BomLineInput = { kind?: BomLineKind, product_id: ProductId, 
/**
 * Per the BOM's output quantity, in `unit_id` (default: the product's unit).
 */
quantity: string, unit_id?: UnitId, 
/**
 * Percent lost in making (0 ≤ scrap < 100): the planned quantity is raised to cover it.
 */
scrap?: string, 
/**
 * By-products: the percent of the order's cost they carry (the rest stays on the product made).
 */
cost_share?: string, 
/**
 * On a template's BOM: the line applies only to variants with these values (for each
 * attribute named, one of its values listed).
 */
value_ids: Array<AttributeValueId>, };

export type BomLineKind = "component" | "byproduct";

export type BomOperation = { id: BomOperationId, position: number, name: string, work_centre_id: WorkCentreId, work_centre_code: string, minutes_per_batch: string, minutes_per_unit: string, 
/**
 * The line's own rate, or the work centre's.
 */
cost_per_hour: string, own_rate: boolean, 
/**
 * For one run of the BOM's output quantity.
 */
cost: string, };

export type BomOperationId = number;

export type BomOperationInput = { name: string, work_centre_id: WorkCentreId, 
/**
 * Minutes per run of the BOM's output quantity (set-up).
 */
minutes_per_batch?: string, 
/**
 * Minutes per unit of output (in the BOM's unit).
 */
minutes_per_unit?: string, 
/**
 * Default: the work centre's.
 */
cost_per_hour?: string, };

export type BomRow = { id: BomId, product_id: ProductId, sku: string, product_name: string, name: string, quantity: string, unit_code: string, is_default: boolean, valid_from: string | null, valid_to: string | null, archived: boolean, lines: number, operations: number, };

export type BomTree = { nodes: Array<TreeNode>, total_cost: string, levels: number, };

export type BookLine = { id: JournalLineId, entry_id: EntryId, entry_number: string, date: string, 
/**
 * Signed, the account's currency: + money in.
 */
amount: string, partner_id: PartnerId | null, partner_name: string | null, reference: string, description: string, payment_id: PaymentId | null, rec_id: BankRecId | null, };

export type BookLinesArgs = { bank_account_id: BankAccountId, unreconciled?: boolean, from?: string, to?: string, limit?: number, };

export type BootstrapArgs = { email: string, display_name: string, password: string, };

export type Brand = { id: BrandId, name: string, archived: boolean, product_count: number, };

export type BrandId = number;

export type CancelOrderArgs = { id: ProductionOrderId, 
/**
 * When consumed components come back (an order in progress); default: today.
 */
date?: string, };

export type CancelPaymentArgs = { id: PaymentId, 
/**
 * Default: the payment's date.
 */
date?: string, };

export type CashCount = { book: string, counted: string, difference: string, move_id: BankMoveId | null, };

export type CashCountArgs = { bank_account_id: BankAccountId, date: string, 
/**
 * What was counted.
 */
counted: string, 
/**
 * Where a difference goes (default: the company's cash difference account).
 */
account_id?: AccountId, };

export type CashFlow = { from: string, to: string, currency: string, opening: string, rows: Array<CashFlowRow>, closing: string, };

export type CashFlowRow = { 
/**
 * customers, suppliers, transfers, or the counter account's type (income, expense, ...).
 */
category: string, inflow: string, outflow: string, };

export type CashPosition = { date: string, currency: string, rows: Array<CashPositionRow>, total: string, };

export type CashPositionArgs = { date?: string, };

export type CashPositionRow = { bank_account_id: BankAccountId, name: string, kind: BankKind, currency: string, balance: string, base: string, };

export type Category = { id: CategoryId, parent_id: CategoryId | null, name: string, 
/**
 * Names from the root down, joined by " / ".
 */
path: string, 
/**
 * 0 for a root category.
 */
depth: number, child_count: number, 
/**
 * Products directly in this category.
 */
product_count: number, };

export type CategoryId = number;

export type ChangeFeed = { 
/**
 * The newest audit row id: pass it as `after` next time.
 */
latest: AuditId, 
/**
 * What changed after `after` up to `latest`, each pair once, in no particular order.
 */
changes: Array<DataChange>, };

export type ChangeMembershipArgs = { id: MembershipId, role_id: RoleId, };

export type ChangePasswordArgs = { old_password: string, new_password: string, };

export type ChangesSinceArgs = { 
/**
 * The `latest` of the previous answer. Absent: only the newest row id is returned
 * (where a new watcher starts).
 */
after?: AuditId, };

export type ChartTemplate = { key: string, name: string, accounts: number, };

export type City = { id: number, state_id: number, name: string, };

export type Company = { id: TenantId, code: string, name: string, legal_name: string, tax_id: string, base_currency: string, locale: string, timezone: string, fiscal_year_start_month: number, address: CompanyAddress, color: string, 
/**
 * Printed under the totals of invoices, orders and quotations: bank details, how to
 * pay ('' = none).
 */
payment_instructions: string, 
/**
 * Whether the company has a logo (`company.get_logo` gives it; documents print it).
 */
has_logo: boolean, archived: boolean, created_at: string, updated_at: string, };

export type CompanyAddress = { line1: string, line2: string, postal_code: string, city: string, 
/**
 * State, province or region.
 */
region: string, 
/**
 * ISO 3166-1 alpha-2, or empty.
 */
country_code: string, };

export type CompanyLogo = { 
/**
 * `image/png` or `image/jpeg`.
 */
media_type: string, 
/**
 * Its size in pixels.
 */
width: number, height: number, 
/**
 * The file, base64 (standard alphabet, padded).
 */
data_base64: string, };

export type CompanyPermissions = { company: CompanyRef, permissions: Array<string>, };

export type CompanyRate = { company_id: TenantId, 
/**
 * Units of the target currency for one unit of the company's base currency.
 */
rate: string, };

export type CompanyRef = number | string;

export type CompanySummary = { id: TenantId, code: string, name: string, color: string, initials: string, base_currency: string, locale: string, 
/**
 * IANA time zone (`Europe/Berlin`): the UI shows the company's times in it.
 */
timezone: string, archived: boolean, 
/**
 * The caller's role in it (none for a superuser who is not a member).
 */
role: string | null, };

export type Compare = "none" | "previous_period" | "previous_year";

export type Component = { product_id: ProductId, sku: string, name: string, quantity: string, unit_id: UnitId, unit_code: string, };

export type ComponentInput = { product_id: ProductId, quantity: string, 
/**
 * Default: the component's own unit. Must measure the same dimension.
 */
unit_id?: UnitId, };

export type ComputeTaxesArgs = { currency: string, lines: Array<TaxLineInput>, };

export type ConfirmProposalsArgs = { run_id: PlanningRunId, proposals: Array<ProposalChoice>, 
/**
 * Where the orders deliver (default: the first warehouse).
 */
warehouse_id?: WarehouseId, };

export type Consolidated = { report: ConsolidatedKind, currency: string, from: string, to: string, columns: Array<ConsolidatedColumn>, rows: Array<ConsolidatedRow>, totals: Array<ConsolidatedTotal>, };

export type ConsolidatedArgs = { companies: Array<TenantId>, report: ConsolidatedKind, 
/**
 * Ignored by the balance sheet, which is at `to`.
 */
from: string, to: string, 
/**
 * The target currency.
 */
currency: string, 
/**
 * One rate per company whose base currency is not `currency`.
 */
rates: Array<CompanyRate>, };

export type ConsolidatedColumn = { company_id: TenantId, code: string, name: string, base_currency: string, rate: string, };

export type ConsolidatedKind = "trial_balance" | "profit_and_loss" | "balance_sheet";

export type ConsolidatedRow = { 
/**
 * The account type (trial balance) or the statement section (`income`, `expenses`,
 * `assets`, `liabilities`, `equity`).
 */
section: string, 
/**
 * Accounts are matched across companies by code; empty for a computed line.
 */
code: string, name: string, 
/**
 * One figure per company column, translated and rounded to the target currency.
 */
amounts: string[], total: string, };

export type ConsolidatedTotal = { 
/**
 * `total` (trial balance), `income`, `expenses`, `net_profit`, `assets`,
 * `liabilities`, `equity`, `liabilities_and_equity`.
 */
key: string, amounts: string[], total: string, };

export type ConsumeArgs = { id: ProductionOrderId, date?: string, 
/**
 * What was taken (a product may appear once per lot; a product off the BOM is allowed
 * and shows as variance).
 */
lines: Array<LotQuantity>, };

export type Contact = { id: ContactId, name: string, email: string, phone: string, 
/**
 * Their role at the partner (Buyer, Accounts payable, ...).
 */
role: string, };

export type ContactId = number;

export type ContactInput = { id?: ContactId, name: string, email?: string, phone?: string, role?: string, };

export type ConvertQuantityArgs = { quantity: string, from: UnitRef, to: UnitRef, };

export type ConvertedQuantity = { quantity: string, unit: Unit, };

export type CostingMethod = "average" | "fifo";

export type CountEntry = { line_id?: CountLineId, product_id?: ProductId, 
/**
 * A barcode (EAN-13/UPC-A) or SKU, as a scanner types it.
 */
code?: string, 
/**
 * Default: the count's location.
 */
location_id?: LocationId, lot_id?: LotId, 
/**
 * A lot or serial by code (a new code is created: found stock).
 */
lot_code?: string, 
/**
 * The quantity counted, in the product's unit (at most its decimals); null clears
 * the count (not counted).
 */
counted: string | null, 
/**
 * Add `counted` to what is already counted (a scan counts one more) instead of
 * replacing it.
 */
add?: boolean, };

export type CountId = number;

export type CountLine = { id: CountLineId, product_id: ProductId, sku: string, name: string, barcode: string | null, unit_code: string, 
/**
 * The decimals a quantity of the product's unit keeps.
 */
decimals: number, tracking: Tracking, location_id: LocationId, location: string, lot_id: LotId | null, lot_code: string | null, 
/**
 * On hand when the count started (0 for a line added while counting).
 */
expected: string | null, 
/**
 * Null: not counted yet.
 */
counted: string | null, 
/**
 * On hand when the count was entered (expected + the moves done since the start).
 */
book_at_count: string | null, 
/**
 * counted − book_at_count: what posting adjusts.
 */
difference: string | null, 
/**
 * The difference at the product's average cost now (an estimate until posted).
 */
value: string | null, added: boolean, };

export type CountLineId = number;

export type CountRow = { id: CountId, state: CountState, number: string | null, warehouse_id: WarehouseId, location: string, category: string | null, blind: boolean, started_at: string, note: string, lines: number, counted: number, };

export type CountState = "in_progress" | "done" | "cancelled";

export type Country = { 
/**
 * ISO 3166-1 alpha-2.
 */
code: string, alpha3: string, numeric: number, name: string, };

export type CreateApiTokenArgs = { 
/**
 * What the token is for (`nightly export`), 1–100 characters.
 */
name: string, 
/**
 * Days until it expires, 1–3650; default 90.
 */
expires_in_days?: number, 
/**
 * Allow only commands that do not write; default false.
 */
read_only?: boolean, };

export type CreateAttributeArgs = { name: string, 
/**
 * The values, in order.
 */
values: Array<string>, };

export type CreateBrandArgs = { name: string, };

export type CreateCategoryArgs = { name: string, parent_id?: CategoryId, };

export type CreateCityArgs = { state_id: number, name: string, };

export type CreateCompanyArgs = { code: string, name: string, legal_name?: string, tax_id?: string, base_currency: string, locale?: string, timezone?: string, fiscal_year_start_month?: number, address?: CompanyAddress, color?: string, 
/**
 * The chart of accounts to start from (`generic`, the default), or `none` to set up
 * the books later.
 */
chart_template?: string, };

export type CreateCountArgs = { warehouse_id: WarehouseId, 
/**
 * Count only this internal location of the warehouse and the ones under it (default:
 * the whole warehouse).
 */
location_id?: LocationId, 
/**
 * Count only the products of this category and its subcategories.
 */
category_id?: CategoryId, 
/**
 * Hide the expected quantities and differences from the sheet while counting.
 */
blind?: boolean, note?: string, };

export type CreateFiscalYearArgs = { 
/**
 * Any date in the year to create.
 */
date: string, };

export type CreateFromLine = { "kind": "payment", partner_side: PartnerSide, partner_id: PartnerId, items: Array<ItemAmount>, } | { "kind": "move", account_id: AccountId, partner_id?: PartnerId, tax_id?: TaxId, };

export type CreateLocationArgs = { 
/**
 * An internal location: the new one goes under it, in its warehouse.
 */
parent_id: LocationId, name: string, };

export type CreateLotArgs = { product_id: ProductId, code: string, expiry_date?: string, };

export type CreateOrderArgs = { product_id: ProductId, 
/**
 * In the product's unit.
 */
quantity: string, 
/**
 * Default: the product's BOM valid on the planned date (its default first).
 */
bom_id?: BomId, 
/**
 * Default: the first active warehouse.
 */
warehouse_id?: WarehouseId, 
/**
 * Where components are taken from; default: the warehouse's stock.
 */
source_location_id?: LocationId, 
/**
 * Where output goes; default: the warehouse's stock.
 */
dest_location_id?: LocationId, date_planned: string, origin: string, };

export type CreateProductArgs = { sku: string, name: string, description?: string, 
/**
 * EAN-13 or UPC-A with a valid check digit.
 */
barcode?: string, category_id?: CategoryId, brand_id?: BrandId, 
/**
 * Default: the company's `unit`.
 */
unit_id?: UnitId, 
/**
 * Default: stockable.
 */
kind?: ProductKind, sale_price?: string, cost?: string, };

export type CreateReorderRuleArgs = { 
/**
 * A stockable product (not a kit, not a variant template, not archived).
 */
product_id: ProductId, warehouse_id: WarehouseId, 
/**
 * Order when the forecast falls below this (≥ 0).
 */
min_qty: string, 
/**
 * Order up to this (≥ `min_qty`).
 */
max_qty: string, 
/**
 * Order in multiples of this (> 0; default 1).
 */
multiple?: string, 
/**
 * The preferred supplier.
 */
supplier_id?: PartnerId, };

export type CreateRoleArgs = { name: string, description?: string, permissions?: Array<string>, };

export type CreateUnitArgs = { code: string, name: string, dimension: Dimension, 
/**
 * How many of the dimension's base unit one of the new unit is (e.g. 453.59237 g for lb).
 */
factor: string, };

export type CreateUserArgs = { email: string, display_name: string, password: string, is_superuser?: boolean, };

export type CreateVariantArgs = { 
/**
 * The template.
 */
product_id: ProductId, sku: string, 
/**
 * One value for each attribute of the template.
 */
values: Array<AttributeValueId>, barcode?: string, };

export type CreateWarehouseArgs = { code: string, name: string, address?: string, 
/**
 * The name of its root location (default `Stock`).
 */
root_name?: string, };

export type CreatedApiToken = { 
/**
 * The bearer token (`cora_pat_…`); keep it secret.
 */
token: string, api_token: ApiToken, };

export type CreditInvoiceArgs = { invoice_id: InvoiceId, date?: string, lines?: Array<QuantityLine>, idempotency_key?: string, };

export type CsvPreview = { headers: Array<string>, rows: Array<Array<string>>, delimiter: string, };

export type CurrencyInfo = { code: string, name: string, minor_units: number, enabled: boolean, base: boolean, 
/**
 * The latest rate, with its date.
 */
latest_rate: string | null, latest_rate_date: string | null, };

export type DataChange = { 
/**
 * None for rows that belong to no company (global roles, user accounts).
 */
company: TenantId | null, entity: string, };

export type DeleteRateArgs = { currency: string, date: string, };

export type DeliveryStatus = "none" | "pending" | "partial" | "full";

export type Dimension = "count" | "mass" | "volume" | "length" | "time";

export type Direction = "in" | "out";

export type DismissProposalsArgs = { run_id: PlanningRunId, ids: Array<ProposalId>, };

export type DocActionArgs = { id: number, idempotency_key?: string, 
/**
 * Confirm a sales order beyond the customer's credit limit (needs the override
 * permission); post a bill above what was received (three-way match).
 */
allow_over?: boolean, };

export type DocRef = { id: number, number: string | null, state: string, kind: string, date: string, };

export type DocumentArgs = { doc: DocumentSource, id?: number, 
/**
 * The document's number (`INV/00001`, `SO/00003`, `WH/OUT/00002`); quotations and
 * drafts have none and are read by id.
 */
number?: string, };

export type DocumentKind = "quotation" | "sales_order" | "delivery_note" | "invoice" | "credit_note" | "request_for_quotation" | "purchase_order" | "supplier_bill" | "debit_note";

export type DocumentLabels = { date: string, due_date: string, payment_terms: string, order: string, corrects: string, reference: string, currency: string, ship_to: string, tax_id: string, account: string, sku: string, description: string, quantity: string, unit_price: string, discount: string, taxes: string, lot: string, net: string, tax: string, base: string, amount: string, rounding: string, total: string, notes: string, payment: string, };

export type DocumentLine = { line_no: number, sku: string, description: string, 
/**
 * 0 for a line, 1 for a kit's component under its kit (delivery notes).
 */
level: number, quantity: string, unit: string, unit_price: string | null, 
/**
 * Percent; null or 0 for none.
 */
discount: string | null, 
/**
 * The names of the line's taxes, comma-separated.
 */
taxes: string, net: string | null, 
/**
 * Lot or serial numbers (delivery notes).
 */
lot: string, };

export type DocumentParty = { name: string, 
/**
 * The legal name when it differs from the name, else empty.
 */
legal_name: string, 
/**
 * The partner's code (empty for the company).
 */
code: string, 
/**
 * Street lines, postal code and city, region, country: the non-empty ones in order.
 */
address: Array<string>, tax_id: string, email: string, phone: string, };

export type DocumentSource = "sales_order" | "purchase_order" | "invoice" | "bill" | "delivery";

export type DocumentTax = { tax_id: TaxId, name: string, rate: string, base: string, amount: string, };

export type DocumentTotals = { net: string, tax: string, 
/**
 * Null when zero (nothing to print).
 */
rounding: string | null, total: string, currency: string, };

export type DocumentView = { kind: DocumentKind, title: string, 
/**
 * The number, or `Draft` before it has one.
 */
number: string, 
/**
 * `Draft` or `Cancelled` when the document is not (yet) in force; empty otherwise.
 */
status: string, 
/**
 * ISO 8601 dates.
 */
date: string, due_date: string | null, 
/**
 * `30 days`, `Due on receipt`; null where terms do not apply (delivery notes).
 */
payment_terms: string | null, reference: string, 
/**
 * The order a delivery, invoice or credit note was made from.
 */
order_number: string | null, 
/**
 * A credit or debit note: the invoice or bill it corrects.
 */
credits_number: string | null, 
/**
 * The company's locale (BCP 47): how numbers are grouped when printed.
 */
locale: string, 
/**
 * The language the document is printed in (`en`, `de`): the partner's when it has
 * one, else the company's locale's, English for any other.
 */
lang: string, 
/**
 * The template's fixed words in that language.
 */
labels: DocumentLabels, currency: string, 
/**
 * The company's logo, when it has one.
 */
logo: CompanyLogo | null, company: DocumentParty, 
/**
 * `Bill to`, `Supplier`, `Deliver to`.
 */
partner_label: string, partner: DocumentParty, 
/**
 * The delivery address, when it is not the partner's address above.
 */
ship_to: DocumentParty | null, 
/**
 * False on a delivery note: quantities only, no prices, taxes or totals.
 */
priced: boolean, lines: Array<DocumentLine>, taxes: Array<DocumentTax>, totals: DocumentTotals | null, 
/**
 * The total in words in the document's language (`One hundred and 40/100 EUR`,
 * `Einhundert und 40/100 EUR`).
 */
amount_in_words: string | null, notes: string, 
/**
 * The company's payment instructions (bank details) on a quotation, sales order or
 * customer invoice; empty on other documents.
 */
payment_instructions: string, };

export type Done = { ok: boolean, };

export type DoneBatchArgs = { 
/**
 * Pickings to do, in this order (at most 10,000).
 */
ids: Array<PickingId>, };

export type DoneBatchResult = { done: number, moves: number, 
/**
 * Their numbers, in the order done.
 */
numbers: Array<string>, };

export type DuplicateArgs = { id: EntryId, date?: string, };

export type Entry = { id: EntryId, journal_id: JournalId, journal_code: string, state: EntryState, number: string | null, date: string, period_id: PeriodId | null, reference: string, memo: string, source: Source, 
/**
 * The entry this one reverses.
 */
reverses_id: EntryId | null, reverses_number: string | null, 
/**
 * The entry that reverses this one.
 */
reversed_by_id: EntryId | null, reversed_by_number: string | null, total_debit: string, total_credit: string, lines: Array<EntryLine>, created_at: string, posted_at: string | null, };

export type EntryDraft = { journal_id: JournalId, date: string, reference: string, memo: string, lines: Array<LineDraft>, };

export type EntryId = number;

export type EntryLine = { line_no: number, account_id: AccountId | null, account_code: string | null, account_name: string | null, partner_id: PartnerId | null, partner_name: string | null, description: string, debit: string, credit: string, currency: string | null, amount_currency: string | null, tax_id: TaxId | null, tax_base: string | null, };

export type EntryRow = { id: EntryId, journal_code: string, state: EntryState, number: string | null, date: string, reference: string, memo: string, source_module: string, source_kind: string, total: string, reverses_id: EntryId | null, reversed: boolean, };

export type EntryState = "draft" | "posted";

export type ErrorBody = { code: ErrorCode, 
/**
 * Which refusal this is: translate this (with `params`), not `message`.
 */
reason: Reason, 
/**
 * The values the reason's message names; always present, often empty.
 */
params: Record<string, string>, 
/**
 * English, for the CLI and logs.
 */
message: string, fields: Array<FieldError>, 
/**
 * Seconds until a throttled sign-in may be tried again.
 */
retry_after_secs?: number, };

export type ErrorCode = "validation" | "not_found" | "forbidden" | "unauthenticated" | "conflict" | "throttled" | "internal";

export type ExchangeRate = { currency: string, date: string, 
/**
 * Units of base currency for one unit of `currency`.
 */
rate: string, };

export type ExplodeArgs = { product_id: ProductId, 
/**
 * In the product's unit; default: one.
 */
quantity?: string, 
/**
 * Default: the product's BOM valid at `date` (its default first).
 */
bom_id?: BomId, date?: string, };

export type ExportArgs = { format: ExportFormat, };

export type ExportChartArgs = { format: ExportFormat, };

export type ExportFile = { 
/**
 * A suggested file name, e.g. `products.csv`.
 */
filename: string, content_type: string, 
/**
 * `utf8` (the content is the text) or `base64` (the content is the bytes, encoded).
 */
encoding: string, content: string, rows: number, };

export type ExportFormat = "csv" | "xlsx";

export type ExportPartnersArgs = { format: ExportFormat, include_archived?: boolean, };

export type ExportReportArgs = { report: ReportKind, args: Record<string, unknown>, format: ExportFormat, };

export type FieldCode = "required" | "too_long" | "too_short" | "too_many_bytes" | "control_characters" | "invalid_email" | "invalid_code" | "invalid_currency" | "invalid_locale" | "invalid_timezone" | "invalid_country" | "invalid_color" | "not_absolute_path" | "unsupported_image" | "invalid_connection_string" | "unsupported_language" | "invalid_preference_key" | "invalid_json" | "out_of_range" | "contains_path_separator" | "reserved_characters" | "invalid_barcode" | "wrong_check_digit" | "too_many_decimals" | "negative" | "not_positive" | "too_large" | "division_by_zero" | "invalid_decimal" | "invalid_integer" | "invalid_boolean" | "not_one_of" | "not_found" | "archived" | "is_template" | "duplicate" | "duplicate_in_parent" | "repeated" | "repeated_in_file" | "variant_cannot_declare_attributes" | "kit_cannot_be_template" | "template_cannot_be_kit" | "not_attribute_value" | "not_template_value" | "not_template_attribute" | "needs_values" | "template_attributes_fixed" | "value_in_use" | "sku_pattern_unclosed" | "sku_pattern_unknown_placeholder" | "sku_pattern_missing_attribute" | "negative_variant_price" | "not_a_template" | "too_many_variants" | "missing_attribute_value" | "several_attribute_values" | "variant_exists" | "variant_needs_values" | "variant_unit_from_template" | "variant_kind_from_template" | "unit_dimension_locked" | "template_archived" | "invalid_template_attributes" | "invalid_variant_attributes" | "invalid_component" | "kit_contains_itself" | "kit_cycle" | "unit_mismatch" | "kit_cost_too_large" | "category_cycle" | "incompatible_units" | "file_too_large" | "invalid_csv" | "invalid_columns" | "password_is_email" | "wrong_password" | "state_not_in_country" | "city_not_in_state" | "required_with_city" | "city_needs_state" | "required_with_address" | "unknown_field" | "invalid" | "not_batchable" | "invalid_sort" | "invalid_cursor" | "unknown_permissions" | "role_not_global" | "already_member" | "invalid_phone" | "invalid_url" | "several_defaults" | "partner_role_required" | "chart_exists" | "subtype_needs_type" | "account_cycle" | "parent_not_group" | "parent_type_differs" | "account_has_postings" | "group_has_children" | "balance_not_zero" | "account_is_default" | "account_is_group" | "wrong_subtype" | "fiscal_year_overlap" | "before_lock_date" | "period_closed" | "invalid_date" | "is_base_currency" | "currency_not_enabled" | "no_exchange_rate" | "tax_used" | "tax_kind_mismatch" | "mixed_price_included" | "journal_used" | "closing_journal_reserved" | "too_few_lines" | "amount_currency_mismatch" | "one_of_debit_credit" | "amount_currency_sign" | "account_currency" | "partner_required" | "control_account" | "tax_required" | "unbalanced" | "zero_entry" | "before_last_numbered" | "no_file_open" | "cannot_write_file" | "cannot_create_folder" | "consolidation_rate_missing" | "insufficient_stock" | "short_at_date" | "costing_method_locked" | "not_a_done_receipt" | "same_warehouse" | "same_location" | "wrong_location_kind" | "lot_required" | "lot_not_tracked" | "serial_quantity" | "serial_on_hand" | "not_stockable" | "quantity_rounds_to_zero" | "has_stock_moves" | "serial_count" | "not_in_count_scope" | "kit_holds_no_stock" | "below_minimum" | "not_supplier" | "exceeds_remaining" | "exceeds_open" | "currency_differs" | "other_partner" | "nothing_open" | "amounts_differ" | "already_reconciled" | "statement_chain_broken" | "statement_unbalanced" | "invalid_statement_file" | "bom_cycle" | "no_bom" | "lots_do_not_add_up";

export type FieldError = { 
/**
 * The field's name as in the command's args (dotted for nested fields: `address.city`).
 */
field: string, 
/**
 * What is wrong: translate this, not `message`.
 */
code: FieldCode, 
/**
 * The values the code's message names (`max`, `sku`, ...); always present, often empty.
 */
params: Record<string, string>, 
/**
 * English, derived from `code` and `params` (for the CLI and logs).
 */
message: string, };

export type FinanceSettings = { 
/**
 * A payment within this many days of an invoice's date may take the discount (0: none).
 */
discount_days: number, 
/**
 * Percent off the invoice total.
 */
discount_percent: string, discount_given_account_id: AccountId | null, discount_taken_account_id: AccountId | null, cash_difference_account_id: AccountId | null, unrealised_gain_account_id: AccountId | null, unrealised_loss_account_id: AccountId | null, 
/**
 * The upper bounds in days of the overdue aging buckets after "current" (30, 60, 90 → 1–30, 31–60, 61–90, 90+).
 */
aging_buckets: Array<number>, };

export type FinishArgs = { id: ProductionOrderId, date?: string, };

export type FiscalYear = { id: FiscalYearId, name: string, start_date: string, end_date: string, closed: boolean, closing_entry_id: EntryId | null, periods: Array<Period>, };

export type FiscalYearArg = { id: FiscalYearId, };

export type FiscalYearId = number;

export type FromReorderArgs = { warehouse_id?: WarehouseId, 
/**
 * Default: today.
 */
date?: string, idempotency_key?: string, };

export type FromReorderResult = { orders: Array<OrderRow>, skipped: Array<SkippedReorder>, };

export type GeneralLedger = { account_id: AccountId, code: string, name: string, type: AccountType, from: string, to: string, currency: string, 
/**
 * Debit minus credit before `from`.
 */
opening: string, 
/**
 * Debits and credits of the whole range (every page).
 */
debit: string, credit: string, closing: string, 
/**
 * Lines in the range, in (date, line) order: this page.
 */
lines: Array<LedgerLine>, line_count: number, next_cursor: string | null, };

export type GeneralLedgerArgs = { account_id: AccountId, from: string, to: string, 
/**
 * Only lines whose description, entry number, reference or partner contains this;
 * each keeps the account's true running balance.
 */
search?: string, limit?: number, 
/**
 * The `next_cursor` of the previous page.
 */
cursor?: string, };

export type GenerateVariantsArgs = { product_id: ProductId, 
/**
 * `{parent}` is the template's SKU, `{Size}` the variant's value of the attribute
 * Size, and so on. Default: `{parent}-{A}-{B}...` over the template's attributes.
 */
sku_pattern?: string, };

export type GeneratedVariants = { 
/**
 * The variants made now (combinations that already had a variant are skipped).
 */
created: Array<Product>, existing: number, };

export type GetCountArgs = { id: CountId, 
/**
 * A blind count's expected quantities and differences, for reviewing before posting:
 * only for callers who may change the inventory setup (`inventory.change_setup`).
 */
review?: boolean, };

export type IdArg<T> = { id: T, };

export type ImportArgs = { 
/**
 * The file's text (UTF-8 CSV with a header row).
 */
csv: string, 
/**
 * Only check: report what is wrong and what would be created; write nothing.
 */
dry_run: boolean, };

export type ImportChartArgs = { 
/**
 * CSV with the columns code, name, type, subtype and optionally parent, group,
 * reconcilable, currency, default.
 */
csv: string, dry_run: boolean, };

export type ImportOpeningArgs = { 
/**
 * CSV with the columns account (code), debit, credit and optionally partner (code),
 * description.
 */
csv: string, 
/**
 * The opening entry's date.
 */
date: string, dry_run: boolean, 
/**
 * The account that takes the difference when debits and credits differ (e.g. 3900
 * Opening balance equity); without it an unbalanced file is refused.
 */
balance_account_code?: string, };

export type ImportOpeningResult = { report: ImportReport, entry: PostedEntry | null, };

export type ImportPartnersArgs = { 
/**
 * The CSV text (UTF-8, header row first).
 */
csv: string, 
/**
 * Check every row and report, writing nothing.
 */
dry_run: boolean, };

export type ImportRatesArgs = { 
/**
 * CSV text with the columns currency, date (YYYY-MM-DD), rate.
 */
csv: string, dry_run: boolean, };

export type ImportReport = { dry_run: boolean, 
/**
 * True when the rows were written (no error and not a dry run).
 */
committed: boolean, 
/**
 * Data rows read.
 */
rows: number, 
/**
 * Records created (or, on a dry run, that would be).
 */
created: number, 
/**
 * Rows that named records that already exist and left them as they are.
 */
unchanged: number, 
/**
 * Every problem found, in row order. Nothing is written while there is one.
 */
errors: Array<RowError>, };

export type ImportStatementArgs = { bank_account_id: BankAccountId, 
/**
 * The file, base64.
 */
content: string, file_name: string, 
/**
 * Default: detected from the content.
 */
format?: StatementFormat, 
/**
 * For CSV: default the account's saved mapping.
 */
mapping?: StatementCsvMapping, 
/**
 * Save `mapping` on the bank account for its next CSV files.
 */
save_mapping?: boolean, 
/**
 * Check and report, write nothing.
 */
dry_run?: boolean, };

export type ImportStatementResult = { format: StatementFormat, dry_run: boolean, statements: Array<ImportedStatement>, lines: number, duplicates: number, };

export type ImportedStatement = { id: StatementId | null, bank_ref: string, date: string, opening: string | null, closing: string | null, lines: number, 
/**
 * Lines already imported before (same fingerprint): skipped.
 */
duplicates: number, };

export type InventoryCheck = { ok: boolean, quants: number, done_moves: number, 
/**
 * Maintained quantities that differ from the sum of the done moves.
 */
drift: Array<QuantDrift>, 
/**
 * Below zero while the company does not allow negative stock.
 */
negative: Array<QuantDrift>, 
/**
 * Serials on hand in more than one place, or more than one of them.
 */
serials_in_two_places: Array<LotId>, 
/**
 * Products whose cost-state quantity differs from their done moves (owned locations).
 */
cost_drift: Array<ProductId>, 
/**
 * The valuation total and the inventory account's balance (none without books): equal.
 */
valuation_total: string, inventory_account_balance: string | null, };

export type InventorySettings = { 
/**
 * When false (the default), a move that would take an internal location below zero is refused.
 */
allow_negative_stock: boolean, costing_method: CostingMethod, 
/**
 * Where adjustments and scrap post their value (loss/gain).
 */
loss_account_id: AccountId | null, };

export type Invoice = { id: InvoiceId, side: Side, kind: InvoiceKind, state: InvoiceState, number: string | null, order_id: OrderId | null, order_number: string | null, credited_invoice_id: InvoiceId | null, partner_id: PartnerId, partner_name: string, billing_address_id: PartnerAddressId | null, currency: string, rate: string, date: string, due_date: string, reference: string, notes: string, net: string, tax: string, rounding: string, total: string, taxes: Array<TaxTotal>, entry_id: EntryId | null, 
/**
 * What is still to be paid (or refunded), in the document's currency; none for drafts.
 */
open_amount: string | null, pay_state: PayState | null, lines: Array<InvoiceLine>, };

export type InvoiceId = number;

export type InvoiceInput = { partner_id: PartnerId, date: string, due_date?: string, currency?: string, rate?: string, reference?: string, notes?: string, 
/**
 * On create: the same key twice returns the first result and writes nothing.
 */
idempotency_key?: string, lines: Array<LineInput>, };

export type InvoiceKind = "invoice" | "credit";

export type InvoiceLine = { id: InvoiceLineId, line_no: number, order_line_id: OrderLineId | null, product_id: ProductId | null, sku: string | null, description: string, unit_id: UnitId | null, unit_code: string | null, quantity: string, unit_price: string, discount: string, tax_ids: Array<TaxId>, net: string, tax: string, gross: string, 
/**
 * What credit (debit) notes not cancelled, drafts included, take of this line: what
 * is left to credit is `quantity − credited` (0 on a credit note's own lines).
 */
credited: string, };

export type InvoiceLineId = number;

export type InvoiceOrderArgs = { order_id: OrderId, date?: string, 
/**
 * Default: every line's whole quantity to invoice (to credit).
 */
lines?: Array<QuantityLine>, 
/**
 * Sales: `ordered` invoices ordered quantities before delivery; default: the
 * company's policy.
 */
policy?: InvoicePolicy, idempotency_key?: string, };

export type InvoicePolicy = "delivered" | "ordered";

export type InvoiceRow = { id: InvoiceId, kind: InvoiceKind, state: InvoiceState, number: string | null, partner_id: PartnerId, partner_name: string, order_number: string | null, date: string, due_date: string, currency: string, total: string, reference: string, open_amount: string | null, pay_state: PayState | null, };

export type InvoiceState = "draft" | "posted" | "cancelled";

export type InvoiceStatus = "none" | "to_invoice" | "to_credit" | "up_to_date" | "invoiced";

export type ItemAmount = { item_id: ItemId, amount: string, };

export type ItemId = number;

export type ItemSide = "receivable" | "payable";

export type Journal = { id: JournalId, code: string, name: string, kind: JournalKind, account_id: AccountId | null, archived: boolean, };

export type JournalId = number;

export type JournalInput = { code: string, name: string, kind: JournalKind, account_id?: AccountId, };

export type JournalKind = "sales" | "purchase" | "bank" | "cash" | "stock" | "general" | "opening" | "closing";

export type JournalLineId = number;

export type JournalReport = { from: string, to: string, currency: string, 
/**
 * Posted entries in the range, in (date, id) order: this page.
 */
entries: Array<JournalReportEntry>, 
/**
 * Entries and the sum of their debits over the whole range.
 */
count: number, total: string, next_cursor: string | null, };

export type JournalReportArgs = { from: string, to: string, journal_id?: JournalId, limit?: number, cursor?: string, };

export type JournalReportEntry = { id: EntryId, number: string, date: string, journal_code: string, reference: string, memo: string, source: Source, total: string, lines: Array<JournalReportLine>, };

export type JournalReportLine = { line_no: number, account_id: AccountId, account_code: string, account_name: string, partner_name: string | null, description: string, debit: string, credit: string, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type LandedCost = { id: number, picking_id: PickingId, date: string, amount: string, split: LandedSplit, account_id: AccountId | null, description: string, 
/**
 * Its stock journal entry (none without books).
 */
entry_id: EntryId | null, lines: Array<LandedCostLine>, };

export type LandedCostLine = { move_id: MoveId, product_id: ProductId, sku: string, amount: string, };

export type LandedSplit = "value" | "quantity";

export type LedgerCheck = { ok: boolean, entries: number, lines: number, 
/**
 * Posted entries whose debits and credits differ.
 */
unbalanced_entries: Array<EntryId>, 
/**
 * Balance rows that differ from the sums of their lines.
 */
drift: Array<BalanceDrift>, 
/**
 * Series whose numbers skip or repeat a value.
 */
numbering_gaps: Array<string>, 
/**
 * Receivable and payable items that differ from their allocations or whose open
 * amounts do not sum to their control account's balance.
 */
subledger: Array<string>, 
/**
 * Reconciled bank statements whose period changed in the books since.
 */
bank_assertions: Array<string>, 
/**
 * Sales and purchase report sums (`trade_sums`, `trade_cost_sums`) that differ from
 * the posted invoices' lines and the sales orders' done moves.
 */
trade_sums: Array<string>, };

export type LedgerLine = { line_id: number, date: string, entry_id: EntryId, entry_number: string, journal_code: string, account_id: AccountId, account_code: string, 
/**
 * The line's description, else the entry's memo, else its reference.
 */
description: string, partner_id: PartnerId | null, partner_name: string | null, debit: string, credit: string, 
/**
 * Running balance (debit minus credit) after this line.
 */
balance: string, 
/**
 * The document the entry comes from, so the UI can open it.
 */
source: Source, };

export type LineDraft = { account_id: AccountId | null, partner_id?: PartnerId, description: string, debit: string, credit: string, currency?: string, amount_currency?: string, tax_id?: TaxId, tax_base?: string, };

export type LineInput = { 
/**
 * A transactable product (simple, variant or kit); none for a free-text line.
 */
product_id?: ProductId, 
/**
 * Default: the product's name. Required on a free-text line.
 */
description?: string, quantity: string, 
/**
 * Any unit of the product's dimension; default: the product's unit.
 */
unit_id?: UnitId, 
/**
 * Per unit of the line, in the document's currency. Default: the price list's or
 * the supplier's price, else the product's sale price (sales) or cost (purchases).
 */
unit_price?: string, 
/**
 * Percent, 0 to 100, at most 2 decimals.
 */
discount?: string, 
/**
 * Default: the product's taxes for the side (none on a free-text line).
 */
tax_ids?: Array<TaxId>, };

export type LineKind = "group" | "account" | "computed";

export type ListAccountsArgs = { 
/**
 * Code or name contains (case-insensitive).
 */
search?: string, include_archived?: boolean, 
/**
 * Only accounts lines can post to (no groups).
 */
postable_only?: boolean, limit?: number, };

export type ListApiTokensArgs = { 
/**
 * Every user's tokens (administrators only); default: the caller's own.
 */
all_users?: boolean, 
/**
 * Include revoked and expired tokens; default false.
 */
include_inactive?: boolean, };

export type ListAttributesArgs = { 
/**
 * Search (words of the name), sort (`name`), paging.
 */
query?: ListQuery, };

export type ListAuditArgs = { 
/**
 * Rows older than this id (for the next page).
 */
before?: AuditId, 
/**
 * At most this many rows (default 100, at most 1000).
 */
limit?: number, entity?: string, command?: string, };

export type ListBomsArgs = { 
/**
 * SKU or name of the product made, or the BOM's name.
 */
search?: string, product_id?: ProductId, include_archived?: boolean, limit?: number, 
/**
 * The last row's id of the previous page.
 */
after?: BomId, };

export type ListBrandsArgs = { 
/**
 * Search (words of the name), sort (`name`), paging, include_archived.
 */
query?: ListQuery, };

export type ListCategoriesArgs = { 
/**
 * Search (words of the name), sort (`path`, `name`), paging.
 */
query?: ListQuery, 
/**
 * Only the direct children of this category.
 */
parent_id?: CategoryId, 
/**
 * Only root categories.
 */
roots_only?: boolean, };

export type ListCitiesArgs = { state_id: number, search?: string, 
/**
 * At most this many (default 100, at most 1000).
 */
limit?: number, };

export type ListCompaniesArgs = { include_archived?: boolean, };

export type ListCountriesArgs = { 
/**
 * Part of the name or code.
 */
search?: string, };

export type ListCountsArgs = { state?: CountState, warehouse_id?: WarehouseId, 
/**
 * Words of the number or note.
 */
search?: string, 
/**
 * Rows per page: default 50, at most 500.
 */
limit?: number, 
/**
 * The `next_cursor` of the previous page.
 */
cursor?: string, };

export type ListDocsArgs = { state?: string, partner_id?: PartnerId, date_from?: string, date_to?: string, min_total?: string, max_total?: string, 
/**
 * Only documents with a line of this product.
 */
product_id?: ProductId, 
/**
 * Invoice lists: only invoices or only credit notes.
 */
kind?: InvoiceKind, 
/**
 * Open work only: orders with something to deliver or to invoice (`to_deliver`,
 * `to_invoice`).
 */
open?: string, 
/**
 * Words of the number, reference or partner name.
 */
search?: string, 
/**
 * `date` (default), `number`, `total` or `partner`.
 */
sort?: string, desc?: boolean, limit?: number, cursor?: string, };

export type ListEntriesArgs = { search?: string, journal_id?: JournalId, state?: EntryState, from?: string, to?: string, limit?: number, 
/**
 * The `next_cursor` of the previous page.
 */
cursor?: string, };

export type ListLocationsArgs = { 
/**
 * Only this warehouse's locations (virtual locations are then left out).
 */
warehouse_id?: WarehouseId, include_archived?: boolean, };

export type ListLotsArgs = { product_id?: ProductId, 
/**
 * Words of the lot code.
 */
search?: string, 
/**
 * Rows per page: default and at most 500.
 */
limit?: number, 
/**
 * The last lot of the previous page: the page continues after it (by SKU, then code).
 */
after?: LotId, };

export type ListOrdersArgs = { state?: ProductionState, product_id?: ProductId, 
/**
 * Number, SKU, product name or origin.
 */
search?: string, limit?: number, 
/**
 * The last row's id of the previous page (newest first).
 */
before?: ProductionOrderId, };

export type ListPartnersArgs = { query?: ListQuery, 
/**
 * Only customers, or only suppliers.
 */
role?: PartnerRole, };

export type ListPaymentsArgs = { partner_side?: PartnerSide, partner_id?: PartnerId, bank_account_id?: BankAccountId, from?: string, to?: string, search?: string, limit?: number, offset?: number, };

export type ListPickingsArgs = { 
/**
 * Words of the number or reference.
 */
search?: string, kind?: PickingKind, state?: PickingState, warehouse_id?: WarehouseId, 
/**
 * Rows per page: default 50, at most 500.
 */
limit?: number, 
/**
 * The `next_cursor` of the previous page.
 */
cursor?: string, };

export type ListPriceListsArgs = { include_archived?: boolean, 
/**
 * Words each found in the name (case-insensitive, any script) or the currency code.
 */
search?: string, };

export type ListProductsArgs = { 
/**
 * Search (name, SKU, barcode), sort (`name`, `sku`, `sale_price`, `cost`,
 * `updated_at`), paging, include_archived.
 */
query?: ListQuery, 
/**
 * Products in this category or any category below it.
 */
category_id?: CategoryId, brand_id?: BrandId, kind?: ProductKind, 
/**
 * Only the variants of this template.
 */
parent_id?: ProductId, 
/**
 * Leave variants out (templates stand for them).
 */
hide_variants?: boolean, 
/**
 * Only products that can be sold or stocked (no templates).
 */
transactable_only?: boolean, };

export type ListQuery = { 
/**
 * Words to find (full-text, prefix match on each word).
 */
search?: string, 
/**
 * A sortable field of this list (each list names its own); default per list.
 */
sort?: string, desc?: boolean, 
/**
 * Rows per page: default 50, at most 500.
 */
limit?: number, 
/**
 * The `next_cursor` of the previous page.
 */
cursor?: string, include_archived?: boolean, };

export type ListRatesArgs = { currency?: string, limit?: number, };

export type ListReorderRulesArgs = { product_id?: ProductId, warehouse_id?: WarehouseId, 
/**
 * Words of the product's SKU or name.
 */
search?: string, include_archived?: boolean, 
/**
 * Rows per page: default 50, at most 500.
 */
limit?: number, 
/**
 * The `next_cursor` of the previous page.
 */
cursor?: string, };

export type ListStatesArgs = { country_code: string, search?: string, };

export type ListSupplierPricesArgs = { product_id?: ProductId, partner_id?: PartnerId, };

export type ListUnitsArgs = { 
/**
 * Search (words of the code or name), sort (`dimension`, `code`), paging.
 */
query?: ListQuery, dimension?: Dimension, };

export type ListUsersArgs = { 
/**
 * Matches email or display name.
 */
search?: string, include_inactive?: boolean, };

export type Location = { id: LocationId, kind: LocationKind, warehouse_id: WarehouseId | null, parent_id: LocationId | null, name: string, 
/**
 * Names from the warehouse code down (`WH/Stock/Shelf A`), or `Virtual/Customers`.
 */
full_name: string, 
/**
 * 0 for a warehouse's root and for virtual locations.
 */
depth: number, archived: boolean, };

export type LocationId = number;

export type LocationKind = "internal" | "supplier" | "customer" | "inventory_loss" | "production" | "transit";

export type LoginArgs = { email: string, password: string, };

export type LoginResult = { 
/**
 * Bearer token for later calls; keep it secret.
 */
token: string, expires_at: string, user: User, };

export type Lot = { id: LotId, product_id: ProductId, sku: string, code: string, expiry_date: string | null, 
/**
 * On hand in internal locations now.
 */
on_hand: string, };

export type LotId = number;

export type LotQuantity = { product_id: ProductId, 
/**
 * In the product's unit.
 */
quantity: string, lot_id?: LotId, lot_code?: string, };

export type LotTrace = { lot: Lot, 
/**
 * Every done move of the lot, oldest first: read backwards for where it came from,
 * forwards for where it went.
 */
moves: Array<MoveRow>, 
/**
 * Where it is now (internal locations with a quantity other than zero).
 */
on_hand: Array<OnHandRow>, };

export type Match = { id: MatchId, partner_id: PartnerId, date: string, currency: string, 
/**
 * The realised exchange difference posted with it.
 */
fx_entry_id: EntryId | null, fx_amount: string, reverses_id: MatchId | null, reversed_by: MatchId | null, rows: Array<MatchRow>, };

export type MatchId = number;

export type MatchRow = { item_id: ItemId, document: string, amount: string, base: string, };

export type Me = { user: User, companies: Array<CompanySummary>, 
/**
 * Permission codenames per company id the user is a member of (all for a superuser).
 */
permissions: Array<CompanyPermissions>, };

export type Membership = { id: MembershipId, user_id: UserId, email: string, display_name: string, user_active: boolean, role_id: RoleId, role_name: string, };

export type MembershipId = number;

export type Move = { id: MoveId, line_no: number, state: PickingState, product_id: ProductId, sku: string, 
/**
 * The kit this move is a component of, when the line was a kit.
 */
kit_id: ProductId | null, entered_quantity: string, entered_unit_id: UnitId, entered_unit_code: string, 
/**
 * The entered unit's factor when the line was entered.
 */
entered_factor: string, 
/**
 * In the product's unit, rounded once to its decimals.
 */
quantity: string, unit_code: string, from_location_id: LocationId, from_location: string, to_location_id: LocationId, to_location: string, lot_id: LotId | null, lot_code: string | null, date: string, unit_cost: string | null, 
/**
 * The value it moved into (+) or out of (−) stock, once done (base currency).
 */
value: string | null, };

export type MoveCategoryArgs = { id: CategoryId, 
/**
 * The new parent; absent or null makes it a root category.
 */
parent_id?: CategoryId, };

export type MoveId = number;

export type MoveInput = { product_id: ProductId, 
/**
 * In `unit_id` (default: the product's unit); any unit of the product's dimension.
 */
quantity: string, unit_id?: UnitId, 
/**
 * Default: the picking's.
 */
from_location_id?: LocationId, to_location_id?: LocationId, 
/**
 * The lot or serial of a tracked product: by id, or by code (a new code creates the
 * lot on a move that brings stock into the company).
 */
lot_id?: LotId, lot_code?: string, 
/**
 * Cost per unit entered, where stock enters the company (receipts, gains); default:
 * the product's moving-average cost (its catalog cost before it has one).
 */
unit_cost?: string, };

export type MoveRow = { move_id: MoveId, picking_id: PickingId, picking_number: string | null, kind: PickingKind, date: string, product_id: ProductId, sku: string, from_location: string, to_location: string, lot_code: string | null, quantity: string, 
/**
 * + entering the scope, − leaving it, 0 within it.
 */
change: string, 
/**
 * The scope's quantity after this move.
 */
running_quantity: string, };

export type NoArgs = Record<symbol, never>;

export type OnHand = { product_id: ProductId, unit_code: string, on_hand: string, 
/**
 * Reserved by ready outgoing moves (only for today's stock).
 */
reserved: string | null, 
/**
 * On hand − reserved (only for today's stock).
 */
available: string | null, rows: Array<OnHandRow>, };

export type OnHandArgs = { product_id: ProductId, warehouse_id?: WarehouseId, 
/**
 * This internal location and the ones under it.
 */
location_id?: LocationId, lot_id?: LotId, 
/**
 * Stock at the end of this day, from the done moves (default: now, from the
 * maintained quantities).
 */
date?: string, };

export type OnHandRow = { location_id: LocationId, location: string, lot_id: LotId | null, lot_code: string | null, quantity: string, };

export type OpenItem = { id: ItemId, side: ItemSide, partner_id: PartnerId, partner_name: string, account_id: AccountId, entry_id: EntryId, 
/**
 * The document's number (invoice, credit note, payment) or the entry's.
 */
document: string, 
/**
 * invoice, credit, payment, refund, fx or entry.
 */
kind: string, 
/**
 * The trade invoice behind the item, if any.
 */
invoice_id: number | null, payment_id: PaymentId | null, date: string, due_date: string, currency: string, 
/**
 * Signed: positive is owed to the company (a receivable debit, a payable debit).
 */
amount: string, base: string, open_amount: string, open_base: string, };

export type OpenItemsArgs = { side: ItemSide, partner_id?: PartnerId, currency?: string, 
/**
 * Only items open at this date (default: now, by the maintained open amounts).
 */
at?: string, 
/**
 * Include items fully matched (the partner's whole history).
 */
include_closed?: boolean, limit?: number, };

export type OpenLine = { order_id: OrderId, number: string, date: string, partner_name: string, line_no: number, sku: string | null, description: string, unit_code: string | null, ordered: string, open: string, 
/**
 * The open quantity's net amount in the order's currency.
 */
amount: string, currency: string, };

export type OpenLinesArgs = { 
/**
 * `to_deliver` (backorders: to receive on the purchase side) or `to_invoice` (to bill).
 */
what?: OpenWork, partner_id?: PartnerId, };

export type OpenWork = "to_deliver" | "to_invoice";

export type OperationMinutes = { 
/**
 * The operation's position on the order (1-based).
 */
position: number, minutes: string, };

export type Order = { id: OrderId, side: Side, state: OrderState, number: string | null, partner_id: PartnerId, partner_name: string, billing_address_id: PartnerAddressId | null, shipping_address_id: PartnerAddressId | null, currency: string, rate: string, date: string, payment_terms_days: number, warehouse_id: WarehouseId | null, reference: string, notes: string, net: string, tax: string, rounding: string, total: string, taxes: Array<TaxTotal>, delivery_status: DeliveryStatus, invoice_status: InvoiceStatus, lines: Array<OrderLine>, 
/**
 * Deliveries or receipts, and their returns.
 */
pickings: Array<DocRef>, invoices: Array<DocRef>, };

export type OrderId = number;

export type OrderInput = { 
/**
 * A customer (sales) or a supplier (purchases).
 */
partner_id: PartnerId, date: string, 
/**
 * Default: the partner's currency.
 */
currency?: string, 
/**
 * Base currency per unit of the document's; default: the rate on the date.
 */
rate?: string, 
/**
 * Default: the partner's.
 */
payment_terms_days?: number, 
/**
 * Default: the partner's default billing address.
 */
billing_address_id?: PartnerAddressId, 
/**
 * Default: the partner's default shipping address.
 */
shipping_address_id?: PartnerAddressId, 
/**
 * Where goods leave from or arrive; default: the company's first warehouse.
 */
warehouse_id?: WarehouseId, reference?: string, notes?: string, 
/**
 * On create: the same key twice returns the first result and writes nothing.
 */
idempotency_key?: string, lines: Array<LineInput>, };

export type OrderLine = { id: OrderLineId, line_no: number, product_id: ProductId | null, sku: string | null, description: string, unit_id: UnitId | null, unit_code: string | null, 
/**
 * Whether the line moves stock (a stockable product or a kit).
 */
ships: boolean, 
/**
 * The product's tracking (`none`, `lot`, `serial`): deliveries name a lot or serial.
 */
tracking: string | null, quantity: string, unit_price: string, discount: string, tax_ids: Array<TaxId>, net: string, tax: string, gross: string, delivered: string, returned: string, invoiced: string, credited: string, cancelled: string, 
/**
 * Ordered − cancelled − delivered (0 on lines that do not ship).
 */
to_deliver: string, 
/**
 * Due under the policy − (invoiced − credited); negative when a credit is due.
 */
to_invoice: string, };

export type OrderLineId = number;

export type OrderOperation = { position: number, name: string, work_centre_id: WorkCentreId, work_centre_code: string, planned_minutes: string, done_minutes: string, cost_per_hour: string, value: string, };

export type OrderOutput = { product_id: ProductId, sku: string, 
/**
 * A by-product (otherwise the product the order makes).
 */
byproduct: boolean, lot_id: LotId | null, lot_code: string | null, produced: string, unbuilt: string, 
/**
 * The value it went into stock with.
 */
value: string, };

export type OrderRow = { id: OrderId, state: OrderState, number: string | null, partner_id: PartnerId, partner_name: string, date: string, currency: string, total: string, reference: string, delivery_status: DeliveryStatus, invoice_status: InvoiceStatus, };

export type OrderState = "draft" | "sent" | "confirmed" | "done" | "cancelled";

export type Page<T> = { items: Array<T>, 
/**
 * Rows matching the filters, over all pages.
 */
total: number, 
/**
 * Pass as `cursor` for the next page; absent on the last page.
 */
next_cursor: string | null, };

export type Partner = { id: PartnerId, code: string, name: string, legal_name: string, tax_id: string, email: string, phone: string, website: string, is_customer: boolean, is_supplier: boolean, payment_terms_days: number, credit_limit: string, currency: string, 
/**
 * The language of the documents printed for them (`en`, `de`); '' = the company's.
 */
language: string, notes: string, archived: boolean, created_at: string, updated_at: string, addresses: Array<PartnerAddress>, contacts: Array<Contact>, };

export type PartnerAddress = { id: PartnerAddressId, kind: AddressKind, is_default: boolean, address: Address, };

export type PartnerAddressId = number;

export type PartnerAddressInput = { 
/**
 * An existing address's id when updating it; absent for a new one.
 */
id?: PartnerAddressId, kind?: AddressKind, is_default?: boolean, line1?: string, line2?: string, postal_code?: string, country_code: string, state_id?: number | null, city_id?: number | null, };

export type PartnerFields = { code?: string, name?: string, legal_name?: string, tax_id?: string, email?: string, phone?: string, website?: string, is_customer?: boolean, is_supplier?: boolean, payment_terms_days?: number, credit_limit?: string, currency?: string, 
/**
 * The language of their printed documents: `en`, `de`, or '' for the company's.
 */
language?: string, notes?: string, addresses?: Array<PartnerAddressInput>, contacts?: Array<ContactInput>, };

export type PartnerId = number;

export type PartnerKind = "receivable" | "payable";

export type PartnerLedger = { kind: PartnerKind, from: string, to: string, currency: string, rows: Array<PartnerLedgerRow>, totals: BalanceTotals, 
/**
 * With `partner_id`: that partner's lines in the range, with the running balance.
 */
lines: Array<LedgerLine>, };

export type PartnerLedgerArgs = { kind: PartnerKind, from: string, to: string, 
/**
 * One partner: its lines too.
 */
partner_id?: PartnerId, };

export type PartnerLedgerRow = { partner_id: PartnerId, partner_code: string, partner_name: string, 
/**
 * Debit minus credit before `from`.
 */
opening: string, debit: string, credit: string, closing: string, };

export type PartnerRole = "customer" | "supplier";

export type PartnerRow = { id: PartnerId, code: string, name: string, email: string, phone: string, tax_id: string, is_customer: boolean, is_supplier: boolean, 
/**
 * The city name and country code of the partner's billing address: the default
 * billing address, else the first billing address, else the first address of any
 * kind. `city_name` is null when that address names no city.
 */
city_name: string | null, country_code: string | null, currency: string, archived: boolean, };

export type PartnerSide = "customer" | "supplier";

export type PartnerStatement = { partner_id: PartnerId, partner_name: string, side: ItemSide, from: string, to: string, currency: string, opening: string, entries: Array<StatementEntry>, closing: string, 
/**
 * The items open at `to`, oldest due first.
 */
open_items: Array<OpenItem>, aging: Aging, };

export type PartnerStatementArgs = { partner_id: PartnerId, side: ItemSide, from: string, to: string, };

export type PayState = "unpaid" | "partial" | "paid";

export type Payment = { id: PaymentId, number: string, partner_side: PartnerSide, direction: Direction, bank_account_id: BankAccountId, bank_account_name: string, partner_id: PartnerId, partner_name: string, date: string, currency: string, rate: string, amount: string, base: string, discount: string, reference: string, memo: string, entry_id: EntryId, item_id: ItemId, cancelled: boolean, reconciled: boolean, 
/**
 * What is not allocated yet (the partner's credit from this payment).
 */
unallocated: string, allocations: Array<PaymentAllocation>, };

export type PaymentAllocation = { match_id: MatchId, item_id: ItemId, document: string, date: string, amount: string, };

export type PaymentId = number;

export type PaymentInput = { partner_side: PartnerSide, 
/**
 * Default: in from a customer, out to a supplier; the other way is a refund.
 */
direction?: Direction, bank_account_id: BankAccountId, partner_id: PartnerId, date: string, 
/**
 * In the bank account's currency, positive.
 */
amount: string, 
/**
 * Base currency per unit of the account's currency (default: the rate on the date).
 */
rate?: string, reference: string, memo: string, 
/**
 * Items to allocate to; none and `auto_allocate` unset: the whole amount stays as
 * the partner's credit.
 */
allocations: Array<ItemAmount>, 
/**
 * Allocate to the oldest open items (by due date) what `allocations` does not.
 */
auto_allocate?: boolean, 
/**
 * An early-payment discount taken on the allocated invoices (document currency),
 * within the company's discount terms.
 */
discount?: string, idempotency_key?: string, };

export type PaymentRow = { id: PaymentId, number: string, partner_side: PartnerSide, direction: Direction, bank_account_name: string, partner_id: PartnerId, partner_name: string, date: string, currency: string, amount: string, unallocated: string, reference: string, cancelled: boolean, };

export type Peg = { kind: PegKind, source_id: number | null, reference: string, date: string, quantity: string, };

export type PegKind = "sales_order" | "production_order" | "reorder_rule" | "proposal";

export type Period = { id: PeriodId, fiscal_year_id: FiscalYearId, name: string, start_date: string, end_date: string, closed: boolean, 
/**
 * The year's closing period: it holds only the year-end closing entry.
 */
is_closing: boolean, };

export type PeriodArgs = { from: string, to: string, };

export type PeriodId = number;

export type Permission = { codename: string, module: string, description: string, };

export type Picking = { id: PickingId, kind: PickingKind, state: PickingState, number: string | null, warehouse_id: WarehouseId, from_location_id: LocationId, to_location_id: LocationId, date: string, partner_id: PartnerId | null, reference: string, reason: string, source: StockSource | null, 
/**
 * The stock journal entry of its value, once done (none when it moved no value or
 * the company keeps no books).
 */
entry_id: EntryId | null, moves: Array<Move>, };

export type PickingId = number;

export type PickingInput = { kind: PickingKind, warehouse_id: WarehouseId, 
/**
 * Default per kind: receipt from Suppliers, delivery/internal/adjustment/scrap from
 * the warehouse's stock.
 */
from_location_id?: LocationId, 
/**
 * Default per kind: receipt to the warehouse's stock, delivery to Customers,
 * adjustment/scrap to Inventory loss; an internal transfer names it.
 */
to_location_id?: LocationId, date: string, partner_id?: PartnerId, reference?: string, 
/**
 * Required for adjustments and scrap.
 */
reason?: string, source?: StockSource, lines: Array<MoveInput>, };

export type PickingKind = "receipt" | "delivery" | "internal" | "adjustment" | "scrap" | "production";

export type PickingRow = { id: PickingId, kind: PickingKind, state: PickingState, number: string | null, warehouse_id: WarehouseId, date: string, reference: string, moves: number, partner_id: PartnerId | null, partner_name: string | null, from_location: string, to_location: string, };

export type PickingState = "draft" | "ready" | "done" | "cancelled";

export type PlanningRun = { id: PlanningRunId, date: string, horizon: string | null, state: RunState, proposals: Array<Proposal>, };

export type PlanningRunId = number;

export type PostBatchArgs = { 
/**
 * At most 50,000 entries.
 */
entries: Array<EntryDraft>, };

export type PostBatchResult = { posted: number, lines: number, first_id: EntryId | null, last_id: EntryId | null, };

export type PostCountArgs = { id: CountId, 
/**
 * The adjustment's date (default: today in the company's time zone).
 */
date?: string, 
/**
 * Lines nobody counted: count them as zero (true), or leave their stock as it is
 * (false, the default).
 */
zero_uncounted?: boolean, };

export type PostedEntry = { id: EntryId, number: string, date: string, period_id: PeriodId, total: string, };

export type PreferenceKeyArgs = { 
/**
 * `grid.products`: 1–100 of `a-z 0-9 . _ -`.
 */
key: string, };

export type PreferenceValue = { value: string | null, };

export type PreviewCsvArgs = { content: string, delimiter?: string, has_header: boolean, skip_rows: number, };

export type PriceList = { id: PriceListId, name: string, currency: string, valid_from: string | null, valid_to: string | null, partner_ids: Array<PartnerId>, items: Array<PriceListItem>, archived: boolean, };

export type PriceListId = number;

export type PriceListInput = { name: string, 
/**
 * Default: the company's base currency.
 */
currency?: string, valid_from?: string, valid_to?: string, 
/**
 * The customers it is for; none: every customer (a customer's own list comes first).
 */
partner_ids: Array<PartnerId>, items: Array<PriceListItemInput>, };

export type PriceListItem = { product_id: ProductId, sku: string, product_name: string, min_quantity: string, price: string | null, discount: string | null, };

export type PriceListItemInput = { product_id: ProductId, 
/**
 * In the product's unit; the item applies from this quantity on (default 0).
 */
min_quantity?: string, 
/**
 * A fixed price per product unit, in the list's currency…
 */
price?: string, 
/**
 * …or a discount in percent on the catalog price.
 */
discount?: string, };

export type ProduceArgs = { id: ProductionOrderId, 
/**
 * Of the product made, in its unit; at most what remains.
 */
quantity: string, date?: string, 
/**
 * Components used for this quantity. None: the BOM's share of each untracked
 * component for the quantity produced so far, less what was already consumed.
 */
consumption?: Array<LotQuantity>, 
/**
 * Lots or serials of the output (and of tracked by-products); a serial is one unit.
 */
lots: Array<LotQuantity>, 
/**
 * Actual minutes per operation; none: the planned share of the quantity.
 */
minutes: Array<OperationMinutes>, 
/**
 * Close the order after this output even if less than ordered was made (what is
 * left in WIP goes to the variance account). Default: close when nothing remains.
 */
finish?: boolean, };

export type Product = { id: ProductId, sku: string, barcode: string | null, name: string, description: string, category_id: CategoryId | null, category_name: string | null, brand_id: BrandId | null, brand_name: string | null, unit_id: UnitId, unit_code: string, kind: ProductKind, 
/**
 * A variant template: declares attributes; never sold or stocked itself.
 */
is_template: boolean, 
/**
 * The template this variant belongs to.
 */
parent_id: ProductId | null, 
/**
 * Made of components.
 */
is_kit: boolean, sale_price: string, 
/**
 * The stored cost (a kit's own is unused: see `effective_cost`).
 */
cost: string, 
/**
 * What the product costs: for a kit its components' rolled-up cost, otherwise `cost`.
 * Null only for a kit whose cost cannot be computed (a line too large, written before
 * the checks existed); `catalog.get_product` then names the problem.
 */
effective_cost: string | null, archived: boolean, created_at: string, updated_at: string, };

export type ProductArg = { product_id: ProductId, };

export type ProductDetail = { product: Product, 
/**
 * For a template: its attributes and values.
 */
attributes: Array<TemplateAttribute>, 
/**
 * For a variant: its value for each attribute of its template.
 */
variant_values: Array<VariantValue>, 
/**
 * For a template: how many variants it has.
 */
variant_count: number, 
/**
 * For a kit: its components.
 */
components: Array<Component>, 
/**
 * The cost: for a kit, rolled up from its components (recursively), else `cost`.
 */
effective_cost: string, };

export type ProductId = number;

export type ProductKind = "stockable" | "consumable" | "service";

export type ProductTaxes = { product_id: ProductId, sale: Array<TaxId>, purchase: Array<TaxId>, };

export type ProductTracking = { product_id: ProductId, sku: string, tracking: Tracking, };

export type ProductionCheck = { 
/**
 * The WIP account's balance (none without books).
 */
wip_balance: string | null, 
/**
 * The sum of every order's consumed + absorbed − produced.
 */
orders_wip: string, 
/**
 * Orders whose values differ from the sums of their steps.
 */
drifting_orders: Array<string>, ok: boolean, };

export type ProductionLineId = number;

export type ProductionOrder = { id: ProductionOrderId, number: string | null, state: ProductionState, product_id: ProductId, sku: string, product_name: string, tracking: Tracking, bom_id: BomId, bom_name: string, unit_code: string, quantity: string, produced: string, unbuilt: string, remaining: string, warehouse_id: WarehouseId, source_location_id: LocationId, dest_location_id: LocationId, date_planned: string, date_done: string | null, origin: string, 
/**
 * Per unit, rolled up from the BOM when the order was confirmed.
 */
standard_cost: string | null, consumed_value: string, absorbed_value: string, produced_value: string, 
/**
 * consumed + absorbed − produced: this order's share of the WIP account.
 */
wip_value: string, 
/**
 * Actual cost per unit produced (what the output carried), when something was.
 */
actual_unit_cost: string | null, 
/**
 * produced value − standard cost × produced: above zero, it cost more than planned.
 */
cost_variance: string | null, reservation_id: PickingId | null, lines: Array<ProductionOrderLine>, operations: Array<OrderOperation>, 
/**
 * The product and by-products made, by lot.
 */
outputs: Array<OrderOutput>, steps: Array<Step>, };

export type ProductionOrderId = number;

export type ProductionOrderLine = { id: ProductionLineId, position: number, kind: BomLineKind, product_id: ProductId, sku: string, name: string, unit_code: string, tracking: Tracking, 
/**
 * For the whole order, scrap included.
 */
planned: string, 
/**
 * What the quantity produced so far should have used (or yielded).
 */
expected: string, 
/**
 * Consumed (components) or produced (by-products).
 */
done: string, 
/**
 * done − expected: above zero, more was used than the BOM says.
 */
variance: string, value: string, cost_share: string, };

export type ProductionOrderRow = { id: ProductionOrderId, number: string | null, state: ProductionState, product_id: ProductId, sku: string, product_name: string, unit_code: string, quantity: string, produced: string, date_planned: string, origin: string, };

export type ProductionSettings = { 
/**
 * Work in progress: components and operations in, finished goods out.
 */
wip_account_id: AccountId | null, 
/**
 * Credited with the labour and overhead operations absorb.
 */
absorption_account_id: AccountId | null, 
/**
 * Takes what is left in WIP when an order closes short, and unbuilding differences.
 */
variance_account_id: AccountId | null, };

export type ProductionState = "draft" | "confirmed" | "in_progress" | "done" | "cancelled";

export type ProductionStepId = number;

export type ProfitAndLoss = { currency: string, columns: Array<StatementColumn>, 
/**
 * Income, then expenses.
 */
sections: Array<StatementSection>, 
/**
 * Income minus expenses, per column.
 */
net_profit: string[], };

export type ProfitAndLossArgs = { from: string, to: string, compare?: Compare, };

export type Proposal = { id: ProposalId, position: number, kind: ProposalKind, state: ProposalState, product_id: ProductId, sku: string, name: string, unit_code: string, 
/**
 * The product's low-level code: 0 for end items, its deepest BOM level otherwise.
 */
level: number, quantity: string, date_needed: string, 
/**
 * Needed less the lead time (the BOM's, or the supplier's).
 */
date_start: string, 
/**
 * Starting before the run's date would have been needed.
 */
late: boolean, bom_id: BomId | null, supplier_id: PartnerId | null, supplier_name: string | null, 
/**
 * The netting: on hand + incoming − demand, against the safety stock.
 */
on_hand: string, incoming: string, demand: string, safety: string, production_order_id: ProductionOrderId | null, production_order_number: string | null, purchase_order_id: number | null, purchase_order_number: string | null, pegs: Array<Peg>, };

export type ProposalChoice = { id: ProposalId, 
/**
 * Default: the proposed quantity.
 */
quantity?: string, 
/**
 * A purchase's supplier (default: the proposed one).
 */
supplier_id?: PartnerId, };

export type ProposalId = number;

export type ProposalKind = "produce" | "purchase";

export type ProposalState = "proposed" | "confirmed" | "dismissed" | "superseded";

export type QuantDrift = { product_id: ProductId, location_id: LocationId, lot_id: LotId | null, maintained: string, from_moves: string, };

export type QuantityLine = { line_id: number, quantity: string, 
/**
 * The lot or serial of a tracked product, on deliveries and receipts.
 */
lot_code?: string, };

export type RateForArgs = { currency: string, date: string, };

export type Reason = "invalid_input" | "reference_missing" | "invalid_data" | "value_too_long" | "bad_credentials" | "account_deactivated" | "sign_in_required" | "session_expired" | "api_token_invalid" | "api_token_revoked" | "api_token_expired" | "api_token_read_only" | "api_token_not_allowed" | "rate_limited" | "body_too_large" | "throttled" | "forbidden" | "admin_only" | "global_roles_admin_only" | "import_needs_permission" | "grant_beyond_own" | "owner_only" | "file_not_chosen" | "not_found" | "already_exists" | "in_use" | "field_conflict" | "partner_in_use" | "category_not_empty" | "role_in_use" | "builtin_role" | "last_owner" | "last_admin" | "cannot_deactivate_self" | "already_set_up" | "company_archived" | "company_not_empty" | "immutable" | "no_chart_of_accounts" | "account_has_postings" | "year_closed" | "year_open" | "closing_period_follows_year" | "earlier_year_open" | "later_year_closed" | "default_account_missing" | "no_journal_of_kind" | "entry_not_posted" | "entry_posted" | "already_reversed" | "closing_entry_follows_year" | "invalid_transition" | "picking_not_draft" | "location_has_stock" | "root_location" | "inventory_account_missing" | "count_closed" | "count_overlap" | "document_not_draft" | "order_not_confirmed" | "credit_limit_exceeded" | "billed_above_received" | "reconciled" | "payment_cancelled" | "not_a_cora_file" | "file_too_new" | "migration_failed" | "file_corrupt" | "cannot_open_file" | "backup_failed" | "internal";

export type RecReport = { bank_account_id: BankAccountId, date: string, currency: string, 
/**
 * The closing balance of the last statement up to the date (with balances).
 */
statement_balance: string | null, statement_date: string | null, book_balance: string, 
/**
 * Book lines up to the date no statement line is matched to.
 */
unreconciled_book: Array<BookLine>, 
/**
 * Statement lines up to the date matched to no book line.
 */
unreconciled_statement: Array<BankStatementLine>, 
/**
 * Book balance − unreconciled book lines + unreconciled statement lines: equals the
 * statement balance when everything is accounted for.
 */
adjusted_book_balance: string, };

export type RecReportArgs = { bank_account_id: BankAccountId, 
/**
 * Default: today.
 */
date?: string, };

export type ReconcileArgs = { bank_account_id: BankAccountId, statement_line_ids: Array<StatementLineId>, book_line_ids: Array<JournalLineId>, create?: CreateFromLine, };

export type Reconciliation = { id: BankRecId, bank_account_id: BankAccountId, statement_line_ids: Array<StatementLineId>, book_line_ids: Array<JournalLineId>, payment_id: PaymentId | null, move_id: BankMoveId | null, };

export type RenameCategoryArgs = { id: CategoryId, name: string, };

export type ReorderRule = { id: ReorderRuleId, product_id: ProductId, sku: string, product_name: string, unit_code: string, warehouse_id: WarehouseId, warehouse_code: string, min_qty: string, max_qty: string, multiple: string, supplier_id: PartnerId | null, supplier_name: string | null, archived: boolean, };

export type ReorderRuleId = number;

export type ReportKind = "trial_balance" | "general_ledger" | "journal" | "profit_and_loss" | "balance_sheet" | "partner_ledger" | "stock_report" | "to_reorder" | "stock_valuation" | "stock_moves" | "sales_report" | "purchase_report" | "sales_open_lines" | "purchase_open_lines" | "aging" | "partner_statement" | "cash_position" | "tax_report" | "cash_flow";

export type ReportTable = { title: string, subtitle: string, columns: Array<ReportTableColumn>, rows: Array<ReportTableRow>, };

export type ReportTableArgs = { report: ReportKind, 
/**
 * That report's own args.
 */
args: Record<string, unknown>, };

export type ReportTableColumn = { label: string, 
/**
 * Figures: right-aligned; exported as numbers.
 */
numeric: boolean, };

export type ReportTableRow = { 
/**
 * One text per column; figures as plain decimals (`-1234.50`), empty for none.
 */
cells: Array<string>, 
/**
 * Indentation of the first text column.
 */
level: number, 
/**
 * Headers, subtotals and totals.
 */
bold: boolean, };

export type ResetPasswordArgs = { id: UserId, new_password: string, };

export type Revaluation = { date: string, entry_id: EntryId | null, reversal_entry_id: EntryId | null, 
/**
 * Net unrealised difference, base currency (positive: a gain).
 */
net: string, items: number, };

export type RevalueArgs = { 
/**
 * The period end to value at (the reversal is dated the day after).
 */
date: string, };

export type ReverseArgs = { id: EntryId, 
/**
 * The reversal's date (default: the entry's own date).
 */
date?: string, memo?: string, };

export type Role = { id: RoleId, name: string, description: string, 
/**
 * True for a role usable in every company.
 */
global: boolean, 
/**
 * `owner`, `viewer`, ... for built-in roles, which cannot be changed.
 */
builtin: string | null, permissions: Array<string>, };

export type RoleId = number;

export type RoundingMode = "half_up" | "half_even";

export type RowError = { 
/**
 * The row as a spreadsheet numbers it: headers are row 1, the first data row is 2.
 */
row: number, 
/**
 * The column's header (empty when the problem is the whole row).
 */
column: string, 
/**
 * What is wrong, as for a field: translate this, not `message`.
 */
code: FieldCode, params: Record<string, string>, 
/**
 * English, derived from `code` and `params`.
 */
message: string, };

export type RunPlanningArgs = { 
/**
 * The run's date (default: today).
 */
date?: string, 
/**
 * Only sales orders dated up to this day count (default: all open ones).
 */
horizon?: string, };

export type RunState = "open" | "superseded";

export type SetActiveArgs = { id: UserId, active: boolean, };

export type SetArchivedArg<T> = { id: T, archived: boolean, };

export type SetArchivedArgs = { id: TenantId, archived: boolean, };

export type SetComponentsArgs = { product_id: ProductId, 
/**
 * The whole list; empty makes the product a plain product again.
 */
components: Array<ComponentInput>, };

export type SetCountsArgs = { id: CountId, entries: Array<CountEntry>, };

export type SetCsvMappingArgs = { id: BankAccountId, mapping: StatementCsvMapping | null, };

export type SetCurrencyEnabledArgs = { currency: string, enabled: boolean, };

export type SetLanguageArgs = { 
/**
 * A supported UI language (`en`, `de`), or '' to follow the system.
 */
language: string, };

export type SetLockDateArgs = { 
/**
 * None clears the lock date.
 */
lock_date: string | null, };

export type SetLogoArgs = { data_base64: string, };

export type SetPartnerArchivedArgs = { id: PartnerId, archived: boolean, };

export type SetPeriodClosedArgs = { id: PeriodId, closed: boolean, };

export type SetPermissionsArgs = { id: RoleId, permissions: Array<string>, };

export type SetPreferenceArgs = { key: string, 
/**
 * JSON text, at most 16 KiB.
 */
value: string, };

export type SetProductArchivedArgs = { id: ProductId, 
/**
 * Archiving a template archives its variants too.
 */
archived: boolean, };

export type SetProductAttributesArgs = { product_id: ProductId, 
/**
 * In order. Empty turns a template without variants back into a plain product.
 */
attributes: Array<TemplateAttributeInput>, };

export type SetProductTaxesArgs = { product_id: ProductId, side: Side, tax_ids: Array<TaxId>, };

export type SetRateArgs = { currency: string, date: string, rate: string, };

export type SetTrackingArgs = { product_id: ProductId, tracking: Tracking, };

export type SetupStatus = { 
/**
 * True on a file with no user yet: the first-run setup is due.
 */
needs_setup: boolean, schema_version: number, };

export type ShipArgs = { 
/**
 * An internal location of the sending warehouse.
 */
from_location_id: LocationId, 
/**
 * An internal location of another warehouse.
 */
to_location_id: LocationId, date: string, reference?: string, lines: Array<MoveInput>, };

export type ShipOrderArgs = { order_id: OrderId, 
/**
 * Default: the order's date or today, whichever is later.
 */
date?: string, 
/**
 * Default (not on returns): everything still to deliver.
 */
lines?: Array<QuantityLine>, idempotency_key?: string, };

export type Shipment = { shipped: Picking, receipt: Picking, };

export type Side = "sale" | "purchase";

export type Sink = { id: SinkId, name: string, kind: SinkKind, 
/**
 * The folder or connection string, with any password masked.
 */
target: string, enabled: boolean, state: SinkState, 
/**
 * The last change the sink holds.
 */
acked_seq: number, generation: number, 
/**
 * Changes waiting for this sink.
 */
lag_changes: number, 
/**
 * Age of the oldest change waiting, in seconds.
 */
lag_seconds: number | null, last_run_at: string | null, last_ok_at: string | null, last_error: string | null, 
/**
 * Failed runs in a row.
 */
failures: number, 
/**
 * A failing sink is not tried again before this.
 */
next_try_at: string | null, created_at: string, };

export type SinkId = number;

export type SinkKind = "files" | "postgres";

export type SinkState = "snapshot" | "streaming" | "diverged";

export type SkippedReorder = { product_id: ProductId, sku: string, 
/**
 * `no_supplier` (no rule supplier and no supplier price) or `on_order` (open purchase
 * orders already bring it to the maximum).
 */
reason: string, };

export type Source = { module: string, kind: string, id: number | null, };

export type State = { id: number, country_code: string, 
/**
 * ISO 3166-2, e.g. `US-CA`.
 */
code: string, name: string, 
/**
 * State, Province, Region, ...
 */
kind: string, };

export type Statement = { id: StatementId, bank_account_id: BankAccountId, bank_ref: string, date: string, opening: string | null, closing: string | null, format: string, file_name: string, lines: number, reconciled: number, };

export type StatementColumn = { 
/**
 * `current` or `comparison`.
 */
key: string, 
/**
 * None for a balance sheet (balances since the beginning).
 */
from: string | null, to: string, };

export type StatementCsvMapping = { 
/**
 * `,` `;` or a tab; none: detected.
 */
delimiter?: string, has_header: boolean, skip_rows: number, 
/**
 * A column's header (with a header row) or its 1-based position.
 */
date: string, 
/**
 * A chrono format such as `%d.%m.%Y`; empty: ISO and the common ones.
 */
date_format: string, value_date?: string, 
/**
 * One signed column, or separate `debit` (money out) and `credit` (money in) columns.
 */
amount?: string, debit?: string, credit?: string, decimal_comma: boolean, counterparty?: string, counterparty_account?: string, reference?: string, description?: string, bank_ref?: string, currency?: string, };

export type StatementEntry = { date: string, document: string, kind: string, due_date: string, 
/**
 * Base currency; positive raises what the partner owes (receivable) or is owed (payable).
 */
amount: string, balance: string, };

export type StatementFormat = "camt053" | "ofx" | "mt940" | "csv";

export type StatementId = number;

export type StatementLine = { kind: LineKind, 
/**
 * The account to drill into (none for a computed line).
 */
account_id: AccountId | null, code: string, name: string, 
/**
 * Depth in the account tree, for indentation (0 = top).
 */
level: number, 
/**
 * One figure per column, shown positive when the line adds to its section.
 */
amounts: string[], };

export type StatementLineId = number;

export type StatementLinesArgs = { bank_account_id: BankAccountId, statement_id?: StatementId, unreconciled?: boolean, limit?: number, };

export type StatementSection = { 
/**
 * `income`, `expenses`, `assets`, `liabilities` or `equity`.
 */
key: string, lines: Array<StatementLine>, totals: string[], };

export type Step = { id: ProductionStepId, kind: StepKind, date: string, quantity: string, consume_picking_id: PickingId | null, consume_number: string | null, output_picking_id: PickingId | null, output_number: string | null, consumed_value: string, absorbed_value: string, produced_value: string, };

export type StepKind = "consume" | "produce" | "unbuild" | "return";

export type StockCount = { id: CountId, state: CountState, number: string | null, warehouse_id: WarehouseId, location_id: LocationId, location: string, category_id: CategoryId | null, category: string | null, blind: boolean, 
/**
 * True when this answer hides the expected quantities and differences (a blind
 * count running, not reviewed).
 */
hidden: boolean, note: string, started_at: string, done_at: string | null, 
/**
 * The adjustment picking posted (none when nothing differed).
 */
picking_id: PickingId | null, lines: Array<CountLine>, 
/**
 * Lines counted so far.
 */
counted: number, 
/**
 * Counted lines that differ from the book (null when hidden).
 */
differences: number | null, 
/**
 * The value of the differences (null when hidden or without `inventory.view_valuation`).
 */
value: string | null, };

export type StockGroupBy = "product" | "location" | "lot";

export type StockMovesArgs = { product_id: ProductId, 
/**
 * Count only what enters or leaves this warehouse (default: the company's internal locations).
 */
warehouse_id?: WarehouseId, 
/**
 * ... or this location and the ones under it.
 */
location_id?: LocationId, 
/**
 * Only moves dated on or after this day (the running quantity stays the scope's
 * true quantity, counting everything before).
 */
from?: string, 
/**
 * Only moves dated on or before this day.
 */
to?: string, 
/**
 * Newest first (default: oldest first).
 */
descending?: boolean, limit?: number, cursor?: string, };

export type StockReport = { group_by: StockGroupBy, at: string | null, rows: Array<StockReportRow>, next_cursor: string | null, };

export type StockReportArgs = { warehouse_id?: WarehouseId, 
/**
 * This internal location and the ones under it.
 */
location_id?: LocationId, 
/**
 * Words of the product's SKU, name or barcode.
 */
search?: string, 
/**
 * This category and its subcategories.
 */
category_id?: CategoryId, group_by?: StockGroupBy, 
/**
 * Stock at the end of this day, from the done moves (default: now).
 */
at?: string, 
/**
 * Rows per page: default 50, at most 500.
 */
limit?: number, 
/**
 * The `next_cursor` of the previous page.
 */
cursor?: string, };

export type StockReportRow = { product_id: ProductId, sku: string, name: string, unit_code: string, 
/**
 * Grouped by location: the location.
 */
location_id: LocationId | null, location: string | null, 
/**
 * Grouped by lot: the lot (none for an untracked product).
 */
lot_id: LotId | null, lot_code: string | null, expiry_date: string | null, quantity: string, 
/**
 * Grouped by product, for today's stock: reserved by ready moves leaving the scope.
 */
reserved: string | null, 
/**
 * Grouped by product, for today's stock: quantity − reserved.
 */
available: string | null, };

export type StockSource = { module: string, kind: string, id: number | null, };

export type SuggestArgs = { bank_account_id: BankAccountId, 
/**
 * Default: every unreconciled line of the account.
 */
statement_line_ids: Array<StatementLineId>, 
/**
 * Book lines this many days either side of a statement line's date (default 10).
 */
days?: number, };

export type Suggestion = { statement_line_id: StatementLineId, kind: SuggestionKind, 
/**
 * 0–100: how sure the match is.
 */
score: number, book_line_ids: Array<JournalLineId>, items: Array<ItemAmount>, partner_id: PartnerId | null, partner_side: PartnerSide | null, rule_id: BankRuleId | null, account_id: AccountId | null, tax_id: TaxId | null, 
/**
 * What the suggestion matches, for the screen (document numbers, the rule's name).
 */
label: string, };

export type SuggestionKind = "book" | "items" | "rule";

export type SupplierPrice = { id: SupplierPriceId, partner_id: PartnerId, partner_name: string, product_id: ProductId, sku: string, supplier_code: string, currency: string, min_quantity: string, price: string, lead_time_days: number, };

export type SupplierPriceId = number;

export type SupplierPriceInput = { partner_id: PartnerId, product_id: ProductId, supplier_code?: string, 
/**
 * Default: the supplier's currency.
 */
currency?: string, 
/**
 * In the product's unit (default 0).
 */
min_quantity?: string, 
/**
 * Per product unit.
 */
price: string, lead_time_days?: number, };

export type Tax = { id: TaxId, code: string, name: string, kind: TaxKind, 
/**
 * Percent (19.5 for 19.5 %).
 */
rate: string, price_included: boolean, collected_account_id: AccountId | null, paid_account_id: AccountId | null, archived: boolean, };

export type TaxComputation = { lines: Array<TaxLineResult>, taxes: Array<TaxTotal>, net: string, tax: string, rounding: string, total: string, rule: TaxRounding, mode: RoundingMode, };

export type TaxGroup = { id: TaxGroupId, code: string, name: string, kind: TaxKind, tax_ids: Array<TaxId>, archived: boolean, };

export type TaxGroupId = number;

export type TaxGroupInput = { code: string, name: string, kind: TaxKind, tax_ids: Array<TaxId>, };

export type TaxId = number;

export type TaxInput = { code: string, name: string, kind: TaxKind, rate: string, price_included?: boolean, collected_account_id?: AccountId, paid_account_id?: AccountId, };

export type TaxKind = "sales" | "purchase";

export type TaxLineInput = { amount: string, tax_ids: Array<TaxId>, };

export type TaxLineResult = { net: string, 
/**
 * Tax of this line (rounded per line under the `line` rule; unrounded otherwise).
 */
tax: string, gross: string, };

export type TaxReport = { from: string, to: string, currency: string, rows: Array<TaxReportRow>, collected: string, paid: string, 
/**
 * Collected − paid: what is due to the tax office (negative: a refund).
 */
due: string, };

export type TaxReportRow = { tax_id: TaxId, code: string, name: string, 
/**
 * sales or purchase.
 */
kind: string, rate: string, 
/**
 * Net of credit notes, base currency.
 */
base: string, tax: string, };

export type TaxRounding = "line" | "document";

export type TaxTotal = { tax_id: TaxId, base: string, amount: string, };

export type TemplateAttribute = { attribute_id: AttributeId, name: string, values: Array<TemplateValue>, };

export type TemplateAttributeInput = { attribute_id: AttributeId, 
/**
 * The values the template uses; absent: every value of the attribute, no extra.
 */
values?: Array<TemplateValueInput>, };

export type TemplateValue = { value_id: AttributeValueId, name: string, 
/**
 * Added to the template's sale price for variants with this value.
 */
price_extra: string, };

export type TemplateValueInput = { value_id: AttributeValueId, price_extra?: string, };

export type TenantId = number;

export type ToReorderArgs = { 
/**
 * One warehouse (default: every warehouse).
 */
warehouse_id?: WarehouseId, };

export type ToReorderRow = { rule_id: ReorderRuleId, product_id: ProductId, sku: string, product_name: string, unit_code: string, warehouse_id: WarehouseId, warehouse_code: string, 
/**
 * In the warehouse's internal locations now.
 */
on_hand: string, 
/**
 * Ready moves leaving the warehouse.
 */
reserved: string, 
/**
 * Ready moves coming into the warehouse.
 */
incoming: string, 
/**
 * On hand − reserved + incoming.
 */
forecast: string, min_qty: string, max_qty: string, multiple: string, 
/**
 * The smallest multiple of `multiple` that brings the forecast to `max_qty` or above.
 */
suggested: string, supplier_id: PartnerId | null, supplier_name: string | null, };

export type TraceArgs = { lot_id: LotId, };

export type TraceNode = { level: number, lot_id: LotId, lot_code: string, product_id: ProductId, sku: string, 
/**
 * The order that made it, when one did.
 */
order_id: ProductionOrderId | null, order_number: string | null, quantity: string, };

export type Tracking = "none" | "lot" | "serial";

export type TradeGroupBy = "product" | "partner" | "category" | "month";

export type TradeReport = { side: Side, currency: string, from: string, to: string, group_by: TradeGroupBy, rows: Array<TradeReportRow>, net: string, cost: string | null, margin: string | null, };

export type TradeReportArgs = { from: string, to: string, group_by?: TradeGroupBy, 
/**
 * Only this customer or supplier.
 */
partner_id?: PartnerId, };

export type TradeReportRow = { 
/**
 * The product, partner or category id, or the month (`2026-03`).
 */
key: string, label: string, 
/**
 * In the product's unit (product rows only).
 */
quantity: string | null, 
/**
 * Invoiced less credited, net of tax, in base currency.
 */
net: string, 
/**
 * Sales only: cost of goods sold from the stock valuation of the orders' deliveries
 * less their returns, in the period.
 */
cost: string | null, margin: string | null, };

export type TradeSettings = { invoice_policy: InvoicePolicy, };

export type TransferInput = { from_account_id: BankAccountId, to_account_id: BankAccountId, date: string, 
/**
 * Leaving the first account, in its currency.
 */
amount: string, 
/**
 * Arriving in the second account, in its currency (required when they differ).
 */
received?: string, 
/**
 * A bank fee charged on top to the first account, booked to `fee_account_id`.
 */
fee?: string, fee_account_id?: AccountId, description: string, };

export type TreeNode = { level: number, parent: number | null, product_id: ProductId, sku: string, name: string, 
/**
 * In the product's unit, scrap included.
 */
quantity: string, unit_code: string, 
/**
 * The BOM this node is made with, when it is made.
 */
bom_id: BomId | null, unit_cost: string, 
/**
 * Quantity × unit cost; a made node's cost is its components' plus its operations'.
 */
cost: string, operations_cost: string, };

export type TrialBalance = { from: string, to: string, currency: string, rows: Array<TrialBalanceRow>, 
/**
 * Opening and closing totals are zero: every entry balances.
 */
totals: BalanceTotals, };

export type TrialBalanceArgs = { from: string, to: string, };

export type TrialBalanceRow = { account_id: AccountId, code: string, name: string, type: AccountType, 
/**
 * Debit minus credit before `from`.
 */
opening: string, debit: string, credit: string, 
/**
 * Debit minus credit up to and including `to`.
 */
closing: string, };

export type UnallocateArgs = { match_id: MatchId, 
/**
 * Default: today (never before the match).
 */
date?: string, };

export type UnbuildArgs = { id: ProductionOrderId, 
/**
 * Of the product made, at most what was produced and not yet unbuilt.
 */
quantity: string, date?: string, 
/**
 * Lots or serials of the product taken apart, when it is tracked, and of the
 * by-products taken back with it (their share of the quantity), when tracked.
 */
lots: Array<LotQuantity>, };

export type Unit = { id: UnitId, code: string, name: string, dimension: Dimension, 
/**
 * How many of the dimension's base unit (unit, g, ml, cm, hour) one of this is.
 */
factor: string, 
/**
 * One of the standard units every company starts with.
 */
builtin: boolean, };

export type UnitId = number;

export type UnitRef = UnitId | string;

export type UpdateAccountArgs = { id: AccountId, account: AccountInput, };

export type UpdateAttributeArgs = { id: AttributeId, name?: string, 
/**
 * The complete list in its new order: values left out are removed (refused while a
 * product uses them).
 */
values?: Array<AttributeValueInput>, };

export type UpdateBankAccountArgs = { id: BankAccountId, name: string, iban: string, number: string, bic: string, };

export type UpdateBomArgs = { id: BomId, bom: BomInput, };

export type UpdateBrandArgs = { id: BrandId, name?: string, archived?: boolean, };

export type UpdateCompanyArgs = { code?: string, name?: string, legal_name?: string, tax_id?: string, base_currency?: string, locale?: string, timezone?: string, fiscal_year_start_month?: number, address?: CompanyAddress, color?: string, 
/**
 * Bank details and the like for printed documents ('' clears them).
 */
payment_instructions?: string, };

export type UpdateDraftArgs = { id: EntryId, entry: EntryDraft, };

export type UpdateInventorySettingsArgs = { allow_negative_stock?: boolean, 
/**
 * Only `average` for now (FIFO layers are not built yet).
 */
costing_method?: CostingMethod, loss_account_id?: AccountId, 
/**
 * True removes the loss/gain account (adjustments and scrap with a value are then
 * refused until one is set again).
 */
clear_loss_account?: boolean, };

export type UpdateInvoiceArgs = { id: InvoiceId, 
/**
 * Replaces the lines of a draft invoice that has no order.
 */
lines?: Array<LineInput>, date?: string, due_date?: string, reference?: string, notes?: string, };

export type UpdateJournalArgs = { id: JournalId, journal: JournalInput, };

export type UpdateLocationArgs = { id: LocationId, name: string, };

export type UpdateOrderArgs = { id: OrderId, order: OrderInput, };

export type UpdatePartnerArgs = { id: PartnerId, changes: PartnerFields, };

export type UpdatePickingArgs = { id: PickingId, picking: PickingInput, };

export type UpdatePriceListArgs = { id: PriceListId, list: PriceListInput, };

export type UpdateProductArgs = { id: ProductId, sku?: string, name?: string, description?: string, 
/**
 * Empty string removes the barcode.
 */
barcode?: string, category_id?: CategoryId, clear_category?: boolean, brand_id?: BrandId, clear_brand?: boolean, 
/**
 * For a template, its variants follow.
 */
unit_id?: UnitId, 
/**
 * For a template, its variants follow.
 */
kind?: ProductKind, sale_price?: string, cost?: string, };

export type UpdateProductionOrderArgs = { id: ProductionOrderId, order: CreateOrderArgs, };

export type UpdateProductionSettingsArgs = { wip_account_id: AccountId | null, absorption_account_id: AccountId | null, variance_account_id: AccountId | null, };

export type UpdateReorderRuleArgs = { id: ReorderRuleId, min_qty?: string, max_qty?: string, multiple?: string, supplier_id?: PartnerId, 
/**
 * True removes the preferred supplier.
 */
clear_supplier?: boolean, };

export type UpdateRoleArgs = { id: RoleId, name?: string, description?: string, };

export type UpdateSettingsArgs = { tax_rounding?: TaxRounding, tax_rounding_mode?: RoundingMode, defaults?: AccountDefaults, };

export type UpdateSinkArgs = { id: SinkId, name?: string, 
/**
 * A new target: the sink loads the whole company there on its next run.
 */
target?: string, 
/**
 * Off: no changes are kept for it. On again: it loads the whole company anew.
 */
enabled?: boolean, };

export type UpdateSupplierPriceArgs = { id: SupplierPriceId, price: SupplierPriceInput, };

export type UpdateTaxArgs = { id: TaxId, tax: TaxInput, };

export type UpdateTaxGroupArgs = { id: TaxGroupId, group: TaxGroupInput, };

export type UpdateTradeSettingsArgs = { invoice_policy?: InvoicePolicy, };

export type UpdateUserArgs = { id: UserId, email?: string, display_name?: string, is_superuser?: boolean, };

export type UpdateWarehouseArgs = { id: WarehouseId, code?: string, name?: string, address?: string, };

export type UpdateWorkCentreArgs = { id: WorkCentreId, code: string, name: string, cost_per_hour: string, };

export type User = { id: UserId, email: string, display_name: string, is_active: boolean, is_superuser: boolean, created_at: string, last_login_at: string | null, 
/**
 * The UI language (`en`, `de`), or '' to follow the system; see `user.set_language`.
 */
language: string, };

export type UserId = number;

export type ValuationArgs = { 
/**
 * The valuation at the end of this day; default: now.
 */
at?: string, 
/**
 * Rows per page, by SKU (default: all).
 */
limit?: number, 
/**
 * The page after this SKU (the previous page's `next`).
 */
after?: string, };

export type ValuationReport = { rows: Array<ValuationRow>, total: string, 
/**
 * Must equal `total` (none for a company without books).
 */
inventory_account_balance: string | null, 
/**
 * When paged and more rows follow: the `after` of the next page.
 */
next: string | null, };

export type ValuationRow = { product_id: ProductId, sku: string, name: string, unit_code: string, quantity: string, average_cost: string, value: string, };

export type VariantValue = { attribute_id: AttributeId, attribute: string, value_id: AttributeValueId, value: string, };

export type Warehouse = { id: WarehouseId, code: string, name: string, address: string, 
/**
 * Its stock: the root of its tree of internal locations.
 */
root_location_id: LocationId, archived: boolean, };

export type WarehouseId = number;

export type WhereUsedArgs = { product_id: ProductId, 
/**
 * Also the BOMs using those BOMs' products, and so on.
 */
all_levels?: boolean, };

export type WhereUsedRow = { level: number, bom_id: BomId, bom_name: string, product_id: ProductId, sku: string, name: string, 
/**
 * The used product's quantity in that BOM, in the line's unit.
 */
component_id: ProductId, quantity: string, unit_code: string, kind: BomLineKind, archived: boolean, };

export type WorkCentre = { id: WorkCentreId, code: string, name: string, cost_per_hour: string, archived: boolean, };

export type WorkCentreId = number;

export type WorkCentreInput = { code: string, name: string, cost_per_hour: string, };

/** Every command: its args and result types. */
export interface Commands {
  "account.create": { args: AccountInput; result: Account };
  "account.delete": { args: IdArg<AccountId>; result: Done };
  "account.export": { args: ExportChartArgs; result: ExportFile };
  "account.get": { args: IdArg<AccountId>; result: Account };
  "account.import": { args: ImportChartArgs; result: ImportReport };
  "account.list": { args: ListAccountsArgs; result: Array<Account> };
  "account.set_archived": { args: SetArchivedArg<AccountId>; result: Account };
  "account.update": { args: UpdateAccountArgs; result: Account };
  "accounting.apply_chart": { args: ApplyChartArgs; result: AccountingSettings };
  "accounting.chart_templates": { args: NoArgs; result: Array<ChartTemplate> };
  "accounting.set_lock_date": { args: SetLockDateArgs; result: AccountingSettings };
  "accounting.settings": { args: NoArgs; result: AccountingSettings };
  "accounting.update_settings": { args: UpdateSettingsArgs; result: AccountingSettings };
  "audit.changes_since": { args: ChangesSinceArgs; result: ChangeFeed };
  "audit.list": { args: ListAuditArgs; result: AuditPage };
  "audit.list_all": { args: ListAuditArgs; result: AuditPage };
  "auth.change_password": { args: ChangePasswordArgs; result: Done };
  "auth.create_api_token": { args: CreateApiTokenArgs; result: CreatedApiToken };
  "auth.list_api_tokens": { args: ListApiTokensArgs; result: Array<ApiToken> };
  "auth.login": { args: LoginArgs; result: LoginResult };
  "auth.logout": { args: NoArgs; result: Done };
  "auth.me": { args: NoArgs; result: Me };
  "auth.revoke_api_token": { args: IdArg<ApiTokenId>; result: ApiToken };
  "bank.book_lines": { args: BookLinesArgs; result: Array<BookLine> };
  "bank.cash_count": { args: CashCountArgs; result: CashCount };
  "bank.create_account": { args: BankAccountInput; result: BankAccount };
  "bank.create_move": { args: BankMoveInput; result: BankMove };
  "bank.create_rule": { args: BankRuleInput; result: BankRule };
  "bank.delete_rule": { args: IdArg<BankRuleId>; result: Done };
  "bank.get_account": { args: IdArg<BankAccountId>; result: BankAccount };
  "bank.get_move": { args: IdArg<BankMoveId>; result: BankMove };
  "bank.import_statement": { args: ImportStatementArgs; result: ImportStatementResult };
  "bank.list_accounts": { args: ArchivedArg; result: Array<BankAccount> };
  "bank.list_rules": { args: NoArgs; result: Array<BankRule> };
  "bank.list_statements": { args: IdArg<BankAccountId>; result: Array<Statement> };
  "bank.preview_csv": { args: PreviewCsvArgs; result: CsvPreview };
  "bank.reconcile": { args: ReconcileArgs; result: Reconciliation };
  "bank.reconciliation_report": { args: RecReportArgs; result: RecReport };
  "bank.set_account_archived": { args: SetArchivedArg<BankAccountId>; result: BankAccount };
  "bank.set_csv_mapping": { args: SetCsvMappingArgs; result: BankAccount };
  "bank.statement_lines": { args: StatementLinesArgs; result: Array<BankStatementLine> };
  "bank.suggest": { args: SuggestArgs; result: Array<Suggestion> };
  "bank.transfer": { args: TransferInput; result: Array<BankMove> };
  "bank.undo_reconciliation": { args: IdArg<BankRecId>; result: Done };
  "bank.update_account": { args: UpdateBankAccountArgs; result: BankAccount };
  "bom.create": { args: BomInput; result: Bom };
  "bom.explode": { args: ExplodeArgs; result: BomTree };
  "bom.get": { args: IdArg<BomId>; result: Bom };
  "bom.list": { args: ListBomsArgs; result: Array<BomRow> };
  "bom.set_archived": { args: SetArchivedArg<BomId>; result: Bom };
  "bom.update": { args: UpdateBomArgs; result: Bom };
  "bom.where_used": { args: WhereUsedArgs; result: Array<WhereUsedRow> };
  "catalog.convert_quantity": { args: ConvertQuantityArgs; result: ConvertedQuantity };
  "catalog.create_attribute": { args: CreateAttributeArgs; result: Attribute };
  "catalog.create_brand": { args: CreateBrandArgs; result: Brand };
  "catalog.create_category": { args: CreateCategoryArgs; result: Category };
  "catalog.create_product": { args: CreateProductArgs; result: ProductDetail };
  "catalog.create_unit": { args: CreateUnitArgs; result: Unit };
  "catalog.create_variant": { args: CreateVariantArgs; result: ProductDetail };
  "catalog.delete_category": { args: IdArg<CategoryId>; result: Done };
  "catalog.export_categories": { args: ExportArgs; result: ExportFile };
  "catalog.export_products": { args: ExportArgs; result: ExportFile };
  "catalog.generate_variants": { args: GenerateVariantsArgs; result: GeneratedVariants };
  "catalog.get_attribute": { args: IdArg<AttributeId>; result: Attribute };
  "catalog.get_category": { args: IdArg<CategoryId>; result: Category };
  "catalog.get_product": { args: IdArg<ProductId>; result: ProductDetail };
  "catalog.import_categories": { args: ImportArgs; result: ImportReport };
  "catalog.import_products": { args: ImportArgs; result: ImportReport };
  "catalog.list_attributes": { args: ListAttributesArgs; result: Page<Attribute> };
  "catalog.list_brands": { args: ListBrandsArgs; result: Page<Brand> };
  "catalog.list_categories": { args: ListCategoriesArgs; result: Page<Category> };
  "catalog.list_products": { args: ListProductsArgs; result: Page<Product> };
  "catalog.list_units": { args: ListUnitsArgs; result: Page<Unit> };
  "catalog.move_category": { args: MoveCategoryArgs; result: Category };
  "catalog.rename_category": { args: RenameCategoryArgs; result: Category };
  "catalog.set_components": { args: SetComponentsArgs; result: ProductDetail };
  "catalog.set_product_archived": { args: SetProductArchivedArgs; result: ProductDetail };
  "catalog.set_product_attributes": { args: SetProductAttributesArgs; result: ProductDetail };
  "catalog.update_attribute": { args: UpdateAttributeArgs; result: Attribute };
  "catalog.update_brand": { args: UpdateBrandArgs; result: Brand };
  "catalog.update_product": { args: UpdateProductArgs; result: ProductDetail };
  "company.create": { args: CreateCompanyArgs; result: Company };
  "company.get": { args: NoArgs; result: Company };
  "company.get_logo": { args: NoArgs; result: CompanyLogo | null };
  "company.list": { args: ListCompaniesArgs; result: Array<CompanySummary> };
  "company.remove_logo": { args: NoArgs; result: Company };
  "company.set_archived": { args: SetArchivedArgs; result: Company };
  "company.set_logo": { args: SetLogoArgs; result: Company };
  "company.update": { args: UpdateCompanyArgs; result: Company };
  "count.cancel": { args: IdArg<CountId>; result: StockCount };
  "count.create": { args: CreateCountArgs; result: StockCount };
  "count.get": { args: GetCountArgs; result: StockCount };
  "count.list": { args: ListCountsArgs; result: Page<CountRow> };
  "count.post": { args: PostCountArgs; result: StockCount };
  "count.set_counts": { args: SetCountsArgs; result: Array<CountLine> };
  "currency.delete_rate": { args: DeleteRateArgs; result: Done };
  "currency.import_rates": { args: ImportRatesArgs; result: ImportReport };
  "currency.list": { args: NoArgs; result: Array<CurrencyInfo> };
  "currency.rate": { args: RateForArgs; result: ExchangeRate };
  "currency.rates": { args: ListRatesArgs; result: Array<ExchangeRate> };
  "currency.set_enabled": { args: SetCurrencyEnabledArgs; result: Done };
  "currency.set_rate": { args: SetRateArgs; result: ExchangeRate };
  "entry.create": { args: EntryDraft; result: Entry };
  "entry.delete": { args: IdArg<EntryId>; result: Done };
  "entry.duplicate": { args: DuplicateArgs; result: Entry };
  "entry.get": { args: IdArg<EntryId>; result: Entry };
  "entry.import_opening": { args: ImportOpeningArgs; result: ImportOpeningResult };
  "entry.list": { args: ListEntriesArgs; result: Page<EntryRow> };
  "entry.post": { args: IdArg<EntryId>; result: Entry };
  "entry.post_batch": { args: PostBatchArgs; result: PostBatchResult };
  "entry.post_new": { args: EntryDraft; result: Entry };
  "entry.reverse": { args: ReverseArgs; result: Entry };
  "entry.update": { args: UpdateDraftArgs; result: Entry };
  "finance.aging": { args: AgingArgs; result: Aging };
  "finance.allocate": { args: AllocateArgs; result: Match };
  "finance.auto_allocate": { args: AutoAllocateArgs; result: Array<MatchId> };
  "finance.batch_pay": { args: BatchPayArgs; result: BatchPayResult };
  "finance.cancel_payment": { args: CancelPaymentArgs; result: Payment };
  "finance.cash_flow": { args: PeriodArgs; result: CashFlow };
  "finance.cash_position": { args: CashPositionArgs; result: CashPosition };
  "finance.create_payment": { args: PaymentInput; result: Payment };
  "finance.get_match": { args: IdArg<MatchId>; result: Match };
  "finance.get_payment": { args: IdArg<PaymentId>; result: Payment };
  "finance.get_settings": { args: NoArgs; result: FinanceSettings };
  "finance.list_payments": { args: ListPaymentsArgs; result: Array<PaymentRow> };
  "finance.open_items": { args: OpenItemsArgs; result: Array<OpenItem> };
  "finance.partner_statement": { args: PartnerStatementArgs; result: PartnerStatement };
  "finance.revalue": { args: RevalueArgs; result: Revaluation };
  "finance.tax_report": { args: PeriodArgs; result: TaxReport };
  "finance.unallocate": { args: UnallocateArgs; result: Match };
  "finance.update_settings": { args: FinanceSettings; result: FinanceSettings };
  "fiscal_year.close": { args: FiscalYearArg; result: FiscalYear };
  "fiscal_year.create": { args: CreateFiscalYearArgs; result: FiscalYear };
  "fiscal_year.list": { args: NoArgs; result: Array<FiscalYear> };
  "fiscal_year.reopen": { args: FiscalYearArg; result: FiscalYear };
  "inventory.check": { args: NoArgs; result: InventoryCheck };
  "inventory.set_tracking": { args: SetTrackingArgs; result: ProductTracking };
  "inventory.settings": { args: NoArgs; result: InventorySettings };
  "inventory.update_settings": { args: UpdateInventorySettingsArgs; result: InventorySettings };
  "inventory.valuation": { args: ValuationArgs; result: ValuationReport };
  "journal.create": { args: JournalInput; result: Journal };
  "journal.get": { args: IdArg<JournalId>; result: Journal };
  "journal.list": { args: ArchivedArg; result: Array<Journal> };
  "journal.set_archived": { args: SetArchivedArg<JournalId>; result: Journal };
  "journal.update": { args: UpdateJournalArgs; result: Journal };
  "landed_cost.add": { args: AddLandedCostArgs; result: LandedCost };
  "landed_cost.list": { args: IdArg<PickingId>; result: Array<LandedCost> };
  "ledger.check": { args: NoArgs; result: LedgerCheck };
  "location.create": { args: CreateLocationArgs; result: Location };
  "location.create_city": { args: CreateCityArgs; result: City };
  "location.list": { args: ListLocationsArgs; result: Array<Location> };
  "location.list_cities": { args: ListCitiesArgs; result: Array<City> };
  "location.list_countries": { args: ListCountriesArgs; result: Array<Country> };
  "location.list_states": { args: ListStatesArgs; result: Array<State> };
  "location.set_archived": { args: SetArchivedArg<LocationId>; result: Location };
  "location.update": { args: UpdateLocationArgs; result: Location };
  "lot.create": { args: CreateLotArgs; result: Lot };
  "lot.list": { args: ListLotsArgs; result: Array<Lot> };
  "lot.trace": { args: IdArg<LotId>; result: LotTrace };
  "membership.add": { args: AddMembershipArgs; result: Membership };
  "membership.change_role": { args: ChangeMembershipArgs; result: Membership };
  "membership.list": { args: NoArgs; result: Array<Membership> };
  "membership.remove": { args: IdArg<MembershipId>; result: Done };
  "partner.create": { args: PartnerFields; result: Partner };
  "partner.delete": { args: IdArg<PartnerId>; result: Done };
  "partner.export": { args: ExportPartnersArgs; result: ExportFile };
  "partner.get": { args: IdArg<PartnerId>; result: Partner };
  "partner.import": { args: ImportPartnersArgs; result: ImportReport };
  "partner.list": { args: ListPartnersArgs; result: Page<PartnerRow> };
  "partner.set_archived": { args: SetPartnerArchivedArgs; result: Partner };
  "partner.update": { args: UpdatePartnerArgs; result: Partner };
  "period.set_closed": { args: SetPeriodClosedArgs; result: Period };
  "permission.list": { args: NoArgs; result: Array<Permission> };
  "picking.cancel": { args: IdArg<PickingId>; result: Picking };
  "picking.confirm": { args: IdArg<PickingId>; result: Picking };
  "picking.create": { args: PickingInput; result: Picking };
  "picking.delete": { args: IdArg<PickingId>; result: Done };
  "picking.done": { args: IdArg<PickingId>; result: Picking };
  "picking.done_batch": { args: DoneBatchArgs; result: DoneBatchResult };
  "picking.get": { args: IdArg<PickingId>; result: Picking };
  "picking.list": { args: ListPickingsArgs; result: Page<PickingRow> };
  "picking.update": { args: UpdatePickingArgs; result: Picking };
  "planning.confirm": { args: ConfirmProposalsArgs; result: PlanningRun };
  "planning.dismiss": { args: DismissProposalsArgs; result: PlanningRun };
  "planning.get_run": { args: IdArg<PlanningRunId>; result: PlanningRun };
  "planning.latest_run": { args: NoArgs; result: PlanningRun | null };
  "planning.run": { args: RunPlanningArgs; result: PlanningRun };
  "preference.delete": { args: PreferenceKeyArgs; result: Done };
  "preference.get": { args: PreferenceKeyArgs; result: PreferenceValue };
  "preference.set": { args: SetPreferenceArgs; result: Done };
  "price_list.create": { args: PriceListInput; result: PriceList };
  "price_list.get": { args: IdArg<PriceListId>; result: PriceList };
  "price_list.list": { args: ListPriceListsArgs; result: Array<PriceList> };
  "price_list.set_archived": { args: SetArchivedArg<PriceListId>; result: PriceList };
  "price_list.update": { args: UpdatePriceListArgs; result: PriceList };
  "production.cancel_order": { args: CancelOrderArgs; result: ProductionOrder };
  "production.check": { args: NoArgs; result: ProductionCheck };
  "production.confirm_order": { args: IdArg<ProductionOrderId>; result: ProductionOrder };
  "production.consume": { args: ConsumeArgs; result: ProductionOrder };
  "production.create_order": { args: CreateOrderArgs; result: ProductionOrder };
  "production.delete_order": { args: IdArg<ProductionOrderId>; result: Done };
  "production.finish_order": { args: FinishArgs; result: ProductionOrder };
  "production.get_order": { args: IdArg<ProductionOrderId>; result: ProductionOrder };
  "production.get_settings": { args: NoArgs; result: ProductionSettings };
  "production.list_orders": { args: ListOrdersArgs; result: Array<ProductionOrderRow> };
  "production.produce": { args: ProduceArgs; result: ProductionOrder };
  "production.trace_lot": { args: TraceArgs; result: Array<TraceNode> };
  "production.unbuild": { args: UnbuildArgs; result: ProductionOrder };
  "production.update_order": { args: UpdateProductionOrderArgs; result: ProductionOrder };
  "production.update_settings": { args: UpdateProductionSettingsArgs; result: ProductionSettings };
  "purchase.bill_order": { args: InvoiceOrderArgs; result: Invoice };
  "purchase.cancel_bill": { args: DocActionArgs; result: Invoice };
  "purchase.cancel_order": { args: DocActionArgs; result: Order };
  "purchase.confirm_order": { args: DocActionArgs; result: Order };
  "purchase.create_bill": { args: InvoiceInput; result: Invoice };
  "purchase.create_order": { args: OrderInput; result: Order };
  "purchase.debit_bill": { args: CreditInvoiceArgs; result: Invoice };
  "purchase.debit_order": { args: InvoiceOrderArgs; result: Invoice };
  "purchase.delete_order": { args: IdArg<OrderId>; result: Done };
  "purchase.from_reorder": { args: FromReorderArgs; result: FromReorderResult };
  "purchase.get_bill": { args: IdArg<InvoiceId>; result: Invoice };
  "purchase.get_order": { args: IdArg<OrderId>; result: Order };
  "purchase.list_bills": { args: ListDocsArgs; result: Page<InvoiceRow> };
  "purchase.list_orders": { args: ListDocsArgs; result: Page<OrderRow> };
  "purchase.open_lines": { args: OpenLinesArgs; result: Array<OpenLine> };
  "purchase.post_bill": { args: DocActionArgs; result: Invoice };
  "purchase.receive": { args: ShipOrderArgs; result: Order };
  "purchase.report": { args: TradeReportArgs; result: TradeReport };
  "purchase.return": { args: ShipOrderArgs; result: Order };
  "purchase.send_order": { args: DocActionArgs; result: Order };
  "purchase.update_bill": { args: UpdateInvoiceArgs; result: Invoice };
  "purchase.update_order": { args: UpdateOrderArgs; result: Order };
  "reorder_rule.create": { args: CreateReorderRuleArgs; result: ReorderRule };
  "reorder_rule.delete": { args: IdArg<ReorderRuleId>; result: Done };
  "reorder_rule.get": { args: IdArg<ReorderRuleId>; result: ReorderRule };
  "reorder_rule.list": { args: ListReorderRulesArgs; result: Page<ReorderRule> };
  "reorder_rule.set_archived": { args: SetArchivedArg<ReorderRuleId>; result: ReorderRule };
  "reorder_rule.update": { args: UpdateReorderRuleArgs; result: ReorderRule };
  "report.balance_sheet": { args: BalanceSheetArgs; result: BalanceSheet };
  "report.consolidated": { args: ConsolidatedArgs; result: Consolidated };
  "report.export": { args: ExportReportArgs; result: ExportFile };
  "report.general_ledger": { args: GeneralLedgerArgs; result: GeneralLedger };
  "report.journal": { args: JournalReportArgs; result: JournalReport };
  "report.partner_ledger": { args: PartnerLedgerArgs; result: PartnerLedger };
  "report.profit_and_loss": { args: ProfitAndLossArgs; result: ProfitAndLoss };
  "report.table": { args: ReportTableArgs; result: ReportTable };
  "report.trial_balance": { args: TrialBalanceArgs; result: TrialBalance };
  "role.create": { args: CreateRoleArgs; result: Role };
  "role.create_global": { args: CreateRoleArgs; result: Role };
  "role.delete": { args: IdArg<RoleId>; result: Done };
  "role.delete_global": { args: IdArg<RoleId>; result: Done };
  "role.get": { args: IdArg<RoleId>; result: Role };
  "role.list": { args: NoArgs; result: Array<Role> };
  "role.list_global": { args: NoArgs; result: Array<Role> };
  "role.set_global_permissions": { args: SetPermissionsArgs; result: Role };
  "role.set_permissions": { args: SetPermissionsArgs; result: Role };
  "role.update": { args: UpdateRoleArgs; result: Role };
  "role.update_global": { args: UpdateRoleArgs; result: Role };
  "sales.cancel_invoice": { args: DocActionArgs; result: Invoice };
  "sales.cancel_order": { args: DocActionArgs; result: Order };
  "sales.confirm_order": { args: DocActionArgs; result: Order };
  "sales.create_invoice": { args: InvoiceInput; result: Invoice };
  "sales.create_order": { args: OrderInput; result: Order };
  "sales.credit_invoice": { args: CreditInvoiceArgs; result: Invoice };
  "sales.credit_order": { args: InvoiceOrderArgs; result: Invoice };
  "sales.delete_order": { args: IdArg<OrderId>; result: Done };
  "sales.deliver": { args: ShipOrderArgs; result: Order };
  "sales.get_invoice": { args: IdArg<InvoiceId>; result: Invoice };
  "sales.get_order": { args: IdArg<OrderId>; result: Order };
  "sales.invoice_order": { args: InvoiceOrderArgs; result: Invoice };
  "sales.list_invoices": { args: ListDocsArgs; result: Page<InvoiceRow> };
  "sales.list_orders": { args: ListDocsArgs; result: Page<OrderRow> };
  "sales.open_lines": { args: OpenLinesArgs; result: Array<OpenLine> };
  "sales.post_invoice": { args: DocActionArgs; result: Invoice };
  "sales.report": { args: TradeReportArgs; result: TradeReport };
  "sales.return": { args: ShipOrderArgs; result: Order };
  "sales.send_order": { args: DocActionArgs; result: Order };
  "sales.update_invoice": { args: UpdateInvoiceArgs; result: Invoice };
  "sales.update_order": { args: UpdateOrderArgs; result: Order };
  "setup.bootstrap": { args: BootstrapArgs; result: LoginResult };
  "setup.status": { args: NoArgs; result: SetupStatus };
  "stock.moves": { args: StockMovesArgs; result: Page<MoveRow> };
  "stock.on_hand": { args: OnHandArgs; result: OnHand };
  "stock.report": { args: StockReportArgs; result: StockReport };
  "stock.to_reorder": { args: ToReorderArgs; result: Array<ToReorderRow> };
  "supplier_price.create": { args: SupplierPriceInput; result: SupplierPrice };
  "supplier_price.delete": { args: IdArg<SupplierPriceId>; result: Done };
  "supplier_price.get": { args: IdArg<SupplierPriceId>; result: SupplierPrice };
  "supplier_price.list": { args: ListSupplierPricesArgs; result: Array<SupplierPrice> };
  "supplier_price.update": { args: UpdateSupplierPriceArgs; result: SupplierPrice };
  "sync.add_sink": { args: AddSinkArgs; result: Sink };
  "sync.get_sink": { args: IdArg<SinkId>; result: Sink };
  "sync.list_sinks": { args: NoArgs; result: Array<Sink> };
  "sync.remove_sink": { args: IdArg<SinkId>; result: null };
  "sync.resync_sink": { args: IdArg<SinkId>; result: Sink };
  "sync.update_sink": { args: UpdateSinkArgs; result: Sink };
  "tax.compute": { args: ComputeTaxesArgs; result: TaxComputation };
  "tax.create": { args: TaxInput; result: Tax };
  "tax.create_group": { args: TaxGroupInput; result: TaxGroup };
  "tax.get": { args: IdArg<TaxId>; result: Tax };
  "tax.groups": { args: NoArgs; result: Array<TaxGroup> };
  "tax.list": { args: ArchivedArg; result: Array<Tax> };
  "tax.set_archived": { args: SetArchivedArg<TaxId>; result: Tax };
  "tax.update": { args: UpdateTaxArgs; result: Tax };
  "tax.update_group": { args: UpdateTaxGroupArgs; result: TaxGroup };
  "trade.document": { args: DocumentArgs; result: DocumentView };
  "trade.get_settings": { args: NoArgs; result: TradeSettings };
  "trade.product_taxes": { args: ProductArg; result: ProductTaxes };
  "trade.set_product_taxes": { args: SetProductTaxesArgs; result: ProductTaxes };
  "trade.update_settings": { args: UpdateTradeSettingsArgs; result: TradeSettings };
  "transfer.ship": { args: ShipArgs; result: Shipment };
  "user.create": { args: CreateUserArgs; result: User };
  "user.get": { args: IdArg<UserId>; result: User };
  "user.list": { args: ListUsersArgs; result: Array<User> };
  "user.reset_password": { args: ResetPasswordArgs; result: Done };
  "user.set_active": { args: SetActiveArgs; result: User };
  "user.set_language": { args: SetLanguageArgs; result: Done };
  "user.update": { args: UpdateUserArgs; result: User };
  "warehouse.create": { args: CreateWarehouseArgs; result: Warehouse };
  "warehouse.get": { args: IdArg<WarehouseId>; result: Warehouse };
  "warehouse.list": { args: ArchivedArg; result: Array<Warehouse> };
  "warehouse.set_archived": { args: SetArchivedArg<WarehouseId>; result: Warehouse };
  "warehouse.update": { args: UpdateWarehouseArgs; result: Warehouse };
  "work_centre.create": { args: WorkCentreInput; result: WorkCentre };
  "work_centre.get": { args: IdArg<WorkCentreId>; result: WorkCentre };
  "work_centre.list": { args: ArchivedArg; result: Array<WorkCentre> };
  "work_centre.set_archived": { args: SetArchivedArg<WorkCentreId>; result: WorkCentre };
  "work_centre.update": { args: UpdateWorkCentreArgs; result: WorkCentre };
}

export type CommandName = keyof Commands;

/** Commands that run in a company (the call must name one). */
export const COMPANY_SCOPED: ReadonlySet<CommandName> = new Set<CommandName>([
  "account.create",
  "account.delete",
  "account.export",
  "account.get",
  "account.import",
  "account.list",
  "account.set_archived",
  "account.update",
  "accounting.apply_chart",
  "accounting.chart_templates",
  "accounting.set_lock_date",
  "accounting.settings",
  "accounting.update_settings",
  "audit.list",
  "bank.book_lines",
  "bank.cash_count",
  "bank.create_account",
  "bank.create_move",
  "bank.create_rule",
  "bank.delete_rule",
  "bank.get_account",
  "bank.get_move",
  "bank.import_statement",
  "bank.list_accounts",
  "bank.list_rules",
  "bank.list_statements",
  "bank.preview_csv",
  "bank.reconcile",
  "bank.reconciliation_report",
  "bank.set_account_archived",
  "bank.set_csv_mapping",
  "bank.statement_lines",
  "bank.suggest",
  "bank.transfer",
  "bank.undo_reconciliation",
  "bank.update_account",
  "bom.create",
  "bom.explode",
  "bom.get",
  "bom.list",
  "bom.set_archived",
  "bom.update",
  "bom.where_used",
  "catalog.convert_quantity",
  "catalog.create_attribute",
  "catalog.create_brand",
  "catalog.create_category",
  "catalog.create_product",
  "catalog.create_unit",
  "catalog.create_variant",
  "catalog.delete_category",
  "catalog.export_categories",
  "catalog.export_products",
  "catalog.generate_variants",
  "catalog.get_attribute",
  "catalog.get_category",
  "catalog.get_product",
  "catalog.import_categories",
  "catalog.import_products",
  "catalog.list_attributes",
  "catalog.list_brands",
  "catalog.list_categories",
  "catalog.list_products",
  "catalog.list_units",
  "catalog.move_category",
  "catalog.rename_category",
  "catalog.set_components",
  "catalog.set_product_archived",
  "catalog.set_product_attributes",
  "catalog.update_attribute",
  "catalog.update_brand",
  "catalog.update_product",
  "company.get",
  "company.get_logo",
  "company.remove_logo",
  "company.set_logo",
  "company.update",
  "count.cancel",
  "count.create",
  "count.get",
  "count.list",
  "count.post",
  "count.set_counts",
  "currency.delete_rate",
  "currency.import_rates",
  "currency.list",
  "currency.rate",
  "currency.rates",
  "currency.set_enabled",
  "currency.set_rate",
  "entry.create",
  "entry.delete",
  "entry.duplicate",
  "entry.get",
  "entry.import_opening",
  "entry.list",
  "entry.post",
  "entry.post_batch",
  "entry.post_new",
  "entry.reverse",
  "entry.update",
  "finance.aging",
  "finance.allocate",
  "finance.auto_allocate",
  "finance.batch_pay",
  "finance.cancel_payment",
  "finance.cash_flow",
  "finance.cash_position",
  "finance.create_payment",
  "finance.get_match",
  "finance.get_payment",
  "finance.get_settings",
  "finance.list_payments",
  "finance.open_items",
  "finance.partner_statement",
  "finance.revalue",
  "finance.tax_report",
  "finance.unallocate",
  "finance.update_settings",
  "fiscal_year.close",
  "fiscal_year.create",
  "fiscal_year.list",
  "fiscal_year.reopen",
  "inventory.check",
  "inventory.set_tracking",
  "inventory.settings",
  "inventory.update_settings",
  "inventory.valuation",
  "journal.create",
  "journal.get",
  "journal.list",
  "journal.set_archived",
  "journal.update",
  "landed_cost.add",
  "landed_cost.list",
  "ledger.check",
  "location.create",
  "location.create_city",
  "location.list",
  "location.set_archived",
  "location.update",
  "lot.create",
  "lot.list",
  "lot.trace",
  "membership.add",
  "membership.change_role",
  "membership.list",
  "membership.remove",
  "partner.create",
  "partner.delete",
  "partner.export",
  "partner.get",
  "partner.import",
  "partner.list",
  "partner.set_archived",
  "partner.update",
  "period.set_closed",
  "picking.cancel",
  "picking.confirm",
  "picking.create",
  "picking.delete",
  "picking.done",
  "picking.done_batch",
  "picking.get",
  "picking.list",
  "picking.update",
  "planning.confirm",
  "planning.dismiss",
  "planning.get_run",
  "planning.latest_run",
  "planning.run",
  "price_list.create",
  "price_list.get",
  "price_list.list",
  "price_list.set_archived",
  "price_list.update",
  "production.cancel_order",
  "production.check",
  "production.confirm_order",
  "production.consume",
  "production.create_order",
  "production.delete_order",
  "production.finish_order",
  "production.get_order",
  "production.get_settings",
  "production.list_orders",
  "production.produce",
  "production.trace_lot",
  "production.unbuild",
  "production.update_order",
  "production.update_settings",
  "purchase.bill_order",
  "purchase.cancel_bill",
  "purchase.cancel_order",
  "purchase.confirm_order",
  "purchase.create_bill",
  "purchase.create_order",
  "purchase.debit_bill",
  "purchase.debit_order",
  "purchase.delete_order",
  "purchase.from_reorder",
  "purchase.get_bill",
  "purchase.get_order",
  "purchase.list_bills",
  "purchase.list_orders",
  "purchase.open_lines",
  "purchase.post_bill",
  "purchase.receive",
  "purchase.report",
  "purchase.return",
  "purchase.send_order",
  "purchase.update_bill",
  "purchase.update_order",
  "reorder_rule.create",
  "reorder_rule.delete",
  "reorder_rule.get",
  "reorder_rule.list",
  "reorder_rule.set_archived",
  "reorder_rule.update",
  "report.balance_sheet",
  "report.export",
  "report.general_ledger",
  "report.journal",
  "report.partner_ledger",
  "report.profit_and_loss",
  "report.table",
  "report.trial_balance",
  "role.create",
  "role.delete",
  "role.get",
  "role.list",
  "role.set_permissions",
  "role.update",
  "sales.cancel_invoice",
  "sales.cancel_order",
  "sales.confirm_order",
  "sales.create_invoice",
  "sales.create_order",
  "sales.credit_invoice",
  "sales.credit_order",
  "sales.delete_order",
  "sales.deliver",
  "sales.get_invoice",
  "sales.get_order",
  "sales.invoice_order",
  "sales.list_invoices",
  "sales.list_orders",
  "sales.open_lines",
  "sales.post_invoice",
  "sales.report",
  "sales.return",
  "sales.send_order",
  "sales.update_invoice",
  "sales.update_order",
  "stock.moves",
  "stock.on_hand",
  "stock.report",
  "stock.to_reorder",
  "supplier_price.create",
  "supplier_price.delete",
  "supplier_price.get",
  "supplier_price.list",
  "supplier_price.update",
  "sync.add_sink",
  "sync.get_sink",
  "sync.list_sinks",
  "sync.remove_sink",
  "sync.resync_sink",
  "sync.update_sink",
  "tax.compute",
  "tax.create",
  "tax.create_group",
  "tax.get",
  "tax.groups",
  "tax.list",
  "tax.set_archived",
  "tax.update",
  "tax.update_group",
  "trade.document",
  "trade.get_settings",
  "trade.product_taxes",
  "trade.set_product_taxes",
  "trade.update_settings",
  "transfer.ship",
  "warehouse.create",
  "warehouse.get",
  "warehouse.list",
  "warehouse.set_archived",
  "warehouse.update",
  "work_centre.create",
  "work_centre.get",
  "work_centre.list",
  "work_centre.set_archived",
  "work_centre.update",
]);

/** The permission each company-scoped command needs. */
export const COMMAND_PERMISSION: Partial<Record<CommandName, string>> = {
  "account.create": "accounting.change_setup",
  "account.delete": "accounting.change_setup",
  "account.export": "accounting.view_ledger",
  "account.get": "accounting.view_ledger",
  "account.import": "accounting.change_setup",
  "account.list": "accounting.view_ledger",
  "account.set_archived": "accounting.change_setup",
  "account.update": "accounting.change_setup",
  "accounting.apply_chart": "accounting.change_setup",
  "accounting.chart_templates": "accounting.view_ledger",
  "accounting.set_lock_date": "accounting.set_lock_date",
  "accounting.settings": "accounting.view_ledger",
  "accounting.update_settings": "accounting.change_setup",
  "audit.list": "audit.view_auditlog",
  "bank.book_lines": "finance.view_payments",
  "bank.cash_count": "finance.manage_bank",
  "bank.create_account": "finance.manage_bank",
  "bank.create_move": "finance.manage_bank",
  "bank.create_rule": "finance.reconcile_statements",
  "bank.delete_rule": "finance.reconcile_statements",
  "bank.get_account": "finance.view_payments",
  "bank.get_move": "finance.view_payments",
  "bank.import_statement": "finance.manage_bank",
  "bank.list_accounts": "finance.view_payments",
  "bank.list_rules": "finance.view_payments",
  "bank.list_statements": "finance.view_payments",
  "bank.preview_csv": "finance.manage_bank",
  "bank.reconcile": "finance.reconcile_statements",
  "bank.reconciliation_report": "finance.view_payments",
  "bank.set_account_archived": "finance.manage_bank",
  "bank.set_csv_mapping": "finance.manage_bank",
  "bank.statement_lines": "finance.view_payments",
  "bank.suggest": "finance.view_payments",
  "bank.transfer": "finance.manage_bank",
  "bank.undo_reconciliation": "finance.reconcile_statements",
  "bank.update_account": "finance.manage_bank",
  "bom.create": "production.manage_boms",
  "bom.explode": "production.view_production",
  "bom.get": "production.view_production",
  "bom.list": "production.view_production",
  "bom.set_archived": "production.manage_boms",
  "bom.update": "production.manage_boms",
  "bom.where_used": "production.view_production",
  "catalog.convert_quantity": "catalog.view_unit",
  "catalog.create_attribute": "catalog.change_attribute",
  "catalog.create_brand": "catalog.change_brand",
  "catalog.create_category": "catalog.change_category",
  "catalog.create_product": "catalog.change_product",
  "catalog.create_unit": "catalog.change_unit",
  "catalog.create_variant": "catalog.change_product",
  "catalog.delete_category": "catalog.change_category",
  "catalog.export_categories": "catalog.view_category",
  "catalog.export_products": "catalog.view_product",
  "catalog.generate_variants": "catalog.change_product",
  "catalog.get_attribute": "catalog.view_attribute",
  "catalog.get_category": "catalog.view_category",
  "catalog.get_product": "catalog.view_product",
  "catalog.import_categories": "catalog.change_category",
  "catalog.import_products": "catalog.import_product",
  "catalog.list_attributes": "catalog.view_attribute",
  "catalog.list_brands": "catalog.view_brand",
  "catalog.list_categories": "catalog.view_category",
  "catalog.list_products": "catalog.view_product",
  "catalog.list_units": "catalog.view_unit",
  "catalog.move_category": "catalog.change_category",
  "catalog.rename_category": "catalog.change_category",
  "catalog.set_components": "catalog.change_product",
  "catalog.set_product_archived": "catalog.change_product",
  "catalog.set_product_attributes": "catalog.change_product",
  "catalog.update_attribute": "catalog.change_attribute",
  "catalog.update_brand": "catalog.change_brand",
  "catalog.update_product": "catalog.change_product",
  "company.get": "company.view_company",
  "company.get_logo": "company.view_company",
  "company.remove_logo": "company.change_company",
  "company.set_logo": "company.change_company",
  "company.update": "company.change_company",
  "count.cancel": "inventory.move_stock",
  "count.create": "inventory.move_stock",
  "count.get": "inventory.view_stock",
  "count.list": "inventory.view_stock",
  "count.post": "inventory.move_stock",
  "count.set_counts": "inventory.move_stock",
  "currency.delete_rate": "accounting.change_setup",
  "currency.import_rates": "accounting.change_setup",
  "currency.list": "accounting.view_ledger",
  "currency.rate": "accounting.view_ledger",
  "currency.rates": "accounting.view_ledger",
  "currency.set_enabled": "accounting.change_setup",
  "currency.set_rate": "accounting.change_setup",
  "entry.create": "accounting.add_entry",
  "entry.delete": "accounting.add_entry",
  "entry.duplicate": "accounting.add_entry",
  "entry.get": "accounting.view_ledger",
  "entry.import_opening": "accounting.post_entry",
  "entry.list": "accounting.view_ledger",
  "entry.post": "accounting.post_entry",
  "entry.post_batch": "accounting.post_entry",
  "entry.post_new": "accounting.post_entry",
  "entry.reverse": "accounting.post_entry",
  "entry.update": "accounting.add_entry",
  "finance.aging": "finance.view_payments",
  "finance.allocate": "finance.manage_payments",
  "finance.auto_allocate": "finance.manage_payments",
  "finance.batch_pay": "finance.manage_payments",
  "finance.cancel_payment": "finance.manage_payments",
  "finance.cash_flow": "finance.view_payments",
  "finance.cash_position": "finance.view_payments",
  "finance.create_payment": "finance.manage_payments",
  "finance.get_match": "finance.view_payments",
  "finance.get_payment": "finance.view_payments",
  "finance.get_settings": "finance.view_payments",
  "finance.list_payments": "finance.view_payments",
  "finance.open_items": "finance.view_payments",
  "finance.partner_statement": "finance.view_payments",
  "finance.revalue": "finance.change_setup",
  "finance.tax_report": "finance.view_payments",
  "finance.unallocate": "finance.manage_payments",
  "finance.update_settings": "finance.change_setup",
  "fiscal_year.close": "accounting.close_period",
  "fiscal_year.create": "accounting.change_setup",
  "fiscal_year.list": "accounting.view_ledger",
  "fiscal_year.reopen": "accounting.close_period",
  "inventory.check": "inventory.view_stock",
  "inventory.set_tracking": "inventory.change_setup",
  "inventory.settings": "inventory.view_stock",
  "inventory.update_settings": "inventory.change_setup",
  "inventory.valuation": "inventory.view_valuation",
  "journal.create": "accounting.change_setup",
  "journal.get": "accounting.view_ledger",
  "journal.list": "accounting.view_ledger",
  "journal.set_archived": "accounting.change_setup",
  "journal.update": "accounting.change_setup",
  "landed_cost.add": "inventory.landed_costs",
  "landed_cost.list": "inventory.view_valuation",
  "ledger.check": "accounting.view_ledger",
  "location.create": "inventory.change_setup",
  "location.create_city": "location.add_city",
  "location.list": "inventory.view_stock",
  "location.set_archived": "inventory.change_setup",
  "location.update": "inventory.change_setup",
  "lot.create": "inventory.move_stock",
  "lot.list": "inventory.view_stock",
  "lot.trace": "inventory.view_stock",
  "membership.add": "membership.add_membership",
  "membership.change_role": "membership.change_membership",
  "membership.list": "membership.view_membership",
  "membership.remove": "membership.delete_membership",
  "partner.create": "partner.add_partner",
  "partner.delete": "partner.delete_partner",
  "partner.export": "partner.view_partner",
  "partner.get": "partner.view_partner",
  "partner.import": "partner.add_partner",
  "partner.list": "partner.view_partner",
  "partner.set_archived": "partner.change_partner",
  "partner.update": "partner.change_partner",
  "period.set_closed": "accounting.close_period",
  "picking.cancel": "inventory.move_stock",
  "picking.confirm": "inventory.move_stock",
  "picking.create": "inventory.move_stock",
  "picking.delete": "inventory.move_stock",
  "picking.done": "inventory.move_stock",
  "picking.done_batch": "inventory.move_stock",
  "picking.get": "inventory.view_stock",
  "picking.list": "inventory.view_stock",
  "picking.update": "inventory.move_stock",
  "planning.confirm": "production.manage_orders",
  "planning.dismiss": "production.manage_orders",
  "planning.get_run": "production.view_production",
  "planning.latest_run": "production.view_production",
  "planning.run": "production.manage_orders",
  "price_list.create": "sales.manage_prices",
  "price_list.get": "sales.view_orders",
  "price_list.list": "sales.view_orders",
  "price_list.set_archived": "sales.manage_prices",
  "price_list.update": "sales.manage_prices",
  "production.cancel_order": "production.manage_orders",
  "production.check": "production.view_production",
  "production.confirm_order": "production.manage_orders",
  "production.consume": "production.manage_orders",
  "production.create_order": "production.manage_orders",
  "production.delete_order": "production.manage_orders",
  "production.finish_order": "production.manage_orders",
  "production.get_order": "production.view_production",
  "production.get_settings": "production.view_production",
  "production.list_orders": "production.view_production",
  "production.produce": "production.manage_orders",
  "production.trace_lot": "production.view_production",
  "production.unbuild": "production.manage_orders",
  "production.update_order": "production.manage_orders",
  "production.update_settings": "production.change_setup",
  "purchase.bill_order": "purchase.manage_bills",
  "purchase.cancel_bill": "purchase.manage_bills",
  "purchase.cancel_order": "purchase.manage_orders",
  "purchase.confirm_order": "purchase.manage_orders",
  "purchase.create_bill": "purchase.manage_bills",
  "purchase.create_order": "purchase.manage_orders",
  "purchase.debit_bill": "purchase.manage_bills",
  "purchase.debit_order": "purchase.manage_bills",
  "purchase.delete_order": "purchase.manage_orders",
  "purchase.from_reorder": "purchase.manage_orders",
  "purchase.get_bill": "purchase.view_orders",
  "purchase.get_order": "purchase.view_orders",
  "purchase.list_bills": "purchase.view_orders",
  "purchase.list_orders": "purchase.view_orders",
  "purchase.open_lines": "purchase.view_orders",
  "purchase.post_bill": "purchase.manage_bills",
  "purchase.receive": "purchase.manage_orders",
  "purchase.report": "purchase.view_orders",
  "purchase.return": "purchase.manage_orders",
  "purchase.send_order": "purchase.manage_orders",
  "purchase.update_bill": "purchase.manage_bills",
  "purchase.update_order": "purchase.manage_orders",
  "reorder_rule.create": "inventory.change_setup",
  "reorder_rule.delete": "inventory.change_setup",
  "reorder_rule.get": "inventory.view_stock",
  "reorder_rule.list": "inventory.view_stock",
  "reorder_rule.set_archived": "inventory.change_setup",
  "reorder_rule.update": "inventory.change_setup",
  "report.balance_sheet": "accounting.view_ledger",
  "report.export": "accounting.view_ledger",
  "report.general_ledger": "accounting.view_ledger",
  "report.journal": "accounting.view_ledger",
  "report.partner_ledger": "accounting.view_ledger",
  "report.profit_and_loss": "accounting.view_ledger",
  "report.table": "accounting.view_ledger",
  "report.trial_balance": "accounting.view_ledger",
  "role.create": "role.add_role",
  "role.delete": "role.delete_role",
  "role.get": "role.view_role",
  "role.list": "role.view_role",
  "role.set_permissions": "role.change_role",
  "role.update": "role.change_role",
  "sales.cancel_invoice": "sales.manage_invoices",
  "sales.cancel_order": "sales.manage_orders",
  "sales.confirm_order": "sales.manage_orders",
  "sales.create_invoice": "sales.manage_invoices",
  "sales.create_order": "sales.manage_orders",
  "sales.credit_invoice": "sales.manage_invoices",
  "sales.credit_order": "sales.manage_invoices",
  "sales.delete_order": "sales.manage_orders",
  "sales.deliver": "sales.manage_orders",
  "sales.get_invoice": "sales.view_orders",
  "sales.get_order": "sales.view_orders",
  "sales.invoice_order": "sales.manage_invoices",
  "sales.list_invoices": "sales.view_orders",
  "sales.list_orders": "sales.view_orders",
  "sales.open_lines": "sales.view_orders",
  "sales.post_invoice": "sales.manage_invoices",
  "sales.report": "sales.view_orders",
  "sales.return": "sales.manage_orders",
  "sales.send_order": "sales.manage_orders",
  "sales.update_invoice": "sales.manage_invoices",
  "sales.update_order": "sales.manage_orders",
  "stock.moves": "inventory.view_stock",
  "stock.on_hand": "inventory.view_stock",
  "stock.report": "inventory.view_stock",
  "stock.to_reorder": "inventory.view_stock",
  "supplier_price.create": "purchase.manage_prices",
  "supplier_price.delete": "purchase.manage_prices",
  "supplier_price.get": "purchase.view_orders",
  "supplier_price.list": "purchase.view_orders",
  "supplier_price.update": "purchase.manage_prices",
  "sync.add_sink": "sync.manage_sink",
  "sync.get_sink": "sync.manage_sink",
  "sync.list_sinks": "sync.manage_sink",
  "sync.remove_sink": "sync.manage_sink",
  "sync.resync_sink": "sync.manage_sink",
  "sync.update_sink": "sync.manage_sink",
  "tax.compute": "accounting.view_ledger",
  "tax.create": "accounting.change_setup",
  "tax.create_group": "accounting.change_setup",
  "tax.get": "accounting.view_ledger",
  "tax.groups": "accounting.view_ledger",
  "tax.list": "accounting.view_ledger",
  "tax.set_archived": "accounting.change_setup",
  "tax.update": "accounting.change_setup",
  "tax.update_group": "accounting.change_setup",
  "trade.document": "sales.view_orders",
  "trade.get_settings": "sales.view_orders",
  "trade.product_taxes": "catalog.view_product",
  "trade.set_product_taxes": "catalog.change_product",
  "trade.update_settings": "trade.change_settings",
  "transfer.ship": "inventory.move_stock",
  "warehouse.create": "inventory.change_setup",
  "warehouse.get": "inventory.view_stock",
  "warehouse.list": "inventory.view_stock",
  "warehouse.set_archived": "inventory.change_setup",
  "warehouse.update": "inventory.change_setup",
  "work_centre.create": "production.manage_boms",
  "work_centre.get": "production.view_production",
  "work_centre.list": "production.view_production",
  "work_centre.set_archived": "production.manage_boms",
  "work_centre.update": "production.manage_boms",
};
