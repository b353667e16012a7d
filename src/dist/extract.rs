//! Safe extraction of a Go archive (tar.gz or zip, with a top-level `go/`) into a staging
//! directory, producing the [`Manifest`] of what was written.
//!
//! Every entry name is checked before anything touches the disk. Refused: names that are not
//! UTF-8 or hold control characters, backslashes or colons; absolute names; `..` components;
//! names outside the top-level `go/` directory; symlinks whose target is absolute, climbs out
//! of the tree, or passes through another symlink; entries whose path passes through a symlink;
//! hard links to anything but a regular file extracted before; device files, FIFOs and sparse
//! files. The `go/` component is stripped: `go/bin/go` lands at `<dest>/bin/go`.
//!
//! Decompression and parsing run on the calling thread; file creation, writing and hashing run
//! on a second one, fed through a bounded channel of ~1 MiB batches. On two cores that overlaps
//! inflate with the kernel's write work, and memory stays bounded whatever the archive holds.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use sha2::{Digest, Sha256};

use super::download::hex;
use super::store::{Entry, Manifest};

const CHUNK: usize = 1 << 20;
const CHANNEL_DEPTH: usize = 16;
const BATCH_ITEMS: usize = 1024;
const READ_BUFFER: usize = 256 * 1024;

/// The archive formats Go releases use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.tar.gz` (every OS but Windows).
    TarGz,
    /// `.zip` (Windows).
    Zip,
}

impl Format {
    /// The format a file name implies.
    pub fn from_name(name: &str) -> Option<Format> {
        if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Some(Format::TarGz)
        } else if name.ends_with(".zip") {
            Some(Format::Zip)
        } else {
            None
        }
    }
}

/// Extracts `archive` into `dest` (an existing, empty directory).
pub fn extract(archive: &Path, format: Format, dest: &Path) -> Result<Manifest, ExtractError> {
    extract_counted(archive, format, dest, &|_| {})
}

/// [`extract`], telling `progress` how many files were read so far (about every 1 MiB).
pub fn extract_counted(
    archive: &Path,
    format: Format,
    dest: &Path,
    progress: &dyn Fn(u64),
) -> Result<Manifest, ExtractError> {
    let file = crate::fs::open_regular(archive)
        .map(|(f, _)| f)
        .map_err(|source| ExtractError::Io {
            path: archive.to_owned(),
            source,
        })?;
    let corrupt = |source| ExtractError::Corrupt {
        archive: archive.to_owned(),
        source,
    };
    run(dest, progress, |sink| match format {
        Format::TarGz => {
            let gz = flate2::bufread::GzDecoder::new(BufReader::with_capacity(READ_BUFFER, file));
            let reader = BufReader::with_capacity(READ_BUFFER, gz);
            read_tar(reader, sink).map_err(|e| e.or_corrupt(corrupt))
        }
        Format::Zip => read_zip(BufReader::with_capacity(READ_BUFFER, file), sink)
            .map_err(|e| e.or_corrupt(corrupt)),
    })
}

/// One step for the writer thread.
enum Item {
    Dir(String),
    FileStart { path: String, executable: bool },
    Data(Vec<u8>),
    FileEnd,
    Symlink { path: String, target: String },
    Hardlink { path: String, target: String },
}

/// Producer-side state: the channel and the name checks that need to remember earlier entries.
/// Items travel in batches of about [`CHUNK`] bytes, so that a tree of small files costs a few
/// hundred channel hand-offs rather than one per file.
struct Sink<'p> {
    tx: SyncSender<Vec<Item>>,
    /// Told the number of files read at each flush.
    progress: &'p dyn Fn(u64),
    batch: Vec<Item>,
    batch_bytes: usize,
    symlinks: HashSet<String>,
    /// Every path an accepted symlink target walks through: none may become a symlink later.
    traversed: HashSet<String>,
    files: HashSet<String>,
}

/// Errors from the producer: either a decoding failure (io) or a refusal.
enum ProduceError {
    Read(io::Error),
    Refused(ExtractError),
    /// The writer thread stopped; its own error explains why.
    WriterGone,
}

