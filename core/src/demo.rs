//! Demo data: fills a company with a realistic, deterministic catalog (`cora demo`).
//!
//! The demo is a list of [`STEPS`], each a name and a function that writes through the
//! real commands (so it needs a user allowed to run them, and checks what any user's
//! input is checked for). Every step draws from its own random stream, seeded from the
//! demo's seed and the step's name: the same seed gives the same data, and adding a
//! step never changes what the others make.
//!
//! To add a step, write `fn partners(d: &mut Demo<'_>) -> Result<u64>` that calls commands through
//! [`Demo::call`] and add one line to [`STEPS`].

use crate::error::{FieldCode, Reason};
use crate::{CompanyRef, Cora, Error, Result};
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::time::Instant;

/// One part of the demo.
pub struct Step {
    pub name: &'static str,
    /// Fills its part; returns how many records it created.
    pub run: fn(&mut Demo<'_>) -> Result<u64>,
}

/// The steps, in order. Later steps may use what earlier ones left in [`Demo`].
pub const STEPS: &[Step] = &[
    Step { name: "categories", run: categories },
    Step { name: "attributes", run: attributes },
    Step { name: "products", run: products },
    Step { name: "partners", run: partners },
    Step { name: "ledger", run: ledger },
    Step { name: "inventory", run: inventory },
];

/// What a step works with: the open file, the caller's session, the company, the scale
/// and its random stream, and what earlier steps made.
pub struct Demo<'a> {
    cora: &'a mut Cora,
    token: &'a str,
    company: CompanyRef,
    /// The number of products to make; other steps scale from it.
    pub scale: u32,
    pub rng: ChaCha8Rng,
    seed: u64,
    /// Category paths made by the `categories` step.
    pub category_paths: Vec<String>,
}

impl Demo<'_> {
    /// Runs a command in the demo's company as the demo's user.
    pub fn call(&mut self, command: &str, args: Value) -> Result<Value> {
        self.cora.call(Some(self.token), Some(&self.company), command, args)
    }

    fn reseed(&mut self, step: &str) {
        // FNV-1a of the step's name, mixed with the seed.
        let h = step.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        self.rng = ChaCha8Rng::seed_from_u64(self.seed ^ h);
    }

    fn pick<'s>(&mut self, items: &'s [&'s str]) -> &'s str {
        items[self.rng.random_range(0..items.len())]
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub step: &'static str,
    pub created: u64,
    pub millis: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoReport {
    pub scale: u32,
    pub seed: u64,
    pub steps: Vec<StepReport>,
}

/// Fills `company` with demo data as the holder of `token`, `scale` products in all.
pub fn run(cora: &mut Cora, token: &str, company: &CompanyRef, scale: u32, seed: u64) -> Result<DemoReport> {
    if scale == 0 || scale > 1_000_000 {
        return Err(Error::field("scale", FieldCode::OutOfRange.with("min", 1).with("max", 1_000_000)));
    }
    let mut d = Demo {
        cora,
        token,
        company: company.clone(),
        scale,
        rng: ChaCha8Rng::seed_from_u64(seed),
        seed,
        category_paths: Vec::new(),
    };
    let existing = d.call("catalog.list_products", json!({"query": {"limit": 1, "include_archived": true}}))?;
    if existing["total"].as_i64().unwrap_or(0) > 0 {
        return Err(Error::refused(Reason::CompanyNotEmpty));
    }
    let mut steps = Vec::new();
    for step in STEPS {
        d.reseed(step.name);
        let start = Instant::now();
        let created = (step.run)(&mut d)?;
        steps.push(StepReport { step: step.name, created, millis: start.elapsed().as_millis() as u64 });
    }
    Ok(DemoReport { scale, seed, steps })
}

// --- catalog -----------------------------------------------------------------------------------

/// Departments: name, SKU prefix, subcategories, product nouns, adjectives.
struct Department {
    name: &'static str,
    prefix: &'static str,
    subs: &'static [&'static str],
    nouns: &'static [&'static str],
    adjectives: &'static [&'static str],
    /// Unit and kind most of its products have: (unit code, kind).
    unit: (&'static str, &'static str),
    /// Cost range in whole currency units.
    cost: (u32, u32),
}

