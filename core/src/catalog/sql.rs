//! The SQL pieces the catalog's lists share: a WHERE clause with numbered parameters,
//! LIKE searches for the small lists and a keyset page.

use crate::list::{ListPlan, Page, like_pattern};
use crate::Result;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Row, params_from_iter};

/// A WHERE clause under construction with numbered parameters.
#[derive(Default)]
pub(crate) struct Where {
    parts: Vec<String>,
    pub(crate) params: Vec<SqlValue>,
}

impl Where {
    pub(crate) fn bind(&mut self, v: impl Into<SqlValue>) -> String {
        self.params.push(v.into());
        format!("?{}", self.params.len())
    }
    pub(crate) fn push(&mut self, part: String) {
        self.parts.push(part);
    }
    pub(crate) fn sql(&self) -> String {
        if self.parts.is_empty() { "1".into() } else { self.parts.join(" AND ") }
    }
    /// Adds the keyset condition (after the count query has used the rest).
    pub(crate) fn keyset(&mut self, plan: &ListPlan, id_col: &str) {
        if plan.after.is_some() {
            let first = self.params.len() + 1;
            let (v, id) = plan.keyset_params();
            self.params.push(v);
            self.params.push(SqlValue::Integer(id));
            self.push(plan.keyset_sql(id_col, first));
        }
    }
}

/// `col LIKE %word%` for each word of a search (for the small lists without FTS).
pub(crate) fn like_words(w: &mut Where, cols: &[&str], search: Option<&str>) {
    for pattern in search.unwrap_or("").split_whitespace().take(8).filter_map(like_pattern) {
        let p = w.bind(pattern);
        let any = cols.iter().map(|c| format!("{c} LIKE {p} ESCAPE '\\'")).collect::<Vec<_>>().join(" OR ");
        w.push(format!("({any})"));
    }
}

pub(crate) fn page_of<T>(
    db: &Connection,
    from: &str,
    select: &str,
    mut w: Where,
    plan: &ListPlan,
    id_col: &str,
    map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    let total: i64 =
        db.prepare_cached(&format!("SELECT count(*) FROM {from} WHERE {}", w.sql()))?.query_row(params_from_iter(&w.params), |r| r.get(0))?;
    w.keyset(plan, id_col);
    let limit = w.bind(plan.fetch_limit());
    let sql = format!(
        "SELECT {select}, {sort} AS sort_value, {id_col} FROM {from} WHERE {} ORDER BY {} LIMIT {limit}",
        w.sql(),
        plan.order_sql(id_col),
        sort = plan.sort.sql
    );
    let mut stmt = db.prepare_cached(&sql)?;
    let n = stmt.column_count();
    let rows = stmt.query_map(params_from_iter(&w.params), |r| Ok((map(r)?, r.get::<_, SqlValue>(n - 2)?, r.get::<_, i64>(n - 1)?)))?;
    Ok(plan.finish(rows.collect::<rusqlite::Result<Vec<_>>>()?, total))
}
