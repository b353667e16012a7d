//! The catalog of checks: each code of `SCENARIOS.md` (and a few more), its area, typical
//! severity, and the pure function `fn(&Facts) -> Vec<Finding>` that looks for it.
//!
//! One file per area: [`goroot`], [`path`], [`toolchain`], [`settings`], [`startup`],
//! [`installs`]. Helpers shared by several checks live here.

pub mod goroot;
pub mod installs;
pub mod path;
pub mod settings;
pub mod startup;
pub mod toolchain;

#[cfg(all(test, unix))]
mod tests;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::discovery::Install;
use crate::shell::startup::simulate::{Effect, EffectKind};
use crate::shell::{quote, ShellKind};
use crate::version::Version;

use super::facts::Facts;
use super::finding::{Finding, Severity};

/// A part of the setup, for grouping the human report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Which go PATH finds.
    Path,
    /// GOROOT and the tree.
    Goroot,
    /// Toolchain selection, version, architecture.
    Toolchain,
    /// Go settings, caches, cgo.
    Settings,
    /// Shell startup files and launch contexts.
    Startup,
    /// Installations and their packages.
    Installs,
}

impl Area {
    pub const ALL: [Area; 6] = [
        Area::Path,
        Area::Goroot,
        Area::Toolchain,
        Area::Settings,
        Area::Startup,
        Area::Installs,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Area::Path => "go on PATH",
            Area::Goroot => "GOROOT",
            Area::Toolchain => "toolchain",
            Area::Settings => "go settings",
            Area::Startup => "shell startup",
            Area::Installs => "installations",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Path => "path",
            Area::Goroot => "goroot",
            Area::Toolchain => "toolchain",
            Area::Settings => "settings",
            Area::Startup => "startup",
            Area::Installs => "installs",
        }
    }
}

/// One check of the catalog.
#[derive(Clone, Copy, Debug)]
pub struct Check {
    pub code: &'static str,
    pub area: Area,
    /// The severity it usually reports with (some findings are raised or lowered).
    pub severity: Severity,
    /// What it looks for.
    pub title: &'static str,
    pub run: fn(&Facts) -> Vec<Finding>,
}

macro_rules! check {
    ($code:literal, $area:ident, $sev:ident, $title:literal, $f:path) => {
        Check {
            code: $code,
            area: Area::$area,
            severity: Severity::$sev,
            title: $title,
            run: $f,
        }
    };
}

