//! Shell startup: contexts that see another go, stale `/etc/paths.d`, fighting managers, a
//! blocked `.envrc` that direnv would load Go settings from.

use std::collections::BTreeMap;
use std::path::Path;

use crate::doctor::facts::Facts;
use crate::doctor::finding::{Edit, Finding, Severity};
use crate::shell::contexts::ContextId;
use crate::shell::startup::managers::{self, Manager};
use crate::shell::startup::simulate::EffectKind;
use crate::version::Version;

use super::{at, install_at, startup_file};
use crate::shell::gaps::{Detail, Gap, Place};

fn place(p: &Place) -> Option<String> {
    Some(format!("{}:{}", p.file.display(), p.line))
}

fn names(ids: &[ContextId]) -> String {
    ids.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
}

/// The shell layer's gaps of one code, as findings (with the edits `groot fix` plans).
fn from_gaps(f: &Facts, code: &'static str, consequence: &str) -> Option<Vec<Finding>> {
    let sh = f.shell.as_ref()?;
    let gaps: Vec<&Gap> = sh.gaps.iter().filter(|g| g.code == code).collect();
    if gaps.is_empty() {
        return None;
    }
    Some(
        gaps.into_iter()
            .map(|g| gap_finding(code, g, consequence))
            .collect(),
    )
}

fn gap_finding(code: &'static str, g: &Gap, consequence: &str) -> Finding {
    let mut x = Finding::new(code, Severity::Warning, g.summary.clone()).consequence(consequence);
    match &g.detail {
        Detail::ContextGap {
            var,
            value,
            set_in,
            present,
            missing,
        } => {
            x = x.evidence("setting", format!("{var} {value}"), None);
            for p in set_in {
                x = x.evidence("set in", p.text.clone(), place(p));
            }
            if !present.is_empty() {
                x = x.evidence("present in", names(present), None);
            }
            for m in missing {
                x = x.evidence(
                    "missing in",
                    m.label(),
                    Some(m.file.as_ref().map_or_else(
                        || "no startup file reaches it".to_owned(),
                        |p| format!("fix in {}", p.display()),
                    )),
                );
            }
        }
        Detail::Shadowed {
            contexts,
            gos,
            intended,
            set_in,
            reordered_by,
        } => {
            x = x.evidence("contexts", names(contexts), None).evidence(
                "intended",
                intended.clone(),
                None,
            );
            for go in gos {
                x = x.evidence("go on PATH", go.dir.clone(), go.version.clone());
            }
            for p in set_in.iter().chain(reordered_by) {
                x = x.evidence("set in", p.text.clone(), place(p));
            }
        }
        Detail::PathsD {
            file,
            line,
            dir,
            problem,
            contexts,
        } => {
            x = x
                .evidence(
                    "entry",
                    dir.clone(),
                    Some(format!("{}:{line}", file.display())),
                )
                .evidence("problem", *problem, None)
                .evidence("contexts", names(contexts), None);
        }
        Detail::Managers { hooks } => {
            for (m, p) in hooks {
                x = x.evidence(m.name(), p.text.clone(), place(p));
            }
        }
        Detail::StaleGoroot {
            place: p,
            value,
            go_version,
            goroot_version,
            contexts,
            ..
        } => {
            x = x.evidence("GOROOT", value.clone(), place(p)).evidence(
                "contexts",
                names(contexts),
                None,
            );
            if let (Some(a), Some(b)) = (go_version, goroot_version) {
                x = x.evidence("versions", format!("go {a}, GOROOT {b}"), None);
            }
        }
    }
    x = x.fix(if g.edits.is_empty() {
        "see the evidence; `groot fix` cannot choose for you here".to_owned()
    } else {
        "`groot fix` applies these edits (with a backup and undo)".to_owned()
    });
    for c in &g.commands {
        x = x.command(c.clone());
    }
    if !g.edits.is_empty() {
        x = x.command("groot fix");
    }
    for e in &g.edits {
        x = x.edit(Edit::Startup { edit: e.clone() });
    }
    x
}

