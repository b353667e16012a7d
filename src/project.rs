//! The project around a directory: go.work and go.mod files and their `go` / `toolchain` lines.
//!
//! cmd/go finds them by walking up from the working directory (go.work first, as `GOWORK`
//! directs; then go.mod), and reads the two lines with `gover.GoModLookup`: the first line
//! that, trimmed, starts with the key followed by a space or tab; a `//` comment is dropped.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::fs::{clean, dir as parent_dir};
use crate::host::Host;

/// Which kind of file decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModKind {
    GoWork,
    GoMod,
}

impl ModKind {
    pub fn file_name(self) -> &'static str {
        match self {
            ModKind::GoWork => "go.work",
            ModKind::GoMod => "go.mod",
        }
    }
}

/// A `go` or `toolchain` line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModLine {
    pub value: String,
    /// 1-based line number.
    pub line: usize,
}

/// A go.work or go.mod file and the two lines that drive toolchain selection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModFile {
    pub kind: ModKind,
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub path: PathBuf,
    pub go: Option<ModLine>,
    pub toolchain: Option<ModLine>,
}

/// The value of the first `key` line (cmd/go's `gover.GoModLookup`), with its line number.
pub fn mod_lookup(data: &[u8], key: &str) -> Option<ModLine> {
    for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
        let text = String::from_utf8_lossy(raw);
        let line = text.trim();
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let rest = rest.split_once("//").map_or(rest, |(before, _)| before);
        return Some(ModLine {
            value: rest.trim().to_owned(),
            line: i + 1,
        });
    }
    None
}

/// Reads the `go` and `toolchain` lines of a go.mod or go.work file: a regular file of at most
/// [`crate::fs::cap::MOD_FILE`] bytes (anything else is refused, [`crate::fs::refusal`]).
pub fn read_mod_file(host: &Host, kind: ModKind, path: &Path) -> std::io::Result<ModFile> {
    let data = host.fs().read_capped(path, crate::fs::cap::MOD_FILE)?;
    Ok(ModFile {
        kind,
        path: path.to_path_buf(),
        go: mod_lookup(&data, "go"),
        toolchain: mod_lookup(&data, "toolchain"),
    })
}

/// `go.mod` above `dir`, as cmd/go's `modload.FindGoMod` finds it: the nearest directory
/// holding a `go.mod` that is not a directory; a go.mod directly in the system temp directory
/// is ignored (and stops the search).
pub fn find_go_mod(host: &Host, dir: &Path) -> Option<PathBuf> {
    let root = walk_up(host, dir, "go.mod", None)?;
    let tmp = temp_dir(host);
    if host.fs().same_file(&root, &tmp) || root == tmp {
        return None;
    }
    Some(root.join("go.mod"))
}

/// How `GOWORK` selects a go.work file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkSetting {
    Off,
    Search,
    File(PathBuf),
    /// A relative value, which cmd/go refuses.
    Invalid(String),
}

impl WorkSetting {
    pub fn from_value(value: &str) -> WorkSetting {
        match value {
            "off" => WorkSetting::Off,
            "" | "auto" => WorkSetting::Search,
            v if Path::new(v).is_absolute() => WorkSetting::File(PathBuf::from(v)),
            v => WorkSetting::Invalid(v.to_owned()),
        }
    }
}

/// go.work as cmd/go's `modload.FindGoWork` finds it: searching up from `dir` but never into
/// `goroot`'s parent chain past GOROOT itself; a named file that does not exist counts as none.
pub fn find_go_work(
    host: &Host,
    dir: &Path,
    setting: &WorkSetting,
    goroot: Option<&Path>,
) -> Option<PathBuf> {
    match setting {
        WorkSetting::Off | WorkSetting::Invalid(_) => None,
        WorkSetting::File(p) => host.fs().is_file(p).then(|| p.clone()),
        WorkSetting::Search => walk_up(host, dir, "go.work", goroot).map(|d| d.join("go.work")),
    }
}

/// The nearest directory at or above `dir` holding a non-directory `name`. With `stop`, the
/// walk ends before entering that directory (cmd/go does not cross GOROOT to find go.work).
fn walk_up(host: &Host, dir: &Path, name: &str, stop: Option<&Path>) -> Option<PathBuf> {
    let mut d = clean(&host.absolute(dir));
    loop {
        let candidate = d.join(name);
        if host.fs().metadata(&candidate).is_ok_and(|m| !m.is_dir()) {
            return Some(d);
        }
        let up = parent_dir(&d);
        if up == d {
            return None;
        }
        if stop.is_some_and(|s| s == up) {
            return None;
        }
        d = up;
    }
}

