//! Finding `go` on PATH: the way a shell's exec finds it, and the way cmd/go's own
//! `exec.LookPath` finds a `goX.Y.Z` toolchain to switch to.
//!
//! The two differ: a shell treats an empty PATH entry as the current directory and accepts
//! relative entries (resolved against the working directory); Go's `LookPath` refuses any
//! result found through a relative entry (`exec.ErrDot`, Go 1.19+). Both skip entries that do
//! not exist, dangling symlinks, directories and files without an execute bit.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::fs::Hop;
use crate::host::{Host, Os};

/// What one PATH entry gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// An executable file: the first one runs, later ones are shadowed.
    Executable,
    /// Nothing by that name in the entry.
    Absent,
    /// A symlink whose target does not exist.
    Dangling,
    /// A directory with the command's name.
    Directory,
    /// A file without an execute bit.
    NotExecutable,
    /// Found through a relative or empty entry, which Go's `LookPath` refuses.
    RelativeEntry,
    /// More symlinks in a row than the OS follows ([`Os::max_symlinks`]): `exec` fails with
    /// ELOOP, so a shell goes on to the next entry.
    SymlinkLoop,
}

impl Verdict {
    pub fn describe(&self) -> &'static str {
        match self {
            Verdict::Executable => "executable",
            Verdict::Absent => "not present",
            Verdict::Dangling => "dangling symlink, skipped",
            Verdict::Directory => "a directory, skipped",
            Verdict::NotExecutable => "not executable, skipped",
            Verdict::RelativeEntry => "in a relative PATH entry, which Go refuses",
            Verdict::SymlinkLoop => "too many levels of symbolic links, skipped",
        }
    }
}

/// One candidate file examined during a lookup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// 0-based index of the PATH entry.
    pub index: usize,
    /// The PATH entry as written (empty means the current directory).
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub entry: PathBuf,
    /// The path exec would be given (entry joined with the name; relative if the entry is).
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub path: PathBuf,
    /// The absolute logical path.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub absolute: PathBuf,
    pub verdict: Verdict,
    /// Symlinks followed from `absolute` to the file.
    pub hops: Vec<Hop>,
    /// The fully resolved path, when it resolves.
    #[serde(serialize_with = "crate::fs::lossy::opt_path")]
    pub resolved: Option<PathBuf>,
}

/// The result of a lookup: every entry examined, and which one wins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Lookup {
    pub name: String,
    pub candidates: Vec<Candidate>,
    /// Index into `candidates` of the winner.
    pub chosen: Option<usize>,
}

impl Lookup {
    pub fn chosen(&self) -> Option<&Candidate> {
        self.chosen.map(|i| &self.candidates[i])
    }

    /// Executables found after the winner, which it shadows.
    pub fn shadowed(&self) -> impl Iterator<Item = &Candidate> {
        let after = self.chosen.map_or(usize::MAX, |i| i);
        self.candidates
            .iter()
            .enumerate()
            .filter(move |(i, c)| *i > after && c.verdict == Verdict::Executable)
            .map(|(_, c)| c)
    }
}

/// How the lookup treats relative entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A POSIX shell / Windows shell: empty and relative entries search the working directory.
    Shell,
    /// Go's `exec.LookPath` (1.19+): results from relative entries are refused.
    Go,
}

/// Looks `name` up in the PATH entries of `host` (or `path_override`).
pub fn lookup(host: &Host, name: &str, style: Style, path_override: Option<&[PathBuf]>) -> Lookup {
    let owned;
    let entries: &[PathBuf] = match path_override {
        Some(p) => p,
        None => {
            owned = host.path_entries();
            &owned
        }
    };
    let names = candidate_names(host, name);
    let mut out = Lookup {
        name: name.to_owned(),
        ..Lookup::default()
    };
    for (index, entry) in entries.iter().enumerate() {
        let dir = if entry.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            entry.clone()
        };
        for n in &names {
            let path = dir.join(n);
            let absolute = host.absolute(&path);
            let mut c = examine(host, &absolute);
            if c.0 == Verdict::Absent {
                continue;
            }
            if c.0 == Verdict::Executable && style == Style::Go && !dir.is_absolute() {
                c.0 = Verdict::RelativeEntry;
            }
            let (verdict, hops, resolved) = c;
            let is_winner = verdict == Verdict::Executable && out.chosen.is_none();
            out.candidates.push(Candidate {
                index,
                entry: entry.clone(),
                path,
                absolute,
                verdict,
                hops,
                resolved,
            });
            if is_winner {
                out.chosen = Some(out.candidates.len() - 1);
            }
            break;
        }
    }
    out
}

