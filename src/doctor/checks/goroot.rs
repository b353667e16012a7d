//! GOROOT: set to something that is not there, not a Go tree, another version, pinned to a
//! Homebrew Cellar, written into the go env file; an incomplete tree; a detached binary.

use std::path::{Path, PathBuf};

use crate::doctor::facts::{Facts, GorootSource};
use crate::doctor::finding::{sh_quote, Edit, Finding, Severity};
use crate::resolve::{Outcome, Stage};

use super::{at, envrc_of, hook_at, install_at, shell_lines};
use crate::shell::startup::managers::Hook;

/// Evidence and edits for the startup-file lines that set GOROOT.
fn with_shell_lines(mut finding: Finding, f: &Facts, value_filter: Option<&str>) -> Finding {
    for e in shell_lines(f, "GOROOT") {
        // A project's `.envrc`, applied by direnv at the prompt: edit it there, then allow
        // the edited file (direnv blocks any changed `.envrc`).
        if envrc_of(f, e).is_some() {
            // Only the `.envrc` loaded where doctor runs set this process's GOROOT.
            if f.env.get("DIRENV_FILE").map(Path::new) != Some(e.file.as_path()) {
                continue;
            }
            let dir = e.file.parent().unwrap_or(Path::new("/"));
            finding = finding
                .evidence(
                    "set by",
                    format!(
                        "{} (loaded by direnv at the prompt in {})",
                        e.text,
                        dir.display()
                    ),
                    Some(at(e)),
                )
                .fix(format!(
                    "edit or remove that line of {}, then run `direnv allow` there: direnv \
                     blocks an .envrc changed since it was allowed",
                    e.file.display()
                ))
                .edit(Edit::RemoveLine {
                    file: e.file.clone(),
                    line: e.line,
                    text: e.text.clone(),
                })
                .command(format!(
                    "direnv allow {}",
                    sh_quote(&dir.display().to_string())
                ));
            continue;
        }
        // A version manager's hook exports it: never delete the hook line; say what to tell
        // that manager instead.
        if let Some(hook) = hook_at(f, &e.file, e.line) {
            let manager = hook.manager().name();
            finding = finding.evidence(
                "set by",
                format!("{} ({manager}'s hook)", e.text),
                Some(at(e)),
            );
            finding = finding.fix(hook_goroot_fix(&hook, &at(e), &e.text));
            continue;
        }
        let shown = match &e.kind {
            crate::shell::startup::simulate::EffectKind::Set { value, .. } => {
                crate::shell::startup::simulate::display_value(value)
            }
            _ => e.text.clone(),
        };
        if value_filter.is_some_and(|v| !shown.contains(v) && !e.text.contains(v)) {
            continue;
        }
        finding = finding
            .evidence("set by", e.text.clone(), Some(at(e)))
            .edit(Edit::RemoveLine {
                file: e.file.clone(),
                line: e.line,
                text: e.text.clone(),
            });
    }
    finding
}

/// What to do about a GOROOT a manager's hook exports (at `place`, the line `text`).
fn hook_goroot_fix(hook: &Hook, place: &str, text: &str) -> String {
    match hook {
        Hook::GoenvInit => format!(
            "goenv's init exports GOROOT for the version selected when the shell starts: add \
             `export GOENV_DISABLE_GOROOT=1` above `{text}` ({place}); goenv then leaves GOROOT \
             alone and go finds its own root"
        ),
        Hook::MiseActivate { .. } => format!(
            "mise's hook ({place}) sets GOROOT for the directory where it last ran: in shells \
             without a prompt use `mise activate --shims` (go then gets GOROOT from mise at each \
             run), or run go through `mise exec`"
        ),
        Hook::Gimme => format!(
            "gimme exports GOROOT for the version named at {place}: change the version on that \
             line, or remove the line and let one manager choose"
        ),
        Hook::GvmScript => format!(
            "gvm exports GOROOT for its default ({place}): switch with `gvm use <version> \
             --default`, or remove the gvm line if another manager chooses Go"
        ),
        _ => format!(
            "GOROOT comes from {}'s hook at {place}: keep the hook and unset GOROOT after it",
            hook.manager().name()
        ),
    }
}

