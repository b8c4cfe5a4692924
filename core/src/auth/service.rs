//! Sign-in, sessions and user administration.

use crate::error::{FieldCode, Reason};
use super::model::*;
use super::{password, repo};
use crate::command::{Ctx, Done};
use crate::ids::{ApiTokenId, UserId};
use crate::validate::Checker;
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use serde_json::json;

pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_MIN: i64 = 15;
pub const SESSION_HOURS: i64 = 12;
/// A session unused for this long ends, whatever the UI does (its lock is earlier).
pub const SESSION_IDLE_MINUTES: i64 = 60;
/// `last_seen_at` is written at most this often per session, so reads stay reads.
pub const SESSION_TOUCH_SECONDS: i64 = 60;

fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Refuses while the email is locked: the last failure is under 15 minutes old and
/// completes 5 failures within 15 minutes. The lock lasts 15 minutes from that last
/// failure, and retry_after says exactly when it ends (failures are not recorded while
/// locked).
fn check_not_locked(db: &Connection, key: &str, now: DateTime<Utc>) -> Result<()> {
    let window = Duration::minutes(THROTTLE_WINDOW_MIN);
    if let Some(latest) = repo::get_latest_failure(db, key, now - window)?
        && repo::count_failures(db, key, latest - window, latest)? >= MAX_FAILURES
    {
        let until = latest + window;
        return Err(Error::Throttled { retry_after_secs: (until - now).num_seconds().max(1) });
    }
    Ok(())
}

/// Signs in. Failures are recorded (the dispatcher commits them even though the
/// command fails) so throttling holds across processes.
pub fn login(ctx: &mut Ctx<'_>, args: LoginArgs) -> Result<LoginResult> {
    let db = ctx.db();
    let now = ctx.now;
    let key = repo::email_key(&args.email);
    let window = Duration::minutes(THROTTLE_WINDOW_MIN);

    check_not_locked(db, &key, now)?;
    if args.password.chars().count() > password::MAX_LEN {
        repo::insert_failure(db, &key, now)?;
        return Err(Error::unauthenticated(Reason::BadCredentials));
    }

    let found = repo::get_user_for_login(db, &key)?;
    let ok = match &found {
        Some((_, hash)) => password::verify(&args.password, hash),
        None => {
            password::verify_dummy(&args.password);
            false
        }
    };
    let user = match (ok, found) {
        (true, Some((user, _))) => user,
        _ => {
            repo::insert_failure(db, &key, now)?;
            return Err(Error::unauthenticated(Reason::BadCredentials));
        }
    };
    if !user.is_active {
        return Err(Error::unauthenticated(Reason::AccountDeactivated));
    }
    repo::delete_failures(db, &key)?;
    // Housekeeping: old failures and sessions of anyone. A live lock looks back up to
    // two windows (its last failure, and the four before it), so keep those.
    repo::delete_failures_before(db, now - window - window)?;
    repo::delete_expired_sessions(db, now)?;

    let token = new_token()?;
    let expires_at = now + Duration::hours(SESSION_HOURS);
    repo::insert_session(db, &token, user.id, now, expires_at)?;
    repo::update_last_login(db, user.id, now)?;
    let user = User { last_login_at: Some(now), ..user };
    // The audit row of this sign-in names the user who signed in.
    ctx.principal = Some(crate::command::Principal { user_id: user.id, email: user.email.clone(), is_superuser: user.is_superuser, api_token: None });
    ctx.audit("user", user.id, json!({"signed_in": true}));
    Ok(LoginResult { token, expires_at, user })
}

pub fn logout(ctx: &mut Ctx<'_>) -> Result<Done> {
    if let Some(token) = ctx.session_token.clone() {
        repo::delete_session(ctx.db(), &token)?;
    }
    let user = ctx.principal()?.user_id;
    ctx.audit("user", user, json!({"signed_out": true}));
    Ok(Done::OK)
}

pub fn me(ctx: &mut Ctx<'_>) -> Result<Me> {
    let p = ctx.principal()?.clone();
    let user = repo::get_user(ctx.db(), p.user_id)?;
    let companies = crate::company::repo::list_for_user(ctx.db(), &p, false)?;
    let mut permissions = Vec::with_capacity(companies.len());
    for c in &companies {
        let perms = if p.is_superuser {
            crate::rbac::repo::list_permission_codenames(ctx.db())?
        } else {
            crate::rbac::repo::list_member_permissions(ctx.db(), c.id, p.user_id)?
        };
        permissions.push(CompanyPermissions { company: c.id.into(), permissions: perms });
    }
    Ok(Me { user, companies, permissions })
}

