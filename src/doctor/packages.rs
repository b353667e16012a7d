//! Who owns an installation, and whether its files are still as shipped.
//!
//! Per install, where the platform has the tool: `dpkg -S` and a parsed `dpkg --verify`
//! (Debian, Ubuntu; dpkg exits 0 even when files changed, so the output decides), `rpm -qf` and
//! `rpm -V` (Fedora, RHEL, openSUSE), Homebrew's Cellar and `opt/` links (read from the
//! filesystem: `brew` itself is far too slow to start), `pkgutil --file-info` for the macOS
//! installer and `codesign -v` for the signature of a macOS `go` binary.
//!
//! The tools are looked for at their fixed system locations on the host's filesystem (so a
//! simulated root can carry its own), run through the host's runner with a timeout, one thread
//! per install, and skipped cleanly when absent. A tool that hangs or fails becomes a note; the
//! rest of the run goes on. Package managers own system paths only, so paths under
//! `/usr/local`, `/opt/homebrew`, home directories and the like are never asked about: that
//! policy also keeps doctor fast.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::host::{CommandSpec, Host, Os, RunError};

/// How a package's files compare with what it shipped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Integrity {
    /// Not checked (no tool, or the tool failed).
    #[default]
    Unchecked,
    /// Every file matches.
    Intact,
    /// These files differ or are missing (`flags path`, as the tool printed them).
    Modified { files: Vec<String> },
}

/// The code signature of a macOS binary (`codesign -v`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Signature {
    Valid,
    Unsigned,
    Invalid { message: String },
}

/// What the package tools say about one install.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PackageFacts {
    /// The install's root.
    pub root: PathBuf,
    /// `dpkg`, `rpm`, `homebrew` or `pkgutil`.
    pub manager: Option<String>,
    /// The owning package (`golang-1.22-go`, `golang-bin-1.22.5-1.fc40.x86_64`, `go 1.22.1`,
    /// `org.golang.go`).
    pub package: Option<String>,
    pub integrity: Integrity,
    pub signature: Option<Signature>,
    /// The commands run, in order.
    pub commands: Vec<String>,
    /// What went wrong along the way (a timeout, a missing tool, a link pointing elsewhere).
    pub notes: Vec<String>,
}

/// One install to ask about: its root, and the go binary (as reached and resolved).
#[derive(Clone, Debug)]
pub struct Target {
    pub root: PathBuf,
    /// Paths to ask package databases about (dpkg matches literally, so both the spelling on
    /// PATH and the resolved one).
    pub paths: Vec<PathBuf>,
    /// The go binary to check a signature of.
    pub binary: Option<PathBuf>,
}

/// Whether any tool would be asked about this target on this host (so that nothing, not even a
/// thread, is spent on the others).
pub fn needs_query(os: Os, t: &Target) -> bool {
    match os {
        Os::Windows => false,
        Os::MacOs => true,
        _ => homebrew_keg(&t.root).is_some() || t.paths.iter().any(|p| is_system_path(p)),
    }
}

/// Asks the package tools about every target, in parallel, each command limited to `timeout`.
pub fn query_all(host: &Host, targets: &[Target], timeout: Duration) -> Vec<PackageFacts> {
    let tools = Tools::find(host);
    if let [one] = targets {
        return vec![query(host, &tools, one, timeout)];
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = targets
            .iter()
            .map(|t| {
                let tools = &tools;
                s.spawn(move || query(host, tools, t, timeout))
            })
            .collect();
        handles
            .into_iter()
            .zip(targets)
            .map(|(h, t)| {
                h.join().unwrap_or_else(|_| PackageFacts {
                    root: t.root.clone(),
                    notes: vec!["the package query failed".to_owned()],
                    ..PackageFacts::default()
                })
            })
            .collect()
    })
}

/// The tools present on the host, by logical path.
#[derive(Clone, Debug, Default)]
struct Tools {
    dpkg: Option<PathBuf>,
    rpm: Option<PathBuf>,
    pkgutil: Option<PathBuf>,
    codesign: Option<PathBuf>,
}

impl Tools {
    fn find(host: &Host) -> Tools {
        let fs = host.fs();
        let first = |cands: &[&str]| {
            cands
                .iter()
                .map(PathBuf::from)
                .find(|p| fs.is_executable_file(p))
        };
        match host.os() {
            Os::MacOs => Tools {
                pkgutil: first(&["/usr/sbin/pkgutil"]),
                codesign: first(&["/usr/bin/codesign"]),
                ..Tools::default()
            },
            Os::Windows => Tools::default(),
            _ => Tools {
                dpkg: first(&["/usr/bin/dpkg", "/bin/dpkg"]),
                rpm: first(&["/usr/bin/rpm", "/bin/rpm"]),
                ..Tools::default()
            },
        }
    }
}