fn source_fix(mut finding: Finding, s: &GorootSource) -> Finding {
    match (&s.file, s.line) {
        (Some(file), Some(_)) => {
            finding = finding.edit(Edit::UnsetGoEnv {
                file: file.clone(),
                key: "GOROOT".to_owned(),
            });
        }
        _ => finding = finding.command("unset GOROOT"),
    }
    finding
}

/// The shell sits in a directory that no longer exists: cmd/go cannot determine its working
/// directory and stops (see docs/goroot-resolution.md, section 6).
pub fn cwd_deleted(f: &Facts) -> Vec<Finding> {
    let Some(err) = f
        .explanation
        .error
        .as_ref()
        .filter(|e| e.code == "cwd-gone")
    else {
        return Vec::new();
    };
    let pwd = f.env.get("PWD").filter(|p| !p.is_empty());
    let mut x = Finding::new(
        "cwd-deleted",
        Severity::Error,
        match pwd {
            Some(p) => format!("the current directory {p} was deleted"),
            None => "the current directory was deleted".to_owned(),
        },
    );
    if let Some(p) = pwd {
        x = x.evidence("PWD", p.clone(), Some("environment".to_owned()));
    }
    vec![x
        .evidence("go says", err.message.clone(), None)
        .consequence(
            "every go command run here fails (which one depends on GOTOOLCHAIN and the Go \
             version), while the same command works in any other directory",
        )
        .fix("enter the directory again if it was re-created (a new build directory, another branch), else any existing one")
        .command("cd \"$PWD\" || cd ..")]
}

pub fn goroot_env_missing(f: &Facts) -> Vec<Finding> {
    f.goroot_sources
        .iter()
        .filter(|s| !s.exists)
        .map(|s| {
            let tilde = s.value.starts_with('~');
            let title = if tilde {
                format!(
                    "GOROOT is {} with a literal '~', which no program expands",
                    s.value
                )
            } else {
                format!("GOROOT is {}, which does not exist", s.value)
            };
            let severity = if s.effective {
                Severity::Error
            } else {
                Severity::Warning
            };
            let mut x = Finding::new("goroot-env-missing", severity, title)
                .evidence("GOROOT", s.value.clone(), Some(s.source.clone()))
                .consequence(if s.effective {
                    format!(
                        "every go command fails with \"go: cannot find GOROOT directory: {}\"",
                        s.value
                    )
                } else {
                    "the variable wins today; without it go fails to find this GOROOT, and \
                     $GOROOT/go.env is read from it already"
                        .to_owned()
                })
                .fix("remove the setting: go finds its own root next to the go binary");
            if s.value.contains("/Cellar/") {
                x = x.evidence(
                    "why",
                    "a versioned Homebrew Cellar path, removed by the last `brew upgrade`",
                    None,
                );
            }
            x = source_fix(x, s);
            if s.file.is_none() {
                x = with_shell_lines(x, f, None);
            }
            x
        })
        .collect()
}