pub fn change_password(ctx: &mut Ctx<'_>, args: ChangePasswordArgs) -> Result<Done> {
    let p = ctx.principal()?.clone();
    // Guesses of the old password count as failed sign-ins of this email, so a left-open
    // session cannot be used to try passwords faster than the sign-in screen allows.
    let key = repo::email_key(&p.email);
    check_not_locked(ctx.db(), &key, ctx.now)?;
    let hash = repo::get_password_hash(ctx.db(), p.user_id)?;
    if !password::verify(&args.old_password, &hash) {
        repo::insert_failure(ctx.db(), &key, ctx.now)?;
        return Err(Error::field("old_password", FieldCode::WrongPassword));
    }
    let mut c = Checker::new();
    password::check_policy(&mut c, "new_password", &args.new_password, &p.email);
    c.finish()?;
    repo::update_password(ctx.db(), p.user_id, &password::hash(&args.new_password)?)?;
    // Other sign-ins of this user end; this one goes on.
    repo::delete_user_sessions(ctx.db(), p.user_id, ctx.session_token.as_deref())?;
    ctx.audit("user", p.user_id, json!({"password": "changed"}));
    Ok(Done::OK)
}

fn check_new_user(db: &Connection, email: &str, display_name: &str, pw: &str) -> Result<(String, String)> {
    let mut c = Checker::new();
    let email = c.email("email", email);
    let display_name = c.required("display_name", display_name, 100);
    password::check_policy(&mut c, "password", pw, &email);
    c.finish()?;
    if repo::email_taken(db, &email, None)? {
        return Err(Error::conflict("email", FieldCode::Duplicate.with("entity", "user")));
    }
    Ok((email, display_name))
}

/// The first administrator of a new file; refused once any user exists.
pub fn bootstrap_admin(db: &Connection, now: DateTime<Utc>, email: &str, display_name: &str, pw: &str) -> Result<User> {
    if repo::count_users(db)? > 0 {
        return Err(Error::refused(Reason::AlreadySetUp));
    }
    let (email, display_name) = check_new_user(db, email, display_name, pw)?;
    let id = repo::insert_user(db, &email, &display_name, &password::hash(pw)?, true, now)?;
    crate::audit::repo::insert_entry(db, now, Some(id), None, "auth.bootstrap_admin", "user", Some(&id.to_string()), &json!({"email": email, "is_superuser": true}))?;
    repo::get_user(db, id)
}

pub fn create_user(ctx: &mut Ctx<'_>, args: CreateUserArgs) -> Result<User> {
    let (email, display_name) = check_new_user(ctx.db(), &args.email, &args.display_name, &args.password)?;
    let superuser = args.is_superuser.unwrap_or(false);
    let id = repo::insert_user(ctx.db(), &email, &display_name, &password::hash(&args.password)?, superuser, ctx.now)?;
    ctx.audit("user", id, json!({"email": email, "display_name": display_name, "is_superuser": superuser}));
    repo::get_user(ctx.db(), id)
}

/// Refuses a change that would leave no active superuser.
fn keep_a_superuser(db: &Connection, target: &User, still_super_and_active: bool) -> Result<()> {
    if target.is_superuser && target.is_active && !still_super_and_active && repo::count_active_superusers(db)? <= 1 {
        return Err(Error::refused(Reason::LastAdmin));
    }
    Ok(())
}

pub fn update_user(ctx: &mut Ctx<'_>, args: UpdateUserArgs) -> Result<User> {
    let db = ctx.db();
    let user = repo::get_user(db, args.id)?;
    let mut c = Checker::new();
    let email = args.email.as_deref().map(|e| c.email("email", e)).unwrap_or_else(|| user.email.clone());
    let display_name =
        args.display_name.as_deref().map(|d| c.required("display_name", d, 100)).unwrap_or_else(|| user.display_name.clone());
    c.finish()?;
    let superuser = args.is_superuser.unwrap_or(user.is_superuser);
    keep_a_superuser(db, &user, superuser)?;
    if repo::email_taken(db, &email, Some(user.id))? {
        return Err(Error::conflict("email", FieldCode::Duplicate.with("entity", "user")));
    }
    repo::update_user(db, user.id, &email, &display_name, superuser)?;
    let mut changed = serde_json::Map::new();
    if email != user.email {
        changed.insert("email".into(), json!([user.email, email]));
    }
    if display_name != user.display_name {
        changed.insert("display_name".into(), json!([user.display_name, display_name]));
    }
    if superuser != user.is_superuser {
        changed.insert("is_superuser".into(), json!([user.is_superuser, superuser]));
    }
    ctx.audit("user", user.id, changed.into());
    repo::get_user(db, user.id)
}

pub fn reset_password(ctx: &mut Ctx<'_>, args: ResetPasswordArgs) -> Result<Done> {
    let user = repo::get_user(ctx.db(), args.id)?;
    let mut c = Checker::new();
    password::check_policy(&mut c, "new_password", &args.new_password, &user.email);
    c.finish()?;
    repo::update_password(ctx.db(), user.id, &password::hash(&args.new_password)?)?;
    repo::delete_user_sessions(ctx.db(), user.id, None)?;
    repo::delete_failures(ctx.db(), &repo::email_key(&user.email))?;
    ctx.audit("user", user.id, json!({"password": "reset"}));
    Ok(Done::OK)
}

