//! Toolchains cmd/go downloaded into the module cache when `GOTOOLCHAIN` asked for a newer Go.
//!
//! They live in `$GOMODCACHE/golang.org/toolchain@v0.0.1-go1.X.Y.GOOS-GOARCH`; the module
//! cache is `$GOMODCACHE`, else the first `$GOPATH` entry + `/pkg/mod`, else `~/go/pkg/mod`,
//! each setting read from the environment and then from the user's go env file, as cmd/go
//! does. The directory name promises a toolchain and a platform, which the binary must match.
//! cmd/go uses such a directory only when its download record is complete: in
//! `cache/download/golang.org/toolchain/@v/`, no `<version>.partial` file (an extraction that
//! did not finish) and a `<version>.ziphash` file. Otherwise the tree is reported as an
//! incomplete download.

use foldhash::{HashSet, HashSetExt};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::env_vars;
use crate::host::Host;

use super::{Expect, Problem, Search, SearchStatus, SourceKind, What};

/// The module path prefix of a toolchain directory in the module cache.
const PREFIX: &str = "toolchain@v0.0.1-";

/// The module cache directory and where it came from (`$GOMODCACHE`, `$GOPATH`, the go env
/// file's line, or `~/go`). `None` when nothing names one and there is no home directory.
pub fn module_cache(host: &Host) -> Option<(PathBuf, String)> {
    let user_env = crate::envfile::read_user_env(host, None);
    module_cache_with(host, &user_env)
}

pub(super) fn module_cache_with(
    host: &Host,
    user_env: &crate::envfile::UserEnv,
) -> Option<(PathBuf, String)> {
    let setting = |name: &str| -> Option<(String, String)> {
        if let Some(v) = host.var_nonempty(name) {
            return Some((v.to_owned(), format!("${name}")));
        }
        let e = user_env.get(name).filter(|e| !e.value.is_empty())?;
        let file = user_env
            .path
            .as_ref()
            .map_or_else(|| "go env file".to_owned(), |p| p.display().to_string());
        Some((e.value.clone(), format!("{file}:{}", e.line)))
    };
    if let Some((v, from)) = setting(env_vars::GOMODCACHE) {
        return Some((host.absolute(Path::new(&v)), from));
    }
    if let Some((v, from)) = setting(env_vars::GOPATH) {
        if let Some(first) = host
            .split_list(v.as_ref())
            .into_iter()
            .find(|p| !p.as_os_str().is_empty())
        {
            return Some((host.absolute(&first).join("pkg").join("mod"), from));
        }
    }
    host.home()
        .map(|h| (h.join("go").join("pkg").join("mod"), "~/go".to_owned()))
}

/// `go1.22.0.linux-amd64` from a directory name, split into toolchain, GOOS and GOARCH.
fn parse_name(name: &str) -> Option<(String, String, String)> {
    let rest = name.strip_prefix(PREFIX)?;
    let (toolchain, platform) = rest.rsplit_once('.')?;
    let (goos, goarch) = platform.split_once('-')?;
    if !toolchain.starts_with("go") || goos.is_empty() || goarch.is_empty() {
        return None;
    }
    Some((toolchain.to_owned(), goos.to_owned(), goarch.to_owned()))
}

pub(super) fn search(s: &mut Search<'_>) {
    let user_env = s.user_env().clone();
    let Some((cache, from)) = module_cache_with(s.host, &user_env) else {
        s.place(
            SourceKind::ModuleCache,
            "module cache",
            SearchStatus::NotSet,
            0,
            Some("neither GOMODCACHE, GOPATH nor a home directory".to_owned()),
        );
        return;
    };
    let dir = cache.join("golang.org");
    let pattern = format!("{}/{PREFIX}go*", dir.display());
    let range = s.scan(
        SourceKind::ModuleCache,
        &dir,
        &pattern,
        |n| n.starts_with(PREFIX),
        Path::to_path_buf,
    );
    let downloads = cache
        .join("cache")
        .join("download")
        .join("golang.org")
        .join("toolchain")
        .join("@v");
    // One listing of the download records rather than two `lstat`s per toolchain; when it
    // cannot be listed (unreadable), each name is asked after.
    let records: Option<HashSet<OsString>> = if range.is_empty() {
        None
    } else {
        match s.host.fs().read_dir(&downloads) {
            Ok(es) => Some(es.into_iter().map(|e| e.name).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(HashSet::new()),
            Err(_) => None,
        }
    };
    let recorded = |fs: &crate::fs::Fs, name: &str| match &records {
        Some(names) => names.contains(OsStr::new(name)),
        None => fs.symlink_metadata(&downloads.join(name)).is_ok(),
    };
    for i in range {
        let What::Dir(root) = s.candidates[i].what.clone() else {
            continue;
        };
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let version = name.strip_prefix("toolchain@").unwrap_or(&name);
        let partial = format!("{version}.partial");
        let ziphash = format!("{version}.ziphash");
        let fs = s.host.fs();
        let interrupted = recorded(fs, &partial);
        let unhashed = !interrupted && !recorded(fs, &ziphash);
        let (partial, ziphash) = (downloads.join(partial), downloads.join(ziphash));
        let c = &mut s.candidates[i];
        c.source.detail = format!("{} (module cache from {from})", c.source.detail);
        if let Some((toolchain, goos, goarch)) = parse_name(&name) {
            c.expect = Expect {
                toolchain: Some(toolchain),
                goos: Some(goos),
                goarch: Some(goarch),
            };
        }
        if interrupted {
            c.problems.push(Problem {
                code: "incomplete_download",
                message: format!(
                    "{} exists: cmd/go did not finish extracting this toolchain and will not use it",
                    partial.display()
                ),
            });
        }
        if unhashed {
            c.problems.push(Problem {
                code: "incomplete_download",
                message: format!(
                    "{} is missing: cmd/go treats this toolchain as not downloaded and fetches it again",
                    ziphash.display()
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_name;

    #[test]
    fn parses_toolchain_directory_names() {
        assert_eq!(
            parse_name("toolchain@v0.0.1-go1.22.0.linux-amd64"),
            Some(("go1.22.0".into(), "linux".into(), "amd64".into()))
        );
        assert_eq!(
            parse_name("toolchain@v0.0.1-go1.21rc2.darwin-arm64"),
            Some(("go1.21rc2".into(), "darwin".into(), "arm64".into()))
        );
        assert_eq!(parse_name("toolchain@v0.0.1-garbage"), None);
        assert_eq!(parse_name("toolchain@v0.0.1-go1.22.0.linux"), None);
        assert_eq!(parse_name("text@v0.14.0"), None);
    }
}
