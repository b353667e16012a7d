//! The toolchain: switching, go.mod needing a newer Go, architecture, support status, known
//! vulnerabilities.

use std::path::{Path, PathBuf};

use crate::discovery::{Install, SourceKind};
use crate::doctor::facts::Facts;
use crate::doctor::finding::{Finding, Severity};
use crate::doctor::support::Status;
use crate::resolve::SwitchTarget;
use crate::version::{RuntimeVersion, Version};
use crate::vulndb::FixAll;

use super::{install_at, running_version};

pub fn toolchain_switch(f: &Facts) -> Vec<Finding> {
    let ex = &f.explanation;
    let Some(sw) = &ex.switch else {
        return Vec::new();
    };
    let failed = ex
        .error
        .as_ref()
        .filter(|e| e.code.starts_with("toolchain") || e.message.contains("toolchain"));
    let gotoolchain = sw
        .gotoolchain
        .as_ref()
        .map(|g| (format!("GOTOOLCHAIN={}", g.value), g.source.to_string()));
    let local = ex
        .binary
        .as_ref()
        .map(|b| b.version.raw.clone())
        .unwrap_or_default();
    let (severity, title, consequence) = match (&sw.target, failed, &sw.wanted) {
        (SwitchTarget::Local, Some(e), Some(w)) => (
            Severity::Error,
            format!("go wants to switch to {w} and cannot get it"),
            format!("every go command here fails: \"{}\"", e.message),
        ),
        (SwitchTarget::Local, _, _) => return Vec::new(),
        (SwitchTarget::Path { toolchain, path }, _, _) => (
            Severity::Info,
            format!(
                "go switches to {toolchain} found on PATH ({})",
                path.display()
            ),
            format!(
                "`go version` says {toolchain}, not {local}; `go env GOROOT` names that \
                 toolchain's tree"
            ),
        ),
        (SwitchTarget::ModuleCache { toolchain, dir }, _, _) => (
            Severity::Info,
            format!("go switches to {toolchain} from the module cache"),
            format!(
                "`go version` says {toolchain}, not {local}; `go env GOROOT` is {}",
                dir.display()
            ),
        ),
        (
            SwitchTarget::Download {
                toolchain,
                proxy,
                module,
                sumdb,
                ..
            },
            _,
            _,
        ) => {
            let check = sumdb
                .as_deref()
                .map(|db| format!(" and checks it against the checksum database {db}"))
                .unwrap_or_default();
            let offline = crate::resolve::unreachable_proxy_prefix(toolchain, module, proxy)
                .map(|p| format!("; offline it fails with \"{p}…\""))
                .unwrap_or_default();
            (
                Severity::Warning,
                format!("go will download {toolchain} before running anything here"),
                format!("the first go command downloads {toolchain} from {proxy}{check}{offline}"),
            )
        }
    };
    let mut x = Finding::new("toolchain-switch", severity, title)
        .evidence("installed go", local.clone(), None)
        .consequence(consequence);
    if let Some(t) = &sw.trigger {
        x = x.evidence("trigger", t.clone(), None);
    }
    if let Some(file) = &sw.file {
        if let Some(l) = &file.go {
            x = x.evidence(
                "go line",
                l.value.clone(),
                Some(format!("{}:{}", file.path.display(), l.line)),
            );
        }
        if let Some(l) = &file.toolchain {
            x = x.evidence(
                "toolchain line",
                l.value.clone(),
                Some(format!("{}:{}", file.path.display(), l.line)),
            );
        }
    }
    if let Some((g, src)) = gotoolchain {
        x = x.evidence("GOTOOLCHAIN", g, Some(src));
    }
    let wanted = sw.wanted.clone().unwrap_or_default();
    let sumdb_off = failed.is_some_and(|e| e.code == "toolchain-sumdb-off");
    if sumdb_off {
        if let Some(s) = f.setting("GOSUMDB") {
            x = x.evidence("GOSUMDB", s.value.clone(), Some(s.source.to_string()));
        }
    }
    // groot's shims directory names each installed toolchain `go1.X.Y`: with the shims on PATH,
    // go's switch runs groot's install and downloads nothing.
    let in_groot = !wanted.is_empty() && groot_has(f, &wanted);
    if in_groot {
        x = x.evidence(
            "groot",
            format!("{wanted} is installed; go uses it from PATH once groot's shims are there"),
            None,
        );
        let shell = match super::user_shell(f) {
            s @ ("bash" | "zsh" | "fish") => s,
            _ => "bash",
        };
        return vec![x
            .fix(format!(
                "put groot's shims on PATH: its {wanted} is then found there, with no download"
            ))
            .command(format!("groot init {shell} --install"))];
    }
    if sumdb_off {
        return vec![x
            .fix(format!(
                "a downloaded toolchain must be checked against the checksum database, so \
                 GOSUMDB=off refuses it: install {wanted} where go finds it on PATH, or let \
                 go check it (GOSUMDB=sum.golang.org)"
            ))
            .command(format!("groot install {wanted}"))
            .command(format!(
                "GOSUMDB=sum.golang.org GOTOOLCHAIN={wanted} go version"
            ))];
    }
    x = x.fix(if wanted.is_empty() {
        "nothing to fix if this is intended; to stay on the installed go set GOTOOLCHAIN=local"
            .to_owned()
    } else {
        format!(
            "install {wanted} so it is used from PATH, or (if the project allows it) lower the \
             toolchain line; GOTOOLCHAIN=local keeps the installed go"
        )
    });
    if !wanted.is_empty() {
        x = x.command(format!("groot install {wanted}"));
    }
    vec![x]
}

