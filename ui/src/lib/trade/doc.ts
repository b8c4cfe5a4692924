// Orders and invoices in the editors: the header and the LineGrid's rows, to and from
// what the `sales.*` / `purchase.*` commands take and return; the actions each state
// offers; the list filters as the list commands' args; the quantities the deliver/receive,
// return and invoice dialogs start from. Quantities and amounts stay decimal strings from
// end to end; money is never computed here beyond a line's preview before it is saved
// (the document's totals are always the server's).
import type {
  CreditInvoiceArgs, DeliveryStatus, Invoice, InvoiceInput, InvoiceLine, InvoicePolicy, InvoiceState, InvoiceStatus, LineInput, ListDocsArgs, Order, OrderInput, OrderLine,
  OrderState, QuantityLine, Tax, TaxGroup,
} from '../api';
import { dec, lineAmount, sub } from '../ui/linegrid';
import type { PickerOption } from '../ui/picker';
import type { Tone } from '../ui/StatusBadge.svelte';
import type { PageQuery } from '../ui/grid';

export const ORDER_STATES: OrderState[] = ['draft', 'sent', 'confirmed', 'done', 'cancelled'];
export const INVOICE_STATES: InvoiceState[] = ['draft', 'posted', 'cancelled'];
export const ORDER_TONES: Record<OrderState, Tone> = { draft: 'neutral', sent: 'accent', confirmed: 'accent', done: 'ok', cancelled: 'danger' };
export const INVOICE_TONES: Record<InvoiceState, Tone> = { draft: 'neutral', posted: 'ok', cancelled: 'danger' };
export const DELIVERY_TONES: Record<DeliveryStatus, Tone> = { none: 'neutral', pending: 'warn', partial: 'warn', full: 'ok' };
export const INVOICE_STATUS_TONES: Record<InvoiceStatus, Tone> = { none: 'neutral', to_invoice: 'warn', to_credit: 'danger', up_to_date: 'accent', invoiced: 'ok' };

const isPos = (v: string) => dec(v)[0] > 0n;
const isNeg = (v: string) => dec(v)[0] < 0n;
const isZero = (v: string) => dec(v)[0] === 0n;

// --- lines ------------------------------------------------------------------------------------

/** One row of the lines grid (an order's or a free invoice's). */
export interface TradeLine extends Record<string, unknown> {
  /** The saved line's id (none on a new line). */
  id: number | null;
  product_id: number | null;
  /** "SKU Name", shown in the product cell. */
  product: string;
  /** '' = the product's name (required on a line without a product). */
  description: string;
  quantity: string;
  /** Null: the product's unit. */
  unit_id: number | null;
  unit: string;
  /** '' = the default price (price list, supplier price, the product's price or cost). */
  unit_price: string;
  /** Percent; '' = none. */
  discount: string;
  /** Null: the product's taxes for the side; 'none': no taxes; else tax ids joined by commas. */
  tax_key: string | null;
  /** The taxes' codes, shown in the taxes cell. */
  taxes: string;
  /** The server's net amount of the line as saved ('' for a new line). */
  saved_net: string;
  /** What `saved_net` was computed from: when the line still says so, the grid shows it. */
  basis: string;
}

/** The empty line: no quantity shown until something is entered (then `startLine`). */
export function blankLine(): TradeLine {
  return { id: null, product_id: null, product: '', description: '', quantity: '', unit_id: null, unit: '', unit_price: '', discount: '', tax_key: null, taxes: '', saved_net: '', basis: '' };
}

/** A line's quantity once it has a product or anything else entered: 1 unless one was typed. */
export function startLine(l: Pick<TradeLine, 'quantity'>): Partial<TradeLine> {
  return l.quantity.trim() ? {} : { quantity: '1' };
}

/** The inputs that decide a line's amount, as one text. */
export function lineBasis(l: Pick<TradeLine, 'product_id' | 'quantity' | 'unit_id' | 'unit_price' | 'discount' | 'tax_key'>): string {
  return [l.product_id ?? '', l.quantity, l.unit_id ?? '', l.unit_price, l.discount, l.tax_key ?? ''].join('|');
}

