//! The filesystem as groot sees it: logical absolute paths, optionally below a root prefix.
//!
//! Every path domain code handles is *logical*: `/usr/local/go/bin/go` means that path on the
//! modelled machine. A real [`Fs`] maps it to itself; a rooted one maps it below a directory,
//! so a test can build `/opt/homebrew/Cellar/go/1.22.1` inside a temp dir. Symlinks are
//! resolved in the logical namespace (an absolute link target stays inside the root), one
//! component at a time like Go's `filepath.EvalSymlinks`, and each hop is recorded so that
//! reports can show the chain.

use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

mod view;
pub use view::{MemFs, View};

/// How many symlinks one resolution may follow before it is called a loop (Go's limit).
const MAX_LINKS: usize = 255;

/// A filesystem view over logical paths.
#[derive(Clone, Debug)]
pub struct Fs {
    root: Option<PathBuf>,
}

/// One symlink followed during resolution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// The logical path of the link.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub link: PathBuf,
    /// The link's target exactly as stored.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub target: PathBuf,
}

/// A fully resolved path and the links followed to get there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub path: PathBuf,
    pub hops: Vec<Hop>,
}

/// Why a path could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("too many levels of symbolic links resolving {path}")]
    Loop { path: PathBuf, hops: Vec<Hop> },
    #[error("{path} does not exist")]
    Missing { path: PathBuf, hops: Vec<Hop> },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl ResolveError {
    /// The links followed before the failure.
    pub fn hops(&self) -> &[Hop] {
        match self {
            ResolveError::Loop { hops, .. } | ResolveError::Missing { hops, .. } => hops,
            ResolveError::Io { .. } => &[],
        }
    }
}

/// A directory entry: its name and logical path.
#[derive(Clone, Debug)]
pub struct Entry {
    pub name: OsString,
    pub path: PathBuf,
    /// The entry's own type (a link is a link), from [`Fs::read_dir_typed`]; `None` from
    /// [`Fs::read_dir`].
    pub file_type: Option<std::fs::FileType>,
}

impl Entry {
    /// True when the entry is a directory, following a final symlink: from its listed type
    /// when that says directory or plain file, else from a `stat`.
    pub fn is_dir(&self, fs: &Fs) -> bool {
        match self.file_type {
            Some(t) if t.is_dir() => true,
            Some(t) if t.is_file() => false,
            _ => fs.is_dir(&self.path),
        }
    }

    /// True when the entry itself is a regular file (a link to one is not): from its listed
    /// type, else from an `lstat`.
    pub fn is_plain_file(&self, fs: &Fs) -> bool {
        match self.file_type {
            Some(t) => t.is_file(),
            None => fs.symlink_metadata(&self.path).is_ok_and(|m| m.is_file()),
        }
    }
}

impl Fs {
    /// The real filesystem: logical paths are real paths.
    pub fn real() -> Fs {
        Fs { root: None }
    }

    /// A filesystem whose `/` is the directory `root`.
    pub fn rooted(root: PathBuf) -> Fs {
        if root.as_os_str().is_empty() || root == Path::new("/") {
            return Fs::real();
        }
        Fs { root: Some(root) }
    }

    /// The root prefix, when there is one.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The physical path of a logical absolute path.
    pub fn to_real(&self, logical: &Path) -> PathBuf {
        match &self.root {
            None => logical.to_path_buf(),
            Some(root) => {
                let mut p = root.clone();
                for c in logical.components() {
                    match c {
                        Component::Normal(n) => p.push(n),
                        Component::ParentDir => p.push(".."),
                        _ => {}
                    }
                }
                p
            }
        }
    }

    /// The logical path of a physical path below the root (`None` when outside it).
    pub fn to_logical(&self, real: &Path) -> Option<PathBuf> {
        match &self.root {
            None => Some(real.to_path_buf()),
            Some(root) => real
                .strip_prefix(root)
                .ok()
                .map(|rest| Path::new("/").join(rest)),
        }
    }

