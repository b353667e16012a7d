//! The safe editor behind `groot fix`: planned, reviewable, reversible edits of startup files.
//!
//! A plan ([`plan_edit`]) is pure: from a file's current bytes it computes the new bytes — a
//! managed block between `# >>> groot >>>` and `# <<< groot <<<` (replaced in place, added at
//! the end, or removed when the desired text is empty) and stale lines commented out with a
//! note, never deleted — plus a unified diff and the hash of what it saw. Everything outside
//! the block keeps its bytes: line endings (CRLF stays CRLF), a missing final newline, bytes
//! that are not UTF-8, very long lines. Planning the same edit on the result changes nothing.
//!
//! [`apply`] refuses when any file changed since its plan or cannot be written, then backs up
//! every file into a timestamped directory with a journal, and writes each one atomically (a
//! temp file in the same directory, then rename) with its mode and owner. A symlinked dotfile
//! (stow, chezmoi) is followed to its target, so the link itself stays a link. [`undo`] uses
//! the journal to put every file back byte for byte, deleting files the edit created.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// First line of groot's managed block.
pub const BEGIN_MARKER: &str = "# >>> groot >>>";
/// Last line of groot's managed block.
pub const END_MARKER: &str = "# <<< groot <<<";
/// Start of a line groot commented out.
pub const DISABLED_PREFIX: &str = "# [groot: ";

/// Errors of planning, applying and undoing edits.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{path}: the groot block is broken ({what} at line {line}); fix or remove the markers by hand")]
    BrokenMarkers {
        path: PathBuf,
        line: usize,
        what: &'static str,
    },
    #[error("{path}: line {line} is not `{expected}` any more")]
    LineMismatch {
        path: PathBuf,
        line: usize,
        expected: String,
    },
    #[error("{path}: line {line} is inside groot's own block")]
    LineInBlock { path: PathBuf, line: usize },
    #[error("the block text contains a groot marker line")]
    MarkerInBlock,
    #[error("{path}: changed since the plan was made; plan again")]
    Changed { path: PathBuf },
    #[error("{path}: file is read-only")]
    ReadOnlyFile { path: PathBuf },
    #[error("{path}: directory is not writable")]
    ReadOnlyDir { path: PathBuf },
    #[error("{path}: too many levels of symbolic links")]
    SymlinkLoop { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot back up {path} to {backup}: {source}")]
    Backup {
        path: PathBuf,
        backup: PathBuf,
        source: io::Error,
    },
    #[error("journal {path}: {why}")]
    Journal { path: PathBuf, why: String },
    #[error("backup {path} does not match the journal; refusing to restore it")]
    BackupCorrupt { path: PathBuf },
    #[error(
        "{path} was saved by another program while groot wrote it, and groot could not put that \
         save back ({source}); it is kept, untouched, at {kept}"
    )]
    SaveKept {
        path: PathBuf,
        kept: PathBuf,
        source: io::Error,
    },
}

/// A line to comment out: its 1-based number, the text it must still have, and the note to
/// leave (`GOROOT points to a missing directory`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LineRef {
    pub line: usize,
    pub text: String,
    pub note: String,
}

/// One planned change of one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EditPlan {
    /// The path as the user knows it (may be a symlink).
    pub path: PathBuf,
    /// The file that is actually written (the symlink's final target).
    pub target: PathBuf,
    /// SHA-256 of the bytes the plan was made from; `None` when the file did not exist.
    pub before_sha256: Option<String>,
    pub after: Vec<u8>,
    /// A unified diff of the change (empty when nothing changes).
    pub diff: String,
    pub changed: bool,
}

/// Follows a chain of symlinks to the file that should be written. A dangling link resolves
/// to the path it names, so the file is created there and the link keeps working.
pub fn resolve_target(path: &Path) -> Result<PathBuf, EditError> {
    let mut cur = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&cur).map_err(|source| EditError::Read {
                    path: cur.clone(),
                    source,
                })?;
                cur = match cur.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => {
                // Normalize `dir/../x` spellings through the real parent directory.
                let canon = cur.parent().and_then(|p| fs::canonicalize(p).ok());
                return Ok(match (canon, cur.file_name()) {
                    (Some(dir), Some(name)) => dir.join(name),
                    _ => cur,
                });
            }
        }
    }
    Err(EditError::SymlinkLoop {
        path: path.to_path_buf(),
    })
}

/// Where a new block goes when the file has none yet (an existing block stays where it is).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// After the last line: runs after everything else the file does.
    #[default]
    End,
    /// Before the first line: runs even when the file returns early (Debian's `~/.bashrc`
    /// returns at once in non-interactive shells such as `ssh host cmd`).
    Top,
}

/// Reads a file and plans an edit of it (following symlinks).
pub fn plan_file_edit(
    path: &Path,
    block: &str,
    comment_out: &[LineRef],
) -> Result<EditPlan, EditError> {
    plan_file_edit_at(path, block, comment_out, Placement::End)
}