/**
 * The amount a line shows: the server's as saved while the line is unchanged; for a line
 * being edited, quantity × price × (1 − discount) at the currency's decimals as a preview
 * ('' while the price is the default the server will choose). The totals stay the server's.
 */
export function lineNet(l: TradeLine, scale: number): string {
  if (l.basis && lineBasis(l) === l.basis) return l.saved_net;
  if (!l.unit_price.trim()) return '';
  return lineAmount(l.quantity, l.unit_price, l.discount || '0', scale);
}

export const taxKeyOf = (ids: number[]): string => (ids.length ? ids.join(',') : 'none');
export function taxIdsOf(key: string | null): number[] | undefined {
  if (key == null) return undefined;
  if (key === 'none' || key === '') return [];
  return key.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
}
export function taxCodes(ids: number[], taxes: Tax[]): string {
  return ids.map((id) => taxes.find((x) => x.id === id)?.code ?? `#${id}`).join(' + ');
}

/**
 * The choices of the taxes cell, keyboard-first: every tax of the side and every tax
 * group; "VAT19 + EN" (codes joined by + or ,) builds a set of several taxes, the last
 * code typed as a prefix; "No taxes" when nothing is typed.
 */
export function taxChoices(q: string, taxes: Tax[], groups: TaxGroup[], noneLabel: string): PickerOption[] {
  const live = taxes.filter((x) => !x.archived);
  const parts = q.split(/[+,]/).map((s) => s.trim().toLowerCase());
  const last = parts.pop() ?? '';
  const chosen: Tax[] = [];
  for (const p of parts) {
    const hit = live.find((x) => x.code.toLowerCase() === p);
    if (!hit) return [];
    if (!chosen.includes(hit)) chosen.push(hit);
  }
  const match = (s: string) => !last || s.toLowerCase().includes(last);
  const out: PickerOption[] = [];
  for (const x of live) {
    if (chosen.includes(x) || !(match(x.code) || match(x.name))) continue;
    const set = [...chosen, x];
    out.push({ id: set.map((y) => y.id).join(','), label: set.map((y) => y.code).join(' + '), sub: set.length === 1 ? `${x.name} · ${x.rate} %` : set.map((y) => `${y.rate} %`).join(' + ') });
  }
  if (!chosen.length) {
    for (const g of groups) {
      if (g.archived || !g.tax_ids.length || !(match(g.code) || match(g.name))) continue;
      out.push({ id: g.tax_ids.join(','), label: taxCodes(g.tax_ids, taxes), sub: `${g.code} · ${g.name}` });
    }
    if (!last) out.unshift({ id: 'none', label: noneLabel });
  }
  return out;
}

/** A row with nothing in it (the user cleared it): not sent. */
export function isEmptyLine(l: TradeLine): boolean {
  return l.product_id == null && !l.description.trim() && !l.unit_price.trim() && !l.discount.trim() && (l.quantity.trim() === '' || l.quantity.trim() === '1' || isZero(l.quantity));
}

/** What the core takes for the grid's rows, and for each line sent the grid row it came from. */
export function toLineInputs(lines: TradeLine[]): { lines: LineInput[]; rows: number[] } {
  const rows: number[] = [];
  const out: LineInput[] = [];
  lines.forEach((l, i) => {
    if (isEmptyLine(l)) return;
    rows.push(i);
    const x: LineInput = { quantity: l.quantity.trim() || '0' };
    if (l.product_id != null) x.product_id = l.product_id;
    if (l.description.trim()) x.description = l.description.trim();
    if (l.unit_id != null) x.unit_id = l.unit_id;
    if (l.unit_price.trim()) x.unit_price = l.unit_price.trim();
    if (l.discount.trim()) x.discount = l.discount.trim();
    const taxes = taxIdsOf(l.tax_key);
    if (taxes) x.tax_ids = taxes;
    out.push(x);
  });
  return { lines: out, rows };
}

