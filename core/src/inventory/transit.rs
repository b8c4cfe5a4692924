//! Transfers between warehouses through transit, in two steps: **ship** moves the goods
//! from a location of one warehouse into the company's in-transit location (a done
//! picking of the sending warehouse) and drafts the **receipt** — transit → the
//! destination, in the receiving warehouse, linked to the shipment — which the receiving
//! side marks done on arrival (its date set then).
//!
//! Invariants: both steps are ordinary internal pickings through [`super::engine`], so
//! stock is conserved and the shipment's numbers, quantities and lots are the engine's;
//! goods in transit stay owned (valued), so neither step moves value or posts; the
//! receipt carries exactly the shipped moves (kits as their components, each lot kept)
//! and names its shipment (`source: inventory/transit/<shipment id>`).

use super::engine;
use super::model::*;
use super::places;
use crate::command::Ctx;
use crate::{Error, FieldCode, Result};

pub fn ship(ctx: &mut Ctx<'_>, a: ShipArgs) -> Result<Shipment> {
    let t = ctx.tenant()?;
    let db = ctx.db();
    let from = places::get_location(db, &t, a.from_location_id).map_err(|_| Error::field("from_location_id", FieldCode::NotFound))?;
    let to = places::get_location(db, &t, a.to_location_id).map_err(|_| Error::field("to_location_id", FieldCode::NotFound))?;
    let (Some(from_wh), Some(to_wh)) = (from.warehouse_id, to.warehouse_id) else {
        let field = if from.warehouse_id.is_none() { "from_location_id" } else { "to_location_id" };
        return Err(Error::field(field, FieldCode::WrongLocationKind.with("kind", "internal").with("expected", "internal")));
    };
    if from_wh == to_wh {
        return Err(Error::field("to_location_id", FieldCode::SameWarehouse));
    }
    let transit = places::virtual_location(db, &t, LocationKind::Transit, ctx.now)?;
    let reference = a.reference.clone().unwrap_or_default();
    let shipped = engine::create_picking(
        ctx,
        PickingInput {
            kind: PickingKind::Internal,
            warehouse_id: from_wh,
            from_location_id: Some(from.id),
            to_location_id: Some(transit),
            date: a.date,
            partner_id: None,
            reference: Some(if reference.is_empty() { format!("To {}", to.full_name) } else { reference.clone() }),
            reason: None,
            source: None,
            lines: a.lines,
        },
    )?;
    let shipped = engine::done(ctx, shipped.id)?;
    let number = shipped.number.clone().unwrap_or_default();
    let lines: Vec<MoveInput> = shipped
        .moves
        .iter()
        .map(|m| MoveInput {
            product_id: m.product_id,
            quantity: m.quantity,
            unit_id: None,
            from_location_id: None,
            to_location_id: None,
            lot_id: m.lot_id,
            lot_code: None,
            unit_cost: None,
        })
        .collect();
    let receipt = engine::create_picking(
        ctx,
        PickingInput {
            kind: PickingKind::Internal,
            warehouse_id: to_wh,
            from_location_id: Some(transit),
            to_location_id: Some(to.id),
            date: a.date,
            partner_id: None,
            reference: Some(number),
            reason: None,
            source: Some(StockSource { module: "inventory".into(), kind: "transit".into(), id: Some(shipped.id.0) }),
            lines,
        },
    )?;
    Ok(Shipment { shipped, receipt })
}
