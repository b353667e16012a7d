//! Installations: half-finished ones, packaged files changed, broken signatures.

use crate::discovery::{RejectKind, SourceKind};
use crate::doctor::facts::Facts;
use crate::doctor::finding::{sh_quote, Finding, Severity};
use crate::doctor::packages::{Integrity, Signature};

/// Sources whose directories are made by an installer that can be interrupted.
fn managed(kind: SourceKind) -> bool {
    matches!(
        kind,
        SourceKind::Sdk
            | SourceKind::ModuleCache
            | SourceKind::Goenv
            | SourceKind::G
            | SourceKind::Gvm
            | SourceKind::Asdf
            | SourceKind::Mise
            | SourceKind::Groot
            | SourceKind::Official
            | SourceKind::Homebrew
    )
}

pub fn install_half_finished(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(inv) = &f.inventory {
        for i in &inv.installs {
            let incomplete = i
                .health
                .problems
                .iter()
                .find(|p| p.code == "incomplete_download");
            let lacks_core: Vec<&String> = i
                .health
                .missing
                .iter()
                .filter(|m| {
                    m.starts_with("bin/go") || m.as_str() == "pkg/tool" || m.as_str() == "src"
                })
                .collect();
            if incomplete.is_none() && lacks_core.is_empty() {
                continue;
            }
            if i.active && incomplete.is_none() {
                // goroot-incomplete reports the tree in use.
                continue;
            }
            let source = i.sources.first();
            let mut x = Finding::new(
                "install-half-finished",
                Severity::Warning,
                format!(
                    "{} ({}) is not a complete install",
                    i.root.display(),
                    i.version.as_deref().unwrap_or("version unknown")
                ),
            )
            .evidence(
                "install",
                i.root.display().to_string(),
                source.map(|s| s.detail.clone()),
            );
            if let Some(p) = incomplete {
                x = x.evidence("problem", p.message.clone(), None);
            }
            if !lacks_core.is_empty() {
                x = x.evidence(
                    "missing",
                    lacks_core
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    None,
                );
            }
            x = x
                .consequence("it is listed as installed, but selecting it fails or builds break")
                .fix("remove it and install it again");
            if let Some(v) = &i.version {
                if source.is_some_and(|s| s.kind == SourceKind::Groot) {
                    x = x
                        .command(format!("groot uninstall {v}"))
                        .command(format!("groot install {v}"));
                }
            }
            out.push(x);
        }
        for r in &inv.rejected {
            if r.kind == RejectKind::NotAGoTree
                && managed(r.source.kind)
                && r.source.kind != SourceKind::Official
            {
                out.push(
                    Finding::new(
                        "install-half-finished",
                        Severity::Warning,
                        format!("{} holds no Go tree", r.path.display()),
                    )
                    .evidence(
                        "directory",
                        r.path.display().to_string(),
                        Some(r.source.detail.clone()),
                    )
                    .evidence("why", r.reason.clone(), None)
                    .consequence(format!("{} lists a version that cannot run", r.source.kind))
                    .fix("remove the directory and install the version again")
                    .command(format!(
                        "rm -rf {}",
                        sh_quote(&r.path.display().to_string())
                    )),
                );
            }
        }
    }
    if let Some(store) = &f.store {
        for p in &store.leftovers {
            out.push(
                Finding::new(
                    "install-half-finished",
                    Severity::Info,
                    format!("an interrupted groot install left {}", p.display()),
                )
                .evidence("leftover", p.display().to_string(), Some(store.home.display().to_string()))
                .consequence("nothing uses it; it takes space until the next install of that version removes it")
                .fix("remove it")
                .command(format!("rm -rf {}", sh_quote(&p.display().to_string()))),
            );
        }
        for (name, root) in &store.broken_links {
            out.push(
                Finding::new(
                    "install-half-finished",
                    Severity::Warning,
                    format!(
                        "the linked toolchain {name} points to {}, which has no bin/go",
                        root.display()
                    ),
                )
                .evidence("link", name.clone(), Some(root.display().to_string()))
                .consequence(format!("selecting {name} fails"))
                .fix("remove the link")
                .command(format!("groot uninstall {name}")),
            );
        }
    }
    out
}

