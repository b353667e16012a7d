//! asdf with the asdf-golang plugin as a launcher, as asdf decides. Two shim forms, told apart
//! by their content:
//!
//! * asdf 0.15 (bash, checked against the real release by tests/differential_launchers.rs):
//!   `exec <asdf dir>/bin/asdf exec "go" "$@"`. The version: `ASDF_GOLANG_VERSION`, else the
//!   first `golang` line of `.tool-versions` (`$ASDF_DEFAULT_TOOL_VERSIONS_FILENAME`) walking up
//!   from `$PWD` (the root itself excluded), with the plugin's legacy files (`.go-version`,
//!   `go.mod`, `go.work`, parsed by asdf-golang's `parse-legacy-file`) after it in each
//!   directory when `legacy_version_file = yes` (a `.asdfrc` walking up, `$ASDF_CONFIG_FILE` or
//!   `~/.asdfrc`, `$ASDF_DIR/defaults`); then the same in `$HOME`. Only a version the shim
//!   lists (`# asdf-plugin: golang <v>`), `system` or a `path:` one is run. The go run is the
//!   first `go` on `<install>/bin:<install>/go/bin:$PATH` without the shims directory, and
//!   asdf-golang's `exec-env` sets `GOROOT=<install>/go`, `GOPATH=<install>/packages` and
//!   `GOBIN=<install>/bin` when each is unset or empty;
//! * asdf 0.16+ (a Go program; `exec asdf exec "go" "$@"`), from its source: the same order
//!   but the root directory is searched too, `.tool-versions` lines are split on spaces after a
//!   `#` comment, `ASDF_TOOL_VERSIONS_FILENAME` is honoured, the settings come from
//!   `$ASDF_CONFIG_FILE` or `~/.asdfrc` only, and the go run is the first executable `go` in
//!   the install's `bin` then `go/bin`.
//!
//! Hooks (`pre_golang_go` in `.asdfrc`) and the network lookup asdf-golang makes for a legacy
//! file naming a version that is not installed are not modelled (the latter is said so).

use std::path::{Path, PathBuf};

use super::{
    command_v, file_line, find_upwards, go_error, read_text, step, version_sort, EnvChange,
    Followed, Kind, Launcher,
};
use crate::env_vars;
use crate::fs::cap;
use crate::host::Host;
use crate::resolve::{GoError, Outcome, Step};

const PLUGIN: &str = "golang";
const VERSION_VAR: &str = "ASDF_GOLANG_VERSION";

/// Which asdf wrote the shim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavour {
    /// 0.15 and before: bash, `exec <dir>/bin/asdf exec`.
    Bash,
    /// 0.16+: the Go rewrite, `exec asdf exec`.
    Go,
}

/// What an asdf shim says.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Shim {
    flavour: Flavour,
    /// The asdf program it execs (`asdf` for 0.16+, looked up on PATH).
    asdf: PathBuf,
    /// The command it runs (`go`).
    command: String,
    exec_line: usize,
    /// `golang` versions listed in the shim.
    versions: Vec<String>,
}

fn parse_shim(text: &str) -> Option<Shim> {
    let mut exec = None;
    let mut versions = Vec::new();
    let mut any_plugin = false;
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.find("# asdf-plugin: ").map(|p| &line[p + 15..]) {
            any_plugin = true;
            let mut parts = rest.split(' ');
            if parts.next() == Some(PLUGIN) {
                if let Some(v) = parts.next().filter(|v| !v.is_empty()) {
                    if !versions.iter().any(|x| x == v) {
                        versions.push(v.to_owned());
                    }
                }
            }
            continue;
        }
        let line = line.strip_suffix(" # asdf_allow: ' asdf '").unwrap_or(line);
        let Some(rest) = line.strip_prefix("exec ") else {
            continue;
        };
        let Some((program, tail)) = rest.split_once(" exec \"") else {
            continue;
        };
        let Some(command) = tail.strip_suffix("\" \"$@\"") else {
            continue;
        };
        let flavour = if program == "asdf" {
            Flavour::Go
        } else if program.ends_with("/bin/asdf") {
            Flavour::Bash
        } else {
            continue;
        };
        exec = Some((flavour, PathBuf::from(program), command.to_owned(), i + 1));
    }
    let (flavour, asdf, command, exec_line) = exec?;
    any_plugin.then_some(Shim {
        flavour,
        asdf,
        command,
        exec_line,
        versions,
    })
}

