//! `startup-context-gap`: Go settings (PATH entries holding go or its tools, Go variables)
//! found in the user's startup files, and the contexts each one does not reach.

use super::*;

/// A Go setting the user makes somewhere.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Setting {
    /// A PATH entry holding `go` (or Go's tools: a `…/go/bin` dir).
    Dir(String),
    Var(String, String),
}

/// Variables a context-gap fix copies. GOROOT is never copied: go finds its own root.
pub(super) const COPIED_VARS: &[&str] = &[
    "GOPATH",
    "GOBIN",
    "GOTOOLCHAIN",
    "GOFLAGS",
    "GOPROXY",
    "GOPRIVATE",
    "GONOPROXY",
    "GONOSUMDB",
    "GOSUMDB",
    "GOINSECURE",
    "GO111MODULE",
    "GOMODCACHE",
    "GOCACHE",
    "GOEXPERIMENT",
    "CGO_ENABLED",
];

pub(super) const SYSTEM_DIRS: &[&str] = &[
    "/usr/bin",
    "/bin",
    "/usr/sbin",
    "/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
];

pub(super) fn has_go(fs: &dyn View, dir: &str) -> bool {
    dir.starts_with('/') && fs.is_file(&Path::new(dir).join("go"))
}

pub(super) fn is_go_dir(fs: &dyn View, dir: &str) -> bool {
    has_go(fs, dir) || (dir.trim_end_matches('/').ends_with("/go/bin") && fs.is_dir(Path::new(dir)))
}