impl ProduceError {
    fn or_corrupt(self, corrupt: impl FnOnce(io::Error) -> ExtractError) -> ExtractError {
        match self {
            ProduceError::Read(e) => corrupt(e),
            ProduceError::Refused(e) => e,
            ProduceError::WriterGone => ExtractError::WriterGone,
        }
    }
}

impl From<io::Error> for ProduceError {
    fn from(e: io::Error) -> Self {
        ProduceError::Read(e)
    }
}

fn refuse(entry: &str, reason: &'static str) -> ProduceError {
    ProduceError::Refused(ExtractError::Unsafe {
        entry: entry.to_owned(),
        reason,
    })
}

impl Sink<'_> {
    fn send(&mut self, item: Item) -> Result<(), ProduceError> {
        if let Item::Data(bytes) = &item {
            self.batch_bytes += bytes.len();
        }
        self.batch.push(item);
        if self.batch_bytes >= CHUNK || self.batch.len() >= BATCH_ITEMS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ProduceError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        self.batch_bytes = 0;
        (self.progress)(self.files.len() as u64);
        let batch = std::mem::take(&mut self.batch);
        self.tx.send(batch).map_err(|_| ProduceError::WriterGone)
    }

    /// Checks an entry name and returns its path below `go/`, or `None` for `go/` itself.
    fn checked_path(&self, raw: &[u8]) -> Result<Option<String>, ProduceError> {
        let shown = String::from_utf8_lossy(raw).into_owned();
        let rel = archive_path(raw).map_err(|reason| refuse(&shown, reason))?;
        if let Some(rel) = &rel {
            if self.symlinks.contains(rel) {
                return Err(refuse(&shown, "replaces a symlink"));
            }
            if ancestors(rel).any(|a| self.symlinks.contains(a)) {
                return Err(refuse(&shown, "path passes through a symlink"));
            }
        }
        Ok(rel)
    }

    fn file(
        &mut self,
        path: String,
        executable: bool,
        data: &mut dyn Read,
    ) -> Result<(), ProduceError> {
        self.files.insert(path.clone());
        self.send(Item::FileStart { path, executable })?;
        loop {
            let mut chunk = Vec::with_capacity(CHUNK);
            let n = data.take(CHUNK as u64).read_to_end(&mut chunk)?;
            if n == 0 {
                break;
            }
            self.send(Item::Data(chunk))?;
        }
        self.send(Item::FileEnd)
    }

    fn symlink(&mut self, entry: &str, path: String, target: &[u8]) -> Result<(), ProduceError> {
        let target =
            std::str::from_utf8(target).map_err(|_| refuse(entry, "link target is not UTF-8"))?;
        if self.traversed.contains(&path) {
            return Err(refuse(
                entry,
                "symlink where an earlier symlink's target passes",
            ));
        }
        let walked = check_link_target(&path, target, &self.symlinks)
            .map_err(|reason| refuse(entry, reason))?;
        self.traversed.extend(walked);
        // A symlink may replace an earlier file (tar semantics); that path is no longer a
        // regular file a hard link may name.
        self.files.remove(&path);
        self.symlinks.insert(path.clone());
        self.send(Item::Symlink {
            path,
            target: target.to_owned(),
        })
    }

    fn hardlink(&mut self, entry: &str, path: String, target: &[u8]) -> Result<(), ProduceError> {
        let target = archive_path(target)
            .map_err(|reason| refuse(entry, reason))?
            .ok_or_else(|| refuse(entry, "hard link to a directory"))?;
        if !self.files.contains(&target) {
            return Err(refuse(
                entry,
                "hard link to something other than an earlier regular file",
            ));
        }
        self.files.insert(path.clone());
        self.send(Item::Hardlink { path, target })
    }
}