/// Recognises asdf's shim at `path` (its text `head`) and follows it for a go run in `dir`.
pub(crate) fn recognise(host: &Host, dir: &Path, path: &Path, head: &str) -> Option<Followed> {
    let shim = parse_shim(head)?;
    let mut run = Run {
        host,
        flavour: shim.flavour,
        data: data_dir(host),
        steps: Vec::new(),
    };
    let mut launcher = Launcher::new(Kind::Asdf, path);
    let next = run.decide(dir, path, &shim, &mut launcher);
    Some(Followed {
        launcher,
        steps: run.steps,
        next,
    })
}

/// `$ASDF_DATA_DIR`, else `~/.asdf`.
fn data_dir(host: &Host) -> PathBuf {
    match host.var_nonempty(env_vars::ASDF_DATA_DIR) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(format!("{}/.asdf", host.var("HOME").unwrap_or(""))),
    }
}

/// The versions found and where.
struct Found {
    versions: Vec<String>,
    /// The variable, or the file.
    source: Source,
}

enum Source {
    Env,
    File { path: PathBuf, line: usize },
}

impl Source {
    fn text(&self) -> String {
        match self {
            Source::Env => VERSION_VAR.to_owned(),
            Source::File { path, line } => file_line(path, *line),
        }
    }
}

struct Run<'a> {
    host: &'a Host,
    flavour: Flavour,
    data: PathBuf,
    steps: Vec<Step>,
}

