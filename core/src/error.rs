//! Errors that cross the command boundary.
//!
//! Every failure a caller can see is an [`Error`] variant with a stable [`ErrorCode`]
//! (`validation`, `not_found`, `forbidden`, ...) and a stable [`Reason`] saying which
//! refusal it is (`bad_credentials`, `company_archived`, ...). Field-level problems travel
//! in [`FieldError`]s, each with a stable [`FieldCode`] and its params, so the UI can show
//! each one beside its field in the user's language. Callers match codes, never messages:
//! the English `message`s are derived from the codes (in [`FieldCode::message`] and
//! [`Reason::message`], the one place the English wording lives) for the CLI and logs.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Values a code's message refers to (`max`, `sku`, `entity`, ...), by name.
pub type Params = BTreeMap<String, String>;

/// The stable codes of the wire format. Adding one is a breaking change for clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    NotFound,
    Forbidden,
    Unauthenticated,
    Conflict,
    Throttled,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Throttled => "throttled",
            ErrorCode::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares a code enum and the list of all its variants together, so the list cannot
/// miss one (the tests walk it).
macro_rules! codes {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident,)* }) => {
        $(#[$m])*
        pub enum $name { $($(#[$vm])* $v,)* }
        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v,)*];
        }
    };
}

/// Reads a param for a message; empty when absent.
fn p<'a>(params: &'a Params, key: &str) -> &'a str {
    params.get(key).map(String::as_str).unwrap_or("")
}

/// `prefix` + the param `key` + `suffix` when the param is present, otherwise `or`.
fn opt(params: &Params, key: &str, with: impl FnOnce(&str) -> String, or: &str) -> String {
    match params.get(key) {
        Some(v) if !v.is_empty() => with(v),
        _ => or.to_string(),
    }
}

