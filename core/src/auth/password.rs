//! argon2id hashing and the password policy.

use crate::validate::Checker;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use std::sync::OnceLock;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 1024;

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the policy: 10 to 1024 characters, not the email itself.
pub fn check_policy(c: &mut Checker, field: &str, password: &str, email: &str) {
    let n = password.chars().count();
    if n < MIN_LEN {
        c.push(field, crate::FieldCode::TooShort.with("min", MIN_LEN));
    } else if n > MAX_LEN {
        c.push(field, crate::FieldCode::TooLong.with("max", MAX_LEN));
    } else if password.trim().eq_ignore_ascii_case(email.trim()) {
        c.push(field, crate::FieldCode::PasswordIsEmail);
    }
}

/// Hashes a password as an argon2id PHC string with a random salt.
pub fn hash(password: &str) -> crate::Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| crate::Error::Internal(format!("password hashing failed: {e}")))
}

/// True when `password` matches `phc`. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// Spends the same work as a real check, for sign-ins of unknown emails.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("cora-dummy-password-never-used").unwrap_or_default());
    let _ = verify(password, phc);
}
