//! mise's shims as a launcher. A mise shim is a symlink named `go` (in `$MISE_DATA_DIR/shims`)
//! to the mise binary; run under another name, mise acts as that tool's shim: it loads its
//! config, picks the Go version and execs `<install>/bin/go` with GOROOT and GOBIN set.
//!
//! The rules, as mise 2026.9 does them (read from its source and checked against the real
//! binary by tests/differential_launchers_mise.rs):
//!
//! - the version: `MISE_GO_VERSION` (or `MISE_GOLANG_VERSION`), else the nearest config file
//!   that sets `go` (or its alias `golang`), walking up from the directory with its links
//!   resolved (mise starts from getcwd, not `$PWD`): in each directory
//!   the files in [`LOCAL_FILES`] order (the last one wins), `.tool-versions` lowest, and
//!   `.go-version` below it only when `idiomatic_version_file_enable_tools` lists `go`; then the
//!   global config (`$MISE_GLOBAL_CONFIG_FILE`, else `conf.d/*.toml`, `config.toml`,
//!   `mise.toml`, `config.local.toml`, `mise.local.toml` of `$MISE_CONFIG_DIR`), then
//!   `/etc/mise`; with `MISE_ENV`, the `mise.<env>.toml` family comes after the rest of its
//!   directory ([`ENV_FILES`]);
//! - trust: a `mise.toml` with anything but `min_version`, `[tasks]` and `[tools]` entries that
//!   are plain strings (or lists of strings), or with template syntax, must be trusted (`mise
//!   trust`, a link in `$MISE_STATE_DIR/trusted-configs`), else mise refuses to run at all —
//!   even when that file says nothing about Go. Global config files are always trusted;
//!   `.tool-versions` needs trust only with template syntax; under `CI` everything is trusted;
//! - the install: `1.22` is the newest installed `1.22.x` (prefix match on a separator),
//!   `latest` the newest installed; installs are the directories of `$MISE_DATA_DIR/installs/go`
//!   (`mise link`ed ones are symlinks there) except dot names, mise's own `./` runtime links
//!   (`1.22 -> ./1.22.10`) and unfinished ones; a version that is not installed is installed
//!   first (a download groot does not predict);
//! - the environment: `GOROOT=<install>` (`<install>/go` in the old layout) unless
//!   `go.set_goroot = false`; `GOBIN=<install>/bin` unless `go.set_gobin = false`, or GOBIN is
//!   already set and `go.set_gobin` is not `true`; `<install>/bin` first on PATH.

use std::path::{Path, PathBuf};

use super::{step, EnvChange, Followed, Kind, Launcher};
use crate::fs::{cap, clean};
use crate::host::Host;
use crate::resolve::{GoError, Outcome, Step};
use crate::version::Version;

/// Config file names in one directory, lowest precedence first (mise's
/// `LOCAL_CONFIG_FILENAMES`, without the long-ignored `.rtx` names). `*` is a sorted glob.
const LOCAL_FILES: &[&str] = &[
    ".tool-versions",
    ".config/mise/conf.d/*.toml",
    ".config/mise/config.toml",
    ".config/mise/mise.toml",
    ".config/mise.toml",
    ".mise/conf.d/*.toml",
    ".mise/config.toml",
    "mise/config.toml",
    "mise.toml",
    ".mise.toml",
    ".config/mise/config.local.toml",
    ".config/mise/mise.local.toml",
    ".config/mise.local.toml",
    ".mise/config.local.toml",
    "mise/config.local.toml",
    "mise.local.toml",
    ".mise.local.toml",
];

/// With `MISE_ENV=<env>`, these come after [`LOCAL_FILES`] in each directory, for each
/// environment in order (mise's `env_config_patterns`; `conf.d` environment files are not
/// modelled).
const ENV_FILES: &[&str] = &[
    ".config/mise/config.{env}.toml",
    ".config/mise.{env}.toml",
    "mise/config.{env}.toml",
    "mise.{env}.toml",
    ".mise/config.{env}.toml",
    ".mise.{env}.toml",
    ".config/mise/config.{env}.local.toml",
    ".config/mise.{env}.local.toml",
    "mise/config.{env}.local.toml",
    "mise.{env}.local.toml",
    ".mise/config.{env}.local.toml",
    ".mise.{env}.local.toml",
];