fn describe_go(f: &Facts, go: Option<&Path>) -> String {
    match go {
        None => "no go".to_owned(),
        Some(p) => match install_at(f, p).and_then(|i| i.version.clone()) {
            Some(v) => format!("{} ({v})", p.display()),
            None => p.display().to_string(),
        },
    }
}

pub fn startup_context_gap(f: &Facts) -> Vec<Finding> {
    if let Some(found) = from_gaps(
        f,
        "startup-context-gap",
        "go works in the terminal but fails or runs another version in scripts, editors or ssh commands",
    ) {
        return found;
    }
    let Some(sh) = &f.shell else {
        return Vec::new();
    };
    let Some(term) = f.terminal() else {
        return Vec::new();
    };
    let Some(term_go) = term.which_go.found.clone() else {
        return Vec::new();
    };
    // A project's `.envrc` (direnv) sets up Go for this directory's terminals only, on purpose.
    let direnv_made = term
        .stages
        .iter()
        .filter_map(|s| s.simulation.as_ref()?.direnv.as_ref())
        .any(|d| d.applied() && d.sets_go());
    if direnv_made {
        return Vec::new();
    }
    let term_goroot = term.var("GOROOT");
    let mut warn = Vec::new();
    let mut info = Vec::new();
    for p in &sh.predictions {
        let id = p.context.id;
        if matches!(
            id,
            ContextId::Terminal | ContextId::GithubActions | ContextId::DockerShell
        ) {
            continue;
        }
        let go = p.which_go.found.clone();
        let goroot = p.var("GOROOT");
        let differs = go.as_ref() != Some(&term_go) || goroot != term_goroot;
        if !differs {
            continue;
        }
        let mut what = describe_go(f, go.as_deref());
        if goroot != term_goroot {
            what.push_str(&format!(
                ", GOROOT {}",
                goroot.as_deref().unwrap_or("unset")
            ));
        }
        let entry = (id, p.context.title, what);
        if matches!(id, ContextId::Cron | ContextId::GuiApp) {
            info.push(entry);
        } else {
            warn.push(entry);
        }
    }
    if warn.is_empty() && info.is_empty() {
        return Vec::new();
    }
    let severity = if warn.is_empty() {
        Severity::Info
    } else {
        Severity::Warning
    };
    let names: Vec<&str> = warn.iter().chain(&info).map(|e| e.0.name()).collect();
    let mut x = Finding::new(
        "startup-context-gap",
        severity,
        format!(
            "a new terminal runs {}, but {} see{} something else",
            describe_go(f, Some(&term_go)),
            names.join(", "),
            if names.len() == 1 { "s" } else { "" }
        ),
    )
    .evidence(
        "terminal",
        describe_go(f, Some(&term_go)),
        Some("a new terminal tab".to_owned()),
    );
    for (id, title, what) in warn.iter().chain(&info) {
        x = x.evidence(id.name(), what.clone(), Some((*title).to_owned()));
    }
    // The lines that give the terminal its go: PATH effects naming its directory.
    let dir = crate::fs::dir(&term_go).display().to_string();
    let mut lines = Vec::new();
    if let Some(sim) = term.simulation() {
        for e in sim.effects_on("PATH") {
            if e.text.contains(&dir)
                || matches!(&e.kind, EffectKind::Set { value, .. } if value.contains(&dir))
            {
                lines.push(e.clone());
            }
        }
        for e in sim.effects_on("GOROOT") {
            lines.push(e.clone());
        }
    }
    for e in &lines {
        x = x.evidence("set in", e.text.clone(), Some(at(e)));
    }
    x = x.consequence(
        "go works in the terminal but fails or runs another version in scripts, editors, ssh \
         commands or cron jobs",
    );
    match startup_file(f) {
        Some(target) => {
            x = x.fix(format!(
                "set PATH (and GOROOT, if you must) in {}, which those contexts read; cron and \
                 GUI apps read no dotfiles: set PATH in the crontab or the app's settings",
                target.display()
            ));
            for e in &lines {
                if e.file != target {
                    x = x.edit(Edit::AppendLine {
                        file: target.clone(),
                        text: e.text.clone(),
                    });
                    x = x.edit(Edit::RemoveLine {
                        file: e.file.clone(),
                        line: e.line,
                        text: e.text.clone(),
                    });
                }
            }
        }
        None => x = x.fix("set PATH in a startup file every context reads"),
    }
    if info.iter().any(|e| e.0 == ContextId::Cron) {
        x = x.command(format!(
            "( echo 'PATH={dir}:/usr/bin:/bin'; crontab -l ) | crontab -"
        ));
    }
    vec![x]
}