/// The file names tried for a command: the name itself on Unix; on Windows each PATHEXT
/// extension (unless the name already has one).
fn candidate_names(host: &Host, name: &str) -> Vec<OsString> {
    if host.os() != Os::Windows || Path::new(name).extension().is_some() {
        return vec![OsString::from(name)];
    }
    let exts = host
        .var_nonempty(crate::env_vars::PATHEXT)
        .unwrap_or(".COM;.EXE;.BAT;.CMD")
        .to_owned();
    exts.split(';')
        .filter(|e| !e.is_empty())
        .map(|e| OsString::from(format!("{name}{}", e.to_ascii_lowercase())))
        .collect()
}

fn examine(host: &Host, path: &Path) -> (Verdict, Vec<Hop>, Option<PathBuf>) {
    let fs = host.fs();
    let Ok(own) = fs.symlink_metadata(path) else {
        return (Verdict::Absent, Vec::new(), None);
    };
    // The kernel's limit, not Go's EvalSymlinks's 255: what exec can really run.
    let max_links = host.os().max_symlinks();
    // Not itself a link (the usual `go`): only its directory needs resolving, and its own
    // `lstat` already says what a `stat` of the resolved path would. That holds on the real
    // filesystem, where the kernel resolved the directory's links as the walk does; below a
    // root prefix only when the directory has no links (an absolute target leaves the root).
    if !own.file_type().is_symlink() {
        if let (Some(parent), Some(name)) = (path.parent(), path.file_name()) {
            if let Ok(r) = fs.canonicalize_within(parent, max_links) {
                if fs.root().is_none() || r.hops.is_empty() {
                    return (verdict_of(host, Ok(&own)), r.hops, Some(r.path.join(name)));
                }
            }
        }
    }
    match fs.canonicalize_within(path, max_links) {
        Err(e @ crate::fs::ResolveError::Loop { .. }) => {
            (Verdict::SymlinkLoop, e.hops().to_vec(), None)
        }
        Err(e) => (Verdict::Dangling, e.hops().to_vec(), None),
        Ok(r) => {
            let verdict = verdict_of(host, fs.metadata(&r.path).as_ref());
            (verdict, r.hops, Some(r.path))
        }
    }
}

