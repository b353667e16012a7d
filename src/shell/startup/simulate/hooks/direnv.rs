//! direnv's prompt hook, as direnv 2.32 behaves (read from its `internal/cmd/rc.go`,
//! `config.go`, `cmd_export.go` and `stdlib.sh`, and checked against the real program):
//!
//! * `eval "$(direnv hook bash)"` (zsh, `direnv hook fish | source`) changes nothing at startup.
//!   It installs a prompt hook — bash `PROMPT_COMMAND`, zsh `precmd` and `chpwd`, fish
//!   `fish_prompt` — that runs `direnv export <shell>`. A shell that never shows a prompt
//!   (`bash -c`, `ssh host cmd`, cron, an IDE's `$SHELL -i -l -c`) gets nothing from `.envrc`.
//! * `direnv export` takes the first `.envrc` from the current directory up, and loads it only
//!   when it is allowed: `<data>/allow/<hash>` exists, where `<data>` is
//!   `$XDG_DATA_HOME/direnv` (else `~/.local/share/direnv`) and `<hash>` the SHA-256 of the
//!   file's absolute path, a newline and its content — so any edit blocks it again — or its
//!   path is whitelisted (`[whitelist] prefix`/`exact` in `direnv.toml` or `config.toml` under
//!   `$DIRENV_CONFIG`, else `$XDG_CONFIG_HOME/direnv`, else `~/.config/direnv`).
//! * Loading runs the file with bash, from the shell's exported environment, and applies what
//!   it exports. Allowed or not, DIRENV_DIR (`-<dir>`), DIRENV_FILE, DIRENV_DIFF and
//!   DIRENV_WATCHES are exported. A shell that inherits DIRENV_FILE naming the same, unchanged
//!   file does nothing at its prompt: a login shell started from a loaded terminal (tmux)
//!   keeps the inherited GOROOT but not the PATH entries, when its `/etc/profile` resets PATH.
//!
//! The `.envrc` is read, never run: assignments and `export`, `PATH_add DIR…`,
//! `path_add VAR DIR…`, `has CMD`, `source`, and conditions the simulation can decide. Any other
//! command (`use`, `layout`, `source_env`, `source_up`, `dotenv`, `cd`, programs) is recorded
//! as "not followed" at its line, and its effect is not guessed. DIRENV_DIFF and DIRENV_WATCHES
//! (direnv's encoded records) are not modelled. `groot contexts --probe` runs the real shells'
//! prompt hooks to check.

use sha2::{Digest, Sha256};

use super::*;

/// What direnv's prompt hook did at a shell's first prompt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DirenvLoad {
    /// The startup line that installs the hook.
    pub hook_file: PathBuf,
    pub hook_line: usize,
    /// The directory the prompt shows in.
    pub dir: PathBuf,
    /// The `.envrc` found from `dir` up.
    pub envrc: Option<PathBuf>,
    pub state: DirenvState,
    /// The `.envrc`'s effects, in order (also when blocked: what it would do).
    pub effects: Vec<Effect>,
    /// PATH entries the `.envrc` adds in front (also when blocked: what it would add).
    pub path_added: Vec<String>,
    /// Those of them that hold a `go`.
    pub go_dirs: Vec<String>,
    /// The variables the `.envrc` changes, as `direnv export json` prints them (`None`: unset;
    /// DIRENV_* left out).
    pub exports: BTreeMap<String, Option<String>>,
}

/// What direnv decides at the prompt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DirenvState {
    /// No `.envrc` from the directory up: nothing changes.
    NoEnvrc,
    /// Allowed and applied.
    Loaded,
    /// Never allowed, or changed since `direnv allow`: only DIRENV_* variables are set.
    Blocked {
        /// The allow file that would permit it.
        allow_file: PathBuf,
    },
    /// Applied with its effects marked uncertain: whether it is allowed depends on something
    /// groot does not read.
    AllowedUnknown { why: String },
    /// The environment already carries this file's load (a shell started from a terminal
    /// that loaded it): direnv changes nothing.
    Kept,
    /// The hook's direnv program is not there.
    NotInstalled,
    /// Something groot does not follow (another `.envrc`'s load to revert first).
    Unknown { why: String },
}

