//! Per-OS well-known places where installers and packages put Go.
//!
//! * Linux and other Unix systems: `/usr/local/go` (official archive; FreeBSD's port), the
//!   distribution packages `/usr/lib/go-*` (Debian/Ubuntu `golang-1.NN-go`), `/usr/lib/golang`
//!   (Fedora/RHEL), `/usr/lib/go` (Arch, Alpine; a link to `go-1.NN` on Debian),
//!   `/usr/lib64/go/<version>` (openSUSE); on Linux also snap revisions `/snap/go/*` (with the
//!   `current` link) and Linuxbrew's `/home/linuxbrew/.linuxbrew/Cellar/go/*/libexec`.
//! * macOS: `/usr/local/go` (official .pkg), Homebrew's `Cellar/go/*/libexec` and
//!   `Cellar/go@1.NN/*/libexec` under `/opt/homebrew` (Apple Silicon) and `/usr/local`
//!   (Intel), MacPorts' `/opt/local/lib/go`.
//! * Windows: `%ProgramFiles%\Go` (the MSI; default `C:\Program Files`),
//!   `%ProgramFiles(x86)%\Go` (the 386 MSI) and `%SystemDrive%\Go` (the MSI's default before
//!   2021). Paths come from those variables, so a host modelled on another OS (a fake root in
//!   tests) sets e.g. `ProgramFiles=/Program Files` and the tree lives at
//!   `<root>/Program Files/Go`.

use std::path::{Path, PathBuf};

use crate::env_vars;
use crate::host::Os;

use super::{Search, SourceKind};

pub(super) fn search(s: &mut Search<'_>) {
    match s.host.os() {
        Os::Windows => windows(s),
        Os::MacOs => macos(s),
        os => unix(s, os == Os::Linux),
    }
}

fn windows(s: &mut Search<'_>) {
    let program_files = s
        .host
        .var_os(env_vars::PROGRAMFILES)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(r"C:\Program Files"));
    s.well_known(
        SourceKind::Official,
        program_files.join("Go"),
        r"%ProgramFiles%\Go",
    );
    if let Some(x86) = s
        .host
        .var_os(env_vars::PROGRAMFILES_X86)
        .filter(|v| !v.is_empty())
    {
        s.well_known(
            SourceKind::Official,
            PathBuf::from(x86).join("Go"),
            r"%ProgramFiles(x86)%\Go",
        );
    }
    let drive = s.host.var_nonempty(env_vars::SYSTEMDRIVE).unwrap_or("C:");
    // `C:` joined with `Go` would be drive-relative; the root of the drive is meant.
    let drive_root = if drive.ends_with(':') {
        format!("{drive}\\")
    } else {
        drive.to_owned()
    };
    s.well_known(
        SourceKind::Official,
        PathBuf::from(drive_root).join("Go"),
        r"%SystemDrive%\Go",
    );
}

fn macos(s: &mut Search<'_>) {
    s.well_known(
        SourceKind::Official,
        "/usr/local/go".into(),
        "official installer",
    );
    for prefix in ["/opt/homebrew", "/usr/local"] {
        homebrew(s, Path::new(prefix));
    }
    s.well_known(SourceKind::Macports, "/opt/local/lib/go".into(), "MacPorts");
}

fn unix(s: &mut Search<'_>, linux: bool) {
    s.well_known(
        SourceKind::Official,
        "/usr/local/go".into(),
        "official archive",
    );
    s.scan(
        SourceKind::Distro,
        Path::new("/usr/lib"),
        "/usr/lib/go-*",
        |n| {
            n.strip_prefix("go-")
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        },
        Path::to_path_buf,
    );
    s.well_known(
        SourceKind::Distro,
        "/usr/lib/golang".into(),
        "/usr/lib/golang",
    );
    s.well_known(SourceKind::Distro, "/usr/lib/go".into(), "/usr/lib/go");
    s.scan(
        SourceKind::Distro,
        Path::new("/usr/lib64/go"),
        "/usr/lib64/go/*",
        |n| n.starts_with(|c: char| c.is_ascii_digit()),
        Path::to_path_buf,
    );
    if linux {
        s.scan(
            SourceKind::Snap,
            Path::new("/snap/go"),
            "/snap/go/*",
            |_| true,
            Path::to_path_buf,
        );
        homebrew(s, Path::new("/home/linuxbrew/.linuxbrew"));
    }
}

/// `<prefix>/Cellar/go/<v>/libexec` and the versioned formulae `go@1.NN`.
fn homebrew(s: &mut Search<'_>, prefix: &Path) {
    let cellar = prefix.join("Cellar");
    s.scan(
        SourceKind::Homebrew,
        &cellar.join("go"),
        &format!("{}/Cellar/go/*", prefix.display()),
        |_| true,
        |v| v.join("libexec"),
    );
    let Ok(formulae) = s.host.fs().read_dir(&cellar) else {
        return;
    };
    for f in formulae {
        let Some(name) = f.name.to_str() else {
            continue;
        };
        if name.starts_with("go@") {
            let pattern = format!("{}/Cellar/{name}/*", prefix.display());
            s.scan(
                SourceKind::Homebrew,
                &f.path,
                &pattern,
                |_| true,
                |v| v.join("libexec"),
            );
        }
    }
}
