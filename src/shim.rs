//! The shims: `go` and `gofmt` in `<groot_home>/shims` are links to the groot binary itself.
//! `main` looks at the file stem of `argv[0]` before anything else; for a shim name it builds
//! a [`Host`], runs [`crate::select::select`] and replaces itself with the selected toolchain's
//! command ([`launch`], then [`exec`]). No argument parsing, no network, no configuration
//! beyond what selection reads.
//!
//! The selected go gets the caller's environment with three changes at most:
//!
//! * `GROOT_SHIM_DEPTH` counts nested shims; past [`MAX_DEPTH`] the shim refuses to run, which
//!   stops a loop (a selected `bin/go` that is a script calling `go` again). A selected binary
//!   that *is* the shim (the same file) is refused at once;
//! * `GOROOT`, when the environment has one that is not the selected toolchain's root, is set
//!   to that root for this command: a stale export must not pair one Go's `go` command with
//!   another Go's standard library;
//! * `GOTOOLCHAIN=local` when `GROOT_LOCAL_TOOLCHAIN=1` asks for it and GOTOOLCHAIN is not
//!   already in the environment.
//!
//! With nothing selected (or the request `system`), the shim runs the next `go` on PATH that
//! is not a groot shim.
//!
//! On Unix the shim `exec`s; on Windows it spawns the command, waits and exits with its code.

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};

use crate::env_vars;
use crate::host::Host;
use crate::resolve::lookpath::{self, Style, Verdict};
use crate::select::{self, Installed, SelectError, Selection};

/// The commands groot provides shims for.
pub const TOOLS: [&str; 2] = ["go", "gofmt"];

/// Every environment variable the shim's path reads (selection, the store, PATH lookup, the
/// child's environment). `main` gives the shim a [`Host`] holding only these
/// ([`Host::real_only`]): the environment is not copied, and the selected go gets the
/// inherited one. Debug builds panic on a read of any other variable, so tests catch a
/// missing name.
pub const VARS: &[&str] = &[
    env_vars::GROOT_GO_VERSION,
    env_vars::GROOT_HOME,
    env_vars::GROOT_SHIM_DEPTH,
    env_vars::GROOT_LOCAL_TOOLCHAIN,
    env_vars::GOROOT,
    env_vars::GOTOOLCHAIN,
    env_vars::GOWORK,
    env_vars::XDG_DATA_HOME,
    env_vars::HOME,
    env_vars::USERPROFILE,
    env_vars::LOCALAPPDATA,
    env_vars::PATH,
    env_vars::PATHEXT,
    env_vars::TMPDIR,
    "TMP",
    "TEMP",
];

/// How many shims may run nested inside each other before the shim calls it a loop. Real
/// nesting (`go generate` running a program that runs `go`) stays far below this.
pub const MAX_DEPTH: u32 = 16;

/// The tool a shim invocation stands for, judged by the file stem of `argv[0]` (`go`,
/// `/x/shims/gofmt`, `go.exe`).
pub fn tool_of_argv0(arg0: &OsStr) -> Option<&'static str> {
    let stem = Path::new(arg0).file_stem()?;
    let stem = stem.to_str()?;
    TOOLS
        .iter()
        .copied()
        .find(|t| *t == stem || (cfg!(windows) && t.eq_ignore_ascii_case(stem)))
}

/// `<groot_home>/shims`.
pub fn shim_dir(host: &Host) -> Option<PathBuf> {
    crate::home::Layout::of(host).map(|l| l.shims())
}

/// The shim file of one tool.
pub fn shim_path(host: &Host, dir: &Path, tool: &str) -> PathBuf {
    dir.join(format!("{tool}{}", host.os().exe_suffix()))
}

/// True when `path` (a logical path, e.g. a PATH lookup result) is one of groot's shims: it
/// sits in the shim directory, or is the same file as a shim there.
pub fn is_shim(host: &Host, path: &Path) -> bool {
    let Some(dir) = shim_dir(host) else {
        return false;
    };
    let abs = host.absolute(path);
    if crate::fs::dir(&abs) == crate::fs::clean(&dir) {
        return true;
    }
    let Some(name) = abs.file_name() else {
        return false;
    };
    let in_dir = dir.join(name);
    host.fs().exists(&in_dir) && host.fs().same_file(&abs, &in_dir)
}