/// Runs `produce` on this thread and the writer on another, and returns the manifest.
fn run(
    dest: &Path,
    progress: &dyn Fn(u64),
    produce: impl FnOnce(&mut Sink<'_>) -> Result<(), ExtractError>,
) -> Result<Manifest, ExtractError> {
    let (tx, rx) = sync_channel(CHANNEL_DEPTH);
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_all(dest, rx));
        let mut sink = Sink {
            tx,
            progress,
            batch: Vec::new(),
            batch_bytes: 0,
            symlinks: HashSet::new(),
            traversed: HashSet::new(),
            files: HashSet::new(),
        };
        let produced =
            produce(&mut sink).and_then(|()| sink.flush().map_err(|_| ExtractError::WriterGone));
        drop(sink);
        let written = writer.join().unwrap_or(Err(ExtractError::WriterGone));
        match (produced, written) {
            // The writer's error is the real one when the producer only saw it go away.
            (Err(ExtractError::WriterGone), Err(e)) => Err(e),
            (Err(e), _) => Err(e),
            (Ok(()), written) => written,
        }
    })
}

/// The longest entry name or link target an archive may carry (Go's longest are ~150 bytes;
/// Linux's `PATH_MAX` is 4096). Checked on the size a header announces, before anything is
/// read or allocated for it: GNU long names, PAX records and zip symlink targets used to be
/// read whole (a 3 MB tar.gz took 16 GB).
pub const MAX_NAME: u64 = 4096;
/// The largest PAX extended header accepted (records for one entry: path, linkpath, times).
pub const MAX_PAX_HEADER: u64 = 64 << 10;

/// Reads the data of a metadata entry whose size was checked against its cap.
fn read_meta(entry: &mut impl Read, size: u64) -> Result<Vec<u8>, ProduceError> {
    let mut data = Vec::with_capacity(size as usize);
    entry.take(size).read_to_end(&mut data)?;
    Ok(data)
}

/// A name from a GNU long-name entry: NUL-terminated.
fn trim_nul(mut v: Vec<u8>) -> Vec<u8> {
    while v.last() == Some(&0) {
        v.pop();
    }
    v
}

fn read_tar(reader: impl Read, sink: &mut Sink) -> Result<(), ProduceError> {
    let mut archive = tar::Archive::new(reader);
    // Raw entries: GNU long names and PAX headers come to us as entries of their own, with
    // their size known, so they are capped here instead of read whole by the tar crate.
    let mut long_name: Option<Vec<u8>> = None;
    let mut long_link: Option<Vec<u8>> = None;
    let mut pax: Option<Vec<u8>> = None;
    for entry in archive.entries()?.raw(true) {
        let mut entry = entry?;
        let kind = entry.header().entry_type();
        let size = entry.header().entry_size()?;
        match kind {
            tar::EntryType::GNULongName | tar::EntryType::GNULongLink => {
                if size > MAX_NAME + 1 {
                    return Err(refuse(
                        "(GNU long name)",
                        "name or link target longer than 4 KiB",
                    ));
                }
                let name = trim_nul(read_meta(&mut entry, size)?);
                if kind == tar::EntryType::GNULongName {
                    long_name = Some(name);
                } else {
                    long_link = Some(name);
                }
                continue;
            }
            tar::EntryType::XHeader | tar::EntryType::XGlobalHeader => {
                if size > MAX_PAX_HEADER {
                    return Err(refuse("(PAX header)", "PAX header larger than 64 KiB"));
                }
                let data = read_meta(&mut entry, size)?;
                if kind == tar::EntryType::XHeader {
                    pax = Some(data);
                }
                continue;
            }
            _ => {}
        }
        let mut raw = long_name
            .take()
            .unwrap_or_else(|| entry.header().path_bytes().into_owned());
        let mut link = long_link
            .take()
            .or_else(|| entry.header().link_name_bytes().map(|l| l.into_owned()));
        if let Some(records) = pax.take() {
            for record in tar::PaxExtensions::new(&records) {
                let record = record?;
                match record.key_bytes() {
                    b"path" => raw = record.value_bytes().to_vec(),
                    b"linkpath" => link = Some(record.value_bytes().to_vec()),
                    b"size"
                        if record.value().ok().and_then(|v| v.parse::<u64>().ok())
                            != Some(size) =>
                    {
                        return Err(refuse(
                            &String::from_utf8_lossy(&raw),
                            "PAX size record differs from the header's size",
                        ));
                    }
                    k if k.starts_with(b"GNU.sparse") => {
                        return Err(ProduceError::Refused(ExtractError::SpecialFile {
                            entry: String::from_utf8_lossy(&raw).into_owned(),
                            kind: "sparse file (PAX)".to_owned(),
                        }))
                    }
                    _ => {}
                }
            }
        }
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let Some(path) = sink.checked_path(&raw)? else {
            if kind.is_dir() {
                continue;
            }
            return Err(refuse(
                &shown,
                "not a directory but named like the top-level go/",
            ));
        };
        match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let executable = entry.header().mode().map(|m| m & 0o111 != 0)?;
                sink.file(path, executable, &mut entry)?;
            }
            tar::EntryType::Directory => sink.send(Item::Dir(path))?,
            tar::EntryType::Symlink => {
                let target = link.ok_or_else(|| refuse(&shown, "symlink without a target"))?;
                sink.symlink(&shown, path, &target)?;
            }
            tar::EntryType::Link => {
                let target = link.ok_or_else(|| refuse(&shown, "hard link without a target"))?;
                sink.hardlink(&shown, path, &target)?;
            }
            other => {
                return Err(ProduceError::Refused(ExtractError::SpecialFile {
                    entry: shown,
                    kind: format!("{other:?}").to_lowercase(),
                }))
            }
        }
    }
    // Read to the end so that gzip checks its trailer (CRC and length): a truncated or
    // corrupted stream fails here even if the tar end marker was reached.
    io::copy(&mut archive.into_inner(), &mut io::sink())?;
    Ok(())
}