/// `MISE_ENV`: a comma-separated list of environments.
fn mise_envs(host: &Host) -> Vec<String> {
    host.var("MISE_ENV")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.contains(['/', '\\']))
        .map(str::to_owned)
        .collect()
}

/// The names mise knows Go by in `[tools]` and `.tool-versions`.
const TOOL_NAMES: &[&str] = &["go", "golang", "core:go"];

/// True when `path` is a mise shim: a symlink, not itself named `mise`, to a file named
/// `mise` (directly or at the end of its links).
pub(crate) fn is_shim(host: &Host, path: &Path) -> bool {
    let fs = host.fs();
    let is_link = fs
        .symlink_metadata(path)
        .is_ok_and(|m| m.file_type().is_symlink());
    if !is_link || is_mise_name(path) {
        return false;
    }
    // `mise reshim` links to the mise it ran as (`…/bin/mise`), which may itself be a link to
    // a file with another name.
    fs.read_link(path).is_ok_and(|t| is_mise_name(&t))
        || fs.canonicalize(path).is_ok_and(|r| is_mise_name(&r.path))
}

fn is_mise_name(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == "mise" || n == "mise.exe")
}

/// mise's directories on `host`.
struct Dirs {
    data: PathBuf,
    config: PathBuf,
    state: PathBuf,
    cache: PathBuf,
}

impl Dirs {
    fn new(host: &Host) -> Dirs {
        let home = host.home();
        let var = |name: &str| host.var_nonempty(name).map(|v| host.absolute(Path::new(v)));
        let xdg = |name: &str, rel: &str| {
            var(name).unwrap_or_else(|| home.clone().unwrap_or_default().join(rel))
        };
        Dirs {
            data: var("MISE_DATA_DIR")
                .unwrap_or_else(|| xdg("XDG_DATA_HOME", ".local/share").join("mise")),
            config: var("MISE_CONFIG_DIR")
                .unwrap_or_else(|| xdg("XDG_CONFIG_HOME", ".config").join("mise")),
            state: var("MISE_STATE_DIR")
                .unwrap_or_else(|| xdg("XDG_STATE_HOME", ".local/state").join("mise")),
            cache: var("MISE_CACHE_DIR")
                .unwrap_or_else(|| xdg("XDG_CACHE_HOME", ".cache").join("mise")),
        }
    }
}

/// A config file mise loads.
#[derive(Clone, Debug)]
struct ConfigFile {
    path: PathBuf,
    global: bool,
}

/// What a config file says about Go.
#[derive(Clone, Debug)]
struct Request {
    versions: Vec<String>,
    /// `file:line`, or the variable.
    source: String,
}

/// Why mise cannot run go, found while reading its config.
struct Refusal {
    step: Step,
    error: GoError,
}