const DEPARTMENTS: &[Department] = &[
    Department {
        name: "Clothing",
        prefix: "CLO",
        subs: &["T-shirts", "Shirts", "Knitwear", "Trousers", "Jackets", "Dresses"],
        nouns: &["T-shirt", "Polo Shirt", "Oxford Shirt", "Hoodie", "Sweater", "Cardigan", "Chinos", "Jeans", "Rain Jacket", "Parka", "Wrap Dress", "Shirt Dress"],
        adjectives: &["Classic", "Relaxed", "Slim", "Organic Cotton", "Linen", "Merino", "Heavyweight", "Lightweight", "Vintage", "Essential", "Striped", "Washed"],
        unit: ("unit", "stockable"),
        cost: (4, 60),
    },
    Department {
        name: "Footwear",
        prefix: "FTW",
        subs: &["Sneakers", "Boots", "Sandals"],
        nouns: &["Runner", "Court Sneaker", "Chelsea Boot", "Hiking Boot", "Slide", "Sandal", "Loafer"],
        adjectives: &["Leather", "Suede", "Canvas", "Trail", "Waterproof", "Everyday", "Recycled"],
        unit: ("unit", "stockable"),
        cost: (12, 90),
    },
    Department {
        name: "Home",
        prefix: "HOM",
        subs: &["Kitchen", "Tableware", "Textiles", "Lighting", "Storage"],
        nouns: &["Mug", "Teapot", "Serving Board", "Chef's Knife", "Dinner Plate", "Salad Bowl", "Tea Towel", "Cushion Cover", "Throw", "Table Lamp", "Storage Jar", "Basket"],
        adjectives: &["Ceramic", "Stoneware", "Oak", "Walnut", "Enamel", "Linen", "Glass", "Handmade", "Nordic", "Rustic", "Speckled"],
        unit: ("unit", "stockable"),
        cost: (2, 45),
    },
    Department {
        name: "Grocery",
        prefix: "GRO",
        subs: &["Tea & Coffee", "Pantry", "Snacks", "Drinks"],
        nouns: &["Green Tea", "Earl Grey", "Espresso Beans", "Filter Coffee", "Olive Oil", "Basmati Rice", "Dark Chocolate", "Almonds", "Honey", "Sparkling Water", "Apple Juice", "Granola"],
        adjectives: &["Organic", "Single Origin", "Fair Trade", "Roasted", "Wildflower", "Cold Pressed", "Sea Salt", "Smoked"],
        unit: ("kg", "consumable"),
        cost: (1, 25),
    },
    Department {
        name: "Electronics",
        prefix: "ELE",
        subs: &["Audio", "Accessories", "Smart Home"],
        nouns: &["Wireless Earbuds", "Bluetooth Speaker", "USB-C Cable", "Power Bank", "Phone Case", "Smart Plug", "LED Bulb", "Charging Stand"],
        adjectives: &["Compact", "Fast-Charge", "Noise-Cancelling", "Braided", "Slim", "Rugged", "Pro"],
        unit: ("unit", "stockable"),
        cost: (3, 120),
    },
    Department {
        name: "Sports",
        prefix: "SPO",
        subs: &["Yoga", "Cycling", "Camping"],
        nouns: &["Yoga Mat", "Water Bottle", "Cycling Gloves", "Bike Light", "Tent", "Sleeping Bag", "Headlamp", "Resistance Band"],
        adjectives: &["Eco", "Insulated", "Ultralight", "Reflective", "All-Season", "Non-Slip", "Foldable"],
        unit: ("unit", "stockable"),
        cost: (3, 150),
    },
    Department {
        name: "Beauty",
        prefix: "BEA",
        subs: &["Skincare", "Hair", "Bath"],
        nouns: &["Face Cream", "Cleanser", "Shampoo", "Conditioner", "Hand Soap", "Bath Salts", "Body Lotion", "Lip Balm"],
        adjectives: &["Lavender", "Unscented", "Citrus", "Rose", "Aloe", "Oat", "Charcoal"],
        unit: ("ml", "consumable"),
        cost: (1, 20),
    },
    Department {
        name: "Garden",
        prefix: "GAR",
        subs: &["Tools", "Plants & Seeds", "Outdoor Living"],
        nouns: &["Trowel", "Pruning Shears", "Watering Can", "Seed Mix", "Planter", "String Lights", "Garden Hose", "Bird Feeder"],
        adjectives: &["Stainless", "Galvanised", "Terracotta", "Heirloom", "Solar", "Expandable", "Cedar"],
        unit: ("unit", "stockable"),
        cost: (2, 70),
    },
];

const SERVICES: &[(&str, &str, u32)] = &[("Gift Wrapping", "unit", 3), ("Alteration", "hour", 25), ("Home Delivery", "unit", 8), ("Assembly", "hour", 35), ("Engraving", "unit", 6)];

const BRAND_START: &[&str] = &["Nord", "Alta", "Blue", "Oak", "Silver", "Wild", "Stone", "Sun", "Iron", "Maple", "Red", "Cloud", "Fern", "Harbor", "Copper", "Lark"];
const BRAND_END: &[&str] = &["vik", "mar", "field", "wood", "line", "ridge", "craft", "& Co", "works", "haven", "dale", "brook", "stead", "well"];

const SIZES: &[&str] = &["XS", "S", "M", "L", "XL", "XXL"];
const COLOURS: &[&str] = &["White", "Black", "Navy", "Grey", "Red", "Olive", "Beige", "Sky Blue"];

fn categories(d: &mut Demo<'_>) -> Result<u64> {
    let mut csv = String::from("path\r\n");
    let mut paths = Vec::new();
    // Larger catalogs get a third level of collections under each subcategory.
    let collections = (d.scale / 20_000).min(6);
    for dep in DEPARTMENTS {
        paths.push(dep.name.to_string());
        for sub in dep.subs {
            let path = format!("{} / {sub}", dep.name);
            paths.push(path.clone());
            for c in 0..collections {
                paths.push(format!("{path} / {} Collection", ["Spring", "Summer", "Autumn", "Winter", "Core", "Outlet"][c as usize]));
            }
        }
    }
    for p in &paths {
        let _ = write!(csv, "{p}\r\n");
    }
    let report = d.call("catalog.import_categories", json!({"csv": csv, "dry_run": false}))?;
    check_import(&report)?;
    // Products go into the leaves.
    d.category_paths = paths.into_iter().filter(|p| p.matches(" / ").count() == if collections > 0 { 2 } else { 1 }).collect();
    Ok(report["created"].as_u64().unwrap_or(0))
}

/// Size and Colour with their values in their natural order (templates use subsets).
fn attributes(d: &mut Demo<'_>) -> Result<u64> {
    d.call("catalog.create_attribute", json!({"name": "Size", "values": SIZES}))?;
    d.call("catalog.create_attribute", json!({"name": "Colour", "values": COLOURS}))?;
    Ok(2)
}

