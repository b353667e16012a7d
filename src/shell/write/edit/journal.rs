//! The journal of one `apply`: which files changed, their backups and hashes, written before
//! any file is touched; [`apply`] and [`undo`] work through it.

use super::*;

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

pub(super) fn current_hash(target: &Path) -> Result<Option<String>, EditError> {
    match fs::read(target) {
        Ok(b) => Ok(Some(sha256_hex(&b))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(EditError::Read {
            path: target.into(),
            source,
        }),
    }
}

/// Fails with [`EditError::Changed`] unless `target`'s content hash is `expected` (`None`: the
/// file must not exist).
pub(super) fn expect_hash(
    target: &Path,
    expected: Option<&str>,
    shown: &Path,
) -> Result<(), EditError> {
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

pub(super) fn unique_dir(root: &Path, stamp: &str) -> Result<PathBuf, EditError> {
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
