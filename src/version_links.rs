//! `go1.X.Y` names in groot's shims directory, one per installed toolchain, so Go's own
//! toolchain switch reuses groot's installs.
//!
//! When go.mod or `GOTOOLCHAIN` asks for another toolchain, cmd/go (1.21+,
//! `toolchain.Exec`) first looks for an executable named exactly `go1.X.Y` on PATH and runs it
//! (with GOROOT removed from its environment) before it would download the toolchain. With
//! groot's shims directory on PATH, a link `<shims>/go1.X.Y → <toolchains>/go1.X.Y/bin/go` is
//! that executable: go finds its GOROOT from the link's target (`os.Executable` resolves
//! symlinks), so nothing is downloaded and no checksum database is needed.
//!
//! [`sync`] makes the links match the store: one per complete toolchain whose name is a Go
//! toolchain name (`go1.22.10`, `go1.23rc1`; a linked tree counts, a name like `go1.22-corp`
//! does not, since go never asks for it), and none for toolchains that are gone. It only ever
//! touches symlinks named like a toolchain; a user's own file there is left alone. `groot
//! install`, `uninstall`, `link` and every place that ensures the shims call it.
//!
//! Unix only: a copied `go.exe` would not find its GOROOT, and symlinks need a privilege on
//! Windows; there [`sync`] does nothing.

use std::io;
use std::path::{Path, PathBuf};

use crate::host::Host;
use crate::select::{self, Installed};
use crate::version::Version;

/// What [`sync`] changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// `<shims>/<name>` now points at the toolchain's `bin/go`.
    Linked(String),
    /// A link for a toolchain that is no longer installed was removed.
    Removed(String),
}

/// Whether `name` is one cmd/go would look up on PATH for a switch (`go1.X.Y`, `go1.Xrc1`).
pub fn is_switch_name(name: &str) -> bool {
    name.starts_with("go1")
        && Version::from_toolchain(name).is_some_and(|v| v.toolchain_name() == name)
}

/// The link name and target for each installed toolchain go could switch to.
fn wanted(host: &Host, installed: &[Installed]) -> Vec<(String, PathBuf)> {
    installed
        .iter()
        .filter(|t| is_switch_name(&t.name))
        .map(|t| (t.name.clone(), host.fs().to_real(&t.bin(host, "go"))))
        .filter(|(_, go)| go.is_file())
        .collect()
}

/// Makes `<shims>/go1.X.Y` links match the installed toolchains. Returns what changed.
pub fn sync(host: &Host) -> io::Result<Vec<Change>> {
    if cfg!(windows) {
        return Ok(Vec::new());
    }
    let Some(dir) = crate::shim::shim_dir(host) else {
        return Ok(Vec::new());
    };
    let real_dir = host.fs().to_real(&dir);
    let want = wanted(host, &select::installed(host));
    let mut changes = Vec::new();
    // Stale links first: a toolchain name whose target is not what the store has now.
    if let Ok(entries) = std::fs::read_dir(&real_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !is_switch_name(&name) {
                continue;
            }
            let path = e.path();
            let Ok(target) = std::fs::read_link(&path) else {
                continue; // not a link: not ours
            };
            if want.iter().any(|(n, t)| *n == name && *t == target) {
                continue;
            }
            std::fs::remove_file(&path)?;
            if !want.iter().any(|(n, _)| *n == name) {
                changes.push(Change::Removed(name));
            }
        }
    }
    if want.is_empty() {
        return Ok(changes);
    }
    make_dir(&real_dir)?;
    for (name, target) in &want {
        let at = real_dir.join(name);
        if std::fs::symlink_metadata(&at).is_ok() {
            continue; // the right link, or a user's own file
        }
        make_link(target, &real_dir, name)?;
        changes.push(Change::Linked(name.clone()));
    }
    Ok(changes)
}

/// The shims directory is on PATH: never writable by others, whatever the umask.
#[cfg(unix)]
fn make_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)
}

#[cfg(not(unix))]
fn make_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn make_link(target: &Path, dir: &Path, name: &str) -> io::Result<()> {
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)?;
    std::fs::rename(&tmp, dir.join(name)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(not(unix))]
fn make_link(_target: &Path, _dir: &Path, _name: &str) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::host::Os;

    fn tree(root: &Path, version: &str) {
        std::fs::create_dir_all(root.join("bin")).expect("mkdir");
        std::fs::create_dir_all(root.join("pkg/tool/linux_amd64")).expect("mkdir");
        std::fs::write(root.join("bin/go"), "\x7fELF").expect("write");
        std::fs::write(root.join("VERSION"), format!("{version}\n")).expect("write");
        std::fs::write(root.join(crate::home::COMPLETE_MARKER), "").expect("write");
    }

    #[test]
    fn names() {
        assert!(is_switch_name("go1.22.10"));
        assert!(is_switch_name("go1.23rc1"));
        assert!(!is_switch_name("go1.22-corp"));
        assert!(!is_switch_name("go"));
        assert!(!is_switch_name("gofmt"));
        assert!(!is_switch_name("go1.22.10.tmp"));
    }

    #[test]
    fn links_follow_the_store() {
        let t = tempfile::tempdir().expect("tmp");
        let root = t.path();
        let home = "/home/u/.local/share/groot";
        let tc = root.join(home.trim_start_matches('/')).join("toolchains");
        tree(&tc.join("go1.22.10"), "go1.22.10");
        tree(&tc.join("go1.27.3"), "go1.27.3");
        let host = Host::fake(root, Os::Linux).with_var("HOME", "/home/u");
        let shims = root.join(home.trim_start_matches('/')).join("shims");
        // A user's own file with a toolchain name is never touched.
        std::fs::create_dir_all(&shims).expect("mkdir");
        std::fs::write(shims.join("go1.21.0"), "mine").expect("write");
        let mut c = sync(&host).expect("sync");
        c.sort_by_key(|c| format!("{c:?}"));
        assert_eq!(
            c,
            [
                Change::Linked("go1.22.10".into()),
                Change::Linked("go1.27.3".into())
            ]
        );
        assert_eq!(
            std::fs::read_link(shims.join("go1.22.10")).expect("link"),
            tc.join("go1.22.10/bin/go")
        );
        assert!(sync(&host).expect("again").is_empty(), "idempotent");
        std::fs::remove_dir_all(tc.join("go1.22.10")).expect("rm");
        assert_eq!(
            sync(&host).expect("sync"),
            [Change::Removed("go1.22.10".into())]
        );
        assert!(std::fs::symlink_metadata(shims.join("go1.22.10")).is_err());
        assert_eq!(
            std::fs::read_to_string(shims.join("go1.21.0")).expect("kept"),
            "mine"
        );
    }
}