fn check_import(report: &Value) -> Result<()> {
    if report["committed"] != json!(true) {
        let first = &report["errors"][0];
        return Err(Error::Internal(format!("demo data was refused at row {}: {} {}", first["row"], first["column"], first["message"])));
    }
    Ok(())
}

/// An EAN-13 in the GS1 "in-store" range 20–29, so it never clashes with a real product.
fn ean13(n: u64) -> String {
    let body = format!("2{:011}", n % 100_000_000_000);
    let sum: u32 = body.bytes().rev().enumerate().map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 }).sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn products(d: &mut Demo<'_>) -> Result<u64> {
    let n = d.scale as usize;
    let brand_count = (n / 200).clamp(5, BRAND_START.len() * BRAND_END.len());
    let mut brands: Vec<String> = Vec::new();
    while brands.len() < brand_count {
        let b = format!("{}{}", d.pick(BRAND_START), d.pick(BRAND_END));
        let b = if b.contains('&') { b.replace("& Co", " & Co") } else { b };
        if !brands.contains(&b) {
            brands.push(b);
        }
    }
    let leaves: Vec<String> = if d.category_paths.is_empty() { vec![String::new()] } else { d.category_paths.clone() };

    let mut csv = String::from("sku,name,description,category,brand,unit,kind,sale_price,cost,barcode,archived,variant_of,attributes,components\r\n");
    let mut made = 0usize;
    let mut seq = 0u64;
    let mut simple: Vec<String> = Vec::new();
    while made < n {
        let left = n - made;
        let roll: f64 = d.rng.random();
        seq += 1;
        if left > 13 && roll < 0.03 {
            // A variant family of clothing or footwear: a template and its variants.
            let dep = &DEPARTMENTS[d.rng.random_range(0..2)];
            let sizes_n = d.rng.random_range(3..=4usize).min(left - 1);
            let start = d.rng.random_range(0..=SIZES.len() - sizes_n);
            let sizes = &SIZES[start..start + sizes_n];
            let colours_n = d.rng.random_range(2..=3usize).min((left - 1) / sizes_n);
            let mut colours: Vec<&str> = Vec::new();
            while colours.len() < colours_n {
                let c = d.pick(COLOURS);
                if !colours.contains(&c) {
                    colours.push(c);
                }
            }
            let name = format!("{} {}", d.pick(dep.adjectives), d.pick(dep.nouns));
            let sku = format!("{}-{seq:06}", dep.prefix);
            let cost = d.rng.random_range(dep.cost.0 * 100..=dep.cost.1 * 100) as u64;
            let price = (cost * d.rng.random_range(180..=260) / 100) / 100 * 100 + 99;
            let under = format!("{} / {}", dep.name, dep.subs[d.rng.random_range(0..dep.subs.len())]);
            let category = leaves.iter().find(|p| p.starts_with(&under)).cloned().unwrap_or_default();
            let brand = brands[d.rng.random_range(0..brands.len())].clone();
            let size_line = sizes.iter().map(|s| if s.starts_with("XX") { format!("{s}(+2)") } else { s.to_string() }).collect::<Vec<_>>().join(", ");
            let attrs = format!("Size: {size_line}; Colour: {}", colours.join(", "));
            let _ = write!(
                csv,
                "{sku},{},{},{},{},unit,stockable,{},{},,false,,{},\r\n",
                csv_field(&name),
                csv_field(&format!("{name} by {brand}.")),
                csv_field(&category),
                csv_field(&brand),
                money(price),
                money(cost),
                csv_field(&attrs)
            );
            made += 1;
            for s in sizes {
                for c in &colours {
                    seq += 1;
                    let extra = if s.starts_with("XX") { 200 } else { 0 };
                    let vsku = format!("{sku}-{s}-{}", c.replace(' ', ""));
                    let _ = write!(
                        csv,
                        "{vsku},{},,,,,,{},{},{},false,{sku},{},\r\n",
                        csv_field(&format!("{name} ({s}, {c})")),
                        money(price + extra),
                        money(cost),
                        ean13(seq),
                        csv_field(&format!("Size: {s}; Colour: {c}"))
                    );
                    made += 1;
                }
            }
        } else if roll < 0.06 && simple.len() >= 10 {
            // A kit of two to four products already made.
            let parts = d.rng.random_range(2..=4usize);
            let mut lines: Vec<String> = Vec::new();
            while lines.len() < parts {
                let s = simple[d.rng.random_range(0..simple.len())].clone();
                if !lines.iter().any(|l| l.starts_with(&format!("{s}="))) {
                    lines.push(format!("{s}={}", d.rng.random_range(1..=3)));
                }
            }
            let sku = format!("KIT-{seq:06}");
            let name = format!("{} Gift Set", d.pick(&["Welcome", "Weekend", "Holiday", "Starter", "Deluxe", "Thank You", "Birthday"]));
            let _ = write!(csv, "{sku},{name},,,,unit,stockable,{},0,,false,,,{}\r\n", money(d.rng.random_range(2_000..=15_000) / 100 * 100 + 95), lines.join("; "));
            made += 1;
        } else if roll < 0.065 {
            let (name, unit, cost) = SERVICES[d.rng.random_range(0..SERVICES.len())];
            let sku = format!("SRV-{seq:06}");
            let _ = write!(csv, "{sku},{name},,,,{unit},service,{},{},,false,,,\r\n", money(u64::from(cost) * 200), money(u64::from(cost) * 100));
            made += 1;
        } else {
            let dep = &DEPARTMENTS[d.rng.random_range(0..DEPARTMENTS.len())];
            let sub = d.rng.random_range(0..dep.subs.len());
            let under = format!("{} / {}", dep.name, dep.subs[sub]);
            let matching: Vec<&String> = leaves.iter().filter(|p| p.starts_with(&under)).collect();
            let category = if matching.is_empty() { String::new() } else { matching[d.rng.random_range(0..matching.len())].clone() };
            let name = format!("{} {}", d.pick(dep.adjectives), d.pick(dep.nouns));
            let (unit, kind) = if d.rng.random_bool(0.7) { dep.unit } else { ("unit", "stockable") };
            let cost = d.rng.random_range(dep.cost.0 * 100..=dep.cost.1 * 100) as u64;
            let price = (cost * d.rng.random_range(140..=250) / 100) / 100 * 100 + 99;
            let sku = format!("{}-{seq:06}", dep.prefix);
            let barcode = if d.rng.random_bool(0.8) { ean13(seq) } else { String::new() };
            let brand = if d.rng.random_bool(0.85) { brands[d.rng.random_range(0..brands.len())].clone() } else { String::new() };
            let archived = d.rng.random_bool(0.02);
            let _ = write!(
                csv,
                "{sku},{},,{},{},{unit},{kind},{},{},{barcode},{archived},,,\r\n",
                csv_field(&name),
                csv_field(&category),
                csv_field(&brand),
                money(price),
                money(cost)
            );
            if !archived {
                simple.push(sku);
            }
            made += 1;
        }
    }
    let report = d.call("catalog.import_products", json!({"csv": csv, "dry_run": false}))?;
    check_import(&report)?;
    Ok(report["created"].as_u64().unwrap_or(0))
}