/// Every check, in report order.
pub const CHECKS: &[Check] = &[
    check!(
        "go-not-on-path",
        Path,
        Error,
        "no go on PATH while Go is installed",
        path::go_not_on_path
    ),
    check!(
        "path-shadowed-go",
        Path,
        Warning,
        "several go on PATH; the first one wins",
        path::path_shadowed_go
    ),
    check!(
        "path-unsafe-entry",
        Path,
        Warning,
        "PATH has '.', empty, relative or world-writable entries",
        path::path_unsafe_entry
    ),
    check!(
        "gobin-not-on-path",
        Path,
        Warning,
        "GOBIN ($GOPATH/bin) is not on PATH",
        path::gobin_not_on_path
    ),
    check!(
        "cwd-deleted",
        Goroot,
        Error,
        "the current directory was deleted, so every go command fails",
        goroot::cwd_deleted
    ),
    check!(
        "goroot-env-missing",
        Goroot,
        Error,
        "GOROOT names a directory that does not exist",
        goroot::goroot_env_missing
    ),
    check!(
        "goroot-env-not-a-goroot",
        Goroot,
        Error,
        "GOROOT names a directory without pkg/tool",
        goroot::goroot_env_not_a_goroot
    ),
    check!(
        "goroot-version-mismatch",
        Goroot,
        Error,
        "GOROOT holds another Go version than the go that runs",
        goroot::goroot_version_mismatch
    ),
    check!(
        "goroot-goenv-file",
        Goroot,
        Warning,
        "GOROOT is set in the user go env file",
        goroot::goroot_goenv_file
    ),
    check!(
        "homebrew-cellar-pinned",
        Goroot,
        Warning,
        "GOROOT names a versioned Homebrew Cellar path",
        goroot::homebrew_cellar_pinned
    ),
    check!(
        "goroot-unsafe-permissions",
        Goroot,
        Warning,
        "the Go tree in use can be changed by other users",
        goroot::goroot_unsafe_permissions
    ),
    check!(
        "goroot-incomplete",
        Goroot,
        Error,
        "the Go tree lacks parts a working install has",
        goroot::goroot_incomplete
    ),
    check!(
        "go-binary-detached",
        Goroot,
        Error,
        "the go binary was copied out of its tree",
        goroot::go_binary_detached
    ),
    check!(
        "toolchain-switch",
        Toolchain,
        Info,
        "go.mod, go.work or GOTOOLCHAIN switch to another toolchain",
        toolchain::toolchain_switch
    ),
    check!(
        "toolchain-too-old",
        Toolchain,
        Error,
        "go.mod needs a newer Go and switching is off",
        toolchain::toolchain_too_old
    ),
    check!(
        "arch-mismatch",
        Toolchain,
        Warning,
        "go is built for another architecture or OS than the machine",
        toolchain::arch_mismatch
    ),
    check!(
        "go-unsupported-version",
        Toolchain,
        Warning,
        "the Go in use is older than the two newest releases",
        toolchain::go_unsupported_version
    ),
    check!(
        "go-update-available",
        Toolchain,
        Info,
        "a newer patch release of the Go in use exists",
        toolchain::go_update_available
    ),
    check!(
        "toolchain-vulnerable",
        Toolchain,
        Warning,
        "a go some context runs has known vulnerabilities (Go vulnerability database)",
        toolchain::toolchain_vulnerable
    ),
    check!(
        "goenv-config-invalid",
        Settings,
        Warning,
        "the go env file cannot be used as intended",
        settings::goenv_config_invalid
    ),
    check!(
        "gopath-is-goroot",
        Settings,
        Warning,
        "GOPATH is GOROOT or inside it",
        settings::gopath_is_goroot
    ),
    check!(
        "insecure-go-env",
        Settings,
        Warning,
        "module downloads are not verified",
        settings::insecure_go_env
    ),
    check!(
        "modcache-not-writable",
        Settings,
        Error,
        "the module or build cache is not writable",
        settings::modcache_not_writable
    ),
    check!(
        "cgo-toolchain-missing",
        Settings,
        Error,
        "cgo is on but there is no working C compiler",
        settings::cgo_toolchain_missing
    ),
    check!(
        "startup-context-gap",
        Startup,
        Warning,
        "some launch contexts get another go, or none",
        startup::startup_context_gap
    ),
    check!(
        "paths-d-stale",
        Startup,
        Warning,
        "/etc/paths.d names a missing or older Go",
        startup::paths_d_stale
    ),
    check!(
        "multiple-managers",
        Startup,
        Warning,
        "several Go version managers are set up",
        startup::multiple_managers
    ),
    check!(
        "envrc-blocked",
        Startup,
        Warning,
        "direnv blocks an .envrc that sets Go variables",
        startup::envrc_blocked
    ),
    check!(
        "install-half-finished",
        Installs,
        Warning,
        "an install is missing its go binary, files or completion marker",
        installs::install_half_finished
    ),
    check!(
        "install-unverified",
        Installs,
        Warning,
        "a groot install whose archive was never checked against a hash",
        installs::install_unverified
    ),
    check!(
        "default-current-mismatch",
        Installs,
        Warning,
        "groot's default and its `current` link name different Go",
        installs::default_current_mismatch
    ),
    check!(
        "install-modified",
        Installs,
        Warning,
        "files of a packaged Go differ from the package",
        installs::install_modified
    ),
    check!(
        "install-signature-invalid",
        Installs,
        Warning,
        "a macOS go binary has a broken code signature",
        installs::install_signature_invalid
    ),
];

/// The check with this code.
pub fn find(code: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.code == code)
}

// ---- helpers shared by the checks ----

/// Effects of startup files (any context) on `var`, without repeats.
pub(crate) fn shell_lines<'f>(f: &'f Facts, var: &'f str) -> Vec<&'f Effect> {
    let Some(sh) = &f.shell else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for p in &sh.predictions {
        for st in &p.stages {
            let Some(sim) = &st.simulation else { continue };
            for e in sim.effects_on(var) {
                if matches!(
                    e.kind,
                    EffectKind::Set { .. } | EffectKind::Export | EffectKind::Unset
                ) && seen.insert((e.file.clone(), e.line))
                {
                    out.push(e);
                }
            }
        }
    }
    out
}