/// Why a shim cannot run its command.
#[derive(Debug, thiserror::Error)]
pub enum ShimError {
    #[error(transparent)]
    Select(#[from] SelectError),
    #[error("no Go is selected here and there is no other {tool} on PATH")]
    NothingToRun {
        tool: String,
        /// A `tool` in a relative or empty PATH entry (`.`), which the shim does not run.
        relative: Option<PathBuf>,
    },
    #[error("{toolchain} has no {tool} ({path})")]
    MissingTool {
        tool: String,
        toolchain: String,
        path: PathBuf,
    },
    #[error("the selected {tool} ({path}) is groot's own shim")]
    SelfLoop { tool: String, path: PathBuf },
    #[error("groot shims are nested {depth} deep ({var}={depth}): the selected go seems to call the shim again")]
    TooDeep { depth: u32, var: &'static str },
    #[error("cannot run {path}: {source}")]
    Exec {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl ShimError {
    /// The exit status a shim ends with: 127 when there is nothing to run (as a shell's
    /// "command not found"), 126 when something was found but cannot be run.
    pub fn exit_code(&self) -> u8 {
        match self {
            ShimError::Select(SelectError::Invalid { .. }) => 126,
            ShimError::Select(_) | ShimError::NothingToRun { .. } => 127,
            ShimError::MissingTool { .. } => 127,
            ShimError::SelfLoop { .. } | ShimError::TooDeep { .. } | ShimError::Exec { .. } => 126,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            ShimError::Select(e) => e.hint(),
            ShimError::NothingToRun {
                relative: Some(p), ..
            } => Some(format!(
                "{} is in a relative PATH entry; groot does not run a go found through one \
                 (as Go's own exec.LookPath refuses it). Install one with `groot install \
                 VERSION`, then `groot use VERSION`",
                p.display()
            )),
            ShimError::NothingToRun { .. } => Some(
                "install one with `groot install VERSION`, then `groot use VERSION`".to_owned(),
            ),
            ShimError::SelfLoop { .. } | ShimError::TooDeep { .. } => Some(
                "check the toolchain with `groot which go -v`; its bin/go must be a real go"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}

/// What a shim is about to run.
#[derive(Clone, Debug)]
pub struct Launch {
    /// The physical path to execute.
    pub program: PathBuf,
    /// Variables to set (`Some`) or remove (`None`) in the child.
    pub env: Vec<(OsString, Option<OsString>)>,
    pub selection: Selection,
}

/// The depth of shims above this process.
fn depth(host: &Host) -> u32 {
    host.var(env_vars::GROOT_SHIM_DEPTH)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// True when the user asked for `GOTOOLCHAIN=local` on managed toolchains.
pub fn local_toolchain_requested(host: &Host) -> bool {
    matches!(
        host.var(env_vars::GROOT_LOCAL_TOOLCHAIN).map(str::trim),
        Some("1" | "true" | "yes" | "on")
    )
}

/// The environment changes a selected toolchain runs with (see the module docs), without
/// the depth counter.
pub fn child_env(host: &Host, t: &Installed) -> Vec<(OsString, Option<OsString>)> {
    let mut env = Vec::new();
    if let Some(g) = host.var_os(env_vars::GOROOT).filter(|g| !g.is_empty()) {
        if !host.fs().same_file(Path::new(g), &t.root) {
            env.push((
                OsString::from(env_vars::GOROOT),
                Some(t.root.clone().into_os_string()),
            ));
        }
    }
    if local_toolchain_requested(host) && host.var_nonempty(env_vars::GOTOOLCHAIN).is_none() {
        env.push((
            OsString::from(env_vars::GOTOOLCHAIN),
            Some(OsString::from("local")),
        ));
    }
    env
}

/// The host as the selected go sees it (for predictions).
pub fn child_host(host: &Host, t: &Installed) -> Host {
    let mut h = host.clone();
    for (k, v) in child_env(host, t) {
        h = match v {
            Some(v) => h.with_var(k, v),
            None => h.without_var(k),
        };
    }
    h
}

/// Decides what the shim for `tool` runs. `self_exe` is the running binary (to refuse running
/// itself).
pub fn launch(host: &Host, tool: &str, self_exe: Option<&Path>) -> Result<Launch, ShimError> {
    let d = depth(host);
    if d >= MAX_DEPTH {
        return Err(ShimError::TooDeep {
            depth: d,
            var: env_vars::GROOT_SHIM_DEPTH,
        });
    }
    let (selection, selected_go) = select::select_with_go(host, &select::Options::default())?;
    let fs = host.fs();
    let (logical, mut env) = match &selection.toolchain {
        Some(t) => {
            let bin = t.bin(host, tool);
            // Selection read `bin/go` (symlinks followed) to find the toolchain runnable:
            // one `stat` of the file to run, not three.
            let meta = match selected_go.filter(|_| tool == "go") {
                Some(m) => Some(m),
                None => fs.metadata(&bin).ok(),
            };
            let Some(meta) = meta.filter(|m| m.is_file()) else {
                return Err(ShimError::MissingTool {
                    tool: tool.to_owned(),
                    toolchain: t.name.clone(),
                    path: bin,
                });
            };
            if let Some(me) = self_exe {
                if is_this_binary(fs, &bin, &meta, me) {
                    return Err(ShimError::SelfLoop {
                        tool: tool.to_owned(),
                        path: bin,
                    });
                }
            }
            (bin, child_env(host, t))
        }
        // Not this binary: the lookup skipped that.
        None => (next_on_path(host, tool, self_exe)?, Vec::new()),
    };
    let program = fs.to_real(&logical);
    env.push((
        OsString::from(env_vars::GROOT_SHIM_DEPTH),
        Some(OsString::from((d + 1).to_string())),
    ));
    Ok(Launch {
        program,
        env,
        selection,
    })
}

/// Whether the file at logical `path`, whose metadata (symlinks followed) is `meta`, is the
/// running binary `me`. On the real filesystem the metadata says (device and inode); below a
/// root prefix the physical path is what exec runs, so it is compared instead.
fn is_this_binary(fs: &crate::fs::Fs, path: &Path, meta: &std::fs::Metadata, me: &Path) -> bool {
    match crate::fs::file_id_of(meta).filter(|_| fs.root().is_none()) {
        Some(id) => crate::fs::file_id(me) == Some(id),
        None => crate::fs::same_physical_file(&fs.to_real(path), me),
    }
}

/// The first `tool` on PATH that is not a groot shim (nor this binary). Relative and empty
/// PATH entries are skipped, as Go's `exec.LookPath` skips them (`ErrDot`): a shim must not
/// run a `go` planted in whatever directory the user happens to be in.
pub fn next_on_path(
    host: &Host,
    tool: &str,
    self_exe: Option<&Path>,
) -> Result<PathBuf, ShimError> {
    let found = lookpath::lookup(host, tool, Style::Go, None);
    let usable = |c: &&lookpath::Candidate| {
        !is_shim(host, &c.absolute)
            && !self_exe.is_some_and(|me| {
                crate::fs::same_physical_file(&host.fs().to_real(&c.absolute), me)
            })
    };
    if let Some(c) = found
        .candidates
        .iter()
        .filter(|c| c.verdict == Verdict::Executable)
        .find(usable)
    {
        return Ok(c.absolute.clone());
    }
    Err(ShimError::NothingToRun {
        tool: tool.to_owned(),
        relative: found
            .candidates
            .iter()
            .filter(|c| c.verdict == Verdict::RelativeEntry)
            .find(usable)
            .map(|c| c.path.clone()),
    })
}

/// Runs a launch with `args`. On Unix this replaces the process and returns only on failure;
/// on Windows it waits and returns the child's exit code.
///
/// On Unix the environment changes are made to this process's own environment
/// (`std::env::set_var`) and the command execs with it as it is: nothing copies the
/// environment (a `Command` with changes would copy all of it into a map and back). Call it
/// only while this process has one thread, as the shim and `groot exec` do.
pub fn exec<I, S>(program: &Path, args: I, env: &[(OsString, Option<OsString>)]) -> io::Result<i32>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        for (k, v) in env {
            match v {
                Some(v) => std::env::set_var(k, v),
                None => std::env::remove_var(k),
            }
        }
        Err(cmd.exec())
    }
    #[cfg(not(unix))]
    {
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        ignore_console_interrupts();
        let status = cmd.status()?;
        Ok(status.code().unwrap_or(1))
    }
}

/// Windows has no exec: groot waits for the child. Ctrl-C (and Ctrl-Break) go to every process
/// attached to the console, so `go` gets the event itself and decides (a `go test` prints
/// what failed, then exits); groot must only not die first, leaving the child running behind
/// a prompt. ctrlc's handler answers "handled" and does nothing else. Unlike
/// `SetConsoleCtrlHandler(NULL, TRUE)`, a handler is not inherited, so the child keeps the
/// default reaction. groot then exits with the child's code (0xC000013A after a Ctrl-C).
#[cfg(not(unix))]
fn ignore_console_interrupts() {
    // An error means a handler is already installed (the CLI's progress bar): that one exits,
    // but never while a child runs.
    let _ = ctrlc::set_handler(|| {});
}

/// This running binary, as a path to compare files with: `/proc/self/exe` on Linux (a
/// `stat` of it is a `stat` of the binary, one call instead of reading the link), else
/// [`std::env::current_exe`].
fn self_exe() -> Option<PathBuf> {
    if cfg!(target_os = "linux") {
        Some(PathBuf::from("/proc/self/exe"))
    } else {
        std::env::current_exe().ok()
    }
}

/// The shim's whole job: select, then exec. Returns only when it cannot run the command
/// (Unix) or when the command has finished (Windows, `Ok(code)`).
pub fn run(
    host: &Host,
    tool: &str,
    args: impl Iterator<Item = OsString>,
) -> Result<i32, ShimError> {
    let me = self_exe();
    let l = launch(host, tool, me.as_deref())?;
    exec(&l.program, args, &l.env).map_err(|source| ShimError::Exec {
        path: l.program.clone(),
        source,
    })
}

/// What [`ensure_shims`] did to one shim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShimChange {
    Created(PathBuf),
    Replaced(PathBuf),
}

/// Makes `<groot_home>/shims/{go,gofmt}` point at `exe` (the groot binary): symlinks on Unix
/// (so upgrading groot in place keeps them right), hard links or copies on Windows.
/// Idempotent: shims that already resolve to `exe` are left alone.
pub fn ensure_shims(host: &Host, exe: &Path) -> io::Result<Vec<ShimChange>> {
    let dir = shim_dir(host)
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "groot has no home directory"))?;
    let real_dir = host.fs().to_real(&dir);
    if let Some(home) = crate::home::groot_home(host) {
        let user_home = host.home().map(|h| host.fs().to_real(&h));
        crate::home::claim_home(&host.fs().to_real(&home), user_home.as_deref())
            .map_err(io::Error::other)?;
    }
    std::fs::create_dir_all(&real_dir)?;
    let mut changes = Vec::new();
    for tool in TOOLS {
        let logical = shim_path(host, &dir, tool);
        let path = host.fs().to_real(&logical);
        let existing = std::fs::symlink_metadata(&path).is_ok();
        if existing && same_file::is_same_file(&path, exe).unwrap_or(false) {
            continue;
        }
        let tmp = real_dir.join(format!(".{tool}.tmp{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        make_link(exe, &tmp)?;
        if let Err(e) = std::fs::rename(&tmp, &path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        changes.push(if existing {
            ShimChange::Replaced(logical)
        } else {
            ShimChange::Created(logical)
        });
    }
    Ok(changes)
}

#[cfg(unix)]
fn make_link(exe: &Path, at: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(exe, at)
}

#[cfg(not(unix))]
fn make_link(exe: &Path, at: &Path) -> io::Result<()> {
    std::fs::hard_link(exe, at).or_else(|_| std::fs::copy(exe, at).map(|_| ()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Os;

    #[test]
    fn argv0_names() {
        assert_eq!(tool_of_argv0(OsStr::new("go")), Some("go"));
        assert_eq!(tool_of_argv0(OsStr::new("/h/shims/gofmt")), Some("gofmt"));
        assert_eq!(tool_of_argv0(OsStr::new("go.exe")), Some("go"));
        assert_eq!(tool_of_argv0(OsStr::new("groot")), None);
        assert_eq!(tool_of_argv0(OsStr::new("go1.22.10")), None);
        assert_eq!(tool_of_argv0(OsStr::new("gopls")), None);
    }

    #[test]
    fn depth_guard_and_local_toolchain() {
        let h = Host::fake("/nonexistent", Os::Linux)
            .with_var("HOME", "/home/u")
            .with_var(env_vars::GROOT_SHIM_DEPTH, MAX_DEPTH.to_string());
        assert!(matches!(
            launch(&h, "go", None),
            Err(ShimError::TooDeep { .. })
        ));
        let h = Host::fake("/nonexistent", Os::Linux)
            .with_var(env_vars::GROOT_LOCAL_TOOLCHAIN, "1")
            .with_var(env_vars::GOROOT, "/usr/local/go");
        let t = Installed {
            name: "go1.22.10".into(),
            root: "/g/toolchains/go1.22.10".into(),
            version: crate::version::Version::parse("1.22.10"),
            linked: false,
        };
        let env = child_env(&h, &t);
        assert!(env.contains(&("GOTOOLCHAIN".into(), Some("local".into()))));
        assert!(env.contains(&("GOROOT".into(), Some("/g/toolchains/go1.22.10".into()))));
        let h = h.with_var("GOTOOLCHAIN", "auto");
        assert!(
            !child_env(&h, &t).iter().any(|(k, _)| k == "GOTOOLCHAIN"),
            "an explicit GOTOOLCHAIN wins"
        );
    }
}