/// True for paths a system package manager may own (not `/usr/local`, homes, Homebrew, …).
pub fn is_system_path(p: &Path) -> bool {
    let s = p.to_string_lossy();
    let under = |prefix: &str| s.starts_with(prefix);
    (under("/usr/") && !under("/usr/local/"))
        || under("/bin/")
        || under("/lib")
        || under("/snap/")
        || (under("/opt/") && !under("/opt/homebrew/") && !under("/opt/local/"))
}

fn query(host: &Host, tools: &Tools, t: &Target, timeout: Duration) -> PackageFacts {
    let mut f = PackageFacts {
        root: t.root.clone(),
        ..PackageFacts::default()
    };
    if let Some((prefix, version)) = homebrew_keg(&t.root) {
        homebrew(host, &mut f, &prefix, &version);
    } else if t.paths.iter().any(|p| is_system_path(p)) {
        if let Some(dpkg) = &tools.dpkg {
            dpkg_query(host, dpkg, &mut f, t, timeout);
        }
        if f.package.is_none() {
            if let Some(rpm) = &tools.rpm {
                rpm_query(host, rpm, &mut f, t, timeout);
            }
        }
    } else if host.os() == Os::MacOs && t.root == Path::new("/usr/local/go") {
        if let Some(pkgutil) = &tools.pkgutil {
            pkgutil_query(host, pkgutil, &mut f, t, timeout);
        }
    }
    if let (Some(codesign), Some(bin)) = (&tools.codesign, &t.binary) {
        let spec = spec(host, codesign, timeout).arg("-v").arg(bin.as_os_str());
        f.commands.push(spec.display());
        match host.run(&spec) {
            Ok(out) if out.success() => f.signature = Some(Signature::Valid),
            Ok(out) => {
                let msg = out.stderr_text().trim().to_owned();
                f.signature = Some(if msg.contains("not signed") {
                    Signature::Unsigned
                } else {
                    Signature::Invalid { message: msg }
                });
            }
            Err(e) => f.notes.push(note(&e)),
        }
    }
    f
}

/// A command for a tool given by logical path: the physical program, logical arguments.
fn spec(host: &Host, tool: &Path, timeout: Duration) -> CommandSpec {
    let program = host.fs().to_real(tool);
    let mut s = CommandSpec::new(program).timeout(timeout);
    // Tools answer in English whatever the user's locale.
    s = s.env("LC_ALL", "C");
    s
}

fn note(e: &RunError) -> String {
    e.to_string()
}

/// The other spelling of a path on a merged-/usr system (`/usr/bin/x` ↔ `/bin/x`): dpkg
/// records whichever one the package shipped.
pub fn usrmerge_alias(p: &Path) -> Option<PathBuf> {
    let s = p.to_str()?;
    for (merged, split) in [
        ("/usr/bin/", "/bin/"),
        ("/usr/sbin/", "/sbin/"),
        ("/usr/lib/", "/lib/"),
    ] {
        if let Some(rest) = s.strip_prefix(merged) {
            return Some(PathBuf::from(format!("{split}{rest}")));
        }
        if let Some(rest) = s.strip_prefix(split) {
            return Some(PathBuf::from(format!("{merged}{rest}")));
        }
    }
    None
}

fn dpkg_query(host: &Host, dpkg: &Path, f: &mut PackageFacts, t: &Target, timeout: Duration) {
    let mut paths: Vec<PathBuf> = t
        .paths
        .iter()
        .filter(|p| is_system_path(p))
        .cloned()
        .collect();
    let aliases: Vec<PathBuf> = paths.iter().filter_map(|p| usrmerge_alias(p)).collect();
    paths.extend(aliases);
    for p in &paths {
        let s = spec(host, dpkg, timeout).arg("-S").arg(p.as_os_str());
        f.commands.push(s.display());
        match host.run(&s) {
            Ok(out) => {
                if let Some(pkg) = parse_dpkg_search(&out.stdout_text(), p) {
                    f.manager = Some("dpkg".to_owned());
                    f.package = Some(pkg);
                    break;
                }
            }
            Err(e) => {
                f.notes.push(note(&e));
                return;
            }
        }
    }
    let Some(pkg) = f.package.clone() else {
        return;
    };
    let s = spec(host, dpkg, timeout).arg("--verify").arg(&pkg);
    f.commands.push(s.display());
    match host.run(&s) {
        // dpkg --verify exits 0 even when files differ: read the output.
        Ok(out) => f.integrity = parse_verify(&out.stdout_text()),
        Err(e) => f.notes.push(note(&e)),
    }
}