fn read_zip(reader: impl Read + io::Seek, sink: &mut Sink) -> Result<(), ProduceError> {
    let zip_err = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, other),
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_err)?;
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(zip_err)?;
        let raw = file.name_raw().to_vec();
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let mode = file.unix_mode();
        let Some(path) = sink.checked_path(&raw)? else {
            continue;
        };
        const S_IFMT: u32 = 0o170_000;
        match mode.map(|m| m & S_IFMT) {
            Some(0o120_000) => {
                // The target is the entry's data: capped on its announced size and while
                // inflating (a deflate bomb can claim a small size).
                if file.size() > MAX_NAME {
                    return Err(refuse(&shown, "symlink target longer than 4 KiB"));
                }
                let mut target = Vec::new();
                (&mut file).take(MAX_NAME + 1).read_to_end(&mut target)?;
                if target.len() as u64 > MAX_NAME {
                    return Err(refuse(&shown, "symlink target longer than 4 KiB"));
                }
                sink.symlink(&shown, path, &target)?;
            }
            _ if file.is_dir() => sink.send(Item::Dir(path))?,
            None | Some(0) | Some(0o100_000) => {
                let executable = mode.is_some_and(|m| m & 0o111 != 0);
                sink.file(path, executable, &mut file)?;
            }
            Some(other) => {
                return Err(ProduceError::Refused(ExtractError::SpecialFile {
                    entry: shown,
                    kind: format!("mode {other:o}"),
                }))
            }
        }
    }
    Ok(())
}

/// `go/bin/go` → `Some("bin/go")`; `go/` → `None`; anything unsafe → the reason.
fn archive_path(raw: &[u8]) -> Result<Option<String>, &'static str> {
    if raw.len() as u64 > MAX_NAME {
        return Err("name longer than 4 KiB");
    }
    let name = std::str::from_utf8(raw).map_err(|_| "name is not UTF-8")?;
    if name.chars().any(char::is_control) {
        return Err("name holds control characters");
    }
    if name.contains('\\') {
        return Err("name holds a backslash");
    }
    if name.contains(':') {
        return Err("name holds a colon (a drive or stream name on Windows)");
    }
    if name.starts_with('/') {
        return Err("absolute path");
    }
    let mut parts = name.split('/').filter(|p| !p.is_empty() && *p != ".");
    let mut rel = String::with_capacity(name.len());
    let mut top = None;
    for part in parts.by_ref() {
        if part == ".." {
            return Err("parent directory component (..)");
        }
        if top.is_none() {
            top = Some(part);
            continue;
        }
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str(part);
    }
    if top != Some("go") {
        return Err("outside the top-level go/ directory");
    }
    // groot's own marks at the root of a toolchain (`.groot-complete`, `.groot-manifest`) are
    // written by groot, never taken from an archive: one that carried them installed and then
    // failed `groot verify`. Compared ignoring case (case-insensitive filesystems).
    if !rel.contains('/') && rel.len() >= 7 && rel.as_bytes()[..7].eq_ignore_ascii_case(b".groot-")
    {
        return Err("groot's own marker name (.groot-*) at the toolchain root");
    }
    Ok((!rel.is_empty()).then_some(rel))
}