pub fn goroot_env_not_a_goroot(f: &Facts) -> Vec<Finding> {
    f.goroot_sources
        .iter()
        .filter(|s| s.exists && !s.is_goroot)
        .map(|s| {
            let mut x = Finding::new(
                "goroot-env-not-a-goroot",
                if s.effective {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                format!(
                    "GOROOT is {}, which has no pkg/tool: not a Go root",
                    s.value
                ),
            )
            .evidence("GOROOT", s.value.clone(), Some(s.source.clone()))
            .consequence(format!(
                "go uses it anyway: builds fail (\"package fmt is not in std ({}/src/fmt)\") and \
                 go tool finds no compiler",
                s.value.trim_end_matches('/')
            ));
            match &s.suggestion {
                Some(p) => {
                    x = x
                        .evidence("the Go root is", p.display().to_string(), None)
                        .fix(format!(
                            "unset GOROOT (go finds its root), or set it to {}",
                            p.display()
                        ))
                }
                None => x = x.fix("unset GOROOT: go finds its own root"),
            }
            x = source_fix(x, s);
            if s.file.is_none() {
                x = with_shell_lines(x, f, None);
            }
            x
        })
        .collect()
}

pub fn goroot_version_mismatch(f: &Facts) -> Vec<Finding> {
    let ex = &f.explanation;
    let Some(bin) = &ex.binary else {
        return Vec::new();
    };
    let go_version = bin.version.raw.clone();
    f.goroot_sources
        .iter()
        .filter(|s| (s.effective || s.replaced_by.is_some()) && s.is_goroot)
        .filter_map(|s| {
            let v = s.version.clone()?;
            if v == go_version || !v.starts_with("go") {
                return None;
            }
            // A launcher (goenv's shim) gives go its own GOROOT: go works, but editors, gopls
            // and scripts that read $GOROOT get the other tree.
            let (severity, title) = match &s.replaced_by {
                Some(l) => (
                    Severity::Warning,
                    format!(
                        "GOROOT {} holds {v}; go ({go_version}) gets its own GOROOT from {l}, \
                         but tools that read $GOROOT see {v}",
                        s.value
                    ),
                ),
                None => (
                    Severity::Error,
                    format!(
                        "GOROOT {} holds {v}, but the go that runs is {go_version}",
                        s.value
                    ),
                ),
            };
            let mut x = Finding::new("goroot-version-mismatch", severity, title)
            .evidence("GOROOT", s.value.clone(), Some(s.source.clone()))
            .evidence(
                "VERSION",
                v.clone(),
                Some(format!("{}/VERSION", s.value.trim_end_matches('/'))),
            )
            .evidence(
                "go",
                format!(
                    "{} ({go_version})",
                    ex.go.as_ref().map(|g| g.display().to_string()).unwrap_or_default()
                ),
                Some("PATH".to_owned()),
            )
            .consequence(format!(
                "builds fail with \"compile: version \\\"{v}\\\" does not match go tool version \
                 \\\"{go_version}\\\"\""
            ))
            .fix("unset GOROOT so go uses its own tree, or make PATH and GOROOT name the same install");
            x = source_fix(x, s);
            if s.file.is_none() {
                x = with_shell_lines(x, f, None);
            }
            Some(x)
        })
        .collect()
}

pub fn goroot_goenv_file(f: &Facts) -> Vec<Finding> {
    let Some(s) = f.goroot_sources.iter().find(|s| s.file.is_some()) else {
        return Vec::new();
    };
    let file = s.file.clone().unwrap_or_default();
    let minor = f
        .explanation
        .binary
        .as_ref()
        .and_then(|b| b.version.minor())
        .unwrap_or(0);
    let mut x = Finding::new(
        "goroot-goenv-file",
        Severity::Warning,
        format!(
            "GOROOT={} is set in the go env file {}",
            s.value,
            file.display()
        ),
    )
    .evidence("GOROOT", s.value.clone(), Some(s.source.clone()))
    .consequence(
        "it overrides go's own discovery for every shell, IDE and CI job of this user, and \
         goes stale when that Go is upgraded or removed",
    )
    .edit(Edit::UnsetGoEnv {
        file: file.clone(),
        key: "GOROOT".to_owned(),
    });
    if minor >= 27 || minor == 0 {
        x = x.fix(format!(
            "delete the GOROOT= line from {} (Go 1.27 refuses `go env -u GOROOT`)",
            file.display()
        ));
    } else if s.exists && s.is_goroot {
        x = x
            .fix("remove it with go env -u")
            .command("go env -u GOROOT");
    } else {
        // With a bad value every go command fails, `go env -u` included, until GOROOT is set.
        let good = f
            .inventory
            .as_ref()
            .and_then(|i| i.installs.iter().find(|i| i.tree.is_goroot))
            .map(|i| i.root.display().to_string());
        x = x.fix("remove it; go cannot start with this value, so give it a working GOROOT once");
        match good {
            Some(g) => x = x.command(format!("GOROOT={} go env -u GOROOT", sh_quote(&g))),
            None => {
                x = x.command(format!(
                    "sed -i.bak '/^GOROOT=/d' {}",
                    sh_quote(&file.display().to_string())
                ))
            }
        }
    }
    vec![x]
}

/// `(prefix, formula)` of a versioned Cellar path (`/opt/homebrew/Cellar/go/1.22.1/libexec`).
fn cellar(value: &str) -> Option<(String, String)> {
    let at = value.find("/Cellar/")?;
    let rest = &value[at + "/Cellar/".len()..];
    let formula = rest.split('/').next()?;
    let version = rest.split('/').nth(1)?;
    ((formula == "go" || formula.starts_with("go@")) && !version.is_empty())
        .then(|| (value[..at].to_owned(), formula.to_owned()))
}

pub fn homebrew_cellar_pinned(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut push = |value: &str, source: String, edit: Option<Edit>| {
        let Some((prefix, formula)) = cellar(value) else {
            return;
        };
        // One finding per value: an exported GOROOT seen both in the environment and on the
        // startup line that sets it is one problem (reported at the line, which can be fixed).
        if seen.iter().any(|v| v == value) {
            return;
        }
        seen.push(value.to_owned());
        let stable = format!("{prefix}/opt/{formula}/libexec");
        let mut x = Finding::new(
            "homebrew-cellar-pinned",
            Severity::Warning,
            format!("GOROOT is pinned to the versioned Homebrew path {value}"),
        )
        .evidence("GOROOT", value.to_owned(), Some(source))
        .evidence("stable path", stable.clone(), None)
        .consequence(format!(
            "the next `brew upgrade {formula}` deletes that directory and go fails with \"go: \
             cannot find GOROOT directory: {value}\""
        ))
        .fix(format!("leave GOROOT unset (go finds it), or use {stable}"));
        if let Some(e) = edit {
            x = x.edit(e);
        }
        out.push(x);
    };
    for e in shell_lines(f, "GOROOT") {
        if let crate::shell::startup::simulate::EffectKind::Set { value, .. } = &e.kind {
            let v = crate::shell::startup::simulate::display_value(value);
            push(
                &v,
                at(e),
                Some(Edit::RemoveLine {
                    file: e.file.clone(),
                    line: e.line,
                    text: e.text.clone(),
                }),
            );
        }
    }
    for s in &f.goroot_sources {
        let edit = s.file.as_ref().map(|file| Edit::UnsetGoEnv {
            file: file.clone(),
            key: "GOROOT".to_owned(),
        });
        push(&s.value, s.source.clone(), edit);
    }
    out
}

pub fn goroot_incomplete(f: &Facts) -> Vec<Finding> {
    let Some(t) = f.tree() else {
        return Vec::new();
    };
    // Not a Go root at all, or explicitly set and broken: the GOROOT checks above say so.
    if !t.is_goroot || t.missing.is_empty() {
        return Vec::new();
    }
    let serious = t
        .missing
        .iter()
        .any(|m| m.starts_with("pkg/tool") || m.starts_with("bin/go") || m == "src");
    let severity = if serious {
        Severity::Error
    } else {
        Severity::Warning
    };
    let mut consequences = Vec::new();
    for m in &t.missing {
        consequences.push(match m.as_str() {
            "src" => "builds fail: \"package fmt is not in std\"".to_owned(),
            "go.env" => {
                "no GOPROXY, GOSUMDB or GOTOOLCHAIN defaults: downloads go direct, go never \
                 switches toolchains"
                    .to_owned()
            }
            "VERSION" => "tools cannot tell which release this is".to_owned(),
            m if m.starts_with("pkg/tool") => {
                format!("no compiler or linker for this platform ({m})")
            }
            m => format!("{m} is missing"),
        });
    }
    let version = t
        .version_file
        .as_ref()
        .map(|v| v.version.clone())
        .or_else(|| f.explanation.go_version.clone());
    let mut x = Finding::new(
        "goroot-incomplete",
        severity,
        format!("{} lacks {}", t.root.display(), t.missing.join(", ")),
    )
    .evidence("GOROOT", t.root.display().to_string(), None)
    .evidence("missing", t.missing.join(", "), None)
    .consequence(consequences.join("; "))
    .fix("reinstall this Go (a partial copy or an interrupted unpack)");
    if let Some(v) = version {
        x = x.command(format!("groot install {v}"));
    }
    vec![x]
}

pub fn go_binary_detached(f: &Facts) -> Vec<Finding> {
    let ex = &f.explanation;
    let Some(go) = &ex.go else {
        return Vec::new();
    };
    let trimmed = ex
        .error
        .as_ref()
        .is_some_and(|e| e.code == "goroot-trimmed");
    let fallback = ex.steps.iter().find(|s| {
        s.stage == Stage::Goroot
            && s.rule == "stamped-default"
            && s.outcome == Outcome::Chosen
            && s.toolchain.is_none()
    });
    if !trimmed && fallback.is_none() {
        return Vec::new();
    }
    let version = ex
        .binary
        .as_ref()
        .map(|b| b.version.raw.clone())
        .unwrap_or_default();
    let mut x = Finding::new(
        "go-binary-detached",
        if trimmed {
            Severity::Error
        } else {
            Severity::Warning
        },
        format!("{} ({version}) is not inside a Go tree", go.display()),
    )
    .evidence("go", go.display().to_string(), Some("PATH".to_owned()))
    .evidence("version", version.clone(), None);
    x = if trimmed {
        x.consequence(
            "every go command fails with \"go: cannot find GOROOT directory: 'go' binary is \
             trimmed and GOROOT is not set\"",
        )
    } else {
        let def = fallback
            .and_then(|s| s.candidate.clone())
            .unwrap_or_default();
        x.evidence(
            "falls back to",
            def.clone(),
            Some("GOROOT stamped in the binary".to_owned()),
        )
        .consequence(format!(
            "go uses the GOROOT built into it ({def}), which may hold another version or \
                 vanish"
        ))
    };
    // An install of the same version to link to.
    let same = f.inventory.as_ref().and_then(|inv| {
        inv.installs
            .iter()
            .find(|i| i.version.as_deref() == Some(version.as_str()) && i.tree.is_goroot)
    });
    match same {
        Some(i) => {
            let target: PathBuf = i.root.join("bin").join("go");
            x = x
                .fix(format!(
                    "replace the copy with a symlink into {}",
                    i.root.display()
                ))
                .command(format!(
                    "ln -sf {} {}",
                    sh_quote(&target.display().to_string()),
                    sh_quote(&go.display().to_string())
                ));
        }
        None => {
            x = x.fix("remove the copy and put the bin directory of a complete Go install on PATH");
        }
    }
    if install_at(f, go).is_none() {
        x = x.evidence("tree", "none found around the binary", None);
    }
    vec![x]
}

pub fn goroot_unsafe_permissions(f: &Facts) -> Vec<Finding> {
    if f.goroot_perms.is_empty() {
        return Vec::new();
    }
    let world: Vec<_> = f.goroot_perms.iter().filter(|p| p.world_writable).collect();
    let root = f
        .tree()
        .map(|t| t.root.display().to_string())
        .unwrap_or_default();
    let mut x = Finding::new(
        "goroot-unsafe-permissions",
        if world.is_empty() {
            Severity::Info
        } else {
            Severity::Warning
        },
        if world.is_empty() {
            format!("the Go tree {root} belongs to another user")
        } else {
            format!("the Go tree {root} is writable by every user")
        },
    )
    .consequence(
        "whoever can write there can replace go, the compiler (pkg/tool) or the standard \
         library, and the code runs as you on your next build",
    )
    .fix("make the tree writable by its owner only (or reinstall it as root or as yourself)");
    for p in &f.goroot_perms {
        let mut what = Vec::new();
        if p.world_writable {
            what.push("writable by every user".to_owned());
        }
        if let Some(uid) = p.foreign_owner {
            what.push(format!("owned by uid {uid}"));
        }
        x = x.evidence("path", p.path.display().to_string(), Some(what.join(", ")));
    }
    if !world.is_empty() {
        x = x.command(format!("chmod -R go-w {}", sh_quote(&root)));
    }
    vec![x]
}
