//! The OpenAPI 3.1 document, generated from the command registry: one path per command,
//! its request body from the command's args schema and its answer from the result schema.
//! Each command's schema is self-contained (`$defs`); the definitions move to
//! `components/schemas` (renamed when two commands define one name differently) so every
//! `$ref` resolves from the document's root.

use cora_core::Registry;
use cora_core::command::Access;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub fn openapi(registry: &Registry, port: u16) -> Value {
    let mut components: Map<String, Value> = Map::new();
    let error_body = hoist(serde_json::to_value(schemars::schema_for!(cora_core::ErrorBody)).unwrap_or_default(), &mut components);
    components.insert("ErrorBody".into(), error_body);
    let company = hoist(serde_json::to_value(schemars::schema_for!(cora_core::CompanyRef)).unwrap_or_default(), &mut components);
    components.insert("CompanyRef".into(), company);

    let mut paths = Map::new();
    for c in registry.describe() {
        let args = hoist(c.args_schema, &mut components);
        let result = hoist(c.result_schema, &mut components);
        let mut props = Map::new();
        props.insert("args".into(), args);
        props.insert("company".into(), json!({"$ref": "#/components/schemas/CompanyRef", "description": "The company's code or id"}));
        let required: Vec<&str> = if c.company_scoped { vec!["company"] } else { vec![] };
        let access = match c.access {
            Access::Public => "anyone".to_string(),
            Access::Authenticated => "any signed-in user".to_string(),
            Access::Superuser => "administrators".to_string(),
            Access::Permission(p) => format!("members of the company with the permission `{p}`"),
        };
        let module = c.name.split('.').next().unwrap_or("").to_string();
        let mut op = json!({
            "operationId": c.name,
            "summary": c.summary,
            "description": format!("{}. Who: {access}.{}", c.summary, if c.mutating { " Writes (refused for a read-only token)." } else { " Reads only." }),
            "tags": [module],
            "requestBody": {
                "required": false,
                "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": props, "required": required}}}
            },
            "responses": {
                "200": {"description": "The command's result", "content": {"application/json": {"schema": result}}},
                "default": {"description": "An error: code, reason with params, message, fields", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
            },
            "x-cora-mutating": c.mutating,
            "x-cora-company-scoped": c.company_scoped,
        });
        if c.access == Access::Public {
            op["security"] = json!([]);
        }
        paths.insert(format!("/v1/commands/{}", c.name), json!({"post": op}));
    }
    paths.insert(
        "/v1/health".into(),
        json!({"get": {"operationId": "health", "summary": "The server is up", "security": [], "responses": {"200": {"description": "ok"}}}}),
    );
    paths.insert(
        "/v1/openapi.json".into(),
        json!({"get": {"operationId": "openapi", "summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Cora local HTTP API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every Cora command over HTTP on 127.0.0.1. Authenticate with `Authorization: Bearer <API token>` (create one with auth.create_api_token or in the app). Errors carry the same {code, reason, params, message, fields} as the app and the CLI; the HTTP status follows the code (validation 422, not_found 404, forbidden 403, unauthenticated 401, conflict 409, throttled 429, internal 500; a body too large 413)."
        },
        "servers": [{"url": format!("http://127.0.0.1:{port}")}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token (cora_pat_…) or a session token"}},
            "schemas": components
        }
    })
}

/// Moves `schema`'s `$defs` into `components` and points its `$ref`s there; returns the
/// schema without `$schema` and `$defs`.
fn hoist(mut schema: Value, components: &mut Map<String, Value>) -> Value {
    let defs = schema.as_object_mut().and_then(|o| {
        o.remove("$schema");
        o.remove("$defs")
    });
    let defs: Vec<(String, Value)> = match defs {
        Some(Value::Object(d)) => d.into_iter().collect(),
        _ => Vec::new(),
    };
    let mut renames: BTreeMap<String, String> = defs.iter().map(|(n, _)| (n.clone(), n.clone())).collect();
    // The same definition is shared; a name another command defines differently gets a
    // suffix (and the definitions naming it change with it, so they are compared again).
    loop {
        let rewritten: Vec<(String, Value)> = defs
            .iter()
            .map(|(n, d)| {
                let mut d = d.clone();
                rewrite_refs(&mut d, &renames);
                (n.clone(), d)
            })
            .collect();
        let mut changed = false;
        for (n, d) in &rewritten {
            let target = &renames[n];
            if components.get(target).is_some_and(|e| e != d) {
                let mut k = 2;
                while components.get(&format!("{n}_{k}")).is_some_and(|e| e != d) {
                    k += 1;
                }
                renames.insert(n.clone(), format!("{n}_{k}"));
                changed = true;
            }
        }
        if !changed {
            for (n, d) in rewritten {
                components.entry(renames[&n].clone()).or_insert(d);
            }
            break;
        }
    }
    rewrite_refs(&mut schema, &renames);
    schema
}

fn rewrite_refs(v: &mut Value, renames: &BTreeMap<String, String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get_mut("$ref")
                && let Some(name) = r.strip_prefix("#/$defs/")
            {
                let name = renames.get(name).cloned().unwrap_or_else(|| name.to_string());
                *r = format!("#/components/schemas/{name}");
            }
            for x in o.values_mut() {
                rewrite_refs(x, renames);
            }
        }
        Value::Array(a) => {
            for x in a {
                rewrite_refs(x, renames);
            }
        }
        _ => {}
    }
}
