//! Toolchains kept by download helpers and version managers, each in its own directory of
//! versions:
//!
//! | source | directory | root of a version |
//! |---|---|---|
//! | golang.org/dl (`go1.X.Y download`) | `~/sdk` (`%USERPROFILE%\sdk`) | `go1.X.Y` |
//! | goenv | `$GOENV_ROOT/versions` (default `~/.goenv`) | `<v>` |
//! | g (voidint) | `~/.g/versions` (`$G_HOME` with `G_EXPERIMENTAL=true`), plus the `~/.g/go` link | `<v>` |
//! | gvm | `$GVM_ROOT/gos` (default `~/.gvm`) | `go1.X.Y` |
//! | asdf | `$ASDF_DATA_DIR/installs/golang` (default `~/.asdf`) | `<v>/go` |
//! | mise | `$MISE_DATA_DIR/installs/go` (default `$XDG_DATA_HOME/mise`, `~/.local/share/mise`; `%LocalAppData%\mise` on Windows) | `<v>`, or `<v>/go` for older installs |
//! | groot | [`crate::home::Layout::toolchains`] | `<toolchain>`, `<name>.link` |
//!
//! golang.org/dl writes its `.unpacked-success` marker after unpacking, and leaves the archive
//! it downloaded (`go1.X.Y.<goos>-<goarch>.tar.gz`, `.zip` on Windows) beside the tree. A
//! directory without the marker is an interrupted download only when there is evidence of one:
//! that archive is there (the download or the unpacking stopped), or the tree lacks `bin/go` or
//! `pkg/tool` (reported through the tree's health). A complete tree without marker or archive
//! is a release tarball unpacked by hand into `~/sdk`, which is fine. The directory's name is a
//! toolchain name, which the binary must match.

use std::path::{Path, PathBuf};

use crate::env_vars;
use crate::host::{Host, Os};
use crate::toolchain::tree::is_goroot;

use super::{Expect, Problem, Search, SearchStatus, SourceKind, What};

/// The sentinel golang.org/dl writes after unpacking a toolchain.
const SDK_MARKER: &str = ".unpacked-success";

pub(super) fn search(s: &mut Search<'_>) {
    let home = s.host.home();
    sdk(s, home.as_deref());
    goenv(s, home.as_deref());
    g(s, home.as_deref());
    gvm(s, home.as_deref());
    asdf(s, home.as_deref());
    mise(s, home.as_deref());
    groot(s);
}

/// A directory from a variable (when set and non-empty), else below home.
fn base(s: &Search<'_>, var: &str, home: Option<&Path>, default: &str) -> Option<PathBuf> {
    s.host
        .var_os(var)
        .filter(|v| !v.is_empty())
        .map(|v| s.host.absolute(Path::new(v)))
        .or_else(|| home.map(|h| h.join(default)))
}

fn no_home(s: &mut Search<'_>, kind: SourceKind, place: &str) {
    s.place(
        kind,
        place,
        SearchStatus::NotSet,
        0,
        Some("no home directory".to_owned()),
    );
}

fn sdk(s: &mut Search<'_>, home: Option<&Path>) {
    let Some(home) = home else {
        return no_home(s, SourceKind::Sdk, "~/sdk/go*");
    };
    let dir = home.join("sdk");
    let pattern = format!("{}/go*", dir.display());
    let range = s.scan(
        SourceKind::Sdk,
        &dir,
        &pattern,
        |n| n.starts_with("go"),
        Path::to_path_buf,
    );
    for i in range {
        let What::Dir(root) = s.candidates[i].what.clone() else {
            continue;
        };
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Only `goX.Y.Z` (and `gotip`) directories are golang.org/dl downloads that write the
        // marker; a hand-made `~/sdk/go` is not expected to have one.
        let expects_marker =
            crate::version::Version::from_toolchain(&name).is_some() || name == "gotip";
        let archive = if expects_marker
            && s.host
                .fs()
                .symlink_metadata(&root.join(SDK_MARKER))
                .is_err()
        {
            dl_archive(s, &root, &name)
        } else {
            None
        };
        let c = &mut s.candidates[i];
        c.expect = Expect {
            toolchain: Some(name.clone()),
            ..Expect::default()
        };
        if let Some(archive) = archive {
            c.problems.push(Problem {
                code: "incomplete_download",
                message: format!(
                    "{SDK_MARKER} is missing and the archive {archive} is still there: \
                     `{name} download` did not finish"
                ),
            });
        }
    }
}

