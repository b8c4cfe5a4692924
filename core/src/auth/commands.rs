use super::model::*;
use super::service;
use crate::command::{Access, CommandSpec, IdArg, NoArgs, Registry};
use crate::ids::{ApiTokenId, UserId};

pub fn register(r: &mut Registry) {
    r.add(
        CommandSpec::mutation("auth.login", Access::Public, "Sign in with email and password; returns a session token", |ctx, a: LoginArgs| service::login(ctx, a))
            .persisting_on_error(),
    );
    r.add(CommandSpec::query("setup.status", Access::Public, "Whether this file still needs its first administrator", |ctx, _: NoArgs| service::setup_status(ctx)));
    r.add(CommandSpec::mutation("setup.bootstrap", Access::Public, "First run: create the first administrator and sign in (refused once any user exists)", service::bootstrap));
    r.add(CommandSpec::mutation("auth.logout", Access::Authenticated, "End this session", |ctx, _: NoArgs| service::logout(ctx)));
    r.add(CommandSpec::query("auth.me", Access::Authenticated, "The signed-in user, their companies and permissions", |ctx, _: NoArgs| service::me(ctx)));
    r.add(CommandSpec::mutation("auth.change_password", Access::Authenticated, "Change your own password (the old one is required)", service::change_password).persisting_on_error());
    r.add(CommandSpec::mutation("auth.create_api_token", Access::Authenticated, "Create a personal API token for the local HTTP API; the token is shown only in this answer", service::create_api_token));
    r.add(CommandSpec::query("auth.list_api_tokens", Access::Authenticated, "Your API tokens (an administrator: anyone's, with all_users)", service::list_api_tokens));
    r.add(CommandSpec::mutation("auth.revoke_api_token", Access::Authenticated, "Revoke one of your API tokens (an administrator: anyone's)", |ctx, a: IdArg<ApiTokenId>| service::revoke_api_token(ctx, a.id)));

    r.add(CommandSpec::mutation("user.create", Access::Superuser, "Create a user", service::create_user));
    r.add(CommandSpec::query("user.list", Access::Superuser, "List users", service::list_users));
    r.add(CommandSpec::query("user.get", Access::Superuser, "One user", |ctx, a: IdArg<UserId>| service::get_user(ctx, a.id)));
    r.add(CommandSpec::mutation("user.update", Access::Superuser, "Change a user's email, name or administrator flag", service::update_user));
    r.add(CommandSpec::mutation("user.reset_password", Access::Superuser, "Set a new password for a user and end their sessions", service::reset_password));
    r.add(CommandSpec::mutation("user.set_active", Access::Superuser, "Deactivate or reactivate a user", service::set_active));
}