    /// Metadata of the path itself, not following a final symlink.
    pub fn symlink_metadata(&self, path: &Path) -> io::Result<std::fs::Metadata> {
        std::fs::symlink_metadata(self.to_real(path))
    }

    /// Metadata following symlinks (in the logical namespace).
    pub fn metadata(&self, path: &Path) -> io::Result<std::fs::Metadata> {
        match &self.root {
            None => std::fs::metadata(path),
            Some(_) => {
                let resolved = self.canonicalize(path).map_err(to_io)?;
                std::fs::symlink_metadata(self.to_real(&resolved.path))
            }
        }
    }

    /// The target of a symlink, as stored.
    pub fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::read_link(self.to_real(path))
    }

    /// The whole content of a regular file (following symlinks), at most [`cap::TEXT`] bytes:
    /// see [`read_regular`]. Use [`Fs::read_capped`] with the cap of the file's kind.
    pub fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.read_capped(path, cap::TEXT)
    }

    /// The whole content of a regular file (following symlinks), refused when it is not a
    /// regular file or holds more than `limit` bytes ([`read_regular`]).
    pub fn read_capped(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        read_regular(&self.real_following(path)?, limit)
    }

    /// The physical path to open for a logical path, following symlinks logically.
    pub fn real_following(&self, path: &Path) -> io::Result<PathBuf> {
        match &self.root {
            None => Ok(path.to_path_buf()),
            Some(_) => Ok(self.to_real(&self.canonicalize(path).map_err(to_io)?.path)),
        }
    }

    /// The entries of a directory, sorted by name.
    pub fn read_dir(&self, path: &Path) -> io::Result<Vec<Entry>> {
        self.list(path, false)
    }

    /// [`Fs::read_dir`] with each entry's own type, which most filesystems give with the
    /// listing (Linux's `d_type`), sparing an `lstat` per entry; where they do not, each entry
    /// costs one `lstat` here.
    pub fn read_dir_typed(&self, path: &Path) -> io::Result<Vec<Entry>> {
        self.list(path, true)
    }

    fn list(&self, path: &Path, typed: bool) -> io::Result<Vec<Entry>> {
        let dir = self.real_following(path)?;
        let mut entries = Vec::new();
        for e in std::fs::read_dir(dir)? {
            let e = e?;
            let name = e.file_name();
            entries.push(Entry {
                path: path.join(&name),
                name,
                file_type: if typed { e.file_type().ok() } else { None },
            });
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    pub fn exists(&self, path: &Path) -> bool {
        self.metadata(path).is_ok()
    }

    pub fn is_dir(&self, path: &Path) -> bool {
        self.metadata(path).is_ok_and(|m| m.is_dir())
    }

    pub fn is_file(&self, path: &Path) -> bool {
        self.metadata(path).is_ok_and(|m| m.is_file())
    }

    /// True when the path (following links) is a regular file with an execute bit (Unix), or
    /// any regular file (elsewhere; Windows decides by extension).
    pub fn is_executable_file(&self, path: &Path) -> bool {
        self.metadata(path)
            .is_ok_and(|m| is_executable_file_meta(&m))
    }

    /// Go's `os.SameFile` on two logical paths: both exist and are the same file.
    pub fn same_file(&self, a: &Path, b: &Path) -> bool {
        let (Ok(ra), Ok(rb)) = (self.real_following(a), self.real_following(b)) else {
            return false;
        };
        same_physical_file(&ra, &rb)
    }

    /// Resolves every symlink in an absolute logical path, component by component (Go's
    /// `filepath.EvalSymlinks`; Linux's `realpath`). `..` applies to the path resolved so far.
    pub fn canonicalize(&self, path: &Path) -> Result<Resolved, ResolveError> {
        self.canonicalize_within(path, MAX_LINKS)
    }

    /// [`Fs::canonicalize`] following at most `max_links` symlinks in all, as the kernel does
    /// when it opens or executes a path ([`crate::host::Os::max_symlinks`]): one more is
    /// [`ResolveError::Loop`], "too many levels of symbolic links".
    pub fn canonicalize_within(
        &self,
        path: &Path,
        max_links: usize,
    ) -> Result<Resolved, ResolveError> {
        let mut hops = Vec::new();
        let mut resolved = PathBuf::new();
        let mut queue: std::collections::VecDeque<OsString> = std::collections::VecDeque::new();
        let mut prefix_and_root = PathBuf::new();
        for c in path.components() {
            match c {
                Component::Prefix(_) | Component::RootDir => prefix_and_root.push(c.as_os_str()),
                other => queue.push_back(other.as_os_str().to_owned()),
            }
        }
        if prefix_and_root.as_os_str().is_empty() {
            prefix_and_root.push("/");
        }
        resolved.push(&prefix_and_root);
        while let Some(part) = queue.pop_front() {
            if part == "." || part.is_empty() {
                continue;
            }
            if part == ".." {
                if resolved != prefix_and_root {
                    resolved.pop();
                }
                continue;
            }
            let candidate = resolved.join(&part);
            let meta = match self.symlink_metadata(&candidate) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(ResolveError::Missing {
                        path: candidate,
                        hops,
                    })
                }
                Err(e) if e.raw_os_error() == Some(20) => {
                    // ENOTDIR: a file used as a directory.
                    return Err(ResolveError::Missing {
                        path: candidate,
                        hops,
                    });
                }
                Err(source) => {
                    return Err(ResolveError::Io {
                        path: candidate,
                        source,
                    })
                }
            };
            if !meta.file_type().is_symlink() {
                resolved = candidate;
                continue;
            }
            if hops.len() >= max_links {
                return Err(ResolveError::Loop {
                    path: path.to_path_buf(),
                    hops,
                });
            }
            let target = self
                .read_link(&candidate)
                .map_err(|source| ResolveError::Io {
                    path: candidate.clone(),
                    source,
                })?;
            let mut front: Vec<OsString> = Vec::new();
            for c in target.components() {
                match c {
                    Component::Prefix(_) | Component::RootDir => {
                        resolved = PathBuf::from(&prefix_and_root);
                        if let Component::Prefix(_) = c {
                            resolved = PathBuf::from(c.as_os_str());
                        }
                    }
                    other => front.push(other.as_os_str().to_owned()),
                }
            }
            for part in front.into_iter().rev() {
                queue.push_front(part);
            }
            hops.push(Hop {
                link: candidate,
                target,
            });
        }
        Ok(Resolved {
            path: resolved,
            hops,
        })
    }
}

