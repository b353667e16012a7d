//! The install transaction: from a release (or an archive, or a source build) to a complete
//! toolchain in the store, or to nothing at all.
//!
//! 1. Take the lock for the toolchain name; if another process is installing it, wait, then
//!    find it installed and return.
//! 2. Fetch the archive into `<home>/tmp/` (same filesystem), hashing while it streams, and
//!    compare with the index's sha256 before anything reads it. No hash: refuse, unless the
//!    caller explicitly skips verification.
//! 3. Extract into a fresh staging directory in `<home>/tmp/`, refusing unsafe entries.
//! 4. Check the tree is the Go it claims to be (`bin/go`, `VERSION` naming the version).
//! 5. Write the manifest, then the completion marker, inside the staging directory.
//! 6. Rename the staging directory into `<home>/toolchains/<name>`: the toolchain appears
//!    complete, or not at all.
//!
//! A process killed at any step leaves at most a `.partial` download (resumed next time) and a
//! staging directory (deleted by the next install of that name). Nothing in `toolchains/`
//! without a marker is ever listed.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use super::download::{self, Client, DownloadError, Expected};
use super::extract::{self, ExtractError, Format};
use super::index::{Index, IndexError, ReleaseFile, Request};
use super::lock::LockError;
use super::store::{self, Manifest, Marker, Store, StoreError, Toolchain, MANIFEST, MARKER};
use super::{Event, Platform, Reporter, Settings};
use crate::version::Version;

/// Choices the user makes per install.
#[derive(Clone, Debug, Default)]
pub struct InstallOptions {
    /// Install even when no sha256 is known or it cannot be checked. Loud: the reporter gets
    /// [`Event::VerificationSkipped`] and the marker records `verified: false`.
    pub insecure_skip_verify: bool,
    /// Replace an existing toolchain of the same name.
    pub reinstall: bool,
}

/// A successful install.
#[derive(Clone, Debug)]
pub struct Installed {
    /// The toolchain now in the store.
    pub toolchain: Toolchain,
    /// True when it was already installed and nothing was done.
    pub already_installed: bool,
}

/// How to build a toolchain from source.
#[derive(Clone, Debug, Default)]
pub struct SourceBuild {
    /// GOROOT of the Go that builds it (`GOROOT_BOOTSTRAP`).
    pub bootstrap: PathBuf,
    /// The whole environment of the build (the caller decides, e.g. PATH, HOME and
    /// `GOEXPERIMENT`); `GOROOT_BOOTSTRAP` is added, `GOROOT` removed.
    pub env: Vec<(OsString, OsString)>,
    /// The toolchain name; default `go<version>`.
    pub name: Option<String>,
}

/// The store name of a toolchain: `go1.22.10` for the native platform, `go1.22.10-amd64` for
/// another arch, `go1.22.10-windows-amd64` for another OS.
pub fn toolchain_name(version: &Version, target: &Platform, native: &Platform) -> String {
    let base = version.toolchain_name();
    if target.os != native.os {
        format!("{base}-{}-{}", target.os, target.arch)
    } else if target.arch != native.arch {
        format!("{base}-{}", target.arch)
    } else {
        base
    }
}

/// Installs the release that answers `request` for `settings.target`.
pub fn install(
    settings: &Settings,
    index: &Index,
    request: &Request,
    options: &InstallOptions,
    reporter: &dyn Reporter,
) -> Result<Installed, InstallError> {
    let selected = index.find(request, &settings.target)?;
    let name = toolchain_name(&selected.version, &settings.target, &settings.native);
    let format = Format::from_name(&selected.file.filename)
        .ok_or_else(|| InstallError::UnknownFormat(selected.file.filename.clone()))?;
    let step = Step {
        name: &name,
        file: &selected.file,
        platform: &settings.target,
        source_prefix: "",
    };
    transaction(settings, &step, options, reporter, |archive, staging| {
        let manifest = extract::extract_counted(archive, format, staging, &|files| {
            reporter.event(Event::ExtractProgress { files })
        })?;
        Ok((check_tree(staging, Some(&selected.version))?, manifest))
    })
}