/// Follows the mise shim at `path` for a go run in `dir`.
pub(crate) fn follow(host: &Host, dir: &Path, path: &Path) -> Followed {
    let dirs = Dirs::new(host);
    let mut launcher = Launcher::new(Kind::Mise, path);
    let mut steps = vec![step(
        "mise-shim",
        Some(path.display().to_string()),
        Outcome::Info,
        format!(
            "{} is a mise shim (a link to the mise binary): mise picks a Go version and runs it",
            path.display()
        ),
        None,
    )];
    let fail = |launcher: Launcher, mut steps: Vec<Step>, r: Box<Refusal>| {
        steps.push(r.step);
        Followed {
            launcher,
            steps,
            next: Err(r.error),
        }
    };
    let settings = Settings::read(host, &dirs);
    // mise walks up from its working directory as getcwd reports it: every link resolved.
    let physical = host
        .fs()
        .canonicalize(dir)
        .map(|r| r.path)
        .unwrap_or_else(|_| dir.to_path_buf());
    let files = config_files(host, &dirs, &physical, settings.idiomatic_go);
    // mise loads every config file before it runs anything: one it refuses stops the shim.
    for f in &files {
        if let Err(r) = trust(host, &dirs, f) {
            return fail(launcher, steps, r);
        }
    }
    let request = match env_request(host) {
        Some(r) => Some(r),
        None => files.iter().find_map(|f| read_request(host, f)),
    };
    let Some(request) = request else {
        return fail(
            launcher,
            steps,
            refusal(
                "mise-version",
                None,
                "no mise config file sets go, and neither does MISE_GO_VERSION".to_owned(),
                "mise ERROR No version is set for shim: go".to_owned(),
                true,
            ),
        );
    };
    let wanted = request.versions.first().cloned().unwrap_or_default();
    launcher.source = Some(request.source.clone());
    steps.push(step(
        "mise-version",
        Some(wanted.clone()),
        Outcome::Chosen,
        format!("mise asks for go {wanted} ({})", request.source),
        Some(request.source.clone()),
    ));
    let install = match find_install(host, &dirs, &wanted) {
        Ok(i) => i,
        Err(r) => return fail(launcher, steps, r),
    };
    launcher.version = Some(install.version.clone());
    let go = install
        .path
        .join("bin")
        .join(format!("go{}", host.os().exe_suffix()));
    steps.push(step(
        "mise-install",
        Some(go.display().to_string()),
        Outcome::Chosen,
        install.why.clone(),
        None,
    ));
    let goroot = {
        let old = install.path.join("go");
        if host.fs().exists(&old) {
            old
        } else {
            install.path.clone()
        }
    };
    let bin = install.path.join("bin");
    let mut env = Vec::new();
    let gobin_set = host.var_os("GOBIN").is_some();
    if settings.set_gobin == Some(true) || (settings.set_gobin.is_none() && !gobin_set) {
        env.push(EnvChange {
            name: "GOBIN".to_owned(),
            value: Some(bin.display().to_string()),
        });
    }
    if settings.set_goroot {
        env.push(EnvChange {
            name: "GOROOT".to_owned(),
            value: Some(goroot.display().to_string()),
        });
    }
    let old_path = host.var("PATH").unwrap_or_default();
    env.push(EnvChange {
        name: "PATH".to_owned(),
        value: Some(if old_path.is_empty() {
            bin.display().to_string()
        } else {
            format!("{}{}{old_path}", bin.display(), host.os().list_separator())
        }),
    });
    let shown: Vec<String> = env
        .iter()
        .filter(|c| c.name != "PATH")
        .map(|c| format!("{}={}", c.name, c.value.as_deref().unwrap_or("")))
        .collect();
    steps.push(step(
        "mise-env",
        None,
        Outcome::Info,
        if shown.is_empty() {
            format!(
                "mise runs it with {} first on PATH and leaves GOROOT and GOBIN alone",
                bin.display()
            )
        } else {
            format!(
                "mise runs it with {} and {} first on PATH",
                shown.join(" "),
                bin.display()
            )
        },
        None,
    ));
    launcher.runs = Some(go.clone());
    launcher.env = env;
    let next_host = super::with_env(host, &launcher.env);
    Followed {
        launcher,
        steps,
        next: Ok((go, next_host)),
    }
}

fn refusal(
    rule: &'static str,
    candidate: Option<String>,
    reason: String,
    message: String,
    exact: bool,
) -> Box<Refusal> {
    Box::new(Refusal {
        step: step(rule, candidate, Outcome::Failed, reason, None),
        error: GoError {
            code: "launcher-refuses",
            message,
            exit_code: 1,
            exact,
        },
    })
}

/// The settings that matter here, from the environment and the global config.
struct Settings {
    idiomatic_go: bool,
    set_goroot: bool,
    set_gobin: Option<bool>,
}