/// Go's `os.TempDir` on the modelled OS.
pub fn temp_dir(host: &Host) -> PathBuf {
    match host.os() {
        crate::host::Os::Windows => host
            .var_nonempty("TMP")
            .or_else(|| host.var_nonempty("TEMP"))
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(r"C:\Windows")),
        _ => host
            .var_nonempty(crate::env_vars::TMPDIR)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp")),
    }
}

/// cmd/go's `base.ShortPath`: the path relative to the working directory when that is
/// shorter.
pub fn short_path(cwd: &Path, path: &Path) -> String {
    let full = path.display().to_string();
    match relative(cwd, path) {
        Some(rel) if rel.len() < full.len() => rel,
        _ => full,
    }
}

/// A lexical relative path from `base` to `target` (both absolute), like Go's `filepath.Rel`.
pub fn relative(base: &Path, target: &Path) -> Option<String> {
    let base = clean(base);
    let target = clean(target);
    if !base.is_absolute() || !target.is_absolute() {
        return None;
    }
    let b: Vec<_> = base.components().collect();
    let t: Vec<_> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..b.len() {
        parts.push("..".to_owned());
    }
    for c in &t[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    if parts.is_empty() {
        return Some(".".to_owned());
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Os;

    #[test]
    fn lookup_matches_gomodlookup() {
        let data = b"module x\n\n  go 1.22 // comment\ntoolchain\tgo1.22.3\ngotoolchain 1\n";
        assert_eq!(
            mod_lookup(data, "go"),
            Some(ModLine {
                value: "1.22".into(),
                line: 3
            })
        );
        assert_eq!(
            mod_lookup(data, "toolchain").map(|l| l.value),
            Some("go1.22.3".into())
        );
        assert_eq!(mod_lookup(b"goo 1.2\n", "go"), None);
        assert_eq!(mod_lookup(b"go\n", "go"), None);
        assert_eq!(
            mod_lookup(b"\xff\xfe go 1\ngo 1.21\n", "go").map(|l| l.line),
            Some(2)
        );
    }

    #[test]
    fn walks_up_and_respects_temp_and_goroot() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        std::fs::create_dir_all(r.join("home/u/proj/sub")).expect("mkdir");
        std::fs::write(r.join("home/u/proj/go.mod"), "module p\ngo 1.22\n").expect("w");
        std::fs::create_dir_all(r.join("tmp/x")).expect("mkdir");
        std::fs::write(r.join("tmp/go.mod"), "module t\n").expect("w");
        std::fs::create_dir_all(r.join("home/u/proj/sub/go.mod"))
            .expect("a directory named go.mod");
        let host = Host::fake(r, Os::Linux);
        assert_eq!(
            find_go_mod(&host, Path::new("/home/u/proj/sub")),
            Some(PathBuf::from("/home/u/proj/go.mod"))
        );
        assert_eq!(
            find_go_mod(&host, Path::new("/tmp/x")),
            None,
            "go.mod in TMPDIR ignored"
        );
        std::fs::write(r.join("home/u/go.work"), "go 1.23\n").expect("w");
        assert_eq!(
            find_go_work(
                &host,
                Path::new("/home/u/proj/sub"),
                &WorkSetting::Search,
                None
            ),
            Some(PathBuf::from("/home/u/go.work"))
        );
        assert_eq!(
            find_go_work(
                &host,
                Path::new("/home/u/proj/sub"),
                &WorkSetting::Search,
                Some(Path::new("/home/u"))
            ),
            None,
            "the search does not climb into GOROOT"
        );
        assert_eq!(
            find_go_work(
                &host,
                Path::new("/"),
                &WorkSetting::File("/nope/go.work".into()),
                None
            ),
            None
        );
        assert_eq!(
            WorkSetting::from_value("rel/go.work"),
            WorkSetting::Invalid("rel/go.work".into())
        );
    }

    #[test]
    fn short_paths() {
        assert_eq!(
            short_path(Path::new("/a/b"), Path::new("/a/b/go.mod")),
            "go.mod"
        );
        assert_eq!(
            short_path(Path::new("/a/b/c"), Path::new("/a/b/go.mod")),
            "../go.mod"
        );
        assert_eq!(
            short_path(Path::new("/x/y/z/w"), Path::new("/a/go.mod")),
            "/a/go.mod"
        );
    }
}
