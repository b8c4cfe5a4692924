use super::ctx::Ctx;
use crate::Result;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "permission", rename_all = "snake_case")]
pub enum Access {
    /// Anyone, signed in or not (only `auth.login`).
    Public,
    /// Any signed-in user, in no particular company.
    Authenticated,
    /// Installation administrators only.
    Superuser,
    /// A member of the company named in the call whose role grants this permission.
    /// Such commands are company-scoped.
    Permission(&'static str),
}

/// A permission as declared by a module: `<module>.<action>_<entity>`.
#[derive(Debug, Clone, Copy)]
pub struct PermissionSpec {
    pub codename: &'static str,
    pub description: &'static str,
    /// Built-in roles (besides Owner, which has every permission, and every role's
    /// `view_` permissions) that are granted this one.
    pub roles: &'static [&'static str],
}

type Handler = Box<dyn Fn(&mut Ctx<'_>, Value) -> Result<Value> + Send + Sync>;
type TsVisit = fn(&mut crate::bindings::TsCollector);

pub struct CommandSpec {
    pub name: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub mutating: bool,
    /// Commit even when the handler fails (login records its failures this way).
    pub(crate) persist_on_error: bool,
    /// Counts as the user's activity (keeps the session from ending for idleness).
    pub(crate) activity: bool,
    /// A mutating command appends an audit row (so the change feed sees it); false only
    /// for a user's own UI preferences, which are not business data.
    pub audited: bool,
    pub(crate) args_schema: fn() -> schemars::Schema,
    pub(crate) result_schema: fn() -> schemars::Schema,
    pub(crate) ts: TsVisit,
    pub(crate) handler: Handler,
}

impl CommandSpec {
    pub fn company_scoped(&self) -> bool {
        matches!(self.access, Access::Permission(_))
    }

    fn build<A, R, F>(name: &'static str, access: Access, mutating: bool, summary: &'static str, f: F) -> Self
    where
        A: DeserializeOwned + schemars::JsonSchema + ts_rs::TS + 'static,
        R: Serialize + schemars::JsonSchema + ts_rs::TS + 'static,
        F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
    {
        CommandSpec {
            name,
            summary,
            access,
            mutating,
            persist_on_error: false,
            activity: true,
            audited: true,
            args_schema: || schemars::schema_for!(A),
            result_schema: || schemars::schema_for!(R),
            ts: |c| c.command::<A, R>(),
            handler: Box::new(move |ctx, args| {
                let args: A = parse_args(args)?;
                let out = f(ctx, args)?;
                serde_json::to_value(out).map_err(|e| crate::Error::Internal(e.to_string()))
            }),
        }
    }

    /// A command that only reads.
    pub fn query<A, R, F>(name: &'static str, access: Access, summary: &'static str, f: F) -> Self
    where
        A: DeserializeOwned + schemars::JsonSchema + ts_rs::TS + 'static,
        R: Serialize + schemars::JsonSchema + ts_rs::TS + 'static,
        F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
    {
        Self::build(name, access, false, summary, f)
    }

    /// A command that writes; it is audited.
    pub fn mutation<A, R, F>(name: &'static str, access: Access, summary: &'static str, f: F) -> Self
    where
        A: DeserializeOwned + schemars::JsonSchema + ts_rs::TS + 'static,
        R: Serialize + schemars::JsonSchema + ts_rs::TS + 'static,
        F: Fn(&mut Ctx<'_>, A) -> Result<R> + Send + Sync + 'static,
    {
        Self::build(name, access, true, summary, f)
    }

    pub(crate) fn persisting_on_error(mut self) -> Self {
        self.persist_on_error = true;
        self
    }

    /// A mutation that writes no audit row: a user's own UI preferences, which are not
    /// business data (nobody answers for a grid layout) and must not raise change events.
    pub(crate) fn unaudited(mut self) -> Self {
        self.audited = false;
        self
    }

    /// A command the shell runs on its own (polling for changes): it does not keep the
    /// session alive.
    pub fn not_activity(mut self) -> Self {
        self.activity = false;
        self
    }
}

/// Turns JSON args into the typed args, reporting serde's complaint as a validation error.
pub(crate) fn parse_args<A: DeserializeOwned>(args: Value) -> Result<A> {
    // `null` or a missing body means "no args" for commands that take none. Anything else
    // must be an object: serde would otherwise read an array as positional fields.
    let args = match args {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => args,
        _ => {
            return Err(crate::Error::field("args", crate::FieldCode::Invalid.with("detail", "args must be a JSON object")));
        }
    };
    serde_json::from_value(args).map_err(|e| {
        // serde names the field of a missing or unknown arg between backquotes.
        let msg = e.to_string();
        let named = msg.split('`').nth(1).map(str::to_string);
        match named {
            Some(field) if msg.starts_with("missing field") => crate::Error::field(field, crate::FieldCode::Required),
            Some(field) if msg.starts_with("unknown field") => crate::Error::field(field, crate::FieldCode::UnknownField),
            _ => crate::Error::field("args", crate::FieldCode::Invalid.with("detail", msg)),
        }
    })
}

/// A command's public description, as `cora commands` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct CommandInfo {
    pub name: &'static str,
    pub summary: &'static str,
    pub access: Access,
    pub company_scoped: bool,
    pub mutating: bool,
    pub args_schema: serde_json::Value,
    pub result_schema: serde_json::Value,
}

/// Every command and permission Cora has.
pub struct Registry {
    commands: BTreeMap<&'static str, CommandSpec>,
    permissions: BTreeMap<&'static str, PermissionSpec>,
}

impl Registry {
    /// The registry with every module's commands.
    pub fn new() -> Self {
        let mut r = Registry { commands: BTreeMap::new(), permissions: BTreeMap::new() };
        crate::modules::register(&mut r);
        r.check();
        r
    }

    pub fn add_permissions(&mut self, perms: &[PermissionSpec]) {
        for p in perms {
            let prev = self.permissions.insert(p.codename, *p);
            assert!(prev.is_none(), "permission {} declared twice", p.codename);
        }
    }

    pub fn add(&mut self, spec: CommandSpec) {
        let prev = self.commands.insert(spec.name, spec);
        assert!(prev.is_none(), "command declared twice");
    }

    fn check(&self) {
        for c in self.commands.values() {
            if let Access::Permission(p) = c.access {
                assert!(self.permissions.contains_key(p), "command {} needs undeclared permission {p}", c.name);
            }
        }
        for p in self.permissions.keys() {
            let ok = p.split_once('.').is_some_and(|(m, a)| !m.is_empty() && a.contains('_'));
            assert!(ok, "permission {p} is not <module>.<action>_<entity>");
        }
    }

    pub fn get(&self, name: &str) -> Option<&CommandSpec> {
        self.commands.get(name)
    }

    pub fn commands(&self) -> impl Iterator<Item = &CommandSpec> {
        self.commands.values()
    }

    pub fn permissions(&self) -> impl Iterator<Item = &PermissionSpec> {
        self.permissions.values()
    }

    /// Every command with its JSON Schemas (each self-contained).
    pub fn describe(&self) -> Vec<CommandInfo> {
        self.commands
            .values()
            .map(|c| CommandInfo {
                name: c.name,
                summary: c.summary,
                access: c.access,
                company_scoped: c.company_scoped(),
                mutating: c.mutating,
                args_schema: serde_json::to_value((c.args_schema)()).unwrap_or_default(),
                result_schema: serde_json::to_value((c.result_schema)()).unwrap_or_default(),
            })
            .collect()
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

