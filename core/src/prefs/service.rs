//! Rules for preferences: the caller's own, checked keys, languages and values.

use super::model::*;
use super::repo;
use crate::command::{Ctx, Done};
use crate::error::FieldCode;
use crate::validate::Checker;
use crate::Result;

/// The UI languages Cora ships (the UI's catalogs).
pub const LANGUAGES: &[&str] = &["en", "de"];
/// The largest preference value, in bytes of JSON text.
pub const MAX_VALUE_BYTES: usize = 16 * 1024;
pub const MAX_KEY_CHARS: usize = 100;

fn check_key(c: &mut Checker, key: &str) {
    let ok = (1..=MAX_KEY_CHARS).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    if !ok {
        c.push("key", FieldCode::InvalidPreferenceKey);
    }
}

pub fn set_language(ctx: &mut Ctx<'_>, a: SetLanguageArgs) -> Result<Done> {
    let user = ctx.principal()?.user_id;
    let mut c = Checker::new();
    let language = a.language.trim();
    if !language.is_empty() && !LANGUAGES.contains(&language) {
        c.push("language", FieldCode::UnsupportedLanguage.with("allowed", LANGUAGES.join(", ")));
    }
    c.finish()?;
    repo::update_language(ctx.db(), user, language)?;
    Ok(Done::OK)
}

pub fn get(ctx: &mut Ctx<'_>, a: PreferenceKeyArgs) -> Result<PreferenceValue> {
    let user = ctx.principal()?.user_id;
    let mut c = Checker::new();
    check_key(&mut c, &a.key);
    c.finish()?;
    Ok(PreferenceValue { value: repo::get_preference(ctx.db(), user, &a.key)? })
}

pub fn set(ctx: &mut Ctx<'_>, a: SetPreferenceArgs) -> Result<Done> {
    let user = ctx.principal()?.user_id;
    let mut c = Checker::new();
    check_key(&mut c, &a.key);
    if a.value.len() > MAX_VALUE_BYTES {
        c.push("value", FieldCode::TooManyBytes.with("max", MAX_VALUE_BYTES));
    } else if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&a.value) {
        c.push("value", FieldCode::InvalidJson.with("detail", e));
    }
    c.finish()?;
    repo::upsert_preference(ctx.db(), user, &a.key, &a.value, ctx.now)?;
    Ok(Done::OK)
}

pub fn delete(ctx: &mut Ctx<'_>, a: PreferenceKeyArgs) -> Result<Done> {
    let user = ctx.principal()?.user_id;
    let mut c = Checker::new();
    check_key(&mut c, &a.key);
    c.finish()?;
    repo::delete_preference(ctx.db(), user, &a.key)?;
    Ok(Done::OK)
}