codes! {
/// What is wrong with one field: the stable code a UI translates. Its params (see each
/// variant) carry the values the message names; the English message is
/// [`FieldCode::message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    /// Empty or missing.
    Required,
    /// Longer than `max` characters.
    TooLong,
    /// Shorter than `min` characters.
    TooShort,
    /// Larger than `max` bytes.
    TooManyBytes,
    ControlCharacters,
    InvalidEmail,
    /// Not letters, digits, `-`, `_` and `.`.
    InvalidCode,
    InvalidCurrency,
    InvalidLocale,
    InvalidTimezone,
    InvalidCountry,
    /// Not `#rrggbb`.
    InvalidColor,
    /// A folder that is not an absolute path.
    NotAbsolutePath,
    /// Not a PNG or JPEG image (or one whose size cannot be read).
    UnsupportedImage,
    /// Not a PostgreSQL connection string (`detail`: what is wrong).
    InvalidConnectionString,
    /// Not one of the supported UI languages (`allowed`).
    UnsupportedLanguage,
    /// A preference key: 1–100 of `a-z 0-9 . _ -`.
    InvalidPreferenceKey,
    /// Not valid JSON (`detail`: the parser's words).
    InvalidJson,
    /// Below `min` or above `max`.
    OutOfRange,
    /// A category name with `/`.
    ContainsPathSeparator,
    /// An attribute name with one of `, ; : ( ) =`.
    ReservedCharacters,
    /// Not an EAN-13 or UPC-A.
    InvalidBarcode,
    WrongCheckDigit,
    /// More than `max` decimal places.
    TooManyDecimals,
    Negative,
    /// Zero or less.
    NotPositive,
    /// Does not fit (an amount at or above the limit, or a computation that overflows).
    TooLarge,
    DivisionByZero,
    /// Not a decimal number.
    InvalidDecimal,
    /// Not a whole number.
    InvalidInteger,
    /// Not true/false.
    InvalidBoolean,
    /// Not one of `allowed`.
    NotOneOf,
    /// The referenced `entity` (its `value` when known) does not exist.
    NotFound,
    /// The product `sku` is archived.
    Archived,
    /// The product `sku` is a variant template where a sellable product is needed.
    IsTemplate,
    /// Another `entity` already has this value (`value` when known).
    Duplicate,
    /// The new parent already has an `entity` with this name.
    DuplicateInParent,
    /// Given twice in the same list (`value` when known).
    Repeated,
    /// Given on an earlier `row` of the same file.
    RepeatedInFile,
    /// A variant declaring attributes (only its template does).
    VariantCannotDeclareAttributes,
    /// A kit, or a kit's component, made a variant template.
    KitCannotBeTemplate,
    /// A variant template made a kit.
    TemplateCannotBeKit,
    /// Not a value of the `attribute` (or of this attribute).
    NotAttributeValue,
    /// `value` of `attribute` is not among the template's values.
    NotTemplateValue,
    /// `attribute` is not an attribute of the `template`.
    NotTemplateAttribute,
    /// An attribute (`attribute` when named) without values.
    NeedsValues,
    /// A template with `variants` variants keeps its attributes.
    TemplateAttributesFixed,
    /// `value` (of `attribute`) is used and cannot be removed.
    ValueInUse,
    /// A SKU pattern with `{` but no `}`.
    SkuPatternUnclosed,
    /// A SKU pattern naming `{name}`, neither `{parent}` nor an attribute.
    SkuPatternUnknownPlaceholder,
    /// A SKU pattern without `{attribute}`.
    SkuPatternMissingAttribute,
    /// Price extras that make the variant `sku` cost less than nothing.
    NegativeVariantPrice,
    /// Not a variant template (`sku` when named).
    NotATemplate,
    /// Would create `count` variants; at most `max` per call.
    TooManyVariants,
    /// No value of `attribute` given.
    MissingAttributeValue,
    /// More than one value of `attribute` given.
    SeveralAttributeValues,
    /// The template (`template` when named) already has a variant with these values.
    VariantExists,
    /// A variant needs a value for each attribute of its template.
    VariantNeedsValues,
    /// A variant's unit is its template's.
    VariantUnitFromTemplate,
    /// A variant's kind is its template's.
    VariantKindFromTemplate,
    /// Kits (`kits`) use the product by quantity: its unit must keep measuring `dimension`.
    UnitDimensionLocked,
    /// The variant's template is archived.
    TemplateArchived,
    /// An import's template attribute text `part` is not `Attribute: value, value`.
    InvalidTemplateAttributes,
    /// An import's variant attribute text `part` is not `Attribute: value`.
    InvalidVariantAttributes,
    /// An import's component text `part` is not `SKU=quantity unit`.
    InvalidComponent,
    KitContainsItself,
    /// Kits that contain each other (`component` already contains `kit`, when named).
    KitCycle,
    /// The component `sku` is measured in `unit` (`dimension`); `other_unit` measures `other_dimension`.
    UnitMismatch,
    /// Would make the cost of the kit `kit` too large (at most `max`).
    KitCostTooLarge,
    /// A category moved under itself or one of its subcategories.
    CategoryCycle,
    /// Cannot convert `from` (`from_dimension`) to `to` (`to_dimension`).
    IncompatibleUnits,
    /// A file larger than `max_mib` MiB.
    FileTooLarge,
    /// Not valid CSV (`row` when known; `detail`: the parser's words).
    InvalidCsv,
    /// Wrong CSV headers: `unknown`, `repeated`, `missing` (comma lists), `columns` (the allowed ones).
    InvalidColumns,
    PasswordIsEmail,
    /// Not the caller's current password.
    WrongPassword,
    StateNotInCountry,
    CityNotInState,
    /// The state, required because a city is given.
    RequiredWithCity,
    /// A city given without its state.
    CityNeedsState,
    /// The country, required because an address is given.
    RequiredWithAddress,
    /// An arg the command does not take.
    UnknownField,
    /// Args of the wrong shape (not an object, a wrong type; `detail`: the parser's words).
    /// Only for shape errors: a rule about a value has its own code.
    Invalid,
    /// A command that cannot run in an atomic batch.
    NotBatchable,
    /// Cannot sort by `value`; `allowed` lists the keys.
    InvalidSort,
    InvalidCursor,
    /// Unknown permission codenames (`permissions`).
    UnknownPermissions,
    /// A company's role changed through the global-role commands.
    RoleNotGlobal,
    /// The user is already a member of the company.
    AlreadyMember,
    InvalidPhone,
    InvalidUrl,
    /// More than one default address of `kind`.
    SeveralDefaults,
    /// A partner neither customer nor supplier.
    PartnerRoleRequired,
    /// The company already has a chart of accounts.
    ChartExists,
    /// An account of this subtype has type `type`.
    SubtypeNeedsType,
    /// An account cannot move under itself or its own sub-accounts.
    AccountCycle,
    /// The parent `code` is not a group account.
    ParentNotGroup,
    /// The parent is of type `type`.
    ParentTypeDiffers,
    /// The account has postings, so this cannot change.
    AccountHasPostings,
    /// A group with sub-accounts stays a group.
    GroupHasChildren,
    /// Archiving needs a zero balance (`balance`).
    BalanceNotZero,
    /// The account is one of the company's default accounts.
    AccountIsDefault,
    /// `code` is a group account: lines post to its sub-accounts.
    AccountIsGroup,
    /// Needs an account of subtype `subtype`.
    WrongSubtype,
    /// The fiscal year `start`–`end` would overlap an existing one.
    FiscalYearOverlap,
    /// On or before the lock date `lock_date`.
    BeforeLockDate,
    /// The period `period` is closed.
    PeriodClosed,
    /// Not a date such as 2026-03-31.
    InvalidDate,
    /// The company's base currency is always enabled.
    IsBaseCurrency,
    /// The currency `currency` is not enabled for this company.
    CurrencyNotEnabled,
    /// No rate for `currency` on or before `date`.
    NoExchangeRate,
    /// A tax with postings keeps its rate, kind and inclusion.
    TaxUsed,
    /// The tax is not a `kind` tax.
    TaxKindMismatch,
    /// Taxes included in the price and taxes added to it on one line.
    MixedPriceIncluded,
    /// A journal with entries keeps its code and kind.
    JournalUsed,
    /// The closing journal takes only the year-end closing entry.
    ClosingJournalReserved,
    /// An entry needs at least `min` lines.
    TooFewLines,
    /// In the base currency, the amount must equal debit minus credit.
    AmountCurrencyMismatch,
    /// Exactly one of debit and credit.
    OneOfDebitCredit,
    /// The foreign amount's sign differs from the debit/credit side.
    AmountCurrencySign,
    /// The account `code` takes only `currency`.
    AccountCurrency,
    /// A line on `code` names its partner.
    PartnerRequired,
    /// A control account: lines come from the `module` module.
    ControlAccount,
    /// A manual line on a tax account names its tax.
    TaxRequired,
    /// Debits `debit` and credits `credit` differ by `difference`.
    Unbalanced,
    /// An entry of zero moves nothing.
    ZeroEntry,
    /// Before `number` of `date`, the last number of this series.
    BeforeLastNumbered,
    /// No Cora file is open (the desktop shell).
    NoFileOpen,
    /// Writing the file `path` failed (`detail`).
    CannotWriteFile,
    /// Creating the folder `path` failed (`detail`).
    CannotCreateFolder,
    /// A consolidation needs a rate for the company `company`, whose base currency `currency` is not the target's.
    ConsolidationRateMissing,
    /// Not enough `sku` in `location`: `shortfall` (in `unit`) short.
    InsufficientStock,
    /// Dated earlier than later moves, this move takes the company's `sku` below zero on
    /// `date` (`shortfall` `unit` short), where negative stock is refused.
    ShortAtDate,
    /// The costing method changes only while no move has been valued.
    CostingMethodLocked,
    /// Only a done receipt takes landed costs.
    NotADoneReceipt,
    /// Both locations are in one warehouse: move the stock directly, not through transit.
    SameWarehouse,
    /// A move from a location to the same location.
    SameLocation,
    /// A `kind` picking needs a location of kind `expected` here.
    WrongLocationKind,
    /// The product `sku` is tracked by `tracking`: its moves name a lot or serial.
    LotRequired,
    /// The product `sku` is not tracked: its moves name no lot.
    LotNotTracked,
    /// A serial number (`sku`) moves exactly one unit at a time.
    SerialQuantity,
    /// The serial `serial` of `sku` is already on hand in `location`.
    SerialOnHand,
    /// The product `sku` is a `kind`: only stockable products (and kits of them) move in stock.
    NotStockable,
    /// In the product's unit (`unit`, `decimals` decimals) the quantity rounds to zero.
    QuantityRoundsToZero,
    /// The product `sku` has stock moves: its stock is counted in its unit and it is no kit.
    HasStockMoves,
    /// A serial number (`sku`) is counted 0 or 1.
    SerialCount,
    /// The `entity` (`value`) is outside the stock count's scope (its locations or category).
    NotInCountScope,
    /// The product `sku` is a kit: it holds no stock (count or reorder its components).
    KitHoldsNoStock,
    /// Must be at least the minimum `min`.
    BelowMinimum,
    /// The partner `name` is not a supplier.
    NotSupplier,
    /// More than what is left (`remaining` `unit`): to deliver, return, invoice or credit.
    ExceedsRemaining,
    /// More than the `open` still open.
    ExceedsOpen,
    /// Not in `currency`, the currency it must match.
    CurrencyDiffers,
    /// Belongs to another partner or account than the rest (`partner`).
    OtherPartner,
    /// Already fully allocated, paid or reconciled.
    NothingOpen,
    /// The chosen lines do not add up: `left` against `right`.
    AmountsDiffer,
    /// Already reconciled with the bank.
    AlreadyReconciled,
    /// Statement `statement` (number `index` in the file) opens at `opening`, but the previous statement closed at `previous`.
    StatementChainBroken,
    /// Statement `statement`'s opening `opening` plus its lines `lines` is not its closing `closing`.
    StatementUnbalanced,
    /// The file could not be read as `format`: `detail` (line `line`).
    InvalidStatementFile,
    /// A BOM component that contains (at some depth) the product it makes: `cycle` names the path.
    BomCycle,
    /// The product has no bill of materials valid on the date (`sku`).
    NoBom,
    /// The lots or serials given add up to `got`, not the `expected` quantity.
    LotsDoNotAddUp,
}
}