/// [`Fs::is_executable_file`] of metadata already read (following links).
pub fn is_executable_file_meta(m: &std::fs::Metadata) -> bool {
    m.is_file() && is_executable(m)
}

#[cfg(unix)]
fn is_executable(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_m: &std::fs::Metadata) -> bool {
    true
}

fn to_io(e: ResolveError) -> io::Error {
    match e {
        ResolveError::Io { source, .. } => source,
        ResolveError::Missing { .. } => io::Error::new(io::ErrorKind::NotFound, e.to_string()),
        ResolveError::Loop { .. } => io::Error::other(e.to_string()),
    }
}

/// Size caps of the files groot reads but did not write, by kind. A file over its cap is
/// refused ([`Refused::TooLarge`]) before anything is allocated for it.
pub mod cap {
    /// `.go-version`, groot's `default`, a toolchain's `VERSION`, a `groot link` record: one
    /// short line and perhaps a comment.
    pub const VERSION_FILE: u64 = 4 << 10;
    /// `.tool-versions`: a line per tool.
    pub const TOOL_VERSIONS: u64 = 64 << 10;
    /// go.mod and go.work (the largest public ones are a few hundred KB).
    pub const MOD_FILE: u64 = 4 << 20;
    /// Go's env files: `GOENV` (`go env -w`) and an install's `go.env`.
    pub const ENV_FILE: u64 = 1 << 20;
    /// Anything else read as text (startup files, JSON reports): [`super::Fs::read`].
    pub const TEXT: u64 = 16 << 20;
}

