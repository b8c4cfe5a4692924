-- A product's cost state also says where its valuation rows end: the date of its last row
-- and the cumulative incoming and outgoing quantities after it (FIFO's layers). A move
-- dated on or after `last_date` is valued from this one row, without reading the
-- product's valuation rows; an earlier (backdated) one reads them as before.
-- `inventory.check` compares these columns with the last valuation row.
ALTER TABLE stock_costs ADD COLUMN last_date TEXT;
ALTER TABLE stock_costs ADD COLUMN cum_in INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stock_costs ADD COLUMN cum_out INTEGER NOT NULL DEFAULT 0;

UPDATE stock_costs
SET (last_date, cum_in, cum_out) = (
    SELECT v.date, v.cum_in, v.cum_out FROM stock_valuation v
    WHERE v.tenant_id = stock_costs.tenant_id AND v.product_id = stock_costs.product_id
    ORDER BY v.date DESC, v.id DESC LIMIT 1
)
WHERE EXISTS (SELECT 1 FROM stock_valuation v WHERE v.tenant_id = stock_costs.tenant_id AND v.product_id = stock_costs.product_id);
