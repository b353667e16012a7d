//! goenv 2.x (bash) as a launcher, as its own scripts decide (read from the 2.2.44 release):
//!
//! * the shim (`goenv-rehash`'s template) exports the `GOENV_ROOT` it was made with and execs
//!   `<goenv> exec go`;
//! * `goenv-version-name`: `GOENV_VERSION`, else the first `.go-version` (any file type: `-e`)
//!   walking up from `GOENV_DIR` (default `$PWD`; `go.mod` too with
//!   `GOENV_GOMOD_VERSION_ENABLE=1`), else `$GOENV_ROOT/version`. A found file that is not a
//!   regular file or holds no usable word (an empty `.go-version`) means `system`, it does not
//!   fall through to the global file. `1.22` means the newest installed `1.22.x`;
//! * `goenv-which`: `$GOENV_ROOT/versions/<v>/bin/go` (or `~/go/<v>/bin/go`), or for `system`
//!   the next `go` on PATH without `$GOENV_ROOT/shims`;
//! * `goenv-exec`: for a non-system version `GOROOT=$(goenv prefix)` (unless
//!   `GOENV_DISABLE_GOROOT=1`) and `GOPATH=~/go/<v>` (unless `GOENV_DISABLE_GOPATH=1`;
//!   `GOENV_GOPATH_PREFIX`, `GOENV_APPEND_GOPATH`, `GOENV_PREPEND_GOPATH`), and PATH
//!   `<bin>:$GOROOT/bin:<goenv's libexec and plugins>:$PATH`.
//!
//! goenv's hook scripts (`goenv.d`) are not modelled; a `go` run with a file argument
//! (`GOENV_FILE_ARG`) searches from that file's directory, which groot does not see.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::{
    command_v, file_line, go_error, read_text, step, version_sort, EnvChange, Followed, Kind,
    Launcher,
};
use crate::host::Host;
use crate::resolve::{GoError, Outcome, Step};

const ROOT_LINE: &str = "export GOENV_ROOT=\"";
const EXEC_PREFIX: &str = "exec \"";
const EXEC_SUFFIX: &str = "\" exec \"$program\" \"$@\"";

/// What a goenv shim says: the root it exports and the goenv it execs (with their lines).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Shim {
    root: PathBuf,
    goenv: PathBuf,
    exec_line: usize,
}

/// The shim `goenv rehash` writes, recognised by its content.
fn parse_shim(text: &str) -> Option<Shim> {
    if !text.contains("program=\"${0##*/}\"") {
        return None;
    }
    let mut root = None;
    let mut exec = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(v) = line
            .strip_prefix(ROOT_LINE)
            .and_then(|r| r.strip_suffix('"'))
        {
            root = Some(PathBuf::from(v));
        } else if let Some(v) = line
            .strip_prefix(EXEC_PREFIX)
            .and_then(|r| r.strip_suffix(EXEC_SUFFIX))
        {
            exec = Some((PathBuf::from(v), i + 1));
        }
    }
    let (goenv, exec_line) = exec?;
    Some(Shim {
        root: root?,
        goenv,
        exec_line,
    })
}

/// Recognises goenv's shim at `path` (its text `head`) and follows it for a go run in `dir`.
pub(crate) fn recognise(host: &Host, dir: &Path, path: &Path, head: &str) -> Option<Followed> {
    let shim = parse_shim(head)?;
    Some(follow(host, dir, path, &shim))
}

/// Where the version came from, as `goenv version-origin` says it.
#[derive(Clone, Debug)]
enum Origin {
    Env,
    File(PathBuf),
}

impl Origin {
    fn text(&self) -> String {
        match self {
            Origin::Env => "GOENV_VERSION environment variable".to_owned(),
            Origin::File(p) => p.display().to_string(),
        }
    }
}

struct Run<'a> {
    host: &'a Host,
    root: PathBuf,
    steps: Vec<Step>,
}

fn follow(host: &Host, dir: &Path, path: &Path, shim: &Shim) -> Followed {
    let root_text = shim.root.display().to_string();
    let root = PathBuf::from(root_text.strip_suffix('/').unwrap_or(&root_text));
    let mut launcher = Launcher::new(Kind::Goenv, path);
    let mut run = Run {
        host,
        root,
        steps: Vec::new(),
    };
    let program = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "go".to_owned());
    let next = run.decide(dir, path, shim, &program, &mut launcher);
    Followed {
        launcher,
        steps: run.steps,
        next,
    }
}

