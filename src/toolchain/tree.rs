//! A Go tree on disk (a GOROOT candidate) and what it holds.
//!
//! cmd/go accepts a directory as GOROOT when `<dir>/pkg/tool` is a directory, nothing more
//! ([`is_goroot`]). A usable tree also needs `bin/go`, `pkg/tool/<goos>_<goarch>/`, `src/`,
//! and from Go 1.21 a `go.env` that sets GOPROXY, GOSUMDB and GOTOOLCHAIN; `VERSION` names the
//! release (from 1.21 its second line is `time <RFC 3339>`). [`inspect_tree`] reports each
//! part and what is missing, without running anything.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::envfile::{EnvFile, Precedence};
use crate::fs::Fs;
use crate::host::Os;
use crate::version::RuntimeVersion;

/// cmd/go's `isGOROOT`: `<dir>/pkg/tool` exists and is a directory (symlinks followed).
pub fn is_goroot(fs: &Fs, dir: &Path) -> bool {
    fs.is_dir(&dir.join("pkg").join("tool"))
}

/// The `VERSION` file of a tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionFile {
    /// The first line, e.g. `go1.22.10`.
    pub version: String,
    /// The `time` metadata line (1.21+), if present.
    pub time: Option<String>,
    /// Other metadata lines Go would reject (cmd/dist accepts only `time`).
    pub unknown: Vec<String>,
}

impl VersionFile {
    pub fn parse(text: &str) -> Option<VersionFile> {
        let mut lines = text.lines();
        let version = lines.next()?.trim().to_owned();
        if version.is_empty() {
            return None;
        }
        let mut time = None;
        let mut unknown = Vec::new();
        for l in lines {
            let l = l.trim();
            if l.is_empty() {
                continue;
            }
            match l.strip_prefix("time ") {
                Some(t) if time.is_none() => time = Some(t.trim().to_owned()),
                _ => unknown.push(l.to_owned()),
            }
        }
        Some(VersionFile {
            version,
            time,
            unknown,
        })
    }

    pub fn runtime_version(&self) -> RuntimeVersion {
        RuntimeVersion::parse(&self.version)
    }
}

/// What is inside a candidate GOROOT.
#[derive(Clone, Debug, Serialize)]
pub struct Tree {
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub root: PathBuf,
    /// `pkg/tool` is a directory: cmd/go would accept this as GOROOT.
    pub is_goroot: bool,
    /// The `GOOS_GOARCH` directories under `pkg/tool`: all of them from [`inspect_tree`]; from
    /// [`inspect_tree_with`], which looks only for the one its binary needs, that one when it
    /// is there.
    pub tool_dirs: Vec<String>,
    /// `bin/go` (or `bin/go.exe`) when it is a file.
    #[serde(serialize_with = "crate::fs::lossy::opt_path")]
    pub go_binary: Option<PathBuf>,
    pub has_src: bool,
    pub version_file: Option<VersionFile>,
    /// Why VERSION could not be used, when present but unreadable or empty.
    pub version_error: Option<String>,
    /// `go.env`, when present and readable.
    pub go_env: Option<EnvFile>,
    /// Parts a complete tree should have and this one lacks (`pkg/tool`, `bin/go`, …).
    pub missing: Vec<String>,
}

impl Tree {
    /// The value a go.env line gives `key` (first line wins, as cmd/go reads go.env).
    pub fn go_env_value(&self, key: &str) -> Option<&str> {
        self.go_env
            .as_ref()?
            .get(key, Precedence::FirstWins)
            .map(|e| e.value.as_str())
    }

