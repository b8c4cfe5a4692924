// The planning screen's arithmetic, apart from the screen: what the user changed on a
// proposal (quantity, a purchase's supplier) becomes the confirm command's choices, the
// command's field errors find their proposal again, and a confirmed run says which
// orders it made.
import * as dn from 'dnum';
import type { ConfirmProposalsArgs, PlanningRun, Proposal, ProposalChoice } from '../api';
import { dec, text } from '../ui/linegrid';

/** What the user changed on a proposal before confirming it. */
export interface Choice {
  /** '' or the proposed quantity: unchanged. */
  quantity?: string;
  /** A purchase's supplier other than the proposed one. */
  supplier_id?: number | null;
  /** The picked supplier's name, to show it before the run knows it. */
  supplier_name?: string;
}
export type Choices = Record<number, Choice>;

const differs = (a: string, b: string) => !dn.equal(dec(a), dec(b));

/** The quantity that will be ordered: the user's, else the proposed one. */
export function quantityOf(p: Proposal, c: Choice | undefined): string {
  return c?.quantity && c.quantity.trim() !== '' ? c.quantity : p.quantity;
}

/** Whether the user changed the quantity or the supplier. */
export function changed(p: Proposal, c: Choice | undefined): boolean {
  if (!c) return false;
  const q = !!c.quantity && c.quantity.trim() !== '' && differs(c.quantity, p.quantity);
  const s = p.kind === 'purchase' && c.supplier_id != null && c.supplier_id !== p.supplier_id;
  return q || s;
}

/** The supplier a purchase goes to: the user's choice, else the proposed one. */
export function supplierOf(p: Proposal, c: Choice | undefined): { id: number | null; name: string | null } {
  if (p.kind === 'purchase' && c?.supplier_id != null && c.supplier_id !== p.supplier_id) return { id: c.supplier_id, name: c.supplier_name ?? null };
  return { id: p.supplier_id, name: p.supplier_name };
}

/**
 * The confirm command for the proposals `ids` (those still proposed in the run), and the
 * proposal each choice stands for (`order[i]` is `proposals.i`). Makes go first: the core
 * names a production order's problems by its place among the makes.
 */
export function confirmArgs(run: PlanningRun, ids: number[], choices: Choices, warehouseId: number | null = null): { args: ConfirmProposalsArgs; order: number[] } {
  const wanted = new Set(ids);
  const open = run.proposals.filter((p) => wanted.has(p.id) && p.state === 'proposed');
  const sorted = [...open.filter((p) => p.kind === 'produce'), ...open.filter((p) => p.kind === 'purchase')];
  const proposals = sorted.map((p): ProposalChoice => {
    const c = choices[p.id];
    const out: ProposalChoice = { id: p.id };
    if (c?.quantity && c.quantity.trim() !== '' && differs(c.quantity, p.quantity)) out.quantity = c.quantity;
    if (p.kind === 'purchase' && c?.supplier_id != null && c.supplier_id !== p.supplier_id) out.supplier_id = c.supplier_id;
    return out;
  });
  const args: ConfirmProposalsArgs = { run_id: run.id, proposals };
  if (warehouseId != null) args.warehouse_id = warehouseId;
  return { args, order: sorted.map((p) => p.id) };
}

/**
 * The command's field errors by proposal: `proposals.2.quantity` is the quantity of the
 * third proposal sent (`ids.2`, of a dismissal, the third id). Errors of no proposal stay
 * in `general`.
 */
export function errorsByProposal(errors: Record<string, string>, order: number[]): { byProposal: Record<number, Record<string, string>>; general: string[] } {
  const byProposal: Record<number, Record<string, string>> = {};
  const general: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    // confirm names `proposals.2.quantity`; dismiss names `ids.2`.
    const m = /^proposals\.(\d+)\.(.+)$/.exec(field) ?? /^ids\.(\d+)()$/.exec(field);
    const id = m ? order[Number(m[1])] : undefined;
    if (m && id !== undefined) (byProposal[id] ??= {})[m[2] || 'id'] = message;
    else general.push(message);
  }
  return { byProposal, general };
}

export interface MadeOrder {
  id: number;
  number: string | null;
  /** Production: the product made; purchase: the supplier. */
  label: string;
  /** Proposals it came from. */
  count: number;
}

/** The orders the confirmation of `ids` made: production orders and (draft) purchase orders, each once. */
export function madeOrders(run: PlanningRun, ids: number[], choices: Choices = {}): { production: MadeOrder[]; purchase: MadeOrder[] } {
  const wanted = new Set(ids);
  const production = new Map<number, MadeOrder>();
  const purchase = new Map<number, MadeOrder>();
  for (const p of run.proposals) {
    if (!wanted.has(p.id) || p.state !== 'confirmed') continue;
    if (p.production_order_id != null) {
      const o = production.get(p.production_order_id);
      if (o) o.count++;
      else production.set(p.production_order_id, { id: p.production_order_id, number: p.production_order_number, label: `${p.sku} ${p.name}`, count: 1 });
    }
    if (p.purchase_order_id != null) {
      const o = purchase.get(p.purchase_order_id);
      if (o) o.count++;
      else purchase.set(p.purchase_order_id, { id: p.purchase_order_id, number: p.purchase_order_number, label: supplierOf(p, choices[p.id]).name ?? '', count: 1 });
    }
  }
  return { production: [...production.values()], purchase: [...purchase.values()] };
}

/** What the netting projected: on hand + incoming − demand (below the safety stock, or below zero, it proposes). */
export function projected(p: Proposal): string {
  return text(dn.subtract(dn.add(dec(p.on_hand), dec(p.incoming)), dec(p.demand)));
}
