//! The hooks of the Go version managers and of groot itself, as the real tools behave (read from
//! goenv 2.2.44's `goenv-init` and `goenv-sh-rehash`, asdf 0.15's `asdf.sh`/`asdf.fish`, and the
//! text `mise activate` prints):
//!
//! * `goenv init -` sources `$GOENV_RC_FILE` (`~/.goenvrc`), adds `$GOENV_ROOT/shims` to PATH
//!   when missing — at the **end** in goenvs whose init knows `GOENV_PATH_ORDER`, unless it is
//!   `front`; first in older ones — then runs `goenv rehash --only-manage-paths`, which exports
//!   GOROOT (`$GOENV_ROOT/versions/<v>`) and GOPATH (`~/go/<v>`) for the selected version.
//! * asdf's script defaults `ASDF_DIR` to its own directory and prepends its `bin` and then the
//!   shims dir (so the shims come first), each only when missing; on macOS or with
//!   `ASDF_FORCE_PREPEND=yes` it first removes them, so they move to the front.
//! * `mise activate` puts the shims dir and mise's own dir first; without `--shims` its hook
//!   then runs at once (and again at each prompt): the selected Go's bin dir goes before the
//!   shims, and GOROOT and GOBIN are exported.
//! * groot's block runs `groot init`, which puts the shims (or `current/bin`) first and appends
//!   Go's bin dir.
//!
//! Which version a manager selects depends on files (its version files, in the home directory
//! where a new shell starts, then the global one); the hooks read them here rather than running
//! the manager. `groot contexts --probe` runs the real shells to check.

use super::*;