/// The archive golang.org/dl downloads into the version's directory (`<name>.<goos>-<goarch>`
/// + `.tar.gz` or `.zip`), when one is there.
fn dl_archive(s: &Search<'_>, root: &Path, name: &str) -> Option<String> {
    let prefix = format!("{name}.");
    s.host
        .fs()
        .read_dir(root)
        .ok()?
        .into_iter()
        .map(|e| e.name.to_string_lossy().into_owned())
        .find(|n| n.starts_with(&prefix) && (n.ends_with(".tar.gz") || n.ends_with(".zip")))
}

fn goenv(s: &mut Search<'_>, home: Option<&Path>) {
    let Some(root) = base(s, env_vars::GOENV_ROOT, home, ".goenv") else {
        return no_home(s, SourceKind::Goenv, "~/.goenv/versions/*");
    };
    let dir = root.join("versions");
    let pattern = format!("{}/*", dir.display());
    s.scan(
        SourceKind::Goenv,
        &dir,
        &pattern,
        |_| true,
        Path::to_path_buf,
    );
}

fn g(s: &mut Search<'_>, home: Option<&Path>) {
    let experimental = s.host.var(env_vars::G_EXPERIMENTAL) == Some("true");
    let root = if experimental {
        base(s, env_vars::G_HOME, home, ".g")
    } else {
        home.map(|h| h.join(".g"))
    };
    let Some(root) = root else {
        return no_home(s, SourceKind::G, "~/.g/versions/*");
    };
    let dir = root.join("versions");
    let pattern = format!("{}/*", dir.display());
    s.scan(SourceKind::G, &dir, &pattern, |_| true, Path::to_path_buf);
    // `~/.g/go` links to the version in use: one more route to one of the above.
    let current = root.join("go");
    if s.host.fs().symlink_metadata(&current).is_ok() {
        s.well_known(SourceKind::G, current, "g's current version link");
    }
}

fn gvm(s: &mut Search<'_>, home: Option<&Path>) {
    let Some(root) = base(s, env_vars::GVM_ROOT, home, ".gvm") else {
        return no_home(s, SourceKind::Gvm, "~/.gvm/gos/*");
    };
    let dir = root.join("gos");
    let pattern = format!("{}/*", dir.display());
    s.scan(SourceKind::Gvm, &dir, &pattern, |_| true, Path::to_path_buf);
}

fn asdf(s: &mut Search<'_>, home: Option<&Path>) {
    let Some(root) = base(s, env_vars::ASDF_DATA_DIR, home, ".asdf") else {
        return no_home(s, SourceKind::Asdf, "~/.asdf/installs/golang/*/go");
    };
    let dir = root.join("installs").join("golang");
    let pattern = format!("{}/*/go", dir.display());
    s.scan(SourceKind::Asdf, &dir, &pattern, |_| true, |v| v.join("go"));
}

fn mise(s: &mut Search<'_>, home: Option<&Path>) {
    let data = mise_data(s.host, home);
    let Some(data) = data else {
        return no_home(s, SourceKind::Mise, "~/.local/share/mise/installs/go/*");
    };
    let dir = data.join("installs").join("go");
    let pattern = format!("{}/*", dir.display());
    let fs = s.host.fs().clone();
    let os = s.host.os();
    s.scan(
        SourceKind::Mise,
        &dir,
        &pattern,
        |_| true,
        |v| {
            // Older mise versions unpacked the archive as is, leaving the tree in `<v>/go`.
            let nested = v.join("go");
            let nested_tree = is_goroot(&fs, &nested)
                || fs.is_file(&nested.join("bin").join(format!("go{}", os.exe_suffix())));
            if nested_tree {
                nested
            } else {
                v.to_path_buf()
            }
        },
    );
}

