//! Users, passwords, sessions and sign-in.
//!
//! Invariants:
//! - A password is stored only as an argon2id PHC string (m=19 MiB, t=2, p=1 or
//!   stronger); no plaintext password is ever logged, audited or stored.
//! - Emails are unique without regard to case (`email_key` is the trimmed, lower-cased
//!   address).
//! - An unknown email and a wrong password give the same error and cost the same work.
//! - After 5 failed sign-ins for one email within 15 minutes, that email is refused for
//!   15 minutes from the last of them, without the hash being checked; the error's
//!   `retry_after_secs` is exactly the time left.
//! - A session token is stored only as its SHA-256; sessions of a deactivated user or
//!   of a reset password end at once.
//! - There is always at least one active superuser once the file is set up.

pub mod commands;
pub mod model;
pub mod password;
pub mod repo;
pub mod service;