impl FieldCode {
    /// The code's name on the wire (`too_long`).
    pub fn as_str(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }

    /// A problem with this code and one param; chain [`Issue::with`] for more.
    pub fn with(self, key: &str, value: impl ToString) -> Issue {
        Issue::from(self).with(key, value)
    }

    /// The English message, for the CLI and logs. UIs translate the code instead.
    pub fn message(self, params: &Params) -> String {
        use FieldCode::*;
        let q = |k: &str| p(params, k).to_string();
        match self {
            Required => "is required".into(),
            TooLong => format!("must be at most {} characters", q("max")),
            TooShort => format!("must be at least {} characters", q("min")),
            TooManyBytes => format!("must be at most {} bytes", q("max")),
            ControlCharacters => "must not contain control characters".into(),
            InvalidEmail => "is not a valid email address".into(),
            InvalidCode => "may contain only letters, digits, '-', '_' and '.'".into(),
            InvalidCurrency => "is not an ISO 4217 currency code".into(),
            InvalidLocale => "is not a locale such as en-US".into(),
            InvalidTimezone => "is not an IANA time zone such as Europe/Paris".into(),
            InvalidCountry => "is not an ISO 3166-1 country code".into(),
            InvalidColor => "must be a colour such as #4f46e5".into(),
            NotAbsolutePath => "must be an absolute path, such as /srv/exports".into(),
            UnsupportedImage => "must be a PNG or JPEG image".into(),
            InvalidConnectionString => "must be a PostgreSQL connection string, such as postgresql://user:password@host/database".into(),
            UnsupportedLanguage => format!("is not a supported language (one of: {})", q("allowed")),
            InvalidPreferenceKey => "must be 1 to 100 of a-z, 0-9, '.', '_' and '-'".into(),
            InvalidJson => format!("is not valid JSON ({})", q("detail")),
            OutOfRange => format!("must be between {} and {}", q("min"), q("max")),
            ContainsPathSeparator => "must not contain '/' (it separates the levels of a category path)".into(),
            ReservedCharacters => "must not contain any of , ; : ( ) =".into(),
            InvalidBarcode => "must be an EAN-13 (13 digits) or UPC-A (12 digits)".into(),
            WrongCheckDigit => "has a wrong check digit".into(),
            TooManyDecimals => format!("must have at most {} decimal places", q("max")),
            Negative => "must not be negative".into(),
            NotPositive => "must be greater than zero".into(),
            TooLarge => "is too large".into(),
            DivisionByZero => "cannot be computed: division by zero".into(),
            InvalidDecimal => "is not a number such as 12.50".into(),
            InvalidInteger => "is not a whole number".into(),
            InvalidBoolean => "must be true or false".into(),
            NotOneOf => format!("must be one of {}", q("allowed")),
            NotFound => {
                let entity = opt(params, "entity", |e| e.replace('_', " "), "record");
                opt(params, "value", |v| format!("no {entity} {v} in this company"), &format!("no such {entity} in this company"))
            }
            Archived => opt(params, "sku", |s| format!("{s} is archived"), "is archived"),
            IsTemplate => format!("{} is a variant template; use one of its variants", q("sku")),
            Duplicate => {
                let entity = opt(params, "entity", |e| e.replace('_', " "), "record");
                opt(params, "value", |v| format!("{v} is already used by another {entity}"), &format!("is already used by another {entity}"))
            }
            DuplicateInParent => format!("the new parent already has a {} with this name", opt(params, "entity", |e| e.replace('_', " "), "record")),
            Repeated => opt(params, "value", |v| format!("{v} appears twice"), "appears twice"),
            RepeatedInFile => format!("also on row {}", q("row")),
            VariantCannotDeclareAttributes => "a variant cannot declare attributes; its template does".into(),
            KitCannotBeTemplate => "a kit or a kit component cannot become a variant template".into(),
            TemplateCannotBeKit => "a variant template cannot be a kit; make its variants kits".into(),
            NotAttributeValue => opt(params, "attribute", |a| format!("is not a value of {a}"), "is not a value of this attribute"),
            NotTemplateValue => match (params.get("attribute"), params.get("value")) {
                (Some(a), Some(v)) => format!("{a}: {v} is not among the template's values"),
                _ => "has values that are not among the template's".into(),
            },
            NotTemplateAttribute => format!("{} is not an attribute of {}", q("attribute"), q("template")),
            NeedsValues => opt(params, "attribute", |a| format!("{a} needs at least one value"), "needs at least one value"),
            TemplateAttributesFixed => {
                format!("this template has {} variants: it keeps the same attributes (values may change)", q("variants"))
            }
            ValueInUse => match params.get("attribute") {
                Some(a) => format!("variants use {a} {}; it cannot be removed", q("value")),
                None => format!("{} is used by a product; it cannot be removed", q("value")),
            },
            SkuPatternUnclosed => "has a '{' without its '}'".into(),
            SkuPatternUnknownPlaceholder => format!("{{{}}} is not {{parent}} nor an attribute of this template", q("name")),
            SkuPatternMissingAttribute => format!("must contain {{{}}} so every variant gets its own SKU", q("attribute")),
            NegativeVariantPrice => format!("the price extras make the variant {} cost less than nothing", q("sku")),
            NotATemplate => opt(params, "sku", |s| format!("{s} is not a variant template"), "is not a variant template: declare its attributes first"),
            TooManyVariants => format!(
                "would create {} variants; at most {} are created per call (use fewer attribute values)",
                q("count"),
                q("max")
            ),
            MissingAttributeValue => format!("needs a value of {}", q("attribute")),
            SeveralAttributeValues => format!("has more than one value of {}", q("attribute")),
            VariantExists => opt(
                params,
                "template",
                |t| format!("{t} already has a variant with these values"),
                "the template already has a variant with these values",
            ),
            VariantNeedsValues => "a variant needs its value for each attribute of its template".into(),
            VariantUnitFromTemplate => "a variant has its template's unit; change it on the template".into(),
            VariantKindFromTemplate => "a variant has its template's kind; change it on the template".into(),
            UnitDimensionLocked => format!("the kits {} use this product by quantity; its unit must keep measuring {}", q("kits"), q("dimension")),
            TemplateArchived => "its template is archived; restore the template first".into(),
            InvalidTemplateAttributes => format!("\"{}\" is not \"Attribute: value, value\"", q("part")),
            InvalidVariantAttributes => {
                format!("\"{}\" is not \"Attribute: value\" (a variant has one value per attribute)", q("part"))
            }
            InvalidComponent => format!("\"{}\" is not \"SKU=quantity unit\"", q("part")),
            KitContainsItself => "a kit cannot contain itself".into(),
            KitCycle => match (params.get("component"), params.get("kit")) {
                (Some(c), Some(k)) => format!("{c} already contains {k} (at some depth): that would be a cycle"),
                _ => "these kits contain each other (a cycle)".into(),
            },
            UnitMismatch => format!(
                "{} is measured in {} ({}); {} measures {}",
                q("sku"),
                q("unit"),
                q("dimension"),
                q("other_unit"),
                q("other_dimension")
            ),
            KitCostTooLarge => format!("would make the cost of the kit {} too large (at most {})", q("kit"), q("max")),
            CategoryCycle => "a category cannot move under itself or one of its own subcategories".into(),
            IncompatibleUnits => format!("cannot convert {} ({}) to {} ({})", q("from"), q("from_dimension"), q("to"), q("to_dimension")),
            FileTooLarge => format!("is larger than {} MiB", q("max_mib")),
            InvalidCsv => opt(
                params,
                "row",
                |r| format!("row {r} is not valid CSV: {}", p(params, "detail")),
                &format!("cannot read the header row: {}", q("detail")),
            ),
            InvalidColumns => {
                let mut parts = Vec::new();
                for (k, what) in [("unknown", "unknown column(s)"), ("repeated", "column(s) given twice"), ("missing", "missing column(s)")] {
                    if let Some(v) = params.get(k).filter(|v| !v.is_empty()) {
                        parts.push(format!("{what}: {v}"));
                    }
                }
                format!("{} (the columns are: {})", parts.join("; "), q("columns"))
            }
            PasswordIsEmail => "must not be the same as the email".into(),
            WrongPassword => "is not your current password".into(),
            StateNotInCountry => "is not a state of this country".into(),
            CityNotInState => "is not a city of this state".into(),
            RequiredWithCity => "is required when a city is given".into(),
            CityNeedsState => "needs the state it belongs to".into(),
            RequiredWithAddress => "is required when an address is given".into(),
            UnknownField => "is not an argument of this command".into(),
            Invalid => opt(params, "detail", |d| format!("is invalid: {d}"), "is invalid"),
            NotBatchable => "cannot be part of an atomic batch".into(),
            InvalidSort => format!("cannot sort by {}; use one of {}", q("value"), q("allowed")),
            InvalidCursor => "is not a cursor from this list".into(),
            UnknownPermissions => format!("unknown permission(s): {}", q("permissions")),
            RoleNotGlobal => "this role belongs to a company; change it there".into(),
            AlreadyMember => "this user is already a member of the company".into(),
            InvalidPhone => "may contain only digits, spaces and + - ( ) . x /".into(),
            InvalidUrl => "is not a web address such as https://example.com".into(),
            SeveralDefaults => format!("only one {} address can be the default", q("kind")),
            PartnerRoleRequired => "a partner must be a customer, a supplier, or both".into(),
            ChartExists => "the company already has a chart of accounts".into(),
            SubtypeNeedsType => format!("this subtype belongs to {} accounts", q("type")),
            AccountCycle => "an account cannot move under itself or one of its own sub-accounts".into(),
            ParentNotGroup => format!("{} is not a group account; only group accounts have sub-accounts", q("code")),
            ParentTypeDiffers => format!("the parent is a {} account; a sub-account has its parent's type", q("type")),
            AccountHasPostings => "cannot change: the account has postings".into(),
            GroupHasChildren => "this group has sub-accounts; move them first".into(),
            BalanceNotZero => format!("the balance is {}; only an account with a zero balance can be archived", q("balance")),
            AccountIsDefault => "this is one of the company's default accounts; choose another default first".into(),
            AccountIsGroup => format!("{} is a group account; post to one of its sub-accounts", q("code")),
            WrongSubtype => format!("needs an account of subtype {}", q("subtype")),
            FiscalYearOverlap => format!("the fiscal year {} to {} would overlap an existing year", q("start"), q("end")),
            BeforeLockDate => format!("is on or before the lock date {}; nothing there may change", q("lock_date")),
            PeriodClosed => format!("falls in the closed period {}", q("period")),
            InvalidDate => "is not a date such as 2026-03-31".into(),
            IsBaseCurrency => "is the company's base currency".into(),
            CurrencyNotEnabled => format!("{} is not enabled for this company", q("currency")),
            NoExchangeRate => format!("there is no {} rate on or before {}", q("currency"), q("date")),
            TaxUsed => "this tax has postings: it keeps its rate, kind and price inclusion (create a new tax)".into(),
            TaxKindMismatch => format!("is not a {} tax", q("kind")),
            MixedPriceIncluded => "cannot mix taxes included in the price with taxes added to it on one line".into(),
            JournalUsed => "this journal has entries: it keeps its code and kind".into(),
            ClosingJournalReserved => "the closing journal takes only the year-end closing entry".into(),
            TooFewLines => format!("an entry needs at least {} lines", q("min")),
            AmountCurrencyMismatch => "in the base currency the amount must equal debit minus credit".into(),
            OneOfDebitCredit => "give either a debit or a credit (exactly one of them)".into(),
            AmountCurrencySign => "the foreign amount must be positive for a debit and negative for a credit".into(),
            AccountCurrency => format!("{} takes lines in {} only", q("code"), q("currency")),
            PartnerRequired => format!("a line on {} needs its customer or supplier", q("code")),
            ControlAccount => format!("is a control account: its lines come from {}", q("module")),
            TaxRequired => "a manual line on a tax account names its tax".into(),
            Unbalanced => format!("debits ({}) and credits ({}) differ by {}", q("debit"), q("credit"), q("difference")),
            ZeroEntry => "the entry's total is zero".into(),
            BeforeLastNumbered => format!("is before {} ({}), the last numbered entry of this journal and year", q("number"), q("date")),
            NoFileOpen => "no Cora file is open".into(),
            CannotWriteFile => format!("cannot write {}: {}", q("path"), q("detail")),
            CannotCreateFolder => format!("cannot create {}: {}", q("path"), q("detail")),
            ConsolidationRateMissing => format!("needs a rate for {} (base currency {})", q("company"), q("currency")),
            InsufficientStock => format!("not enough {} in {}: {} {} short", q("sku"), q("location"), q("shortfall"), q("unit")),
            ShortAtDate => format!("this takes {} below zero on {}: {} {} short", q("sku"), q("date"), q("shortfall"), q("unit")),
            CostingMethodLocked => "the costing method is fixed once stock has been valued".into(),
            NotADoneReceipt => "landed costs go on a done receipt".into(),
            SameWarehouse => "is in the same warehouse: move it directly, not through transit".into(),
            SameLocation => "the source and destination are the same location".into(),
            WrongLocationKind => format!("a {} needs a {} location here", q("kind").replace('_', " "), q("expected").replace('_', " ")),
            LotRequired => format!("{} is tracked by {}: name its lot or serial number", q("sku"), q("tracking")),
            LotNotTracked => format!("{} is not tracked by lot or serial number", q("sku")),
            SerialQuantity => format!("{} is tracked by serial number: each serial moves exactly one unit", q("sku")),
            SerialOnHand => format!("the serial number {} of {} is already on hand in {}", q("serial"), q("sku"), q("location")),
            NotStockable => format!("{} is a {} product: only stockable products and kits move in stock", q("sku"), q("kind")),
            HasStockMoves => format!("{} has stock moves: its unit and kind stay, and it cannot become a kit", q("sku")),
            QuantityRoundsToZero => format!("rounds to zero in {} ({} decimals)", q("unit"), q("decimals")),
            SerialCount => format!("{} is tracked by serial number: a serial is counted 0 or 1", q("sku")),
            NotInCountScope => {
                let entity = opt(params, "entity", |e| e.replace('_', " "), "record");
                opt(params, "value", |v| format!("the {entity} {v} is not in this count's scope"), &format!("this {entity} is not in this count's scope"))
            }
            KitHoldsNoStock => format!("{} is a kit: it holds no stock; count or reorder its components", q("sku")),
            BelowMinimum => format!("must be at least the minimum {}", q("min")),
            NotSupplier => format!("{} is not a supplier", q("name")),
            ExceedsRemaining => format!("is more than the {} {} left", q("remaining"), q("unit")).replace("  ", " "),
            ExceedsOpen => format!("is more than the {} still open", q("open")),
            CurrencyDiffers => format!("must be in {}", q("currency")),
            OtherPartner => format!("belongs to another partner or account ({})", q("partner")),
            NothingOpen => "has nothing left open".into(),
            AmountsDiffer => format!("the chosen lines do not add up: {} against {}", q("left"), q("right")),
            AlreadyReconciled => "is already reconciled with the bank".into(),
            StatementChainBroken => format!(
                "statement {} (number {} in the file) opens at {}, but the previous statement closed at {}",
                q("statement"),
                q("index"),
                q("opening"),
                q("previous")
            ),
            StatementUnbalanced => {
                format!("statement {}: the opening {} plus its lines {} is not its closing {}", q("statement"), q("opening"), q("lines"), q("closing"))
            }
            InvalidStatementFile => format!("the file could not be read as {}: {} (line {})", q("format"), q("detail"), q("line")),
            BomCycle => format!("would make a cycle: {}", q("cycle")),
            NoBom => format!("{} has no bill of materials valid on that date", q("sku")),
            LotsDoNotAddUp => format!("the lots add up to {}, not {}", q("got"), q("expected")),
        }
    }