impl Run<'_> {
    fn info(
        &mut self,
        rule: &'static str,
        candidate: Option<String>,
        reason: String,
        source: Option<String>,
    ) {
        self.steps
            .push(step(rule, candidate, Outcome::Info, reason, source));
    }

    fn fail(
        &mut self,
        rule: &'static str,
        candidate: Option<String>,
        e: GoError,
    ) -> Result<(PathBuf, Host), GoError> {
        self.steps.push(step(
            rule,
            candidate,
            Outcome::Failed,
            e.message.clone(),
            None,
        ));
        Err(e)
    }

    fn versions_dir(&self) -> PathBuf {
        self.root.join("versions")
    }

    fn decide(
        &mut self,
        dir: &Path,
        path: &Path,
        shim: &Shim,
        program: &str,
        launcher: &mut Launcher,
    ) -> Result<(PathBuf, Host), GoError> {
        let host = self.host;
        let fs = host.fs();
        self.info(
            "goenv-shim",
            Some(path.display().to_string()),
            format!(
                "goenv's shim: GOENV_ROOT={} (set by the shim), runs `{} exec {program}`",
                self.root.display(),
                shim.goenv.display()
            ),
            Some(file_line(path, shim.exec_line)),
        );
        let goenv = host.absolute(&shim.goenv);
        let Ok(resolved) = fs.canonicalize(&goenv) else {
            let e = go_error(
                "goenv-missing",
                format!(
                    "{}: line {}: {}: No such file or directory",
                    path.display(),
                    shim.exec_line,
                    shim.goenv.display()
                ),
                127,
                false,
            );
            return self.fail("goenv-shim", Some(shim.goenv.display().to_string()), e);
        };
        // goenv's directory: `abs_dirname "$0"` (libexec/goenv:102).
        let bin_path = crate::fs::dir(&resolved.path);

        // GOENV_DIR (libexec/goenv:91-98).
        let goenv_dir = match host.var_nonempty("GOENV_DIR") {
            None => dir.to_path_buf(),
            Some(d) => {
                let d = crate::fs::clean(&dir.join(d));
                if !fs.is_dir(&d) {
                    let e = go_error(
                        "goenv-dir",
                        format!(
                            "goenv: cannot change working directory to '{}'",
                            d.display()
                        ),
                        1,
                        true,
                    );
                    return self.fail("goenv-dir", Some(d.display().to_string()), e);
                }
                d
            }
        };

        // goenv-version-name.
        let (spec, origin) = self.version_spec(&goenv_dir, dir);
        let mut resolved_versions = Vec::new();
        if spec.is_empty() || spec == "system" {
            resolved_versions.push("system".to_owned());
        } else {
            let mut missing = Vec::new();
            for v in split_colon(&spec) {
                if let Some(r) = self.version_exists(v) {
                    resolved_versions.push(r);
                } else if v == "system" {
                    resolved_versions.push(v.to_owned());
                } else if let Some(r) = v.strip_prefix("go-").and_then(|s| self.version_exists(s)) {
                    resolved_versions.push(r);
                } else {
                    missing.push(v.to_owned());
                }
            }
            if let Some(v) = missing.first() {
                let e = go_error(
                    "goenv-version-not-installed",
                    format!(
                        "goenv: version '{v}' is not installed (set by {})",
                        origin.text()
                    ),
                    1,
                    true,
                );
                launcher.version = Some(spec.clone());
                launcher.source = Some(origin.text());
                return self.fail("goenv-version", Some(v.clone()), e);
            }
        }
        let version = resolved_versions.join(":");
        launcher.version = Some(version.clone());
        launcher.source = Some(match &origin {
            Origin::Env => "GOENV_VERSION".to_owned(),
            Origin::File(p) if self.host.fs().is_file(p) => self.version_line(p),
            Origin::File(p) => p.display().to_string(),
        });
        if version != spec && !spec.is_empty() {
            self.info(
                "goenv-version",
                Some(version.clone()),
                format!("goenv resolves {spec} to the installed {version}"),
                None,
            );
        }

        // PATH as goenv's own scripts see it (libexec/goenv:103-109).
        let user_path = host.var_os("PATH").map(OsString::from).unwrap_or_default();
        // Prepended in this order: goenv's own plugins, GOENV_ROOT's plugins, then libexec.
        let mut ordered = vec![bin_path.clone()];
        ordered.extend(
            plugin_bins(host, &self.root.join("plugins"))
                .into_iter()
                .rev(),
        );
        ordered.extend(
            plugin_bins(host, &crate::fs::dir(&bin_path).join("plugins"))
                .into_iter()
                .rev(),
        );
        let goenv_path = join_path(host, &ordered, &user_path);

        // goenv-which.
        let home = host.var("HOME").unwrap_or("").to_owned();
        let gopath_prefix = host
            .var_nonempty("GOENV_GOPATH_PREFIX")
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{home}/go"));
        let disable_gopath = host.var("GOENV_DISABLE_GOPATH") == Some("1");
        let shims = format!("{}/shims", self.root.display());
        let mut command: Option<PathBuf> = None;
        for v in &resolved_versions {
            let candidate = if v == "system" {
                let path = remove_from_path(&goenv_path.to_string_lossy(), &shims);
                command_v(host, std::ffi::OsStr::new(&path), program)
            } else {
                Some(self.versions_dir().join(v).join("bin").join(program))
            };
            if let Some(c) = candidate.filter(|c| fs.is_executable_file(c)) {
                command = Some(c);
                break;
            }
            if v != "system" && !disable_gopath {
                let c = PathBuf::from(format!("{gopath_prefix}/{v}/bin/{program}"));
                if fs.is_executable_file(&c) {
                    command = Some(c);
                    break;
                }
            }
        }
        let Some(command) = command else {
            let e = go_error(
                "goenv-command-not-found",
                format!("goenv: '{program}' command not found"),
                127,
                true,
            );
            return self.fail("goenv-which", Some(version), e);
        };
        self.steps.push(step(
            "goenv-version",
            Some(command.display().to_string()),
            Outcome::Chosen,
            match (&origin, version.as_str()) {
                (_, "system") => format!(
                    "goenv runs the system {program} ({}): the first on PATH without {shims}",
                    if spec.is_empty() {
                        "no version set"
                    } else {
                        "version system"
                    }
                ),
                (Origin::Env, _) => format!("goenv runs {version}, set by GOENV_VERSION"),
                (Origin::File(p), _) => format!("goenv runs {version}, set by {}", p.display()),
            },
            match &origin {
                Origin::Env => Some("GOENV_VERSION".to_owned()),
                Origin::File(p) => Some(self.version_line(p)),
            },
        ));
        launcher.runs = Some(command.clone());

        // goenv-exec.
        let mut env = vec![
            EnvChange {
                name: "GOENV_ROOT".into(),
                value: Some(self.root.display().to_string()),
            },
            EnvChange {
                name: "GOENV_DIR".into(),
                value: Some(goenv_dir.display().to_string()),
            },
            EnvChange {
                name: "GOENV_VERSION".into(),
                value: Some(version.clone()),
            },
        ];
        let mut goroot = host.var("GOROOT").map(str::to_owned);
        if version != "system" {
            if host.var("GOENV_DISABLE_GOROOT") != Some("1") {
                let prefix = self.prefix(&resolved_versions, &goenv_path, &shims);
                if prefix.is_empty() {
                    self.info(
                        "goenv-goroot",
                        None,
                        format!(
                            "`goenv prefix` fails for {version}: goenv exports an empty GOROOT"
                        ),
                        None,
                    );
                }
                goroot = Some(prefix.clone());
                env.push(EnvChange {
                    name: "GOROOT".into(),
                    value: Some(prefix),
                });
            }
            if !disable_gopath {
                let current = host.var_nonempty("GOPATH");
                let mine = format!("{gopath_prefix}/{version}");
                let value = match current {
                    Some(g) if host.var("GOENV_APPEND_GOPATH") == Some("1") => {
                        format!("{mine}:{g}")
                    }
                    Some(g) if host.var("GOENV_PREPEND_GOPATH") == Some("1") => {
                        format!("{g}:{mine}")
                    }
                    _ => mine,
                };
                env.push(EnvChange {
                    name: "GOPATH".into(),
                    value: Some(value),
                });
            }
        }
        let bin_dir = crate::fs::dir(&command);
        let new_path = format!(
            "{}:{}/bin:{}",
            bin_dir.display(),
            goroot.as_deref().unwrap_or(""),
            goenv_path.to_string_lossy()
        );
        env.push(EnvChange {
            name: "PATH".into(),
            value: Some(new_path),
        });
        let changed: Vec<String> = env
            .iter()
            .filter(|c| matches!(c.name.as_str(), "GOROOT" | "GOPATH"))
            .map(|c| format!("{}={}", c.name, c.value.as_deref().unwrap_or("")))
            .collect();
        if !changed.is_empty() {
            self.info(
                "goenv-exec",
                None,
                format!("`goenv exec` sets {}", changed.join(" ")),
                None,
            );
        }
        launcher.env = env;
        let next_host = super::with_env(host, &launcher.env);
        Ok((command, next_host))
    }

    /// The version asked for and where it came from (`goenv-version-name`, `goenv-version-file`,
    /// `goenv-version-file-read`). An empty string means system.
    fn version_spec(&mut self, goenv_dir: &Path, pwd: &Path) -> (String, Origin) {
        if let Some(v) = self.host.var_nonempty("GOENV_VERSION") {
            return (v.to_owned(), Origin::Env);
        }
        let gomod = self.host.var("GOENV_GOMOD_VERSION_ENABLE") == Some("1");
        let file = find_local_version_file(self.host, goenv_dir, gomod)
            .or_else(|| {
                (goenv_dir != pwd)
                    .then(|| find_local_version_file(self.host, pwd, gomod))
                    .flatten()
            })
            .unwrap_or_else(|| self.root.join("version"));
        let versions = read_version_file(self.host, &file);
        if versions.is_none() && self.host.fs().exists(&file) {
            self.info(
                "goenv-version-file",
                Some(file.display().to_string()),
                format!(
                    "{} names no version: goenv uses the system go",
                    file.display()
                ),
                Some(file_line(&file, 1)),
            );
        }
        (versions.unwrap_or_default(), Origin::File(file))
    }

    /// `file:line` of the first version word in a version file.
    fn version_line(&self, file: &Path) -> String {
        let line = read_text(self.host, file, crate::fs::cap::MOD_FILE)
            .ok()
            .and_then(|t| {
                t.lines()
                    .position(|l| first_word(l).is_some_and(|w| usable_word(&w)))
                    .map(|i| i + 1)
            })
            .unwrap_or(1);
        file_line(file, line)
    }

    /// `version_exists` of goenv-version-name: the installed name `input` stands for.
    fn version_exists(&self, input: &str) -> Option<String> {
        let fs = self.host.fs();
        let versions = self.versions_dir();
        let mut version = input.to_owned();
        if fs.is_dir(&versions) && is_numeric_version(input) {
            let full = is_full_version(input);
            let mut names: Vec<String> = installed_names(self.host, &versions, false)
                .into_iter()
                .filter(|n| name_matches(n, input, full))
                .collect();
            names.sort_by(|a, b| version_sort(a, b));
            version = names.pop()?;
        }
        fs.is_dir(&versions.join(&version)).then_some(version)
    }

    /// `goenv prefix` for the resolved versions: the GOROOT goenv-exec exports, or empty when it
    /// fails.
    fn prefix(&self, versions: &[String], goenv_path: &OsString, shims: &str) -> String {
        let mut out = Vec::new();
        let mut listed: Option<Vec<String>> = None;
        for v in versions {
            // A full X.Y.Z is installed when its directory is (no listing needed).
            if is_full_version(v) && self.host.fs().is_dir(&self.versions_dir().join(v)) {
                out.push(self.versions_dir().join(v).display().to_string());
                continue;
            }
            if v == "system" {
                let path = remove_from_path(&goenv_path.to_string_lossy(), shims);
                let Some(go) = command_v(self.host, std::ffi::OsStr::new(&path), "go") else {
                    return String::new();
                };
                let text = go.display().to_string();
                match text.rfind("/bin/") {
                    Some(i) => out.push(text[..i].to_owned()),
                    None => out.push(text),
                }
                continue;
            }
            let installed = listed.get_or_insert_with(|| {
                let mut v = installed_names(self.host, &self.versions_dir(), true);
                v.sort_by(|a, b| version_sort(a, b));
                v
            });
            let Some(p) = goenv_installed(installed, v) else {
                return String::new();
            };
            out.push(self.versions_dir().join(p).display().to_string());
        }
        out.join(":")
    }
}