/// Whether groot's store holds the toolchain `name` (`go1.X.Y`).
fn groot_has(f: &Facts, name: &str) -> bool {
    f.inventory.as_ref().is_some_and(|inv| {
        inv.installs.iter().any(|i| {
            i.version.as_deref() == Some(name)
                && i.sources
                    .iter()
                    .any(|s| s.kind == crate::discovery::SourceKind::Groot)
        })
    })
}

pub fn toolchain_too_old(f: &Facts) -> Vec<Finding> {
    let ex = &f.explanation;
    let Some(msg) = &ex.module_error else {
        return Vec::new();
    };
    let mut x = Finding::new(
        "toolchain-too-old",
        Severity::Error,
        "go.mod needs a newer Go than the one that runs, and go will not switch",
    )
    .evidence("go", ex.go_version.clone().unwrap_or_default(), None)
    .consequence(format!("go build, go test and go list fail with \"{msg}\""));
    let need = ex
        .switch
        .as_ref()
        .and_then(|s| s.file.as_ref())
        .and_then(|file| {
            let l = file.go.as_ref()?;
            Some((
                l.value.clone(),
                format!("{}:{}", file.path.display(), l.line),
            ))
        });
    if let Some((v, at)) = &need {
        x = x.evidence("go line", v.clone(), Some(at.clone()));
    }
    if let Some(g) = ex.switch.as_ref().and_then(|s| s.gotoolchain.as_ref()) {
        x = x.evidence("GOTOOLCHAIN", g.value.clone(), Some(g.source.to_string()));
    }
    x = x.fix(
        "install a new enough Go and put it on PATH, or allow switching with GOTOOLCHAIN=auto",
    );
    if let Some((v, _)) = need {
        let v = crate::version::Version::parse(&v)
            .map(|v| v.first_release().to_string())
            .unwrap_or(v);
        x = x.command(format!("groot install {v}"));
    }
    vec![x]
}

