//! Go's env files: the user's go env file (written by `go env -w`) and `$GOROOT/go.env`.
//!
//! Both use the same format, read by cmd/go's `readEnvFile`: the text is split on `\n`; a line
//! counts only when its first byte is `A`–`Z` and it contains `=`; the key is everything before
//! the first `=` and the value everything after it, with no trimming and no quotes (a CRLF file
//! leaves a `\r` in every value). Anything else is ignored by Go; groot keeps those lines as
//! [`Ignored`] so that doctor can point at them.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::env_vars;
use crate::host::{Host, Os};
use crate::version::Version;

/// One `KEY=value` line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// 1-based line number.
    pub line: usize,
}

/// A line Go skips although it looks like it meant something (not blank, not a `#` comment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ignored {
    pub line: usize,
    pub text: String,
    pub reason: &'static str,
}

/// A parsed env file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EnvFile {
    pub entries: Vec<Entry>,
    pub ignored: Vec<Ignored>,
}

/// Which of several lines with the same key wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precedence {
    /// The user file: every line overwrites the previous one.
    LastWins,
    /// `$GOROOT/go.env`: a key already set is never overwritten, so the first line wins.
    FirstWins,
}

impl EnvFile {
    /// Parses bytes with Go's rules. Invalid UTF-8 is kept lossily (Go keeps raw bytes).
    pub fn parse(data: &[u8]) -> EnvFile {
        let mut file = EnvFile::default();
        for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
            let line = i + 1;
            // Empty lines and comments (most of a release's go.env) say nothing.
            if matches!(raw.first(), None | Some(b'#')) {
                continue;
            }
            let text = String::from_utf8_lossy(raw);
            let first = raw.first().copied();
            let meaningful = || {
                let t = text.trim();
                !t.is_empty() && !t.starts_with('#')
            };
            match first {
                Some(b'A'..=b'Z') => match text.split_once('=') {
                    Some((key, value)) => file.entries.push(Entry {
                        key: key.to_owned(),
                        value: value.to_owned(),
                        line,
                    }),
                    None => file.ignored.push(Ignored {
                        line,
                        text: text.into_owned(),
                        reason: "no '=' on the line",
                    }),
                },
                _ if meaningful() => file.ignored.push(Ignored {
                    line,
                    text: text.clone().into_owned(),
                    reason: if text.starts_with([' ', '\t']) {
                        "indented lines are ignored"
                    } else {
                        "a line must start with an upper-case letter"
                    },
                }),
                _ => {}
            }
        }
        file
    }

    /// The line that decides `key`, under the given precedence.
    pub fn get(&self, key: &str, precedence: Precedence) -> Option<&Entry> {
        let mut matching = self.entries.iter().filter(|e| e.key == key);
        match precedence {
            Precedence::FirstWins => matching.next(),
            Precedence::LastWins => matching.next_back(),
        }
    }
}

/// Where the user's go env file is, as cmd/go's `cfg.EnvFile` decides it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UserEnvLocation {
    /// A path to read (it may not exist).
    File {
        #[serde(serialize_with = "crate::fs::lossy::path")]
        path: PathBuf,
        from: &'static str,
    },
    /// `GOENV=off`.
    Off,
    /// No file can be used; `reason` says why (Go prints nothing and reads no file).
    Unavailable { reason: String },
}

/// The user go env file location for a Go version on the modelled OS.
pub fn user_env_location(host: &Host, go: Option<&Version>) -> UserEnvLocation {
    if let Some(v) = host.var_nonempty(env_vars::GOENV) {
        if v == "off" {
            return UserEnvLocation::Off;
        }
        return UserEnvLocation::File {
            path: PathBuf::from(v),
            from: "GOENV",
        };
    }
    match user_config_dir(host, go) {
        Ok((dir, from)) => UserEnvLocation::File {
            path: dir.join("go").join("env"),
            from,
        },
        Err(reason) => UserEnvLocation::Unavailable { reason },
    }
}

/// Go's `os.UserConfigDir` per OS (and, from Go 1.24, its refusal of a relative
/// `XDG_CONFIG_HOME`).
fn user_config_dir(host: &Host, go: Option<&Version>) -> Result<(PathBuf, &'static str), String> {
    match host.os() {
        Os::Windows => host
            .var_nonempty(env_vars::APPDATA)
            .map(|d| (PathBuf::from(d), "%AppData%"))
            .ok_or_else(|| "%AppData% is not defined".to_owned()),
        Os::MacOs => host
            .home()
            .map(|h| (h.join("Library/Application Support"), "$HOME"))
            .ok_or_else(|| "$HOME is not defined".to_owned()),
        _ => {
            if let Some(x) = host.var_nonempty(env_vars::XDG_CONFIG_HOME) {
                let p = PathBuf::from(x);
                if !p.is_absolute() && go.is_none_or(|v| v.at_least(24)) {
                    return Err(format!("path in $XDG_CONFIG_HOME is relative: {x}"));
                }
                return Ok((p, "$XDG_CONFIG_HOME"));
            }
            host.home()
                .map(|h| (h.join(".config"), "$HOME"))
                .ok_or_else(|| "neither $XDG_CONFIG_HOME nor $HOME are defined".to_owned())
        }
    }
}