pub fn paths_d_stale(f: &Facts) -> Vec<Finding> {
    if let Some(found) = from_gaps(
        f,
        "paths-d-stale",
        "login shells get a dead PATH entry, or run an older go than the one you installed",
    ) {
        return found;
    }
    let Some(sh) = &f.shell else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let login_path: Vec<String> = f.terminal().map(|t| t.path.clone()).unwrap_or_default();
    let pos = |d: &str| login_path.iter().position(|p| p == d);
    for l in &sh.paths_d {
        if !l.file.starts_with("/etc/paths.d") {
            continue;
        }
        if !l.exists {
            out.push(
                Finding::new(
                    "paths-d-stale",
                    Severity::Warning,
                    format!("{} names {}, which does not exist", l.file.display(), l.dir),
                )
                .evidence("entry", l.dir.clone(), Some(format!("{}:{}", l.file.display(), l.line)))
                .consequence("every login shell gets a dead PATH entry, usually left by an uninstalled Go .pkg")
                .fix(format!("remove {}", l.file.display()))
                .command(format!("sudo rm {}", l.file.display())),
            );
            continue;
        }
        let Some(v) = l.go_version.as_deref().and_then(Version::from_toolchain) else {
            continue;
        };
        // A newer go later on the login PATH loses to this one.
        let mine = pos(&l.dir);
        let newer = login_path.iter().enumerate().find_map(|(i, d)| {
            if Some(i) <= mine || mine.is_none() {
                return None;
            }
            let go = Path::new(d).join("go");
            let other = install_at(f, &go)?;
            let ov = other.version.as_deref().and_then(Version::from_toolchain)?;
            (ov > v).then_some((go, ov))
        });
        if let Some((go, ov)) = newer {
            out.push(
                Finding::new(
                    "paths-d-stale",
                    Severity::Warning,
                    format!(
                        "{} puts go{v} ({}) ahead of go{ov} ({})",
                        l.file.display(),
                        l.dir,
                        go.display()
                    ),
                )
                .evidence(
                    "entry",
                    l.dir.clone(),
                    Some(format!("{}:{}", l.file.display(), l.line)),
                )
                .evidence("newer go", format!("{} (go{ov})", go.display()), None)
                .consequence(format!("login shells run go{v}, not go{ov}"))
                .fix(format!("remove the old install and {}", l.file.display()))
                .command(format!("sudo rm {}", l.file.display())),
            );
        }
    }
    out
}