    /// What a conflict about a field with this code is, for [`ErrorBody::reason`].
    fn conflict_reason(self) -> Reason {
        match self {
            FieldCode::Duplicate | FieldCode::DuplicateInParent | FieldCode::VariantExists | FieldCode::AlreadyMember => {
                Reason::AlreadyExists
            }
            FieldCode::ValueInUse | FieldCode::UnitDimensionLocked | FieldCode::TemplateAttributesFixed => Reason::InUse,
            _ => Reason::FieldConflict,
        }
    }
}

/// A [`FieldCode`] with its params, not yet tied to a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub code: FieldCode,
    pub params: Params,
}

impl Issue {
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_string(), value.to_string());
        self
    }
}

impl From<FieldCode> for Issue {
    fn from(code: FieldCode) -> Self {
        Issue { code, params: Params::new() }
    }
}

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct FieldError {
    /// The field's name as in the command's args (dotted for nested fields: `address.city`).
    pub field: String,
    /// What is wrong: translate this, not `message`.
    pub code: FieldCode,
    /// The values the code's message names (`max`, `sku`, ...); always present, often empty.
    #[ts(type = "Record<string, string>")]
    pub params: Params,
    /// English, derived from `code` and `params` (for the CLI and logs).
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, issue: impl Into<Issue>) -> Self {
        let Issue { code, params } = issue.into();
        FieldError { field: field.into(), message: code.message(&params), code, params }
    }

    /// The same problem, on another field (an import names the CSV column).
    pub fn issue(&self) -> Issue {
        Issue { code: self.code, params: self.params.clone() }
    }
}