/// Where demo partners live: ISO 3166-2 state, its currency, and cities in it.
const PLACES: &[(&str, &str, &[&str])] = &[
    ("US-CA", "USD", &["Los Angeles", "San Francisco", "San Diego", "Sacramento"]),
    ("US-NY", "USD", &["New York", "Buffalo", "Rochester"]),
    ("US-TX", "USD", &["Austin", "Houston", "Dallas"]),
    ("CA-ON", "CAD", &["Toronto", "Ottawa", "Hamilton"]),
    ("CA-QC", "CAD", &["Montréal", "Québec"]),
    ("DE-BY", "EUR", &["München", "Nürnberg", "Augsburg"]),
    ("DE-BE", "EUR", &["Berlin"]),
    ("FR-IDF", "EUR", &["Paris", "Versailles", "Boulogne-Billancourt"]),
    ("ES-MD", "EUR", &["Madrid", "Alcalá de Henares"]),
    ("IT-25", "EUR", &["Milano", "Bergamo", "Brescia"]),
    ("NL-NH", "EUR", &["Amsterdam", "Haarlem"]),
    ("IE-D", "EUR", &["Dublin", "Swords"]),
    ("PT-11", "EUR", &["Lisboa", "Sintra"]),
    ("CH-ZH", "CHF", &["Zürich", "Winterthur"]),
    ("AU-NSW", "AUD", &["Sydney", "Newcastle"]),
];
const FIRM_START: &[&str] = &["Atlas", "Beacon", "Cedar", "Delta", "Evergreen", "Falcon", "Granite", "Harbor", "Ivory", "Juniper", "Keystone", "Lumen", "Meridian", "Northwind", "Orchard", "Pioneer", "Quarry", "Riverside", "Summit", "Tidewater", "Union", "Vista", "Westfield", "Zenith"];
const FIRM_MIDDLE: &[&str] = &["Textile", "Retail", "Trading", "Supply", "Apparel", "Goods", "Home", "Outfitters", "Logistics", "Imports", "Wholesale", "Fashion", "Design", "Market"];
const FIRM_END: &[&str] = &["Ltd", "Inc", "GmbH", "SARL", "S.L.", "S.r.l.", "B.V.", "LLC", "& Co", "Group", "AG", "Lda"];
const FIRST_NAMES: &[&str] = &["Ana", "Ben", "Chloé", "David", "Elif", "Finn", "Grace", "Hugo", "Ines", "Jonas", "Keiko", "Luca", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Yusuf", "Zoë"];
const LAST_NAMES: &[&str] = &["Almeida", "Becker", "Costa", "Dubois", "Evans", "Fischer", "García", "Hansen", "Ivanova", "Jensen", "Kowalski", "Lambert", "Müller", "Novak", "O'Brien", "Petrov", "Rossi", "Schmidt", "Tanaka", "Urban", "Visser", "Walsh", "Young", "Zimmermann"];
const STREETS: &[&str] = &["Main Street", "Market Square", "Station Road", "Harbour Lane", "King's Avenue", "Mill Road", "Park Drive", "Church Street", "High Street", "Bridge Road"];

/// `scale / 5` customers and suppliers (some both), with billing and shipping addresses
/// in fifteen regions of eleven countries and a contact each, imported as CSV in chunks.
fn partners(d: &mut Demo<'_>) -> Result<u64> {
    use crate::exchange::{Cell, Table};
    let n = (d.scale / 5).max(1) as usize;
    let cols = [
        "name", "legal_name", "tax_id", "email", "phone", "website", "is_customer", "is_supplier", "payment_terms_days",
        "credit_limit", "currency", "billing_line1", "billing_postal_code", "billing_city", "billing_state", "billing_country",
        "shipping_line1", "shipping_postal_code", "shipping_city", "shipping_state", "shipping_country", "contact_name",
        "contact_email", "contact_phone", "contact_role",
    ];
    let mut created = 0;
    let mut i = 0;
    while i < n {
        let mut table = Table::new(&cols);
        for _ in 0..(n - i).min(2_000) {
            i += 1;
            let name = format!("{} {} {}", d.pick(FIRM_START), d.pick(FIRM_MIDDLE), d.pick(FIRM_END));
            let name = format!("{name} {i}");
            let slug: String = name.to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect();
            let (state, currency, cities) = PLACES[d.rng.random_range(0..PLACES.len())];
            let country = &state[..2];
            let city = cities[d.rng.random_range(0..cities.len())];
            let kind = d.rng.random_range(0..10);
            let (is_customer, is_supplier) = match kind {
                0..=6 => (true, false),
                7 | 8 => (false, true),
                _ => (true, true),
            };
            let first = d.pick(FIRST_NAMES);
            let last = d.pick(LAST_NAMES);
            let street = format!("{} {}", d.rng.random_range(1..300), d.pick(STREETS));
            let postal = format!("{:05}", d.rng.random_range(1000..99999));
            let phone = format!("+{} {} {:07}", d.rng.random_range(1..99), d.rng.random_range(10..99), d.rng.random_range(0..9_999_999));
            let ship_elsewhere = d.rng.random_range(0..4) == 0;
            let ship_city = if ship_elsewhere { cities[d.rng.random_range(0..cities.len())] } else { city };
            let terms = [0_u32, 14, 30, 30, 45, 60][d.rng.random_range(0..6)];
            let credit = if is_customer { Decimal::from(d.rng.random_range(0..50) * 1000) } else { Decimal::ZERO };
            let tax_id = format!("{country}{:09}", d.rng.random_range(0..999_999_999));
            let row: Vec<Cell> = vec![
                name.clone().into(),
                format!("{name} (registered)").into(),
                tax_id.into(),
                format!("info@{slug}.example").into(),
                phone.clone().into(),
                format!("https://{slug}.example/").into(),
                is_customer.into(),
                is_supplier.into(),
                Cell::Number(terms.into()),
                Cell::Number(credit),
                currency.into(),
                street.clone().into(),
                postal.clone().into(),
                city.into(),
                state.into(),
                country.into(),
                if ship_elsewhere { format!("Warehouse {}", d.rng.random_range(1..9)) } else { street }.into(),
                postal.into(),
                ship_city.into(),
                state.into(),
                country.into(),
                format!("{first} {last}").into(),
                format!("{}.{}@{slug}.example", first.to_lowercase(), last.to_lowercase().replace(['\'', ' '], "")).into(),
                phone.into(),
                (if is_supplier { "Account manager" } else { "Buyer" }).into(),
            ];
            table.push(row);
        }
        let report = d.call("partner.import", json!({"csv": table.to_csv()?, "dry_run": false}))?;
        check_import(&report)?;
        created += report["created"].as_u64().unwrap_or(0);
    }
    Ok(created)
}

// --- ledger ------------------------------------------------------------------------------------

/// An amount in cents as the wire wants it.
fn amt(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

/// One entry to post: date, journal code, lines (and whether to reverse it right away).
struct Planned {
    date: chrono::NaiveDate,
    journal: &'static str,
    reference: String,
    lines: Vec<Value>,
    reverse: bool,
}

/// Two fiscal years of books (last year, and this year up to today): opening balances,
/// monthly sales on account with 20% tax and their receipts, purchases with 20% input tax
/// and their payments, rent, salaries, utilities, a few reversed mistakes, sales in USD
/// at monthly rates settled with exchange differences; last year is then closed. All
/// through the real commands (`entry.import_opening`, `entry.post_new`, `entry.reverse`,
/// `fiscal_year.close`). About `scale / 125` sales a month (at least 2). A company
/// without a chart gets no ledger.
fn ledger(d: &mut Demo<'_>) -> Result<u64> {
    use chrono::Datelike;
    if d.call("accounting.settings", json!({})).is_err() {
        return Ok(0);
    }
    let today = (d.cora.clock)().date_naive();
    let year0 = today.year() - 1;
    let first = chrono::NaiveDate::from_ymd_opt(year0, 1, 1).ok_or_else(|| Error::Internal("date".into()))?;
    let mut made = 0u64;

    let list = d.call("account.list", json!({"include_archived": true}))?;
    let acc = |code: &str| -> Result<i64> {
        list.as_array().into_iter().flatten().find(|a| a["code"] == code).and_then(|a| a["id"].as_i64()).ok_or_else(|| Error::Internal(format!("demo ledger: account {code}")))
    };
    let jl = d.call("journal.list", json!({}))?;
    let journal = |code: &str| -> Result<i64> {
        jl.as_array().into_iter().flatten().find(|j| j["code"] == code).and_then(|j| j["id"].as_i64()).ok_or_else(|| Error::Internal(format!("demo ledger: journal {code}")))
    };
    let tl = d.call("tax.list", json!({}))?;
    let tax = |code: &str| -> Result<i64> {
        tl.as_array().into_iter().flatten().find(|t| t["code"] == code).and_then(|t| t["id"].as_i64()).ok_or_else(|| Error::Internal(format!("demo ledger: tax {code}")))
    };
    let (bank, receivable, payable, sales, vat_out, vat_in, purchases) = (acc("1100")?, acc("1200")?, acc("2000")?, acc("4000")?, acc("2100")?, acc("1450")?, acc("5010")?);
    let (rent, salaries, utilities, fx_gain, fx_loss, services) = (acc("6100")?, acc("6000")?, acc("6110")?, acc("4400")?, acc("7100")?, acc("4010")?);
    let (s20, p20) = (tax("S20")?, tax("P20")?);

    let partners_of = |d: &mut Demo<'_>, role: &str| -> Result<Vec<i64>> {
        let page = d.call("partner.list", json!({"role": role, "query": {"limit": 30, "sort": "code"}}))?;
        let mut ids: Vec<i64> = page["items"].as_array().into_iter().flatten().filter_map(|p| p["id"].as_i64()).collect();
        if ids.is_empty() {
            let p = d.call("partner.create", json!({"name": format!("Demo {role}"), "is_customer": role == "customer", "is_supplier": role == "supplier"}))?;
            ids.push(p["id"].as_i64().unwrap_or_default());
        }
        Ok(ids)
    };
    let customers = partners_of(d, "customer")?;
    let suppliers = partners_of(d, "supplier")?;

    d.call("fiscal_year.create", json!({"date": first}))?;
    // Opening balances on the first day of last year.
    let opening = "account,debit,credit,description\r\n1100,48000.00,,Bank\r\n1000,1500.00,,Cash\r\n1510,32000.00,,Machinery\r\n1540,6500.00,,Computers\r\n\
                   3000,,50000.00,Share capital\r\n2300,,25000.00,Bank loan\r\n3200,,13000.00,Retained earnings\r\n";
    let r = d.call("entry.import_opening", json!({"csv": opening, "date": first, "dry_run": false}))?;
    check_import(&r["report"])?;
    made += 1;

    // USD: enabled, a rate on the first of every month (base per USD, around 0.92).
    d.call("currency.set_enabled", json!({"currency": "USD", "enabled": true}))?;
    let mut rates: Vec<(chrono::NaiveDate, i64)> = Vec::new();
    let mut month = first;
    while month <= today {
        let rate = 9_000 + d.rng.random_range(0..500_i64); // ten-thousandths
        d.call("currency.set_rate", json!({"currency": "USD", "date": month, "rate": format!("0.{rate:04}")}))?;
        rates.push((month, rate));
        month = month.checked_add_months(chrono::Months::new(1)).ok_or_else(|| Error::Internal("date".into()))?;
    }
    let rate_on = |date: chrono::NaiveDate| rates.iter().rev().find(|(m, _)| *m <= date).map(|r| r.1).unwrap_or(9_200);

    let sales_per_month = (d.scale / 125).clamp(2, 400);
    let mut plan: Vec<Planned> = Vec::new();
    let mut n = 0u32;
    for (month_start, _) in rates.clone() {
        let days_in = month_start.checked_add_months(chrono::Months::new(1)).and_then(|m| m.pred_opt()).map(|e| e.day()).unwrap_or(28);
        let day = |d: &mut Demo<'_>| month_start + chrono::Days::new(u64::from(d.rng.random_range(0..days_in)));
        for _ in 0..sales_per_month {
            n += 1;
            let date = day(d);
            let customer = customers[d.rng.random_range(0..customers.len())];
            let net = d.rng.random_range(150..6_000_i64) * 100 + d.rng.random_range(0..100_i64);
            let vat = (net * 20 + 50) / 100;
            let income = if d.rng.random_bool(0.7) { sales } else { services };
            plan.push(Planned {
                date,
                journal: "SAL",
                reference: format!("INV-{n:05}"),
                lines: vec![
                    json!({"account_id": receivable, "partner_id": customer, "debit": amt(net + vat), "description": format!("Invoice INV-{n:05}")}),
                    json!({"account_id": income, "credit": amt(net)}),
                    json!({"account_id": vat_out, "credit": amt(vat), "tax_id": s20, "tax_base": amt(net)}),
                ],
                reverse: false,
            });
            if d.rng.random_bool(0.85) {
                let paid = date + chrono::Days::new(d.rng.random_range(7..45));
                plan.push(Planned {
                    date: paid,
                    journal: "BNK",
                    reference: format!("Receipt INV-{n:05}"),
                    lines: vec![
                        json!({"account_id": bank, "debit": amt(net + vat)}),
                        json!({"account_id": receivable, "partner_id": customer, "credit": amt(net + vat)}),
                    ],
                    reverse: false,
                });
            }
        }
        for _ in 0..sales_per_month.div_ceil(2) {
            n += 1;
            let date = day(d);
            let supplier = suppliers[d.rng.random_range(0..suppliers.len())];
            let net = d.rng.random_range(100..4_000_i64) * 100;
            let vat = (net * 20 + 50) / 100;
            plan.push(Planned {
                date,
                journal: "PUR",
                reference: format!("BILL-{n:05}"),
                lines: vec![
                    json!({"account_id": purchases, "debit": amt(net)}),
                    json!({"account_id": vat_in, "debit": amt(vat), "tax_id": p20, "tax_base": amt(net)}),
                    json!({"account_id": payable, "partner_id": supplier, "credit": amt(net + vat), "description": format!("Bill BILL-{n:05}")}),
                ],
                reverse: false,
            });
            let paid = date + chrono::Days::new(d.rng.random_range(10..40));
            plan.push(Planned {
                date: paid,
                journal: "BNK",
                reference: format!("Payment BILL-{n:05}"),
                lines: vec![
                    json!({"account_id": payable, "partner_id": supplier, "debit": amt(net + vat)}),
                    json!({"account_id": bank, "credit": amt(net + vat)}),
                ],
                reverse: false,
            });
        }
        let fixed = |account: i64, cents: i64, what: &str, date: chrono::NaiveDate, reverse: bool| Planned {
            date,
            journal: "BNK",
            reference: format!("{what} {}", month_start.format("%Y-%m")),
            lines: vec![json!({"account_id": account, "debit": amt(cents), "description": what}), json!({"account_id": bank, "credit": amt(cents)})],
            reverse,
        };
        plan.push(fixed(rent, 250_000, "Rent", month_start, false));
        let last_day = month_start + chrono::Days::new(u64::from(days_in - 1));
        plan.push(fixed(salaries, 1_150_000 + d.rng.random_range(0..60_000_i64), "Salaries", last_day, false));
        let util_day = month_start + chrono::Days::new(14.min(u64::from(days_in - 1)));
        let util = d.rng.random_range(18_000..42_000_i64);
        plan.push(fixed(utilities, util, "Utilities", util_day, false));
        if month_start.month() % 4 == 0 {
            // A mistake: the utilities bill booked twice, reversed the same day.
            plan.push(fixed(utilities, util, "Utilities (booked twice)", util_day, true));
        }
        if month_start.month() % 3 == 0 {
            // An export sale in USD, no tax, settled a few weeks later at that day's rate.
            n += 1;
            let date = day(d);
            let customer = customers[d.rng.random_range(0..customers.len())];
            let usd = d.rng.random_range(1_000..9_000_i64) * 100;
            let base = (usd * rate_on(date) + 5_000) / 10_000;
            plan.push(Planned {
                date,
                journal: "SAL",
                reference: format!("INV-{n:05}"),
                lines: vec![
                    json!({"account_id": receivable, "partner_id": customer, "currency": "USD", "amount_currency": amt(usd), "debit": amt(base), "description": "Export sale (USD)"}),
                    json!({"account_id": sales, "credit": amt(base)}),
                ],
                reverse: false,
            });
            let paid = date + chrono::Days::new(d.rng.random_range(20..40));
            let received = (usd * rate_on(paid) + 5_000) / 10_000;
            let mut lines = vec![
                json!({"account_id": bank, "debit": amt(received)}),
                json!({"account_id": receivable, "partner_id": customer, "currency": "USD", "amount_currency": amt(-usd), "credit": amt(base)}),
            ];
            if received > base {
                lines.push(json!({"account_id": fx_gain, "credit": amt(received - base), "description": "Exchange gain"}));
            } else if received < base {
                lines.push(json!({"account_id": fx_loss, "debit": amt(base - received), "description": "Exchange loss"}));
            }
            plan.push(Planned { date: paid, journal: "BNK", reference: format!("Receipt INV-{n:05}"), lines, reverse: false });
        }
    }
    // Post in date order, so every journal's series is chronological; nothing after today.
    plan.retain(|p| p.date <= today && p.date >= first);
    plan.sort_by_key(|p| p.date);
    let mut closed = false;
    for p in plan {
        if !closed && p.date.year() > year0 {
            close_year(d, year0)?;
            closed = true;
        }
        let e = d.call("entry.post_new", json!({"journal_id": journal(p.journal)?, "date": p.date, "reference": p.reference, "lines": p.lines}))?;
        made += 1;
        if p.reverse {
            d.call("entry.reverse", json!({"id": e["id"], "memo": "Booked twice"}))?;
            made += 1;
        }
    }
    if !closed {
        close_year(d, year0)?;
    }
    // Receipts and payments settle the oldest invoices and bills of their partner.
    for side in ["receivable", "payable"] {
        let m = d.call("finance.auto_allocate", json!({"side": side}))?;
        made += m.as_array().map_or(0, |a| a.len() as u64);
    }
    Ok(made)
}

/// Two warehouses (Main, with shelves, and Shop) and this year's stock story up to today
/// (last year's books are closed): weekly receipts from suppliers at about the catalog
/// cost, deliveries to customers from both warehouses, a monthly transfer Main → Shop and
/// a quarterly damaged-goods adjustment, over up to 40 stockable products — all through
/// `picking.create` and `picking.done`, so each is valued and posted to the stock journal.
/// Never below zero. Returns the pickings made.
fn inventory(d: &mut Demo<'_>) -> Result<u64> {
    use chrono::Datelike;
    let today = (d.cora.clock)().date_naive();
    let first = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).ok_or_else(|| Error::Internal("date".into()))?;
    let main = d.call("warehouse.create", json!({"code": "MAIN", "name": "Main warehouse", "address": "12 Harbour Road"}))?;
    let shop = d.call("warehouse.create", json!({"code": "SHOP", "name": "Shop", "address": "3 Market Street"}))?;
    let main_root = main["root_location_id"].clone();
    for shelf in ["Shelf A", "Shelf B"] {
        d.call("location.create", json!({"parent_id": main_root, "name": shelf}))?;
    }
    let whs = [(main["id"].clone(), main_root), (shop["id"].clone(), shop["root_location_id"].clone())];
    let page = d.call("catalog.list_products", json!({"kind": "stockable", "transactable_only": true, "query": {"limit": 80, "sort": "sku"}}))?;
    let products: Vec<(i64, Decimal)> = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["is_kit"] != json!(true) && p["tracking"].as_str().is_none_or(|t| t == "none"))
        .filter_map(|p| Some((p["id"].as_i64()?, p["cost"].as_str().and_then(|c| c.parse::<Decimal>().ok()).unwrap_or(Decimal::ONE))))
        .take(40)
        .collect();
    if products.is_empty() {
        return Ok(0);
    }
    let ids = |d: &mut Demo<'_>, role: &str| -> Result<Vec<Value>> {
        let page = d.call("partner.list", json!({"role": role, "query": {"limit": 20, "sort": "code"}}))?;
        Ok(page["items"].as_array().into_iter().flatten().map(|p| p["id"].clone()).collect())
    };
    let suppliers = ids(d, "supplier")?;
    let customers = ids(d, "customer")?;
    let pick = |d: &mut Demo<'_>, v: &[Value]| -> Value { if v.is_empty() { Value::Null } else { v[d.rng.random_range(0..v.len())].clone() } };
    // On hand per (product index, warehouse), as the pickings leave it.
    let mut have = vec![[0u32; 2]; products.len()];
    let mut made = 0u64;
    let mut done = |d: &mut Demo<'_>, args: Value| -> Result<()> {
        let p = d.call("picking.create", args)?;
        d.call("picking.done", json!({"id": p["id"]}))?;
        made += 1;
        Ok(())
    };
    // A delivery to a customer of what warehouse `w` holds (2–4 lines, never more than
    // is there); `None` when it holds none of the products drawn.
    let delivery = |d: &mut Demo<'_>, have: &mut Vec<[u32; 2]>, date: chrono::NaiveDate, w: usize, week: u32| -> Option<Value> {
        let mut lines = Vec::new();
        for _ in 0..d.rng.random_range(2..=4) {
            let i = d.rng.random_range(0..products.len());
            if have[i][w] == 0 {
                continue;
            }
            let q = d.rng.random_range(1..=have[i][w].min(12));
            have[i][w] -= q;
            lines.push(json!({"product_id": products[i].0, "quantity": q.to_string()}));
        }
        let customer = pick(d, &customers);
        (!lines.is_empty()).then(|| json!({"kind": "delivery", "warehouse_id": whs[w].0, "date": date, "partner_id": customer, "reference": format!("SO-{:04}{w}", week + 1), "lines": lines}))
    };
    let mut day = first;
    let mut week = 0u32;
    while day <= today {
        // Monday: a receipt into Main.
        let mut lines = Vec::new();
        for _ in 0..d.rng.random_range(3..=6) {
            let i = d.rng.random_range(0..products.len());
            let q = d.rng.random_range(5..=40u32);
            // About the catalog cost, ± 10 %.
            let cost = (products[i].1 * Decimal::from(d.rng.random_range(90..=110u32)) / Decimal::from(100)).round_dp(2).max(Decimal::new(1, 2));
            have[i][0] += q;
            lines.push(json!({"product_id": products[i].0, "quantity": q.to_string(), "unit_cost": cost.to_string()}));
        }
        let supplier = pick(d, &suppliers);
        done(d, json!({"kind": "receipt", "warehouse_id": whs[0].0, "date": day, "partner_id": supplier, "reference": format!("PO-{:04}", week + 1), "lines": lines}))?;
        // Wednesday: a delivery from Main.
        let wednesday = day + chrono::Days::new(2);
        if wednesday <= today
            && let Some(args) = delivery(d, &mut have, wednesday, 0, week)
        {
            done(d, args)?;
        }
        // Every fourth week: restock the shop from Main.
        let thursday = day + chrono::Days::new(3);
        if week % 4 == 1 && thursday <= today {
            let mut lines = Vec::new();
            for i in 0..products.len() {
                if have[i][0] >= 10 && lines.len() < 6 {
                    let q = have[i][0] / 2;
                    have[i][0] -= q;
                    have[i][1] += q;
                    lines.push(json!({"product_id": products[i].0, "quantity": q.to_string()}));
                }
            }
            if !lines.is_empty() {
                done(d, json!({"kind": "internal", "warehouse_id": whs[0].0, "date": thursday, "to_location_id": whs[1].1, "reference": "Shop restock", "lines": lines}))?;
            }
        }
        // Every thirteenth week: a damaged unit written off.
        if week % 13 == 12
            && let Some(i) = (0..products.len()).find(|i| have[*i][0] > 0)
        {
            have[i][0] -= 1;
            done(d, json!({"kind": "adjustment", "warehouse_id": whs[0].0, "date": thursday.min(today), "reason": "Damaged in storage", "lines": [{"product_id": products[i].0, "quantity": "1"}]}))?;
        }
        // Friday: a delivery from the Shop.
        let friday = day + chrono::Days::new(4);
        if friday <= today
            && let Some(args) = delivery(d, &mut have, friday, 1, week)
        {
            done(d, args)?;
        }
        day = day + chrono::Days::new(7);
        week += 1;
    }
    Ok(made)
}

fn close_year(d: &mut Demo<'_>, year: i32) -> Result<()> {
    let years = d.call("fiscal_year.list", json!({}))?;
    let id = years
        .as_array()
        .into_iter()
        .flatten()
        .find(|y| y["start_date"].as_str().is_some_and(|s| s.starts_with(&year.to_string())))
        .map(|y| y["id"].clone())
        .ok_or_else(|| Error::Internal(format!("demo ledger: fiscal year {year}")))?;
    d.call("fiscal_year.close", json!({"id": id}))?;
    Ok(())
}