impl Settings {
    fn read(host: &Host, dirs: &Dirs) -> Settings {
        let mut s = Settings {
            idiomatic_go: false,
            set_goroot: true,
            set_gobin: None,
        };
        // Lowest first, so later files win.
        for f in global_files(host, dirs) {
            let Some(table) = read_toml(host, &f.path) else {
                continue;
            };
            let Some(settings) = table.get("settings").and_then(|v| v.as_table()) else {
                continue;
            };
            if let Some(tools) = settings.get("idiomatic_version_file_enable_tools") {
                s.idiomatic_go = tools
                    .as_array()
                    .is_some_and(|a| a.iter().any(|t| t.as_str() == Some("go")));
            }
            let go = settings.get("go").and_then(|v| v.as_table());
            let get = |key: &str, old: &str| {
                go.and_then(|g| g.get(key))
                    .or_else(|| settings.get(old))
                    .and_then(|v| v.as_bool())
            };
            if let Some(b) = get("set_goroot", "go_set_goroot") {
                s.set_goroot = b;
            }
            if let Some(b) = get("set_gobin", "go_set_gobin") {
                s.set_gobin = Some(b);
            }
        }
        if let Some(v) = host.var("MISE_IDIOMATIC_VERSION_FILE_ENABLE_TOOLS") {
            s.idiomatic_go = v.split(',').any(|t| t.trim() == "go");
        }
        if let Some(b) = host.var_nonempty("MISE_GO_SET_GOROOT").and_then(parse_bool) {
            s.set_goroot = b;
        }
        if let Some(b) = host.var_nonempty("MISE_GO_SET_GOBIN").and_then(parse_bool) {
            s.set_gobin = Some(b);
        }
        s
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "on" => Some(true),
        "0" | "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// The global and system config files, lowest precedence first.
fn global_files(host: &Host, dirs: &Dirs) -> Vec<ConfigFile> {
    let fs = host.fs();
    let mut out = Vec::new();
    let envs = mise_envs(host);
    let from_dir = |dir: &Path| {
        let mut files = glob_toml(host, &dir.join("conf.d"));
        files.push(dir.join("config.toml"));
        files.push(dir.join("mise.toml"));
        for e in &envs {
            files.push(dir.join(format!("config.{e}.toml")));
            files.push(dir.join(format!("mise.{e}.toml")));
        }
        files.push(dir.join("config.local.toml"));
        files.push(dir.join("mise.local.toml"));
        for e in &envs {
            files.push(dir.join(format!("config.{e}.local.toml")));
            files.push(dir.join(format!("mise.{e}.local.toml")));
        }
        files
            .into_iter()
            .filter(|p| fs.is_file(p))
            .map(|path| ConfigFile { path, global: true })
            .collect::<Vec<_>>()
    };
    let system = host
        .var_nonempty("MISE_SYSTEM_CONFIG_FILE")
        .map(|f| vec![PathBuf::from(f)])
        .unwrap_or_else(|| {
            let dir = host
                .var_nonempty("MISE_SYSTEM_CONFIG_DIR")
                .or_else(|| host.var_nonempty("MISE_SYSTEM_DIR"))
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("/etc/mise"));
            from_dir(&dir).into_iter().map(|f| f.path).collect()
        });
    out.extend(
        system
            .into_iter()
            .filter(|p| fs.is_file(p))
            .map(|path| ConfigFile { path, global: true }),
    );
    match host.var_nonempty("MISE_GLOBAL_CONFIG_FILE") {
        Some(f) => {
            let path = host.absolute(Path::new(f));
            if fs.is_file(&path) {
                out.push(ConfigFile { path, global: true });
            }
        }
        None => out.extend(from_dir(&dirs.config)),
    }
    out
}

/// `*.toml` in `dir` (not dot files), sorted.
fn glob_toml(host: &Host, dir: &Path) -> Vec<PathBuf> {
    host.fs()
        .read_dir(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| {
            let n = e.name.to_string_lossy();
            !n.starts_with('.') && n.ends_with(".toml")
        })
        .map(|e| e.path)
        .collect()
}

/// Every config file mise loads for `dir`, highest precedence first.
fn config_files(host: &Host, dirs: &Dirs, dir: &Path, idiomatic_go: bool) -> Vec<ConfigFile> {
    let fs = host.fs();
    let globals = global_files(host, dirs);
    let envs = mise_envs(host);
    let mut out: Vec<ConfigFile> = Vec::new();
    // MISE_CEILING_PATHS: the walk stops below these directories (they are not read).
    let ceilings: Vec<PathBuf> = host
        .var_nonempty("MISE_CEILING_PATHS")
        .map(|v| {
            host.split_list(std::ffi::OsStr::new(v))
                .into_iter()
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| expand_tilde(host, &p))
                .collect()
        })
        .unwrap_or_default();
    let mut d = clean(dir);
    loop {
        if ceilings.contains(&d) {
            break;
        }
        let mut here = Vec::new();
        if idiomatic_go {
            here.push(d.join(".go-version"));
        }
        for name in LOCAL_FILES {
            match name.strip_suffix("*.toml") {
                Some(sub) => here.extend(glob_toml(host, &d.join(sub))),
                None => here.push(d.join(name)),
            }
        }
        for e in &envs {
            for pattern in ENV_FILES {
                here.push(d.join(pattern.replace("{env}", e)));
            }
        }
        for path in here.into_iter().rev() {
            if fs.is_file(&path) {
                let global = globals.iter().any(|g| fs.same_file(&g.path, &path));
                out.push(ConfigFile { path, global });
            }
        }
        match d.parent() {
            Some(p) if p != d => d = p.to_path_buf(),
            _ => break,
        }
    }
    for g in globals.into_iter().rev() {
        if !out.iter().any(|f| fs.same_file(&f.path, &g.path)) {
            out.push(g);
        }
    }
    out
}

