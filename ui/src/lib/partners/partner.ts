// The editable shape of a partner and its conversion to the command's fields.
import type { AddressKind, Partner, PartnerFields } from '../api';

export interface AddressDraft {
  id?: number;
  kind: AddressKind;
  is_default: boolean;
  line1: string;
  line2: string;
  postal_code: string;
  country_code: string;
  state_id: number | null;
  city_id: number | null;
  city_name?: string | null;
}
export interface ContactDraft {
  id?: number;
  name: string;
  email: string;
  phone: string;
  role: string;
}
export interface PartnerDraft {
  code: string;
  name: string;
  legal_name: string;
  tax_id: string;
  email: string;
  phone: string;
  website: string;
  is_customer: boolean;
  is_supplier: boolean;
  /** A decimal string as NumberInput keeps it. */
  payment_terms_days: string;
  credit_limit: string;
  currency: string;
  /** The language of their printed documents: `en`, `de`, or '' for the company's. */
  language: string;
  notes: string;
  addresses: AddressDraft[];
  contacts: ContactDraft[];
}

/** The languages documents print in ('' = the company's). */
export const DOCUMENT_LANGUAGES = ['', 'en', 'de'] as const;

export function emptyAddress(kind: AddressKind = 'billing', country = ''): AddressDraft {
  return { kind, is_default: true, line1: '', line2: '', postal_code: '', country_code: country, state_id: null, city_id: null };
}

export function emptyPartner(role: 'customer' | 'supplier' | null, currency: string): PartnerDraft {
  return {
    code: '', name: '', legal_name: '', tax_id: '', email: '', phone: '', website: '',
    is_customer: role !== 'supplier', is_supplier: role === 'supplier', payment_terms_days: '30', credit_limit: '0', currency, language: '', notes: '',
    addresses: [], contacts: [],
  };
}

export function fromPartner(p: Partner): PartnerDraft {
  return {
    code: p.code, name: p.name, legal_name: p.legal_name, tax_id: p.tax_id, email: p.email, phone: p.phone, website: p.website,
    is_customer: p.is_customer, is_supplier: p.is_supplier, payment_terms_days: String(p.payment_terms_days), credit_limit: p.credit_limit,
    currency: p.currency, language: p.language, notes: p.notes,
    addresses: p.addresses.map((a) => ({
      id: a.id, kind: a.kind, is_default: a.is_default, line1: a.address.line1, line2: a.address.line2, postal_code: a.address.postal_code,
      country_code: a.address.country_code, state_id: a.address.state_id, city_id: a.address.city_id, city_name: a.address.city_name,
    })),
    contacts: p.contacts.map((c) => ({ id: c.id, name: c.name, email: c.email, phone: c.phone, role: c.role })),
  };
}

/** What partner.create / partner.update take. Money stays a string. */
export function toFields(d: PartnerDraft): PartnerFields {
  return {
    code: d.code.trim(), name: d.name.trim(), legal_name: d.legal_name.trim(), tax_id: d.tax_id.trim(), email: d.email.trim(),
    phone: d.phone.trim(), website: d.website.trim(), is_customer: d.is_customer, is_supplier: d.is_supplier,
    payment_terms_days: Number(d.payment_terms_days || 0), credit_limit: String(d.credit_limit).trim() || '0', currency: d.currency, language: d.language, notes: d.notes,
    addresses: d.addresses.map((a) => ({
      id: a.id, kind: a.kind, is_default: a.is_default, line1: a.line1, line2: a.line2, postal_code: a.postal_code,
      country_code: a.country_code, state_id: a.state_id, city_id: a.city_id,
    })),
    contacts: d.contacts.map((c) => ({ id: c.id, name: c.name.trim(), email: c.email.trim(), phone: c.phone.trim(), role: c.role.trim() })),
  };
}