/// A toolchain groot installed with `--insecure-skip-verify`: its archive was never checked
/// against a published hash, so nothing vouches for it (issue 12, item 8).
pub fn install_unverified(f: &Facts) -> Vec<Finding> {
    let Some(store) = &f.store else {
        return Vec::new();
    };
    store
        .unverified
        .iter()
        .map(|(name, version, root)| {
            let request = version.clone().unwrap_or_else(|| name.clone());
            Finding::new(
                "install-unverified",
                Severity::Warning,
                format!("{name} was installed without checking its archive's sha256 (--insecure-skip-verify)"),
            )
            .evidence("toolchain", name.clone(), Some(root.display().to_string()))
            .consequence(
                "nothing vouches that this Go is the one its publisher released: a damaged or \
                 tampered archive would run as it is",
            )
            .fix("reinstall it from an index that publishes its hash (or with --from-archive FILE --sha256 HASH)")
            .command(format!("groot install --reinstall {}", sh_quote(&request)))
        })
        .collect()
}

/// `<home>/default` and `<home>/current` name different toolchains (issue 12, item 7): the
/// shims run one Go, a shell with `current/bin` on PATH another.
pub fn default_current_mismatch(f: &Facts) -> Vec<Finding> {
    let Some(m) = f.store.as_ref().and_then(|s| s.default_mismatch.as_ref()) else {
        return Vec::new();
    };
    let says = m.default.as_deref().unwrap_or("system (no default)");
    let mut x = Finding::new(
        "default-current-mismatch",
        Severity::Warning,
        format!(
            "groot's default is {says}, but its `current` link points to {}",
            m.current_target.display()
        ),
    )
    .evidence(
        "current",
        m.current.display().to_string(),
        Some(m.current_target.display().to_string()),
    );
    if let Some(root) = &m.default_root {
        x = x.evidence("default", says.to_owned(), Some(root.display().to_string()));
    }
    vec![x
        .consequence(
            "the shims run one Go and a shell with current/bin on PATH (`groot init --current`) another",
        )
        .fix("set the default again: groot writes both under one lock")
        .command(match &m.default {
            Some(name) => format!("groot use {}", sh_quote(name)),
            None => "groot use system".to_owned(),
        })]
}

pub fn install_modified(f: &Facts) -> Vec<Finding> {
    f.packages
        .iter()
        .filter_map(|p| {
            let Integrity::Modified { files } = &p.integrity else {
                return None;
            };
            let pkg = p.package.clone().unwrap_or_default();
            let manager = p.manager.clone().unwrap_or_default();
            let mut x = Finding::new(
                "install-modified",
                Severity::Warning,
                format!("{} file(s) of the {manager} package {pkg} differ from the package", files.len()),
            )
            .evidence("install", p.root.display().to_string(), Some(format!("{manager}: {pkg}")));
            for file in files.iter().take(10) {
                x = x.evidence("changed", file.clone(), p.commands.last().cloned());
            }
            let cmd = if manager == "rpm" {
                format!("sudo dnf reinstall {pkg}")
            } else {
                format!("sudo apt-get install --reinstall {pkg}")
            };
            Some(
                x.consequence("a patched or corrupted toolchain: builds may fail or differ from everyone else's")
                    .fix("reinstall the package")
                    .command(cmd),
            )
        })
        .collect()
}

pub fn install_signature_invalid(f: &Facts) -> Vec<Finding> {
    f.packages
        .iter()
        .filter_map(|p| {
            let Some(Signature::Invalid { message }) = &p.signature else {
                return None;
            };
            Some(
                Finding::new(
                    "install-signature-invalid",
                    Severity::Warning,
                    format!(
                        "the go binary in {} fails code signature checks",
                        p.root.display()
                    ),
                )
                .evidence(
                    "codesign -v",
                    message.clone(),
                    Some(p.root.join("bin/go").display().to_string()),
                )
                .consequence(
                    "macOS may refuse to run it (\"killed: 9\"), and its origin cannot be trusted",
                )
                .fix("reinstall this Go from an official download")
                .command("groot install latest"),
            )
        })
        .collect()
}
