//! `groot fix` as a library: turns [`Gap`]s into one planned edit per file, spells groot's
//! block for each file's shell, and applies or undoes the plan through [`edit`]
//! (backups under groot's data dir, a journal, atomic writes through symlinked dotfiles).
//!
//! Per file, every gap's block lines and comment-outs are merged; a file that already has a
//! groot block keeps its lines and gains the new ones, so running `groot fix` again never
//! takes back an earlier fix, and a fixed machine plans no change at all.
//!
//! The go env file's `GOROOT=` line ([`goenv_gaps`]) is commented out by a file edit rather
//! than `go env -u GOROOT`: that command needs a go that still starts with the bad setting,
//! Go 1.27 refuses GOROOT in `go env -w/-u`, and a file edit is backed up and undone exactly
//! like the others. Go ignores lines that do not start with an upper-case letter, so the
//! commented line has no effect.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::envfile;
use crate::fs::Fs;
use crate::host::Host;
use crate::shell::gaps::{BlockLine, CommentOut, Detail, Dialect, Edit, Gap, Place};
use crate::shell::write::edit::{
    self, EditError, EditPlan, Journal, LineRef, Placement, BEGIN_MARKER, END_MARKER,
};
use crate::shell::{quote, ShellKind};

/// Why a fix could not be planned, applied or undone.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error("{path}:{line} is not `{expected}` any more; run groot fix again")]
    LineGone {
        path: PathBuf,
        line: usize,
        expected: String,
    },
    #[error("no place for backups: groot's data directory is unknown (set HOME or GROOT_HOME)")]
    NoDataDir,
    /// The data directory is `/`, `$HOME` or not groot's: no backups are written there.
    #[error(transparent)]
    Home(#[from] crate::home::HomeError),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The `goroot-goenv-file` gap: a `GOROOT=` line in the user's go env file, which overrides
/// how every go of this user finds its root, in every shell, IDE and CI job.
pub fn goenv_gaps(host: &Host) -> Vec<Gap> {
    let ue = envfile::read_user_env(host, None);
    let (Some(path), Some(file)) = (ue.path.clone(), ue.file.as_ref()) else {
        return Vec::new();
    };
    let lines: Vec<&envfile::Entry> = file.entries.iter().filter(|e| e.key == "GOROOT").collect();
    let Some(last) = lines.last() else {
        return Vec::new();
    };
    let note = "GOROOT in the go env file overrides how go finds its root; go finds its own";
    let comment_out = lines
        .iter()
        .map(|e| CommentOut {
            line: e.line,
            text: format!("{}={}", e.key, e.value).trim().to_string(),
            note: note.to_string(),
        })
        .collect();
    let exists = host.fs().is_dir(Path::new(&last.value));
    vec![Gap {
        code: "goroot-goenv-file",
        summary: format!(
            "{}:{} sets GOROOT={} for every go command of this user{} (written by `go env -w GOROOT=…`); \
             groot comments it out instead of running `go env -u GOROOT`, which needs a working go \
             and is refused from Go 1.27",
            path.display(),
            last.line,
            last.value,
            if exists { "" } else { ", and that directory does not exist" }
        ),
        detail: Detail::StaleGoroot {
            place: Place {
                file: path.clone(),
                line: last.line,
                text: format!("GOROOT={}", last.value),
            },
            value: last.value.clone(),
            go_root: None,
            go_version: None,
            goroot_version: None,
            contexts: Vec::new(),
        },
        edits: vec![Edit {
            file: path,
            dialect: Dialect::GoEnv,
            placement: Placement::End,
            lines: Vec::new(),
            comment_out,
        }],
        commands: Vec::new(),
    }]
}

/// One file's planned change.
#[derive(Debug, Clone, Serialize)]
pub struct FileChange {
    /// The file as the modelled machine names it.
    pub file: PathBuf,
    /// The codes of the gaps this change fixes.
    pub codes: Vec<&'static str>,
    /// The block groot's lines will hold (empty when only lines are commented out).
    pub block: String,
    /// A unified diff (empty when nothing changes).
    pub diff: String,
    pub changed: bool,
    #[serde(skip)]
    pub plan: EditPlan,
}

/// A whole fix: what was found, and what would change.
#[derive(Debug, Clone, Serialize)]
pub struct FixPlan {
    pub gaps: Vec<Gap>,
    pub changes: Vec<FileChange>,
}

impl FixPlan {
    /// Whether applying would change any file.
    pub fn changes_anything(&self) -> bool {
        self.changes.iter().any(|c| c.changed)
    }

    /// Gaps that no edit fixes (the user must choose, or run a command).
    pub fn manual(&self) -> impl Iterator<Item = &Gap> {
        self.gaps.iter().filter(|g| g.edits.is_empty())
    }

    pub fn edit_plans(&self) -> Vec<EditPlan> {
        self.changes.iter().map(|c| c.plan.clone()).collect()
    }
}

/// Escapes text for a double-quoted string of the dialect, writing a leading `$HOME` as such.
fn quoted(dialect: Dialect, home: &Path, value: &str) -> String {
    let kind = match dialect {
        Dialect::Fish => ShellKind::Fish,
        Dialect::Posix | Dialect::GoEnv => ShellKind::Sh,
    };
    let esc = |s: &str| quote::in_double(kind, s);
    let h = home.display().to_string();
    let body = if !h.is_empty() && h != "/" && value == h {
        "$HOME".to_string()
    } else if let Some(rest) = value
        .strip_prefix(h.as_str())
        .filter(|r| r.starts_with('/') && !h.is_empty() && h != "/")
    {
        format!("$HOME{}", esc(rest))
    } else {
        esc(value)
    };
    format!("\"{body}\"")
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// The first line of every new block.
pub const BLOCK_HEADER: &str =
    "# Go for every kind of shell; added by `groot fix`, undo with `groot fix --undo`";

/// Spells block lines for a dialect (one statement per line, so blocks merge line by line).
pub fn render_lines(dialect: Dialect, home: &Path, lines: &[BlockLine]) -> Vec<String> {
    let mut out = Vec::new();
    for l in lines {
        let s = match (dialect, l) {
            (Dialect::GoEnv, _) => continue,
            (_, BlockLine::SetVar { name, .. } | BlockLine::UnsetVar { name })
                if !valid_name(name) =>
            {
                continue
            }
            (Dialect::Posix, BlockLine::PrependPath { dir }) => {
                let q = quoted(dialect, home, dir);
                let inner = &q[1..q.len() - 1];
                format!(
                    "case \"$PATH\" in \"{inner}:\"*) ;; *) export PATH=\"{inner}:$PATH\" ;; esac"
                )
            }
            (Dialect::Posix, BlockLine::AddPath { dir }) => {
                let q = quoted(dialect, home, dir);
                let inner = &q[1..q.len() - 1];
                format!("case \":$PATH:\" in *\":{inner}:\"*) ;; *) export PATH=\"{inner}:$PATH\" ;; esac")
            }
            (Dialect::Posix, BlockLine::SetVar { name, value }) => {
                format!("export {name}={}", quoted(dialect, home, value))
            }
            (Dialect::Posix, BlockLine::UnsetVar { name }) => format!("unset {name}"),
            (Dialect::Fish, BlockLine::PrependPath { dir }) => format!(
                "fish_add_path --global --move --path {}",
                quoted(dialect, home, dir)
            ),
            (Dialect::Fish, BlockLine::AddPath { dir }) => format!(
                "fish_add_path --global --append --path {}",
                quoted(dialect, home, dir)
            ),
            (Dialect::Fish, BlockLine::SetVar { name, value }) => {
                format!("set -gx {name} {}", quoted(dialect, home, value))
            }
            (Dialect::Fish, BlockLine::UnsetVar { name }) => format!("set -e {name}"),
        };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The lines inside an existing groot block of `bytes`, if it has one.
fn existing_block(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut inside = false;
    let mut out = Vec::new();
    for l in text.lines() {
        let t = l.trim();
        if t == BEGIN_MARKER {
            inside = true;
        } else if t == END_MARKER {
            break;
        } else if inside {
            out.push(l.trim_end_matches('\r').to_string());
        }
    }
    out
}

struct Merged {
    dialect: Dialect,
    placement: Placement,
    lines: Vec<BlockLine>,
    comment_out: Vec<CommentOut>,
    codes: Vec<&'static str>,
}

/// Plans the fix of `gaps` on the filesystem `fs` (paths are logical; a rooted `fs` maps them
/// below its root). `home` spells paths below it as `$HOME/…`. `path_order` is a PATH whose
/// order new PATH entries keep (the terminal's, say): the entry earliest in it ends first.
pub fn plan_fix(
    fs: &Fs,
    home: &Path,
    gaps: Vec<Gap>,
    path_order: &[String],
) -> Result<FixPlan, FixError> {
    let mut files: BTreeMap<PathBuf, Merged> = BTreeMap::new();
    for g in &gaps {
        for e in &g.edits {
            let m = files.entry(e.file.clone()).or_insert_with(|| Merged {
                dialect: e.dialect,
                placement: e.placement,
                lines: Vec::new(),
                comment_out: Vec::new(),
                codes: Vec::new(),
            });
            if e.placement == Placement::Top {
                m.placement = Placement::Top;
            }
            for l in &e.lines {
                if !m.lines.contains(l) {
                    m.lines.push(l.clone());
                }
            }
            for c in &e.comment_out {
                if !m.comment_out.iter().any(|x| x.line == c.line) {
                    m.comment_out.push(c.clone());
                }
            }
            if !m.codes.contains(&g.code) {
                m.codes.push(g.code);
            }
        }
    }
    let mut changes = Vec::new();
    for (file, m) in files {
        let physical = fs.to_real(&file);
        let current = match std::fs::read(edit::resolve_target(&physical)?) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(FixError::Io {
                    path: file.clone(),
                    source,
                })
            }
        };
        // PATH entries: unset and set lines first, then prepends so that the entry earliest
        // in `path_order` is prepended last and ends first.
        let rank = |l: &BlockLine| match l {
            BlockLine::PrependPath { dir } | BlockLine::AddPath { dir } => {
                let pos = path_order
                    .iter()
                    .position(|p| p == dir)
                    .unwrap_or(usize::MAX);
                (1, usize::MAX - pos)
            }
            _ => (0, 0),
        };
        let mut lines = m.lines.clone();
        lines.sort_by_key(rank);
        let rendered = render_lines(m.dialect, home, &lines);
        let mut block = current.as_deref().map(existing_block).unwrap_or_default();
        if !rendered.is_empty() && block.is_empty() {
            block.push(BLOCK_HEADER.to_string());
        }
        for r in rendered {
            if !block.contains(&r) {
                block.push(r);
            }
        }
        let block_text = block.join("\n");
        let mut refs = Vec::new();
        for c in &m.comment_out {
            let raw = current.as_deref().and_then(|b| {
                String::from_utf8_lossy(b)
                    .split('\n')
                    .nth(c.line.wrapping_sub(1))
                    .map(|l| l.trim_end_matches('\r').to_string())
            });
            match raw {
                Some(r) if r.trim() == c.text => refs.push(LineRef {
                    line: c.line,
                    text: r,
                    note: c.note.clone(),
                }),
                _ => {
                    return Err(FixError::LineGone {
                        path: file.clone(),
                        line: c.line,
                        expected: c.text.clone(),
                    })
                }
            }
        }
        let mut plan = edit::plan_file_edit_at(&physical, &block_text, &refs, m.placement)?;
        if physical != file {
            plan.diff = plan.diff.replacen(
                &physical.display().to_string(),
                &file.display().to_string(),
                2,
            );
        }
        changes.push(FileChange {
            file,
            codes: m.codes,
            block: block_text,
            diff: plan.diff.clone(),
            changed: plan.changed,
            plan,
        });
    }
    Ok(FixPlan { gaps, changes })
}

/// Where backups and journals go: `<groot data dir>/backups` (a logical path).
pub fn backup_root(host: &Host) -> Option<PathBuf> {
    crate::home::Layout::of(host).map(|l| l.backups())
}

/// Checks that groot's data directory may hold backups ([`crate::home::claim_home`]: not `/`,
/// not `$HOME`, not a directory groot did not make) and marks it as groot's.
pub fn claim_home(host: &Host) -> Result<(), FixError> {
    let home = crate::home::groot_home(host).ok_or(FixError::NoDataDir)?;
    let user_home = host.home().map(|h| host.fs().to_real(&h));
    crate::home::claim_home(&host.fs().to_real(&home), user_home.as_deref())?;
    Ok(())
}

/// Applies a plan: backs every changed file up under [`backup_root`]`/<stamp>/`, writes the
/// journal, then writes each file atomically. Refuses, changing nothing, when a file changed
/// since the plan or cannot be written.
pub fn apply_fix(host: &Host, plan: &FixPlan, stamp: &str) -> Result<Journal, FixError> {
    let root = backup_root(host).ok_or(FixError::NoDataDir)?;
    claim_home(host)?;
    Ok(edit::apply(
        &plan.edit_plans(),
        &host.fs().to_real(&root),
        stamp,
    )?)
}

/// The outcome of an undo.
#[derive(Debug, Clone, Serialize)]
pub struct Undone {
    /// The backup directory whose journal was replayed.
    pub dir: PathBuf,
    /// Files put back.
    pub restored: Vec<PathBuf>,
}

/// The name a journal gets once undone, so the next undo goes one fix further back.
pub const UNDONE_JOURNAL: &str = "journal.undone.json";

/// Undoes the newest fix not undone yet; `None` when there is none.
pub fn undo_last(host: &Host) -> Result<Option<Undone>, FixError> {
    let root = backup_root(host).ok_or(FixError::NoDataDir)?;
    let root = host.fs().to_real(&root);
    let mut dirs: Vec<PathBuf> = match std::fs::read_dir(&root) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(FixError::Io { path: root, source }),
    };
    // Stamps sort by time; a `-N` suffix (two fixes in one second) sorts after its stamp.
    dirs.sort_by_key(|d| {
        let name = d
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (stamp, n) = match name.split_once('-') {
            Some((s, n)) => (s.to_string(), n.parse::<u32>().unwrap_or(0)),
            None => (name.clone(), 0),
        };
        (stamp, n)
    });
    for dir in dirs.into_iter().rev() {
        let jpath = dir.join(Journal::FILE_NAME);
        if !jpath.is_file() {
            continue;
        }
        let journal = edit::read_journal(&jpath)?;
        let restored = edit::undo(&journal)?;
        std::fs::rename(&jpath, dir.join(UNDONE_JOURNAL)).map_err(|source| FixError::Io {
            path: jpath.clone(),
            source,
        })?;
        return Ok(Some(Undone { dir, restored }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12, item 4: `groot fix` keeps its backups in groot's data directory; one that is
    /// `$HOME` or not groot's gets nothing, not even a `backups/` directory.
    #[test]
    fn fix_backups_go_only_into_a_home_of_groots_own() {
        let t = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(t.path().join("home/u")).expect("mkdir");
        std::fs::create_dir_all(t.path().join("gh")).expect("mkdir");
        std::fs::write(t.path().join("gh/notes.txt"), "mine").expect("write");
        let plan = FixPlan {
            gaps: Vec::new(),
            changes: Vec::new(),
        };
        for groot_home in ["/gh", "/home/u"] {
            let host = crate::host::Host::fake(t.path(), crate::host::Os::Linux)
                .with_var("HOME", "/home/u")
                .with_var("GROOT_HOME", groot_home);
            let err = apply_fix(&host, &plan, "20261202T000000Z").expect_err(groot_home);
            assert!(matches!(err, FixError::Home(_)), "{groot_home}: {err}");
        }
        assert!(!t.path().join("gh/backups").exists());
        assert!(!t.path().join("home/u/backups").exists());
        let host = crate::host::Host::fake(t.path(), crate::host::Os::Linux)
            .with_var("HOME", "/home/u")
            .with_var("GROOT_HOME", "/fresh");
        apply_fix(&host, &plan, "20261202T000000Z").expect("a new home is fine");
        assert!(t.path().join("fresh/.groot-home").is_file());
    }

    #[test]
    fn blocks_are_spelled_per_shell_with_home_kept_symbolic() {
        let home = Path::new("/home/u");
        let lines = [
            BlockLine::UnsetVar {
                name: "GOROOT".into(),
            },
            BlockLine::SetVar {
                name: "GOPATH".into(),
                value: "/home/u/g\"o $x".into(),
            },
            BlockLine::PrependPath {
                dir: "/home/u/sdk/go/bin".into(),
            },
            BlockLine::SetVar {
                name: "bad name".into(),
                value: "x".into(),
            },
        ];
        assert_eq!(
            render_lines(Dialect::Posix, home, &lines),
            [
                "unset GOROOT",
                "export GOPATH=\"$HOME/g\\\"o \\$x\"",
                "case \"$PATH\" in \"$HOME/sdk/go/bin:\"*) ;; *) export PATH=\"$HOME/sdk/go/bin:$PATH\" ;; esac",
            ]
        );
        assert_eq!(
            render_lines(Dialect::Fish, home, &lines),
            [
                "set -e GOROOT",
                "set -gx GOPATH \"$HOME/g\\\"o \\$x\"",
                "fish_add_path --global --move --path \"$HOME/sdk/go/bin\"",
            ]
        );
        assert!(render_lines(Dialect::GoEnv, home, &lines).is_empty());
    }

    #[test]
    fn existing_block_lines_are_read_back() {
        let b = b"x\n# >>> groot >>>\r\na\r\nb\r\n# <<< groot <<<\r\ny\n";
        assert_eq!(existing_block(b), ["a", "b"]);
        assert!(existing_block(b"x\n").is_empty());
    }
}