/// The user env file, read: its location, and its content when it could be read.
#[derive(Clone, Debug, Serialize)]
pub struct UserEnv {
    pub location: UserEnvLocation,
    /// The logical path actually read (a relative `GOENV` or XDG value is taken against the
    /// working directory, as Go's open would).
    #[serde(serialize_with = "crate::fs::lossy::opt_path")]
    pub path: Option<PathBuf>,
    pub file: Option<EnvFile>,
    /// Why it could not be read, when it exists but is unreadable.
    pub error: Option<String>,
}

impl UserEnv {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.file.as_ref()?.get(key, Precedence::LastWins)
    }
}

/// Finds and reads the user's go env file.
pub fn read_user_env(host: &Host, go: Option<&Version>) -> UserEnv {
    let location = user_env_location(host, go);
    let UserEnvLocation::File { path, .. } = &location else {
        return UserEnv {
            location,
            path: None,
            file: None,
            error: None,
        };
    };
    let abs = host.absolute(path);
    let (file, error) = read_env_file(host, &abs);
    UserEnv {
        location,
        path: Some(abs),
        file,
        error,
    }
}

/// Reads an env file; a missing file is simply absent, other failures are reported (one that
/// is not a regular file, `GOENV=/dev/zero`, or over [`crate::fs::cap::ENV_FILE`] bytes, is
/// refused without reading it).
pub fn read_env_file(host: &Host, path: &Path) -> (Option<EnvFile>, Option<String>) {
    match host.fs().read_capped(path, crate::fs::cap::ENV_FILE) {
        Ok(data) => (Some(EnvFile::parse(&data)), None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
        Err(e) => (None, Some(format!("cannot read {}: {e}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_go() {
        let f = EnvFile::parse(
            b"# comment\nGOPROXY=https://proxy.golang.org,direct\n  GOFLAGS=-x\nlower=1\nGOSUMDB=off\r\nNOEQUALS\nGOTOOLCHAIN=auto\nGOTOOLCHAIN=local\n\n",
        );
        assert_eq!(f.entries.len(), 4);
        assert_eq!(
            f.get("GOSUMDB", Precedence::LastWins)
                .map(|e| e.value.as_str()),
            Some("off\r"),
            "values are not trimmed"
        );
        assert_eq!(
            f.get("GOTOOLCHAIN", Precedence::LastWins).map(|e| e.line),
            Some(8)
        );
        assert_eq!(
            f.get("GOTOOLCHAIN", Precedence::FirstWins).map(|e| e.line),
            Some(7)
        );
        let reasons: Vec<usize> = f.ignored.iter().map(|i| i.line).collect();
        assert_eq!(reasons, [3, 4, 6]);
    }

    #[test]
    fn value_may_contain_equals_and_be_empty() {
        let f = EnvFile::parse(b"GOFLAGS=-ldflags=-s\nGOROOT=");
        assert_eq!(f.entries[0].value, "-ldflags=-s");
        assert_eq!(f.entries[1].value, "");
    }

    #[test]
    fn locations_per_os_and_version() {
        let v22 = Version::parse("1.22.10");
        let v24 = Version::parse("1.24.0");
        let linux = Host::fake("/r", Os::Linux).with_var("HOME", "/home/u");
        assert_eq!(
            user_env_location(&linux, v22.as_ref()),
            UserEnvLocation::File {
                path: "/home/u/.config/go/env".into(),
                from: "$HOME"
            }
        );
        let xdg = linux.clone().with_var("XDG_CONFIG_HOME", "rel");
        assert!(matches!(
            user_env_location(&xdg, v22.as_ref()),
            UserEnvLocation::File { .. }
        ));
        assert!(matches!(
            user_env_location(&xdg, v24.as_ref()),
            UserEnvLocation::Unavailable { .. }
        ));
        let off = linux.clone().with_var("GOENV", "off");
        assert_eq!(user_env_location(&off, v22.as_ref()), UserEnvLocation::Off);
        let mac = Host::fake("/r", Os::MacOs).with_var("HOME", "/Users/u");
        assert_eq!(
            user_env_location(&mac, v22.as_ref()),
            UserEnvLocation::File {
                path: "/Users/u/Library/Application Support/go/env".into(),
                from: "$HOME"
            }
        );
        let win = Host::fake("/r", Os::Windows);
        assert!(matches!(
            user_env_location(&win, v22.as_ref()),
            UserEnvLocation::Unavailable { .. }
        ));
        let nohome = Host::fake("/r", Os::Linux);
        assert!(matches!(
            user_env_location(&nohome, v22.as_ref()),
            UserEnvLocation::Unavailable { .. }
        ));
    }
}
