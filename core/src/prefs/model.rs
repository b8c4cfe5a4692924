use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetLanguageArgs {
    /// A supported UI language (`en`, `de`), or '' to follow the system.
    pub language: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PreferenceKeyArgs {
    /// `grid.products`: 1–100 of `a-z 0-9 . _ -`.
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetPreferenceArgs {
    pub key: String,
    /// JSON text, at most 16 KiB.
    pub value: String,
}

/// A stored preference: its JSON text, or null when none is stored.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct PreferenceValue {
    pub value: Option<String>,
}