/// `find_local_version_file` (libexec/goenv-version-file): `.go-version` (any type) or, when
/// enabled, `go.mod` in `dir` and each parent up to `/`.
fn find_local_version_file(host: &Host, dir: &Path, gomod: bool) -> Option<PathBuf> {
    let fs = host.fs();
    let mut root = dir.display().to_string();
    loop {
        if root.starts_with("//") && !root[2..].contains('/') {
            return None;
        }
        let v = PathBuf::from(format!("{root}/.go-version"));
        if fs.exists(&v) {
            return Some(v);
        }
        let m = PathBuf::from(format!("{root}/go.mod"));
        if gomod && fs.exists(&m) {
            return Some(m);
        }
        if root.is_empty() {
            return None;
        }
        match root.rfind('/') {
            Some(i) => root.truncate(i),
            None => return None,
        }
    }
}

/// The first word of a line as goenv's `sed` takes it (at most 1024 bytes of the line, a word
/// not starting with `#`).
fn first_word(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    let cut = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(cut);
    let t = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    if t.is_empty() || t.starts_with('#') {
        return None;
    }
    let end = t.find(|c: char| c.is_ascii_whitespace()).unwrap_or(t.len());
    Some(t[..end].to_owned())
}

/// goenv's filter against path traversal (CVE-2022-35861).
fn usable_word(w: &str) -> bool {
    !w.is_empty() && !w.starts_with('#') && w != ".." && !w.contains('/')
}