/** A saved line as a row: every default the server chose is now explicit, so saving again keeps it. */
export function fromLine(l: OrderLine | InvoiceLine, taxes: Tax[]): TradeLine {
  const row: TradeLine = {
    id: l.id, product_id: l.product_id, product: l.sku ?? '', description: l.description, quantity: l.quantity, unit_id: l.unit_id, unit: l.unit_code ?? '',
    unit_price: l.unit_price, discount: isZero(l.discount) ? '' : l.discount, tax_key: taxKeyOf(l.tax_ids), taxes: taxCodes(l.tax_ids, taxes), saved_net: l.net, basis: '',
  };
  row.basis = lineBasis(row);
  return row;
}

// --- orders -----------------------------------------------------------------------------------

export interface OrderDraft {
  partner_id: number | null;
  date: string;
  /** Null: the partner's currency. */
  currency: string | null;
  warehouse_id: number | null;
  /** '' = the partner's payment terms. */
  payment_terms_days: string;
  reference: string;
  notes: string;
  lines: TradeLine[];
}

export function blankOrder(date: string, warehouseId: number | null = null): OrderDraft {
  return { partner_id: null, date, currency: null, warehouse_id: warehouseId, payment_terms_days: '', reference: '', notes: '', lines: [] };
}

export function fromOrder(o: Order, taxes: Tax[]): OrderDraft {
  return {
    partner_id: o.partner_id, date: o.date, currency: o.currency, warehouse_id: o.warehouse_id, payment_terms_days: String(o.payment_terms_days),
    reference: o.reference, notes: o.notes, lines: o.lines.map((l) => fromLine(l, taxes)),
  };
}

/** What create_order / update_order take (the partner must be chosen first). */
export function toOrderInput(d: OrderDraft, key?: string): { input: OrderInput; rows: number[] } {
  const { lines, rows } = toLineInputs(d.lines);
  const input: OrderInput = { partner_id: d.partner_id ?? 0, date: d.date, lines };
  if (d.currency) input.currency = d.currency;
  if (d.warehouse_id != null) input.warehouse_id = d.warehouse_id;
  if (d.payment_terms_days.trim()) input.payment_terms_days = Number(d.payment_terms_days.trim());
  if (d.reference.trim()) input.reference = d.reference.trim();
  if (d.notes.trim()) input.notes = d.notes.trim();
  if (key) input.idempotency_key = key;
  return { input, rows };
}

export interface OrderActions {
  edit: boolean;
  send: boolean;
  confirm: boolean;
  ship: boolean;
  ret: boolean;
  invoice: boolean;
  credit: boolean;
  cancel: boolean;
  remove: boolean;
}

/** Which actions an order offers (the core's transitions; a new order is a draft not yet saved). */
export function orderActions(o: Order | null, sale: boolean): OrderActions {
  const s = o?.state ?? null;
  const quote = s == null || s === 'draft' || s === 'sent';
  const open = s === 'confirmed' || s === 'done';
  const lines = o?.lines ?? [];
  return {
    edit: quote,
    send: s == null || s === 'draft',
    confirm: quote,
    ship: s === 'confirmed' && lines.some((l) => l.ships && isPos(l.to_deliver)),
    ret: open && lines.some((l) => l.ships && isPos(sub(l.delivered, l.returned))),
    // Sales may invoice ordered quantities before delivery (the dialog's policy).
    invoice: open && (lines.some((l) => isPos(l.to_invoice)) || (sale && s === 'confirmed' && lines.some((l) => isPos(orderedDue(l))))),
    credit: open && lines.some((l) => isNeg(l.to_invoice)),
    cancel: s === 'draft' || s === 'sent' || s === 'confirmed',
    remove: s === 'draft' || s === 'sent',
  };
}

/** What is left to invoice of a line under the `ordered` policy (ordered − cancelled − returned − net invoiced). */
export function orderedDue(l: OrderLine): string {
  return sub(sub(sub(l.quantity, l.cancelled), l.returned), sub(l.invoiced, l.credited));
}