impl Sim<'_> {
    pub(in crate::shell::startup::simulate) fn goenv_init(&mut self, line: usize) {
        let home = self.home();
        let root = self
            .get_scalar("GOENV_ROOT")
            .filter(|r| !r.is_empty())
            .unwrap_or(format!("{home}/.goenv"));
        self.set_var("GOENV_ROOT", vec![root.clone()], Some(true), line);
        let rc = self
            .get_scalar("GOENV_RC_FILE")
            .filter(|r| !r.is_empty())
            .unwrap_or(format!("{home}/.goenvrc"));
        if self.fs.is_file(Path::new(&rc)) {
            let from = self
                .stack
                .last()
                .map(|(p, _)| p.clone())
                .unwrap_or_default();
            self.visit(Path::new(&rc), Via::Source { from, line }, true);
        }
        let shims = format!("{root}/shims");
        let mut list = self.path_list();
        if !list.iter().any(|p| p.contains(&shims)) {
            let front = self.get_scalar("GOENV_PATH_ORDER").as_deref() == Some("front")
                || !self.goenv_appends_shims(&root);
            if front {
                list.insert(0, shims);
            } else {
                list.push(shims);
            }
            self.set_path_list(list, line);
        }
        let wanted = self.get_scalar("GOENV_VERSION").filter(|v| !v.is_empty());
        let Some(version) = goenv_version(self.fs, &root, wanted.as_deref(), &home) else {
            return;
        };
        if self.get_scalar("GOENV_DISABLE_GOROOT").as_deref() != Some("1") {
            let goroot = format!("{root}/versions/{version}");
            self.set_var("GOROOT", vec![goroot], Some(true), line);
        }
        if self.get_scalar("GOENV_DISABLE_GOPATH").as_deref() != Some("1") {
            let base = match self
                .get_scalar("GOENV_GOPATH_PREFIX")
                .filter(|p| !p.is_empty())
            {
                Some(prefix) => format!("{prefix}/{version}"),
                None => format!("{home}/go/{version}"),
            };
            let old = self.get_scalar("GOPATH").filter(|p| !p.is_empty());
            let flag = |n: &str| self.get_scalar(n).as_deref() == Some("1");
            let gopath = match old {
                Some(old) if flag("GOENV_APPEND_GOPATH") => format!("{base}:{old}"),
                Some(old) if flag("GOENV_PREPEND_GOPATH") => format!("{old}:{base}"),
                _ => base,
            };
            self.set_var("GOPATH", vec![gopath], Some(true), line);
        }
    }

    /// Whether this goenv's init appends its shims (goenv 2.2.x, which knows
    /// `GOENV_PATH_ORDER`); older inits put them first.
    fn goenv_appends_shims(&self, root: &str) -> bool {
        match self.fs.read(&Path::new(root).join("libexec/goenv-init")) {
            Ok(text) => String::from_utf8_lossy(&text).contains("GOENV_PATH_ORDER"),
            Err(_) => true,
        }
    }

    pub(in crate::shell::startup::simulate) fn mise_activate(
        &mut self,
        shims: bool,
        exe: Option<String>,
        line: usize,
    ) {
        let home = self.home();
        let data = self
            .get_scalar("MISE_DATA_DIR")
            .filter(|d| !d.is_empty())
            .or_else(|| {
                self.get_scalar("XDG_DATA_HOME")
                    .filter(|d| d.starts_with('/'))
                    .map(|d| format!("{d}/mise"))
            })
            .unwrap_or(format!("{home}/.local/share/mise"));
        let shims_dir = format!("{data}/shims");
        let mut list = self.path_list();
        let exe_dir = exe
            .as_deref()
            .and_then(|e| e.rsplit_once('/'))
            .map(|(d, _)| d.to_string())
            .or_else(|| {
                list.iter()
                    .find(|d| self.fs.is_file(&Path::new(d).join("mise")))
                    .cloned()
            });
        // mise adds its own directory only when it is not on PATH already, judged against the
        // PATH before the first activation (`__MISE_ORIG_PATH`, exported): a nested shell (a
        // terminal in VS Code, tmux) re-activates without piling up entries.
        let orig: Option<Vec<String>> = self
            .get_scalar("__MISE_ORIG_PATH")
            .filter(|o| is_resolved(o))
            .map(|o| o.split(':').map(str::to_owned).collect());
        if orig.is_none() {
            self.set_var("__MISE_ORIG_PATH", vec![list.join(":")], Some(true), line);
        }
        let exe_dir = exe_dir.filter(|d| match &orig {
            Some(o) => !o.contains(d),
            None => !list.contains(d),
        });
        list.retain(|p| *p != shims_dir && Some(p) != exe_dir.as_ref());
        list.insert(0, shims_dir);
        if let Some(dir) = &exe_dir {
            // Full mode: `export PATH="<mise dir>:$PATH"` after the shims; `--shims`: before.
            if shims {
                list.insert(1, dir.clone());
            } else {
                list.insert(0, dir.clone());
            }
        }
        if !shims {
            // The hook runs at once: the selected Go's bin dir before the shims.
            let at = usize::from(exe_dir.is_some());
            let wanted = self.get_scalar("MISE_GO_VERSION").filter(|v| !v.is_empty());
            if let Some(root) = mise_go_version(self.fs, &data, &home, wanted.as_deref(), |n| {
                self.get_scalar(n).filter(|v| !v.is_empty())
            }) {
                let bin = format!("{root}/bin");
                list.retain(|p| *p != bin);
                list.insert(at, bin);
                self.set_path_list(list, line);
                self.set_var("GOROOT", vec![root.clone()], Some(true), line);
                self.set_var("GOBIN", vec![format!("{root}/bin")], Some(true), line);
                return;
            }
        }
        self.set_path_list(list, line);
    }

    pub(in crate::shell::startup::simulate) fn asdf_script(&mut self, script: &str, line: usize) {
        let home = self.home();
        let dir = self
            .get_scalar("ASDF_DIR")
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| {
                script
                    .rsplit_once('/')
                    .map(|(d, _)| d.to_string())
                    .unwrap_or_default()
            });
        self.set_var("ASDF_DIR", vec![dir.clone()], Some(true), line);
        let bin = format!("{dir}/bin");
        let shims = format!(
            "{}/shims",
            self.get_scalar("ASDF_DATA_DIR")
                .filter(|d| !d.is_empty())
                .unwrap_or(format!("{home}/.asdf"))
        );
        let prepend = match self.get_scalar("ASDF_FORCE_PREPEND") {
            Some(v) if self.dialect != Dialect::Fish => v == "yes",
            _ => self.dialect != Dialect::Fish && self.platform.os == Os::MacOs,
        };
        let mut list = self.path_list();
        if prepend {
            list.retain(|p| *p != bin && *p != shims);
        }
        if !list.contains(&bin) {
            list.insert(0, bin);
        }
        if !list.contains(&shims) {
            list.insert(0, shims);
        }
        self.set_path_list(list, line);
    }

    pub(in crate::shell::startup::simulate) fn groot_init(
        &mut self,
        current: bool,
        go_bin: bool,
        line: usize,
    ) {
        let home = self.home();
        let var = |n: &str| {
            self.get_scalar(n)
                .filter(|v| !v.is_empty() && is_resolved(v))
                .map(PathBuf::from)
        };
        let facts = crate::home::HomeFacts {
            os: match self.platform.os {
                Os::MacOs => "macos",
                Os::Windows => "windows",
                _ => "linux",
            },
            groot_home: var("GROOT_HOME").filter(|p| p.is_absolute()),
            xdg_data_home: var("XDG_DATA_HOME"),
            home: Some(PathBuf::from(&home)).filter(|h| h.is_absolute()),
            local_app_data: var("LOCALAPPDATA"),
            user_profile: var("USERPROFILE"),
            ..Default::default()
        };
        let Some(groot_home) = crate::home::default_home(&facts) else {
            self.unknown(
                line,
                "groot's activation: no home directory to find groot's data",
            );
            return;
        };
        let first = if current {
            groot_home.join(crate::home::CURRENT_LINK).join("bin")
        } else {
            groot_home.join(crate::home::SHIMS_DIR)
        };
        let first = first.display().to_string();
        let mut list = self.path_list();
        list.retain(|p| *p != first);
        list.insert(0, first);
        if go_bin {
            let bin = var("GOBIN")
                .map(|b| b.display().to_string())
                .or_else(|| {
                    self.get_scalar("GOPATH")
                        .and_then(|g| g.split(':').find(|p| !p.is_empty()).map(str::to_string))
                        .map(|g| format!("{g}/bin"))
                })
                .unwrap_or(format!("{home}/go/bin"));
            if !list.contains(&bin) {
                list.push(bin);
            }
        }
        self.set_path_list(list, line);
    }
}