/// `goenv-version-file-read`: the versions a file names, joined with `:`; `None` when it is not
/// a regular file or names none.
fn read_version_file(host: &Host, file: &Path) -> Option<String> {
    if !host.fs().is_file(file) {
        return None;
    }
    let text = read_text(host, file, crate::fs::cap::MOD_FILE).ok()?;
    let words: Vec<String> = if file.file_name().is_some_and(|n| n == "go.mod") {
        gomod_versions(&text)
    } else {
        text.lines()
            .filter_map(first_word)
            .filter(|w| usable_word(w))
            .collect()
    };
    let first = words.first()?;
    if first.is_empty() {
        return None;
    }
    Some(words.join(":"))
}

/// `[ \t]` as goenv writes it inside double quotes: grep sees `[ \t]`, which in an ERE bracket
/// is a space, a backslash or a `t`.
fn blank(c: u8) -> bool {
    matches!(c, b' ' | b'\\' | b't')
}

/// Whether `s` starts with `go[ \t]*[0-9]+\.[0-9]+`; returns the length of `go[ \t]*`.
fn go_version_at(s: &[u8]) -> Option<usize> {
    if !s.starts_with(b"go") {
        return None;
    }
    let mut i = 2;
    while i < s.len() && blank(s[i]) {
        i += 1;
    }
    let spaces_end = i;
    // Backtracking: `[ \t]*` may give back a `t`, but a digit must follow it, so no.
    let d = s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if d == 0 {
        return None;
    }
    i += d;
    if s.get(i) != Some(&b'.') || !s.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(spaces_end)
}

