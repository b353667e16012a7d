//! Read-only access to files by logical absolute path, for analysis that only reads (the shell
//! layer's startup files): [`View`], implemented by [`Fs`](super::Fs) (the real machine or a
//! `GROOT_ROOT`) and by [`MemFs`], an in-memory tree for unit tests and fuzz targets, where a
//! temp dir per case would cost more than the case.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use super::Fs;

/// Read-only access to files by their logical absolute path (`/etc/profile`,
/// `/home/me/.zshrc`).
pub trait View: std::fmt::Debug {
    /// The bytes of a regular file (following symlinks).
    fn read(&self, logical: &Path) -> io::Result<Vec<u8>>;
    /// Whether the path names a regular file (following symlinks).
    fn is_file(&self, logical: &Path) -> bool;
    /// Whether the path names a directory (following symlinks).
    fn is_dir(&self, logical: &Path) -> bool;
    /// The logical paths of a directory's entries, sorted by name.
    fn read_dir(&self, logical: &Path) -> io::Result<Vec<PathBuf>>;
}

impl View for Fs {
    fn read(&self, logical: &Path) -> io::Result<Vec<u8>> {
        Fs::read(self, logical)
    }

    fn is_file(&self, logical: &Path) -> bool {
        Fs::is_file(self, logical)
    }

    fn is_dir(&self, logical: &Path) -> bool {
        Fs::is_dir(self, logical)
    }

    fn read_dir(&self, logical: &Path) -> io::Result<Vec<PathBuf>> {
        Ok(Fs::read_dir(self, logical)?
            .into_iter()
            .map(|e| e.path)
            .collect())
    }
}

/// An in-memory [`View`]: files by logical path; directories are implied.
#[derive(Debug, Clone, Default)]
pub struct MemFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
    dirs: BTreeSet<PathBuf>,
}

impl MemFs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file (and its parent directories).
    pub fn file(mut self, path: impl Into<PathBuf>, text: impl AsRef<[u8]>) -> Self {
        let path = path.into();
        let mut p = path.parent();
        while let Some(d) = p {
            self.dirs.insert(d.to_path_buf());
            p = d.parent();
        }
        self.files.insert(path, text.as_ref().to_vec());
        self
    }

    /// Adds an empty directory (and its parents).
    pub fn dir(mut self, path: impl Into<PathBuf>) -> Self {
        let path: PathBuf = path.into();
        let mut p = Some(path.as_path());
        while let Some(d) = p {
            self.dirs.insert(d.to_path_buf());
            p = d.parent();
        }
        self
    }
}

impl View for MemFs {
    fn read(&self, logical: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(logical)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    fn is_file(&self, logical: &Path) -> bool {
        self.files.contains_key(logical)
    }

    fn is_dir(&self, logical: &Path) -> bool {
        self.dirs.contains(logical)
    }

    fn read_dir(&self, logical: &Path) -> io::Result<Vec<PathBuf>> {
        if !self.dirs.contains(logical) {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        let mut out: Vec<PathBuf> = self
            .files
            .keys()
            .chain(self.dirs.iter())
            .filter(|p| p.parent() == Some(logical))
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memfs_lists_children() {
        let fs = MemFs::new()
            .file("/etc/paths.d/b", "x")
            .file("/etc/paths.d/a", "y");
        let list = fs.read_dir(Path::new("/etc/paths.d")).unwrap_or_default();
        assert_eq!(
            list,
            vec![
                PathBuf::from("/etc/paths.d/a"),
                PathBuf::from("/etc/paths.d/b")
            ]
        );
        assert!(fs.is_dir(Path::new("/etc")));
        assert!(!fs.is_file(Path::new("/etc")));
    }
}
