-- Lookups by product that walked every row of the company: a sale price (price-list items
-- by product, per order line) and what open purchase orders bring of a product.
CREATE INDEX price_list_items_product ON price_list_items (tenant_id, product_id, min_quantity);
CREATE INDEX trade_order_lines_product ON trade_order_lines (tenant_id, product_id);
