//! Walking startup: the steps of the invocation's rules, each file visited (read, parsed, run),
//! `source`/`.` with its search and cycle guard, fish's conf.d directories and universal
//! variables, and the work budget.

use super::*;

impl<'a> Sim<'a> {
    pub(super) fn resolve_spec(&self, spec: &PathSpec) -> PathBuf {
        let home = self.home();
        match spec {
            PathSpec::Abs(p) => p.clone(),
            PathSpec::Home(r) => Path::new(&home).join(r),
            PathSpec::ZDotDir(r) => {
                let z = self
                    .get_scalar("ZDOTDIR")
                    .filter(|z| !z.is_empty())
                    .unwrap_or(home);
                Path::new(&z).join(r)
            }
            PathSpec::XdgConfig(r) => {
                let x = self
                    .get_scalar("XDG_CONFIG_HOME")
                    .filter(|x| x.starts_with('/'))
                    .unwrap_or_else(|| format!("{home}/.config"));
                Path::new(&x).join(r)
            }
        }
    }

    pub(super) fn run_steps(&mut self, steps: &[Step]) {
        for step in steps {
            if self.stopped {
                break;
            }
            match step {
                Step::File { path, guard, .. } => {
                    let skip = match guard {
                        Guard::Always => false,
                        Guard::ZshRcs => !self.rcs,
                        Guard::ZshGlobalRcs => !self.rcs || !self.global_rcs,
                    };
                    if skip {
                        continue;
                    }
                    let p = self.resolve_spec(path);
                    let analyzed = p.extension().is_none_or(|e| e != "ps1");
                    self.visit(
                        &p,
                        Via::Startup {
                            rule: path.display(),
                        },
                        analyzed,
                    );
                }
                Step::FirstOf { paths } => {
                    let rule = paths
                        .iter()
                        .map(PathSpec::display)
                        .collect::<Vec<_>>()
                        .join(" > ");
                    let found = paths
                        .iter()
                        .map(|s| self.resolve_spec(s))
                        .find(|p| self.fs.is_file(p));
                    match found {
                        Some(p) => self.visit(&p, Via::Startup { rule }, true),
                        None => {
                            for s in paths {
                                let p = self.resolve_spec(s);
                                self.files.push(FileVisit {
                                    path: p,
                                    exists: false,
                                    via: Via::Startup { rule: rule.clone() },
                                    analyzed: true,
                                });
                            }
                        }
                    }
                }
                Step::EnvFile { var } => {
                    if let Some(v) = self.get_scalar(var).filter(|v| !v.is_empty()) {
                        if !is_resolved(&v) {
                            self.files.push(FileVisit {
                                path: PathBuf::from(display_value(&v)),
                                exists: false,
                                via: Via::Startup {
                                    rule: format!("${var}"),
                                },
                                analyzed: false,
                            });
                            continue;
                        }
                        let p = if v.starts_with('/') {
                            PathBuf::from(&v)
                        } else {
                            Path::new(&self.home()).join(&v)
                        };
                        self.visit(
                            &p,
                            Via::Startup {
                                rule: format!("${var}"),
                            },
                            true,
                        );
                    }
                }
                Step::FishUniversal => self.fish_universal(),
                Step::FishPathHelper => {
                    if self.fs.is_file(Path::new("/usr/libexec/path_helper")) {
                        let cur = self.get("PATH").unwrap_or_default();
                        let new = path_helper::construct_path_dirs(self.fs, Path::new("/"), &cur);
                        self.stack.push((
                            PathBuf::from("(fish: macOS path_helper emulation)"),
                            Vec::new(),
                        ));
                        self.effect(
                            0,
                            Some("PATH"),
                            EffectKind::Hook {
                                manager: Manager::PathHelper,
                                hook: Hook::PathHelper,
                            },
                        );
                        self.set_var("PATH", new, Some(true), 0);
                        self.stack.pop();
                    }
                }
                Step::FishConfD => self.fish_confd(),
            }
        }
    }