/** What is left to invoice of a line under the `delivered` policy (delivered − returned − net invoiced; ordered for a line that does not ship). */
export function deliveredDue(l: OrderLine): string {
  return l.ships ? sub(sub(l.delivered, l.returned), sub(l.invoiced, l.credited)) : orderedDue(l);
}

/** What `sales.deliver`, `purchase.receive` and `*.return` take. */
export type { ShipOrderArgs } from '../api';

// --- the dialogs' quantities ----------------------------------------------------------------------

export interface QtyRow {
  line_id: number;
  label: string;
  unit: string;
  /** What may be delivered, returned, invoiced or credited at most. */
  left: string;
  /** Where shown: the line's whole quantity (a credit note's invoiced quantity). */
  total?: string;
  quantity: string;
  lot_code: string;
  /** The product is tracked by lot or serial: its moves name one. */
  tracked: boolean;
}

const labelOf = (l: OrderLine) => (l.sku ? `${l.sku} ${l.description}` : l.description);

/** Deliver/receive: every line that ships with something left, at what is left; return: what was delivered and not returned, at 0. */
export function shipRows(o: Order, mode: 'ship' | 'return'): QtyRow[] {
  return o.lines
    .filter((l) => l.ships)
    .map((l) => {
      const left = mode === 'ship' ? l.to_deliver : sub(l.delivered, l.returned);
      return { line_id: l.id, label: labelOf(l), unit: l.unit_code ?? '', left, quantity: mode === 'ship' ? left : '', lot_code: '', tracked: !!l.tracking && l.tracking !== 'none' };
    })
    .filter((r) => isPos(r.left));
}

/** Invoice: the lines with something to invoice (under `policy` for sales), at that; credit: what is to credit. */
export function invoiceRows(o: Order, credit: boolean, policy: InvoicePolicy | null): QtyRow[] {
  return o.lines
    .map((l) => {
      const left = credit ? sub('0', l.to_invoice) : policy === 'ordered' ? orderedDue(l) : policy === 'delivered' ? deliveredDue(l) : l.to_invoice;
      return { line_id: l.id, label: labelOf(l), unit: l.unit_code ?? '', left, quantity: left, lot_code: '', tracked: false };
    })
    .filter((r) => isPos(r.left));
}

/** The rows with a quantity as the command's lines (nothing for 0 or empty), and for each the dialog row it came from. */
export function quantityLines(rows: QtyRow[], withLots: boolean): { lines: QuantityLine[]; rows: number[] } {
  const lines: QuantityLine[] = [];
  const from: number[] = [];
  rows.forEach((r, i) => {
    if (!r.quantity.trim() || isZero(r.quantity)) return;
    const q: QuantityLine = { line_id: r.line_id, quantity: r.quantity.trim() };
    if (withLots && r.lot_code.trim()) q.lot_code = r.lot_code.trim();
    lines.push(q);
    from.push(i);
  });
  return { lines, rows: from };
}

// --- crediting a posted invoice ------------------------------------------------------------------

/**
 * The credit (debit) note dialog's rows: every line of the posted invoice that earlier
 * notes (not cancelled, drafts included) have not credited in full, at what is left of it
 * (`quantity − credited`), all of it by default; `total` is the invoiced quantity.
 */
export function creditRows(inv: Invoice): QtyRow[] {
  return inv.lines
    .map((l) => ({ l, left: sub(l.quantity, l.credited ?? '0') }))
    .filter(({ left }) => isPos(left))
    .map(({ l, left }) => ({ line_id: l.id, label: l.sku ? `${l.sku} ${l.description}` : l.description, unit: l.unit_code ?? '', total: l.quantity, left, quantity: left, lot_code: '', tracked: false }));
}

export type QtyProblem = '' | 'invalid' | 'negative' | 'scale' | 'above';

