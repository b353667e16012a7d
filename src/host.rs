//! The machine groot looks at, as one injected value.
//!
//! A [`Host`] holds a snapshot of the environment variables, the working directory, the OS and
//! architecture being modelled, a filesystem view ([`Fs`], which may be rooted below a temp dir
//! so tests can lay out `/usr/local/go` or `/etc/paths.d`), and a [`Runner`] for external
//! commands. Domain code receives a `&Host` and never reads the process environment or spawns
//! a process itself; [`Host::real`] is built once in `main`.

pub mod sysctl;

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::env_vars;
use crate::fs::Fs;

/// An operating system as Go names it (`GOOS`), with the behaviour groot models per OS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    #[serde(rename = "darwin")]
    MacOs,
    Windows,
    FreeBsd,
    OpenBsd,
    NetBsd,
    Other,
}

impl Os {
    /// The OS this binary was built for.
    pub fn current() -> Os {
        match std::env::consts::OS {
            "linux" => Os::Linux,
            "macos" => Os::MacOs,
            "windows" => Os::Windows,
            "freebsd" => Os::FreeBsd,
            "openbsd" => Os::OpenBsd,
            "netbsd" => Os::NetBsd,
            _ => Os::Other,
        }
    }

    /// Parses a `GOOS` name.
    pub fn from_goos(goos: &str) -> Option<Os> {
        Some(match goos {
            "linux" | "android" => Os::Linux,
            "darwin" | "macos" | "ios" => Os::MacOs,
            "windows" => Os::Windows,
            "freebsd" => Os::FreeBsd,
            "openbsd" => Os::OpenBsd,
            "netbsd" => Os::NetBsd,
            _ => return None,
        })
    }

    /// Go's name for the OS.
    pub fn goos(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::MacOs => "darwin",
            Os::Windows => "windows",
            Os::FreeBsd => "freebsd",
            Os::OpenBsd => "openbsd",
            Os::NetBsd => "netbsd",
            Os::Other => "unknown",
        }
    }

    /// The separator of PATH-like lists.
    pub fn list_separator(self) -> char {
        if self == Os::Windows {
            ';'
        } else {
            ':'
        }
    }

    /// The suffix of executables (`.exe` on Windows).
    pub fn exe_suffix(self) -> &'static str {
        if self == Os::Windows {
            ".exe"
        } else {
            ""
        }
    }

    pub fn is_unix(self) -> bool {
        self != Os::Windows
    }

    /// How many symlinks the kernel follows in one path lookup before `exec` fails with
    /// ELOOP, "too many levels of symbolic links": Linux's `MAXSYMLINKS` is 40, the BSDs' and
    /// macOS's 32; Windows stops after 63 reparse points.
    pub fn max_symlinks(self) -> usize {
        match self {
            Os::Linux | Os::Other => 40,
            Os::MacOs | Os::FreeBsd | Os::OpenBsd | Os::NetBsd => 32,
            Os::Windows => 63,
        }
    }
}

impl fmt::Display for Os {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.goos())
    }
}

/// Go's name (`GOARCH`) for the architecture this binary was built for.
pub fn current_goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "arm" => "arm",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        "loongarch64" => "loong64",
        "mips" => "mips",
        "mips64" => "mips64",
        other => other,
    }
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn effective_uid() -> Option<u32> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    Some(unsafe { libc::geteuid() })
}

#[cfg(not(unix))]
fn effective_uid() -> Option<u32> {
    None
}

/// The injected view of the machine. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Host {
    env: BTreeMap<OsString, OsString>,
    cwd: PathBuf,
    /// The working directory could not be determined (it was deleted while a shell sat in
    /// it): `cwd` is then `/`, a stand-in, and cmd/go fails where it needs the real one.
    cwd_gone: bool,
    os: Os,
    arch: String,
    fs: Fs,
    runner: Arc<dyn Runner>,
    /// Set by [`Host::real_only`]: the only variables this host was given. Debug builds
    /// panic when code reads another one, so a list that falls behind the code is caught by
    /// the tests instead of silently reading "unset".
    only: Option<&'static [&'static str]>,
}