codes! {
/// Which refusal an error is, beyond its [`ErrorCode`]: the stable code a UI translates
/// for the error's own message (field problems are in `fields`). Params per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Bad input; the `fields` say what (validation).
    InvalidInput,
    /// A reference to a record that does not exist in this company (validation).
    ReferenceMissing,
    /// Data the file's constraints refuse (validation; `detail`).
    InvalidData,
    /// A value longer than the file takes (validation).
    ValueTooLong,
    /// Unknown email or wrong password (unauthenticated).
    BadCredentials,
    /// The account is deactivated (unauthenticated).
    AccountDeactivated,
    /// No session given (unauthenticated).
    SignInRequired,
    /// The session ended or never existed (unauthenticated).
    SessionExpired,
    /// The API token is not known (unauthenticated).
    ApiTokenInvalid,
    /// The API token was revoked (unauthenticated).
    ApiTokenRevoked,
    /// The API token has expired (unauthenticated).
    ApiTokenExpired,
    /// A read-only API token cannot run `command`, which writes (forbidden).
    ApiTokenReadOnly,
    /// `command` manages credentials and cannot run with an API token: sign in (forbidden).
    ApiTokenNotAllowed,
    /// Too many requests to the HTTP API; `per_second` allowed (throttled).
    RateLimited,
    /// The request body is larger than `max` bytes (validation; the HTTP API).
    BodyTooLarge,
    /// Too many failed sign-ins; `retry_after_minutes` (throttled).
    Throttled,
    /// The caller's role lacks `permission` for `command` (forbidden).
    Forbidden,
    /// `command` is for administrators only (forbidden).
    AdminOnly,
    /// Global roles are managed by administrators (forbidden).
    GlobalRolesAdminOnly,
    /// Part of a call needs `permission`: row `row` creates the `entity` `name` (forbidden).
    ImportNeedsPermission,
    /// Granting `permissions` the caller does not hold (the `role`'s, when assigning one) (forbidden).
    GrantBeyondOwn,
    /// Only an Owner may make an Owner, or change or remove one (forbidden).
    OwnerOnly,
    /// A file the user did not choose (`path`) (forbidden; the desktop shell).
    FileNotChosen,
    /// The `entity` `key` does not exist, or is not the caller's to see (not_found).
    NotFound,
    /// Another record already has a value; the `fields` say which (conflict).
    AlreadyExists,
    /// Something is used elsewhere and cannot change; the `fields` say what (conflict).
    InUse,
    /// The record's state refuses the change; the `fields` say why (conflict).
    FieldConflict,
    /// The partner is used by documents; archive it instead (conflict).
    PartnerInUse,
    /// The category `category` still has `subcategories` and `products` (conflict).
    CategoryNotEmpty,
    /// `members` members still have the role `role` (conflict).
    RoleInUse,
    /// The built-in role `role` cannot change (conflict).
    BuiltinRole,
    /// A company keeps at least one Owner (conflict).
    LastOwner,
    /// The last active administrator (conflict).
    LastAdmin,
    /// Nobody deactivates themselves (conflict).
    CannotDeactivateSelf,
    /// The file already has users; the first-run setup is over (conflict).
    AlreadySetUp,
    /// The company is archived and read-only (conflict).
    CompanyArchived,
    /// The demo needs a company without products (conflict).
    CompanyNotEmpty,
    /// An append-only or immutable record (conflict; `detail`).
    Immutable,
    /// The company has no chart of accounts yet (conflict).
    NoChartOfAccounts,
    /// The account `code` has postings; archive it instead (conflict).
    AccountHasPostings,
    /// The fiscal year `year` is closed (conflict).
    YearClosed,
    /// The fiscal year `year` is open (conflict).
    YearOpen,
    /// The closing period opens and closes with its year `year` (conflict).
    ClosingPeriodFollowsYear,
    /// The earlier year `year` is still open (conflict).
    EarlierYearOpen,
    /// The later year `year` is closed (conflict).
    LaterYearClosed,
    /// The default account `default` is not set (conflict).
    DefaultAccountMissing,
    /// No active journal of kind `kind` (conflict).
    NoJournalOfKind,
    /// Only a posted entry can be reversed (conflict).
    EntryNotPosted,
    /// The entry `number` is posted; reverse it instead (conflict).
    EntryPosted,
    /// Already reversed by `number` (conflict).
    AlreadyReversed,
    /// A closing entry is reversed by reopening its year (conflict).
    ClosingEntryFollowsYear,
    /// A document in state `from` cannot go to `to` (conflict).
    InvalidTransition,
    /// Only a draft picking changes or is deleted; this one is `state` (conflict).
    PickingNotDraft,
    /// The `location` (or warehouse) still holds stock (conflict).
    LocationHasStock,
    /// A warehouse's root location is archived with its warehouse (conflict).
    RootLocation,
    /// The `default` account for stock valuation is not set (conflict).
    InventoryAccountMissing,
    /// The stock count is `state`: its counts no longer change (conflict).
    CountClosed,
    /// A running stock count (`count`) already covers `location` for these products (conflict).
    CountOverlap,
    /// Only a draft document changes or is deleted; this one is `state` (conflict).
    DocumentNotDraft,
    /// The order is `state`: only a confirmed order delivers, receives or is invoiced (conflict).
    OrderNotConfirmed,
    /// Confirming takes `customer` beyond the credit limit `limit` (open `open`, this order `order`) (conflict).
    CreditLimitExceeded,
    /// The bill asks for more than was received; the `fields` say which lines (validation).
    BilledAboveReceived,
    /// A ledger line of the entry is reconciled with a bank statement: undo that first (conflict).
    Reconciled,
    /// The payment is already cancelled (conflict).
    PaymentCancelled,
    /// `path` is not a Cora file (internal).
    NotACoraFile,
    /// `path` was written by a newer Cora (schema `found`; this build knows up to `known`) (internal).
    FileTooNew,
    /// Migrating `path` failed; a copy from before is at `backup` (internal; `detail`).
    MigrationFailed,
    /// `path` failed its integrity check (internal; `detail`).
    FileCorrupt,
    /// `path` cannot be opened (internal; `detail`).
    CannotOpenFile,
    /// Backup or restore failed (internal; `detail`).
    BackupFailed,
    /// A bug or an unexpected failure; nothing was changed (internal; `command` when known).
    Internal,
}
}