/// `a/b/c` → `a`, `a/b`.
fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    rel.match_indices('/').map(move |(i, _)| &rel[..i])
}

/// A symlink at `link` (relative to the root) pointing at `target` must stay inside the root,
/// lexically, without passing through another symlink. Returns the paths the target walks
/// through.
fn check_link_target(
    link: &str,
    target: &str,
    symlinks: &HashSet<String>,
) -> Result<Vec<String>, &'static str> {
    if target.is_empty() {
        return Err("symlink with an empty target");
    }
    if target.len() as u64 > MAX_NAME {
        return Err("symlink target longer than 4 KiB");
    }
    if target.starts_with('/') || target.contains('\\') || target.contains(':') {
        return Err("symlink to an absolute path");
    }
    let mut stack: Vec<&str> = link.split('/').collect();
    stack.pop();
    let mut walked = Vec::new();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if stack.pop().is_none() {
                    return Err("symlink pointing outside the toolchain");
                }
            }
            name => {
                stack.push(name);
                let here = stack.join("/");
                if symlinks.contains(&here) {
                    return Err("symlink through another symlink");
                }
                walked.push(here);
            }
        }
    }
    Ok(walked)
}

/// The writer thread: creates what the items say under `dest` and hashes every file.
fn write_all(dest: &Path, rx: Receiver<Vec<Item>>) -> Result<Manifest, ExtractError> {
    let mut manifest = Manifest::default();
    let mut made: HashSet<PathBuf> = HashSet::new();
    // Staging starts empty: only a path written earlier can be in the way.
    let mut written: HashSet<String> = HashSet::new();
    let mut current: Option<(String, File, Sha256, u64, bool)> = None;
    let io_err = |path: &Path| {
        let path = path.to_owned();
        move |source| ExtractError::Io { path, source }
    };
    for item in rx.into_iter().flatten() {
        match item {
            Item::Dir(rel) => {
                let full = dest.join(&rel);
                if made.insert(full.clone()) {
                    super::create_dirs(&full).map_err(io_err(&full))?;
                }
            }
            Item::FileStart { path, executable } => {
                let full = dest.join(&path);
                ensure_parent(&full, &mut made)?;
                if !written.insert(path.clone()) {
                    remove_existing(&full)?;
                }
                let file = create_file(&full, executable).map_err(io_err(&full))?;
                current = Some((path, file, Sha256::new(), 0, executable));
            }
            Item::Data(bytes) => {
                if let Some((path, file, hasher, size, _)) = current.as_mut() {
                    hasher.update(&bytes);
                    *size += bytes.len() as u64;
                    file.write_all(&bytes).map_err(io_err(&dest.join(&*path)))?;
                }
            }
            Item::FileEnd => {
                if let Some((path, _file, hasher, size, executable)) = current.take() {
                    manifest.entries.insert(
                        path,
                        Entry::File {
                            sha256: hex(&hasher.finalize()),
                            size,
                            executable,
                        },
                    );
                }
            }
            Item::Symlink { path, target } => {
                let full = dest.join(&path);
                ensure_parent(&full, &mut made)?;
                if !written.insert(path.clone()) {
                    remove_existing(&full)?;
                }
                make_symlink(&target, &full).map_err(io_err(&full))?;
                manifest.entries.insert(path, Entry::Symlink { target });
            }
            Item::Hardlink { path, target } => {
                let full = dest.join(&path);
                ensure_parent(&full, &mut made)?;
                if !written.insert(path.clone()) {
                    remove_existing(&full)?;
                }
                // `link(2)` does not follow a symlink: linking one would move it to another
                // directory, where its relative target means something else. The producer
                // only names regular files; check the disk too.
                let source = dest.join(&target);
                match fs::symlink_metadata(&source) {
                    Ok(meta) if meta.is_file() => {}
                    _ => {
                        return Err(ExtractError::Unsafe {
                            entry: path,
                            reason: "hard link to something other than a regular file",
                        })
                    }
                }
                fs::hard_link(&source, &full).map_err(io_err(&full))?;
                if let Some(entry) = manifest.entries.get(&target).cloned() {
                    manifest.entries.insert(path, entry);
                }
            }
        }
    }
    Ok(manifest)
}

