//! `path-shadowed-go`, `paths-d-stale` and `multiple-managers`: which go comes first on each
//! context's PATH and who put it there, stale `/etc/paths.d` entries, managers that compete.

use super::*;

pub(super) fn version_of(fs: &dyn View, root: &Path) -> Option<String> {
    let bytes = fs.read(&root.join("VERSION")).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .next()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
}

pub(super) fn gos_on_path(fs: &dyn View, path: &[String]) -> Vec<GoOnPath> {
    let mut out: Vec<GoOnPath> = Vec::new();
    for d in path {
        let d = display_value(d);
        if has_go(fs, &d) && !out.iter().any(|g| g.dir == d) {
            let version = Path::new(&d).parent().and_then(|r| version_of(fs, r));
            out.push(GoOnPath { dir: d, version });
        }
    }
    out
}

/// The PATH change that moved entries last in a context: a path_helper hook or a system file.
pub(super) fn reorderer(p: &Prediction, inp: &GapInputs<'_>) -> Option<Place> {
    p.stages
        .iter()
        .filter_map(|s| s.simulation.as_ref())
        .flat_map(|s| s.effects.iter())
        .rfind(|e| {
            e.var.as_deref() == Some("PATH")
                && (matches!(
                    e.kind,
                    EffectKind::Hook {
                        hook: Hook::PathHelper,
                        ..
                    }
                ) || (!inp.is_user_file(&e.file) && matches!(e.kind, EffectKind::Set { .. })))
        })
        .map(|e| Place {
            file: e.file.clone(),
            line: e.line,
            text: e.text.clone(),
        })
}

pub(super) fn shadowed(inp: &GapInputs<'_>) -> Vec<Gap> {
    let settings = all_settings(inp);
    let user_go_dirs: Vec<(&String, &Vec<Place>)> = settings
        .iter()
        .filter_map(|(s, places)| match s {
            Setting::Dir(d) if has_go(inp.fs, d) => Some((d, places)),
            _ => None,
        })
        .collect();
    // One gap per (go that wins, go the user meant), listing every context where it happens.
    let mut out: Vec<Gap> = Vec::new();
    for p in inp.predictions {
        if !FIXABLE.contains(&p.context.id) {
            continue;
        }
        let gos = gos_on_path(inp.fs, &p.path);
        let Some(first) = gos.first() else { continue };
        // A project's `.envrc` puts its go first on purpose.
        if p.direnv_path().contains(&first.dir) {
            continue;
        }
        // The user's go: the first of their own go dirs on this PATH.
        let Some((intended, places)) = gos
            .iter()
            .find_map(|g| user_go_dirs.iter().find(|(d, _)| **d == g.dir))
        else {
            continue;
        };
        if first.dir == **intended {
            continue;
        }
        let Some(t) = target_for(inp, p) else {
            continue;
        };
        let line = BlockLine::PrependPath {
            dir: (*intended).clone(),
        };
        let existing = out.iter_mut().find(|g| {
            matches!(&g.detail, Detail::Shadowed { gos: gs, intended: i, .. }
                if i == *intended && gs.first().map(|f| &f.dir) == Some(&first.dir))
        });
        if let Some(g) = existing {
            if let Detail::Shadowed { contexts, .. } = &mut g.detail {
                contexts.push(p.context.id);
            }
            if !g.edits.iter().any(|e| e.file == t.file) {
                g.edits.push(edit_for(&t, vec![line], Vec::new()));
            }
            continue;
        }
        out.push(Gap {
            code: "path-shadowed-go",
            summary: String::new(),
            detail: Detail::Shadowed {
                contexts: vec![p.context.id],
                gos: gos.clone(),
                intended: (*intended).clone(),
                set_in: (*places).clone(),
                reordered_by: reorderer(p, inp),
            },
            edits: vec![edit_for(&t, vec![line], Vec::new())],
            commands: Vec::new(),
        });
    }
    for g in &mut out {
        if let Detail::Shadowed {
            contexts,
            gos,
            intended,
            reordered_by,
            ..
        } = &g.detail
        {
            let ver = |d: &str| {
                gos.iter()
                    .find(|x| x.dir == d)
                    .and_then(|x| x.version.as_ref())
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default()
            };
            let first = &gos[0].dir;
            g.summary = format!(
                "{}/go{} comes before {}/go{}, which your startup files put on PATH, in {}{}",
                first,
                ver(first),
                inp.short(Path::new(intended.as_str())),
                ver(intended),
                contexts
                    .iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                reordered_by
                    .as_ref()
                    .map(|r| format!(" (reordered at {}:{})", inp.short(&r.file), r.line))
                    .unwrap_or_default()
            );
        }
    }
    out
}