impl Reason {
    pub fn with(self, key: &str, value: impl ToString) -> Refusal {
        Refusal::from(self).with(key, value)
    }

    /// The English message. UIs translate the reason instead.
    pub fn message(self, params: &Params) -> String {
        use Reason::*;
        let q = |k: &str| p(params, k).to_string();
        match self {
            InvalidInput => "some fields are not valid".into(),
            ReferenceMissing => "a referenced record does not exist in this company".into(),
            InvalidData => format!("invalid data ({})", q("detail")),
            ValueTooLong => "a value is too long".into(),
            BadCredentials => "email or password is incorrect".into(),
            AccountDeactivated => "this account is deactivated; ask an administrator".into(),
            SignInRequired => "sign in first".into(),
            SessionExpired => "your session has ended; sign in again".into(),
            ApiTokenInvalid => "this API token is not valid".into(),
            ApiTokenRevoked => "this API token has been revoked".into(),
            ApiTokenExpired => "this API token has expired".into(),
            ApiTokenReadOnly => format!("this API token is read-only and {} writes", q("command")),
            ApiTokenNotAllowed => format!("{} cannot run with an API token; sign in instead", q("command")),
            RateLimited => format!("too many requests (at most {} a second); try again in a moment", q("per_second")),
            BodyTooLarge => format!("the request is larger than {} bytes", q("max")),
            Throttled => format!("too many failed sign-ins; try again in {} minute(s)", q("retry_after_minutes")),
            Forbidden => format!("your role in this company does not allow {}", q("command")),
            AdminOnly => format!("{} is for administrators only", q("command")),
            GlobalRolesAdminOnly => "global roles are managed by administrators".into(),
            ImportNeedsPermission => format!(
                "row {} creates the {} {}, which needs the permission {}",
                q("row"),
                q("entity").replace('_', " "),
                q("name"),
                q("permission")
            ),
            GrantBeyondOwn => opt(
                params,
                "role",
                |r| format!("the role {r} carries permissions you do not hold ({}); you can only assign roles within your own", p(params, "permissions")),
                &format!("you can only grant permissions you hold yourself; you do not hold {}", q("permissions")),
            ),
            OwnerOnly => "only an Owner can make someone Owner, or change or remove an Owner".into(),
            FileNotChosen => format!("{} was not chosen in a file dialog nor opened before; use File → Open", q("path")),
            NotFound => format!("{} {} was not found", q("entity"), q("key")),
            AlreadyExists => "a record with this value already exists".into(),
            InUse => "it is in use and cannot change".into(),
            FieldConflict => "the change conflicts with the record's state".into(),
            PartnerInUse => "this partner is in use; archive it instead".into(),
            CategoryNotEmpty => format!(
                "{} still has {} subcategories and {} products; move them first",
                q("category"),
                q("subcategories"),
                q("products")
            ),
            RoleInUse => format!("{} member(s) still have the role {}; give them another role first", q("members"), q("role")),
            BuiltinRole => format!("{} is a built-in role and cannot be changed", q("role")),
            LastOwner => "a company needs at least one Owner; make someone else Owner first".into(),
            LastAdmin => "this is the last active administrator; make another one first".into(),
            CannotDeactivateSelf => "you cannot deactivate yourself".into(),
            AlreadySetUp => "this file already has users; sign in instead".into(),
            CompanyArchived => "this company is archived; unarchive it to make changes".into(),
            CompanyNotEmpty => "this company already has products; run the demo on an empty company".into(),
            Immutable => q("detail"),
            NoChartOfAccounts => "this company has no chart of accounts yet; set one up in Accounting".into(),
            AccountHasPostings => format!("the account {} has postings; archive it instead", q("code")),
            YearClosed => format!("the fiscal year {} is closed", q("year")),
            YearOpen => format!("the fiscal year {} is not closed", q("year")),
            ClosingPeriodFollowsYear => format!("the closing period opens and closes with the year {}", q("year")),
            EarlierYearOpen => format!("close the earlier year {} first", q("year")),
            LaterYearClosed => format!("reopen the later year {} first", q("year")),
            DefaultAccountMissing => format!("set the default {} account in the accounting settings first", q("default").replace('_', " ")),
            NoJournalOfKind => format!("there is no active {} journal", q("kind")),
            EntryNotPosted => "only a posted entry can be reversed".into(),
            EntryPosted => format!("the entry {} is posted and cannot change; reverse it instead", q("number")),
            AlreadyReversed => format!("this entry is already reversed by {}", q("number")),
            ClosingEntryFollowsYear => "a year-end closing entry is reversed by reopening its year".into(),
            InvalidTransition => format!("a {} document cannot become {}", q("from"), q("to")),
            PickingNotDraft => format!("only a draft picking can change or be deleted; this one is {}", q("state")),
            LocationHasStock => format!("{} still holds stock; move it out first", q("location")),
            InventoryAccountMissing => match params.get("default").map(String::as_str) {
                Some("loss") => "set the inventory loss/gain account in the inventory settings first".into(),
                _ => format!("set the default {} account in the accounting settings first", q("default")),
            },
            CountClosed => format!("this stock count is {}: its counts no longer change", q("state").replace('_', " ")),
            CountOverlap => format!("a running stock count already covers {} for these products; post or cancel it first", q("location")),
            DocumentNotDraft => format!("only a draft document can change or be deleted; this one is {}", q("state")),
            OrderNotConfirmed => format!("the order is {}: only a confirmed order is delivered, received or invoiced", q("state")),
            CreditLimitExceeded => format!(
                "confirming takes {} beyond the credit limit of {}: {} is open and this order adds {}",
                q("customer"),
                q("limit"),
                q("open"),
                q("order")
            ),
            BilledAboveReceived => "the bill asks for more than was received; accept the difference to post it".into(),
            Reconciled => "it is reconciled with a bank statement: undo the reconciliation first".into(),
            PaymentCancelled => "the payment is already cancelled".into(),
            RootLocation => "a warehouse's root location follows its warehouse: archive the warehouse instead".into(),
            NotACoraFile => format!("{} is not a Cora database", q("path")),
            FileTooNew => format!(
                "{} was written by a newer Cora (schema version {}; this build knows up to {}); it was not modified",
                q("path"),
                q("found"),
                q("known")
            ),
            MigrationFailed => format!(
                "migrating {} failed: {}; the file was left as it was (a copy from before is at {})",
                q("path"),
                q("detail"),
                q("backup")
            ),
            FileCorrupt => format!("{} failed its integrity check: {}", q("path"), q("detail")),
            CannotOpenFile => format!("cannot open {}: {}", q("path"), q("detail")),
            BackupFailed => format!("backup or restore failed: {}", q("detail")),
            Internal => opt(
                params,
                "command",
                |c| format!("{c} failed unexpectedly (a bug in Cora); nothing was changed"),
                "something went wrong inside Cora; nothing was changed",
            ),
        }
    }
}