/// `~/x` with HOME (mise's `replace_path`).
fn expand_tilde(host: &Host, p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), host.home()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => p.to_path_buf(),
    }
}

fn is_tool_versions(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == ".tool-versions")
}

fn is_go_version(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == ".go-version")
}

fn read_text(host: &Host, path: &Path, limit: u64) -> Option<String> {
    super::read_text(host, path, limit).ok()
}

fn read_toml(host: &Host, path: &Path) -> Option<toml::Table> {
    let text = read_text(host, path, cap::ENV_FILE)?;
    text.parse::<toml::Table>().ok()
}

/// Tera's delimiters: a file with them renders templates when mise loads it.
fn has_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

/// mise's `is_safe_config_body`: what a `mise.toml` may hold without being trusted.
fn is_safe_body(text: &str) -> bool {
    if has_template(text) {
        return false;
    }
    let Ok(table) = text.parse::<toml::Table>() else {
        return false;
    };
    if value_has_template(&toml::Value::Table(table.clone())) {
        return false;
    }
    table.iter().all(|(k, v)| match k.as_str() {
        "min_version" | "tasks" => true,
        "tools" => v.as_table().is_some_and(|tools| {
            tools.values().all(|v| match v {
                toml::Value::String(_) => true,
                toml::Value::Array(a) => a.iter().all(|v| v.is_str()),
                _ => false,
            })
        }),
        _ => false,
    })
}

fn value_has_template(v: &toml::Value) -> bool {
    match v {
        toml::Value::String(s) => has_template(s),
        toml::Value::Array(a) => a.iter().any(value_has_template),
        toml::Value::Table(t) => t
            .iter()
            .any(|(k, v)| has_template(k) || value_has_template(v)),
        _ => false,
    }
}

/// The directory a config file's trust is recorded for (mise's `config_root`).
fn config_root(path: &Path) -> PathBuf {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let back = |n: usize| {
        parts
            .len()
            .checked_sub(n + 1)
            .map(|i| parts[i].as_str())
            .unwrap_or("")
    };
    let up = |n: usize| {
        let mut p = path.to_path_buf();
        for _ in 0..n {
            p = p.parent().map(Path::to_path_buf).unwrap_or(p);
        }
        p
    };
    let (file, parent, grand, great) = (back(0), back(1), back(2), back(3));
    let mise_dir = |d: &str| d == "mise" || d == ".mise";
    let config_name = |f: &str| {
        f == "config.toml"
            || f == "config.local.toml"
            || (f.starts_with("config.") && f.ends_with(".toml"))
    };
    if parent == "mise-tasks" || parent == ".mise-tasks" {
        up(2)
    } else if (parent == "tasks" || parent == "conf.d") && mise_dir(grand) {
        if great == ".config" {
            up(4)
        } else {
            up(3)
        }
    } else if mise_dir(parent) && config_name(file) {
        if grand == ".config" {
            up(3)
        } else {
            up(2)
        }
    } else if parent == ".config" {
        up(2)
    } else {
        up(1)
    }
}

