//! Advisory file locks that make concurrent groot processes take turns on one toolchain.
//!
//! The lock is the OS's (`flock` on Unix, `LockFileEx` on Windows), so it dies with the process
//! that held it: a killed install never leaves a lock behind. The lock file itself stays; it is
//! empty and harmless.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// A held lock; released on drop.
#[derive(Debug)]
pub struct Lock {
    // Closing the file releases the lock.
    _file: File,
    path: PathBuf,
}

impl Lock {
    /// Takes the lock at `path` (creating the file and its directory), calling `on_wait` once
    /// if another process holds it, then blocking until it is free.
    pub fn acquire(path: &Path, on_wait: impl FnOnce()) -> Result<Lock, LockError> {
        let err = |source| LockError {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent() {
            super::create_dirs(dir).map_err(err)?;
        }
        let file = open_lock_file(path).map_err(err)?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                on_wait();
                fs4::FileExt::lock(&file).map_err(err)?;
            }
            Err(fs4::TryLockError::Error(e)) => return Err(err(e)),
        }
        Ok(Lock {
            _file: file,
            path: path.to_owned(),
        })
    }

    /// Takes the lock only if it is free right now.
    pub fn try_acquire(path: &Path) -> Result<Option<Lock>, LockError> {
        let mut busy = false;
        let file = open_lock_file(path).map_err(|source| LockError {
            path: path.to_owned(),
            source,
        })?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => busy = true,
            Err(fs4::TryLockError::Error(source)) => {
                return Err(LockError {
                    path: path.to_owned(),
                    source,
                })
            }
        }
        Ok((!busy).then(|| Lock {
            _file: file,
            path: path.to_owned(),
        }))
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A lock could not be taken.
#[derive(Debug, thiserror::Error)]
#[error("cannot lock {}", path.display())]
pub struct LockError {
    /// The lock file.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

/// Opens (creating) a lock file, mode 0644 on Unix whatever the umask: only its owner may write
/// it.
fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o644);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_taker_waits_until_the_first_lets_go() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("locks/x.lock");
        let first = Lock::acquire(&path, || {})?;
        assert!(Lock::try_acquire(&path)?.is_none());
        let (tx, rx) = std::sync::mpsc::channel();
        let p2 = path.clone();
        let waiter = std::thread::spawn(move || {
            let mut waited = false;
            let lock = Lock::acquire(&p2, || waited = true);
            let _ = tx.send(());
            lock.map(|_| waited)
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(rx.try_recv().is_err(), "the second lock must wait");
        drop(first);
        rx.recv_timeout(std::time::Duration::from_secs(5))?;
        let waited = waiter.join().map_err(|_| "thread panicked")??;
        assert!(waited);
        Ok(())
    }
}