/// A version's numeric parts, for ordering (`1.22.10` after `1.22.9`).
fn version_key(v: &str) -> Vec<u64> {
    v.split(['.', '-'])
        .map(|p| p.parse::<u64>().unwrap_or(0))
        .collect()
}

/// The installed directory name under `dir` that a requested version means: itself when it is
/// installed; for a prefix (`1.22`) or `latest`, the newest installed release it covers.
fn installed(fs: &dyn View, dir: &Path, wanted: &str) -> Option<String> {
    let wanted = wanted.trim().trim_start_matches("go");
    let full = wanted.split('.').count() >= 3;
    if full && fs.is_dir(&dir.join(wanted)) {
        return Some(wanted.to_string());
    }
    let names: Vec<String> = fs
        .read_dir(dir)
        .ok()?
        .into_iter()
        .filter(|p| fs.is_dir(p))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| n.split('.').count() >= 3 && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .collect();
    names
        .into_iter()
        .filter(|n| wanted == "latest" || n.starts_with(&format!("{wanted}.")) || n == wanted)
        .max_by_key(|n| version_key(n))
}

/// The first word of a version file's first non-comment line.
fn first_word(bytes: &[u8]) -> Option<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .find(|l| !l.is_empty())
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_string)
}

/// The version goenv selects in `home` (a new shell's directory): `GOENV_VERSION`, else the
/// nearest `.go-version` from `home` up, else `$GOENV_ROOT/version`; `None` for `system` or a
/// version that is not installed (goenv then exports nothing).
pub(super) fn goenv_version(
    fs: &dyn View,
    root: &str,
    env_version: Option<&str>,
    home: &str,
) -> Option<String> {
    let wanted = match env_version {
        Some(v) => v.split(':').next().map(str::to_string),
        None => Path::new(home)
            .ancestors()
            .map(|d| d.join(".go-version"))
            .chain([Path::new(root).join("version")])
            .find_map(|f| fs.read(&f).ok())
            .and_then(|b| first_word(&b)),
    }?;
    if wanted == "system" {
        return None;
    }
    installed(fs, &Path::new(root).join("versions"), &wanted)
}