pub(super) fn paths_d_stale(inp: &GapInputs<'_>) -> Vec<Gap> {
    if inp.platform.os != Os::MacOs {
        return Vec::new();
    }
    let settings = all_settings(inp);
    let mut out = Vec::new();
    for file in path_helper::config_files(inp.fs, Path::new("/")) {
        if file == Path::new("/etc/paths") {
            continue;
        }
        let Ok(bytes) = inp.fs.read(&file) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for (i, raw) in text.lines().enumerate() {
            let dir = raw.trim().to_string();
            let goish = dir.ends_with("/go/bin") || dir.contains("/go/") || dir.contains("golang");
            if dir.is_empty() || !goish {
                continue;
            }
            let mut contexts = Vec::new();
            let problem = if !inp.fs.is_dir(Path::new(&dir)) {
                "missing"
            } else {
                for p in inp.predictions {
                    let gos = gos_on_path(inp.fs, &p.path);
                    let user = gos.iter().position(|g| {
                        g.dir != dir && settings.contains_key(&Setting::Dir(g.dir.clone()))
                    });
                    let this = gos.iter().position(|g| g.dir == dir);
                    if let (Some(u), Some(t)) = (user, this) {
                        if t < u {
                            contexts.push(p.context.id);
                        }
                    }
                }
                if contexts.is_empty() {
                    continue;
                }
                "ahead"
            };
            let mut edits: Vec<Edit> = Vec::new();
            if problem == "ahead" {
                for p in inp
                    .predictions
                    .iter()
                    .filter(|p| contexts.contains(&p.context.id))
                {
                    let gos = gos_on_path(inp.fs, &p.path);
                    let user = gos.iter().find(|g| {
                        g.dir != dir && settings.contains_key(&Setting::Dir(g.dir.clone()))
                    });
                    if let (Some(u), Some(t)) = (user, target_for(inp, p)) {
                        if !edits.iter().any(|e| e.file == t.file) {
                            edits.push(edit_for(
                                &t,
                                vec![BlockLine::PrependPath { dir: u.dir.clone() }],
                                Vec::new(),
                            ));
                        }
                    }
                }
            }
            let summary = if problem == "missing" {
                format!(
                    "{}:{} puts {dir} on PATH for login shells, but it does not exist",
                    file.display(),
                    i + 1
                )
            } else {
                format!(
                    "{}:{} puts {dir} ahead of your go in {}",
                    file.display(),
                    i + 1,
                    contexts
                        .iter()
                        .map(|c| c.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            out.push(Gap {
                code: "paths-d-stale",
                summary,
                detail: Detail::PathsD {
                    file: file.clone(),
                    line: i + 1,
                    dir,
                    problem,
                    contexts,
                },
                edits,
                commands: vec![format!(
                    "sudo rm {}",
                    crate::shell::quote::word(
                        crate::shell::ShellKind::Sh,
                        &file.display().to_string()
                    )
                )],
            });
        }
    }
    out
}

pub(super) fn multiple_managers(inp: &GapInputs<'_>) -> Vec<Gap> {
    let mut hooks: Vec<(Manager, Place)> = Vec::new();
    for p in inp.predictions {
        for sim in p.stages.iter().filter_map(|s| s.simulation.as_ref()) {
            for e in &sim.effects {
                let EffectKind::Hook { manager, hook } = &e.kind else {
                    continue;
                };
                let counts = manager.manages_go()
                    || matches!(hook, Hook::BrewShellenv { prefix: Some(pre) }
                        if inp.fs.is_file(&Path::new(pre).join("bin/go")));
                if !counts {
                    continue;
                }
                let place = Place {
                    file: e.file.clone(),
                    line: e.line,
                    text: e.text.clone(),
                };
                if !hooks.iter().any(|(m, pl)| *m == *manager && *pl == place) {
                    hooks.push((*manager, place));
                }
            }
        }
    }
    let mut managers: Vec<Manager> = hooks.iter().map(|(m, _)| *m).collect();
    managers.sort();
    managers.dedup();
    if managers.len() < 2 {
        return Vec::new();
    }
    vec![Gap {
        code: "multiple-managers",
        summary: format!(
            "{} all set up Go at shell startup; which go runs depends on which ran last",
            managers
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        detail: Detail::Managers { hooks },
        edits: Vec::new(),
        commands: Vec::new(),
    }]
}

// ---- stale GOROOT -----------------------------------------------------------------------------