impl Host {
    /// The real machine: the process environment, working directory, OS and architecture,
    /// the real filesystem and a runner that spawns processes. `GROOT_ROOT`, `GROOT_OS` and
    /// `GROOT_ARCH` re-point the model at a simulated layout (see [`env_vars`]).
    pub fn real() -> Host {
        // A name the environment holds twice keeps its first value, as Go's os.Getenv (and
        // getenv) read it: reversed, the first comes last, and the map keeps the last.
        let vars: Vec<_> = std::env::vars_os().collect();
        Host::real_with(vars.into_iter().rev().collect(), None)
    }

    /// The real machine with only the named variables of the process environment (the
    /// shim's host: it reads a dozen variables, so it copies a dozen, not the whole
    /// environment). `GROOT_ROOT`, `GROOT_OS` and `GROOT_ARCH` are always read. In debug
    /// builds, reading any variable not named here panics (see [`Host::var_os`]).
    pub fn real_only(names: &'static [&'static str]) -> Host {
        let mut env = BTreeMap::new();
        for name in names.iter().chain(&[
            env_vars::GROOT_ROOT,
            env_vars::GROOT_OS,
            env_vars::GROOT_ARCH,
        ]) {
            if let Some(v) = std::env::var_os(name) {
                env.insert(OsString::from(name), v);
            }
        }
        Host::real_with(env, Some(names))
    }

    fn real_with(env: BTreeMap<OsString, OsString>, only: Option<&'static [&'static str]>) -> Host {
        let (cwd, cwd_gone) = match std::env::current_dir() {
            Ok(d) => (d, false),
            Err(_) => (PathBuf::from("/"), true),
        };
        let get = |k: &str| env.get(OsStr::new(k)).filter(|v| !v.is_empty()).cloned();
        let os = get(env_vars::GROOT_OS)
            .and_then(|v| v.to_str().and_then(Os::from_goos))
            .unwrap_or_else(Os::current);
        let arch = get(env_vars::GROOT_ARCH)
            .and_then(|v| v.into_string().ok())
            .unwrap_or_else(|| current_goarch().to_owned());
        let fs = match get(env_vars::GROOT_ROOT) {
            Some(root) => Fs::rooted(PathBuf::from(root)),
            None => Fs::real(),
        };
        Host {
            env,
            cwd,
            cwd_gone,
            os,
            arch,
            fs,
            runner: Arc::new(SystemRunner),
            only,
        }
    }

    /// A host for tests: an empty environment, cwd `/`, the given OS, amd64, the filesystem
    /// rooted at `root`, and a runner that refuses to run anything.
    pub fn fake(root: impl Into<PathBuf>, os: Os) -> Host {
        Host {
            env: BTreeMap::new(),
            cwd: PathBuf::from("/"),
            cwd_gone: false,
            os,
            arch: "amd64".to_owned(),
            fs: Fs::rooted(root.into()),
            runner: Arc::new(NoRunner),
            only: None,
        }
    }

    /// Sets an environment variable of the modelled machine.
    pub fn with_var(mut self, name: impl Into<OsString>, value: impl Into<OsString>) -> Host {
        self.env.insert(name.into(), value.into());
        self
    }

    /// Replaces the whole environment of the modelled machine (for example with the
    /// environment a shell startup is predicted to end with).
    pub fn with_env<I, K, V>(mut self, vars: I) -> Host
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<OsString>,
        V: Into<OsString>,
    {
        self.env = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self.only = None;
        self
    }

    /// Removes an environment variable of the modelled machine.
    pub fn without_var(mut self, name: impl AsRef<OsStr>) -> Host {
        self.env.remove(name.as_ref());
        self
    }

    pub fn with_cwd(mut self, cwd: impl Into<PathBuf>) -> Host {
        self.cwd = cwd.into();
        self.cwd_gone = false;
        self
    }

    /// A working directory that no longer exists (see [`Host::cwd_gone`]).
    pub fn with_cwd_gone(mut self) -> Host {
        self.cwd = PathBuf::from("/");
        self.cwd_gone = true;
        self
    }

    pub fn with_os(mut self, os: Os) -> Host {
        self.os = os;
        self
    }

    pub fn with_arch(mut self, arch: impl Into<String>) -> Host {
        self.arch = arch.into();
        self
    }

    pub fn with_fs(mut self, fs: Fs) -> Host {
        self.fs = fs;
        self
    }

    pub fn with_runner(mut self, runner: Arc<dyn Runner>) -> Host {
        self.runner = runner;
        self
    }

    /// The raw value of an environment variable. On Windows names are case-insensitive.
    pub fn var_os(&self, name: &str) -> Option<&OsStr> {
        debug_assert!(
            self.reads(name),
            "this host (Host::real_only) was not given {name}: add it to the list"
        );
        if let Some(v) = self.env.get(OsStr::new(name)) {
            return Some(v);
        }
        if self.os == Os::Windows {
            return self
                .env
                .iter()
                .find(|(k, _)| k.to_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
                .map(|(_, v)| v.as_os_str());
        }
        None
    }

    /// The value of an environment variable as text; `None` when unset or not valid UTF-8.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.var_os(name).and_then(OsStr::to_str)
    }

    /// The value of an environment variable, treating an empty value as unset (as Go does for
    /// most settings).
    pub fn var_nonempty(&self, name: &str) -> Option<&str> {
        self.var(name).filter(|v| !v.is_empty())
    }

    /// Whether this host was given the variable `name` (always, except for
    /// [`Host::real_only`] hosts).
    fn reads(&self, name: &str) -> bool {
        match self.only {
            None => true,
            Some(names) => [
                env_vars::GROOT_ROOT,
                env_vars::GROOT_OS,
                env_vars::GROOT_ARCH,
            ]
            .iter()
            .chain(names)
            .any(|n| n.eq_ignore_ascii_case(name)),
        }
    }

    /// Every variable of the modelled environment.
    pub fn vars(&self) -> impl Iterator<Item = (&OsStr, &OsStr)> {
        debug_assert!(
            self.only.is_none(),
            "a Host::real_only host does not hold the whole environment"
        );
        self.env.iter().map(|(k, v)| (k.as_os_str(), v.as_os_str()))
    }

    /// The working directory (logical path).
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// Whether the working directory could not be determined (deleted under the shell).
    pub fn cwd_gone(&self) -> bool {
        self.cwd_gone
    }

    pub fn os(&self) -> Os {
        self.os
    }

    /// Go's name for the host architecture.
    pub fn arch(&self) -> &str {
        &self.arch
    }

    pub fn fs(&self) -> &Fs {
        &self.fs
    }

    /// The user the modelled machine runs as: `GROOT_UID` (a test knob, like `GROOT_OS`),
    /// else groot's effective user id; `None` on Windows. Doctor's ownership checks of the
    /// caches and GOROOT reason as this user, and the shell layer answers `$(id -u)` in system
    /// profiles with it (Debian's `/etc/profile` gives root another PATH).
    pub fn uid(&self) -> Option<u32> {
        if let Some(v) = self.var_nonempty(env_vars::GROOT_UID) {
            return v.parse().ok();
        }
        if self.os == Os::Windows {
            return None;
        }
        effective_uid()
    }

    /// The home directory as Go's `os.UserHomeDir` finds it: `$HOME` on Unix,
    /// `%USERPROFILE%` on Windows.
    pub fn home(&self) -> Option<PathBuf> {
        let name = if self.os == Os::Windows {
            env_vars::USERPROFILE
        } else {
            env_vars::HOME
        };
        self.var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }

    /// PATH split on the OS separator, keeping empty entries (they mean the current directory
    /// to a Unix shell). Empty when PATH is unset.
    pub fn path_entries(&self) -> Vec<PathBuf> {
        self.split_list(self.var_os(env_vars::PATH).unwrap_or_default())
    }

    /// Splits a PATH-like list with the modelled OS's separator.
    pub fn split_list(&self, value: &OsStr) -> Vec<PathBuf> {
        if value.is_empty() {
            return Vec::new();
        }
        let sep = self.os.list_separator();
        match value.to_str() {
            Some(text) => text.split(sep).map(PathBuf::from).collect(),
            None => split_bytes(value, sep as u8),
        }
    }

    /// Makes a path absolute against the working directory, lexically (like Go's
    /// `filepath.Abs`, which also cleans).
    pub fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            crate::fs::clean(path)
        } else {
            crate::fs::clean(&self.cwd.join(path))
        }
    }

    /// Runs an external command through the injected runner.
    pub fn run(&self, spec: &CommandSpec) -> Result<CommandOutput, RunError> {
        self.runner.run(spec)
    }
}

