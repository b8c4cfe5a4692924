use crate::ids::{MembershipId, RoleId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Permission {
    pub codename: String,
    pub module: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    /// True for a role usable in every company.
    pub global: bool,
    /// `owner`, `viewer`, ... for built-in roles, which cannot be changed.
    pub builtin: Option<String>,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CreateRoleArgs {
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub permissions: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoleArgs {
    pub id: RoleId,
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SetPermissionsArgs {
    pub id: RoleId,
    pub permissions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Membership {
    pub id: MembershipId,
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub user_active: bool,
    pub role_id: RoleId,
    pub role_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AddMembershipArgs {
    /// The email of an existing user.
    pub email: String,
    pub role_id: RoleId,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ChangeMembershipArgs {
    pub id: MembershipId,
    pub role_id: RoleId,
}
