use super::service;
use crate::command::{Access, CommandSpec, Registry};

/// Self-service: any signed-in user, for themselves, in no company; never audited.
pub fn register(r: &mut Registry) {
    r.add(CommandSpec::mutation("user.set_language", Access::Authenticated, "Set your UI language ('' follows the system)", service::set_language).unaudited());
    r.add(CommandSpec::query("preference.get", Access::Authenticated, "One of your UI preferences (null when not set)", service::get));
    r.add(CommandSpec::mutation("preference.set", Access::Authenticated, "Store one of your UI preferences (JSON text)", service::set).unaudited());
    r.add(CommandSpec::mutation("preference.delete", Access::Authenticated, "Forget one of your UI preferences", service::delete).unaudited());
}