/// The package of a `dpkg -S` answer for `path` (`golang-go:amd64, other: /usr/bin/go`).
pub fn parse_dpkg_search(out: &str, path: &Path) -> Option<String> {
    let want = path.to_string_lossy();
    out.lines().find_map(|l| {
        let (pkgs, p) = l.rsplit_once(": ")?;
        if p.trim() != want {
            return None;
        }
        let first = pkgs.split(", ").next()?.trim();
        let name = first.split(':').next().unwrap_or(first);
        (!name.is_empty() && !name.starts_with("diversion")).then(|| name.to_owned())
    })
}

/// Files listed by `dpkg --verify` / `rpm -V` (`??5??????   /path`, `missing   /path`).
pub fn parse_verify(out: &str) -> Integrity {
    let files: Vec<String> = out
        .lines()
        .map(str::trim_end)
        .filter(|l| {
            let flags = l.split_whitespace().next().unwrap_or("");
            l.contains('/')
                && (flags == "missing"
                    || (flags.len() >= 8
                        && flags.chars().all(|c| ".?SM5DLUGTP".contains(c) || c == 'c')))
        })
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    if files.is_empty() {
        Integrity::Intact
    } else {
        Integrity::Modified { files }
    }
}

fn rpm_query(host: &Host, rpm: &Path, f: &mut PackageFacts, t: &Target, timeout: Duration) {
    for p in t.paths.iter().filter(|p| is_system_path(p)) {
        let s = spec(host, rpm, timeout).arg("-qf").arg(p.as_os_str());
        f.commands.push(s.display());
        match host.run(&s) {
            Ok(out) if out.success() => {
                if let Some(pkg) = out.stdout_text().lines().next().map(str::trim) {
                    if !pkg.is_empty() && !pkg.contains(' ') {
                        f.manager = Some("rpm".to_owned());
                        f.package = Some(pkg.to_owned());
                        break;
                    }
                }
            }
            Ok(_) => {}
            Err(e) => {
                f.notes.push(note(&e));
                return;
            }
        }
    }
    let Some(pkg) = f.package.clone() else {
        return;
    };
    let s = spec(host, rpm, timeout).arg("-V").arg(&pkg);
    f.commands.push(s.display());
    match host.run(&s) {
        Ok(out) => f.integrity = parse_verify(&out.stdout_text()),
        Err(e) => f.notes.push(note(&e)),
    }
}

fn pkgutil_query(host: &Host, pkgutil: &Path, f: &mut PackageFacts, t: &Target, timeout: Duration) {
    let Some(bin) = &t.binary else { return };
    let s = spec(host, pkgutil, timeout)
        .arg("--file-info")
        .arg(bin.as_os_str());
    f.commands.push(s.display());
    match host.run(&s) {
        Ok(out) => {
            let text = out.stdout_text();
            let id = text
                .lines()
                .find_map(|l| l.strip_prefix("pkgid:").map(|v| v.trim().to_owned()));
            if let Some(id) = id {
                let version = text
                    .lines()
                    .find_map(|l| l.strip_prefix("pkg-version:").map(|v| v.trim().to_owned()));
                f.manager = Some("pkgutil".to_owned());
                f.package = Some(match version {
                    Some(v) => format!("{id} {v}"),
                    None => id,
                });
            }
        }
        Err(e) => f.notes.push(note(&e)),
    }
}

/// `(prefix, version)` of a root inside a Homebrew Cellar (`/opt/homebrew/Cellar/go/1.22.1/libexec`).
pub fn homebrew_keg(root: &Path) -> Option<(PathBuf, String)> {
    let s = root.to_string_lossy();
    let at = s.find("/Cellar/")?;
    let prefix = PathBuf::from(&s[..at]);
    let mut rest = s[at + "/Cellar/".len()..].split('/');
    let formula = rest.next()?;
    let version = rest.next()?;
    (formula == "go" || formula.starts_with("go@"))
        .then(|| (prefix, format!("{formula} {version}")))
}

