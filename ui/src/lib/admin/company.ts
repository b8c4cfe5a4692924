// The editable shape of a company in forms (what company.create/update take).
import type { Company, CompanyAddress, CreateCompanyArgs, UpdateCompanyArgs } from '../api';
import { guessDefaults } from '../ui/options';

export interface CompanyDraft {
  code: string;
  name: string;
  legal_name: string;
  tax_id: string;
  base_currency: string;
  locale: string;
  timezone: string;
  fiscal_year_start_month: number;
  color: string;
  address: CompanyAddress;
  /** At creation only: the chart of accounts to start from (`generic`), or `none`. */
  chart_template?: string;
  /** Settings only (creation does not take them): bank details and the like printed on quotations, orders and invoices. */
  payment_instructions: string;
}

/** The largest logo file the core takes (512 KiB). */
export const LOGO_MAX_BYTES = 512 * 1024;

/** Why a picked logo file cannot be sent, or null when it may: the core checks it again. */
export function logoProblem(file: { size: number; type: string }): 'too_large' | 'format' | null {
  if (file.size > LOGO_MAX_BYTES) return 'too_large';
  if (file.type && file.type !== 'image/png' && file.type !== 'image/jpeg') return 'format';
  return null;
}

/** The charts a new company can start from. `accounting.chart_templates` needs a company, so creation offers these fixed ones. */
export const CHART_CHOICES = ['generic', 'none'] as const;

export const COLORS = ['#3b5bdb', '#0c8599', '#2b8a3e', '#e67700', '#c2255c', '#7048e8', '#495057', '#d9480f'];

export function emptyCompany(): CompanyDraft {
  const g = guessDefaults();
  return {
    code: '', name: '', legal_name: '', tax_id: '',
    base_currency: g.currency, locale: g.locale, timezone: g.timezone, fiscal_year_start_month: 1, color: '',
    address: { line1: '', line2: '', postal_code: '', city: '', region: '', country_code: g.country },
    chart_template: 'generic',
    payment_instructions: '',
  };
}

/** A code suggestion from a name: "Acme Trading Ltd" → "ACME". */
export function suggestCode(name: string): string {
  const words = name.toUpperCase().replace(/[^A-Z0-9 ]/g, ' ').split(/\s+/).filter(Boolean);
  if (!words.length) return '';
  const first = words[0].slice(0, 6);
  return first.length >= 3 || words.length === 1 ? first : words.map((w) => w[0]).join('').slice(0, 6);
}

export function toCreateArgs(d: CompanyDraft): CreateCompanyArgs {
  return {
    code: d.code.trim(), name: d.name.trim(), legal_name: d.legal_name.trim() || undefined, tax_id: d.tax_id.trim() || undefined,
    base_currency: d.base_currency, locale: d.locale.trim() || undefined, timezone: d.timezone || undefined,
    fiscal_year_start_month: d.fiscal_year_start_month, address: d.address, color: d.color || undefined,
    chart_template: d.chart_template || undefined,
  };
}

/** The draft of a loaded company (what company.update takes). */
export function fromCompany(c: Company): CompanyDraft {
  return {
    code: c.code, name: c.name, legal_name: c.legal_name, tax_id: c.tax_id, base_currency: c.base_currency, locale: c.locale,
    timezone: c.timezone, fiscal_year_start_month: c.fiscal_year_start_month, color: c.color, address: { ...c.address },
    payment_instructions: c.payment_instructions,
  };
}

/** What company.update takes from a draft. */
export function toUpdateArgs(d: CompanyDraft): UpdateCompanyArgs {
  const { chart_template: _chart, ...rest } = d;
  return { ...rest, code: d.code.trim(), name: d.name.trim(), fiscal_year_start_month: Number(d.fiscal_year_start_month), address: { ...d.address } };
}

/** The company's time zone: the summary's (when the backend sends it), else `fallback`, else UTC. */
export function companyZone(summary: unknown, fallback?: string | null): string {
  const z = summary && typeof summary === 'object' ? (summary as { timezone?: unknown }).timezone : undefined;
  return (typeof z === 'string' && z) || fallback || 'UTC';
}