/// [`plan_file_edit`] with a placement for a new block.
pub fn plan_file_edit_at(
    path: &Path,
    block: &str,
    comment_out: &[LineRef],
    placement: Placement,
) -> Result<EditPlan, EditError> {
    let target = resolve_target(path)?;
    let current = match fs::read(&target) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(EditError::Read {
                path: target,
                source,
            })
        }
    };
    plan_edit_at(
        path,
        &target,
        current.as_deref(),
        block,
        comment_out,
        placement,
    )
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A line split off with its terminator.
struct Line<'a> {
    body: &'a [u8],
    eol: &'a [u8],
}

fn split_lines(bytes: &[u8]) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            let (body, eol) = if i > start && bytes[i - 1] == b'\r' {
                (&bytes[start..i - 1], &bytes[i - 1..=i])
            } else {
                (&bytes[start..i], &bytes[i..=i])
            };
            out.push(Line { body, eol });
            start = i + 1;
        }
        i += 1;
    }
    if start < bytes.len() {
        out.push(Line {
            body: &bytes[start..],
            eol: b"",
        });
    }
    out
}

fn is_marker(body: &[u8], marker: &str) -> bool {
    let trimmed = body
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map(|e| &body[..=e])
        .unwrap_or(b"");
    let start = trimmed
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(trimmed.len());
    &trimmed[start..] == marker.as_bytes()
}

