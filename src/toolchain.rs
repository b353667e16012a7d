//! A Go toolchain on disk: its tree ([`tree`]) and its `go` binary's own facts ([`buildinfo`]),
//! read without running anything.
//!
//! [`GoBinary`] is what the resolver needs to know about a `go` executable: the runtime
//! version that decides which rules apply, the platform it runs as, and the GOROOT the linker
//! stamped into it (empty for trimmed builds such as every official release since Go 1.21).
//! [`Inspect`] is the seam between the two: [`BinaryReader`] reads real files; unit tests
//! inject a table.

pub mod buildinfo;
pub mod tree;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::fs::Fs;
use crate::version::RuntimeVersion;

/// The GOROOT a binary carries from its build (`runtime.defaultGOROOT`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Stamped {
    /// Read from the binary; empty for a trimmed build.
    Known(String),
    /// The binary has no symbol table to read it from.
    Unknown,
}

/// What groot knows about a `go` executable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoBinary {
    pub version: RuntimeVersion,
    pub goos: Option<String>,
    pub goarch: Option<String>,
    /// Every architecture in the file (several for a universal Mach-O).
    pub archs: Vec<String>,
    /// Built with `-trimpath`.
    pub trimpath: bool,
    pub stamped_goroot: Stamped,
    /// The main package path (`cmd/go` for go itself; `golang.org/dl/go1.24.11` for a
    /// golang.org/dl wrapper, which [`crate::launch`] follows).
    #[serde(skip)]
    pub main_path: Option<String>,
}

impl GoBinary {
    /// `GOOS_GOARCH`, the name of its `pkg/tool` subdirectory.
    pub fn target(&self) -> Option<String> {
        Some(format!("{}_{}", self.goos.as_ref()?, self.goarch.as_ref()?))
    }
}

/// Why a file could not be read as a Go binary.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InspectError {
    #[error("{path} cannot be read: {message}")]
    Unreadable {
        #[serde(serialize_with = "crate::fs::lossy::path")]
        path: PathBuf,
        message: String,
    },
    #[error("{path} is a script ({interpreter}), not a go binary")]
    Script {
        #[serde(serialize_with = "crate::fs::lossy::path")]
        path: PathBuf,
        interpreter: String,
    },
    #[error("{path} is not an executable file groot can read: {message}")]
    NotObject {
        #[serde(serialize_with = "crate::fs::lossy::path")]
        path: PathBuf,
        message: String,
    },
    #[error("{path} is not a Go program: {message}")]
    NotGo {
        #[serde(serialize_with = "crate::fs::lossy::path")]
        path: PathBuf,
        message: String,
    },
}

/// What [`Inspect::probe`] found at a path.
// Made once per file looked at and taken apart at once: boxing the answer would only add an
// allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Probed {
    /// A script (it starts with `#!`): its first bytes, lossy UTF-8.
    Script(String),
    /// Anything else: what [`Inspect::inspect`] says of it.
    Inspected(Result<GoBinary, InspectError>),
}

/// The first `cap` bytes (at most) of the file at `path` when it is a script (starts with
/// `#!`), lossy UTF-8. `None` for a binary, a special file or an unreadable one.
pub fn script_head(fs: &Fs, path: &Path, cap: u64) -> Option<String> {
    use std::io::Read as _;
    let real = fs.real_following(path).ok()?;
    let (mut file, _) = crate::fs::open_regular(&real).ok()?;
    // Two bytes first: a go binary costs one small read.
    let mut data = vec![0u8; 2];
    file.read_exact(&mut data).ok()?;
    if data != b"#!" {
        return None;
    }
    file.take(cap.saturating_sub(2))
        .read_to_end(&mut data)
        .ok()?;
    Some(String::from_utf8_lossy(&data).into_owned())
}

/// Reads facts about a go binary.
pub trait Inspect: std::fmt::Debug + Sync {
    fn inspect(&self, fs: &Fs, path: &Path) -> Result<GoBinary, InspectError>;

    /// One look at a file that may be a launcher script: the first `cap` bytes of a script,
    /// else [`Inspect::inspect`]'s answer. The real reader opens the file once for both.
    fn probe(&self, fs: &Fs, path: &Path, cap: u64) -> Probed {
        match script_head(fs, path, cap) {
            Some(head) => Probed::Script(head),
            None => Probed::Inspected(self.inspect(fs, path)),
        }
    }

