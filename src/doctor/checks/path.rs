//! PATH: no go, several go, unsafe entries, GOBIN missing.

use std::path::Path;

use crate::discovery::SourceKind;
use crate::doctor::facts::{Facts, GobinLauncher};
use crate::doctor::finding::{Edit, Finding, Severity};
use crate::fs::clean;

use super::{at, install_at, path_line, shell_lines, startup_file, user_shell};

fn version_of(f: &Facts, p: &Path) -> String {
    install_at(f, p)
        .and_then(|i| i.version.clone())
        .unwrap_or_else(|| "version unknown".to_owned())
}

pub fn go_not_on_path(f: &Facts) -> Vec<Finding> {
    let ex = &f.explanation;
    if ex.error.as_ref().is_none_or(|e| e.code != "go-not-on-path") {
        return Vec::new();
    }
    let installs: Vec<_> = f
        .inventory
        .as_ref()
        .map(|i| i.installs.iter().filter(|i| i.go.is_some()).collect())
        .unwrap_or_default();
    let mut x = Finding::new("go-not-on-path", Severity::Error, "no go on PATH")
        .evidence(
            "PATH",
            f.env.get("PATH").cloned().unwrap_or_default(),
            Some("environment".to_owned()),
        )
        .consequence("go: command not found");
    let best = installs
        .iter()
        .filter(|i| i.health.is_ok())
        .max_by(|a, b| {
            let v = |i: &&&crate::discovery::Install| {
                i.version
                    .as_deref()
                    .and_then(crate::version::Version::from_toolchain)
            };
            v(a).cmp(&v(b))
        })
        .or(installs.first());
    // groot keeps toolchains: its activation (the shims on PATH) is the fix, not a PATH line
    // to one of its trees.
    let groot_has = installs
        .iter()
        .any(|i| i.sources.iter().any(|s| s.kind == SourceKind::Groot));
    if groot_has {
        for i in &installs {
            x = x.evidence(
                "installed",
                format!(
                    "{} ({})",
                    i.root.display(),
                    i.version.as_deref().unwrap_or("?")
                ),
                None,
            );
        }
        let shell = match user_shell(f) {
            s @ ("bash" | "zsh" | "fish") => s,
            _ => "bash",
        };
        return vec![x
            .fix(format!(
                "activate groot in {shell}: its shims then run the selected toolchain"
            ))
            .command(format!("groot init {shell} --install"))];
    }
    match best {
        Some(i) => {
            for i in &installs {
                x = x.evidence(
                    "installed",
                    format!(
                        "{} ({})",
                        i.root.display(),
                        i.version.as_deref().unwrap_or("?")
                    ),
                    None,
                );
            }
            let bin = i.root.join("bin");
            let line = path_line(f, &bin, true);
            x = x
                .fix(format!("put {} on PATH", bin.display()))
                .command(line.clone());
            if let Some(file) = startup_file(f) {
                x = x.edit(Edit::AppendLine { file, text: line });
            }
        }
        None => {
            x = x.fix("install Go").command("groot install latest");
        }
    }
    vec![x]
}

/// The version manager a `go` on PATH belongs to: a `go` in its shims directory, or one of
/// its installs.
fn manager_of(f: &Facts, p: &Path) -> Option<(SourceKind, bool)> {
    let dir = crate::fs::dir(p);
    if let Some((k, _)) = f.manager_shims.iter().find(|(_, d)| clean(d) == dir) {
        return Some((*k, true));
    }
    install_at(f, p)?
        .sources
        .iter()
        .map(|s| s.kind)
        .find(|k| {
            matches!(
                k,
                SourceKind::Goenv
                    | SourceKind::Asdf
                    | SourceKind::Mise
                    | SourceKind::Groot
                    | SourceKind::G
                    | SourceKind::Gvm
            )
        })
        .map(|k| (k, false))
}

/// Whether a later `go` on PATH is worth a word: not when the same manager owns both (mise's
/// install ahead of mise's shims, groot's shim ahead of a groot toolchain), and not when the
/// first is a manager's shim: the manager picks the version, and its `system` choice runs
/// the next go on PATH on purpose.
fn shadow_matters(f: &Facts, chosen: Option<(SourceKind, bool)>, other: &Path) -> bool {
    match (chosen, manager_of(f, other)) {
        (Some((a, _)), Some((b, _))) if a == b => false,
        (Some((_, true)), None) => false,
        _ => true,
    }
}