/// The Go install mise's hook activates in `home`: the version from `MISE_GO_VERSION`, else
/// the home directory's `mise.toml`/`.mise.toml`/`.tool-versions`, else the global config
/// (`$MISE_GLOBAL_CONFIG_FILE`, `$MISE_CONFIG_DIR/config.toml`, `~/.config/mise/config.toml`);
/// resolved against `<data>/installs/go`. `None` when none is set or it is not installed.
pub(super) fn mise_go_version(
    fs: &dyn View,
    data: &str,
    home: &str,
    env_version: Option<&str>,
    var: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let config_dir = var("MISE_CONFIG_DIR")
        .or_else(|| var("XDG_CONFIG_HOME").map(|x| format!("{x}/mise")))
        .unwrap_or(format!("{home}/.config/mise"));
    let global = var("MISE_GLOBAL_CONFIG_FILE").unwrap_or(format!("{config_dir}/config.toml"));
    let wanted = env_version.map(str::to_string).or_else(|| {
        [
            format!("{home}/mise.toml"),
            format!("{home}/.mise.toml"),
            format!("{home}/.tool-versions"),
            global,
        ]
        .iter()
        .find_map(|f| {
            let text = fs.read(Path::new(f)).ok()?;
            let text = String::from_utf8_lossy(&text);
            if f.ends_with(".tool-versions") {
                tool_versions_go(&text)
            } else {
                toml_tools_go(&text)
            }
        })
    })?;
    let dir = format!("{data}/installs/go");
    installed(fs, Path::new(&dir), &wanted).map(|v| format!("{dir}/{v}"))
}

/// `golang 1.22.10` or `go 1.22.10` in a `.tool-versions` file.
fn tool_versions_go(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let mut w = l.split('#').next()?.split_whitespace();
        matches!(w.next()?, "go" | "golang")
            .then(|| w.next().map(str::to_string))
            .flatten()
    })
}

/// `go = "1.22"`, `go = ["1.22"]` or `go = { version = "1.22" }` in a mise TOML `[tools]` table.
fn toml_tools_go(text: &str) -> Option<String> {
    let mut in_tools = false;
    for l in text.lines() {
        let l = l.split('#').next().unwrap_or("").trim();
        if l.starts_with('[') {
            in_tools = l == "[tools]";
            continue;
        }
        if !in_tools {
            continue;
        }
        let Some((key, value)) = l.split_once('=') else {
            continue;
        };
        if !matches!(key.trim().trim_matches('"'), "go" | "golang") {
            continue;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('{')
            .and_then(|v| v.split_once("version"))
            .and_then(|(_, v)| v.trim_start().strip_prefix('='))
            .unwrap_or(value);
        let value = value.trim().trim_start_matches('[').trim_start();
        let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let rest = &value[1..];
        return rest.split(quote).next().map(str::to_string);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mise_config_forms() {
        assert_eq!(
            toml_tools_go("[tools]\ngo = \"1.22\"\n").as_deref(),
            Some("1.22")
        );
        assert_eq!(
            toml_tools_go(
                "[env]\ngo = \"x\"\n[tools]\nnode = \"20\"\ngo = [\"1.23.4\", \"1.22\"]\n"
            )
            .as_deref(),
            Some("1.23.4")
        );
        assert_eq!(
            toml_tools_go("[tools]\n\"go\" = { version = '1.21.13' }\n").as_deref(),
            Some("1.21.13")
        );
        assert_eq!(toml_tools_go("[env]\ngo = \"1.22\"\n"), None);
        assert_eq!(
            tool_versions_go("nodejs 20\ngolang 1.22.10 # pinned\n").as_deref(),
            Some("1.22.10")
        );
    }

    #[test]
    fn versions_resolve_to_the_newest_installed_release() {
        let fs = crate::fs::MemFs::new()
            .dir("/v/1.22.9")
            .dir("/v/1.22.10")
            .dir("/v/1.21.13")
            .dir("/v/1.22");
        assert_eq!(
            installed(&fs, Path::new("/v"), "1.22").as_deref(),
            Some("1.22.10")
        );
        assert_eq!(
            installed(&fs, Path::new("/v"), "1.21.13").as_deref(),
            Some("1.21.13")
        );
        assert_eq!(
            installed(&fs, Path::new("/v"), "latest").as_deref(),
            Some("1.22.10")
        );
        assert_eq!(installed(&fs, Path::new("/v"), "1.23"), None);
    }
}