/// Checks that mise loads `f`: an error when mise refuses it.
fn trust(host: &Host, dirs: &Dirs, f: &ConfigFile) -> Result<(), Box<Refusal>> {
    if f.global || is_go_version(&f.path) {
        return Ok(());
    }
    let limit = if is_tool_versions(&f.path) {
        cap::TOOL_VERSIONS
    } else {
        cap::ENV_FILE
    };
    let Some(text) = read_text(host, &f.path, limit) else {
        return Ok(());
    };
    let needs = if is_tool_versions(&f.path) {
        has_template(&text)
    } else {
        !is_safe_body(&text)
    };
    let paranoid = host
        .var_nonempty("MISE_PARANOID")
        .and_then(parse_bool)
        .unwrap_or(false);
    if !needs && !paranoid {
        return Ok(());
    }
    let ci = host
        .var_nonempty("CI")
        .is_some_and(|v| v != "false" && v != "0");
    if ci && !paranoid {
        return Ok(());
    }
    let fs = host.fs();
    let root = config_root(&f.path);
    let canon = |p: &Path| fs.canonicalize(p).map(|r| r.path).ok();
    let targets: Vec<PathBuf> = [canon(&root), canon(&f.path)]
        .into_iter()
        .flatten()
        .collect();
    let trusted_by_setting = host
        .var_nonempty("MISE_TRUSTED_CONFIG_PATHS")
        .map(|v| {
            host.split_list(std::ffi::OsStr::new(v))
                .iter()
                .any(|p| targets.iter().any(|t| t.starts_with(p)))
        })
        .unwrap_or(false);
    let records = dirs.state.join("trusted-configs");
    let recorded = fs.read_dir(&records).unwrap_or_default().iter().any(|e| {
        fs.read_link(&e.path)
            .ok()
            .is_some_and(|l| targets.contains(&l))
    });
    if (trusted_by_setting || recorded) && !paranoid {
        return Ok(());
    }
    let why = if paranoid {
        "with MISE_PARANOID every config file needs a trust record with its hash, which groot does not check"
    } else if is_tool_versions(&f.path) {
        "it uses template syntax"
    } else {
        "it sets more than plain tool versions and tasks ([env], [settings], tool options or templates)"
    };
    Err(refusal(
        "mise-trust",
        Some(f.path.display().to_string()),
        format!(
            "mise refuses to load {}: {why}, and it is not trusted (`mise trust {}`); in a terminal mise asks first",
            f.path.display(),
            root.display()
        ),
        format!(
            "mise ERROR Config files in {} are not trusted.",
            display_path(host, &f.path)
        ),
        !paranoid,
    ))
}

/// A path as mise prints it: `~/…` under HOME.
fn display_path(host: &Host, path: &Path) -> String {
    match host
        .home()
        .and_then(|h| path.strip_prefix(h).ok().map(Path::to_path_buf))
    {
        Some(rest) if !rest.as_os_str().is_empty() => format!("~/{}", rest.display()),
        _ => path.display().to_string(),
    }
}

/// `MISE_GO_VERSION` (or `MISE_GOLANG_VERSION`).
fn env_request(host: &Host) -> Option<Request> {
    ["MISE_GO_VERSION", "MISE_GOLANG_VERSION"]
        .into_iter()
        .find_map(|name| {
            let v = host.var_nonempty(name)?;
            let versions: Vec<String> = v.split_whitespace().map(str::to_owned).collect();
            (!versions.is_empty()).then(|| Request {
                versions,
                source: name.to_owned(),
            })
        })
}

/// What `f` says about Go, if anything.
fn read_request(host: &Host, f: &ConfigFile) -> Option<Request> {
    let path = &f.path;
    if is_go_version(path) {
        let text = read_text(host, path, cap::VERSION_FILE)?;
        let v = text.trim();
        return (!v.is_empty()).then(|| Request {
            versions: vec![v.to_owned()],
            source: super::file_line(path, 1),
        });
    }
    if is_tool_versions(path) {
        let text = read_text(host, path, cap::TOOL_VERSIONS)?;
        // mise reads the last line for a tool.
        let mut found = None;
        for (i, raw) in text.lines().enumerate() {
            let l = raw.split_once('#').map_or(raw, |(b, _)| b);
            let mut words = l.split_whitespace();
            if words.next().is_some_and(|w| TOOL_NAMES.contains(&w)) {
                let versions: Vec<String> = words.map(str::to_owned).collect();
                if !versions.is_empty() {
                    found = Some(Request {
                        versions,
                        source: super::file_line(path, i + 1),
                    });
                }
            }
        }
        return found;
    }
    let text = read_text(host, path, cap::ENV_FILE)?;
    let table = text.parse::<toml::Table>().ok()?;
    let tools = table.get("tools")?.as_table()?;
    let (key, value) = TOOL_NAMES
        .iter()
        .find_map(|k| tools.get(*k).map(|v| (*k, v)))?;
    let versions: Vec<String> = match value {
        toml::Value::String(s) => vec![s.clone()],
        toml::Value::Array(a) => a
            .iter()
            .filter_map(|v| match v {
                toml::Value::String(s) => Some(s.clone()),
                toml::Value::Table(t) => t.get("version")?.as_str().map(str::to_owned),
                _ => None,
            })
            .collect(),
        toml::Value::Table(t) => vec![t.get("version")?.as_str()?.to_owned()],
        _ => return None,
    };
    if versions.is_empty() {
        return None;
    }
    let line = key_line(&text, key);
    Some(Request {
        versions,
        source: super::file_line(path, line),
    })
}

