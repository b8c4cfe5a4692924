// Records for the trade screens' tests: an order, its lines, an invoice, the side's taxes.
import type { Invoice, InvoiceLine, Order, OrderLine, Tax } from '../api';

export const vat: Tax = { id: 9, code: 'VAT19', name: 'VAT 19 %', kind: 'sales', rate: '19', price_included: false, collected_account_id: null, paid_account_id: null, archived: false };
export const vat7: Tax = { ...vat, id: 10, code: 'VAT7', name: 'VAT 7 %', rate: '7' };
export const inputVat: Tax = { ...vat, id: 11, code: 'IN19', name: 'Input VAT 19 %', kind: 'purchase' };
export const warehouse = { id: 1, code: 'WH', name: 'Main', address: '', root_location_id: 10, archived: false };

export function orderLine(o: Partial<OrderLine> = {}): OrderLine {
  return {
    id: 11, line_no: 1, product_id: 7, sku: 'CH-1', description: 'Chair', unit_id: 1, unit_code: 'pc', ships: true, tracking: 'none', quantity: '2', unit_price: '50', discount: '0',
    tax_ids: [9], net: '100.00', tax: '19.00', gross: '119.00', delivered: '0', returned: '0', invoiced: '0', credited: '0', cancelled: '0', to_deliver: '0', to_invoice: '0', ...o,
  };
}

export function order(o: Partial<Order> = {}): Order {
  return {
    id: 5, side: 'sale', state: 'draft', number: null, partner_id: 3, partner_name: 'Corner Shop', billing_address_id: null, shipping_address_id: null, currency: 'EUR', rate: '1',
    date: '2026-03-02', payment_terms_days: 14, warehouse_id: 1, reference: '', notes: '', net: '100.00', tax: '19.00', rounding: '0.00', total: '119.00',
    taxes: [{ tax_id: 9, base: '100.00', amount: '19.00' }], delivery_status: 'none', invoice_status: 'none', lines: [orderLine()], pickings: [], invoices: [], ...o,
  };
}

export function invoiceLine(o: Partial<InvoiceLine> = {}): InvoiceLine {
  return { id: 21, line_no: 1, order_line_id: 11, product_id: 7, sku: 'CH-1', description: 'Chair', unit_id: 1, unit_code: 'pc', quantity: '2', unit_price: '50', discount: '0', tax_ids: [11], net: '100.00', tax: '19.00', gross: '119.00', credited: '0', ...o };
}

export function invoice(o: Partial<Invoice> = {}): Invoice {
  return {
    id: 40, side: 'purchase', kind: 'invoice', state: 'draft', number: null, order_id: 5, order_number: 'PO/00001', credited_invoice_id: null, partner_id: 4, partner_name: 'Timber Ltd',
    billing_address_id: null, currency: 'EUR', rate: '1', date: '2026-03-05', due_date: '2026-04-04', reference: 'T-981', notes: '', net: '100.00', tax: '19.00', rounding: '0.00', total: '119.00',
    taxes: [{ tax_id: 11, base: '100.00', amount: '19.00' }], entry_id: null, open_amount: null, pay_state: null, lines: [invoiceLine()], ...o,
  };
}