    /// Reads and runs one file, recording the visit.
    pub(super) fn visit(&mut self, path: &Path, via: Via, analyzed: bool) {
        if self.stack.iter().any(|(p, _)| p == path) {
            if let Via::Source { line, .. } = via {
                self.unknown(
                    line,
                    format!(
                        "{} sources itself (cycle); not followed again",
                        path.display()
                    ),
                );
            }
            return;
        }
        if self.budget == 0 || self.stack.len() > 32 {
            return;
        }
        self.budget -= 1;
        let bytes = if self.fs.is_file(path) {
            self.fs.read(path).ok()
        } else {
            None
        };
        self.files.push(FileVisit {
            path: path.to_path_buf(),
            exists: bytes.is_some(),
            via,
            analyzed,
        });
        let Some(bytes) = bytes else { return };
        if !analyzed {
            return;
        }
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let stmts = parsed(self.dialect == Dialect::Fish, &bytes);
        self.stack.push((path.to_path_buf(), lines));
        let flow = self.exec_list(&stmts);
        if flow == Flow::Exit {
            self.stopped = true;
        }
        self.stack.pop();
    }

    // ---- statements ------------------------------------------------------------------------

    /// Takes `n` units of the work budget; false (and, the first time, an "unknown" effect
    /// at `line` saying why) once it is spent.
    pub(super) fn spend(&mut self, n: usize, line: usize) -> bool {
        if self.steps == 0 {
            return false;
        }
        self.steps = self.steps.saturating_sub(n);
        if self.steps == 0 {
            self.unknown(
                line,
                format!(
                    "the startup files run more than {MAX_STEPS} statements (runaway \
                     recursion?); the analysis stops here"
                ),
            );
            return false;
        }
        true
    }

    pub(super) fn source(&mut self, target: &str, args: Vec<String>, line: usize) -> Flow {
        if !is_resolved(target) {
            self.unknown(
                line,
                format!(
                    "sources a file groot cannot name: {}",
                    display_value(target)
                ),
            );
            return Flow::Normal(None);
        }
        let path = self.find_sourced(target);
        if let Some(hook) = managers::recognize_script(&path.display().to_string()) {
            let exists = self.fs.is_file(&path);
            self.effect(
                line,
                None,
                EffectKind::Source {
                    target: path.clone(),
                    found: exists,
                },
            );
            if exists {
                self.apply_hook(hook, line);
            }
            return Flow::Normal(Some(exists));
        }
        let found = self.fs.is_file(&path);
        self.effect(
            line,
            None,
            EffectKind::Source {
                target: path.clone(),
                found,
            },
        );
        if !found {
            return Flow::Normal(Some(false));
        }
        let from = self
            .stack
            .last()
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        let saved = if args.is_empty() {
            None
        } else {
            Some(std::mem::replace(&mut self.positional, args))
        };
        let before = self.stopped;
        self.visit(&path, Via::Source { from, line }, true);
        if let Some(s) = saved {
            self.positional = s;
        }
        if self.stopped && !before {
            return Flow::Exit;
        }
        Flow::Normal(Some(true))
    }

    pub(super) fn find_sourced(&self, target: &str) -> PathBuf {
        if target.starts_with('/') {
            return PathBuf::from(target);
        }
        let home = self.home();
        if target.contains('/') {
            return Path::new(&home).join(target);
        }
        if self.dialect != Dialect::Fish {
            for dir in split_path(&self.get_scalar("PATH").unwrap_or_default()) {
                if dir.starts_with('/') && is_resolved(&dir) {
                    let cand = Path::new(&dir).join(target);
                    if self.fs.is_file(&cand) {
                        return cand;
                    }
                }
            }
        }
        Path::new(&home).join(target)
    }