/// The line of `key = …` under `[tools]` (1 when not found: inline tables and the like).
fn key_line(text: &str, key: &str) -> usize {
    let mut in_tools = false;
    for (i, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if l.starts_with('[') {
            in_tools = l == "[tools]";
            continue;
        }
        let k = l
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        if in_tools && k == key {
            return i + 1;
        }
        if l.starts_with("tools.") && k.strip_prefix("tools.") == Some(key) {
            return i + 1;
        }
    }
    1
}

/// An install mise runs.
struct Install {
    version: String,
    path: PathBuf,
    why: String,
}

/// The installed versions of go, sorted oldest first (mise's `scan_versions`).
fn installed(host: &Host, dirs: &Dirs, installs: &Path) -> Vec<String> {
    let fs = host.fs();
    let mut out: Vec<String> = fs
        .read_dir(installs)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| {
            let name = e.name.to_string_lossy().into_owned();
            let runtime = fs
                .read_link(&e.path)
                .is_ok_and(|l| l.to_string_lossy().starts_with("./"));
            let ok = !name.starts_with('.')
                && !runtime
                && fs.is_dir(&e.path)
                && !fs.exists(&e.path.join("incomplete"))
                && !fs.exists(&dirs.cache.join("go").join(&name).join("incomplete"));
            ok.then_some(name)
        })
        .collect();
    out.sort_by_key(|v| sort_key(v));
    out
}

/// mise sorts versions by their numeric parts (a leading `v` ignored).
fn sort_key(v: &str) -> (Vec<u64>, String) {
    let n = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let nums = n
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u64>().unwrap_or(u64::MAX))
        .collect();
    (nums, v.to_owned())
}

/// mise's `fuzzy_match_versions` for a numeric prefix or `latest`, without prereleases.
fn fuzzy_matches(version: &str, query: &str) -> bool {
    let v = version.strip_prefix('v').unwrap_or(version);
    let prerelease = Version::parse(&format!("go{v}")).is_some_and(|p| p.is_prerelease())
        || v.contains("rc")
        || v.contains("beta");
    if prerelease {
        return false;
    }
    if query == "latest" {
        return v.starts_with(|c: char| c.is_ascii_digit());
    }
    let q = query.strip_prefix('v').unwrap_or(query);
    match v.strip_prefix(q) {
        Some("") => true,
        Some(rest) => rest.starts_with(['.', '-', '+']),
        None => false,
    }
}

