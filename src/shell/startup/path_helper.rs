//! macOS `path_helper`, reimplemented from its documented behaviour: it builds PATH from
//! `/etc/paths` and then every regular file in `/etc/paths.d`, one entry per line, skipping
//! duplicates, and only **then** appends the entries of the current PATH that are not already
//! there. System entries therefore always come first; whatever a user put on PATH before it
//! runs (in `~/.zshenv`, say) is pushed behind them. `/etc/zprofile`, `/etc/profile`, fish's
//! login emulation and `brew shellenv` (with `PATH_HELPER_ROOT`) all run it.
//!
//! Since macOS 14 (shell_cmds-302) the files in `paths.d` are ordered with numeric prefixes
//! first, by value (`9 < 70def < 400-a < 0400-b < 1000`), then the rest by name; earlier
//! releases used directory order, which groot approximates with the same sort.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use crate::fs::View;

/// Where one entry of the result came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum EntrySource {
    /// A line of `/etc/paths` or of a file in `/etc/paths.d`.
    File { path: PathBuf, line: usize },
    /// The PATH that was in effect before path_helper ran.
    Inherited,
}

/// One PATH entry with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PathEntry {
    pub dir: String,
    pub source: EntrySource,
}

/// The PATH path_helper prints, given the PATH it inherits. `root` is `PATH_HELPER_ROOT`
/// (`/` normally; Homebrew's prefix inside `brew shellenv`).
pub fn construct_path(fs: &dyn View, root: &Path, inherited: &[String]) -> Vec<PathEntry> {
    let mut out: Vec<PathEntry> = Vec::new();
    let push = |dir: &str, source: EntrySource, out: &mut Vec<PathEntry>| {
        if !dir.is_empty() && !out.iter().any(|e| e.dir == dir) {
            out.push(PathEntry {
                dir: dir.to_string(),
                source,
            });
        }
    };
    for file in config_files(fs, root) {
        let Ok(bytes) = fs.read(&file) else { continue };
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            let dir = line.trim_end_matches(['\r', ' ', '\t']);
            push(
                dir,
                EntrySource::File {
                    path: file.clone(),
                    line: i + 1,
                },
                &mut out,
            );
        }
    }
    for dir in inherited {
        push(dir, EntrySource::Inherited, &mut out);
    }
    out
}

/// Just the directories of [`construct_path`].
pub fn construct_path_dirs(fs: &dyn View, root: &Path, inherited: &[String]) -> Vec<String> {
    construct_path(fs, root, inherited)
        .into_iter()
        .map(|e| e.dir)
        .collect()
}

/// The files path_helper reads, in order: `<root>/etc/paths`, then the regular files of
/// `<root>/etc/paths.d` in path_helper's order.
pub fn config_files(fs: &dyn View, root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let paths = root.join("etc/paths");
    if fs.is_file(&paths) {
        out.push(paths);
    }
    let dir = root.join("etc/paths.d");
    if let Ok(mut entries) = fs.read_dir(&dir) {
        entries.retain(|p| fs.is_file(p));
        entries.sort_by(|a, b| {
            let name = |p: &PathBuf| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            compare_names(&name(a), &name(b))
        });
        out.extend(entries);
    }
    out
}

/// path_helper's order of `paths.d` names: names starting with digits first, by numeric value,
/// then by what follows the digits; then all other names bytewise.
pub fn compare_names(a: &str, b: &str) -> Ordering {
    fn split(s: &str) -> Option<(u128, &str)> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let value = s[..digits].parse::<u128>().unwrap_or(u128::MAX);
        Some((value, &s[digits..]))
    }
    match (split(a), split(b)) {
        (Some((va, ra)), Some((vb, rb))) => {
            va.cmp(&vb).then_with(|| ra.cmp(rb)).then_with(|| a.cmp(b))
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn system_entries_move_ahead_of_inherited_ones() {
        let fs = MemFs::new()
            .file(
                "/etc/paths",
                "/usr/local/bin\n/usr/bin\n/bin\n/usr/sbin\n/sbin\n",
            )
            .file("/etc/paths.d/go", "/usr/local/go/bin\n");
        let got = construct_path_dirs(
            &fs,
            Path::new("/"),
            &strs(&["/Users/me/go/bin", "/opt/homebrew/bin", "/usr/bin", "/bin"]),
        );
        assert_eq!(
            got,
            strs(&[
                "/usr/local/bin",
                "/usr/bin",
                "/bin",
                "/usr/sbin",
                "/sbin",
                "/usr/local/go/bin",
                "/Users/me/go/bin",
                "/opt/homebrew/bin"
            ])
        );
    }

    #[test]
    fn paths_d_order_is_numeric_then_by_name() {
        let mut names = vec!["a", "1000", "0400-b", "400-a", "70def", "9"];
        names.sort_by(|a, b| compare_names(a, b));
        assert_eq!(names, ["9", "70def", "400-a", "0400-b", "1000", "a"]);
    }

    #[test]
    fn blank_lines_duplicates_and_subdirectories_are_ignored() {
        let fs = MemFs::new()
            .file("/etc/paths", "/usr/bin\n\n/usr/bin\r\n")
            .file("/etc/paths.d/b", "/b\n$HOME/bin\n")
            .file("/etc/paths.d/sub/c", "/c\n");
        let got = construct_path(&fs, Path::new("/"), &strs(&["/b", "/x"]));
        let dirs: Vec<_> = got.iter().map(|e| e.dir.as_str()).collect();
        assert_eq!(dirs, ["/usr/bin", "/b", "$HOME/bin", "/x"]);
        assert_eq!(
            got[1].source,
            EntrySource::File {
                path: "/etc/paths.d/b".into(),
                line: 1
            }
        );
        assert_eq!(got[3].source, EntrySource::Inherited);
    }

    #[test]
    fn root_prefix_reads_homebrew_paths() {
        let fs = MemFs::new().file(
            "/opt/homebrew/etc/paths",
            "/opt/homebrew/bin\n/opt/homebrew/sbin\n",
        );
        let got = construct_path_dirs(
            &fs,
            Path::new("/opt/homebrew"),
            &strs(&["/usr/bin", "/opt/homebrew/bin", "/bin"]),
        );
        assert_eq!(
            got,
            strs(&[
                "/opt/homebrew/bin",
                "/opt/homebrew/sbin",
                "/usr/bin",
                "/bin"
            ])
        );
    }
}
