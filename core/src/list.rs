//! Lists that stay fast: filtering, sorting, keyset paging and full-text search, all in
//! SQL. Every list command takes a [`ListQuery`] and returns a [`Page`].
//!
//! Paging is by keyset, never OFFSET: the cursor holds the last row's sort value and id,
//! and the next page starts strictly after it, so page 1,000 costs what page 1 costs.

use crate::{Error, Result};
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Words to find (full-text, prefix match on each word).
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    /// A sortable field of this list (each list names its own); default per list.
    #[serde(default)]
    #[ts(optional)]
    pub sort: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub desc: Option<bool>,
    /// Rows per page: default 50, at most 500.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    #[ts(optional)]
    pub cursor: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub include_archived: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, ts_rs::TS)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Rows matching the filters, over all pages.
    pub total: i64,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One sortable field: its name on the wire and its SQL expression (never NULL).
#[derive(Debug, Clone, Copy)]
pub struct Sort {
    pub key: &'static str,
    pub sql: &'static str,
}

/// How one list query runs: resolved sort, direction, limit and cursor.
#[derive(Debug, Clone)]
pub struct ListPlan {
    pub sort: Sort,
    pub desc: bool,
    pub limit: u32,
    pub after: Option<(SqlValue, i64)>,
    pub fts: Option<String>,
}

impl ListPlan {
    /// Checks the query against the list's sortable fields (the first is the default).
    pub fn new(q: &ListQuery, sorts: &[Sort]) -> Result<ListPlan> {
        let sort = match q.sort.as_deref() {
            None | Some("") => sorts[0],
            Some(k) => *sorts.iter().find(|s| s.key == k).ok_or_else(|| {
                Error::field("sort", crate::FieldCode::InvalidSort.with("value", k).with("allowed", sorts.iter().map(|s| s.key).collect::<Vec<_>>().join(", ")))
            })?,
        };
        let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::field("limit", crate::FieldCode::OutOfRange.with("min", 1).with("max", MAX_LIMIT)));
        }
        let after = match q.cursor.as_deref() {
            None | Some("") => None,
            Some(c) => Some(decode_cursor(c)?),
        };
        Ok(ListPlan { sort, desc: q.desc.unwrap_or(false), limit, after, fts: q.search.as_deref().and_then(fts_query) })
    }

    /// `(sort, id) > (?a, ?b)` (or `<` when descending), with `?a` = `?{first}`.
    pub fn keyset_sql(&self, id_col: &str, first: usize) -> String {
        if self.after.is_none() {
            return "1".into();
        }
        let op = if self.desc { "<" } else { ">" };
        format!("({}, {id_col}) {op} (?{first}, ?{})", self.sort.sql, first + 1)
    }

    /// The keyset parameters (sort value, id), to bind at `first` and `first + 1`.
    pub fn keyset_params(&self) -> (SqlValue, i64) {
        self.after.clone().unwrap_or((SqlValue::Null, 0))
    }

    pub fn order_sql(&self, id_col: &str) -> String {
        let dir = if self.desc { "DESC" } else { "ASC" };
        format!("{} {dir}, {id_col} {dir}", self.sort.sql)
    }

    /// Fetch one more than a page to know whether another follows.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    /// Cuts the extra row off and makes the cursor from the last row kept.
    pub fn finish<T>(&self, mut rows: Vec<(T, SqlValue, i64)>, total: i64) -> Page<T> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = if more { rows.last().map(|(_, v, id)| encode_cursor(v, *id)) } else { None };
        Page { items: rows.into_iter().map(|(t, _, _)| t).collect(), total, next_cursor }
    }
}

fn encode_cursor(v: &SqlValue, id: i64) -> String {
    let v = match v {
        SqlValue::Null => serde_json::Value::Null,
        SqlValue::Integer(i) => serde_json::json!(i),
        SqlValue::Real(f) => serde_json::json!(f),
        SqlValue::Text(s) => serde_json::json!(s),
        SqlValue::Blob(b) => serde_json::json!(hex::encode(b)),
    };
    serde_json::json!([v, id]).to_string()
}

fn decode_cursor(c: &str) -> Result<(SqlValue, i64)> {
    let bad = || Error::field("cursor", crate::FieldCode::InvalidCursor);
    let v: serde_json::Value = serde_json::from_str(c).map_err(|_| bad())?;
    let arr = v.as_array().filter(|a| a.len() == 2).ok_or_else(bad)?;
    let id = arr[1].as_i64().ok_or_else(bad)?;
    let val = match &arr[0] {
        serde_json::Value::Null => SqlValue::Null,
        serde_json::Value::String(s) => SqlValue::Text(s.clone()),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().ok_or_else(bad)?),
        },
        _ => return Err(bad()),
    };
    Ok((val, id))
}

/// Turns what a user typed into a safe FTS5 query: every word quoted and
/// prefix-matched, all words required. `None` when nothing searchable is left.
/// Control characters (NUL among them: FTS5 reads it as the end of a string) separate
/// words like white space, so no input reaches SQLite as a syntax problem.
pub fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '"' | '*' | '(' | ')' | ':' | '^' | '+' | '-' | ',' | ';'))
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    if terms.is_empty() { None } else { Some(terms.join(" ")) }
}

/// A `LIKE` pattern matching `text` anywhere (`%text%`), with `\\`, `%` and `_` escaped;
/// use it with `ESCAPE '\\'`. Control characters are dropped. `None` for blank text.
pub fn like_pattern(text: &str) -> Option<String> {
    let t: String = text.trim().chars().filter(|c| !c.is_control()).collect();
    if t.is_empty() {
        return None;
    }
    Some(format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_fts5() {
        assert_eq!(fts_query("\u{0}"), None);
        assert_eq!(fts_query("ab\u{0}cd\u{7}"), Some("\"ab\"* \"cd\"*".into()));
        assert_eq!(like_pattern(" a%b_c\\\u{0} "), Some("%a\\%b\\_c\\\\%".into()));
        assert_eq!(like_pattern(" \u{0} "), None);
    }

    #[test]
    fn fts_query_quotes_every_word_and_drops_operators() {
        assert_eq!(fts_query("acme  ltd"), Some("\"acme\"* \"ltd\"*".into()));
        assert_eq!(fts_query("a\"b OR c*"), Some("\"a\"* \"b\"* \"OR\"* \"c\"*".into()));
        assert_eq!(fts_query("  ()*: "), None);
    }

    #[test]
    fn cursor_round_trips() {
        let c = encode_cursor(&SqlValue::Text("Zoë".into()), 42);
        assert_eq!(decode_cursor(&c).unwrap(), (SqlValue::Text("Zoë".into()), 42));
        assert!(decode_cursor("garbage").is_err());
    }
}