/// The install `wanted` names.
fn find_install(host: &Host, dirs: &Dirs, wanted: &str) -> Result<Install, Box<Refusal>> {
    let installs = host
        .var_nonempty("MISE_INSTALLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs.data.join("installs"))
        .join("go");
    if let Some(p) = wanted.strip_prefix("path:") {
        let path = host.absolute(Path::new(p));
        return Ok(Install {
            version: wanted.to_owned(),
            why: format!("{wanted}: mise runs the Go in {}", path.display()),
            path,
        });
    }
    if wanted == "system" {
        return Err(refusal(
            "mise-install",
            Some(wanted.to_owned()),
            "go@system: mise 2026.9 has no executable for it (system versions are deprecated)"
                .to_owned(),
            "mise ERROR No executable found for configured tool: go".to_owned(),
            false,
        ));
    }
    let query = wanted.strip_prefix("prefix:").unwrap_or(wanted);
    if query.contains(':') || query.starts_with("sub-") {
        return Err(refusal(
            "mise-install",
            Some(wanted.to_owned()),
            format!(
                "groot cannot follow mise's {wanted:?} versions (a git ref or a relative version)"
            ),
            format!("groot cannot predict which go mise runs for go@{wanted}"),
            false,
        ));
    }
    let list = installed(host, dirs, &installs);
    if list.iter().any(|v| v == query) {
        return Ok(Install {
            version: query.to_owned(),
            path: installs.join(query),
            why: format!("go {query} is installed in {}", installs.display()),
        });
    }
    if let Some(v) = list.iter().rev().find(|v| fuzzy_matches(v, query)) {
        return Ok(Install {
            version: v.clone(),
            path: installs.join(v),
            why: format!(
                "{query} matches {v}, the newest of the installs in {}",
                installs.display()
            ),
        });
    }
    let offline = host
        .var_nonempty("MISE_OFFLINE")
        .and_then(parse_bool)
        .unwrap_or(false);
    let message = if offline {
        format!("mise ERROR Failed to install core:go@{query}: offline mode is enabled")
    } else {
        format!("groot cannot predict the Go mise downloads for go@{query}")
    };
    Err(refusal(
        "mise-install",
        Some(installs.join(query).display().to_string()),
        format!(
            "go {query} is not installed in {}: mise installs it first{}",
            installs.display(),
            if offline {
                ", which fails with MISE_OFFLINE"
            } else {
                " (a download groot does not predict; `groot explain --verify` runs it)"
            }
        ),
        message,
        offline,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn shims_are_links_to_mise() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().expect("tmp");
        let r = tmp.path();
        std::fs::create_dir_all(r.join("m/bin")).expect("mkdir");
        std::fs::create_dir_all(r.join("shims")).expect("mkdir");
        std::fs::write(r.join("m/bin/mise-2026.9.15"), "").expect("write");
        std::fs::write(r.join("m/bin/other"), "").expect("write");
        symlink("mise-2026.9.15", r.join("m/bin/mise")).expect("link");
        symlink("/m/bin/mise", r.join("shims/go")).expect("link");
        symlink("/m/bin/other", r.join("shims/gofmt")).expect("link");
        let host = Host::fake(r, crate::host::Os::Linux);
        assert!(is_shim(&host, Path::new("/shims/go")));
        assert!(!is_shim(&host, Path::new("/shims/gofmt")));
        assert!(!is_shim(&host, Path::new("/m/bin/mise")));
        assert!(!is_shim(&host, Path::new("/m/bin/other")));
    }

    #[test]
    fn safe_bodies() {
        assert!(is_safe_body("[tools]\ngo = \"1.22\"\n"));
        assert!(is_safe_body(
            "min_version = \"1\"\n[tools]\ngo = [\"1.22\", \"1.21\"]\n[tasks.x]\nrun = \"x\"\n"
        ));
        assert!(!is_safe_body("[tools]\ngo = \"1.22\"\n[env]\n"));
        assert!(!is_safe_body("[tools]\ngo = { version = \"1.22\" }\n"));
        assert!(!is_safe_body("[tools]\ngo = \"{{ env.HOME }}\"\n"));
        assert!(!is_safe_body("[settings]\nexperimental = true\n"));
        assert!(!is_safe_body("not toml ["));
    }

    #[test]
    fn fuzzy() {
        assert!(fuzzy_matches("1.22.10", "1.22"));
        assert!(fuzzy_matches("1.22.10", "1.22.10"));
        assert!(!fuzzy_matches("1.220.1", "1.22"));
        assert!(fuzzy_matches("1.27.3", "latest"));
        assert!(!fuzzy_matches("1.22rc1", "1.22"));
        assert!(fuzzy_matches("1.22.10", "1"));
    }

    #[test]
    fn roots() {
        let r = |p: &str| config_root(Path::new(p));
        assert_eq!(r("/p/mise.toml"), PathBuf::from("/p"));
        assert_eq!(r("/p/.config/mise.toml"), PathBuf::from("/p"));
        assert_eq!(r("/p/.config/mise/config.toml"), PathBuf::from("/p"));
        assert_eq!(r("/p/.mise/config.toml"), PathBuf::from("/p"));
        assert_eq!(r("/p/.config/mise/conf.d/a.toml"), PathBuf::from("/p"));
        assert_eq!(r("/p/.mise/conf.d/a.toml"), PathBuf::from("/p"));
    }

    #[test]
    fn key_lines() {
        assert_eq!(
            key_line(
                "[env]\ngo = 1\n[tools]\nnode = \"1\"\ngo = \"1.22\"\n",
                "go"
            ),
            5
        );
        assert_eq!(key_line("tools.go = \"1\"\n", "go"), 1);
        assert_eq!(key_line("x = 1\n[tools]\n\"go\" = \"1\"\n", "go"), 3);
    }
}
