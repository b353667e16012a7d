//! Version managers and environment hooks that startup files call: `brew shellenv`, macOS
//! `path_helper`, goenv, gvm, g, asdf, mise, gimme, direnv and groot itself. Recognizing them turns an
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
    /// direnv: a prompt hook that applies the nearest allowed `.envrc`.
    Direnv,
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
            Manager::Direnv => "direnv",
        }
    }

    /// Whether this tool selects a Go version (as opposed to only adjusting PATH, or applying
    /// a project's own settings as direnv does).
    pub fn manages_go(self) -> bool {
        !matches!(
            self,
            Manager::PathHelper | Manager::Homebrew | Manager::Direnv
        )
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
    /// `eval "$(goenv init -)"`: sources `~/.goenvrc`, adds `$GOENV_ROOT/shims` to PATH (at the
    /// end since goenv 2.2.x unless `GOENV_PATH_ORDER=front`), and exports GOROOT and GOPATH
    /// for the selected version at once.
    GoenvInit,
    /// `eval "$(mise activate …)"`: the shims dir and mise's own bin dir on PATH; without
    /// `--shims`, its hook then runs at once (and at each prompt) and puts the selected Go's bin
    /// dir first with GOROOT and GOBIN. `exe` is the mise program when the command names a path.
    MiseActivate { shims: bool, exe: Option<String> },
    /// `. <asdf>/asdf.sh` or `asdf.fish` (asdf before 0.16); `script` is the file sourced.
    AsdfScript { script: String },
    /// `source ~/.gvm/scripts/gvm`: applies `$GVM_ROOT/environments/default`.
    GvmScript,
    /// `eval "$(gimme 1.22)"`: exports GOROOT and PATH for the named version.
    Gimme,
    /// `eval "$(groot init …)"`: groot's shims (or `current/bin` with `--current`) first on
    /// PATH, Go's bin dir appended unless `--no-go-bin`.
    GrootInit { current: bool, go_bin: bool },
    /// `eval "$(direnv hook bash)"`, `direnv hook fish | source`: installs a prompt hook (bash
    /// `PROMPT_COMMAND`, zsh `precmd`/`chpwd`, fish `fish_prompt`) that runs `direnv export`.
    /// Nothing changes at startup; at each prompt the nearest allowed `.envrc` from the current
    /// directory up is applied. `exe` is the direnv program when the command names a path.
    Direnv { exe: Option<String> },
}

impl Hook {
    pub fn manager(&self) -> Manager {
        match self {
            Hook::BrewShellenv { .. } => Manager::Homebrew,
            Hook::PathHelper => Manager::PathHelper,
            Hook::GoenvInit => Manager::Goenv,
            Hook::MiseActivate { .. } => Manager::Mise,
            Hook::AsdfScript { .. } => Manager::Asdf,
            Hook::GvmScript => Manager::Gvm,
            Hook::Gimme => Manager::Gimme,
            Hook::GrootInit { .. } => Manager::Groot,
            Hook::Direnv { .. } => Manager::Direnv,
        }
    }
}

/// Recognizes the command whose output a startup file evaluates (`eval "$(CMD)"`,
/// `CMD | source`, `eval (CMD)`).
pub fn recognize_command(cmd: &str) -> Option<Hook> {
    let owned = split_words(cmd);
    let words: Vec<&str> = owned.iter().map(String::as_str).collect();
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
            exe: Some(first)
                .filter(|f| f.starts_with('/') && !f.contains('$'))
                .map(str::to_string),
        }),
        "gimme" => Some(Hook::Gimme),
        "direnv" if words.get(1) == Some(&"hook") => Some(Hook::Direnv {
            exe: Some(first)
                .filter(|f| f.starts_with('/') && !f.contains('$'))
                .map(str::to_string),
        }),
        "groot" if has("init") || has("activate") || has("shell-init") => Some(Hook::GrootInit {
            current: has("--current"),
            go_bin: !has("--no-go-bin"),
        }),
        _ => None,
    }
}

/// Splits a simple command into words, honouring single and double quotes and backslashes (the
/// commands groot writes quote the program's path, which may hold blanks).
fn split_words(cmd: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = cmd.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.get_or_insert_with(String::new).push(n);
                }
            }
            (Some(_), c) => cur.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => words.extend(cur.take()),
            (None, c) => cur.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(cur);
    words
}

/// Recognizes a sourced script that belongs to a manager and is better modelled than read.
pub fn recognize_script(path: &str) -> Option<Hook> {
    let p = path.replace('\\', "/");
    if p.ends_with("/asdf.sh") || p.ends_with("/asdf.fish") || p.ends_with("/asdf.bash") {
        return Some(Hook::AsdfScript { script: p });
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
            Some(Hook::MiseActivate {
                shims: true,
                exe: None
            })
        );
        assert_eq!(
            recognize_command("'/opt/my groot/groot' init bash --no-go-bin"),
            Some(Hook::GrootInit {
                current: false,
                go_bin: false
            })
        );
        assert_eq!(
            recognize_command("'/home/me/bin/groot' init bash --current"),
            Some(Hook::GrootInit {
                current: true,
                go_bin: true
            })
        );
        assert_eq!(
            recognize_command("\"/usr/bin/direnv\" hook zsh"),
            Some(Hook::Direnv {
                exe: Some("/usr/bin/direnv".into())
            })
        );
        assert_eq!(
            recognize_command("direnv hook fish"),
            Some(Hook::Direnv { exe: None })
        );
        assert_eq!(recognize_command("direnv export bash"), None);
        assert_eq!(recognize_command("dircolors -b"), None);
        assert_eq!(
            recognize_script("/home/me/.asdf/asdf.sh"),
            Some(Hook::AsdfScript {
                script: "/home/me/.asdf/asdf.sh".into()
            })
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