/// Installs a local archive. Its sha256 must match `expected_sha256` if given, else the
/// index entry of the same file name if `index` lists it; with neither, it is refused unless
/// verification is skipped.
pub fn install_archive(
    settings: &Settings,
    archive: &Path,
    index: Option<&Index>,
    expected_sha256: Option<&str>,
    options: &InstallOptions,
    reporter: &dyn Reporter,
) -> Result<Installed, InstallError> {
    let filename = archive
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let format = Format::from_name(&filename)
        .ok_or_else(|| InstallError::UnknownFormat(filename.clone()))?;
    let listed = index.and_then(|i| i.file_named(&filename)).cloned();
    let want = expected_sha256
        .map(str::to_owned)
        .or_else(|| listed.as_ref().map(|f| f.sha256.clone()))
        .filter(|s| !s.is_empty());
    let (sha256, _) = download::hash_file(archive).map_err(|source| InstallError::Read {
        path: archive.to_owned(),
        source,
    })?;
    let verified = check_expected(
        &filename,
        &archive.display().to_string(),
        want.as_deref(),
        &sha256,
        options,
        reporter,
    )?;
    let store = settings.store();
    store.ensure_layout()?;
    // Staging directories of earlier `--from-archive` runs that were killed (their process is
    // gone) go now: their name is known only once extracted, so no later install of a name
    // would find them.
    store.clean_tmp();
    let staging = staging_dir(&store, "archive")?;
    reporter.event(Event::Extracting { archive });
    let manifest = extract::extract_counted(archive, format, staging.path(), &|files| {
        reporter.event(Event::ExtractProgress { files })
    })?;
    let version = check_tree(staging.path(), None)?;
    let platform = listed
        .map(|f| Platform::new(f.os, f.arch))
        .or_else(|| platform_from_filename(&filename))
        .unwrap_or_else(|| settings.target.clone());
    let name = toolchain_name(&version, &platform, &settings.native);
    let _lock = store.lock(&name, reporter)?;
    store.recover_previous(&name);
    if let Some(done) = already(&store, &name, options)? {
        return Ok(done);
    }
    let source = fs::canonicalize(archive)
        .unwrap_or_else(|_| archive.to_owned())
        .display()
        .to_string();
    let marker = new_marker(
        &name,
        &version,
        &platform,
        source,
        Some(sha256),
        verified,
        manifest.entries.len(),
    );
    Ok(Installed {
        toolchain: commit(&store, &name, staging, &manifest, &marker, reporter)?,
        already_installed: false,
    })
}

/// Downloads the source tarball of the release answering `request`, builds it with
/// `src/make.bash` (`make.bat` on Windows) and installs the result.
pub fn install_from_source(
    settings: &Settings,
    index: &Index,
    request: &Request,
    build: &SourceBuild,
    options: &InstallOptions,
    reporter: &dyn Reporter,
) -> Result<Installed, InstallError> {
    let selected = index.find_source(request)?;
    let name = match &build.name {
        Some(name) => name.clone(),
        None => selected.version.toolchain_name(),
    };
    store::validate_name(&name)?;
    let log = settings.store().tmp_dir().join(format!("{name}.build.log"));
    let step = Step {
        name: &name,
        file: &selected.file,
        platform: &settings.native,
        source_prefix: "source:",
    };
    transaction(settings, &step, options, reporter, |archive, staging| {
        extract::extract(archive, Format::TarGz, staging)?;
        run_make(staging, build, &log, reporter)?;
        let version = check_tree(staging, Some(&selected.version))?;
        let manifest = Manifest::of_tree(staging).map_err(|source| InstallError::Io {
            path: staging.to_owned(),
            source,
        })?;
        Ok((version, manifest))
    })
}

/// What a [`transaction`] installs.
struct Step<'a> {
    /// The toolchain name.
    name: &'a str,
    /// The index file to fetch.
    file: &'a ReleaseFile,
    /// The platform recorded in the marker.
    platform: &'a Platform,
    /// Put before the URL in the marker's `source`.
    source_prefix: &'a str,
}