/// The versions goenv reads from go.mod (`goenv-version-file-read`): the `toolchain` line when
/// there is one, else every line holding `go<version>`, with the first `go[ \t]*` removed, split
/// into words.
fn gomod_versions(text: &str) -> Vec<String> {
    let has_toolchain = text.lines().any(|l| l.starts_with("toolchain"));
    let mut out = Vec::new();
    for line in text.lines() {
        let b = line.as_bytes();
        let rest = if has_toolchain {
            let Some(after) = line.strip_prefix("toolchain") else {
                continue;
            };
            let skip = after.bytes().take_while(|c| blank(*c)).count();
            let after = &after[skip..];
            match go_version_at(after.as_bytes()) {
                Some(n) => after[n..].to_owned(),
                None => continue,
            }
        } else {
            if !(0..b.len()).any(|i| go_version_at(&b[i..]).is_some()) {
                continue;
            }
            // sed removes the first `go[ \t]*`, wherever it is.
            let Some(i) = line.find("go") else { continue };
            let n = 2 + b[i + 2..].iter().take_while(|c| blank(**c)).count();
            format!("{}{}", &line[..i], &line[i + n..])
        };
        out.extend(rest.split_ascii_whitespace().map(str::to_owned));
    }
    out
}

/// `^[0-9]+\.[0-9]+\.?[0-9]*$`
fn is_numeric_version(s: &str) -> bool {
    let Some((major, rest)) = s.split_once('.') else {
        return false;
    };
    let minor_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let tail = &rest[minor_len..];
    let tail = tail.strip_prefix('.').unwrap_or(tail);
    all_digits(major) && minor_len > 0 && tail.bytes().all(|c| c.is_ascii_digit())
}