    pub(super) fn fish_confd(&mut self) {
        let home = self.home();
        let mut dirs = vec![self.resolve_spec(&PathSpec::XdgConfig("fish/conf.d"))];
        dirs.push(self.platform.fish_sysconf_dir.join("conf.d"));
        let data_home = self
            .get_scalar("XDG_DATA_HOME")
            .filter(|x| x.starts_with('/'))
            .unwrap_or_else(|| format!("{home}/.local/share"));
        dirs.push(Path::new(&data_home).join("fish/vendor_conf.d"));
        match self.get("XDG_DATA_DIRS") {
            Some(list) => {
                for d in list.iter().flat_map(|s| split_path(s)) {
                    if !d.is_empty() {
                        dirs.push(Path::new(d.trim_end_matches('/')).join("fish/vendor_conf.d"));
                    }
                }
            }
            None => dirs.push(self.platform.fish_data_dir.join("vendor_conf.d")),
        }
        let extra = self.platform.fish_data_dir.join("vendor_conf.d");
        if !dirs.contains(&extra) {
            dirs.push(extra);
        }
        let mut seen = BTreeSet::new();
        for dir in dirs {
            let Ok(entries) = self.fs.read_dir(&dir) else {
                continue;
            };
            for f in entries {
                let Some(name) = f.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                    continue;
                };
                if !name.ends_with(".fish") || !self.fs.is_file(&f) {
                    continue;
                }
                if !seen.insert(name) {
                    continue;
                }
                self.visit(
                    &f,
                    Via::Startup {
                        rule: format!("{}/*.fish", dir.display()),
                    },
                    true,
                );
                if self.stopped {
                    return;
                }
            }
        }
    }

    /// fish universal variables, then `__fish_reconstruct_path`.
    pub(super) fn fish_universal(&mut self) {
        let file = self.resolve_spec(&PathSpec::XdgConfig("fish/fish_variables"));
        let Ok(bytes) = self.fs.read(&file) else {
            self.fish_reconstruct(0);
            return;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        self.files.push(FileVisit {
            path: file.clone(),
            exists: true,
            via: Via::Startup {
                rule: "fish universal variables".into(),
            },
            analyzed: true,
        });
        self.stack.push((file, lines.clone()));
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line.strip_prefix("SETUVAR ") else {
                continue;
            };
            let mut exported = false;
            let mut rest = rest;
            loop {
                if let Some(r) = rest.strip_prefix("--export ") {
                    exported = true;
                    rest = r;
                } else if let Some(r) = rest.strip_prefix("--path ") {
                    rest = r;
                } else {
                    break;
                }
            }
            let Some((name, value)) = rest.split_once(':') else {
                continue;
            };
            let val: Vec<String> = if value.is_empty() {
                Vec::new()
            } else {
                value.split("\\x1e").map(unescape_fish_uvar).collect()
            };
            self.uvars.insert(
                name.to_string(),
                Var {
                    val: val.clone(),
                    exported,
                },
            );
            if is_tracked(name) {
                let shown = val.join(if name.ends_with("PATH") || name == "fish_user_paths" {
                    ":"
                } else {
                    " "
                });
                let kind = EffectKind::Set {
                    value: shown,
                    resolved: true,
                    exported,
                };
                let vars_has = self.vars.contains_key(name);
                // A universal variable is shadowed by an inherited global of the same name.
                let certain =
                    std::mem::replace(&mut self.certain, !vars_has || name == "fish_user_paths");
                self.effect(i + 1, Some(name), kind);
                self.certain = certain;
            }
        }
        self.fish_reconstruct(0);
        self.stack.pop();
    }

    /// fish's `__fish_reconstruct_path`: `fish_user_paths` goes in front of PATH, replacing
    /// the entries it added last time.
    pub(super) fn fish_reconstruct(&mut self, line: usize) {
        let user: Vec<String> = {
            let mut seen = BTreeSet::new();
            self.get("fish_user_paths")
                .unwrap_or_default()
                .iter()
                .flat_map(|s| s.split(':').map(str::to_string).collect::<Vec<_>>())
                .filter(|p| seen.insert(p.clone()))
                .collect()
        };
        let mut local = self.get("PATH").unwrap_or_default();
        for x in &self.fish_added {
            if let Some(i) = local.iter().position(|p| p == x) {
                local.remove(i);
            }
        }
        let mut added = Vec::new();
        for x in user.iter().rev() {
            if let Some(i) = local.iter().position(|p| p == x) {
                local.remove(i);
            } else {
                added.push(x.clone());
            }
            local.insert(0, x.clone());
        }
        self.fish_added = added;
        if Some(&local) != self.get("PATH").as_ref() {
            self.set_var("PATH", local, Some(true), line);
        }
    }
}