/// What exec makes of a resolved file, from its metadata (symlinks followed).
fn verdict_of(host: &Host, meta: Result<&std::fs::Metadata, &std::io::Error>) -> Verdict {
    match meta {
        Ok(m) if m.is_dir() => Verdict::Directory,
        Ok(m) if host.os() == Os::Windows || crate::fs::is_executable_file_meta(m) => {
            Verdict::Executable
        }
        Ok(_) => Verdict::NotExecutable,
        Err(_) => Verdict::Dangling,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    fn exe(p: &Path) {
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, b"").expect("w");
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    #[test]
    fn skips_like_a_shell() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        std::fs::create_dir_all(r.join("a")).expect("mkdir");
        symlink("/nowhere/go", r.join("a/go")).expect("dangling");
        std::fs::create_dir_all(r.join("b/go")).expect("dir named go");
        std::fs::create_dir_all(r.join("c")).expect("mkdir");
        std::fs::write(r.join("c/go"), b"").expect("non-exec");
        exe(&r.join("d/go"));
        exe(&r.join("e/go"));
        exe(&r.join("work/go"));
        let host = Host::fake(r, Os::Linux)
            .with_var("PATH", "/a:/b:/c:/missing::/d:/e")
            .with_cwd("/work");
        let l = lookup(&host, "go", Style::Shell, None);
        let verdicts: Vec<_> = l.candidates.iter().map(|c| c.verdict.clone()).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Dangling,
                Verdict::Directory,
                Verdict::NotExecutable,
                Verdict::Executable,
                Verdict::Executable,
                Verdict::Executable
            ]
        );
        let chosen = l.chosen().expect("found");
        assert_eq!(
            chosen.absolute,
            PathBuf::from("/work/go"),
            "empty entry = cwd"
        );
        assert_eq!(chosen.path, PathBuf::from("./go"));
        assert_eq!(l.shadowed().count(), 2);

        let g = lookup(&host, "go", Style::Go, None);
        assert_eq!(
            g.chosen().map(|c| c.absolute.clone()),
            Some(PathBuf::from("/d/go"))
        );
    }

    /// A chain of `hops` relative symlinks `dir/go -> l1 -> ... -> real`.
    fn chain(dir: &Path, hops: usize) {
        exe(&dir.join("real"));
        for i in 0..hops {
            let from = if i == 0 {
                "go".to_owned()
            } else {
                format!("l{i}")
            };
            let to = if i + 1 == hops {
                "real".to_owned()
            } else {
                format!("l{}", i + 1)
            };
            symlink(&to, dir.join(from)).expect("link");
        }
    }

    #[test]
    fn symlink_chains_longer_than_the_kernel_follows_are_skipped() {
        // Item 12 of issue 12: exec fails with ELOOP after 40 hops on Linux (32 on macOS), so
        // a 46-hop chain is not "the go that runs" even though EvalSymlinks would resolve it.
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        chain(&r.join("long"), 46);
        chain(&r.join("mid"), 35);
        chain(&r.join("ok"), 40);
        let verdict = |os, path: &str| {
            let host = Host::fake(r, os).with_var("PATH", path);
            let l = lookup(&host, "go", Style::Shell, None);
            l.candidates[0].verdict.clone()
        };
        assert_eq!(verdict(Os::Linux, "/long"), Verdict::SymlinkLoop);
        assert_eq!(verdict(Os::Linux, "/ok"), Verdict::Executable);
        assert_eq!(verdict(Os::Linux, "/mid"), Verdict::Executable);
        assert_eq!(verdict(Os::MacOs, "/mid"), Verdict::SymlinkLoop);
        let host = Host::fake(r, Os::Linux).with_var("PATH", "/long:/ok");
        let l = lookup(&host, "go", Style::Shell, None);
        assert_eq!(
            l.chosen().map(|c| c.absolute.clone()),
            Some(PathBuf::from("/ok/go"))
        );
        assert!(Verdict::SymlinkLoop
            .describe()
            .contains("too many levels of symbolic links"));
    }

    /// A `go` that is not a link is resolved through its directory alone: the same path,
    /// hops and verdict as resolving the whole path, on the real filesystem and below a root.
    #[test]
    fn plain_file_in_a_linked_directory_resolves_as_the_whole_path() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        exe(&r.join("real/bin/go"));
        std::fs::create_dir_all(r.join("plain")).expect("mkdir");
        std::fs::write(r.join("plain/go"), b"").expect("non-exec");
        // A linked directory above `bin`: an absolute link on the real filesystem (below a
        // root the lookup's first `lstat` would leave the root through one), a relative one
        // below a root.
        symlink(r.join("real"), r.join("abs")).expect("link");
        symlink("real", r.join("up")).expect("link");
        symlink("real/bin", r.join("rel")).expect("link");
        let real = (PathBuf::from("/"), r.to_path_buf(), "abs/bin");
        let below = (r.to_path_buf(), PathBuf::from("/"), "up/bin");
        for (root, prefix, linked) in [real, below] {
            let host = Host::fake(&root, Os::Linux);
            for entry in [linked, "rel", "real/bin", "plain"] {
                let dir = prefix.join(entry);
                let host = host.clone().with_var("PATH", dir.as_os_str());
                let l = lookup(&host, "go", Style::Shell, None);
                let c = l
                    .candidates
                    .first()
                    .unwrap_or_else(|| panic!("{entry} below {root:?}: nothing found"));
                let whole = host.fs().canonicalize(&dir.join("go"));
                match whole {
                    Ok(w) => {
                        assert_eq!(c.resolved.as_ref(), Some(&w.path), "{entry} below {root:?}");
                        assert_eq!(c.hops, w.hops, "{entry} below {root:?}");
                    }
                    Err(e) => panic!("{entry} below {root:?}: {e}"),
                }
                let want = if entry == "plain" {
                    Verdict::NotExecutable
                } else {
                    Verdict::Executable
                };
                assert_eq!(c.verdict, want, "{entry} below {root:?}");
            }
        }
    }

    #[test]
    fn windows_uses_pathext() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        exe(&r.join("go/bin/go.exe"));
        let host = Host::fake(r, Os::Windows)
            .with_var("PATH", "/go/bin")
            .with_var("PATHEXT", ".COM;.EXE");
        let l = lookup(&host, "go", Style::Shell, None);
        assert_eq!(
            l.chosen().map(|c| c.absolute.clone()),
            Some(PathBuf::from("/go/bin/go.exe"))
        );
    }
}