/// A [`Reason`] with its params.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: Reason,
    pub params: Params,
}

impl Refusal {
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_string(), value.to_string());
        self
    }
}

impl From<Reason> for Refusal {
    fn from(reason: Reason) -> Self {
        Refusal { reason, params: Params::new() }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason.message(&self.params))
    }
}

/// `field: message; field: message`, or the refusal's own message when no field says more.
fn fields_message(refusal: &Refusal, fields: &[FieldError]) -> String {
    if fields.is_empty() || !matches!(refusal.reason, Reason::InvalidInput | Reason::AlreadyExists | Reason::InUse | Reason::FieldConflict) {
        return refusal.to_string();
    }
    fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}", fields_message(reason, fields))]
    Validation { reason: Refusal, fields: Vec<FieldError> },

    #[error("{entity} {key} was not found")]
    NotFound { entity: &'static str, key: String },

    #[error("{0}")]
    Forbidden(Refusal),

    #[error("{0}")]
    Unauthenticated(Refusal),

    #[error("{}", fields_message(reason, fields))]
    Conflict { reason: Refusal, fields: Vec<FieldError> },

    #[error("too many failed sign-ins; try again in {} minute(s)", (retry_after_secs + 59) / 60)]
    Throttled { retry_after_secs: i64 },

    #[error("database error: {0}")]
    Database(#[source] rusqlite::Error),

    #[error("{0}")]
    Store(#[from] crate::store::StoreError),

    #[error("internal error: {0}")]
    Internal(String),

    /// A command panicked: a bug in Cora, caught by the dispatcher.
    #[error("{command} failed unexpectedly (a bug in Cora); nothing was changed")]
    Panic { command: &'static str },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation { .. } => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::Throttled { .. } => ErrorCode::Throttled,
            Error::Database(_) | Error::Store(_) | Error::Internal(_) | Error::Panic { .. } => ErrorCode::Internal,
        }
    }

    /// The stable reason and its params.
    pub fn refusal(&self) -> Refusal {
        use crate::store::StoreError as S;
        match self {
            Error::Validation { reason, .. } | Error::Conflict { reason, .. } => reason.clone(),
            Error::Forbidden(r) | Error::Unauthenticated(r) => r.clone(),
            Error::NotFound { entity, key } => Reason::NotFound.with("entity", entity).with("key", key),
            Error::Throttled { retry_after_secs } => Reason::Throttled.with("retry_after_minutes", (retry_after_secs + 59) / 60),
            Error::Database(_) | Error::Internal(_) => Reason::Internal.into(),
            Error::Panic { command } => Reason::Internal.with("command", command),
            Error::Store(s) => match s {
                S::NotCora { path } => Reason::NotACoraFile.with("path", path.display()),
                S::TooNew { path, found, known } => Reason::FileTooNew.with("path", path.display()).with("found", found).with("known", known),
                S::MigrationFailed { path, backup, reason } => {
                    Reason::MigrationFailed.with("path", path.display()).with("backup", backup.display()).with("detail", reason)
                }
                S::Corrupt { path, reason } => Reason::FileCorrupt.with("path", path.display()).with("detail", reason),
                S::Open { path, reason } => Reason::CannotOpenFile.with("path", path.display()).with("detail", reason),
                S::Backup(detail) => Reason::BackupFailed.with("detail", detail),
            },
        }
    }

    /// A validation error about one field.
    pub fn field(field: impl Into<String>, issue: impl Into<Issue>) -> Self {
        Error::Validation { reason: Reason::InvalidInput.into(), fields: vec![FieldError::new(field, issue)] }
    }

    /// A validation error made of several field errors (none when `fields` is empty).
    pub fn from_fields(fields: Vec<FieldError>) -> Result<()> {
        if fields.is_empty() {
            return Ok(());
        }
        Err(Error::Validation { reason: Reason::InvalidInput.into(), fields })
    }

    pub fn not_found(entity: &'static str, key: impl fmt::Display) -> Self {
        Error::NotFound { entity, key: key.to_string() }
    }

    /// A conflict about one field (a duplicate, a value in use, ...).
    pub fn conflict(field: impl Into<String>, issue: impl Into<Issue>) -> Self {
        let fe = FieldError::new(field, issue);
        Error::Conflict { reason: fe.code.conflict_reason().into(), fields: vec![fe] }
    }

    /// A conflict of the whole request with the data's state.
    pub fn refused(reason: impl Into<Refusal>) -> Self {
        Error::Conflict { reason: reason.into(), fields: vec![] }
    }

    pub fn forbidden(reason: impl Into<Refusal>) -> Self {
        Error::Forbidden(reason.into())
    }

    pub fn unauthenticated(reason: impl Into<Refusal>) -> Self {
        Error::Unauthenticated(reason.into())
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            Error::Validation { fields, .. } | Error::Conflict { fields, .. } => fields,
            _ => &[],
        }
    }

    /// The body sent to clients. Internal details stay out of the message.
    pub fn to_body(&self) -> ErrorBody {
        // SQLite's own words and internal details stay out of what clients show; the
        // full text is in `Display` for logs (the CLI prints it as `detail`).
        let message = match self {
            Error::Database(_) | Error::Internal(_) => Reason::Internal.message(&Params::new()),
            _ => self.to_string(),
        };
        let Refusal { reason, params } = self.refusal();
        ErrorBody {
            code: self.code(),
            reason,
            params,
            message,
            fields: self.fields().to_vec(),
            retry_after_secs: match self {
                Error::Throttled { retry_after_secs } => Some(*retry_after_secs),
                _ => None,
            },
        }
    }
}