/// Where the managed block sits: indices of its first and last line.
fn find_block(path: &Path, lines: &[Line<'_>]) -> Result<Option<(usize, usize)>, EditError> {
    let mut begin = None;
    let mut found = None;
    for (i, l) in lines.iter().enumerate() {
        if is_marker(l.body, BEGIN_MARKER) {
            if begin.is_some() || found.is_some() {
                return Err(EditError::BrokenMarkers {
                    path: path.into(),
                    line: i + 1,
                    what: "a second start marker",
                });
            }
            begin = Some(i);
        } else if is_marker(l.body, END_MARKER) {
            match begin.take() {
                Some(b) => found = Some((b, i)),
                None => {
                    return Err(EditError::BrokenMarkers {
                        path: path.into(),
                        line: i + 1,
                        what: "an end marker without a start",
                    })
                }
            }
        }
    }
    if let Some(b) = begin {
        return Err(EditError::BrokenMarkers {
            path: path.into(),
            line: b + 1,
            what: "a start marker without an end",
        });
    }
    Ok(found)
}

/// The text of a commented-out line.
fn disabled_line(note: &str, original: &[u8]) -> Vec<u8> {
    let mut out = format!("{DISABLED_PREFIX}{note}] ").into_bytes();
    out.extend_from_slice(original);
    out
}

/// Plans an edit of `current` (the bytes of `target`, or `None` if it does not exist): set the
/// managed block to `block` (remove it when `block` is empty) and comment out `comment_out`.
pub fn plan_edit(
    path: &Path,
    target: &Path,
    current: Option<&[u8]>,
    block: &str,
    comment_out: &[LineRef],
) -> Result<EditPlan, EditError> {
    plan_edit_at(path, target, current, block, comment_out, Placement::End)
}

/// [`plan_edit`] with a placement for a new block.
pub fn plan_edit_at(
    path: &Path,
    target: &Path,
    current: Option<&[u8]>,
    block: &str,
    comment_out: &[LineRef],
    placement: Placement,
) -> Result<EditPlan, EditError> {
    let before = current.unwrap_or_default();
    let lines = split_lines(before);
    let block_span = find_block(path, &lines)?;
    // An existing block keeps the line ending it was written with. Otherwise the file's own
    // line ending; a file of one unterminated line that ends in a bare '\r' gets CRLF: with
    // '\n' the terminator added before a new block would turn that '\r' into a CRLF line end,
    // and the next plan would pick CRLF and rewrite the block (both found by fuzzing).
    let eol: &[u8] = block_span
        .map(|(b, _)| lines[b].eol)
        .filter(|e| !e.is_empty())
        .or_else(|| lines.iter().find(|l| !l.eol.is_empty()).map(|l| l.eol))
        .unwrap_or(match lines.last() {
            Some(l) if l.body.ends_with(b"\r") => b"\r\n",
            _ => b"\n",
        });
    let block_lines: Vec<&str> = block.lines().collect();
    if block_lines
        .iter()
        .any(|l| is_marker(l.as_bytes(), BEGIN_MARKER) || is_marker(l.as_bytes(), END_MARKER))
    {
        return Err(EditError::MarkerInBlock);
    }

    // Lines outside the block, with commented-out ones replaced.
    let mut bodies: Vec<Vec<u8>> = lines.iter().map(|l| l.body.to_vec()).collect();
    for r in comment_out {
        let in_block = |i: usize| block_span.is_some_and(|(b, e)| i >= b && i <= e);
        // Already done means exactly the line this edit writes: any commented-out line that
        // merely ends with the text would make a second plan ambiguous.
        let done_prefix = disabled_line(&r.note, b"");
        // A line is matched as split here and, when it ends in CRLF, with that CR too: a last
        // line without a newline that ends in a bare '\r' loses the '\r' to a CRLF ending once
        // groot adds a newline after it (found by fuzzing), and must still be recognised.
        let state = |i: usize| -> Option<bool> {
            let l = &lines[i];
            let with_cr = (l.eol == b"\r\n").then(|| [l.body, b"\r"].concat());
            let forms = || std::iter::once(l.body).chain(with_cr.as_deref());
            if forms().any(|body| String::from_utf8_lossy(body) == r.text) {
                Some(false)
            } else if forms().any(|body| {
                body.strip_prefix(done_prefix.as_slice())
                    .is_some_and(|rest| String::from_utf8_lossy(rest) == r.text)
            }) {
                Some(true)
            } else {
                None
            }
        };
        let hinted = r.line.checked_sub(1).filter(|i| *i < lines.len());
        // The line number is a hint: when lines moved (a block above grew, or a new block went
        // on top), the one line with this text is used instead.
        let found: Vec<usize> = (0..lines.len())
            .filter(|i| !in_block(*i) && state(*i).is_some())
            .collect();
        let done: Vec<usize> = found
            .iter()
            .copied()
            .filter(|i| state(*i) == Some(true))
            .collect();
        let idx = match hinted.filter(|i| !in_block(*i) && state(*i).is_some()) {
            Some(i) => i,
            None => match (found.as_slice(), done.as_slice()) {
                ([i], _) | (_, [i]) => *i,
                ([], _) => {
                    if let Some(i) = hinted.filter(|i| in_block(*i) && state(*i).is_some()) {
                        return Err(EditError::LineInBlock {
                            path: path.into(),
                            line: i + 1,
                        });
                    }
                    return Err(EditError::LineMismatch {
                        path: path.into(),
                        line: r.line,
                        expected: r.text.clone(),
                    });
                }
                _ => {
                    return Err(EditError::LineMismatch {
                        path: path.into(),
                        line: r.line,
                        expected: r.text.clone(),
                    })
                }
            },
        };
        if state(idx) == Some(false) {
            bodies[idx] = disabled_line(&r.note, lines[idx].body);
        }
    }

    let mut out: Vec<u8> = Vec::with_capacity(before.len() + block.len() + 64);
    let push_line = |out: &mut Vec<u8>, body: &[u8], eol: &[u8]| {
        out.extend_from_slice(body);
        out.extend_from_slice(eol);
    };
    let new_block = |end_eol: &[u8]| -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(BEGIN_MARKER.as_bytes());
        b.extend_from_slice(eol);
        for l in &block_lines {
            b.extend_from_slice(l.as_bytes());
            b.extend_from_slice(eol);
        }
        b.extend_from_slice(END_MARKER.as_bytes());
        b.extend_from_slice(end_eol);
        b
    };
    match block_span {
        Some((b, e)) => {
            let end_eol = lines[e].eol;
            for (i, l) in lines.iter().enumerate().take(b) {
                // Removing a block that ends the file without a newline also removes the
                // newline added before it, restoring the file's original ending.
                // Only the terminator groot added goes (the block's own style), so a last line
                // ending in a bare '\r' keeps it.
                let last_before_removed_tail = block_lines.is_empty()
                    && end_eol.is_empty()
                    && i + 1 == b
                    && e + 1 == lines.len();
                let kept = if last_before_removed_tail {
                    l.eol.strip_suffix(lines[b].eol).unwrap_or_default()
                } else {
                    l.eol
                };
                push_line(&mut out, &bodies[i], kept);
            }
            if !block_lines.is_empty() {
                out.extend_from_slice(&new_block(end_eol));
            }
            for (i, l) in lines.iter().enumerate().skip(e + 1) {
                push_line(&mut out, &bodies[i], l.eol);
            }
        }
        None if placement == Placement::Top && !block_lines.is_empty() => {
            out.extend_from_slice(&new_block(eol));
            for (i, l) in lines.iter().enumerate() {
                push_line(&mut out, &bodies[i], l.eol);
            }
        }
        None => {
            for (i, l) in lines.iter().enumerate() {
                push_line(&mut out, &bodies[i], l.eol);
            }
            if !block_lines.is_empty() {
                let ends_open = lines.last().is_some_and(|l| l.eol.is_empty());
                if ends_open {
                    out.extend_from_slice(eol);
                    out.extend_from_slice(&new_block(b""));
                } else {
                    out.extend_from_slice(&new_block(eol));
                }
            }
        }
    }

    let changed = current
        .map(|c| c != out.as_slice())
        .unwrap_or(!out.is_empty());
    let diff = if changed {
        unified_diff(path, before, &out)
    } else {
        String::new()
    };
    Ok(EditPlan {
        path: path.to_path_buf(),
        target: target.to_path_buf(),
        before_sha256: current.map(sha256_hex),
        after: out,
        diff,
        changed,
    })
}

fn unified_diff(path: &Path, before: &[u8], after: &[u8]) -> String {
    let a = String::from_utf8_lossy(before);
    let b = String::from_utf8_lossy(after);
    let name = path.display().to_string();
    similar::TextDiff::from_lines(a.as_ref(), b.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (before)"), &format!("{name} (after)"))
        .to_string()
}

/// One file in a journal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JournalEntry {
    pub path: PathBuf,
    pub target: PathBuf,
    /// The copy of the original; `None` when the file did not exist before.
    pub backup: Option<PathBuf>,
    pub before_sha256: Option<String>,
    pub after_sha256: String,
    /// Unix permission bits of the original.
    pub mode: Option<u32>,
}