/// Why [`read_regular`] refused a file. Carried inside an [`io::Error`] of kind
/// `InvalidData`; [`refusal`] gets it back.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// A FIFO, a device, a socket or a directory: reading one can block forever (a FIFO
    /// nobody writes to) or never end (`/dev/zero`).
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    /// More than the cap of its kind.
    #[error("larger than {}, more than a file of this kind holds", human_size(*.cap))]
    TooLarge { cap: u64 },
}

impl Refused {
    /// A directory where a file was expected (callers that walk up for a file skip these,
    /// as they always did).
    pub fn is_directory(&self) -> bool {
        matches!(self, Refused::NotRegular(kind) if *kind == DIRECTORY)
    }
}

const DIRECTORY: &str = "a directory";

/// The [`Refused`] inside an error of [`read_regular`], if that is why it failed.
pub fn refusal(e: &io::Error) -> Option<&Refused> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<Refused>())
}

/// `4 KiB`, `16 MiB`.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// What a file that is not regular is, for messages.
fn kind_name(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        DIRECTORY
    } else {
        "a special file"
    }
}

/// Opens a physical path for reading without ever blocking in `open` (a FIFO with no writer
/// would hang there) and checks, on the open file, that it is a regular file: one `open` and
/// one `fstat`, the same system calls `std::fs::read` makes.
pub fn open_regular(real: &Path) -> io::Result<(std::fs::File, std::fs::Metadata)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(real)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            Refused::NotRegular(kind_name(meta.file_type())),
        ));
    }
    Ok((file, meta))
}

/// The whole content of the regular file at physical path `real`, at most `limit` bytes.
/// Refuses ([`Refused`], inside an `InvalidData` error) a FIFO, device, socket or directory,
/// and a file larger than `limit` (checked on its size before reading, and again while
/// reading, for a file that grows). Never blocks on a FIFO, never reads `/dev/zero` forever.
pub fn read_regular(real: &Path, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read as _;
    let (file, meta) = open_regular(real)?;
    let too_large = || io::Error::new(io::ErrorKind::InvalidData, Refused::TooLarge { cap: limit });
    if meta.len() > limit {
        return Err(too_large());
    }
    // One read asking for a byte more than the file holds: a regular file's read comes back
    // short only at its end, so getting exactly its size back is the whole file, without
    // the second read that would only say "end". Anything else (it grew or shrank since the
    // `fstat`, an interrupted read) reads on to the end as usual.
    let size = meta.len() as usize;
    let mut data = vec![0; size + 1];
    let first = loop {
        match (&file).read(&mut data) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => break r?,
        }
    };
    data.truncate(first);
    if first != size {
        (&file)
            .take(limit + 1 - first as u64)
            .read_to_end(&mut data)?;
    }
    if data.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(data)
}

/// Lexical cleaning of a path, as Go's `filepath.Clean`: drops `.` and empty components,
/// applies `..` against the preceding component (never above the root), and keeps a relative
/// path relative. An empty path becomes `.`.
pub fn clean(path: &Path) -> PathBuf {
    if is_clean(path) {
        return path.to_path_buf();
    }
    clean_components(path)
}

fn clean_components(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    let p: PathBuf = out.iter().collect();
    if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p
    }
}

/// True when [`clean`] would return the path unchanged, judged from its bytes on Unix (no
/// empty, `.` or `..` element, no trailing separator): most paths groot builds are, and this
/// spares rebuilding them element by element. Elsewhere always false.
fn is_clean(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let b = path.as_os_str().as_bytes();
        if b == b"/" {
            return true;
        }
        let body = b.strip_prefix(b"/").unwrap_or(b);
        !body.is_empty()
            && body
                .split(|&c| c == b'/')
                .all(|e| !e.is_empty() && e != b"." && e != b"..")
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Go's `filepath.Dir`: everything but the last element, cleaned.
pub fn dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => clean(p),
        Some(_) => PathBuf::from("."),
        None => clean(path),
    }
}