/// Whether `dir` is on PATH because the project's `.envrc` put it there: direnv loaded that
/// file in the shell doctor runs in (DIRENV_FILE), and the model has it add `dir`. A project
/// choosing its go ahead of the user's is what direnv is for.
fn from_envrc(f: &Facts, dir: &Path) -> bool {
    let Some(file) = f.env.get("DIRENV_FILE").filter(|v| !v.is_empty()) else {
        return false;
    };
    let Some(sh) = &f.shell else {
        return false;
    };
    sh.predictions
        .iter()
        .flat_map(|p| &p.stages)
        .filter_map(|st| st.simulation.as_ref()?.direnv.as_ref())
        .any(|d| {
            d.envrc.as_deref() == Some(Path::new(file))
                && d.path_added.iter().any(|a| Path::new(a) == dir)
        })
}

pub fn path_shadowed_go(f: &Facts) -> Vec<Finding> {
    let ex = &f.explanation;
    let Some(chosen) = ex.lookup.chosen() else {
        return Vec::new();
    };
    if from_envrc(f, &crate::fs::dir(&chosen.absolute)) {
        return Vec::new();
    }
    let first_root = install_at(f, &chosen.absolute).map(|i| i.root.clone());
    let first_version = version_of(f, &chosen.absolute);
    let first_manager = manager_of(f, &chosen.absolute);
    let others: Vec<_> = ex
        .lookup
        .shadowed()
        .filter(|c| {
            let root = install_at(f, &c.absolute).map(|i| i.root.clone());
            (root.is_none() || root != first_root) && shadow_matters(f, first_manager, &c.absolute)
        })
        .collect();
    if others.is_empty() {
        return Vec::new();
    }
    let differ = others
        .iter()
        .any(|c| version_of(f, &c.absolute) != first_version);
    let mut x = Finding::new(
        "path-shadowed-go",
        if differ {
            Severity::Warning
        } else {
            Severity::Info
        },
        format!(
            "{} ({first_version}) shadows {} other go on PATH",
            chosen.absolute.display(),
            others.len()
        ),
    )
    .evidence(
        "runs",
        format!("{} ({first_version})", chosen.absolute.display()),
        Some(format!("PATH entry {}", chosen.index + 1)),
    );
    for c in &others {
        x = x.evidence(
            "shadowed",
            format!("{} ({})", c.absolute.display(), version_of(f, &c.absolute)),
            Some(format!("PATH entry {}", c.index + 1)),
        );
    }
    x = x.consequence(if differ {
        format!(
            "`go` runs {first_version}; tools, IDEs or scripts that expect one of the others get \
             the wrong version"
        )
    } else {
        "the same version twice: harmless, but one of them is never used".to_owned()
    });
    let wanted = others[0];
    let dir = crate::fs::dir(&wanted.absolute);
    x = x
        .fix(format!(
            "if you meant {}, move its directory ahead in PATH (or remove the other install)",
            wanted.absolute.display()
        ))
        .command(path_line(f, &dir, true));
    let chosen_dir = crate::fs::dir(&chosen.absolute).display().to_string();
    for e in shell_lines(f, "PATH") {
        if e.text.contains(&chosen_dir) {
            x = x.evidence("PATH set by", e.text.clone(), Some(at(e)));
        }
    }
    vec![x]
}

