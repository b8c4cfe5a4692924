//! JavaScriptCore's collector in WebKitGTK's web process (Linux only).
//!
//! JavaScriptCore collects generationally: an eden collection promotes every object alive
//! at that moment to the old generation, which only a full collection frees, and a full
//! collection comes only once the old generation has grown large. A list that fetches
//! pages as the user scrolls and drops those far behind (ui/src/lib/ui/pages.ts) has
//! each page alive at some eden collection, so the pages it dropped piled up in the old
//! generation (7 → 21 MiB 10,000 rows in, no full collection; the web process +33 MiB,
//! docs/benchmarks/desktop.md). Cora's page holds little (about 9 MiB alive), so a full
//! collection every time costs a few milliseconds and frees dropped pages at the next one.
//! WebKitGTK has no call to collect from the app, and its memory-pressure settings are
//! fixed when its web context is made (by wry, not here); JavaScriptCore reads its options
//! from `JSC_*` variables in the web process's environment, which it inherits from us.
//! A `JSC_useGenerationalGC` the user sets always wins.

use std::ffi::OsStr;

const VAR: &str = "JSC_useGenerationalGC";

/// The value to set, or None to leave the environment as it is (the user chose).
pub fn decide(user: Option<&OsStr>) -> Option<&'static str> {
    if user.is_some() { None } else { Some("false") }
}

/// Sets JSC_useGenerationalGC=false for the web process. Call first thing in main,
/// before any thread starts (the web process inherits the environment).
pub fn configure() {
    if !cfg!(target_os = "linux") {
        return;
    }
    if let Some(v) = decide(std::env::var_os(VAR).as_deref()) {
        // SAFETY: called at the start of main, while the process has a single thread.
        unsafe { std::env::set_var(VAR, v) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_collections_unless_the_user_set_the_variable() {
        assert_eq!(decide(None), Some("false"));
        assert_eq!(decide(Some(OsStr::new("true"))), None);
        assert_eq!(decide(Some(OsStr::new("1"))), None);
    }
}