/// The transaction shared by index installs and source builds: lock the name, return early if
/// it is installed, fetch and verify the file, let `stage` turn it into a tree (and its
/// manifest) in a fresh staging directory, commit. The download is deleted either way.
fn transaction(
    settings: &Settings,
    step: &Step<'_>,
    options: &InstallOptions,
    reporter: &dyn Reporter,
    stage: impl FnOnce(&Path, &Path) -> Result<(Version, Manifest), InstallError>,
) -> Result<Installed, InstallError> {
    let store = settings.store();
    store.ensure_layout()?;
    let _lock = store.lock(step.name, reporter)?;
    store.recover_previous(step.name);
    // Before the "already installed" answer too: a run killed while another installed the same
    // version (it held the lock) left its staging directory, and only a later run can see that
    // its process is gone.
    store.clean_tmp();
    if let Some(done) = already(&store, step.name, options)? {
        return Ok(done);
    }
    let fetched = fetch(settings, &store, step.file, options, reporter)?;
    let result = (|| {
        let staging = staging_dir(&store, step.name)?;
        reporter.event(Event::Extracting {
            archive: &fetched.path,
        });
        let (version, manifest) = stage(&fetched.path, staging.path())?;
        let marker = new_marker(
            step.name,
            &version,
            step.platform,
            format!("{}{}", step.source_prefix, fetched.url),
            Some(fetched.sha256.clone()),
            fetched.verified,
            manifest.entries.len(),
        );
        commit(&store, step.name, staging, &manifest, &marker, reporter)
    })();
    fetched.cleanup();
    Ok(Installed {
        toolchain: result?,
        already_installed: false,
    })
}

/// The oldest Go that can bootstrap `target` (Go 1.N needs 1.(N-2, rounded down to even) from
/// 1.22 on, 1.17.13 for 1.20 and 1.21, 1.4 before).
pub fn bootstrap_minimum(target: &Version) -> Version {
    let n = target.minor();
    let text = match n {
        0..=19 => "1.4".to_owned(),
        20 | 21 => "1.17.13".to_owned(),
        _ => {
            let m = n - 2;
            format!("1.{}.0", m - m % 2)
        }
    };
    Version::parse(&text).unwrap_or_else(|| target.clone())
}

fn already(
    store: &Store,
    name: &str,
    options: &InstallOptions,
) -> Result<Option<Installed>, InstallError> {
    if options.reinstall {
        return Ok(None);
    }
    Ok(store.get(name)?.map(|toolchain| Installed {
        toolchain,
        already_installed: true,
    }))
}

/// An archive on disk, verified (or knowingly not).
struct Fetched {
    path: PathBuf,
    url: String,
    sha256: String,
    verified: bool,
    /// Delete `path` when done (a download, not a user's file).
    owned: bool,
}

impl Fetched {
    fn cleanup(&self) {
        if self.owned {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn fetch(
    settings: &Settings,
    store: &Store,
    file: &ReleaseFile,
    options: &InstallOptions,
    reporter: &dyn Reporter,
) -> Result<Fetched, InstallError> {
    let url = format!("{}{}", settings.download_base(), file.filename);
    let want = Some(file.sha256.clone()).filter(|s| !s.is_empty());
    if want.is_none() && !options.insecure_skip_verify {
        return Err(InstallError::MissingChecksum(file.filename.clone()));
    }
    let local = download::file_url_path(&url);
    if settings.offline && local.is_none() {
        return Err(InstallError::Offline { url });
    }
    if let Some(path) = local {
        let (sha256, _) = download::hash_file(&path).map_err(|source| InstallError::Read {
            path: path.clone(),
            source,
        })?;
        let verified = check_expected(
            &file.filename,
            &url,
            want.as_deref(),
            &sha256,
            options,
            reporter,
        )?;
        return Ok(Fetched {
            path,
            url,
            sha256,
            verified,
            owned: false,
        });
    }
    if !valid_file_name(&file.filename) {
        return Err(InstallError::UnknownFormat(file.filename.clone()));
    }
    let partial = store.tmp_dir().join(format!("{}.partial", file.filename));
    let client = Client::new(settings);
    let expected = Expected {
        sha256: want.clone(),
        size: Some(file.size).filter(|s| *s > 0),
    };
    let done = client.download(&url, &partial, &expected, reporter)?;
    let verified = check_expected(
        &file.filename,
        &url,
        want.as_deref(),
        &done.sha256,
        options,
        reporter,
    )?;
    Ok(Fetched {
        path: done.path,
        url,
        sha256: done.sha256,
        verified,
        owned: true,
    })
}

/// Compares a computed hash with the expected one; `Ok(true)` when verified, `Ok(false)` when
/// skipped on purpose.
fn check_expected(
    filename: &str,
    source: &str,
    want: Option<&str>,
    actual: &str,
    options: &InstallOptions,
    reporter: &dyn Reporter,
) -> Result<bool, InstallError> {
    match want {
        Some(want) if want.eq_ignore_ascii_case(actual) => {
            reporter.event(Event::Verified {
                file: filename,
                sha256: actual,
            });
            Ok(true)
        }
        Some(want) => Err(InstallError::ChecksumMismatch {
            archive: source.to_owned(),
            expected: want.to_ascii_lowercase(),
            actual: actual.to_owned(),
        }),
        None if options.insecure_skip_verify => {
            reporter.event(Event::VerificationSkipped { file: filename });
            Ok(false)
        }
        None => Err(InstallError::MissingChecksum(filename.to_owned())),
    }
}

/// A download's file name from the index must be a plain file name.
fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

fn staging_dir(store: &Store, name: &str) -> Result<Staging, InstallError> {
    let io = |source| InstallError::Io {
        path: store.tmp_dir(),
        source,
    };
    // The pid in the name lets a later run tell a dead run's staging directory from a live one
    // (`Store::clean_tmp`), and the mark says groot made it.
    let dir = tempfile::Builder::new()
        .prefix(&format!(
            "{name}{}{}-",
            store::STAGING_INFIX,
            std::process::id()
        ))
        .tempdir_in(store.tmp_dir())
        .map_err(io)?;
    store::mark_tmp(dir.path()).map_err(io)?;
    let staging = Staging(Some(dir.keep()));
    // It becomes the toolchain's root: 0755 whatever the umask (see `create_dirs`).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(staging.path(), fs::Permissions::from_mode(0o755)).map_err(io)?;
    }
    Ok(staging)
}

/// A marked staging directory in `tmp/`, deleted marks last ([`store::remove_marked`]) when
/// dropped unless [`Staging::keep`] took it.
struct Staging(Option<PathBuf>);

impl Staging {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }

    /// Hands the directory over: it is no longer deleted on drop.
    fn keep(mut self) -> PathBuf {
        self.0.take().unwrap_or_default()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            let _ = store::remove_marked(&dir);
        }
    }
}

