//! Whether WebKitGTK composites the page (Linux only; Windows and macOS use their own
//! web views).
//!
//! Compositing keeps scrolling and animations smooth on a GPU, but when WebKit has no
//! GPU to draw with (no render node, or Mesa told to draw in software) it composites in
//! software, which costs about 95 MiB more memory with no smoother result measured (see
//! docs/benchmarks/desktop.md). So it is switched off then, and only then.
//! `WEBKIT_DISABLE_COMPOSITING_MODE` set by the user always wins: `1` switches it off,
//! `0` keeps it on (WebKit ignores the variable when it is "0").

use std::ffi::OsStr;

const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

#[derive(Debug, PartialEq, Eq)]
pub enum Compositing {
    /// The user set WEBKIT_DISABLE_COMPOSITING_MODE: left as it is.
    AsSet,
    /// A GPU to draw with: WebKit's default (compositing on).
    On,
    /// Software rendering: compositing off, and why.
    Off(&'static str),
}

/// The decision, from the user's setting, Mesa's software switches and whether any GPU
/// render node exists.
pub fn decide(user: Option<&OsStr>, libgl_software: Option<&OsStr>, gallium_driver: Option<&OsStr>, render_node: bool) -> Compositing {
    if user.is_some() {
        return Compositing::AsSet;
    }
    if libgl_software.is_some_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")) {
        return Compositing::Off("LIBGL_ALWAYS_SOFTWARE is set");
    }
    if gallium_driver.is_some_and(|v| ["llvmpipe", "softpipe", "swr"].iter().any(|s| v.eq_ignore_ascii_case(s))) {
        return Compositing::Off("GALLIUM_DRIVER names a software renderer");
    }
    if !render_node {
        return Compositing::Off("no GPU render node in /dev/dri");
    }
    Compositing::On
}

fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri")
        .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

/// Sets WEBKIT_DISABLE_COMPOSITING_MODE=1 for the web view when WebKit would composite in
/// software. Call first thing in main, before any thread starts (the web process inherits
/// the environment).
pub fn configure() -> Compositing {
    if !cfg!(target_os = "linux") {
        return Compositing::AsSet;
    }
    let var = |k: &str| std::env::var_os(k);
    let choice = decide(var(VAR).as_deref(), var("LIBGL_ALWAYS_SOFTWARE").as_deref(), var("GALLIUM_DRIVER").as_deref(), has_render_node());
    if let Compositing::Off(why) = &choice {
        // SAFETY: called at the start of main, while the process has a single thread.
        unsafe { std::env::set_var(VAR, "1") };
        eprintln!("cora: WebKit compositing off ({why}); set {VAR}=0 to keep it on");
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<&OsStr> {
        Some(OsStr::new(v))
    }

    #[test]
    fn compositing_is_off_only_in_software_and_the_user_setting_wins() {
        assert_eq!(decide(None, None, None, true), Compositing::On);
        assert!(matches!(decide(None, None, None, false), Compositing::Off(_)));
        assert!(matches!(decide(None, s("1"), None, true), Compositing::Off(_)));
        assert!(matches!(decide(None, s("true"), None, true), Compositing::Off(_)));
        assert_eq!(decide(None, s("0"), None, true), Compositing::On);
        assert_eq!(decide(None, s(""), None, true), Compositing::On);
        assert!(matches!(decide(None, None, s("llvmpipe"), true), Compositing::Off(_)));
        assert_eq!(decide(None, None, s("radeonsi"), true), Compositing::On);
        // WEBKIT_DISABLE_COMPOSITING_MODE set by the user, either way: left alone.
        assert_eq!(decide(s("0"), s("1"), None, false), Compositing::AsSet);
        assert_eq!(decide(s("1"), None, None, true), Compositing::AsSet);
    }
}