pub fn multiple_managers(f: &Facts) -> Vec<Finding> {
    if let Some(found) = from_gaps(
        f,
        "multiple-managers",
        "which Go runs depends on which hook ran last: versions change between shells, and \
         GOROOT/GOPATH set by one manager break the other",
    ) {
        return found;
    }
    let mut seen: BTreeMap<Manager, Vec<(String, Option<String>)>> = BTreeMap::new();
    if let Some(sh) = &f.shell {
        for p in &sh.predictions {
            if !matches!(p.context.id, ContextId::Terminal | ContextId::Script) {
                continue;
            }
            for st in &p.stages {
                let Some(sim) = &st.simulation else { continue };
                for (m, e) in sim.hooks() {
                    if m.manages_go() {
                        let v = seen.entry(m).or_default();
                        let item = (e.text.clone(), Some(at(e)));
                        if !v.contains(&item) {
                            v.push(item);
                        }
                    }
                }
            }
        }
    }
    for d in &f.path {
        if let Some(m) = managers::owner_of_dir(&d.entry) {
            if m.manages_go() {
                let v = seen.entry(m).or_default();
                let item = (
                    format!("PATH entry {}", d.entry),
                    Some(format!("PATH position {}", d.index + 1)),
                );
                if !v.iter().any(|(t, _)| t == &item.0) {
                    v.push(item);
                }
            }
        }
    }
    if seen.len() < 2 {
        return Vec::new();
    }
    let names: Vec<&str> = seen.keys().map(|m| m.name()).collect();
    let mut x = Finding::new(
        "multiple-managers",
        Severity::Warning,
        format!("{} Go version managers are set up: {}", seen.len(), names.join(", ")),
    )
    .consequence(
        "which Go runs depends on which hook ran last and on the directory: versions change \
         between shells, and GOROOT/GOPATH set by one manager break the other",
    )
    .fix("keep one manager: remove the other's hook from your startup files and its directory from PATH");
    for (m, items) in &seen {
        for (text, src) in items {
            x = x.evidence(m.name(), text.clone(), src.clone());
        }
    }
    vec![x]
}

/// `envrc-blocked`: direnv's hook runs at the prompt, and the directory's `.envrc` sets Go
/// variables or puts a go on PATH, but direnv refuses to load it (never allowed, or changed
/// since `direnv allow`). A blocked `.envrc` without Go settings is not groot's business.
pub fn envrc_blocked(f: &Facts) -> Vec<Finding> {
    use crate::shell::startup::simulate::DirenvState;
    let Some(sh) = &f.shell else {
        return Vec::new();
    };
    let mut out: Vec<Finding> = Vec::new();
    let mut seen = Vec::new();
    let loads = sh
        .predictions
        .iter()
        .flat_map(|p| &p.stages)
        .filter_map(|st| st.simulation.as_ref()?.direnv.as_ref());
    for d in loads {
        let (DirenvState::Blocked { allow_file }, Some(envrc)) = (&d.state, &d.envrc) else {
            continue;
        };
        if !d.sets_go() || seen.contains(envrc) {
            continue;
        }
        seen.push(envrc.clone());
        let dir = envrc.parent().unwrap_or(Path::new("/"));
        let mut x = Finding::new(
            "envrc-blocked",
            Severity::Warning,
            format!(
                "{} is blocked: direnv does not apply its Go settings",
                envrc.display()
            ),
        )
        .evidence(
            "direnv hook",
            "prompt hook".to_owned(),
            Some(format!("{}:{}", d.hook_file.display(), d.hook_line)),
        );
        for e in &d.effects {
            if let EffectKind::Set { .. } = e.kind {
                let go = match e.var.as_deref() {
                    Some("PATH") => !d.go_dirs.is_empty(),
                    Some(v) => v == "CGO_ENABLED" || v.starts_with("GO"),
                    None => false,
                };
                if go {
                    x = x.evidence("sets", e.text.clone(), Some(at(e)));
                }
            }
        }
        x = x
            .evidence(
                "allow file",
                format!("{} (missing)", allow_file.display()),
                None,
            )
            .consequence(format!(
                "terminals in {} run go without the project's settings, and direnv prints \
                 \"is blocked\" at every prompt; any edit of an allowed .envrc blocks it again",
                dir.display()
            ))
            .fix("read the file; if you trust it, allow it (direnv records its path and content)")
            .command(format!(
                "direnv allow {}",
                crate::doctor::finding::sh_quote(&dir.display().to_string())
            ));
        out.push(x);
    }
    out
}
