//! Canonical paths for discovery, resolved with as few `lstat`s as the answer allows.

use foldhash::HashMap;
use std::fs::Metadata;
use std::path::{Component, Path, PathBuf};

use crate::fs::{Fs, ResolveError};

/// Canonical paths for one discovery run. The parent of each candidate is resolved once (a
/// scan's candidates share one), so a candidate costs one `lstat` of its own name rather than
/// one per component of its path; the answer is [`Fs::canonicalize`]'s.
#[derive(Default)]
pub(super) struct Canonical {
    parents: HashMap<PathBuf, PathBuf>,
}

impl Canonical {
    /// The canonical form of an absolute path, with its `lstat` when that was read (when its
    /// last component is not a link).
    pub(super) fn resolve(
        &mut self,
        fs: &Fs,
        abs: &Path,
    ) -> Result<(PathBuf, Option<Metadata>), ResolveError> {
        if let Some((path, meta)) = self.quick(fs, abs) {
            return Ok((path, Some(meta)));
        }
        fs.canonicalize(abs).map(|r| (r.path, None))
    }

    /// The resolved parent joined with the last component, when that component is a name
    /// (not `..`) and not a link; `None` sends the caller to the full resolution (which also
    /// words any error).
    fn quick(&mut self, fs: &Fs, abs: &Path) -> Option<(PathBuf, Metadata)> {
        let mut parts = abs.components();
        let Some(Component::Normal(name)) = parts.next_back() else {
            return None;
        };
        let parent = parts.as_path();
        let path = match self.parents.get(parent) {
            Some(p) => p.join(name),
            None => {
                let p = fs.canonicalize(parent).ok()?.path;
                let path = p.join(name);
                self.parents.insert(parent.to_path_buf(), p);
                path
            }
        };
        let meta = fs.symlink_metadata(&path).ok()?;
        (!meta.file_type().is_symlink()).then_some((path, meta))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// Every path resolves as [`Fs::canonicalize`] resolves it, errors included, whether its
    /// parent was resolved before or not.
    #[test]
    fn agrees_with_canonicalize() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        let fs = Fs::rooted(r.to_path_buf());
        for d in ["real/a", "real/b", "other/c"] {
            std::fs::create_dir_all(r.join(d)).expect("mkdir");
        }
        std::fs::write(r.join("real/file"), b"").expect("write");
        symlink("real", r.join("linked")).expect("link");
        symlink("../other/c", r.join("real/to-c")).expect("link");
        symlink("/real/nowhere", r.join("real/dangling")).expect("link");
        symlink("loop", r.join("real/loop")).expect("link");
        let paths = [
            "/real/a",
            "/real/b",
            "/linked/a",
            "/linked/b",
            "/real/to-c",
            "/linked/to-c",
            "/real/file",
            "/real/dangling",
            "/real/loop",
            "/real/missing",
            "/missing/a",
            "/real/a/..",
            "/linked/a/../b",
            "/real/file/x",
            "/",
            "/real/./a",
        ];
        let mut canonical = Canonical::default();
        for round in 0..2 {
            for p in paths {
                let want = fs.canonicalize(Path::new(p));
                let got = canonical.resolve(&fs, Path::new(p));
                match (&want, &got) {
                    (Ok(w), Ok((g, meta))) => {
                        assert_eq!(&w.path, g, "{p} (round {round})");
                        if let Some(m) = meta {
                            assert!(!m.file_type().is_symlink(), "{p}");
                            let lstat = fs.symlink_metadata(g).expect("lstat");
                            assert_eq!(m.file_type(), lstat.file_type(), "{p}");
                        }
                    }
                    (Err(w), Err(g)) => assert_eq!(w.to_string(), g.to_string(), "{p}"),
                    _ => panic!("{p} (round {round}): {want:?} but {got:?}"),
                }
            }
        }
        // The shared parent was resolved once.
        assert!(canonical.parents.contains_key(Path::new("/linked")));
    }
}
