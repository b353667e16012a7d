//! The `go` executables on PATH: the one that runs and every one it shadows.
//!
//! The lookup is the shell's ([`lookpath::lookup`] with [`Style::Shell`]), so the PATH index
//! and the verdict of each entry match what `groot explain` shows. Executables become binary
//! candidates whose tree is found the way cmd/go finds GOROOT; dangling links, directories
//! named `go` and files without an execute bit become rejected candidates.

use crate::env_vars;
use crate::resolve::lookpath::{self, Style, Verdict};

use super::{RejectKind, Search, SearchStatus, Source, SourceKind, What};

pub(super) fn search(s: &mut Search<'_>) {
    let entries = s.host.path_entries();
    if entries.is_empty() {
        s.place(
            SourceKind::Path,
            env_vars::PATH,
            SearchStatus::NotSet,
            0,
            Some("PATH is empty or unset".to_owned()),
        );
        return;
    }
    let lookup = lookpath::lookup(s.host, "go", Style::Shell, Some(&entries));
    let chosen = lookup.chosen;
    for (i, c) in lookup.candidates.iter().enumerate() {
        let shown = if c.entry.as_os_str().is_empty() {
            "empty, the current directory".to_owned()
        } else {
            c.entry.display().to_string()
        };
        let mut detail = format!("PATH entry {} ({shown})", c.index + 1);
        let what = match c.verdict {
            // A shell lookup never refuses relative entries; Go's own lookup would.
            Verdict::Executable | Verdict::RelativeEntry => {
                detail.push_str(if chosen == Some(i) {
                    ", runs first"
                } else {
                    ", shadowed by an earlier entry"
                });
                What::Binary(c.absolute.clone())
            }
            Verdict::Absent => continue,
            Verdict::Dangling => What::Reject(RejectKind::DanglingLink, dangling(c)),
            Verdict::SymlinkLoop => What::Reject(
                RejectKind::SymlinkLoop,
                format!(
                    "{}: too many levels of symbolic links ({} followed)",
                    c.path.display(),
                    c.hops.len()
                ),
            ),
            Verdict::Directory => What::Reject(
                RejectKind::NotAFile,
                format!("{} is a directory", c.absolute.display()),
            ),
            Verdict::NotExecutable => What::Reject(
                RejectKind::NotExecutable,
                format!("{} has no execute permission", c.absolute.display()),
            ),
        };
        let mut source = Source::new(SourceKind::Path, c.absolute.clone(), detail);
        source.index = Some(c.index);
        s.push(what, source);
    }
    s.place(
        SourceKind::Path,
        env_vars::PATH,
        SearchStatus::Searched,
        lookup.candidates.len(),
        Some(format!("{} entries", entries.len())),
    );
}

fn dangling(c: &lookpath::Candidate) -> String {
    match c.hops.last() {
        Some(h) => format!(
            "dangling symlink: {} points to {}, which does not exist",
            h.link.display(),
            h.target.display()
        ),
        None => format!("{} cannot be resolved", c.absolute.display()),
    }
}
