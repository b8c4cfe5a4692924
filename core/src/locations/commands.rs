use super::service;
use crate::command::{Access, CommandSpec, PermissionSpec, Registry};

pub const ADD_CITY: &str = "location.add_city";

pub fn register(r: &mut Registry) {
    r.add_permissions(&[PermissionSpec {
        codename: ADD_CITY,
        description: "Add cities to the shared list",
        roles: &["accountant", "sales", "purchasing", "warehouse"],
    }]);
    r.add(CommandSpec::query("location.list_countries", Access::Authenticated, "ISO 3166-1 countries", service::list_countries));
    r.add(CommandSpec::query("location.list_states", Access::Authenticated, "ISO 3166-2 subdivisions of a country", service::list_states));
    r.add(CommandSpec::query("location.list_cities", Access::Authenticated, "Cities of a state", service::list_cities));
    r.add(CommandSpec::mutation("location.create_city", Access::Permission(ADD_CITY), "Add a city to a state (shared by every company)", service::create_city));
}