impl DirenvLoad {
    /// Whether the `.envrc`'s exports reach the shell.
    pub fn applied(&self) -> bool {
        matches!(
            self.state,
            DirenvState::Loaded | DirenvState::AllowedUnknown { .. }
        )
    }

    /// Whether the `.envrc` sets Go variables or puts a go on PATH (applied or not).
    pub fn sets_go(&self) -> bool {
        !self.go_dirs.is_empty()
            || self.exports.keys().any(|k| {
                k == "CGO_ENABLED"
                    || (k.starts_with("GO")
                        && k.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            })
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        let file = self
            .envrc
            .as_ref()
            .map(|f| f.display().to_string())
            .unwrap_or_default();
        match &self.state {
            DirenvState::NoEnvrc => "no .envrc from this directory up".into(),
            DirenvState::Loaded => format!("loads {file} at the first prompt"),
            DirenvState::Blocked { .. } => {
                format!("{file} is blocked (not allowed, or changed since `direnv allow`)")
            }
            DirenvState::AllowedUnknown { why } => {
                format!(
                    "loads {file} at the first prompt if allowed (allowed state unknown: {why})"
                )
            }
            DirenvState::Kept => format!("keeps the inherited load of {file}"),
            DirenvState::NotInstalled => "the hook's direnv program is not installed".into(),
            DirenvState::Unknown { why } => why.clone(),
        }
    }
}

/// The allow file direnv looks for: `<data>/allow/<sha256("<path>\n" + content)>`.
pub fn allow_file(data_dir: &Path, envrc: &Path, content: &[u8]) -> PathBuf {
    let mut h = Sha256::new();
    h.update(envrc.as_os_str().as_encoded_bytes());
    h.update(b"\n");
    h.update(content);
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    data_dir.join("allow").join(hex)
}

/// `a/./b/../c` → `a/c`, the way direnv's `expand_path` cleans a path: logically, without
/// following links.
fn clean(base: &str, p: &str) -> String {
    let joined = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("{base}/{p}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The whitelist of a direnv config (`[whitelist]` `prefix = [...]`, `exact = [...]`), or why
/// it could not be read. Only the forms direnv's documentation shows are understood.
fn whitelist(text: &str, home: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let mut prefix = Vec::new();
    let mut exact = Vec::new();
    let mut table = String::new();
    let mut current: Option<&str> = None;
    let mut buf = String::new();
    for raw in text.lines() {
        let l = raw.split('#').next().unwrap_or("").trim();
        if current.is_none() {
            if l.starts_with('[') && !l.contains('=') {
                table = l.trim_matches(['[', ']', ' ']).to_string();
                continue;
            }
            let Some((key, value)) = l.split_once('=') else {
                continue;
            };
            let key = key.trim().trim_matches('"');
            if key == "load_dotenv" && value.trim() == "true" {
                return Err("direnv's config sets load_dotenv".into());
            }
            let key = match (table.as_str(), key) {
                ("whitelist", "prefix") | ("", "whitelist.prefix") => "prefix",
                ("whitelist", "exact") | ("", "whitelist.exact") => "exact",
                _ => continue,
            };
            current = Some(key);
            buf = value.to_string();
        } else {
            buf.push_str(l);
        }
        if buf.contains(']') {
            let items: Vec<String> = buf
                .split('"')
                .skip(1)
                .step_by(2)
                .map(|s| match s.strip_prefix("~/") {
                    Some(rest) => format!("{home}/{rest}"),
                    None => s.to_string(),
                })
                .collect();
            if items.is_empty() && buf.contains('\'') {
                return Err("direnv's whitelist uses a form groot does not read".into());
            }
            match current.take() {
                Some("prefix") => prefix.extend(items),
                _ => exact.extend(items.into_iter().map(|p| {
                    if p.ends_with("/.envrc") || p.ends_with("/.env") {
                        p
                    } else {
                        format!("{}/.envrc", p.trim_end_matches('/'))
                    }
                })),
            }
        }
    }
    if current.is_some() {
        return Err("direnv's whitelist is not closed".into());
    }
    Ok((prefix, exact))
}

impl Sim<'_> {
    /// The exported environment as it stands.
    pub(in crate::shell::startup::simulate) fn exported(&self) -> Env {
        let mut env = Env::new();
        let mut names: BTreeSet<&String> = self.vars.keys().collect();
        names.extend(self.uvars.keys());
        for name in names {
            let var = self.vars.get(name).or_else(|| self.uvars.get(name));
            if let Some(var) = var.filter(|v| v.exported) {
                let sep = if self.dialect == Dialect::Fish && !name.ends_with("PATH") {
                    " "
                } else {
                    ":"
                };
                env.insert(name.clone(), var.val.join(sep));
            }
        }
        env
    }

    /// Sets an exported variable from a value in environment form, without an effect.
    fn put_exported(&mut self, name: &str, value: &str) {
        let val = if self.dialect == Dialect::Fish && name.ends_with("PATH") {
            split_path(value)
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect()
        } else {
            vec![value.to_string()]
        };
        self.vars.insert(
            name.to_string(),
            Var {
                val,
                exported: true,
            },
        );
    }

    /// The shell's first prompt in `dir`: runs direnv's hook when startup installed one.
    pub(in crate::shell::startup::simulate) fn first_prompt(&mut self, dir: &Path) {
        let hook = self.effects.iter().rev().find_map(|e| match &e.kind {
            EffectKind::Hook {
                hook: Hook::Direnv { exe },
                ..
            } => Some((e.file.clone(), e.line, e.certain, exe.clone())),
            _ => None,
        });
        let Some((hook_file, hook_line, certain, exe)) = hook else {
            return;
        };
        let env = self.exported();
        let mut load = DirenvLoad {
            hook_file,
            hook_line,
            dir: dir.to_path_buf(),
            envrc: None,
            state: DirenvState::NoEnvrc,
            effects: Vec::new(),
            path_added: Vec::new(),
            go_dirs: Vec::new(),
            exports: BTreeMap::new(),
        };
        let installed = match &exe {
            Some(p) => Some(self.fs.is_file(Path::new(p))),
            None => self.command_exists("direnv"),
        };
        if installed == Some(false) {
            load.state = DirenvState::NotInstalled;
            self.direnv = Some(load);
            return;
        }
        let envrc = dir
            .ancestors()
            .map(|d| d.join(".envrc"))
            .find(|f| self.fs.is_file(f));
        load.envrc = envrc.clone();
        let inherited = env.get("DIRENV_FILE").filter(|f| !f.is_empty());
        let Some(envrc) = envrc else {
            if let Some(f) = inherited {
                load.state = DirenvState::Unknown {
                    why: format!(
                        "direnv unloads {f}, inherited in DIRENV_FILE (groot does not follow \
                         DIRENV_DIFF)"
                    ),
                };
            }
            self.direnv = Some(load);
            return;
        };
        if let Some(f) = inherited {
            load.state = if Path::new(f) == envrc {
                DirenvState::Kept
            } else {
                DirenvState::Unknown {
                    why: format!(
                        "direnv first reverts {f}, inherited in DIRENV_FILE, then loads {} \
                         (groot does not follow DIRENV_DIFF)",
                        envrc.display()
                    ),
                }
            };
            self.direnv = Some(load);
            return;
        }
        let content = self.fs.read(&envrc).unwrap_or_default();
        let var = |n: &str| env.get(n).filter(|v| !v.is_empty() && is_resolved(v));
        let home = var("HOME").cloned().unwrap_or_default();
        let data = match var("XDG_DATA_HOME") {
            Some(x) => format!("{x}/direnv"),
            None => format!("{home}/.local/share/direnv"),
        };
        let allow = allow_file(Path::new(&data), &envrc, &content);
        load.state = if self.fs.is_file(&allow) {
            DirenvState::Loaded
        } else {
            self.whitelisted(&env, &envrc, &home)
                .unwrap_or(DirenvState::Blocked { allow_file: allow })
        };
        let apply = load.applied();
        let (effects, after) =
            self.run_envrc(&envrc, &env, certain && load.state == DirenvState::Loaded);
        for (k, v) in &after {
            if env.get(k) != Some(v) {
                load.exports.insert(k.clone(), Some(v.clone()));
            }
        }
        for k in env.keys().filter(|k| !after.contains_key(*k)) {
            load.exports.insert(k.clone(), None);
        }
        let before = split_path(env.get("PATH").map_or("", String::as_str));
        load.path_added = split_path(after.get("PATH").map_or("", String::as_str))
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        load.go_dirs = load
            .path_added
            .iter()
            .filter(|d| d.starts_with('/') && self.fs.is_file(&Path::new(d).join("go")))
            .cloned()
            .collect();
        if apply {
            for (k, v) in &load.exports {
                match v {
                    Some(v) => self.put_exported(k, v),
                    None => {
                        self.vars.remove(k);
                    }
                }
            }
            for e in &effects {
                if self.effects.len() < MAX_EFFECTS {
                    self.effects.push(e.clone());
                }
            }
        }
        load.effects = effects;
        let parent = envrc
            .parent()
            .unwrap_or(Path::new("/"))
            .display()
            .to_string();
        self.put_exported("DIRENV_DIR", &format!("-{parent}"));
        self.put_exported("DIRENV_FILE", &envrc.display().to_string());
        self.direnv = Some(load);
    }

    /// Whether direnv's config whitelists `envrc`: `Some(Loaded)`, `None` (not whitelisted),
    /// or `Some(AllowedUnknown)` when the config holds what groot does not read.
    fn whitelisted(&self, env: &Env, envrc: &Path, home: &str) -> Option<DirenvState> {
        let var = |n: &str| env.get(n).filter(|v| !v.is_empty() && is_resolved(v));
        let conf = match (var("DIRENV_CONFIG"), var("XDG_CONFIG_HOME")) {
            (Some(d), _) => d.clone(),
            (None, Some(x)) => format!("{x}/direnv"),
            (None, None) => format!("{home}/.config/direnv"),
        };
        let text = ["direnv.toml", "config.toml"]
            .iter()
            .find_map(|n| self.fs.read(&Path::new(&conf).join(n)).ok())?;
        let text = String::from_utf8_lossy(&text);
        let path = envrc.display().to_string();
        match whitelist(&text, home) {
            Ok((prefix, exact)) => (exact.contains(&path)
                || prefix.iter().any(|p| path.starts_with(p.as_str())))
            .then_some(DirenvState::Loaded),
            Err(why) => Some(DirenvState::AllowedUnknown { why }),
        }
    }

    /// Reads the `.envrc` as direnv's bash runs it, from the exported environment `env`: its
    /// effects, and the exported environment it ends with.
    fn run_envrc(&self, envrc: &Path, env: &Env, certain: bool) -> (Vec<Effect>, Env) {
        let inv = Invocation::new(
            ShellKind::Bash,
            crate::shell::startup::rules::Mode::NON_INTERACTIVE,
        );
        let mut inner = Sim::new(self.fs, self.platform, inv, env);
        inner.envrc_dir = Some(
            envrc
                .parent()
                .unwrap_or(Path::new("/"))
                .display()
                .to_string(),
        );
        inner.certain = certain;
        inner.visit(
            envrc,
            Via::Startup {
                rule: "direnv's prompt hook".into(),
            },
            true,
        );
        let after = inner.exported();
        (inner.effects, after)
    }

    /// `PATH_add DIR…` / `path_add VAR DIR…` in an `.envrc`: each DIR made absolute against the
    /// `.envrc`'s directory and cleaned, put first in that order, and VAR exported.
    pub(in crate::shell::startup::simulate) fn path_add(
        &mut self,
        var: &str,
        dirs: &[Word],
        line: usize,
    ) {
        let base = self.envrc_dir.clone().unwrap_or_else(|| "/".into());
        let mut list: Vec<String> = Vec::new();
        for w in dirs {
            for v in self.expand_fields(w, true) {
                list.push(if is_resolved(&v) { clean(&base, &v) } else { v });
            }
        }
        let old = self.get_scalar(var).unwrap_or_default();
        if !old.is_empty() {
            list.extend(split_path(&old));
        }
        self.set_var(var, vec![list.join(":")], Some(true), line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_cleaned_like_expand_path() {
        assert_eq!(clean("/p/proj", "bin"), "/p/proj/bin");
        assert_eq!(clean("/p/proj", "./x/../go/bin/"), "/p/proj/go/bin");
        assert_eq!(clean("/p/proj", "/opt//go/bin"), "/opt/go/bin");
        assert_eq!(clean("/p", "../../.."), "/");
    }

    #[test]
    fn the_allow_hash_is_direnvs() {
        // Computed by direnv 2.32.1's `direnv allow` for this path and content.
        let f = allow_file(
            Path::new("/d"),
            Path::new("/tmp/dx/home/proj/.envrc"),
            b"export GOROOT=/root/.cache/groot-test/go/1.22.10/go\n\
              PATH_add /root/.cache/groot-test/go/1.22.10/go/bin\n\
              export GOFLAGS=-mod=mod\n",
        );
        assert_eq!(
            f,
            Path::new("/d/allow/400bf1f9de62ffd3461d9c343d574ad4e20abb8322ea109dd0d70b657161b0a4")
        );
    }

    use crate::fs::MemFs;
    use crate::shell::startup::rules::Mode;

    const ENVRC: &str = "export GOROOT=/sdk/go1.22\nPATH_add /sdk/go1.22/bin bin\n\
                         export GOFLAGS=-mod=mod\nuse go 1.22\n";

    fn home(envrc: &str, allowed: bool) -> MemFs {
        let mut fs = MemFs::new()
            .file("/home/me/.bashrc", "eval \"$(direnv hook bash)\"\n")
            .file("/usr/bin/direnv", "")
            .file("/sdk/go1.22/bin/go", "")
            .file("/home/me/p/.envrc", envrc)
            .dir("/home/me/p/sub");
        if allowed {
            let allow = allow_file(
                Path::new("/home/me/.local/share/direnv"),
                Path::new("/home/me/p/.envrc"),
                envrc.as_bytes(),
            );
            fs = fs.file(allow, "/home/me/p/.envrc\n");
        }
        fs
    }

    fn run(fs: &MemFs, prompt: bool, env: &[(&str, &str)]) -> Simulation {
        let mut inv = Invocation::new(ShellKind::Bash, Mode::INTERACTIVE);
        if prompt {
            inv.prompt_in = Some(PathBuf::from("/home/me/p/sub"));
        }
        let e: Env = [("HOME", "/home/me"), ("PATH", "/usr/bin:/bin")]
            .iter()
            .chain(env)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        simulate(fs, &Platform::linux(Distro::Debian), &inv, &e)
    }

    #[test]
    fn an_allowed_envrc_applies_at_the_first_prompt_only() {
        let fs = home(ENVRC, true);
        let s = run(&fs, true, &[]);
        let d = s.direnv.clone().expect("direnv ran");
        assert_eq!(d.state, DirenvState::Loaded);
        assert_eq!(s.var("GOROOT").as_deref(), Some("/sdk/go1.22"));
        assert_eq!(s.var("GOFLAGS").as_deref(), Some("-mod=mod"));
        assert_eq!(
            s.path(),
            ["/sdk/go1.22/bin", "/home/me/p/bin", "/usr/bin", "/bin"]
        );
        assert_eq!(d.go_dirs, ["/sdk/go1.22/bin"]);
        assert_eq!(s.var("DIRENV_FILE").as_deref(), Some("/home/me/p/.envrc"));
        assert_eq!(s.var("DIRENV_DIR").as_deref(), Some("-/home/me/p"));
        let goroot = s.effects_on("GOROOT").next().expect("effect");
        assert_eq!(
            (goroot.file.as_path(), goroot.line),
            (Path::new("/home/me/p/.envrc"), 1)
        );
        assert!(s.from_envrc(goroot));
        // `use go 1.22` is not followed, and says so at its line.
        assert!(d.effects.iter().any(|e| e.line == 4
            && matches!(&e.kind, EffectKind::Unknown { why } if why.contains("not followed"))));
        // No prompt (`bash -i -c`): the hook is installed but never runs.
        let c = run(&fs, false, &[]);
        assert_eq!(c.direnv, None);
        assert_eq!(c.var("GOROOT"), None);
        assert_eq!(c.path(), ["/usr/bin", "/bin"]);
    }

    #[test]
    fn a_changed_envrc_is_blocked_and_sets_only_direnvs_variables() {
        let mut fs = home(ENVRC, true);
        fs = fs.file("/home/me/p/.envrc", format!("{ENVRC}# edited\n"));
        let s = run(&fs, true, &[]);
        let d = s.direnv.clone().expect("direnv ran");
        assert!(
            matches!(d.state, DirenvState::Blocked { .. }),
            "{:?}",
            d.state
        );
        assert!(d.sets_go());
        assert_eq!(s.var("GOROOT"), None);
        assert_eq!(s.path(), ["/usr/bin", "/bin"]);
        assert_eq!(s.var("DIRENV_FILE").as_deref(), Some("/home/me/p/.envrc"));
        assert!(s.effects_on("GOROOT").next().is_none());
    }

    #[test]
    fn inherited_loads_whitelists_and_missing_direnv() {
        let fs = home(ENVRC, true);
        // A shell started from a terminal that loaded it: nothing changes.
        let s = run(
            &fs,
            true,
            &[("DIRENV_FILE", "/home/me/p/.envrc"), ("GOROOT", "/x")],
        );
        assert_eq!(
            s.direnv.as_ref().map(|d| &d.state),
            Some(&DirenvState::Kept)
        );
        assert_eq!(s.var("GOROOT").as_deref(), Some("/x"));
        // Whitelisted by prefix in direnv.toml, with no allow file.
        let fs = home(ENVRC, false).file(
            "/home/me/.config/direnv/direnv.toml",
            "[whitelist]\nprefix = [ \"~/p\" ]\n",
        );
        let s = run(&fs, true, &[]);
        assert_eq!(s.direnv.map(|d| d.state), Some(DirenvState::Loaded));
        // A config groot cannot read: applied, but uncertain.
        let fs = home(ENVRC, false).file(
            "/home/me/.config/direnv/config.toml",
            "[global]\nload_dotenv = true\n",
        );
        let s = run(&fs, true, &[]);
        assert!(matches!(
            s.direnv.as_ref().map(|d| &d.state),
            Some(DirenvState::AllowedUnknown { .. })
        ));
        assert!(s.effects_on("GOROOT").all(|e| !e.certain));
        // The hook's program is gone.
        let fs = MemFs::new()
            .file("/home/me/.bashrc", "eval \"$(/opt/direnv hook bash)\"\n")
            .file("/home/me/p/.envrc", ENVRC);
        let s = run(&fs, true, &[]);
        assert_eq!(s.direnv.map(|d| d.state), Some(DirenvState::NotInstalled));
    }

    #[test]
    fn whitelists_are_read() {
        let (p, e) = whitelist(
            "[whitelist]\nprefix = [ \"~/work\",\n  \"/srv/\" ]\nexact = [\"/x/proj\"]\n",
            "/h",
        )
        .expect("read");
        assert_eq!(p, ["/h/work", "/srv/"]);
        assert_eq!(e, ["/x/proj/.envrc"]);
        assert!(whitelist("[global]\nload_dotenv = true\n", "/h").is_err());
        assert_eq!(
            whitelist("[global]\nstrict_env = true\n", "/h"),
            Ok((vec![], vec![]))
        );
    }
}