/// The manager hook that runs at `file:line` in any context's startup, if one does.
pub(crate) fn hook_at(
    f: &Facts,
    file: &Path,
    line: usize,
) -> Option<crate::shell::startup::managers::Hook> {
    let sh = f.shell.as_ref()?;
    sh.predictions
        .iter()
        .flat_map(|p| &p.stages)
        .filter_map(|st| st.simulation.as_ref())
        .flat_map(|sim| &sim.effects)
        .find_map(|e| match &e.kind {
            EffectKind::Hook { hook, .. } if e.file == file && e.line == line => Some(hook.clone()),
            _ => None,
        })
}

/// The direnv load whose `.envrc` made this effect at a prompt, if one did.
pub(crate) fn envrc_of<'f>(
    f: &'f Facts,
    e: &Effect,
) -> Option<&'f crate::shell::startup::simulate::DirenvLoad> {
    f.shell
        .as_ref()?
        .predictions
        .iter()
        .flat_map(|p| &p.stages)
        .filter_map(|st| st.simulation.as_ref())
        .find(|sim| sim.from_envrc(e))
        .and_then(|sim| sim.direnv.as_ref())
}

/// `file:line` of an effect.
pub(crate) fn at(e: &Effect) -> String {
    format!("{}:{}", e.file.display(), e.line)
}

/// The user's shell, by `$SHELL`'s file name.
pub(crate) fn user_shell(f: &Facts) -> &str {
    f.env
        .get("SHELL")
        .and_then(|s| s.rsplit('/').next())
        .unwrap_or("sh")
}

/// The startup file to add a PATH line to, for the user's shell: one that login and
/// non-login shells of that kind read (or that the desktop session passes on).
pub(crate) fn startup_file(f: &Facts) -> Option<PathBuf> {
    let home = f.home.as_ref()?;
    let mac = f.os == crate::host::Os::MacOs;
    Some(match user_shell(f) {
        "zsh" if mac => home.join(".zprofile"),
        "zsh" => home.join(".zshenv"),
        "fish" => home.join(".config/fish/conf.d/go.fish"),
        // Login bash reads the first of ~/.bash_profile, ~/.bash_login and ~/.profile: a line
        // in ~/.profile is never read once one of the others exists.
        "bash" => bash_login_profile(f)
            .unwrap_or_else(|| home.join(if mac { ".bash_profile" } else { ".profile" })),
        _ => home.join(".profile"),
    })
}

/// The profile a login bash reads here, as the shell layer's simulations found it.
fn bash_login_profile(f: &Facts) -> Option<PathBuf> {
    f.shell
        .as_ref()?
        .predictions
        .iter()
        .find_map(|p| p.simulation()?.bash_login_profile().map(Path::to_path_buf))
}

/// The line that puts `dir` first on PATH in the user's shell.
pub(crate) fn path_line(f: &Facts, dir: &Path, prepend: bool) -> String {
    let d = dir.display().to_string();
    if user_shell(f) == "fish" {
        let d = quote::word(ShellKind::Fish, &d);
        if prepend {
            format!("fish_add_path --move --prepend {d}")
        } else {
            format!("fish_add_path --append {d}")
        }
    } else {
        let d = quote::in_double(ShellKind::Sh, &d);
        if prepend {
            format!("export PATH=\"{d}:$PATH\"")
        } else {
            format!("export PATH=\"$PATH:{d}\"")
        }
    }
}

/// The install a path belongs to (a `go` on PATH, a root).
pub(crate) fn install_at<'f>(f: &'f Facts, p: &Path) -> Option<&'f Install> {
    let inv = f.inventory.as_ref()?;
    inv.installs
        .iter()
        .find(|i| i.root == p || i.paths.iter().any(|x| x == p) || i.go.as_deref() == Some(p))
}

/// The version of the go that ends up running here.
pub(crate) fn running_version(f: &Facts) -> Option<Version> {
    let ex = &f.explanation;
    ex.go_version
        .as_deref()
        .and_then(Version::from_toolchain)
        .or_else(|| ex.binary.as_ref().and_then(|b| b.version.local()))
}
