//! cora-core's integration tests: one binary, one module per area (mirrors `src/`).
//! Every test works on a real SQLite file in a temp dir through the real command layer.