pub fn arch_mismatch(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    let ex = &f.explanation;
    let native = &f.host.native_arch;
    if let Some(b) = &ex.binary {
        let goos = b.goos.clone().unwrap_or_default();
        let goarch = b.goarch.clone().unwrap_or_default();
        let universal = b.archs.iter().any(|a| a == native);
        let foreign_os = !goos.is_empty() && goos != f.host.os;
        let foreign_arch = !goarch.is_empty() && goarch != *native && !universal;
        if foreign_os || foreign_arch {
            let rosetta = f.host.os == "darwin" && native == "arm64" && goarch == "amd64";
            let mut x = Finding::new(
                "arch-mismatch",
                if foreign_os {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                format!(
                    "the go that runs is {goos}/{goarch}, the machine is {}/{native}",
                    f.host.os
                ),
            )
            .evidence(
                "go",
                format!(
                    "{} ({} {goos}/{goarch})",
                    ex.go
                        .as_ref()
                        .map(|g| g.display().to_string())
                        .unwrap_or_default(),
                    b.version.raw
                ),
                Some("build info of the binary".to_owned()),
            )
            .evidence(
                "machine",
                format!("{}/{native}", f.host.os),
                Some(f.host.native_arch_source.clone()),
            );
            x = if rosetta {
                x.consequence(
                    "it runs under Rosetta: builds are slower and produce amd64 binaries by \
                     default (GOARCH=amd64); cgo, race detector and delve can fail",
                )
            } else if foreign_os {
                x.consequence("it cannot run here: exec format error")
            } else {
                x.consequence(format!(
                    "it runs only through emulation, if at all, and builds for {goarch} by default"
                ))
            };
            x = x
                .fix(format!(
                    "install the {}/{native} build of Go and put it first on PATH",
                    f.host.os
                ))
                .command("groot install latest");
            out.push(x);
        }
    }
    if f.host.translated == Some(true) {
        out.push(
            Finding::new(
                "arch-mismatch",
                Severity::Warning,
                "this shell runs translated by Rosetta (an x86_64 process on Apple Silicon)",
            )
            .evidence("sysctl.proc_translated", "1", Some("groot's own process".to_owned()))
            .evidence("groot", f.host.process_arch.clone(), None)
            .consequence(
                "everything started from it, go included, may pick amd64 builds: Intel \
                 Homebrew in /usr/local, amd64 toolchains, GOARCH=amd64",
            )
            .fix("open a native terminal (untick \"Open using Rosetta\"), or start the shell with `arch -arm64`")
            .command("arch -arm64 $SHELL -l"),
        );
    }
    out
}

pub fn go_unsupported_version(f: &Facts) -> Vec<Finding> {
    let Some(v) = running_version(f) else {
        return Vec::new();
    };
    let Status::Unsupported { newest } = f.releases.status(&v) else {
        return Vec::new();
    };
    let newest = newest
        .map(|n| format!("go{n}"))
        .unwrap_or_else(|| "the newest".to_owned());
    let origin = match &f.releases.origin {
        crate::doctor::support::ReleaseOrigin::Cache { path } => path.display().to_string(),
        crate::doctor::support::ReleaseOrigin::Embedded => {
            "release list built into groot".to_owned()
        }
    };
    vec![Finding::new(
        "go-unsupported-version",
        Severity::Warning,
        format!("go{v} is no longer supported; the newest release is {newest}"),
    )
    .evidence("go", format!("go{v}"), None)
    .evidence("newest", newest.clone(), Some(origin))
    .consequence("no security fixes: Go supports only the two newest major releases")
    .fix(format!("upgrade to {newest}"))
    .command(format!("groot install {newest}"))]
}

pub fn go_update_available(f: &Facts) -> Vec<Finding> {
    let Some(v) = running_version(f) else {
        return Vec::new();
    };
    let Status::PatchBehind { latest } = f.releases.status(&v) else {
        return Vec::new();
    };
    vec![Finding::new(
        "go-update-available",
        Severity::Info,
        format!("go{latest} is out; this is go{v}"),
    )
    .evidence("go", format!("go{v}"), None)
    .evidence("latest patch", format!("go{latest}"), None)
    .consequence("patch releases carry security and bug fixes")
    .fix(format!("upgrade to go{latest}"))
    .command(format!("groot install go{latest}"))]
}

/// How many of the newest entries a `toolchain-vulnerable` finding names.
const NEWEST_SHOWN: usize = 3;

pub fn toolchain_vulnerable(f: &Facts) -> Vec<Finding> {
    let Some(loaded) = &f.vulns.loaded else {
        return Vec::new();
    };
    // Every go a context runs: (where, its install, version, which contexts).
    let mut gos: Vec<(PathBuf, Option<&Install>, Version, Vec<&str>)> = Vec::new();
    fn add<'f>(
        gos: &mut Vec<(PathBuf, Option<&'f Install>, Version, Vec<&'f str>)>,
        go: &Path,
        install: Option<&'f Install>,
        v: Version,
        who: &'f str,
    ) {
        let key = install.map_or(go, |i| i.root.as_path());
        let same = |(g, i, x, _): &&mut (PathBuf, Option<&Install>, Version, Vec<&str>)| {
            i.map_or(g.as_path(), |i| i.root.as_path()) == key && *x == v
        };
        match gos.iter_mut().find(same) {
            Some((_, _, _, w)) if !w.contains(&who) => w.push(who),
            Some(_) => {}
            None => gos.push((go.to_path_buf(), install, v, vec![who])),
        }
    }
    // `running_version` follows a toolchain switch; a devel build has no release to match.
    if let (Some(go), Some(v)) = (&f.explanation.go, running_version(f)) {
        let devel = f
            .explanation
            .binary
            .as_ref()
            .is_some_and(|b| b.version.devel);
        if !devel && !v.is_lang() {
            add(&mut gos, go, install_at(f, go), v, "here");
        }
    }
    if let Some(sh) = &f.shell {
        for p in &sh.predictions {
            let Some(go) = &p.which_go.found else {
                continue;
            };
            let install = install_at(f, go);
            let v = install
                .and_then(|i| i.version.as_deref())
                .map(RuntimeVersion::parse)
                .filter(|r| !r.devel)
                .and_then(|r| r.release);
            if let Some(v) = v {
                add(&mut gos, go, install, v, p.context.title);
            }
        }
    }
    let db = &loaded.db;
    let mut out = Vec::new();
    for (go, install, v, who) in gos {
        let vulns = db.affecting(&v);
        if vulns.is_empty() {
            continue;
        }
        let n = vulns.len();
        let place = install.map_or(go.as_path(), |i| i.root.as_path());
        let mut x = Finding::new(
            "toolchain-vulnerable",
            Severity::Warning,
            format!(
                "go{v} ({}) has {n} known {}",
                place.display(),
                if n == 1 {
                    "vulnerability"
                } else {
                    "vulnerabilities"
                }
            ),
        )
        .evidence(
            "go",
            format!("{} (go{v})", go.display()),
            Some(format!("run by: {}", who.join(", "))),
        );
        for e in vulns.iter().take(NEWEST_SHOWN) {
            let alias = e
                .aliases
                .first()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            x = x.evidence("known", format!("{}{alias}: {}", e.id, e.summary), None);
        }
        if n > NEWEST_SHOWN {
            x = x.evidence(
                "and",
                format!("{} more (groot list --vulns)", n - NEWEST_SHOWN),
                None,
            );
        }
        x = x.evidence(
            "database",
            format!("{} (modified {})", db.url, db.modified),
            Some(loaded.origin.to_string()),
        );
        let packaged = install.and_then(|i| {
            let pkg = f.packages.iter().find(|p| p.root == i.root)?;
            Some((pkg.manager.clone()?, pkg.package.clone()?))
        });
        let homebrew = install.is_some_and(|i| {
            i.sources
                .first()
                .is_some_and(|s| s.kind == SourceKind::Homebrew)
        });
        x = x.consequence(
            "programs built with it carry the vulnerable standard library, and the go command \
             itself may be affected",
        );
        match db.fix_all(&v) {
            FixAll::Release(fix) => {
                let fix_name = fix.to_string();
                x = x
                    .evidence("fixed by", format!("go{fix_name} fixes all {n}"), None)
                    .fix(format!("upgrade to go{fix_name} (or newer)"));
                x = match (&packaged, homebrew) {
                    (Some((manager, pkg)), _) if manager == "dpkg" => {
                        x.command(format!("sudo apt-get install --only-upgrade {pkg}"))
                    }
                    (Some((manager, pkg)), _) if manager == "rpm" => {
                        x.command(format!("sudo dnf upgrade {pkg}"))
                    }
                    (_, true) => x.command("brew upgrade go"),
                    _ => x.command(format!("groot install {fix_name} && groot use {fix_name}")),
                };
            }
            FixAll::NoFix => {
                x = x.fix(
                    "no release fixes all of them yet: upgrade to the newest release and watch \
                     the advisories (groot list --vulns)",
                );
            }
            FixAll::Clean => {}
        }
        out.push(x);
    }
    out
}