#[cfg(unix)]
fn split_bytes(value: &OsStr, sep: u8) -> Vec<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    value
        .as_bytes()
        .split(|&b| b == sep)
        .map(|part| PathBuf::from(OsStr::from_bytes(part)))
        .collect()
}

#[cfg(not(unix))]
fn split_bytes(value: &OsStr, sep: u8) -> Vec<PathBuf> {
    value
        .to_string_lossy()
        .split(sep as char)
        .map(PathBuf::from)
        .collect()
}

/// An external command to run: program, arguments, environment and a time limit.
#[derive(Clone, Debug)]
pub struct CommandSpec {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// When true the child starts from an empty environment plus `env`.
    pub clear_env: bool,
    /// Variables to set (`Some`) or remove (`None`).
    pub env: Vec<(OsString, Option<OsString>)>,
    pub cwd: Option<PathBuf>,
    pub timeout: Duration,
    /// Unix: run the child in a process group of its own, and on a timeout kill that whole
    /// group, so a `go` that started children does not leave them running.
    pub own_group: bool,
}

impl CommandSpec {
    pub fn new(program: impl Into<PathBuf>) -> CommandSpec {
        CommandSpec {
            program: program.into(),
            args: Vec::new(),
            clear_env: false,
            env: Vec::new(),
            cwd: None,
            timeout: Duration::from_secs(10),
            own_group: false,
        }
    }