pub fn path_unsafe_entry(f: &Facts) -> Vec<Finding> {
    let go_index = f.explanation.lookup.chosen().map(|c| c.index);
    let bad: Vec<_> = f
        .path
        .iter()
        .filter(|d| d.relative || d.world_writable)
        .collect();
    if bad.is_empty() {
        return Vec::new();
    }
    let before_go = bad.iter().any(|d| go_index.is_none_or(|g| d.index <= g));
    let mut x = Finding::new(
        "path-unsafe-entry",
        if before_go {
            Severity::Warning
        } else {
            Severity::Info
        },
        format!(
            "PATH has {} unsafe entr{}{}",
            bad.len(),
            if bad.len() == 1 { "y" } else { "ies" },
            if before_go { " ahead of go" } else { "" }
        ),
    );
    for d in &bad {
        let what = if d.entry.is_empty() {
            "empty: the current directory".to_owned()
        } else if d.relative {
            format!("{}: relative to the current directory", d.entry)
        } else if d.sticky {
            format!("{}: world-writable (sticky)", d.entry)
        } else {
            format!("{}: world-writable", d.entry)
        };
        x = x.evidence(
            "PATH entry",
            what,
            Some(format!("position {}", d.index + 1)),
        );
    }
    x = x
        .consequence(
            "anyone who can write there (another user, or a checked-out repository) can plant a \
             `go` or a tool that runs in its place",
        )
        .fix("remove these entries from PATH, or move them after every trusted directory");
    for e in shell_lines(f, "PATH") {
        let t = &e.text;
        if t.contains(":.:") || t.contains("=.:") || t.contains("::") || t.contains(":.\"") {
            x = x.evidence("PATH set by", t.clone(), Some(at(e)));
        }
    }
    vec![x]
}

pub fn gobin_not_on_path(f: &Facts) -> Vec<Finding> {
    let Some(gobin) = &f.gobin else {
        return Vec::new();
    };
    let on_path = f
        .path
        .iter()
        .any(|d| !d.relative && clean(Path::new(&d.entry)) == clean(gobin));
    if on_path {
        return Vec::new();
    }
    if let Some(l) = &f.gobin_launcher {
        return gobin_behind_launcher(f, gobin, l);
    }
    let (severity, tools) = match &f.gobin_files {
        Some(files) if !files.is_empty() => (Severity::Warning, files.clone()),
        _ => (Severity::Info, Vec::new()),
    };
    let source = f
        .setting("GOBIN")
        .map(|s| s.source.to_string())
        .unwrap_or_else(|| "default: the first GOPATH entry + /bin".to_owned());
    let mut x = Finding::new(
        "gobin-not-on-path",
        severity,
        format!("{} is not on PATH", gobin.display()),
    )
    .evidence("GOBIN", gobin.display().to_string(), Some(source));
    if !tools.is_empty() {
        let mut shown: Vec<String> = tools.iter().take(8).cloned().collect();
        if tools.len() > 8 {
            shown.push(format!("… {} more", tools.len() - 8));
        }
        x = x.evidence("installed there", shown.join(", "), None);
    }
    let line = path_line(f, gobin, false);
    x = x
        .consequence(
            "tools installed with `go install` (gopls, dlv, staticcheck…) are not found: \
             \"command not found\", and editors cannot start gopls",
        )
        .fix(format!("add {} to PATH", gobin.display()))
        .command(line.clone());
    if let Some(file) = startup_file(f) {
        x = x.edit(Edit::AppendLine { file, text: line });
    }
    vec![x]
}

/// GOBIN set by a version manager's shim (mise, asdf-golang): the shell reaches those tools
/// through the manager's shims, which exist only after a reshim. Nothing to say when every
/// tool there has its shim (or there is none yet).
fn gobin_behind_launcher(f: &Facts, gobin: &Path, l: &GobinLauncher) -> Vec<Finding> {
    if l.unshimmed.is_empty() {
        return Vec::new();
    }
    let source = f
        .setting("GOBIN")
        .map(|s| s.source.to_string())
        .unwrap_or_default();
    let mut shown: Vec<String> = l.unshimmed.iter().take(8).cloned().collect();
    if l.unshimmed.len() > 8 {
        shown.push(format!("… {} more", l.unshimmed.len() - 8));
    }
    vec![Finding::new(
        "gobin-not-on-path",
        Severity::Warning,
        format!(
            "tools in {} have no {} yet, and it is not on PATH",
            gobin.display(),
            l.label
        ),
    )
    .evidence("GOBIN", gobin.display().to_string(), Some(source))
    .evidence("without a shim in", l.shims.display().to_string(), None)
    .evidence("installed there", shown.join(", "), None)
    .consequence(
        "tools installed with `go install` (gopls, dlv, staticcheck…) are not found: \
         \"command not found\", and editors cannot start gopls",
    )
    .fix(format!(
        "make the manager's shims for them (it does not after `go install`): `{}`",
        l.reshim
    ))
    .command(l.reshim)]
}