/// mise's data directory: `$MISE_DATA_DIR`, else `$XDG_DATA_HOME/mise` (absolute only), else
/// `~/.local/share/mise` (`%LocalAppData%\mise` on Windows).
fn mise_data(host: &Host, home: Option<&Path>) -> Option<PathBuf> {
    host.var_os(env_vars::MISE_DATA_DIR)
        .filter(|v| !v.is_empty())
        .map(|v| host.absolute(Path::new(v)))
        .or_else(|| {
            if host.os() == Os::Windows {
                return host
                    .var_os(env_vars::LOCALAPPDATA)
                    .filter(|v| !v.is_empty())
                    .map(|d| PathBuf::from(d).join("mise"));
            }
            host.var_os(env_vars::XDG_DATA_HOME)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| home.map(|h| h.join(".local").join("share")))
                .map(|d| d.join("mise"))
        })
}

/// The shims directories of the version managers that keep one (goenv, asdf, mise, groot),
/// whether or not they exist: a `go` there is the manager's own launcher, which runs one of
/// the manager's installs.
pub fn shim_dirs(host: &Host) -> Vec<(SourceKind, PathBuf)> {
    let home = host.home();
    let home = home.as_deref();
    let var_or_home = |var: &str, default: &str| {
        host.var_os(var)
            .filter(|v| !v.is_empty())
            .map(|v| host.absolute(Path::new(v)))
            .or_else(|| home.map(|h| h.join(default)))
    };
    let mut out = Vec::new();
    if let Some(r) = var_or_home(env_vars::GOENV_ROOT, ".goenv") {
        out.push((SourceKind::Goenv, r.join("shims")));
    }
    if let Some(r) = var_or_home(env_vars::ASDF_DATA_DIR, ".asdf") {
        out.push((SourceKind::Asdf, r.join("shims")));
    }
    if let Some(r) = mise_data(host, home) {
        out.push((SourceKind::Mise, r.join("shims")));
    }
    if let Some(h) = crate::home::groot_home(host) {
        out.push((SourceKind::Groot, h.join("shims")));
    }
    out
}

fn groot(s: &mut Search<'_>) {
    let Some(layout) = crate::home::Layout::of(s.host) else {
        return no_home(s, SourceKind::Groot, "groot toolchains");
    };
    let dir = layout.toolchains();
    let pattern = format!("{}/*", dir.display());
    let range = s.scan(
        SourceKind::Groot,
        &dir,
        &pattern,
        |_| true,
        Path::to_path_buf,
    );
    for i in range {
        let What::Dir(root) = s.candidates[i].what.clone() else {
            continue;
        };
        if !crate::home::is_complete(s.host.fs(), &root) {
            s.candidates[i].problems.push(Problem {
                code: "incomplete_download",
                message: format!(
                    "{} is missing: an install of {} did not finish",
                    crate::home::COMPLETE_MARKER,
                    root.display()
                ),
            });
        }
    }
    // Link records (`groot link`): the adopted GOROOT is one of groot's toolchains too.
    let Ok(entries) = s.host.fs().read_dir(&dir) else {
        return;
    };
    for e in entries {
        let name = e.name.to_string_lossy();
        if !matches!(
            crate::home::Entry::parse(&name),
            Some(crate::home::Entry::Link(_))
        ) {
            continue;
        }
        if let Some(root) = crate::home::read_link_record(s.host.fs(), &e.path) {
            if root.is_absolute() {
                s.push(
                    What::Dir(root),
                    super::Source::new(SourceKind::Groot, e.path.clone(), &pattern),
                );
            }
        }
    }
}