fn homebrew(host: &Host, f: &mut PackageFacts, prefix: &Path, keg: &str) {
    f.manager = Some("homebrew".to_owned());
    f.package = Some(keg.to_owned());
    let formula = keg.split(' ').next().unwrap_or("go");
    let opt = prefix.join("opt").join(formula);
    match host.fs().canonicalize(&opt) {
        Ok(r) => {
            if !f.root.starts_with(&r.path) {
                f.notes.push(format!(
                    "{} points to {}, not to this keg: it is not the linked version",
                    opt.display(),
                    r.path.display()
                ));
            }
        }
        Err(_) => f.notes.push(format!(
            "{} does not exist: the formula is not linked",
            opt.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{CommandOutput, ScriptedRunner};
    use std::sync::Arc;

    fn out(code: i32, stdout: &str) -> CommandOutput {
        CommandOutput {
            code: Some(code),
            stdout: stdout.as_bytes().to_vec(),
            stderr: Vec::new(),
        }
    }

    #[test]
    fn parses_dpkg_and_rpm_output() {
        let p = Path::new("/usr/bin/go");
        assert_eq!(
            parse_dpkg_search("golang-go:amd64: /usr/bin/go\n", p).as_deref(),
            Some("golang-go")
        );
        assert_eq!(
            parse_dpkg_search("a, b: /usr/bin/go\n", p).as_deref(),
            Some("a")
        );
        assert_eq!(
            parse_dpkg_search(
                "dpkg-query: no path found matching pattern /usr/bin/go\n",
                p
            ),
            None
        );
        assert_eq!(parse_verify(""), Integrity::Intact);
        assert_eq!(
            parse_verify("??5??????   /usr/lib/go-1.19/VERSION\nmissing     /usr/lib/go-1.19/bin/gofmt\nsome noise\n"),
            Integrity::Modified {
                files: vec![
                    "??5?????? /usr/lib/go-1.19/VERSION".into(),
                    "missing /usr/lib/go-1.19/bin/gofmt".into()
                ]
            }
        );
        assert!(matches!(
            parse_verify("S.5....T.  c /etc/x\n"),
            Integrity::Modified { .. }
        ));
        assert!(is_system_path(Path::new("/usr/lib/go-1.22/bin/go")));
        assert!(!is_system_path(Path::new("/usr/local/go/bin/go")));
        assert!(!is_system_path(Path::new("/home/u/sdk/go1.22.1/bin/go")));
        assert_eq!(
            homebrew_keg(Path::new("/opt/homebrew/Cellar/go/1.22.1/libexec")),
            Some((PathBuf::from("/opt/homebrew"), "go 1.22.1".into()))
        );
    }

    fn debian_root() -> tempfile::TempDir {
        let t = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(t.path().join("usr/bin")).expect("mkdir");
        let dpkg = t.path().join("usr/bin/dpkg");
        std::fs::write(&dpkg, "#!/bin/sh\n").expect("w");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dpkg, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        t
    }

    fn target() -> Target {
        Target {
            root: "/usr/lib/go-1.22".into(),
            paths: vec!["/usr/bin/go".into(), "/usr/lib/go-1.22/bin/go".into()],
            binary: Some("/usr/lib/go-1.22/bin/go".into()),
        }
    }

    #[test]
    fn dpkg_owner_and_modified_files() {
        let t = debian_root();
        let runner = ScriptedRunner::new()
            .on(
                "dpkg",
                &["-S", "/usr/bin/go"],
                out(0, "golang-go:amd64: /usr/bin/go\n"),
            )
            .on(
                "dpkg",
                &["--verify", "golang-go"],
                out(0, "??5??????   /usr/lib/go-1.22/VERSION\n"),
            );
        let host = Host::fake(t.path(), Os::Linux).with_runner(Arc::new(runner));
        let facts = query_all(&host, &[target()], Duration::from_millis(500));
        assert_eq!(facts[0].package.as_deref(), Some("golang-go"));
        assert!(matches!(facts[0].integrity, Integrity::Modified { .. }));
        assert_eq!(facts[0].commands.len(), 2);
    }

    #[test]
    fn a_hung_tool_is_a_note_and_the_rest_goes_on() {
        let t = debian_root();
        let runner = ScriptedRunner::new().hang("dpkg", &["-S", "/usr/bin/go"]);
        let host = Host::fake(t.path(), Os::Linux).with_runner(Arc::new(runner));
        let other = Target {
            root: "/usr/local/go".into(),
            paths: vec!["/usr/local/go/bin/go".into()],
            binary: None,
        };
        let facts = query_all(&host, &[target(), other], Duration::from_millis(50));
        assert_eq!(facts.len(), 2);
        assert!(
            facts[0].notes[0].contains("did not finish"),
            "{:?}",
            facts[0]
        );
        assert_eq!(facts[0].package, None);
        assert!(
            facts[1].commands.is_empty(),
            "/usr/local is never asked about"
        );
    }

    #[test]
    fn absent_tools_are_skipped() {
        let t = tempfile::tempdir().expect("tmp");
        let host = Host::fake(t.path(), Os::Linux);
        let facts = query_all(&host, &[target()], Duration::from_millis(50));
        assert!(facts[0].commands.is_empty() && facts[0].notes.is_empty());
        assert_eq!(facts[0].integrity, Integrity::Unchecked);
    }
}