/// SQLite's constraint failures become the errors a user can act on: a UNIQUE
/// violation is a conflict, a foreign-key or CHECK violation is bad input (a reference
/// to a row that does not exist in this company). Everything else is internal.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        if let rusqlite::Error::SqliteFailure(f, msg) = &e
            && f.code == C::ConstraintViolation
        {
            let msg = msg.clone().unwrap_or_default();
            if msg.contains("UNIQUE") || msg.contains("PRIMARY KEY") {
                let field = msg.rsplit('.').next().unwrap_or("").trim_end_matches("_key").to_string();
                return Error::conflict(field, FieldCode::Duplicate);
            }
            if msg.contains("FOREIGN KEY") {
                return Error::Validation { reason: Reason::ReferenceMissing.into(), fields: vec![] };
            }
            if msg.contains("append-only") || msg.contains("immutable") {
                return Error::refused(Reason::Immutable.with("detail", msg));
            }
            return Error::Validation { reason: Reason::InvalidData.with("detail", msg), fields: vec![] };
        }
        // Limits SQLite puts on input (a LIKE pattern, a string or blob) are bad input too.
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            let too_complex = msg.as_deref().is_some_and(|m| m.contains("pattern too complex"));
            if f.code == C::TooBig || too_complex {
                return Error::Validation { reason: Reason::ValueTooLong.into(), fields: vec![] };
            }
        }
        if let rusqlite::Error::QueryReturnedNoRows = e {
            return Error::Internal("expected a row, found none".into());
        }
        Error::Database(e)
    }
}

/// What a client receives for any failed command.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// Which refusal this is: translate this (with `params`), not `message`.
    pub reason: Reason,
    /// The values the reason's message names; always present, often empty.
    #[ts(type = "Record<string, string>")]
    pub params: Params,
    /// English, for the CLI and logs.
    pub message: String,
    pub fields: Vec<FieldError>,
    /// Seconds until a throttled sign-in may be tried again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub retry_after_secs: Option<i64>,
}
