use crate::command::CompanyRef;
use crate::company::model::CompanySummary;
use crate::ids::{ApiTokenId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A user as every command shows it (never with the hash).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub is_active: bool,
    pub is_superuser: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// The UI language (`en`, `de`), or '' to follow the system; see `user.set_language`.
    pub language: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct LoginArgs {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct LoginResult {
    /// Bearer token for later calls; keep it secret.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// The signed-in user and the companies they can open.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Me {
    pub user: User,
    pub companies: Vec<CompanySummary>,
    /// Permission codenames per company id the user is a member of (all for a superuser).
    pub permissions: Vec<CompanyPermissions>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CompanyPermissions {
    pub company: CompanyRef,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordArgs {
    pub old_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateUserArgs {
    pub email: String,
    pub display_name: String,
    pub password: String,
    #[serde(default)]
    #[ts(optional)]
    pub is_superuser: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserArgs {
    pub id: UserId,
    #[serde(default)]
    #[ts(optional)]
    pub email: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub display_name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub is_superuser: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordArgs {
    pub id: UserId,
    pub new_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetActiveArgs {
    pub id: UserId,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListUsersArgs {
    /// Matches email or display name.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub include_inactive: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BootstrapArgs {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct SetupStatus {
    /// True on a file with no user yet: the first-run setup is due.
    pub needs_setup: bool,
    pub schema_version: i64,
}

/// A personal API token as lists show it: never the token itself, only its first
/// characters (`prefix`) to tell tokens apart.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub user_email: String,
    pub name: String,
    /// The token's first characters (`cora_pat_1a2b3c4d`).
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Runs only commands that do not write.
    pub read_only: bool,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used (kept to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Neither revoked nor expired now.
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateApiTokenArgs {
    /// What the token is for (`nightly export`), 1–100 characters.
    pub name: String,
    /// Days until it expires, 1–3650; default 90.
    #[serde(default)]
    #[ts(optional)]
    pub expires_in_days: Option<i64>,
    /// Allow only commands that do not write; default false.
    #[serde(default)]
    #[ts(optional)]
    pub read_only: Option<bool>,
}

/// A new token: `token` is shown this once and never again (only its hash is kept).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct CreatedApiToken {
    /// The bearer token (`cora_pat_…`); keep it secret.
    pub token: String,
    pub api_token: ApiToken,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListApiTokensArgs {
    /// Every user's tokens (administrators only); default: the caller's own.
    #[serde(default)]
    #[ts(optional)]
    pub all_users: Option<bool>,
    /// Include revoked and expired tokens; default false.
    #[serde(default)]
    #[ts(optional)]
    pub include_inactive: Option<bool>,
}
