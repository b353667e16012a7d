//! `goroot-env-missing` and `goroot-version-mismatch`: a GOROOT exported by a startup file that
//! points at no Go tree, or at another Go than the one PATH finds, traced to its line.

use super::*;

/// The raw text of a line of a file (without its terminator).
pub(super) fn raw_line(fs: &dyn View, file: &Path, line: usize) -> Option<String> {
    let bytes = fs.read(file).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    text.split('\n')
        .nth(line.checked_sub(1)?)
        .map(|l| l.trim_end_matches('\r').to_string())
}

pub(super) fn stale_goroot(inp: &GapInputs<'_>) -> Vec<Gap> {
    // (file, line) → gap under construction.
    let mut found: BTreeMap<(PathBuf, usize), Gap> = BTreeMap::new();
    for p in inp.predictions {
        let go_root = p.which_go.found.as_ref().and_then(|g| real_root(inp.fs, g));
        for sim in p.stages.iter().filter_map(|s| s.simulation.as_ref()) {
            for e in &sim.effects {
                let (
                    Some("GOROOT"),
                    EffectKind::Set {
                        value, resolved, ..
                    },
                ) = (e.var.as_deref(), &e.kind)
                else {
                    continue;
                };
                let envrc = sim.direnv.as_ref().filter(|_| sim.from_envrc(e));
                if !*resolved || !(inp.is_user_file(&e.file) || envrc.is_some()) || value.is_empty()
                {
                    continue;
                }
                // Only the value this context ends with matters.
                if p.env.get("GOROOT").map(|v| display_value(v)).as_deref() != Some(value) {
                    continue;
                }
                let dir = Path::new(value);
                let goroot_version = version_of(inp.fs, dir);
                let go_version = go_root
                    .as_deref()
                    .and_then(|r| version_of(inp.fs, Path::new(r)));
                let code = if !inp.fs.is_dir(dir) {
                    "goroot-env-missing"
                } else if go_root.as_deref().is_some_and(|r| Path::new(r) != dir)
                    && goroot_version.is_some()
                    && go_version.is_some()
                    && goroot_version != go_version
                {
                    "goroot-version-mismatch"
                } else {
                    continue;
                };
                let key = (e.file.clone(), e.line);
                if let Some(g) = found.get_mut(&key) {
                    if let Detail::StaleGoroot { contexts, .. } = &mut g.detail {
                        if !contexts.contains(&p.context.id) {
                            contexts.push(p.context.id);
                        }
                    }
                    continue;
                }
                let note = if code == "goroot-env-missing" {
                    format!("GOROOT {value} does not exist; go finds its own root")
                } else {
                    format!(
                        "GOROOT {value} is {} but the go on PATH is {}; go finds its own root",
                        goroot_version.clone().unwrap_or_default(),
                        go_version.clone().unwrap_or_default()
                    )
                };
                let dialect = if e.file.extension().is_some_and(|x| x == "fish") {
                    Dialect::Fish
                } else {
                    Dialect::Posix
                };
                // A line at the top level can be commented out; one inside a compound
                // command cannot (an empty `then … fi` is a syntax error), so the block of
                // that file removes the variable instead.
                let raw = raw_line(inp.fs, &e.file, e.line);
                let top_level = raw.as_deref().is_some_and(|r| {
                    r.trim() == e.text && !r.starts_with([' ', '\t']) && e.certain
                });
                let edit = Edit {
                    file: e.file.clone(),
                    dialect,
                    placement: Placement::End,
                    lines: if top_level {
                        Vec::new()
                    } else {
                        vec![BlockLine::UnsetVar {
                            name: "GOROOT".into(),
                        }]
                    },
                    comment_out: if top_level {
                        vec![CommentOut {
                            line: e.line,
                            text: e.text.clone(),
                            note: note.clone(),
                        }]
                    } else {
                        Vec::new()
                    },
                };
                found.insert(
                    key,
                    Gap {
                        code,
                        summary: format!(
                            "{}:{} exports GOROOT={value}: {note}",
                            inp.short(&e.file),
                            e.line
                        ),
                        detail: Detail::StaleGoroot {
                            place: Place {
                                file: e.file.clone(),
                                line: e.line,
                                text: e.text.clone(),
                            },
                            value: value.clone(),
                            go_root: go_root.clone(),
                            go_version,
                            goroot_version,
                            contexts: vec![p.context.id],
                        },
                        edits: vec![edit],
                        // direnv blocks an edited `.envrc` until it is allowed again.
                        commands: envrc
                            .map(|d| {
                                let dir = e.file.parent().unwrap_or(&d.dir).display().to_string();
                                vec![format!(
                                    "direnv allow {}",
                                    crate::shell::quote::word(ShellKind::Sh, &dir)
                                )]
                            })
                            .unwrap_or_default(),
                    },
                );
            }
        }
    }
    found.into_values().collect()
}

/// The root of the tree a `go` binary belongs to: `<root>/bin/go`, symlinks followed.
pub(super) fn real_root(fs: &dyn View, go: &Path) -> Option<String> {
    // A View has no canonicalize; a symlinked go (Homebrew, Debian) is judged by the
    // directory it is found in, which is what cmd/go tries first too.
    let root = go.parent()?.parent()?;
    fs.is_dir(&root.join("pkg/tool"))
        .then(|| root.display().to_string())
        .or_else(|| {
            fs.is_file(&root.join("VERSION"))
                .then(|| root.display().to_string())
        })
}