    /// [`Inspect::inspect`] of a path that may not be a regular file (symlinks followed):
    /// `None` when it is not one (missing, a directory), with no problem to report.
    fn inspect_file(&self, fs: &Fs, path: &Path) -> Option<Result<GoBinary, InspectError>> {
        fs.is_file(path).then(|| self.inspect(fs, path))
    }
}

/// Reads real files: ELF, Mach-O (incl. universal) and PE.
#[derive(Debug, Default, Clone, Copy)]
pub struct BinaryReader;

impl Inspect for BinaryReader {
    fn inspect(&self, fs: &Fs, path: &Path) -> Result<GoBinary, InspectError> {
        let real = fs
            .real_following(path)
            .map_err(|e| InspectError::Unreadable {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        match buildinfo::read_file_or_script(&real) {
            Ok(buildinfo::Contents::Go(info)) => Ok(go_binary(&info)),
            Ok(buildinfo::Contents::Script { interpreter }) => Err(InspectError::Script {
                path: path.to_path_buf(),
                interpreter,
            }),
            Err(e) => Err(classify(path, e)),
        }
    }

    fn inspect_file(&self, fs: &Fs, path: &Path) -> Option<Result<GoBinary, InspectError>> {
        self.inspect_opened(fs, path)
    }

    /// One open for both: the head the build info is read from tells a script, whose first
    /// `cap` bytes are then read from the same file.
    fn probe(&self, fs: &Fs, path: &Path, cap: u64) -> Probed {
        let Ok(real) = fs.real_following(path) else {
            return Probed::Inspected(self.inspect(fs, path));
        };
        match buildinfo::read_file_or_script_head(&real, cap) {
            Ok((buildinfo::Contents::Go(info), _)) => Probed::Inspected(Ok(go_binary(&info))),
            Ok((_, Some(head))) => Probed::Script(String::from_utf8_lossy(&head).into_owned()),
            Ok((buildinfo::Contents::Script { interpreter }, None)) => {
                Probed::Inspected(Err(InspectError::Script {
                    path: path.to_path_buf(),
                    interpreter,
                }))
            }
            Err(e) => Probed::Inspected(Err(classify(path, e))),
        }
    }
}

/// What the resolver needs of a binary's build info.
fn go_binary(info: &buildinfo::BuildInfo) -> GoBinary {
    GoBinary {
        version: RuntimeVersion::parse(&info.go_version),
        goos: info.goos.clone(),
        goarch: info.goarch.clone(),
        archs: info.archs.clone(),
        trimpath: info.trimpath(),
        stamped_goroot: match &info.stamped_goroot {
            buildinfo::StampedGoroot::Known(s) => Stamped::Known(s.clone()),
            // cmd/go always links runtime.GOROOT, so a missing symbol means groot could
            // not find it under the name it knows: treat it as unreadable.
            buildinfo::StampedGoroot::NotLinked | buildinfo::StampedGoroot::Unknown => {
                Stamped::Unknown
            }
        },
        main_path: info.main_path.clone(),
    }
}

impl BinaryReader {
    /// [`Inspect::inspect_file`] without a `stat` ahead of the open: the open's own `fstat`
    /// tells a regular file, and only when it fails does a `stat` tell a missing file (or a
    /// directory) from an unreadable one.
    fn inspect_opened(&self, fs: &Fs, path: &Path) -> Option<Result<GoBinary, InspectError>> {
        match self.inspect(fs, path) {
            Err(e @ (InspectError::Unreadable { .. } | InspectError::NotObject { .. })) => {
                fs.is_file(path).then_some(Err(e))
            }
            r => Some(r),
        }
    }
}

fn classify(path: &Path, e: buildinfo::BuildInfoError) -> InspectError {
    use buildinfo::BuildInfoError as E;
    let message = e.to_string();
    let path = path.to_path_buf();
    match e {
        E::Io { .. } => InspectError::Unreadable { path, message },
        E::NotGoBinary { .. } => InspectError::NotGo { path, message },
        _ => InspectError::NotObject { path, message },
    }
}

/// A table of binaries by logical path, for tests of code above this layer.
#[derive(Debug, Default, Clone)]
pub struct FakeInspector {
    pub binaries: BTreeMap<PathBuf, GoBinary>,
}

impl FakeInspector {
    pub fn with(mut self, path: impl Into<PathBuf>, bin: GoBinary) -> FakeInspector {
        self.binaries.insert(path.into(), bin);
        self
    }
}

impl Inspect for FakeInspector {
    fn inspect(&self, fs: &Fs, path: &Path) -> Result<GoBinary, InspectError> {
        let resolved = fs
            .canonicalize(path)
            .map(|r| r.path)
            .unwrap_or_else(|_| path.to_path_buf());
        // A hard link or copy is found by file identity, like the real reader would.
        self.binaries
            .iter()
            .find(|(p, _)| **p == resolved || fs.same_file(p, path))
            .map(|(_, b)| b.clone())
            .ok_or_else(|| InspectError::NotGo {
                path: path.to_path_buf(),
                message: "not in the fake table".to_owned(),
            })
    }
}

/// A fake official binary of a version for linux/amd64, trimmed (no stamped GOROOT).
pub fn fake_official(version: &str) -> GoBinary {
    GoBinary {
        version: RuntimeVersion::parse(version),
        goos: Some("linux".into()),
        goarch: Some("amd64".into()),
        archs: vec!["amd64".into()],
        trimpath: true,
        stamped_goroot: Stamped::Known(String::new()),
        main_path: Some("cmd/go".into()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A root holding a directory, a shell script and an empty file.
    fn odd_files() -> (tempfile::TempDir, Fs) {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        std::fs::create_dir_all(r.join("dir")).expect("mkdir");
        std::fs::write(r.join("script"), b"#!/bin/sh\nexec go\n").expect("write");
        std::fs::write(r.join("empty"), b"").expect("write");
        let fs = Fs::rooted(r.to_path_buf());
        (t, fs)
    }

    /// Only a regular file is inspected; what is in it, readable or not, is the answer.
    #[test]
    fn inspect_file_skips_what_is_not_a_file() {
        let (t, fs) = odd_files();
        let r = t.path();
        std::os::unix::fs::symlink("nowhere", r.join("dangling")).expect("link");
        let reader = BinaryReader;
        for (path, want) in [
            ("/missing", None),
            ("/dir", None),
            ("/dangling", None),
            ("/script", Some("script")),
            ("/empty", Some("not_object")),
        ] {
            let got = reader.inspect_file(&fs, Path::new(path)).map(|r| match r {
                Err(InspectError::Script { .. }) => "script",
                Err(InspectError::NotObject { .. }) => "not_object",
                other => panic!("{path}: {other:?}"),
            });
            assert_eq!(got, want, "{path}");
            // The provided method (a stat first) says the same.
            let fake = FakeInspector::default().inspect_file(&fs, Path::new(path));
            assert_eq!(fake.is_some(), want.is_some(), "{path}");
        }
    }

    /// The real reader's one-open probe gives what the provided method (a script's head,
    /// else `inspect`) gives.
    #[test]
    fn probe_reads_a_script_head_or_inspects() {
        let (t, fs) = odd_files();
        let r = t.path();
        std::fs::write(r.join("hash"), b"#").expect("write");
        let reader = BinaryReader;
        for path in ["/script", "/empty", "/hash", "/dir", "/missing"] {
            let path = Path::new(path);
            for cap in [4, 64 << 10] {
                let one = reader.probe(&fs, path, cap);
                let two = match script_head(&fs, path, cap) {
                    Some(head) => Probed::Script(head),
                    None => Probed::Inspected(reader.inspect(&fs, path)),
                };
                match (&one, &two) {
                    (Probed::Script(a), Probed::Script(b)) => assert_eq!(a, b),
                    (Probed::Inspected(a), Probed::Inspected(b)) => assert_eq!(a, b),
                    _ => panic!("{path:?}: {one:?} vs {two:?}"),
                }
            }
        }
        assert!(matches!(
            reader.probe(&fs, Path::new("/script"), 4),
            Probed::Script(h) if h == "#!/b"
        ));
    }
}