    /// True when nothing a working tree needs is missing.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// Inspects a tree. `target` is the `GOOS_GOARCH` its go binary runs as, when known, so the
/// matching `pkg/tool` subdirectory can be required; `needs_go_env` is true for Go 1.21+.
/// Lists every `pkg/tool` subdirectory (explain shows them).
pub fn inspect_tree(
    fs: &Fs,
    root: &Path,
    os: Os,
    target: Option<&str>,
    needs_go_env: bool,
) -> Tree {
    let go = root.join("bin").join(format!("go{}", os.exe_suffix()));
    let go_binary = fs.is_file(&go).then_some(go);
    inspect(fs, root, os, target, needs_go_env, go_binary, Tools::List)
}

/// [`inspect_tree`] for a caller that already knows whether `bin/go` is a regular file
/// (having opened it): `go_binary` is its path when it is. Looks for the one `pkg/tool`
/// subdirectory `target` needs instead of listing them: a `stat` where a listing costs five
/// system calls, for each of the hundreds of trees `groot list` may read.
pub fn inspect_tree_with(
    fs: &Fs,
    root: &Path,
    os: Os,
    target: Option<&str>,
    needs_go_env: bool,
    go_binary: Option<PathBuf>,
) -> Tree {
    inspect(fs, root, os, target, needs_go_env, go_binary, Tools::Target)
}

/// How much of `pkg/tool` to read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tools {
    /// Every `GOOS_GOARCH` subdirectory.
    List,
    /// Only whether the target's is there.
    Target,
}

