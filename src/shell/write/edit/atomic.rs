//! Writing one file atomically: a temp file in the same directory with the original's mode and
//! owner, renamed over the target only if the target still holds what was planned against
//! (or exchanged with it where the OS can), and stale temps of earlier runs swept away.

use super::*;

#[cfg(unix)]
pub(super) fn mode_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
pub(super) fn mode_of(meta: &fs::Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o444
    } else {
        0o644
    }
}

/// Refuses when the file or its directory cannot be written. Permission bits are checked
/// explicitly, so a read-only file is refused even for root (who could replace it anyway).
pub(super) fn check_writable(target: &Path) -> Result<(), EditError> {
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
pub(super) const TEMP_PREFIX: &str = ".groot-";
pub(super) const TEMP_SUFFIX: &str = ".tmp";

/// [`atomic_write`], with `check` run on the target after the temp file is written and synced
/// and just before the rename: when it fails, the temp file is removed and the target is left
/// alone. That is how a write refuses to replace a file changed since its plan (by an editor
/// saving at the same moment) with a window of one hash instead of the whole apply.
pub(super) fn replace_if(
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
pub(super) fn keep_aside(tmp: tempfile::NamedTempFile, target: &Path) -> io::Result<PathBuf> {
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
pub(super) fn give_back(tmp: &Path, target: &Path, ours: &fs::File) -> io::Result<()> {
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
pub(super) fn give_back(tmp: &Path, target: &Path, _ours: &fs::File) -> io::Result<()> {
    exchange(tmp, target)
}

/// Atomically swaps the files at two paths: [`crate::fs::exchange`].
pub(super) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    crate::fs::exchange(a, b)
}

pub(super) fn parent_dir(target: &Path) -> &Path {
    target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Removes groot temp files left in `dir` by a groot process that was killed between creating
/// one and renaming it (SIGKILL, power loss). Only `.groot-<pid>-*.tmp` regular files whose
/// process is gone (Linux: no `/proc/<pid>`) or, where that cannot be known, older than an
/// hour. Best effort: errors are ignored.
pub(super) fn sweep_stale_temps(dir: &Path) {
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
