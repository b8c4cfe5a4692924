//! The list of modules whose commands make up the registry. A new module adds one line.

use crate::command::Registry;

pub(crate) fn register(r: &mut Registry) {
    crate::auth::commands::register(r);
    crate::company::commands::register(r);
    crate::rbac::commands::register(r);
    crate::audit::commands::register(r);
    crate::catalog::commands::register(r);
    crate::locations::commands::register(r);
    crate::partners::commands::register(r);
    crate::prefs::commands::register(r);
    crate::accounting::commands::register(r);
    crate::inventory::commands::register(r);
    crate::trade::commands::register(r);
    crate::sales::register(r);
    crate::purchasing::register(r);
    crate::finance::commands::register(r);
    crate::production::commands::register(r);
    crate::sync::commands::register(r);
}
