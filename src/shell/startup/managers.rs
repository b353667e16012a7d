//! Version managers and environment hooks that startup files call: `brew shellenv`, macOS
//! `path_helper`, goenv, gvm, g, asdf, mise, gimme and groot itself. Recognizing them turns an
//! opaque `eval "$(…)"` or `source ~/.gvm/scripts/gvm` into a named hook whose effect on PATH
//! the analyzer can model, and lets `groot doctor` tell when several of them fight.

use std::fmt;

/// A tool that manages which Go runs, or that rewrites PATH at shell startup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Manager {
    Homebrew,
    PathHelper,
    Goenv,
    Gvm,
    /// voidint/g or stefanmaric/g.
    G,
    Asdf,
    Mise,
    Gimme,
    Groot,
}

impl Manager {
    pub fn name(self) -> &'static str {
        match self {
            Manager::Homebrew => "homebrew",
            Manager::PathHelper => "path_helper",
            Manager::Goenv => "goenv",
            Manager::Gvm => "gvm",
            Manager::G => "g",
            Manager::Asdf => "asdf",
            Manager::Mise => "mise",
            Manager::Gimme => "gimme",
            Manager::Groot => "groot",
        }
    }

    /// Whether this tool selects a Go version (as opposed to only adjusting PATH).
    pub fn manages_go(self) -> bool {
        !matches!(self, Manager::PathHelper | Manager::Homebrew)
    }
}

impl fmt::Display for Manager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A recognized hook and what groot knows about its effect.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "hook")]
pub enum Hook {
    /// `eval "$(<prefix>/bin/brew shellenv)"`; `prefix` when the command names it.
    BrewShellenv { prefix: Option<String> },
    /// `eval `/usr/libexec/path_helper -s``.
    PathHelper,
    /// `eval "$(goenv init -)"`: puts `$GOENV_ROOT/shims` first; GOROOT and GOPATH are
    /// exported at each prompt.
    GoenvInit,
    /// `eval "$(mise activate …)"`; with `--shims` only the shims dir is added.
    MiseActivate { shims: bool },
    /// `. ~/.asdf/asdf.sh` (asdf before 0.16).
    AsdfScript,
    /// `source ~/.gvm/scripts/gvm`: applies `$GVM_ROOT/environments/default`.
    GvmScript,
    /// `eval "$(gimme 1.22)"`: exports GOROOT and PATH for the named version.
    Gimme,
    /// `eval "$(groot init …)"`.
    GrootInit,
}

impl Hook {
    pub fn manager(&self) -> Manager {
        match self {
            Hook::BrewShellenv { .. } => Manager::Homebrew,
            Hook::PathHelper => Manager::PathHelper,
            Hook::GoenvInit => Manager::Goenv,
            Hook::MiseActivate { .. } => Manager::Mise,
            Hook::AsdfScript => Manager::Asdf,
            Hook::GvmScript => Manager::Gvm,
            Hook::Gimme => Manager::Gimme,
            Hook::GrootInit => Manager::Groot,
        }
    }
}

/// Recognizes the command whose output a startup file evaluates (`eval "$(CMD)"`,
/// `CMD | source`, `eval (CMD)`).
pub fn recognize_command(cmd: &str) -> Option<Hook> {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let first = *words.first()?;
    let base = first.rsplit('/').next().unwrap_or(first);
    let has = |w: &str| words.iter().skip(1).any(|x| *x == w);
    match base {
        "path_helper" => Some(Hook::PathHelper),
        "brew" if has("shellenv") => {
            let prefix = first
                .strip_suffix("/bin/brew")
                .filter(|p| !p.is_empty() && !p.contains('$'))
                .map(str::to_string);
            Some(Hook::BrewShellenv { prefix })
        }
        "goenv" if has("init") => Some(Hook::GoenvInit),
        "mise" | "rtx" if has("activate") => Some(Hook::MiseActivate {
            shims: has("--shims"),
        }),
        "gimme" => Some(Hook::Gimme),
        "groot" if has("init") || has("activate") || has("shell-init") => Some(Hook::GrootInit),
        _ => None,
    }
}

/// Recognizes a sourced script that belongs to a manager and is better modelled than read.
pub fn recognize_script(path: &str) -> Option<Hook> {
    let p = path.replace('\\', "/");
    if p.ends_with("/asdf.sh") || p.ends_with("/asdf.fish") || p.ends_with("/asdf.bash") {
        return Some(Hook::AsdfScript);
    }
    if p.ends_with(".gvm/scripts/gvm") || p.ends_with("/gvm/scripts/gvm") {
        return Some(Hook::GvmScript);
    }
    None
}

/// The manager that owns a PATH directory, judged by well-known layouts.
pub fn owner_of_dir(dir: &str) -> Option<Manager> {
    let d = dir.trim_end_matches('/');
    if d.ends_with("/.goenv/shims") || d.contains("/.goenv/versions/") {
        Some(Manager::Goenv)
    } else if d.contains("/.gvm/") {
        Some(Manager::Gvm)
    } else if d.ends_with("/.asdf/shims") || d.contains("/.asdf/installs/") {
        Some(Manager::Asdf)
    } else if d.contains("/mise/shims") || d.contains("/mise/installs/") {
        Some(Manager::Mise)
    } else if d.ends_with("/.g/go/bin") || d.ends_with("/.go/bin") {
        Some(Manager::G)
    } else if d.contains("/.groot/")
        || d.ends_with("/groot/shims")
        || d.ends_with("/groot/current/bin")
    {
        Some(Manager::Groot)
    } else if d == "/opt/homebrew/bin"
        || d == "/home/linuxbrew/.linuxbrew/bin"
        || d.contains("/Cellar/go/")
    {
        Some(Manager::Homebrew)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_recognized() {
        assert_eq!(
            recognize_command("/opt/homebrew/bin/brew shellenv"),
            Some(Hook::BrewShellenv {
                prefix: Some("/opt/homebrew".into())
            })
        );
        assert_eq!(
            recognize_command("brew shellenv"),
            Some(Hook::BrewShellenv { prefix: None })
        );
        assert_eq!(
            recognize_command("/usr/libexec/path_helper -s"),
            Some(Hook::PathHelper)
        );
        assert_eq!(recognize_command("goenv init -"), Some(Hook::GoenvInit));
        assert_eq!(
            recognize_command("~/.local/bin/mise activate zsh --shims"),
            Some(Hook::MiseActivate { shims: true })
        );
        assert_eq!(recognize_command("dircolors -b"), None);
        assert_eq!(
            recognize_script("/home/me/.asdf/asdf.sh"),
            Some(Hook::AsdfScript)
        );
        assert_eq!(
            recognize_script("/home/me/.gvm/scripts/gvm"),
            Some(Hook::GvmScript)
        );
        assert_eq!(owner_of_dir("/home/me/.goenv/shims"), Some(Manager::Goenv));
        assert_eq!(
            owner_of_dir("/home/me/.local/share/groot/shims"),
            Some(Manager::Groot)
        );
    }
}