/// The extracted tree must be a Go tree: `bin/go` (or `bin/go.exe`) and a `VERSION` whose
/// first line names `want` when given. Returns the version found.
fn check_tree(root: &Path, want: Option<&Version>) -> Result<Version, InstallError> {
    let bin = root.join("bin");
    if !bin.join("go").is_file() && !bin.join("go.exe").is_file() {
        return Err(InstallError::NotAGoTree("it has no go/bin/go"));
    }
    let found = store::read_version_file(root).ok_or(InstallError::NotAGoTree(
        "it has no go/VERSION naming a Go version",
    ))?;
    if let Some(want) = want {
        if &found != want {
            return Err(InstallError::VersionMismatch {
                expected: want.toolchain_name(),
                found: found.toolchain_name(),
            });
        }
    }
    Ok(found)
}

fn new_marker(
    name: &str,
    version: &Version,
    platform: &Platform,
    source: String,
    archive_sha256: Option<String>,
    verified: bool,
    files: usize,
) -> Marker {
    Marker {
        name: name.to_owned(),
        version: version.toolchain_name(),
        os: platform.os.clone(),
        arch: platform.arch.clone(),
        source,
        archive_sha256,
        verified,
        installed_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        files,
    }
}

/// Writes manifest and marker (last) into the staging directory and puts it in place.
///
/// A reinstall never leaves the name without a complete toolchain: the new tree and the old one
/// are swapped in one step where the OS can (Linux `renameat2(RENAME_EXCHANGE)`, macOS
/// `renamex_np(RENAME_SWAP)`), and the old one, now in staging, is deleted afterwards. Elsewhere
/// the old tree is renamed aside to `tmp/<name>.previous-*` first, the new one renamed in, then
/// the old one deleted; a process killed between the two renames leaves the old tree there,
/// complete, and the next install of the name puts it back ([`Store::recover_previous`]). A
/// directory without a completion marker (or a symlink) at the name is not ours to delete: it
/// is moved aside to `toolchains/<name>.aside-<time>` and the reporter is told.
fn commit(
    store: &Store,
    name: &str,
    staging: Staging,
    manifest: &Manifest,
    marker: &Marker,
    reporter: &dyn Reporter,
) -> Result<Toolchain, InstallError> {
    let root = staging.path();
    let io = |path: PathBuf| move |source| InstallError::Io { path, source };
    super::write_atomic(&root.join(MANIFEST), manifest.to_text().as_bytes())
        .map_err(io(root.join(MANIFEST)))?;
    let marker_json = serde_json::to_vec_pretty(marker).unwrap_or_default();
    super::write_atomic(&root.join(MARKER), &marker_json).map_err(io(root.join(MARKER)))?;
    // From here the completion marker is groot's mark on the staging directory.
    let _ = fs::remove_file(root.join(store::TMP_MARK));
    let target = store.toolchain_dir(name);
    let staged = staging.keep();
    let fail = |source, path: PathBuf| {
        let _ = store::remove_marked(&staged);
        InstallError::Io { path, source }
    };
    match fs::symlink_metadata(&target) {
        Ok(meta) if meta.is_dir() && crate::home::is_complete(&crate::fs::Fs::real(), &target) => {
            // A reinstall.
            if crate::fs::exchange(&staged, &target).is_ok() {
                sync_dir(&store.toolchains_dir());
                let _ = store.discard(&staged);
            } else {
                let aside = store
                    .previous_dir(name)
                    .map_err(|e| fail(e, store.tmp_dir()))?;
                fs::rename(&target, &aside).map_err(|e| fail(e, target.clone()))?;
                if let Err(source) = fs::rename(&staged, &target) {
                    let _ = fs::rename(&aside, &target);
                    return Err(fail(source, target));
                }
                sync_dir(&store.toolchains_dir());
                let _ = store.discard(&aside);
            }
        }
        Ok(_) => {
            let aside = store.set_aside(name).map_err(|e| fail(e, target.clone()))?;
            reporter.event(Event::MovedAside {
                from: &target,
                to: &aside,
            });
            fs::rename(&staged, &target).map_err(|e| fail(e, target.clone()))?;
            sync_dir(&store.toolchains_dir());
        }
        Err(_) => {
            fs::rename(&staged, &target).map_err(|e| fail(e, target.clone()))?;
            sync_dir(&store.toolchains_dir());
        }
    }
    store
        .get(name)?
        .ok_or_else(|| InstallError::Store(StoreError::NotInstalled(name.to_owned())))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

/// `go1.22.10.linux-amd64.tar.gz` → linux/amd64.
fn platform_from_filename(filename: &str) -> Option<Platform> {
    let stem = filename
        .strip_suffix(".tar.gz")
        .or_else(|| filename.strip_suffix(".zip"))?;
    let (_, platform) = stem.rsplit_once('.')?;
    let (os, arch) = platform.split_once('-')?;
    Some(Platform::new(os, arch))
}

fn run_make(
    root: &Path,
    build: &SourceBuild,
    log: &Path,
    reporter: &dyn Reporter,
) -> Result<(), InstallError> {
    let src = root.join("src");
    let script = if cfg!(windows) {
        src.join("make.bat")
    } else {
        src.join("make.bash")
    };
    if !script.is_file() {
        return Err(InstallError::NotAGoTree(
            "the source tree has no src/make.bash",
        ));
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| InstallError::Io { path, source }
    };
    let out = fs::File::create(log).map_err(io(log))?;
    let err = out.try_clone().map_err(io(log))?;
    reporter.event(Event::Building { root, log });
    let mut cmd = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.arg("/C").arg(&script);
        c
    } else {
        let mut c = Command::new("bash");
        c.arg(&script);
        c
    };
    cmd.current_dir(&src)
        .env_clear()
        .envs(build.env.iter().map(|(k, v)| (k, v)))
        .env_remove("GOROOT")
        .env("GOROOT_BOOTSTRAP", &build.bootstrap)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    let status = cmd.status().map_err(io(&script))?;
    if !status.success() {
        return Err(InstallError::BuildFailed {
            log: log.to_owned(),
            status: status.to_string(),
        });
    }
    Ok(())
}