fn inspect(
    fs: &Fs,
    root: &Path,
    os: Os,
    target: Option<&str>,
    needs_go_env: bool,
    go_binary: Option<PathBuf>,
    tools: Tools,
) -> Tree {
    let tool = root.join("pkg").join("tool");
    let (is_goroot, tool_dirs) = match (tools, target) {
        // A path through pkg/tool that reaches a directory says pkg/tool is one too.
        (Tools::Target, Some(t)) if fs.is_dir(&tool.join(t)) => (true, vec![t.to_owned()]),
        (Tools::Target, _) => (fs.is_dir(&tool), Vec::new()),
        (Tools::List, _) => {
            // A listing that reads is a directory's; only a failed one needs a `stat` to tell.
            let listing = fs.read_dir_typed(&tool);
            let is_goroot = listing.is_ok() || fs.is_dir(&tool);
            let mut dirs: Vec<String> = listing
                .map(|es| {
                    es.into_iter()
                        .filter(|e| e.is_dir(fs))
                        .filter_map(|e| e.name.into_string().ok())
                        .filter(|n| n.contains('_'))
                        .collect()
                })
                .unwrap_or_default();
            dirs.sort();
            (is_goroot, dirs)
        }
    };
    let has_src = fs.is_dir(&root.join("src"));
    let (version_file, version_error) =
        match fs.read_capped(&root.join("VERSION"), crate::fs::cap::VERSION_FILE) {
            Ok(data) => match VersionFile::parse(&String::from_utf8_lossy(&data)) {
                Some(v) => (Some(v), None),
                None => (None, Some("VERSION is empty".to_owned())),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, None),
            Err(e) => (None, Some(format!("cannot read VERSION: {e}"))),
        };
    let go_env = fs
        .read_capped(&root.join("go.env"), crate::fs::cap::ENV_FILE)
        .ok()
        .map(|d| EnvFile::parse(&d));
    let mut missing = Vec::new();
    if !is_goroot {
        missing.push("pkg/tool".to_owned());
    } else if let Some(t) = target {
        if !tool_dirs.iter().any(|d| d == t) {
            missing.push(format!("pkg/tool/{t}"));
        }
    }
    if go_binary.is_none() {
        missing.push(format!("bin/go{}", os.exe_suffix()));
    }
    if !has_src {
        missing.push("src".to_owned());
    }
    if version_file.is_none() {
        missing.push("VERSION".to_owned());
    }
    if needs_go_env && go_env.is_none() {
        missing.push("go.env".to_owned());
    }
    Tree {
        root: root.to_path_buf(),
        is_goroot,
        tool_dirs,
        go_binary,
        has_src,
        version_file,
        version_error,
        go_env,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_file_forms() {
        let v = VersionFile::parse("go1.22.10\ntime 2024-11-27T20:27:20Z\n").expect("parses");
        assert_eq!(v.version, "go1.22.10");
        assert_eq!(v.time.as_deref(), Some("2024-11-27T20:27:20Z"));
        assert!(v.unknown.is_empty());
        let old = VersionFile::parse("go1.19.8").expect("parses");
        assert_eq!(old.time, None);
        assert_eq!(VersionFile::parse("\n"), None);
        let odd = VersionFile::parse("go1.22.0\nfoo bar\n").expect("parses");
        assert_eq!(odd.unknown, ["foo bar"]);
    }

    #[test]
    fn inspects_complete_and_broken_trees() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        let fs = Fs::rooted(r.to_path_buf());
        for d in ["go/pkg/tool/linux_amd64", "go/bin", "go/src"] {
            std::fs::create_dir_all(r.join(d)).expect("mkdir");
        }
        std::fs::write(r.join("go/bin/go"), b"").expect("w");
        std::fs::write(
            r.join("go/VERSION"),
            "go1.22.10\ntime 2024-11-27T20:27:20Z\n",
        )
        .expect("w");
        std::fs::write(r.join("go/go.env"), "GOTOOLCHAIN=auto\n").expect("w");
        let tree = inspect_tree(&fs, Path::new("/go"), Os::Linux, Some("linux_amd64"), true);
        assert!(tree.is_goroot && tree.is_complete(), "{:?}", tree.missing);
        assert_eq!(tree.go_env_value("GOTOOLCHAIN"), Some("auto"));
        let arm = inspect_tree(&fs, Path::new("/go"), Os::Linux, Some("linux_arm64"), true);
        assert_eq!(arm.missing, ["pkg/tool/linux_arm64"]);
        std::fs::remove_file(r.join("go/go.env")).expect("rm");
        std::fs::remove_dir_all(r.join("go/pkg")).expect("rm");
        let broken = inspect_tree(&fs, Path::new("/go"), Os::Linux, None, true);
        assert!(!broken.is_goroot);
        assert_eq!(broken.missing, ["pkg/tool", "go.env"]);
        let nothing = inspect_tree(&fs, Path::new("/nope"), Os::Linux, None, false);
        assert_eq!(nothing.missing, ["pkg/tool", "bin/go", "src", "VERSION"]);
    }

    /// The quick look (the target's directory only) judges every tree as the full listing does.
    #[cfg(unix)]
    #[test]
    fn looking_for_the_target_agrees_with_listing() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        let fs = Fs::rooted(r.to_path_buf());
        let mk = |d: &str| std::fs::create_dir_all(r.join(d)).expect("mkdir");
        mk("full/pkg/tool/linux_amd64");
        mk("full/pkg/tool/js_wasm");
        mk("other/pkg/tool/linux_arm64");
        mk("empty/pkg/tool");
        mk("none/bin");
        mk("linked/pkg/real_amd64");
        mk("linked/pkg/tool");
        std::os::unix::fs::symlink("../real_amd64", r.join("linked/pkg/tool/linux_amd64"))
            .expect("link");
        mk("file/pkg/tool");
        std::fs::write(r.join("file/pkg/tool/linux_amd64"), b"").expect("w");
        mk("toolfile/pkg");
        std::fs::write(r.join("toolfile/pkg/tool"), b"").expect("w");
        for root in [
            "/full",
            "/other",
            "/empty",
            "/none",
            "/linked",
            "/file",
            "/toolfile",
            "/gone",
        ] {
            for target in [Some("linux_amd64"), None] {
                let listed = inspect_tree(&fs, Path::new(root), Os::Linux, target, true);
                let quick = inspect_tree_with(&fs, Path::new(root), Os::Linux, target, true, None);
                assert_eq!(quick.is_goroot, listed.is_goroot, "{root} {target:?}");
                assert_eq!(quick.missing, listed.missing, "{root} {target:?}");
                assert!(
                    quick.tool_dirs.iter().all(|d| listed.tool_dirs.contains(d)),
                    "{root} {target:?}: {:?} vs {:?}",
                    quick.tool_dirs,
                    listed.tool_dirs
                );
            }
        }
        let full = inspect_tree(&fs, Path::new("/full"), Os::Linux, None, true);
        assert_eq!(full.tool_dirs, ["js_wasm", "linux_amd64"]);
        let quick = inspect_tree_with(
            &fs,
            Path::new("/full"),
            Os::Linux,
            Some("linux_amd64"),
            true,
            None,
        );
        assert_eq!(quick.tool_dirs, ["linux_amd64"]);
    }
}