pub fn set_active(ctx: &mut Ctx<'_>, args: SetActiveArgs) -> Result<User> {
    let user = repo::get_user(ctx.db(), args.id)?;
    if !args.active && user.id == ctx.principal()?.user_id {
        return Err(Error::refused(Reason::CannotDeactivateSelf));
    }
    keep_a_superuser(ctx.db(), &user, args.active)?;
    repo::update_active(ctx.db(), user.id, args.active)?;
    if !args.active {
        repo::delete_user_sessions(ctx.db(), user.id, None)?;
    }
    ctx.audit("user", user.id, json!({"is_active": [user.is_active, args.active]}));
    repo::get_user(ctx.db(), user.id)
}

pub fn get_user(ctx: &mut Ctx<'_>, id: UserId) -> Result<User> {
    repo::get_user(ctx.db(), id)
}

pub fn list_users(ctx: &mut Ctx<'_>, args: ListUsersArgs) -> Result<Vec<User>> {
    let mut c = Checker::new();
    if let Some(s) = &args.search {
        c.optional("search", s, 200);
    }
    c.finish()?;
    let search = args.search.as_deref().filter(|s| !s.trim().is_empty());
    repo::list_users(ctx.db(), search, args.include_inactive.unwrap_or(false))
}

pub fn setup_status(ctx: &mut Ctx<'_>) -> Result<SetupStatus> {
    Ok(SetupStatus { needs_setup: repo::count_users(ctx.db())? == 0, schema_version: crate::store::latest_version() })
}

/// The first-run setup: creates the first administrator and signs them in.
pub fn bootstrap(ctx: &mut Ctx<'_>, a: BootstrapArgs) -> Result<LoginResult> {
    bootstrap_admin(ctx.db(), ctx.now, &a.email, &a.display_name, &a.password)?;
    login(ctx, LoginArgs { email: a.email, password: a.password })
}

// --- personal API tokens ---------------------------------------------------------------

pub const API_TOKEN_DEFAULT_DAYS: i64 = 90;
pub const API_TOKEN_MAX_DAYS: i64 = 3650;

/// A new API token for the caller. The token is returned this once; only its hash is kept.
pub fn create_api_token(ctx: &mut Ctx<'_>, args: CreateApiTokenArgs) -> Result<CreatedApiToken> {
    let p = ctx.principal()?.clone();
    let mut c = Checker::new();
    let name = c.required("name", &args.name, 100);
    let days = c.range("expires_in_days", args.expires_in_days.unwrap_or(API_TOKEN_DEFAULT_DAYS), 1, API_TOKEN_MAX_DAYS);
    c.finish()?;
    let token = format!("{}{}", repo::API_TOKEN_PREFIX, new_token()?);
    // `cora_pat_` and 8 hex digits: enough to tell one's tokens apart, nothing to guess with.
    let prefix: String = token.chars().take(repo::API_TOKEN_PREFIX.len() + 8).collect();
    let read_only = args.read_only.unwrap_or(false);
    let expires_at = ctx.now + Duration::days(days);
    let id = repo::insert_api_token(ctx.db(), p.user_id, &name, &token, &prefix, ctx.now, expires_at, read_only)?;
    ctx.audit("api_token", id, json!({"name": name, "user_id": p.user_id, "expires_at": expires_at, "read_only": read_only}));
    Ok(CreatedApiToken { token, api_token: repo::get_api_token(ctx.db(), id, ctx.now)? })
}

pub fn list_api_tokens(ctx: &mut Ctx<'_>, args: ListApiTokensArgs) -> Result<Vec<ApiToken>> {
    let p = ctx.principal()?.clone();
    let user = match args.all_users.unwrap_or(false) {
        true if p.is_superuser => None,
        true => return Err(Error::forbidden(Reason::AdminOnly.with("command", "auth.list_api_tokens {all_users}"))),
        false => Some(p.user_id),
    };
    repo::list_api_tokens(ctx.db(), user, args.include_inactive.unwrap_or(false), ctx.now)
}

/// Revokes one of the caller's tokens (an administrator: anyone's). Revoking a revoked
/// token changes nothing; someone else's token looks like one that does not exist.
pub fn revoke_api_token(ctx: &mut Ctx<'_>, id: ApiTokenId) -> Result<ApiToken> {
    let p = ctx.principal()?.clone();
    let t = repo::get_api_token(ctx.db(), id, ctx.now)?;
    if t.user_id != p.user_id && !p.is_superuser {
        return Err(Error::not_found("api_token", id));
    }
    if t.revoked_at.is_some() {
        ctx.wrote_nothing();
        return Ok(t);
    }
    repo::revoke_api_token(ctx.db(), id, ctx.now)?;
    ctx.audit("api_token", id, json!({"name": t.name, "user_id": t.user_id, "revoked": true}));
    repo::get_api_token(ctx.db(), id, ctx.now)
}
