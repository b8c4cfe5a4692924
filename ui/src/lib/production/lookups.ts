// The production module's reference lists and words: work centres (few, kept in the
// lookup cache until a change event touches them), products searched in SQL through the
// catalog's list, the states' and kinds' labels and tones, and its money formats.
import { call, type BomLineKind, type PegKind, type Product, type ProductionState, type ProposalKind, type ProposalState, type StepKind, type WorkCentre } from '../api';
import { lookup } from '../ui/lookup';
import type { PickerOption } from '../ui/picker';
import type { Tone } from '../ui/StatusBadge.svelte';
import { t } from '../i18n/index.svelte';
import { session } from '../session/session.svelte';
import { currencyInfo } from '../ui/locale';

/** The change-event entities of the module (its lists refresh on them). */
export const BOM_ENTITIES = ['bom', 'product'];
export const ORDER_ENTITIES = ['production_order', 'picking'];
/** A planning run shown is read again when a run, a confirmation or a dismissal is written (here or elsewhere). */
export const PLANNING_ENTITIES = ['planning_run'];

export const PRODUCTION_STATES: ProductionState[] = ['draft', 'confirmed', 'in_progress', 'done', 'cancelled'];
export const stateLabel = (s: ProductionState) => t(`production.state.${s}`);
export const STATE_TONES: Record<ProductionState, Tone> = { draft: 'neutral', confirmed: 'accent', in_progress: 'warn', done: 'ok', cancelled: 'danger' };
export const proposalKindLabel = (k: ProposalKind) => t(`production.planning.kind.${k}`);
export const proposalStateLabel = (s: ProposalState) => t(`production.planning.state.${s}`);
export const PROPOSAL_TONES: Record<ProposalState, Tone> = { proposed: 'accent', confirmed: 'ok', dismissed: 'neutral', superseded: 'neutral' };
export const pegKindLabel = (k: PegKind) => t(`production.planning.peg.${k}`);
export const lineKindLabel = (k: BomLineKind) => t(`production.line_kind.${k}`);
export const stepKindLabel = (k: StepKind) => t(`production.step_kind.${k}`);

export function workCentres(includeArchived = false): Promise<WorkCentre[]> {
  return lookup(`work_centres:${includeArchived}`, ['work_centre'], () => call('work_centre.list', { include_archived: includeArchived || undefined }));
}

/** Active work centres by code or name (they are few: filtered here). */
export async function searchWorkCentres(q: string, limit: number): Promise<PickerOption[]> {
  const s = q.trim().toLowerCase();
  return (await workCentres())
    .filter((w) => !s || w.code.toLowerCase().includes(s) || w.name.toLowerCase().includes(s))
    .slice(0, limit)
    .map((w) => ({ id: w.id, label: w.code, sub: w.name }));
}

export const productLabel = (p: Pick<Product, 'sku' | 'name'>) => `${p.sku} ${p.name}`.trim();

/** Products met in searches, so a pick can fill the unit without another call. */
const seen = new Map<number, Product>();
export const seenProduct = (id: number) => seen.get(id);

/**
 * Stockable products by words of their name, SKU or barcode (searched in SQL).
 * `templates`: a BOM may be a variant template's (its variants share it); orders,
 * components and by-products are real products.
 */
export function productSearch(opts: { templates?: boolean } = {}) {
  return async (q: string, limit: number): Promise<PickerOption[]> => {
    const page = await call('catalog.list_products', { kind: 'stockable', transactable_only: opts.templates ? undefined : true, query: { search: q.trim() || undefined, limit } });
    return page.items.filter((p) => !p.is_kit).map((p) => {
      seen.set(p.id, p);
      return { id: p.id, label: productLabel(p), sub: p.is_template ? t('production.template') : p.unit_code };
    });
  };
}

export async function resolveProduct(id: string | number): Promise<string> {
  const d = await call('catalog.get_product', { id: Number(id) });
  seen.set(d.product.id, d.product);
  return productLabel(d.product);
}

export async function searchUnits(q: string, limit: number): Promise<PickerOption[]> {
  const page = await call('catalog.list_units', { query: { search: q.trim() || undefined, limit } });
  return page.items.map((u) => ({ id: u.id, label: u.code, sub: u.name }));
}

export async function searchLots(q: string, limit: number, productId?: number): Promise<PickerOption[]> {
  const lots = await call('lot.list', { search: q.trim() || undefined, product_id: productId, limit });
  return lots.map((l) => ({ id: l.id, label: l.code, sub: l.sku }));
}

/** Money in the company's currency: totals at the currency's decimals. */
export function money(v: string | null | undefined): string {
  return formatIn(v, 0);
}

/** A cost per unit: the currency's decimals, and up to 6 where they are not zeros (1.2345 €). */
export function unitMoney(v: string | null | undefined): string {
  return formatIn(v, 6);
}

const formats = new Map<string, Intl.NumberFormat>();
function formatIn(v: string | null | undefined, extra: number): string {
  if (v == null || v === '') return '';
  if (!/^-?\d+(\.\d+)?$/.test(v.trim())) return v;
  const currency = session.currency;
  const locale = session.locale;
  const scale = currencyInfo(currency, locale).scale;
  const key = `${locale}|${currency}|${extra}`;
  let f = formats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: scale, maximumFractionDigits: Math.max(scale, extra) });
    } catch {
      f = new Intl.NumberFormat(undefined, { minimumFractionDigits: scale, maximumFractionDigits: Math.max(scale, extra) });
    }
    formats.set(key, f);
  }
  // format() takes a decimal string exactly (Intl.NumberFormat v3).
  return (f.format as unknown as (s: string) => string)(v.trim());
}