/** Why a dialog's quantity (a decimal string; '' is none) cannot be sent: '' when it can. */
export function qtyProblem(quantity: string, left: string, scale = 4): QtyProblem {
  const q = quantity.trim();
  if (!q) return '';
  if (!/^-?\d+(\.\d+)?$/.test(q)) return 'invalid';
  if (isNeg(q)) return 'negative';
  const decimals = q.includes('.') ? q.split('.')[1].replace(/0+$/, '').length : 0;
  if (decimals > scale) return 'scale';
  if (isPos(sub(q, left))) return 'above';
  return '';
}

/**
 * What credit_invoice (debit_bill) takes for the dialog's rows, and for each line sent the
 * row it came from. Every row at its full quantity: no lines, so the core credits what is
 * left of each line (after earlier notes); else only the rows with a quantity. Null when
 * a row's quantity cannot be sent or nothing is chosen.
 */
export function creditArgs(invoiceId: number, rows: QtyRow[], key: string, date?: string): { args: CreditInvoiceArgs; rows: number[] } | null {
  if (rows.some((r) => qtyProblem(r.quantity, r.left))) return null;
  const args: CreditInvoiceArgs = { invoice_id: invoiceId, idempotency_key: key };
  if (date) args.date = date;
  if (rows.length && rows.every((r) => isZero(sub(r.quantity.trim() || '0', r.left)))) return { args, rows: [] };
  const { lines, rows: from } = quantityLines(rows, false);
  if (!lines.length) return null;
  return { args: { ...args, lines }, rows: from };
}

// --- invoices ---------------------------------------------------------------------------------

export interface InvoiceDraft {
  partner_id: number | null;
  date: string;
  /** '' = from the payment terms. */
  due_date: string;
  currency: string | null;
  reference: string;
  notes: string;
  lines: TradeLine[];
}

export function blankInvoice(date: string): InvoiceDraft {
  return { partner_id: null, date, due_date: '', currency: null, reference: '', notes: '', lines: [] };
}

export function fromInvoice(i: Invoice, taxes: Tax[]): InvoiceDraft {
  return {
    partner_id: i.partner_id, date: i.date, due_date: i.due_date, currency: i.currency, reference: i.reference, notes: i.notes,
    lines: i.lines.map((l) => fromLine(l, taxes)),
  };
}

export function toInvoiceInput(d: InvoiceDraft, key?: string): { input: InvoiceInput; rows: number[] } {
  const { lines, rows } = toLineInputs(d.lines);
  const input: InvoiceInput = { partner_id: d.partner_id ?? 0, date: d.date, lines };
  if (d.due_date) input.due_date = d.due_date;
  if (d.currency) input.currency = d.currency;
  if (d.reference.trim()) input.reference = d.reference.trim();
  if (d.notes.trim()) input.notes = d.notes.trim();
  if (key) input.idempotency_key = key;
  return { input, rows };
}

// --- lists ------------------------------------------------------------------------------------

// A type, not an interface: ListScreen's filters are a plain record.
export type DocFilters = {
  state: string;
  partner_id: number | null;
  date_from: string;
  date_to: string;
  min_total: string;
  max_total: string;
  /** Orders only: open work. */
  open: '' | 'to_deliver' | 'to_invoice';
};

export function blankFilters(): DocFilters {
  return { state: '', partner_id: null, date_from: '', date_to: '', min_total: '', max_total: '', open: '' };
}

/** The list command's args for one page: only the filters that are set. */
export function listArgs(q: PageQuery, f: DocFilters): ListDocsArgs {
  const a: ListDocsArgs = { limit: q.limit };
  if (q.search?.trim()) a.search = q.search.trim();
  if (q.cursor) a.cursor = q.cursor;
  if (q.sort) {
    a.sort = q.sort;
    a.desc = !!q.desc;
  }
  if (f.state) a.state = f.state;
  if (f.partner_id != null) a.partner_id = f.partner_id;
  if (f.date_from) a.date_from = f.date_from;
  if (f.date_to) a.date_to = f.date_to;
  if (f.min_total.trim()) a.min_total = f.min_total.trim();
  if (f.max_total.trim()) a.max_total = f.max_total.trim();
  if (f.open) a.open = f.open;
  return a;
}