impl Run<'_> {
    fn info(&mut self, rule: &'static str, candidate: Option<String>, reason: String) {
        self.steps
            .push(step(rule, candidate, Outcome::Info, reason, None));
    }

    fn fail(&mut self, candidate: Option<String>, e: GoError) -> Result<(PathBuf, Host), GoError> {
        self.steps.push(step(
            "asdf-version",
            candidate,
            Outcome::Failed,
            e.message.clone(),
            None,
        ));
        Err(e)
    }

    fn plugin_dir(&self) -> PathBuf {
        self.data.join("plugins").join(PLUGIN)
    }

    fn shims_dir(&self) -> String {
        format!("{}/shims", self.data.display())
    }

    fn decide(
        &mut self,
        dir: &Path,
        path: &Path,
        shim: &Shim,
        launcher: &mut Launcher,
    ) -> Result<(PathBuf, Host), GoError> {
        let host = self.host;
        let fs = host.fs();
        let label = match self.flavour {
            Flavour::Bash => "asdf 0.15 (bash)",
            Flavour::Go => "asdf 0.16+",
        };
        self.info(
            "asdf-shim",
            Some(path.display().to_string()),
            format!(
                "{label} shim: runs `{} exec {}` with ASDF_DATA_DIR={}",
                shim.asdf.display(),
                shim.command,
                self.data.display()
            ),
        );
        // The asdf program itself.
        let asdf_found = match self.flavour {
            Flavour::Bash => fs.exists(&host.absolute(&shim.asdf)),
            Flavour::Go => {
                command_v(host, host.var_os("PATH").unwrap_or_default(), "asdf").is_some()
            }
        };
        if !asdf_found {
            let message = match self.flavour {
                Flavour::Bash => format!(
                    "{}: line {}: {}: No such file or directory",
                    path.display(),
                    shim.exec_line,
                    shim.asdf.display()
                ),
                Flavour::Go => format!(
                    "{}: line {}: exec: asdf: not found",
                    path.display(),
                    shim.exec_line
                ),
            };
            return self.fail(None, go_error("asdf-missing", message, 127, false));
        }
        let command = shim.command.as_str();
        let shim_file = self.data.join("shims").join(command);
        if !fs.is_file(&shim_file) {
            let message = match self.flavour {
                Flavour::Bash => format!("unknown command: {command}. Perhaps you have to reshim?"),
                Flavour::Go => format!("unknown command: {command}"),
            };
            return self.fail(None, go_error("asdf-unknown-command", message, 1, false));
        }

        let Some(found) = self.find_versions(dir) else {
            let message = match self.flavour {
                Flavour::Bash => format!("No version is set for command {command}"),
                Flavour::Go => format!("no versions set for {command}"),
            };
            let code = if self.flavour == Flavour::Bash {
                126
            } else {
                1
            };
            return self.fail(None, go_error("asdf-no-version", message, code, true));
        };
        launcher.source = Some(found.source.text());
        launcher.version = Some(found.versions.join(" "));
        let home = host.var("HOME").unwrap_or("").to_owned();

        // Pick the version and the go it runs.
        let user_path = host
            .var_os("PATH")
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut chosen: Option<(String, PathBuf)> = None;
        let mut exec_path = None;
        match self.flavour {
            Flavour::Bash => {
                let version = found
                    .versions
                    .iter()
                    .find(|v| shim.versions.contains(v) || *v == "system" || v.starts_with("path:"))
                    .cloned();
                let Some(version) = version else {
                    let message = format!("No preset version installed for command {command}");
                    return self.fail(
                        Some(found.versions.join(" ")),
                        go_error("asdf-not-installed", message, 126, false),
                    );
                };
                let new_path = if version == "system" {
                    user_path.clone()
                } else {
                    if !fs.is_dir(&self.plugin_dir()) {
                        return self.fail(
                            Some(version),
                            go_error(
                                "asdf-no-plugin",
                                format!("No such plugin: {PLUGIN}"),
                                1,
                                true,
                            ),
                        );
                    }
                    let install = self.install_path(&version, &home);
                    let mut dirs = Vec::new();
                    let plugin_shims = self.plugin_dir().join("shims");
                    if fs.is_dir(&plugin_shims) {
                        dirs.push(plugin_shims.display().to_string());
                    }
                    for b in self.bin_dirs() {
                        dirs.push(format!("{}/{b}", install.display()));
                    }
                    dirs.push(user_path.clone());
                    dirs.join(":")
                };
                let search = remove_substring_path(&new_path, &self.shims_dir());
                let go = command_v(host, std::ffi::OsStr::new(&search), command);
                let Some(go) = go.filter(|g| fs.is_executable_file(g)) else {
                    let message = format!("No {command} executable found for {PLUGIN} {version}");
                    return self.fail(
                        Some(version),
                        go_error("asdf-no-executable", message, 2, true),
                    );
                };
                if version != "system" {
                    exec_path = Some(new_path);
                }
                chosen = Some((version, go));
            }
            Flavour::Go => {
                let mut candidates: Vec<String> = found
                    .versions
                    .iter()
                    .filter(|v| shim.versions.contains(v))
                    .cloned()
                    .collect();
                if found.versions.iter().any(|v| v == "system") {
                    candidates.push("system".to_owned());
                }
                candidates.extend(
                    found
                        .versions
                        .iter()
                        .filter(|v| v.starts_with("path:"))
                        .cloned(),
                );
                if candidates.is_empty() {
                    let message = format!("no versions set for {command}");
                    return self.fail(
                        Some(found.versions.join(" ")),
                        go_error("asdf-not-installed", message, 1, false),
                    );
                }
                for v in &candidates {
                    if v == "system" {
                        let search = remove_path_entry(&user_path, &self.shims_dir());
                        if let Some(go) = command_v(host, std::ffi::OsStr::new(&search), command) {
                            chosen = Some((v.clone(), go));
                        }
                        break;
                    }
                    let install = self.install_path(v, &home);
                    let go = self
                        .bin_dirs()
                        .iter()
                        .map(|b| install.join(b).join(command))
                        .find(|g| fs.is_executable_file(g));
                    let Some(go) = go else {
                        if v.starts_with("path:") {
                            break;
                        }
                        continue;
                    };
                    {
                        let mut dirs: Vec<String> = self
                            .bin_dirs()
                            .iter()
                            .map(|b| install.join(b).display().to_string())
                            .collect();
                        dirs.push(user_path.clone());
                        exec_path = Some(dirs.join(":"));
                        chosen = Some((v.clone(), go));
                        break;
                    }
                }
                if chosen.is_none() {
                    let message = format!(
                        "No {command} executable found for {PLUGIN} {}",
                        candidates.join(", ")
                    );
                    return self.fail(
                        Some(candidates.join(" ")),
                        go_error("asdf-no-executable", message, 1, false),
                    );
                }
            }
        }
        let Some((version, go)) = chosen else {
            return self.fail(
                None,
                go_error("asdf-no-executable", String::new(), 1, false),
            );
        };
        launcher.version = Some(version.clone());
        launcher.runs = Some(go.clone());
        let reason = match &found.source {
            Source::Env => format!("asdf runs golang {version}, set by {VERSION_VAR}"),
            Source::File { path, .. } => {
                format!("asdf runs golang {version}, set by {}", path.display())
            }
        };
        let reason = if version == "system" {
            format!(
                "{reason}: the next {command} on PATH without {}",
                self.shims_dir()
            )
        } else {
            reason
        };
        self.steps.push(step(
            "asdf-version",
            Some(go.display().to_string()),
            Outcome::Chosen,
            reason,
            Some(found.source.text()),
        ));

        // The environment: PATH, then asdf-golang's exec-env.
        let mut env = Vec::new();
        if version != "system" {
            let install = self.install_path(&version, &home);
            if fs.is_file(&self.plugin_dir().join("bin/exec-env")) {
                let install_text = install.display().to_string();
                for (name, value) in [
                    (env_vars::GOROOT, format!("{install_text}/go")),
                    (env_vars::GOPATH, format!("{install_text}/packages")),
                    (env_vars::GOBIN, format!("{install_text}/bin")),
                ] {
                    if host.var_nonempty(name).is_none() {
                        env.push(EnvChange {
                            name: name.to_owned(),
                            value: Some(value),
                        });
                    }
                }
            }
            if self.flavour == Flavour::Go {
                let (kind, value) = install_kind(&version);
                for (name, v) in [
                    ("ASDF_INSTALL_TYPE", kind.to_owned()),
                    ("ASDF_INSTALL_VERSION", value.to_owned()),
                    ("ASDF_INSTALL_PATH", install.display().to_string()),
                ] {
                    env.push(EnvChange {
                        name: name.to_owned(),
                        value: Some(v),
                    });
                }
            }
        }
        if let Some(p) = exec_path {
            env.push(EnvChange {
                name: env_vars::PATH.to_owned(),
                value: Some(p),
            });
        }
        let set: Vec<String> = env
            .iter()
            .filter(|c| c.name.starts_with("GO"))
            .map(|c| format!("{}={}", c.name, c.value.as_deref().unwrap_or("")))
            .collect();
        if !set.is_empty() {
            self.info(
                "asdf-exec-env",
                None,
                format!("asdf-golang's exec-env sets {}", set.join(" ")),
            );
        }
        launcher.env = env;
        let next_host = super::with_env(host, &launcher.env);
        Ok((go, next_host))
    }

    /// The install's executable directories: asdf-golang's `list-bin-paths` says `bin go/bin`
    /// (groot does not run it); without that script asdf uses `bin`.
    fn bin_dirs(&self) -> Vec<String> {
        let script = self.plugin_dir().join("bin/list-bin-paths");
        if self.host.fs().is_file(&script) {
            vec!["bin".into(), "go/bin".into()]
        } else {
            vec!["bin".into()]
        }
    }

    /// The install directory of a version (`ref:`, `path:` or plain).
    fn install_path(&self, version: &str, home: &str) -> PathBuf {
        let installs = self.data.join("installs").join(PLUGIN);
        match version.split_once(':') {
            Some(("ref", r)) => installs.join(format!("ref-{r}")),
            Some(("path", p)) => match p.strip_prefix("~/") {
                Some(rest) => PathBuf::from(format!("{home}/{rest}")),
                None => PathBuf::from(p),
            },
            _ => installs.join(version),
        }
    }

    /// `find_versions` (0.15) / `resolve.Version` (0.16+).
    fn find_versions(&mut self, dir: &Path) -> Option<Found> {
        let host = self.host;
        if let Some(v) = host.var_nonempty(VERSION_VAR) {
            let versions: Vec<String> = v.split_whitespace().map(str::to_owned).collect();
            return Some(Found {
                versions,
                source: Source::Env,
            });
        }
        let filename = self.tool_versions_name();
        let legacy = self.legacy_enabled(dir).then(legacy_filenames);
        let include_root = self.flavour == Flavour::Go;
        let legacy_ref = legacy.as_deref();
        let in_dir = |run: &mut Self, d: &Path| run.version_in_dir(d, &filename, legacy_ref);
        if let Some(f) = find_upwards(dir, include_root, |d| in_dir(self, d)) {
            return Some(f);
        }
        if let Some(home) = host.home() {
            if let Some(f) = in_dir(self, &home) {
                return Some(f);
            }
        }
        if self.flavour == Flavour::Bash {
            // `[ -f "$ASDF_DEFAULT_TOOL_VERSIONS_FILENAME" ]`, relative to $PWD.
            let p = crate::fs::clean(&dir.join(&filename));
            if let Some(f) = self.tool_versions(&p) {
                return Some(f);
            }
        }
        None
    }

    fn tool_versions_name(&self) -> String {
        let get = |n: &str| self.host.var_nonempty(n).map(str::to_owned);
        match self.flavour {
            Flavour::Bash => get("ASDF_DEFAULT_TOOL_VERSIONS_FILENAME"),
            Flavour::Go => get("ASDF_TOOL_VERSIONS_FILENAME")
                .or_else(|| get("ASDF_DEFAULT_TOOL_VERSIONS_FILENAME")),
        }
        .unwrap_or_else(|| ".tool-versions".to_owned())
    }

    fn version_in_dir(
        &mut self,
        dir: &Path,
        filename: &str,
        legacy: Option<&[&'static str]>,
    ) -> Option<Found> {
        let file = PathBuf::from(format!(
            "{}/{filename}",
            dir.display().to_string().trim_end_matches('/')
        ));
        if let Some(f) = self.tool_versions(&file) {
            return Some(f);
        }
        for name in legacy.unwrap_or_default() {
            let p = dir.join(name);
            let present = match self.flavour {
                Flavour::Bash => self.host.fs().is_file(&p),
                Flavour::Go => self.host.fs().exists(&p),
            };
            if !present {
                continue;
            }
            match self.legacy_version(&p) {
                Some(v) if !v.is_empty() => {
                    return Some(Found {
                        versions: v.split_whitespace().map(str::to_owned).collect(),
                        source: Source::File { path: p, line: 1 },
                    })
                }
                _ if self.flavour == Flavour::Go => return None,
                _ => {}
            }
        }
        None
    }

    /// The `golang` line of a `.tool-versions` file.
    fn tool_versions(&self, file: &Path) -> Option<Found> {
        if !self.host.fs().is_file(file) {
            return None;
        }
        let text = read_text(self.host, file, cap::TOOL_VERSIONS).ok()?;
        for (i, line) in text.split('\n').enumerate() {
            let versions: Vec<String> = match self.flavour {
                Flavour::Bash => {
                    // sed '/^[[:blank:]]*#/d;s/#.*//;s/[[:blank:]]*$//' | grep "^golang "
                    if line.trim_start_matches([' ', '\t']).starts_with('#') {
                        continue;
                    }
                    let line = line.split('#').next().unwrap_or("");
                    let line = line.trim_end_matches([' ', '\t']);
                    let Some(rest) = line.strip_prefix("golang ") else {
                        continue;
                    };
                    rest.split(' ')
                        .filter(|w| !w.is_empty())
                        .map(str::to_owned)
                        .collect()
                }
                Flavour::Go => {
                    let pre = line.split('#').next().unwrap_or("");
                    let tokens: Vec<&str> = pre
                        .split(' ')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .collect();
                    if tokens.len() < 2 || tokens[0] != PLUGIN {
                        continue;
                    }
                    tokens[1..].iter().map(|t| (*t).to_owned()).collect()
                }
            };
            if versions.is_empty() {
                // 0.15: a `golang ` line with only blanks after it names nothing.
                continue;
            }
            let versions = versions
                .into_iter()
                .map(|v| match v.strip_prefix("path:~/") {
                    Some(rest) => format!("path:{}/{rest}", self.host.var("HOME").unwrap_or("")),
                    None => v,
                })
                .collect();
            return Some(Found {
                versions,
                source: Source::File {
                    path: file.to_path_buf(),
                    line: i + 1,
                },
            });
        }
        None
    }

    /// Whether `legacy_version_file = yes`.
    fn legacy_enabled(&self, dir: &Path) -> bool {
        let host = self.host;
        let home = host.var("HOME").unwrap_or("");
        let config = host
            .var_nonempty("ASDF_CONFIG_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(format!("{home}/.asdfrc")));
        match self.flavour {
            Flavour::Bash => {
                let local = find_upwards(dir, false, |d| {
                    let p = d.join(".asdfrc");
                    host.fs().is_file(&p).then_some(p)
                });
                let defaults = host
                    .var_nonempty("ASDF_DIR")
                    .map(PathBuf::from)
                    .map(|d| d.join("defaults"));
                for file in [local, Some(config), defaults].into_iter().flatten() {
                    if let Some(v) = self.config_value(&file, "legacy_version_file") {
                        return v == "yes";
                    }
                }
                false
            }
            Flavour::Go => self
                .config_value(&config, "legacy_version_file")
                .is_some_and(|v| v.eq_ignore_ascii_case("yes")),
        }
    }

    /// A key of an `.asdfrc`: every `key = value` line's value (0.15 joins up to 10 with
    /// newlines), `None` when the file or the key is missing.
    fn config_value(&self, file: &Path, key: &str) -> Option<String> {
        let text = read_text(self.host, file, cap::TOOL_VERSIONS).ok()?;
        let mut values = Vec::new();
        for line in text.lines() {
            let t = line.trim_start();
            let Some(rest) = t.strip_prefix(key) else {
                continue;
            };
            let Some(value) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            values.push(value.trim().to_owned());
            if self.flavour == Flavour::Go {
                break;
            }
        }
        values.truncate(10);
        let v = values.join("\n");
        (!v.is_empty()).then_some(v)
    }

    /// asdf-golang's `parse-legacy-file`: the newest installed version starting with what the
    /// file says (go.mod and go.work: the number after the first `go` line's `go`).
    fn legacy_version(&mut self, file: &Path) -> Option<String> {
        let text = read_text(self.host, file, cap::MOD_FILE).ok()?;
        let name = file.file_name()?.to_string_lossy().into_owned();
        let wanted = if name == "go.mod" || name == "go.work" {
            let line = text.lines().find(|l| {
                l.match_indices("go").any(|(i, _)| {
                    l[i + 2..]
                        .trim_start_matches(|c: char| c.is_whitespace())
                        .starts_with(|c: char| c.is_ascii_digit())
                })
            })?;
            // sed -E 's/[[:space:]]//' then 's/go([0-9]+).*/\1/'
            let mut l = line.to_owned();
            if let Some(i) = l.find(char::is_whitespace) {
                l.remove(i);
            }
            match l
                .find("go")
                .filter(|i| l[i + 2..].starts_with(|c: char| c.is_ascii_digit()))
            {
                Some(i) => {
                    let digits: String = l[i + 2..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    format!("{}{digits}", &l[..i])
                }
                None => l,
            }
        } else {
            text.trim_end_matches('\n').to_owned()
        };
        let installs = self.data.join("installs").join(PLUGIN);
        let mut names: Vec<String> = self
            .host
            .fs()
            .read_dir(&installs)
            .map(|es| {
                es.into_iter()
                    .filter(|e| self.host.fs().is_dir(&e.path))
                    .map(|e| e.name.to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        names.sort_by(|a, b| version_sort(a, b));
        let hit = names.into_iter().rev().find(|n| n.starts_with(&wanted));
        if hit.is_none() {
            self.info(
                "asdf-legacy",
                Some(file.display().to_string()),
                format!(
                    "{} asks for {wanted}, which is not installed: asdf-golang asks the network for the latest stable {wanted}, which groot does not predict",
                    file.display()
                ),
            );
        }
        hit
    }
}

/// asdf-golang's `list-legacy-filenames`.
fn legacy_filenames() -> Vec<&'static str> {
    vec![".go-version", "go.mod", "go.work"]
}

/// `ASDF_INSTALL_TYPE` and `ASDF_INSTALL_VERSION` of a version string.
fn install_kind(version: &str) -> (&str, &str) {
    match version.split_once(':') {
        Some(("ref", r)) => ("ref", r),
        Some(("path", p)) => ("path", p),
        _ => ("version", version),
    }
}

/// 0.15's `remove_path_from_path`: every occurrence of `dir` removed as a substring, then
/// `::` squeezed.
fn remove_substring_path(path: &str, dir: &str) -> String {
    if dir.is_empty() {
        return path.to_owned();
    }
    path.replace(dir, "").replace("::", ":")
}

/// 0.16's `paths.RemoveFromPath`: drops entries equal to `dir`.
fn remove_path_entry(path: &str, dir: &str) -> String {
    path.split(':')
        .filter(|e| *e != dir)
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shim_forms() {
        let bash = "#!/usr/bin/env bash\n# asdf-plugin: golang 1.22.10\n# asdf-plugin: golang 1.21.13\nexec /opt/asdf/bin/asdf exec \"go\" \"$@\" # asdf_allow: ' asdf '\n";
        let s = parse_shim(bash).expect("0.15");
        assert_eq!(s.flavour, Flavour::Bash);
        assert_eq!(s.asdf, PathBuf::from("/opt/asdf/bin/asdf"));
        assert_eq!(s.versions, vec!["1.22.10", "1.21.13"]);
        assert_eq!(s.exec_line, 4);
        let go = "#!/usr/bin/env bash\n# asdf-plugin: golang 1.22.10\nexec asdf exec \"go\" \"$@\"";
        let s = parse_shim(go).expect("0.16");
        assert_eq!(s.flavour, Flavour::Go);
        assert_eq!(s.command, "go");
        assert_eq!(
            parse_shim("#!/bin/sh\nexec asdf exec \"go\" \"$@\"\n"),
            None
        );
    }

    /// A rooted machine with an asdf 0.16+ shim in front of `golang 1.22.10`.
    #[cfg(unix)]
    fn go_flavour_machine() -> (tempfile::TempDir, Host, String) {
        use std::os::unix::fs::PermissionsExt as _;
        let t = tempfile::tempdir().expect("tmp");
        let put = |p: &str, text: &str, exec: bool| {
            let real = t.path().join(p.trim_start_matches('/'));
            std::fs::create_dir_all(real.parent().expect("parent")).expect("mkdir");
            std::fs::write(&real, text).expect("write");
            if exec {
                std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o755))
                    .expect("chmod");
            }
        };
        let shim = "#!/usr/bin/env bash\n# asdf-plugin: golang 1.22.10\n# asdf-plugin: golang 1.21.13\nexec asdf exec \"go\" \"$@\"";
        put("/home/u/.asdf/shims/go", shim, true);
        put("/usr/bin/asdf", "", true);
        put("/usr/bin/go", "", true);
        put("/home/u/.asdf/plugins/golang/bin/exec-env", "", true);
        put(
            "/home/u/.asdf/plugins/golang/bin/list-bin-paths",
            "echo -n \"bin go/bin\"",
            true,
        );
        for v in ["1.22.10", "1.21.13"] {
            put(
                &format!("/home/u/.asdf/installs/golang/{v}/go/bin/go"),
                "",
                true,
            );
        }
        put("/home/u/.tool-versions", "golang 1.22.10\n", false);
        let host = Host::fake(t.path(), crate::host::Os::Linux)
            .with_var("HOME", "/home/u")
            .with_var("PATH", "/home/u/.asdf/shims:/usr/bin");
        (t, host, shim.to_owned())
    }

    #[cfg(unix)]
    fn env_of(f: &Followed, name: &str) -> Option<String> {
        f.launcher
            .env
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.value.clone())
    }

    /// asdf 0.16+ as read from its source: the install's go, exec-env's GOROOT when unset,
    /// `/.tool-versions` read too, `system` from PATH without the shims.
    #[cfg(unix)]
    #[test]
    fn go_flavour_follows_asdf_source() {
        let (t, host, shim) = go_flavour_machine();
        let dir = Path::new("/home/u/proj");
        std::fs::create_dir_all(t.path().join("home/u/proj")).expect("mkdir");
        let path = Path::new("/home/u/.asdf/shims/go");
        let f = recognise(&host, dir, path, &shim).expect("recognised");
        assert_eq!(
            f.launcher.runs.as_deref(),
            Some(Path::new("/home/u/.asdf/installs/golang/1.22.10/go/bin/go"))
        );
        assert_eq!(
            env_of(&f, "GOROOT").as_deref(),
            Some("/home/u/.asdf/installs/golang/1.22.10/go")
        );
        assert_eq!(
            f.launcher.source.as_deref(),
            Some("/home/u/.tool-versions:1")
        );
        // A GOROOT already set is kept.
        let kept = host.clone().with_var("GOROOT", "/opt/go");
        let f = recognise(&kept, dir, path, &shim).expect("recognised");
        assert_eq!(env_of(&f, "GOROOT"), None);
        // 0.16+ reads /.tool-versions when nothing nearer says (0.15 stops below /).
        std::fs::remove_file(t.path().join("home/u/.tool-versions")).expect("rm");
        std::fs::write(t.path().join(".tool-versions"), "golang 1.21.13\n").expect("write");
        let f = recognise(&host, dir, path, &shim).expect("recognised");
        assert_eq!(f.launcher.version.as_deref(), Some("1.21.13"));
        // system: the next go on PATH without the shims directory.
        let sys = host.clone().with_var("ASDF_GOLANG_VERSION", "system");
        let f = recognise(&sys, dir, path, &shim).expect("recognised");
        assert_eq!(f.launcher.runs.as_deref(), Some(Path::new("/usr/bin/go")));
        // A version the shim does not list.
        let missing = host.clone().with_var("ASDF_GOLANG_VERSION", "1.99.0");
        let f = recognise(&missing, dir, path, &shim).expect("recognised");
        let e = f.next.as_ref().err().map(|e| e.message.as_str());
        assert_eq!(e, Some("no versions set for go"));
        // No asdf on PATH: the shim's exec fails.
        let noasdf = host.clone().with_var("PATH", "/home/u/.asdf/shims");
        let f = recognise(&noasdf, dir, path, &shim).expect("recognised");
        assert_eq!(f.next.as_ref().err().map(|e| e.code), Some("asdf-missing"));
    }

    #[test]
    fn path_removal() {
        assert_eq!(remove_substring_path("/a:/d/shims:/b", "/d/shims"), "/a:/b");
        assert_eq!(remove_path_entry("/a:/d/shims:/b", "/d/shims"), "/a:/b");
    }
}
