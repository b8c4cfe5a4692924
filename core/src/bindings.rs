//! TypeScript types for the UI, generated from the Rust types of every command.
//!
//! `cora gen-types` writes `ui/src/lib/api/bindings.ts`; a test fails when the file in
//! the repository differs from what this produces, so the UI can never drift from core.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use ts_rs::{Config, TS, TypeVisitor};

/// Gathers every named type reachable from the commands' args and results.
pub struct TsCollector {
    cfg: Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
    commands: Vec<(String, String, String)>,
    current: Option<String>,
    /// Two Rust types that generate the same TypeScript name (one would hide the other).
    clashes: Vec<String>,
}

impl TypeVisitor for TsCollector {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let decl = format!("export {}", T::decl(&self.cfg));
        if let Some(old) = self.decls.insert(T::ident(&self.cfg), decl.clone())
            && old != decl
        {
            self.clashes.push(T::ident(&self.cfg));
        }
        T::visit_dependencies(self);
    }
}

impl TsCollector {
    pub(crate) fn command<A: TS + 'static, R: TS + 'static>(&mut self) {
        self.visit::<A>();
        self.visit::<R>();
        A::visit_dependencies(self);
        R::visit_dependencies(self);
        A::visit_generics(self);
        R::visit_generics(self);
        let name = self.current.clone().unwrap_or_default();
        self.commands.push((name, A::name(&self.cfg), R::name(&self.cfg)));
    }
}

/// The TypeScript names two different Rust types would both take (must be none: the
/// bindings keep one declaration per name, so the other commands would be mistyped).
pub fn name_clashes(registry: &crate::Registry) -> Vec<String> {
    collect(registry).clashes
}

/// The whole `bindings.ts` file.
pub fn typescript(registry: &crate::Registry) -> String {
    render(&collect(registry), registry)
}

fn collect(registry: &crate::Registry) -> TsCollector {
    let mut c = TsCollector {
        cfg: Config::new().with_large_int("number"),
        seen: HashSet::new(),
        decls: BTreeMap::new(),
        commands: Vec::new(),
        current: None,
        clashes: Vec::new(),
    };
    let error_body = <crate::ErrorBody as TS>::decl(&c.cfg);
    c.decls.insert("ErrorBody".into(), format!("export {error_body}"));
    c.visit::<crate::ErrorCode>();
    c.visit::<crate::Reason>();
    c.visit::<crate::FieldCode>();
    c.visit::<crate::FieldError>();
    c.visit::<crate::CompanyRef>();
    for spec in registry.commands() {
        c.current = Some(spec.name.to_string());
        (spec.ts)(&mut c);
    }
    c
}

fn render(c: &TsCollector, registry: &crate::Registry) -> String {
    let mut out = String::from(
        "// Generated from the Rust types by `cora gen-types`. Do not edit: CI fails when this file is stale.\n\n",
    );
    for decl in c.decls.values() {
        out.push_str(decl.trim_end());
        out.push_str("\n\n");
    }
    out.push_str("/** Every command: its args and result types. */\nexport interface Commands {\n");
    for (name, args, result) in &c.commands {
        out.push_str(&format!("  \"{name}\": {{ args: {args}; result: {result} }};\n"));
    }
    out.push_str("}\n\nexport type CommandName = keyof Commands;\n");
    out.push_str("\n/** Commands that run in a company (the call must name one). */\nexport const COMPANY_SCOPED: ReadonlySet<CommandName> = new Set<CommandName>([\n");
    for spec in registry.commands().filter(|s| s.company_scoped()) {
        out.push_str(&format!("  \"{}\",\n", spec.name));
    }
    out.push_str("]);\n\n/** The permission each company-scoped command needs. */\nexport const COMMAND_PERMISSION: Partial<Record<CommandName, string>> = {\n");
    for spec in registry.commands() {
        if let crate::command::Access::Permission(p) = spec.access {
            out.push_str(&format!("  \"{}\": \"{p}\",\n", spec.name));
        }
    }
    out.push_str("};\n");
    out
}