    /// See [`CommandSpec::own_group`].
    pub fn own_group(mut self) -> CommandSpec {
        self.own_group = true;
        self
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> CommandSpec {
        self.args.push(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> CommandSpec {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, name: impl Into<OsString>, value: impl Into<OsString>) -> CommandSpec {
        self.env.push((name.into(), Some(value.into())));
        self
    }

    pub fn env_remove(mut self, name: impl Into<OsString>) -> CommandSpec {
        self.env.push((name.into(), None));
        self
    }

    pub fn clear_env(mut self) -> CommandSpec {
        self.clear_env = true;
        self
    }

    pub fn cwd(mut self, cwd: impl Into<PathBuf>) -> CommandSpec {
        self.cwd = Some(cwd.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> CommandSpec {
        self.timeout = timeout;
        self
    }

    /// The command line as a user would type it, for reports.
    pub fn display(&self) -> String {
        let mut s = self.program.display().to_string();
        for a in &self.args {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }
}

/// What a finished command produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// The exit code; `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl CommandOutput {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Why a command produced no output.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{program} was not found")]
    NotFound { program: String },
    #[error("could not start {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{program} did not finish within {seconds:.1}s and was killed")]
    TimedOut { program: String, seconds: f64 },
    #[error("running commands is not allowed here ({program})")]
    Refused { program: String },
}

/// Runs external commands. The real implementation spawns processes; tests inject fakes.
pub trait Runner: fmt::Debug + Send + Sync {
    fn run(&self, spec: &CommandSpec) -> Result<CommandOutput, RunError>;
}

/// Spawns real processes, with stdin closed, output captured and a hard time limit.
#[derive(Debug, Default)]
pub struct SystemRunner;

impl Runner for SystemRunner {
    fn run(&self, spec: &CommandSpec) -> Result<CommandOutput, RunError> {
        use wait_timeout::ChildExt;

        let program = spec.program.display().to_string();
        let mut cmd = Command::new(&spec.program);
        cmd.args(&spec.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if spec.clear_env {
            cmd.env_clear();
        }
        for (name, value) in &spec.env {
            match value {
                Some(v) => cmd.env(name, v),
                None => cmd.env_remove(name),
            };
        }
        if let Some(dir) = &spec.cwd {
            cmd.current_dir(dir);
        }
        #[cfg(unix)]
        if spec.own_group {
            use std::os::unix::process::CommandExt as _;
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                RunError::NotFound {
                    program: program.clone(),
                }
            } else {
                RunError::Spawn {
                    program: program.clone(),
                    source,
                }
            }
        })?;
        // Drain both pipes on threads so a chatty child cannot block on a full pipe.
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                if let Some(mut p) = pipe {
                    let _ = p.read_to_end(&mut buf);
                }
                buf
            })
        };
        let out = drain(
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let err = drain(
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let status = match child.wait_timeout(spec.timeout) {
            Ok(Some(status)) => status,
            Ok(None) | Err(_) => {
                #[cfg(unix)]
                if spec.own_group {
                    kill_group(child.id());
                }
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut {
                    program,
                    seconds: spec.timeout.as_secs_f64(),
                });
            }
        };
        Ok(CommandOutput {
            code: status.code(),
            stdout: out.join().unwrap_or_default(),
            stderr: err.join().unwrap_or_default(),
        })
    }
}

/// Sends SIGKILL to the process group `pgid` (a child started with `process_group(0)` leads
/// the group of its own id).
#[cfg(unix)]
#[allow(unsafe_code)]
fn kill_group(pgid: u32) {
    let Ok(pgid) = libc::pid_t::try_from(pgid) else {
        return;
    };
    if pgid <= 1 {
        return;
    }
    // SAFETY: kill(2) takes two integers and touches no memory of ours; a negative pid names
    // the process group, which is the child's own (never ours: it was made by process_group(0)).
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

/// Refuses every command: the default runner of fake hosts, so a unit test cannot spawn by
/// accident.
#[derive(Debug, Default)]
pub struct NoRunner;

impl Runner for NoRunner {
    fn run(&self, spec: &CommandSpec) -> Result<CommandOutput, RunError> {
        Err(RunError::Refused {
            program: spec.program.display().to_string(),
        })
    }
}

/// Answers commands from a table, for unit tests: the first entry whose program file name and
/// arguments match wins.
#[derive(Debug, Default)]
pub struct ScriptedRunner {
    entries: Vec<(String, Vec<String>, Result<CommandOutput, String>)>,
}

impl ScriptedRunner {
    pub fn new() -> ScriptedRunner {
        ScriptedRunner::default()
    }

    /// Answers `program args…` (program matched by file name) with this output.
    pub fn on(mut self, program: &str, args: &[&str], output: CommandOutput) -> ScriptedRunner {
        self.entries.push((
            program.to_owned(),
            args.iter().map(|s| (*s).to_owned()).collect(),
            Ok(output),
        ));
        self
    }

    /// Makes `program args…` time out.
    pub fn hang(mut self, program: &str, args: &[&str]) -> ScriptedRunner {
        self.entries.push((
            program.to_owned(),
            args.iter().map(|s| (*s).to_owned()).collect(),
            Err("hang".to_owned()),
        ));
        self
    }
}

impl Runner for ScriptedRunner {
    fn run(&self, spec: &CommandSpec) -> Result<CommandOutput, RunError> {
        let name = spec
            .program
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let args: Vec<String> = spec
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        for (program, want, answer) in &self.entries {
            if *program == name && *want == args {
                return answer.clone().map_err(|_| RunError::TimedOut {
                    program: name.clone(),
                    seconds: spec.timeout.as_secs_f64(),
                });
            }
        }
        Err(RunError::NotFound { program: name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_is_groot_uid_else_the_effective_one() {
        let h = Host::fake("/nonexistent", Os::Linux);
        assert_eq!(h.uid(), effective_uid());
        assert_eq!(h.clone().with_var("GROOT_UID", "4242").uid(), Some(4242));
        assert_eq!(h.clone().with_var("GROOT_UID", "x").uid(), None);
        assert_eq!(h.with_os(Os::Windows).uid(), None);
    }

    #[test]
    fn path_entries_keep_empty_entries() {
        let h = Host::fake("/nonexistent", Os::Linux).with_var("PATH", "/a::b:");
        assert_eq!(
            h.path_entries(),
            ["/a", "", "b", ""].map(PathBuf::from).to_vec()
        );
        let w = Host::fake("/nonexistent", Os::Windows).with_var("Path", r"C:\a;C:\b");
        assert_eq!(
            w.path_entries().len(),
            2,
            "windows names are case-insensitive"
        );
        assert!(Host::fake("/x", Os::Linux).path_entries().is_empty());
    }

    #[test]
    fn home_per_os() {
        let h = Host::fake("/r", Os::Linux).with_var("HOME", "/home/u");
        assert_eq!(h.home(), Some(PathBuf::from("/home/u")));
        let h = Host::fake("/r", Os::Linux).with_var("HOME", "");
        assert_eq!(h.home(), None);
        let w = Host::fake("/r", Os::Windows).with_var("USERPROFILE", "/users/u");
        assert_eq!(w.home(), Some(PathBuf::from("/users/u")));
    }

    #[cfg(unix)]
    #[test]
    fn system_runner_captures_and_times_out() {
        let out = SystemRunner
            .run(&CommandSpec::new("/bin/sh").args(["-c", "echo out; echo err >&2; exit 3"]))
            .expect("sh runs");
        assert_eq!(out.code, Some(3));
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        let slow = SystemRunner.run(
            &CommandSpec::new("/bin/sh")
                .args(["-c", "sleep 5"])
                .timeout(Duration::from_millis(100)),
        );
        assert!(matches!(slow, Err(RunError::TimedOut { .. })));
        let missing = SystemRunner.run(&CommandSpec::new("/nonexistent/groot-test-cmd"));
        assert!(matches!(missing, Err(RunError::NotFound { .. })));
    }

    #[test]
    fn fake_hosts_refuse_to_run() {
        let h = Host::fake("/r", Os::Linux);
        assert!(matches!(
            h.run(&CommandSpec::new("go")),
            Err(RunError::Refused { .. })
        ));
    }

    /// Issue 12, item 14: a command that times out is killed with the children it started
    /// (`explain --verify` of a `go` wrapper that spawned a long-running child left it behind).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_timed_out_command_is_killed_with_its_children() {
        let t = tempfile::tempdir().expect("tmp");
        let pidfile = t.path().join("pid");
        let script = format!("sleep 30 & echo $! > '{}'; wait", pidfile.display());
        let alive = |pid: &str| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|st| {
                st.rsplit(')')
                    .next()
                    .is_some_and(|r| !r.trim_start().starts_with('Z'))
            })
        };
        for own_group in [true, false] {
            let _ = std::fs::remove_file(&pidfile);
            let mut spec = CommandSpec::new("/bin/sh")
                .args(["-c", script.as_str()])
                .timeout(Duration::from_millis(500));
            spec.own_group = own_group;
            let r = SystemRunner.run(&spec);
            assert!(matches!(r, Err(RunError::TimedOut { .. })), "{r:?}");
            let pid = std::fs::read_to_string(&pidfile).expect("pid");
            let pid = pid.trim();
            // Let the kill land.
            let mut gone = false;
            for _ in 0..50 {
                if !alive(pid) {
                    gone = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if own_group {
                assert!(gone, "the child of a timed-out command is still running");
            } else {
                // Without a group of its own the child outlives the timeout (what own_group
                // fixes); clean it up.
                assert!(!gone, "the test cannot tell: the child died by itself");
                let _ = std::process::Command::new("kill")
                    .args(["-9", pid])
                    .status();
            }
        }
    }
}