/// The record of one `apply`, enough to undo it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Journal {
    pub version: u32,
    pub stamp: String,
    /// The directory holding the backups and `journal.json`; `None` when nothing changed.
    pub dir: Option<PathBuf>,
    pub entries: Vec<JournalEntry>,
}

impl Journal {
    pub const FILE_NAME: &'static str = "journal.json";
}

/// Reads a journal written by [`apply`].
pub fn read_journal(path: &Path) -> Result<Journal, EditError> {
    let bytes = fs::read(path).map_err(|source| EditError::Read {
        path: path.into(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| EditError::Journal {
        path: path.into(),
        why: e.to_string(),
    })
}

fn current_hash(target: &Path) -> Result<Option<String>, EditError> {
    match fs::read(target) {
        Ok(b) => Ok(Some(sha256_hex(&b))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(EditError::Read {
            path: target.into(),
            source,
        }),
    }
}

#[cfg(unix)]
fn mode_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(meta: &fs::Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o444
    } else {
        0o644
    }
}

/// Refuses when the file or its directory cannot be written. Permission bits are checked
/// explicitly, so a read-only file is refused even for root (who could replace it anyway).
fn check_writable(target: &Path) -> Result<(), EditError> {
    if let Ok(meta) = fs::metadata(target) {
        if mode_of(&meta) & 0o222 == 0 || meta.permissions().readonly() {
            return Err(EditError::ReadOnlyFile {
                path: target.into(),
            });
        }
    }
    let dir = parent_dir(target);
    match fs::metadata(dir) {
        Ok(meta) if mode_of(&meta) & 0o222 == 0 => Err(EditError::ReadOnlyDir { path: dir.into() }),
        Ok(_) => Ok(()),
        Err(source) => Err(EditError::Write {
            path: dir.into(),
            source,
        }),
    }
}

/// Writes `bytes` to `target` through a temp file in the same directory and a rename, with
/// the given permission bits and the owner of `owner_like` (the file being replaced).
pub fn atomic_write(
    target: &Path,
    bytes: &[u8],
    mode: Option<u32>,
    owner_like: Option<&fs::Metadata>,
) -> Result<(), EditError> {
    replace_if(target, bytes, mode, owner_like, |_| Ok(()))
}

/// Prefix of groot's temp files next to the files it writes: `.groot-<pid>-<random>.tmp`.
const TEMP_PREFIX: &str = ".groot-";
const TEMP_SUFFIX: &str = ".tmp";

/// [`atomic_write`], with `check` run on the target after the temp file is written and synced
/// and just before the rename: when it fails, the temp file is removed and the target is left
/// alone. That is how a write refuses to replace a file changed since its plan (by an editor
/// saving at the same moment) with a window of one hash instead of the whole apply.
fn replace_if(
    target: &Path,
    bytes: &[u8],
    mode: Option<u32>,
    owner_like: Option<&fs::Metadata>,
    check: impl Fn(&Path) -> Result<(), EditError>,
) -> Result<(), EditError> {
    let err = |source: io::Error| EditError::Write {
        path: target.into(),
        source,
    };
    let dir = parent_dir(target);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        fs::set_permissions(
            tmp.path(),
            fs::Permissions::from_mode(mode.unwrap_or(0o644)),
        )
        .map_err(err)?;
        if let Some(meta) = owner_like {
            let tmeta = tmp.as_file().metadata().map_err(err)?;
            if tmeta.uid() != meta.uid() || tmeta.gid() != meta.gid() {
                std::os::unix::fs::chown(tmp.path(), Some(meta.uid()), Some(meta.gid()))
                    .map_err(err)?;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (mode, owner_like);
    }
    check(target)?;
    // Where the kernel can swap two names atomically, swap instead of renaming over the
    // target, then look at what was swapped out: if an editor saved between the check above
    // and the swap, that save is now at the temp name and is put straight back, so it is never
    // lost; the fix then fails as "changed since the plan".
    match exchange(tmp.path(), target) {
        Ok(()) => {
            if let Err(e) = check(tmp.path()) {
                if let Err(source) = give_back(tmp.path(), target, tmp.as_file()) {
                    // What sits at the temp name may be the other program's newest save:
                    // never delete it.
                    return Err(match keep_aside(tmp, target) {
                        Ok(kept) => EditError::SaveKept {
                            path: target.to_path_buf(),
                            kept,
                            source,
                        },
                        Err(e) => err(e),
                    });
                }
                return Err(match e {
                    EditError::Changed { .. } => EditError::Changed {
                        path: target.to_path_buf(),
                    },
                    other => other,
                });
            }
            // `tmp` now holds the previous content (saved in the backup); dropping it deletes it.
        }
        Err(_) => {
            tmp.persist(target).map_err(|e| err(e.error))?;
        }
    }
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Keeps the file at a temp name for good, renamed to `<target>.groot-kept-<pid>` beside the
/// target: a name the sweep of stale temp files does not touch.
fn keep_aside(tmp: tempfile::NamedTempFile, target: &Path) -> io::Result<PathBuf> {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".groot-kept-{}", std::process::id()));
    let kept = parent_dir(target).join(name);
    tmp.into_temp_path()
        .persist_noclobber(&kept)
        .map_err(|e| e.error)?;
    Ok(kept)
}

/// After `exchange(tmp, target)` swapped groot's file (`ours`, still open) in and an editor's
/// save out to `tmp`, swaps that save back. An editor may save again between any two of these
/// swaps; such a newer save then comes out at `tmp` instead of the file groot put in, and is
/// swapped back in turn, until what comes out is what groot put at `target` (its own file or an
/// older save, which the newer one replaces anyway, as it would without groot). Files are
/// compared by identity (device and inode) through open handles, so an inode number cannot be
/// reused by another file in between.
#[cfg(unix)]
fn give_back(tmp: &Path, target: &Path, ours: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let id = |m: &fs::Metadata| (m.dev(), m.ino());
    // What groot placed at `target` last, and the handle that keeps its inode alive.
    let mut placed = id(&ours.metadata()?);
    let mut held = Vec::new();
    for _ in 0..64 {
        let coming = fs::File::open(tmp)?;
        let coming_id = id(&coming.metadata()?);
        held.push(coming);
        exchange(tmp, target)?;
        let out = id(&fs::symlink_metadata(tmp)?);
        if out == placed {
            return Ok(());
        }
        // A newer save arrived at `target` between the two swaps: it is now at `tmp`.
        placed = coming_id;
    }
    Err(io::Error::other(
        "the file kept changing while groot put an editor's save back",
    ))
}

#[cfg(not(unix))]
fn give_back(tmp: &Path, target: &Path, _ours: &fs::File) -> io::Result<()> {
    exchange(tmp, target)
}

/// Atomically swaps the files at two paths (Linux `renameat2(RENAME_EXCHANGE)`, macOS
/// `renamex_np(RENAME_SWAP)`). Fails, and changes nothing, where that is not supported (other
/// OSes, some filesystems) or when one of the paths does not exist; callers then fall back to
/// a plain rename.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call; the call
    // reads them and touches no other memory of ours.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(target_os = "macos")]
#[allow(unsafe_code)]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: as above; renamex_np reads the two strings and nothing else of ours.
    let rc = unsafe { libc::renamex_np(a.as_ptr(), b.as_ptr(), libc::RENAME_SWAP) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

fn parent_dir(target: &Path) -> &Path {
    target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Removes groot temp files left in `dir` by a groot process that was killed between creating
/// one and renaming it (SIGKILL, power loss). Only `.groot-<pid>-*.tmp` regular files whose
/// process is gone (Linux: no `/proc/<pid>`) or, where that cannot be known, older than an
/// hour. Best effort: errors are ignored.
fn sweep_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let proc_known = Path::new("/proc/self").exists();
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let Some(pid) = name
            .strip_prefix(TEMP_PREFIX)
            .filter(|_| name.ends_with(TEMP_SUFFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(meta) = e.path().symlink_metadata() else {
            continue;
        };
        if !meta.is_file() || pid == std::process::id() {
            continue;
        }
        let stale = if proc_known {
            !Path::new("/proc").join(pid.to_string()).exists()
        } else {
            meta.modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600)
        };
        if stale {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Fails with [`EditError::Changed`] unless `target`'s content hash is `expected` (`None`: the
/// file must not exist).
fn expect_hash(target: &Path, expected: Option<&str>, shown: &Path) -> Result<(), EditError> {
    if current_hash(target)?.as_deref() == expected {
        Ok(())
    } else {
        Err(EditError::Changed {
            path: shown.to_path_buf(),
        })
    }
}

/// Applies plans: checks every file first (unchanged since its plan, writable), backs each up
/// into `backup_root/<stamp>/`, writes the journal, then writes each file atomically. Plans
/// that change nothing are skipped; when none changes anything, nothing is written at all.
/// `stamp` names the backup directory (for example `20261126T003700Z`); the caller supplies
/// it so this code never reads a clock.
pub fn apply(plans: &[EditPlan], backup_root: &Path, stamp: &str) -> Result<Journal, EditError> {
    let plans: Vec<&EditPlan> = plans.iter().filter(|p| p.changed).collect();
    if plans.is_empty() {
        return Ok(Journal {
            version: 1,
            stamp: stamp.into(),
            dir: None,
            entries: Vec::new(),
        });
    }
    for p in &plans {
        let target = resolve_target(&p.path)?;
        if target != p.target || current_hash(&target)? != p.before_sha256 {
            return Err(EditError::Changed {
                path: p.path.clone(),
            });
        }
        check_writable(&p.target)?;
    }
    crate::fs::create_dir_with_mode(backup_root, 0o700, true).map_err(|source| {
        EditError::Write {
            path: backup_root.into(),
            source,
        }
    })?;
    check_writable(&backup_root.join(Journal::FILE_NAME))?;
    let dir = unique_dir(backup_root, stamp)?;

    let mut entries = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let meta = fs::metadata(&p.target).ok();
        let backup = match (&p.before_sha256, &meta) {
            (Some(_), Some(_)) => {
                let name = p
                    .target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "file".into());
                let backup = dir.join(format!("{:03}-{}", i + 1, name.trim_start_matches('.')));
                fs::copy(&p.target, &backup).map_err(|source| EditError::Backup {
                    path: p.target.clone(),
                    backup: backup.clone(),
                    source,
                })?;
                Some(backup)
            }
            _ => None,
        };
        entries.push(JournalEntry {
            path: p.path.clone(),
            target: p.target.clone(),
            backup,
            before_sha256: p.before_sha256.clone(),
            after_sha256: sha256_hex(&p.after),
            mode: meta.as_ref().map(mode_of),
        });
    }
    let journal = Journal {
        version: 1,
        stamp: stamp.into(),
        dir: Some(dir.clone()),
        entries,
    };
    let json = serde_json::to_vec_pretty(&journal).map_err(|e| EditError::Journal {
        path: dir.join(Journal::FILE_NAME),
        why: e.to_string(),
    })?;
    atomic_write(&dir.join(Journal::FILE_NAME), &json, Some(0o600), None)?;

    for (i, (p, e)) in plans.iter().zip(&journal.entries).enumerate() {
        let meta = fs::metadata(&p.target).ok();
        if let Some(parent) = p
            .target
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.exists())
        {
            crate::fs::create_dir_with_mode(parent, 0o755, true).map_err(|source| {
                EditError::Write {
                    path: parent.into(),
                    source,
                }
            })?;
        }
        sweep_stale_temps(parent_dir(&p.target));
        let written = replace_if(
            &p.target,
            &p.after,
            e.mode.or(Some(0o644)),
            meta.as_ref(),
            |t| expect_hash(t, p.before_sha256.as_deref(), &p.path),
        );
        if let Err(err) = written {
            // A file changed under us (or could not be written): put back the ones already
            // written, so that an apply is all or nothing; `--undo` would do the same.
            let done = Journal {
                entries: journal.entries[..i].to_vec(),
                ..journal.clone()
            };
            undo(&done)?;
            return Err(err);
        }
    }
    Ok(journal)
}

fn unique_dir(root: &Path, stamp: &str) -> Result<PathBuf, EditError> {
    for n in 0..1000 {
        let name = if n == 0 {
            stamp.to_string()
        } else {
            format!("{stamp}-{n}")
        };
        let dir = root.join(name);
        // Backups hold copies of the user's startup files: private.
        match crate::fs::create_dir_with_mode(&dir, 0o700, false) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(EditError::Write { path: dir, source }),
        }
    }
    Err(EditError::Write {
        path: root.join(stamp),
        source: io::Error::from(io::ErrorKind::AlreadyExists),
    })
}

/// Undoes an [`apply`]: every file goes back to its bytes before the edit (files the edit
/// created are deleted). Refuses, changing nothing, when a file was changed after the edit.
/// Returns the files restored; a file already in its original state is left alone.
pub fn undo(journal: &Journal) -> Result<Vec<PathBuf>, EditError> {
    let mut todo = Vec::new();
    for e in journal.entries.iter().rev() {
        let now = current_hash(&e.target)?;
        if now == e.before_sha256 {
            continue;
        }
        if now.as_deref() != Some(e.after_sha256.as_str()) {
            return Err(EditError::Changed {
                path: e.path.clone(),
            });
        }
        check_writable(&e.target)?;
        let original = match (&e.backup, &e.before_sha256) {
            (Some(b), Some(h)) => {
                let bytes = fs::read(b).map_err(|source| EditError::Read {
                    path: b.clone(),
                    source,
                })?;
                if &sha256_hex(&bytes) != h {
                    return Err(EditError::BackupCorrupt { path: b.clone() });
                }
                Some(bytes)
            }
            (None, None) => None,
            _ => {
                return Err(EditError::Journal {
                    path: journal.dir.clone().unwrap_or_default(),
                    why: format!("entry for {} has no usable backup", e.path.display()),
                })
            }
        };
        todo.push((e, original));
    }
    let mut restored = Vec::new();
    for (e, original) in todo {
        match original {
            Some(bytes) => {
                let meta = fs::metadata(&e.target).ok();
                sweep_stale_temps(parent_dir(&e.target));
                replace_if(&e.target, &bytes, e.mode, meta.as_ref(), |t| {
                    expect_hash(t, Some(&e.after_sha256), &e.path)
                })?;
            }
            None => fs::remove_file(&e.target).map_err(|source| EditError::Write {
                path: e.target.clone(),
                source,
            })?,
        }
        restored.push(e.path.clone());
    }
    Ok(restored)
}

/// A backup-directory stamp (`20261126T003700Z`) from seconds since the Unix epoch, UTC.
pub fn stamp_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &[u8], block: &str) -> EditPlan {
        let p = Path::new("/h/.zshrc");
        match plan_edit(p, p, Some(text), block, &[]) {
            Ok(plan) => plan,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn appends_a_block_and_replaces_it_in_place() {
        let p = plan(b"export A=1\n", "export PATH=\"$HOME/go/bin:$PATH\"");
        assert_eq!(
            String::from_utf8_lossy(&p.after),
            "export A=1\n# >>> groot >>>\nexport PATH=\"$HOME/go/bin:$PATH\"\n# <<< groot <<<\n"
        );
        assert!(p.diff.contains("+# >>> groot >>>"));
        let again = plan(&p.after, "export PATH=\"$HOME/go/bin:$PATH\"");
        assert!(!again.changed);
        assert!(again.diff.is_empty());
        let replaced = plan(&p.after, "export GOTOOLCHAIN=local");
        assert_eq!(
            String::from_utf8_lossy(&replaced.after),
            "export A=1\n# >>> groot >>>\nexport GOTOOLCHAIN=local\n# <<< groot <<<\n"
        );
    }

    #[test]
    fn crlf_and_missing_final_newline_survive_add_and_remove() {
        let orig = b"a\r\nb";
        let added = plan(orig, "x");
        assert_eq!(
            added.after,
            b"a\r\nb\r\n# >>> groot >>>\r\nx\r\n# <<< groot <<<"
        );
        let removed = plan(&added.after, "");
        assert_eq!(removed.after, orig);
    }

    #[test]
    fn broken_markers_are_refused() {
        let p = Path::new("/h/.bashrc");
        let e = plan_edit(p, p, Some(b"# >>> groot >>>\nx\n"), "y", &[]);
        assert!(matches!(e, Err(EditError::BrokenMarkers { line: 1, .. })));
        let e = plan_edit(p, p, Some(b"x\n# <<< groot <<<\n"), "y", &[]);
        assert!(matches!(e, Err(EditError::BrokenMarkers { line: 2, .. })));
        assert!(matches!(
            plan_edit(p, p, None, "# >>> groot >>>", &[]),
            Err(EditError::MarkerInBlock)
        ));
    }

    #[test]
    fn comments_out_a_line_once() {
        let p = Path::new("/h/.profile");
        let refs = [LineRef {
            line: 2,
            text: "export GOROOT=/old/go".into(),
            note: "GOROOT points to a missing directory".into(),
        }];
        let plan1 =
            plan_edit(p, p, Some(b"a\nexport GOROOT=/old/go\nb\n"), "", &refs).expect("plan");
        assert_eq!(
            String::from_utf8_lossy(&plan1.after),
            "a\n# [groot: GOROOT points to a missing directory] export GOROOT=/old/go\nb\n"
        );
        let plan2 = plan_edit(p, p, Some(&plan1.after), "", &refs).expect("plan");
        assert!(!plan2.changed);
        let bad = [LineRef {
            line: 1,
            text: "nope".into(),
            note: "n".into(),
        }];
        assert!(matches!(
            plan_edit(p, p, Some(b"a\n"), "", &bad),
            Err(EditError::LineMismatch { line: 1, .. })
        ));
    }

    #[test]
    fn new_file_gets_block_with_final_newline() {
        let p = Path::new("/h/.zprofile");
        let plan = plan_edit(p, p, None, "x", &[]).expect("plan");
        assert!(plan.changed);
        assert_eq!(plan.after, b"# >>> groot >>>\nx\n# <<< groot <<<\n");
        assert_eq!(plan.before_sha256, None);
    }

    #[test]
    fn top_placement_inserts_first_and_removes_exactly() {
        let p = Path::new("/h/.bashrc");
        let orig = b"case $- in *i*) ;; *) return;; esac\nalias l=ls";
        let plan = plan_edit_at(p, p, Some(orig), "export A=1", &[], Placement::Top).expect("plan");
        assert_eq!(
            String::from_utf8_lossy(&plan.after),
            "# >>> groot >>>\nexport A=1\n# <<< groot <<<\ncase $- in *i*) ;; *) return;; esac\nalias l=ls"
        );
        // An existing block stays where it is whatever the placement.
        let again =
            plan_edit_at(p, p, Some(&plan.after), "export A=1", &[], Placement::End).expect("plan");
        assert!(!again.changed);
        let removed = plan_edit(p, p, Some(&plan.after), "", &[]).expect("plan");
        assert_eq!(removed.after, orig);
    }

    #[test]
    fn stamps_are_utc_dates() {
        assert_eq!(stamp_from_unix(0), "19700101T000000Z");
        assert_eq!(stamp_from_unix(1_700_000_000), "20231114T221320Z");
        assert_eq!(stamp_from_unix(951_782_400), "20000229T000000Z");
    }

    #[test]
    fn stale_temp_files_of_dead_processes_are_swept() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let dead = dir.path().join(".groot-4000000000-abc.tmp");
        let mine = dir
            .path()
            .join(format!(".groot-{}-x.tmp", std::process::id()));
        let other = dir.path().join(".groot-notes.tmp");
        let user = dir.path().join(".bashrc");
        for p in [&dead, &mine, &other, &user] {
            fs::write(p, b"x")?;
        }
        sweep_stale_temps(dir.path());
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists(), "a dead process's temp file stays");
        }
        assert!(mine.exists() && other.exists() && user.exists());
        Ok(())
    }

    /// The last line has no newline and ends in a stray '\r': once disabled and followed by
    /// the block, that '\r' reads as part of a CRLF ending; planning again must still see the
    /// line as done, not missing.
    #[test]
    fn a_disabled_last_line_ending_in_cr_stays_done() -> Result<(), EditError> {
        let path = Path::new("/h/.profile");
        let file = b"export A=1\nexport GOROOT=/x\r";
        let refs = [LineRef {
            line: 2,
            text: "export GOROOT=/x\r".into(),
            note: "stale".into(),
        }];
        let first = plan_edit(path, path, Some(file), "export B=2", &refs)?;
        assert!(first
            .after
            .starts_with(b"export A=1\n# [groot: stale] export GOROOT=/x\r\n"));
        let again = plan_edit(path, path, Some(&first.after), "export B=2", &refs)?;
        assert!(!again.changed, "{}", again.diff);
        Ok(())
    }

    #[test]
    fn a_late_change_stops_the_write_and_keeps_the_file() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let target = dir.path().join("rc");
        fs::write(&target, b"editor's text\n")?;
        let r = replace_if(&target, b"groot's text\n", None, None, |t| {
            expect_hash(t, Some(&sha256_hex(b"what the plan saw\n")), t)
        });
        assert!(matches!(r, Err(EditError::Changed { .. })), "{r:?}");
        assert_eq!(fs::read(&target)?, b"editor's text\n");
        assert_eq!(fs::read_dir(dir.path())?.count(), 1, "temp file left");
        Ok(())
    }

    /// An editor saves right after groot's last look (so the swap takes that save out) and
    /// again before groot can swap it back: the newest save must end up in place.
    #[cfg(target_os = "linux")]
    #[test]
    fn saves_racing_the_swap_are_put_back_newest_last() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let target = dir.path().join("rc");
        fs::write(&target, b"original\n")?;
        let save = |text: &[u8]| {
            let t = dir.path().join("rc.swp");
            fs::write(&t, text).expect("editor save");
            fs::rename(&t, &target).expect("editor rename");
        };
        let calls = std::cell::Cell::new(0);
        let r = replace_if(&target, b"groot's text\n", None, None, |t| {
            calls.set(calls.get() + 1);
            let r = expect_hash(t, Some(&sha256_hex(b"original\n")), t);
            match calls.get() {
                1 => save(b"save 1\n"),
                2 => save(b"save 2\n"),
                _ => {}
            }
            r
        });
        if calls.get() < 2 {
            return Ok(()); // no atomic exchange on this filesystem: plain rename, no swap-back
        }
        assert!(matches!(r, Err(EditError::Changed { .. })), "{r:?}");
        assert_eq!(fs::read(&target)?, b"save 2\n");
        assert_eq!(fs::read_dir(dir.path())?.count(), 1, "temp file left");
        Ok(())
    }

    /// The editor's save came out at the temp name and cannot be swapped back (here the file
    /// was deleted in between): it is kept under a name no sweep removes, and the error says
    /// where.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_save_that_cannot_be_put_back_is_kept() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let target = dir.path().join("rc");
        fs::write(&target, b"original\n")?;
        let calls = std::cell::Cell::new(0);
        let r = replace_if(&target, b"groot's text\n", None, None, |t| {
            calls.set(calls.get() + 1);
            let r = expect_hash(t, Some(&sha256_hex(b"original\n")), t);
            if calls.get() == 1 {
                let s = dir.path().join("rc.swp");
                fs::write(&s, b"save 1\n").expect("save");
                fs::rename(&s, &target).expect("rename");
            } else {
                fs::remove_file(&target).expect("delete");
            }
            r
        });
        if calls.get() < 2 {
            return Ok(()); // no atomic exchange on this filesystem
        }
        let Err(EditError::SaveKept { kept, .. }) = r else {
            panic!("{r:?}");
        };
        assert_eq!(fs::read(&kept)?, b"save 1\n");
        let name = kept.file_name().unwrap_or_default().to_string_lossy();
        assert!(
            !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)),
            "{name} looks like a temp file a later sweep removes"
        );
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn backups_are_private() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let rc = dir.path().join(".zshrc");
        fs::write(&rc, b"x\n")?;
        let p = plan_file_edit(&rc, "export A=1", &[])?;
        let root = dir.path().join("data/backups");
        let journal = apply(&[p], &root, "20260101T000000Z")?;
        let backup_dir = journal.dir.ok_or("no backup dir")?;
        for d in [&root, &backup_dir] {
            assert_eq!(
                fs::metadata(d)?.permissions().mode() & 0o777,
                0o700,
                "{d:?}"
            );
        }
        Ok(())
    }

    /// Found by fuzzing (`tests/regressions/edit/top-block-shifts-line-hint`): a new block
    /// placed on top moves every line down, so a second plan with the same line hints searched
    /// by text, and took any commented-out line ending with that text for the one it disabled.
    #[test]
    fn a_line_disabled_under_a_new_top_block_is_found_again() -> Result<(), EditError> {
        let p = Path::new("/h/.bashrc");
        let before = b"# [groot: old note] export GOROOT=/x\nexport GOROOT=/x\n";
        let refs = [LineRef {
            line: 2,
            text: "export GOROOT=/x".into(),
            note: "GOROOT is stale".into(),
        }];
        let first = plan_edit_at(p, p, Some(before), "unset GOROOT", &refs, Placement::Top)?;
        assert!(first.after.starts_with(b"# >>> groot >>>\nunset GOROOT\n"));
        let again = plan_edit_at(
            p,
            p,
            Some(&first.after),
            "unset GOROOT",
            &refs,
            Placement::Top,
        )?;
        assert!(!again.changed, "{}", again.diff);
        Ok(())
    }
}