/// `^[0-9]+\.[0-9]+\.[0-9]+$`
fn is_full_version(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| all_digits(p))
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

/// Whether a name in `versions/` matches goenv's regex for `input`: the input with only its
/// first `.` escaped (the others match any character), plus `(\.[0-9]+)?` when `input` is not a
/// full `X.Y.Z`.
fn name_matches(name: &str, input: &str, full: bool) -> bool {
    let Some((major, rest)) = input.split_once('.') else {
        return false;
    };
    let Some(n) = name.strip_prefix(major).and_then(|n| n.strip_prefix('.')) else {
        return false;
    };
    let (nb, rb) = (n.as_bytes(), rest.as_bytes());
    if nb.len() < rb.len() {
        return false;
    }
    if !rb.iter().zip(nb.iter()).all(|(r, c)| *r == b'.' || r == c) {
        return false;
    }
    let tail = &n[rb.len()..];
    if tail.is_empty() {
        return true;
    }
    !full && tail.strip_prefix('.').is_some_and(all_digits)
}

/// The names `ls $GOENV_ROOT/versions` lists (non-hidden); with `dirs_only`, those that are
/// directories (`goenv versions --bare`).
fn installed_names(host: &Host, versions: &Path, dirs_only: bool) -> Vec<String> {
    host.fs()
        .read_dir(versions)
        .map(|entries| {
            entries
                .into_iter()
                .filter(|e| !e.name.to_string_lossy().starts_with('.'))
                .filter(|e| !dirs_only || host.fs().is_dir(&e.path))
                .map(|e| e.name.to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `goenv-installed <version>` over the installed names (sorted with `sort -V`).
fn goenv_installed(installed: &[String], version: &str) -> Option<String> {
    let latest = |pred: &dyn Fn(&str) -> bool| installed.iter().rev().find(|n| pred(n)).cloned();
    // `latest_minor`: ^<minor>\.?([0-9]+)?$ (an rc minor drops its number).
    let latest_minor = |minor: &str| {
        let minor = match minor.find("rc") {
            Some(i) if all_digits(&minor[i + 2..]) => &minor[..i + 2],
            _ => minor,
        };
        latest(&|n: &str| {
            n.strip_prefix(minor).is_some_and(|t| {
                let t = t.strip_prefix('.').unwrap_or(t);
                t.is_empty() || all_digits(t)
            })
        })
    };
    let (num, rc) = match version.find("rc") {
        Some(i) => (&version[..i], Some(&version[i + 2..])),
        None => (version, None),
    };
    let rc_ok = rc.is_none_or(all_digits);
    if all_digits(num) && rc_ok {
        if version == "1" {
            if let Some(v) = latest(&|n: &str| {
                n.strip_prefix("1.").is_some_and(|t| {
                    t.split_once('.')
                        .is_some_and(|(a, b)| all_digits(a) && all_digits(b))
                })
            }) {
                return Some(v);
            }
        } else if let Some(v) = latest_minor(&format!("1.{version}")) {
            return Some(v);
        }
    }
    if let Some((a, b)) = num.split_once('.') {
        if all_digits(a) && all_digits(b) && rc_ok {
            if let Some(v) = latest_minor(version) {
                return Some(v);
            }
        }
    }
    if is_full_version(version) && installed.iter().any(|n| n == version) {
        return Some(version.to_owned());
    }
    None
}

/// `"${plugins}/"*/bin`: the plugin `bin` directories, in glob order.
fn plugin_bins(host: &Host, plugins: &Path) -> Vec<PathBuf> {
    host.fs()
        .read_dir(plugins)
        .map(|entries| {
            entries
                .into_iter()
                .filter(|e| !e.name.to_string_lossy().starts_with('.'))
                .map(|e| e.path.join("bin"))
                .filter(|b| host.fs().symlink_metadata(b).is_ok())
                .collect()
        })
        .unwrap_or_default()
}

/// `dirs` then `rest` as one PATH value.
fn join_path(host: &Host, dirs: &[PathBuf], rest: &OsString) -> OsString {
    let sep = host.os().list_separator().to_string();
    let mut out = OsString::new();
    for d in dirs {
        out.push(d.as_os_str());
        out.push(&sep);
    }
    out.push(rest);
    out
}

/// `remove_from_path` of goenv-which: drops every entry equal to `entry`.
fn remove_from_path(path: &str, entry: &str) -> String {
    let mut result = format!(":{path}:");
    let needle = format!(":{entry}:");
    loop {
        let next = result.replace(&needle, ":");
        if next == result {
            break;
        }
        result = next;
    }
    let r = result.strip_suffix(':').unwrap_or(&result);
    r.strip_prefix(':').unwrap_or(r).to_owned()
}

/// Splits `GOENV_VERSION` as bash does with `IFS=:`: empty fields between colons, none after a
/// trailing one.
fn split_colon(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.split(':').collect();
    if v.last() == Some(&"") {
        v.pop();
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shim_template_is_recognised() {
        let text = "#!/usr/bin/env bash\nset -e\n[ -n \"$GOENV_DEBUG\" ] && set -x\n\nprogram=\"${0##*/}\"\nif [[ \"$program\" = \"go\"* ]]; then\n  for arg; do\n    case \"$arg\" in\n    -c* | -- ) break ;;\n    */* )\n      if [ -f \"$arg\" ]; then\n        export GOENV_FILE_ARG=\"$arg\"\n        break\n      fi\n      ;;\n    esac\n  done\nfi\n\nexport GOENV_ROOT=\"/h/.goenv\"\nexec \"/h/.goenv/bin/goenv\" exec \"$program\" \"$@\"\n";
        assert_eq!(
            parse_shim(text),
            Some(Shim {
                root: "/h/.goenv".into(),
                goenv: "/h/.goenv/bin/goenv".into(),
                exec_line: 21,
            })
        );
        assert_eq!(parse_shim("#!/bin/sh\nexec go \"$@\"\n"), None);
    }

    #[test]
    fn version_words() {
        assert_eq!(first_word("  1.22.10 # x"), Some("1.22.10".into()));
        assert_eq!(first_word("# c"), None);
        assert_eq!(first_word("   "), None);
        assert_eq!(first_word("1.21\r"), Some("1.21".into()));
        assert!(!usable_word("../x"));
        assert!(!usable_word(".."));
    }

    #[test]
    fn regexes() {
        assert!(is_numeric_version("1.22"));
        assert!(is_numeric_version("1.22.10"));
        assert!(is_numeric_version("1.22."));
        assert!(!is_numeric_version("1"));
        assert!(!is_numeric_version("go1.22"));
        assert!(name_matches("1.22.10", "1.22", false));
        assert!(name_matches("1.22", "1.22", false));
        assert!(!name_matches("1.221", "1.22", false));
        assert!(name_matches("1.22.10", "1.22.10", true));
        assert!(
            name_matches("1.22x10", "1.22.10", true),
            "goenv escapes only the first dot"
        );
        assert!(!name_matches("1.22.10.1", "1.22.10", true));
    }

    #[test]
    fn installed_lookup() {
        let names: Vec<String> = ["1.21.13", "1.22.2", "1.22.10", "mygo"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            goenv_installed(&names, "1.22.10").as_deref(),
            Some("1.22.10")
        );
        assert_eq!(goenv_installed(&names, "1.22").as_deref(), Some("1.22.10"));
        assert_eq!(goenv_installed(&names, "21").as_deref(), Some("1.21.13"));
        assert_eq!(goenv_installed(&names, "mygo"), None);
        assert_eq!(goenv_installed(&names, "1.23.0"), None);
    }

    #[test]
    fn gomod() {
        assert_eq!(gomod_versions("module m\n\ngo 1.22.1\n"), vec!["1.22.1"]);
        assert_eq!(
            gomod_versions("module m\ngo 1.21\ntoolchain go1.22.10\n"),
            vec!["1.22.10"]
        );
    }

    #[test]
    fn path_edits() {
        assert_eq!(remove_from_path("/a:/s:/b:/s", "/s"), "/a:/b");
        assert_eq!(split_colon("1.2:system:"), vec!["1.2", "system"]);
        assert_eq!(split_colon("a::b"), vec!["a", "", "b"]);
    }
}