fn ensure_parent(full: &Path, made: &mut HashSet<PathBuf>) -> Result<(), ExtractError> {
    if let Some(parent) = full.parent() {
        if !made.contains(parent) {
            super::create_dirs(parent).map_err(|source| ExtractError::Io {
                path: parent.to_owned(),
                source,
            })?;
            made.insert(parent.to_owned());
        }
    }
    Ok(())
}

/// A later entry with the same name replaces an earlier file (tar semantics); never a
/// directory.
fn remove_existing(full: &Path) -> Result<(), ExtractError> {
    match fs::symlink_metadata(full) {
        Ok(meta) if meta.is_dir() => Err(ExtractError::Io {
            path: full.to_owned(),
            source: io::Error::new(io::ErrorKind::AlreadyExists, "a directory is in the way"),
        }),
        Ok(_) => fs::remove_file(full).map_err(|source| ExtractError::Io {
            path: full.to_owned(),
            source,
        }),
        Err(_) => Ok(()),
    }
}

fn create_file(full: &Path, executable: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    // create_new never follows a symlink planted at the final component.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if executable { 0o755 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = executable;
    options.open(full)
}

#[cfg(unix)]
fn make_symlink(target: &str, full: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, full)
}

#[cfg(not(unix))]
fn make_symlink(_target: &str, _full: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "symlinks in archives are not supported on this system",
    ))
}

/// Errors while extracting.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// An entry that could write outside the staging directory, or is otherwise unsafe.
    #[error("refusing archive entry `{entry}`: {reason}")]
    Unsafe {
        /// The entry name as stored.
        entry: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A device file, FIFO or other special file.
    #[error("refusing archive entry `{entry}`: special file ({kind})")]
    SpecialFile {
        /// The entry name.
        entry: String,
        /// Its type.
        kind: String,
    },
    /// The archive cannot be decoded (truncated, not gzip, bad CRC, bad tar or zip).
    #[error("the archive {} is damaged", archive.display())]
    Corrupt {
        /// The archive.
        archive: PathBuf,
        /// The decoder's error.
        #[source]
        source: io::Error,
    },
    /// Reading the archive or writing the tree failed.
    #[error("cannot write {}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The writer thread stopped without saying why (a bug).
    #[error("extraction stopped unexpectedly")]
    WriterGone,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names() {
        let ok = |s: &str| archive_path(s.as_bytes());
        assert_eq!(ok("go/bin/go"), Ok(Some("bin/go".into())));
        assert_eq!(ok("./go//src/./x.go"), Ok(Some("src/x.go".into())));
        assert_eq!(ok("go/"), Ok(None));
        assert!(ok("/etc/passwd").is_err());
        assert!(ok("go/../../x").is_err());
        assert!(ok("go/a/../b").is_err());
        assert!(ok("other/x").is_err());
        assert!(ok("x").is_err());
        assert!(ok("go/a\\..\\..\\x").is_err());
        assert!(ok("go/C:x").is_err());
        assert!(ok("go/a\nb").is_err());
        assert!(archive_path(b"go/\xff").is_err());
    }

    #[test]
    fn link_targets() {
        let none = HashSet::new();
        assert!(check_link_target("bin/gofmt", "go", &none).is_ok());
        assert!(check_link_target("a/b/l", "../../c", &none).is_ok());
        assert!(check_link_target("a/b/l", "../../../c", &none).is_err());
        assert!(check_link_target("l", "..", &none).is_err());
        assert!(check_link_target("l", "/etc", &none).is_err());
        assert!(check_link_target("l", "", &none).is_err());
        let links: HashSet<String> = ["x/up".to_owned()].into();
        assert!(check_link_target("l2", "x/up/..", &links).is_err());
    }

    #[test]
    fn ancestors_of_a_path() {
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(ancestors("a").count(), 0);
    }
}
