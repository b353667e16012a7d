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

mod atomic;
mod journal;

pub use atomic::atomic_write;
use atomic::*;
pub use journal::{apply, read_journal, stamp_from_unix, undo, Journal, JournalEntry};

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
        // The reverse too: a CRLF line that becomes the last one without a newline (the block
        // after it went away) keeps its '\r' in its body (found by the property test).
        let state = |i: usize| -> Option<bool> {
            let l = &lines[i];
            let with_cr = (l.eol == b"\r\n").then(|| [l.body, b"\r"].concat());
            let without_cr = l.body.strip_suffix(b"\r").filter(|_| l.eol.is_empty());
            let forms = || {
                std::iter::once(l.body)
                    .chain(with_cr.as_deref())
                    .chain(without_cr)
            };
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

#[cfg(test)]
mod tests;
