//! Errors that cross the command boundary.
//!
//! Every failure a caller can see is an [`Error`] variant with a stable [`ErrorCode`]
//! (`validation`, `not_found`, `forbidden`, ...). Callers match the code, never the
//! message. Field-level problems travel in [`FieldError`]s so the UI can show each one
//! beside its field.

use serde::Serialize;
use std::fmt;

/// The stable codes of the wire format. Adding one is a breaking change for clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    NotFound,
    Forbidden,
    Unauthenticated,
    Conflict,
    Throttled,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Throttled => "throttled",
            ErrorCode::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct FieldError {
    /// The field's name as in the command's args (dotted for nested fields: `address.city`).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Validation { message: String, fields: Vec<FieldError> },

    #[error("{entity} {key} was not found")]
    NotFound { entity: &'static str, key: String },

    #[error("{0}")]
    Forbidden(String),

    #[error("{0}")]
    Unauthenticated(String),

    #[error("{message}")]
    Conflict { message: String, fields: Vec<FieldError> },

    #[error("too many failed sign-ins; try again in {} minute(s)", (retry_after_secs + 59) / 60)]
    Throttled { retry_after_secs: i64 },

    #[error("database error: {0}")]
    Database(#[source] rusqlite::Error),

    #[error("{0}")]
    Store(#[from] crate::store::StoreError),

    #[error("internal error: {0}")]
    Internal(String),

    /// A command panicked: a bug in Cora, caught by the dispatcher.
    #[error("{command} failed unexpectedly (a bug in Cora); nothing was changed")]
    Panic { command: &'static str },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation { .. } => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::Throttled { .. } => ErrorCode::Throttled,
            Error::Database(_) | Error::Store(_) | Error::Internal(_) | Error::Panic { .. } => ErrorCode::Internal,
        }
    }

    /// A validation error about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let fe = FieldError::new(field, message);
        Error::Validation { message: format!("{}: {}", fe.field, fe.message), fields: vec![fe] }
    }

    /// A validation error made of several field errors (none when `fields` is empty).
    pub fn from_fields(fields: Vec<FieldError>) -> Result<()> {
        if fields.is_empty() {
            return Ok(());
        }
        let message = fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ");
        Err(Error::Validation { message, fields })
    }

    pub fn not_found(entity: &'static str, key: impl fmt::Display) -> Self {
        Error::NotFound { entity, key: key.to_string() }
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        let fe = FieldError::new(field, message);
        Error::Conflict { message: fe.message.clone(), fields: vec![fe] }
    }

    pub fn conflict_msg(message: impl Into<String>) -> Self {
        Error::Conflict { message: message.into(), fields: vec![] }
    }

    pub fn fields(&self) -> &[FieldError] {
        match self {
            Error::Validation { fields, .. } | Error::Conflict { fields, .. } => fields,
            _ => &[],
        }
    }

    /// The body sent to clients. Internal details stay out of the message.
    pub fn to_body(&self) -> ErrorBody {
        // SQLite's own words and internal details stay out of what clients show; the
        // full text is in `Display` for logs (the CLI prints it as `detail`).
        let message = match self {
            Error::Database(_) | Error::Internal(_) => "something went wrong inside Cora; nothing was changed".to_string(),
            _ => self.to_string(),
        };
        ErrorBody {
            code: self.code(),
            message,
            fields: self.fields().to_vec(),
            retry_after_secs: match self {
                Error::Throttled { retry_after_secs } => Some(*retry_after_secs),
                _ => None,
            },
        }
    }
}

/// SQLite's constraint failures become the errors a user can act on: a UNIQUE
/// violation is a conflict, a foreign-key or CHECK violation is bad input (a reference
/// to a row that does not exist in this company). Everything else is internal.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        if let rusqlite::Error::SqliteFailure(f, msg) = &e
            && f.code == C::ConstraintViolation
        {
            let msg = msg.clone().unwrap_or_default();
            if msg.contains("UNIQUE") || msg.contains("PRIMARY KEY") {
                let field = msg.rsplit('.').next().unwrap_or("").trim_end_matches("_key").to_string();
                return Error::Conflict {
                    message: format!("a record with this {field} already exists"),
                    fields: vec![FieldError::new(field, "already exists")],
                };
            }
            if msg.contains("FOREIGN KEY") {
                return Error::Validation {
                    message: "a referenced record does not exist in this company".into(),
                    fields: vec![],
                };
            }
            if msg.contains("append-only") || msg.contains("immutable") {
                return Error::conflict_msg(msg);
            }
            return Error::Validation { message: format!("invalid data ({msg})"), fields: vec![] };
        }
        // Limits SQLite puts on input (a LIKE pattern, a string or blob) are bad input too.
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            let too_complex = msg.as_deref().is_some_and(|m| m.contains("pattern too complex"));
            if f.code == C::TooBig || too_complex {
                return Error::Validation { message: "a value is too long".into(), fields: vec![] };
            }
        }
        if let rusqlite::Error::QueryReturnedNoRows = e {
            return Error::Internal("expected a row, found none".into());
        }
        Error::Database(e)
    }
}

/// What a client receives for any failed command.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema, ts_rs::TS)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Vec<FieldError>,
    /// Seconds until a throttled sign-in may be tried again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub retry_after_secs: Option<i64>,
}
