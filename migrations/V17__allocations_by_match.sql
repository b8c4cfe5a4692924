-- A match's allocations by the match (get_match, unallocate): without it the planner reads
-- them through allocations_item, which covers every column but not match_id first, so it
-- walked every allocation of the company (7 ms at 180,000 allocations).
CREATE INDEX allocations_match ON allocations (tenant_id, match_id, id);