/// Errors of an install.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// Choosing the release failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// Fetching failed (nothing was installed).
    #[error(transparent)]
    Download(#[from] DownloadError),
    /// Extraction refused or failed (nothing was installed).
    #[error(transparent)]
    Extract(#[from] ExtractError),
    /// The store could not be read or changed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The lock could not be taken.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Offline, and the archive is not on a `file://` mirror.
    #[error("offline: cannot download {url}")]
    Offline {
        /// Where the archive would come from.
        url: String,
    },
    /// The index has no hash for the file and verification was not skipped.
    #[error("no sha256 is known for {0}; refusing to install it unverified")]
    MissingChecksum(String),
    /// A local archive's hash differs from the expected one.
    #[error("checksum mismatch for {archive}: expected sha256 {expected}, got {actual}")]
    ChecksumMismatch {
        /// The archive (path or URL).
        archive: String,
        /// Expected hash.
        expected: String,
        /// Actual hash.
        actual: String,
    },
    /// Not `.tar.gz` or `.zip`.
    #[error("{0} is not a .tar.gz or .zip archive")]
    UnknownFormat(String),
    /// The archive is not a Go distribution.
    #[error("the archive is not a Go distribution: {0}")]
    NotAGoTree(&'static str),
    /// The archive holds another version than the index says.
    #[error("the archive holds {found}, not {expected}")]
    VersionMismatch {
        /// From the index.
        expected: String,
        /// From the archive's VERSION.
        found: String,
    },
    /// `make.bash` failed.
    #[error("building from source failed ({status}); see {}", log.display())]
    BuildFailed {
        /// The build log.
        log: PathBuf,
        /// The exit status.
        status: String,
    },
    /// Reading a file failed (a local archive, a `file://` mirror's archive).
    #[error("cannot read {}", path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Writing into the store failed.
    #[error("cannot write {}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl InstallError {
    /// A suggestion to show under the error, if there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            InstallError::MissingChecksum(_) => Some(
                "old releases have no published sha256; pass --insecure-skip-verify to install \
                 it anyway"
                    .into(),
            ),
            InstallError::Download(DownloadError::ChecksumMismatch { .. })
            | InstallError::ChecksumMismatch { .. } => Some(
                "the file is not the one the index describes; if you use a mirror, it may be \
                 damaged or tampered with"
                    .into(),
            ),
            InstallError::Index(IndexError::NoRelease(_)) => {
                Some("`groot list --available` shows what can be installed".into())
            }
            InstallError::Download(
                DownloadError::Http { url, .. }
                | DownloadError::Connection { url, .. }
                | DownloadError::Connect { url, .. }
                | DownloadError::Resolve { url, .. }
                | DownloadError::Stalled { url, .. },
            ) => Some(format!(
                "{} could not be reached; check the network, or fetch from a mirror you can reach \
                 (--mirror URL) or use what is on disk (--offline, --from-archive FILE)",
                url_host(url)
            )),
            InstallError::Store(StoreError::Home(e)) => Some(e.hint().into()),
            InstallError::Offline { .. } => Some(
                "point --mirror at a file:// directory holding the archive, or use --from-archive FILE"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// The host of a URL (`dl.google.com`), or the URL itself when it has none.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() {
        url
    } else {
        host
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("https://dl.google.com/go/x.tar.gz"),
            "dl.google.com"
        );
        assert_eq!(url_host("http://u:p@127.0.0.1:8080/a"), "127.0.0.1:8080");
        assert_eq!(url_host("file:///tmp/x"), "file:///tmp/x");
    }

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn names_carry_a_foreign_platform() {
        let native = Platform::new("darwin", "arm64");
        assert_eq!(toolchain_name(&v("1.22.10"), &native, &native), "go1.22.10");
        assert_eq!(
            toolchain_name(&v("1.22.10"), &Platform::new("darwin", "amd64"), &native),
            "go1.22.10-amd64"
        );
        assert_eq!(
            toolchain_name(&v("1.22.10"), &Platform::new("windows", "amd64"), &native),
            "go1.22.10-windows-amd64"
        );
    }

    #[test]
    fn bootstrap_rule() {
        let b = |s: &str| bootstrap_minimum(&v(s)).to_string();
        assert_eq!(b("1.22.10"), "1.20.0");
        assert_eq!(b("1.23.1"), "1.20.0");
        assert_eq!(b("1.24.11"), "1.22.0");
        assert_eq!(b("1.27.3"), "1.24.0");
        assert_eq!(b("1.21.13"), "1.17.13");
        assert_eq!(b("1.12"), "1.4");
    }

    #[test]
    fn platforms_from_file_names() {
        assert_eq!(
            platform_from_filename("go1.22.10.linux-amd64.tar.gz"),
            Some(Platform::new("linux", "amd64"))
        );
        assert_eq!(
            platform_from_filename("go1.23rc1.windows-arm64.zip"),
            Some(Platform::new("windows", "arm64"))
        );
        assert_eq!(platform_from_filename("mygo.tar.gz"), None);
    }
}