pub(super) fn split(v: &str) -> Vec<String> {
    v.split(':')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Go settings made by user files in one simulation, started from `start_path`.
pub(super) fn settings_in(
    inp: &GapInputs<'_>,
    sim: &Simulation,
    start_path: &[String],
    out: &mut BTreeMap<Setting, Vec<Place>>,
) {
    // The value of PATH-like variables before each effect, so that only entries new at a
    // line count as set there (path_helper's entries are not the user's).
    let mut prev: BTreeMap<String, Vec<String>> = BTreeMap::new();
    prev.insert("PATH".into(), start_path.to_vec());
    for e in &sim.effects {
        let EffectKind::Set {
            value, resolved, ..
        } = &e.kind
        else {
            continue;
        };
        let var = e.var.clone().unwrap_or_default();
        let before = if var == "PATH" || var == "fish_user_paths" {
            prev.insert(var.clone(), split(value)).unwrap_or_default()
        } else {
            Vec::new()
        };
        // A project's `.envrc` (direnv) is meant for that directory's terminals only.
        if !inp.is_user_file(&e.file) || sim.from_envrc(e) {
            continue;
        }
        let place = Place {
            file: e.file.clone(),
            line: e.line,
            text: e.text.clone(),
        };
        let mut add = |s: Setting| {
            let v = out.entry(s).or_default();
            if !v.contains(&place) {
                v.push(place.clone());
            }
        };
        match e.var.as_deref() {
            Some("PATH") | Some("fish_user_paths") => {
                for dir in split(value) {
                    if is_resolved(&dir)
                        && !before.contains(&dir)
                        && !start_path.contains(&dir)
                        && !SYSTEM_DIRS.contains(&dir.as_str())
                        && is_go_dir(inp.fs, &dir)
                    {
                        add(Setting::Dir(dir));
                    }
                }
            }
            Some(v) if COPIED_VARS.contains(&v) && *resolved => {
                add(Setting::Var(v.to_string(), value.clone()));
            }
            _ => {}
        }
    }
}

/// Well-known dotfiles and the shell that reads them, for settings in files that no context
/// of the user's shell reads (`~/.profile` with zsh).
pub(super) fn known_dotfiles(inp: &GapInputs<'_>) -> Vec<(PathBuf, ShellKind)> {
    let h = inp.home();
    vec![
        (h.join(".profile"), ShellKind::Sh),
        (h.join(".bash_profile"), ShellKind::Bash),
        (h.join(".bash_login"), ShellKind::Bash),
        (h.join(".bashrc"), ShellKind::Bash),
        (h.join(".zshenv"), ShellKind::Zsh),
        (h.join(".zprofile"), ShellKind::Zsh),
        (h.join(".zshrc"), ShellKind::Zsh),
        (h.join(".zlogin"), ShellKind::Zsh),
        (h.join(".config/fish/config.fish"), ShellKind::Fish),
    ]
}

pub(super) fn all_settings(inp: &GapInputs<'_>) -> BTreeMap<Setting, Vec<Place>> {
    let mut out = BTreeMap::new();
    for p in inp.predictions {
        for st in &p.stages {
            if let Some(sim) = &st.simulation {
                let start = split(st.start_env.get("PATH").map(String::as_str).unwrap_or(""));
                settings_in(inp, sim, &start, &mut out);
            }
        }
    }
    if out.keys().any(|s| matches!(s, Setting::Dir(_))) {
        return out;
    }
    // The user's shell sets no Go dir at all: a Go dir set in a file it never reads (another
    // shell's) is what the user meant.
    let read: Vec<PathBuf> = inp
        .predictions
        .iter()
        .flat_map(|p| {
            crate::shell::contexts::files_read(p)
                .into_iter()
                .map(Path::to_path_buf)
        })
        .collect();
    let mut start = BTreeMap::new();
    for k in ["HOME", "USER", "LOGNAME", "SHELL"] {
        if let Some(v) = inp.session.get(k) {
            start.insert(k.to_string(), v.clone());
        }
    }
    let base = crate::shell::contexts::default_session_path(inp.platform);
    start.insert("PATH".to_string(), base.to_string());
    for (file, kind) in known_dotfiles(inp) {
        if read.contains(&file) || !inp.fs.is_file(&file) {
            continue;
        }
        let sim = crate::shell::startup::simulate::analyze_file(
            inp.fs,
            inp.platform,
            kind,
            &file,
            &start,
        );
        settings_in(inp, &sim, &split(base), &mut out);
    }
    out
}

pub(super) fn present(p: &Prediction, s: &Setting) -> bool {
    match s {
        Setting::Dir(d) => p.path.iter().any(|e| display_value(e) == *d),
        // A project's `.envrc` (direnv) that sets the variable overrides it on purpose.
        Setting::Var(n, v) => {
            p.env.get(n).map(|x| display_value(x)) == Some(v.clone()) || p.direnv_vars().contains(n)
        }
    }
}

pub(super) fn line_of(s: &Setting) -> BlockLine {
    match s {
        Setting::Dir(d) => BlockLine::PrependPath { dir: d.clone() },
        Setting::Var(n, v) => BlockLine::SetVar {
            name: n.clone(),
            value: v.clone(),
        },
    }
}

pub(super) fn edit_for(t: &Target, lines: Vec<BlockLine>, comment_out: Vec<CommentOut>) -> Edit {
    Edit {
        file: t.file.clone(),
        dialect: t.dialect,
        placement: t.placement,
        lines,
        comment_out,
    }
}

pub(super) fn context_gaps(inp: &GapInputs<'_>) -> Vec<Gap> {
    let mut out = Vec::new();
    // With more than one shell predicted, a context name alone is ambiguous: say the shell.
    // (cron's and Docker's `sh` do not count: no startup file of the user reaches them.)
    let mut shells: Vec<ShellKind> = inp
        .predictions
        .iter()
        .filter(|p| FIXABLE.contains(&p.context.id))
        .filter_map(|p| p.simulation().map(|s| s.invocation.shell))
        .collect();
    shells.sort();
    shells.dedup();
    let many_shells = shells.len() > 1;
    for (setting, places) in all_settings(inp) {
        let mut have = Vec::new();
        let mut missing = Vec::new();
        let mut edits: Vec<Edit> = Vec::new();
        for p in inp.predictions {
            if present(p, &setting) {
                have.push(p.context.id);
                continue;
            }
            if !FIXABLE.contains(&p.context.id) {
                continue;
            }
            let target = target_for(inp, p);
            if let Some(t) = &target {
                if !edits.iter().any(|e| e.file == t.file) {
                    edits.push(edit_for(t, vec![line_of(&setting)], Vec::new()));
                }
            }
            missing.push(Missing {
                context: p.context.id,
                shell: p
                    .simulation()
                    .map(|s| s.invocation.shell)
                    .filter(|_| many_shells),
                file: target.map(|t| t.file),
            });
        }
        if missing.is_empty() {
            continue;
        }
        let (var, value) = match &setting {
            Setting::Dir(d) => ("PATH".to_string(), d.clone()),
            Setting::Var(n, v) => (n.clone(), v.clone()),
        };
        let what = match &setting {
            Setting::Dir(d) => format!("PATH entry {}", inp.short(Path::new(d))),
            Setting::Var(n, v) => format!("{n}={v}"),
        };
        let mut names: Vec<String> = Vec::new();
        for m in &missing {
            let l = m.label();
            if !names.contains(&l) {
                names.push(l);
            }
        }
        let from = places
            .first()
            .map(|p| format!("{}:{}", inp.short(&p.file), p.line))
            .unwrap_or_default();
        out.push(Gap {
            code: "startup-context-gap",
            summary: format!("{what} (set in {from}) does not reach {}", names.join(", ")),
            detail: Detail::ContextGap {
                var,
                value,
                set_in: places,
                present: have,
                missing,
            },
            edits,
            commands: Vec::new(),
        });
    }
    out
}

// ---- PATH order -------------------------------------------------------------------------------