/// Serializers that write paths lossily, so a non-UTF-8 name cannot break a JSON report.
/// Creates `path` (with its missing parents when `recursive`) with permission bits `mode` on
/// Unix, whatever the process umask: what groot creates for itself must never become writable
/// by other users because of a permissive umask. Other platforms ignore `mode`.
pub fn create_dir_with_mode(path: &Path, mode: u32, recursive: bool) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(recursive);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    builder.create(path)
}

pub mod lossy {
    use std::path::{Path, PathBuf};

    use serde::Serializer;

    pub fn path<S: Serializer, P: AsRef<Path>>(p: &P, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&p.as_ref().to_string_lossy())
    }

    pub fn opt_path<S: Serializer>(p: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(p) => s.serialize_some(&*p.to_string_lossy()),
            None => s.serialize_none(),
        }
    }

    /// A go executable as every JSON output shows it: `{"path": "…"}`, or null.
    pub fn opt_go<S: Serializer>(p: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        match p {
            Some(p) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("path", &*p.to_string_lossy())?;
                m.end()
            }
            None => s.serialize_none(),
        }
    }

    pub fn paths<S: Serializer, V: AsRef<[PathBuf]>>(v: &V, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.as_ref().iter().map(|p| p.to_string_lossy()))
    }
}

/// Atomically swaps the files (or directories) at two paths (Linux `renameat2(RENAME_EXCHANGE)`, macOS
/// `renamex_np(RENAME_SWAP)`). Fails, and changes nothing, where that is not supported (other
/// OSes, some filesystems) or when one of the paths does not exist; callers then fall back to
/// a plain rename.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
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
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
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
pub fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree() -> (tempfile::TempDir, Fs) {
        let t = tempfile::tempdir().expect("tempdir");
        let fs = Fs::rooted(t.path().to_path_buf());
        (t, fs)
    }

    #[test]
    fn clean_fast_path_agrees() {
        for p in [
            "/", "/a", "/a/b", "a", "a/b.c", "/a/.b", "/a/b/", "/a//b", "/a/./b", "/a/../b", "./a",
            "../a", "a/..", "", ".", "..", "//", "/..", "/a/b/..", "a/./",
        ] {
            let p = Path::new(p);
            assert_eq!(clean(p), clean_components(p), "{p:?}");
            if is_clean(p) {
                assert_eq!(clean_components(p), p, "{p:?} is not clean");
            }
        }
    }

    #[test]
    fn clean_matches_go() {
        for (input, want) in [
            ("/a/b/../c", "/a/c"),
            ("/../a", "/a"),
            ("a/../..", ".."),
            ("", "."),
            ("/a/./b/", "/a/b"),
            ("a//b", "a/b"),
            ("/", "/"),
        ] {
            assert_eq!(clean(Path::new(input)), PathBuf::from(want), "{input}");
        }
        assert_eq!(
            dir(Path::new("/usr/local/go/bin/go")),
            PathBuf::from("/usr/local/go/bin")
        );
        assert_eq!(dir(Path::new("go")), PathBuf::from("."));
    }

    #[test]
    fn absolute_links_stay_inside_the_root() {
        let (t, fs) = tree();
        let r = t.path();
        std::fs::create_dir_all(r.join("usr/lib/go-1.22/bin")).expect("mkdir");
        std::fs::write(r.join("usr/lib/go-1.22/bin/go"), b"x").expect("write");
        std::fs::create_dir_all(r.join("usr/bin")).expect("mkdir");
        symlink("/usr/lib/go-1.22/bin/go", r.join("usr/bin/go")).expect("link");
        let got = fs.canonicalize(Path::new("/usr/bin/go")).expect("resolves");
        assert_eq!(got.path, PathBuf::from("/usr/lib/go-1.22/bin/go"));
        assert_eq!(got.hops.len(), 1);
        assert_eq!(got.hops[0].link, PathBuf::from("/usr/bin/go"));
        assert!(fs.is_file(Path::new("/usr/bin/go")));
        assert_eq!(fs.read(Path::new("/usr/bin/go")).expect("read"), b"x");
    }

    #[test]
    fn relative_links_directory_links_and_dotdot() {
        let (t, fs) = tree();
        let r = t.path();
        std::fs::create_dir_all(r.join("opt/homebrew/Cellar/go/1.22.1/libexec/bin"))
            .expect("mkdir");
        std::fs::create_dir_all(r.join("opt/homebrew/opt")).expect("mkdir");
        std::fs::create_dir_all(r.join("opt/homebrew/bin")).expect("mkdir");
        symlink("../Cellar/go/1.22.1", r.join("opt/homebrew/opt/go")).expect("link");
        symlink("../opt/go/libexec/bin/go", r.join("opt/homebrew/bin/go")).expect("link");
        std::fs::write(r.join("opt/homebrew/Cellar/go/1.22.1/libexec/bin/go"), b"").expect("w");
        let got = fs
            .canonicalize(Path::new("/opt/homebrew/bin/go"))
            .expect("resolves");
        assert_eq!(
            got.path,
            PathBuf::from("/opt/homebrew/Cellar/go/1.22.1/libexec/bin/go")
        );
        assert_eq!(got.hops.len(), 2, "{:?}", got.hops);
        // `..` after a directory link applies to the resolved path (realpath semantics).
        let up = fs
            .canonicalize(Path::new("/opt/homebrew/opt/go/.."))
            .expect("resolves");
        assert_eq!(up.path, PathBuf::from("/opt/homebrew/Cellar/go"));
    }

    #[test]
    fn only_regular_files_up_to_their_cap_are_read() {
        let (t, fs) = tree();
        let r = t.path();
        std::fs::write(r.join("small"), b"1.22.10\n").expect("write");
        assert_eq!(
            fs.read_capped(Path::new("/small"), 8).expect("read"),
            b"1.22.10\n"
        );
        let e = fs
            .read_capped(Path::new("/small"), 7)
            .expect_err("too large");
        assert_eq!(refusal(&e), Some(&Refused::TooLarge { cap: 7 }));
        assert!(e.to_string().contains("larger than 7 bytes"), "{e}");
        symlink("/dev/zero", r.join("zero")).expect("link");
        let e = read_regular(&r.join("zero"), 1 << 20).expect_err("device");
        assert_eq!(
            refusal(&e),
            Some(&Refused::NotRegular("a character device"))
        );
        let fifo = r.join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success());
        // Would block forever in open(2) without O_NONBLOCK.
        let e = fs.read(Path::new("/fifo")).expect_err("fifo");
        assert_eq!(e.to_string(), "not a regular file (a FIFO)");
        std::fs::create_dir(r.join("d")).expect("dir");
        let e = fs.read(Path::new("/d")).expect_err("dir");
        assert!(refusal(&e).is_some_and(Refused::is_directory));
        let e = fs.read(Path::new("/missing")).expect_err("missing");
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert_eq!(human_size(cap::MOD_FILE), "4 MiB");
    }

    /// Whole files come back whatever their size, including a file whose `fstat` size is not
    /// what it holds (procfs says 0), which must be read on to its end.
    #[test]
    fn whole_files_are_read_at_every_size() {
        let (t, fs) = tree();
        let r = t.path();
        for n in [0usize, 1, 31, 32, 33, 4095, 4096, 4097, 100_000] {
            let data: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            std::fs::write(r.join("f"), &data).expect("write");
            assert_eq!(fs.read(Path::new("/f")).expect("read"), data, "{n} bytes");
            assert_eq!(
                read_regular(&r.join("f"), n as u64).expect("at the cap"),
                data
            );
        }
        #[cfg(target_os = "linux")]
        {
            let status = read_regular(Path::new("/proc/self/status"), 1 << 20).expect("procfs");
            assert_eq!(
                std::fs::metadata("/proc/self/status").expect("stat").len(),
                0
            );
            assert!(status.starts_with(b"Name:"), "{status:?}");
            assert!(String::from_utf8_lossy(&status).contains("\nPid:"));
            let e = read_regular(Path::new("/proc/self/status"), 10).expect_err("over the cap");
            assert_eq!(refusal(&e), Some(&Refused::TooLarge { cap: 10 }));
        }
    }

    #[test]
    fn loops_and_dangling_links_are_errors() {
        let (t, fs) = tree();
        let r = t.path();
        symlink("b", r.join("a")).expect("link");
        symlink("a", r.join("b")).expect("link");
        symlink("/nowhere", r.join("dangling")).expect("link");
        assert!(matches!(
            fs.canonicalize(Path::new("/a")),
            Err(ResolveError::Loop { .. })
        ));
        match fs.canonicalize(Path::new("/dangling")) {
            Err(ResolveError::Missing { path, hops }) => {
                assert_eq!(path, PathBuf::from("/nowhere"));
                assert_eq!(hops.len(), 1);
            }
            other => panic!("expected missing, got {other:?}"),
        }
        assert!(!fs.exists(Path::new("/dangling")));
        assert!(fs.symlink_metadata(Path::new("/dangling")).is_ok());
    }

    #[test]
    fn same_file_sees_hard_links_and_symlinks() {
        let (t, fs) = tree();
        let r = t.path();
        std::fs::write(r.join("f"), b"1").expect("w");
        std::fs::hard_link(r.join("f"), r.join("h")).expect("hard link");
        symlink("/f", r.join("s")).expect("link");
        std::fs::write(r.join("g"), b"1").expect("w");
        assert!(fs.same_file(Path::new("/f"), Path::new("/h")));
        assert!(fs.same_file(Path::new("/f"), Path::new("/s")));
        assert!(!fs.same_file(Path::new("/f"), Path::new("/g")));
        assert!(!fs.same_file(Path::new("/f"), Path::new("/missing")));
    }

    #[test]
    fn real_fs_is_identity() {
        let fs = Fs::real();
        assert_eq!(fs.to_real(Path::new("/etc")), PathBuf::from("/etc"));
        assert!(fs.is_dir(Path::new("/")));
    }
}

/// A file's identity, to tell two paths to one file or directory apart from two files: on
/// Unix its device and inode from one `stat` (nothing is held open); elsewhere an open handle.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct FileId {
    #[cfg(unix)]
    dev_ino: (u64, u64),
    #[cfg(not(unix))]
    handle: same_file::Handle,
}

/// The identity of the file at a physical path (symlinks followed), if it can be read.
pub fn file_id(path: &Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(FileId {
            dev_ino: (m.dev(), m.ino()),
        })
    }
    #[cfg(not(unix))]
    {
        Some(FileId {
            handle: same_file::Handle::from_path(path).ok()?,
        })
    }
}

/// The identity in metadata already read: on Unix its device and inode; elsewhere `None`
/// (identity needs an open handle there: use [`file_id`]).
pub fn file_id_of(m: &std::fs::Metadata) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(FileId {
            dev_ino: (m.dev(), m.ino()),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        None
    }
}

/// Whether two physical paths (symlinks followed) are the same file. On Unix two `stat`s
/// compared by device and inode, as Go's `os.SameFile` does (no file is opened); elsewhere
/// the `same-file` crate's handles. False when either cannot be read.
pub fn same_physical_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        same_file::is_same_file(a, b).unwrap_or(false)
    }
}
