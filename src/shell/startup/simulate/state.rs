//! The simulation's state: variables (scalar, list, exported or not), fish universal variables,
//! functions, positional parameters, the effects recorded so far, and the snapshots that let a
//! branch be tried without effect.

use super::*;

impl<'a> Sim<'a> {
    pub(super) fn new(
        fs: &'a dyn View,
        platform: &'a Platform,
        inv: Invocation,
        env: &Env,
    ) -> Self {
        let dialect = match inv.shell {
            ShellKind::Sh => Dialect::Posix,
            ShellKind::Bash if inv.posix => Dialect::Posix,
            ShellKind::Bash => Dialect::Bash,
            ShellKind::Zsh if inv.posix => Dialect::Posix,
            ShellKind::Zsh => Dialect::Zsh,
            ShellKind::Fish => Dialect::Fish,
            ShellKind::PowerShell => Dialect::Posix,
        };
        let mut vars = BTreeMap::new();
        for (k, v) in env {
            let val = if dialect == Dialect::Fish && k.ends_with("PATH") {
                split_path(v)
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect()
            } else {
                vec![v.clone()]
            };
            vars.insert(
                k.clone(),
                Var {
                    val,
                    exported: true,
                },
            );
        }
        let mut sim = Sim {
            fs,
            platform,
            inv,
            dialect,
            vars,
            uvars: BTreeMap::new(),
            funcs: BTreeMap::new(),
            positional: Vec::new(),
            rcs: true,
            global_rcs: true,
            unique_path: false,
            fish_added: Vec::new(),
            files: Vec::new(),
            effects: Vec::new(),
            stack: Vec::new(),
            certain: true,
            depth: 0,
            budget: 2000,
            steps: MAX_STEPS,
            stopped: false,
            envrc_dir: None,
            direnv: None,
        };
        sim.init_shell_vars();
        sim
    }

    pub(super) fn init_shell_vars(&mut self) {
        let mut flags = String::new();
        if self.inv.mode.interactive {
            flags.push('i');
        }
        if self.inv.mode.login && self.dialect == Dialect::Zsh {
            flags.push('l');
        }
        flags.push_str(if self.inv.mode.interactive {
            "mBH"
        } else {
            "hB"
        });
        let local = |v: &str| Var {
            val: vec![v.to_string()],
            exported: false,
        };
        self.vars.insert("-".into(), local(&flags));
        if self.inv.mode.interactive && self.dialect != Dialect::Fish {
            self.vars.entry("PS1".into()).or_insert_with(|| local("$ "));
        }
        match self.inv.shell {
            ShellKind::Bash => {
                self.vars.insert("BASH_VERSION".into(), local("5.2"));
                let bash = if self.platform.os == Os::MacOs {
                    "/bin/bash"
                } else {
                    "/usr/bin/bash"
                };
                self.vars.insert("BASH".into(), local(bash));
            }
            ShellKind::Zsh => {
                self.vars.insert("ZSH_VERSION".into(), local("5.9"));
                self.vars.insert("ZSH_NAME".into(), local("zsh"));
            }
            ShellKind::Fish => {
                self.vars.insert("FISH_VERSION".into(), local("3.6"));
            }
            _ => {}
        }
        if !self.vars.contains_key("PATH") {
            let default = match (self.dialect, self.platform.os) {
                (_, Os::MacOs) => "/usr/bin:/bin:/usr/sbin:/sbin",
                (Dialect::Zsh, _) => "/bin:/usr/bin:/usr/ucb:/usr/local/bin",
                (Dialect::Fish, _) => "/usr/bin:/bin",
                _ => "/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.",
            };
            let val = if self.dialect == Dialect::Fish {
                split_path(default)
            } else {
                vec![default.to_string()]
            };
            self.vars.insert(
                "PATH".into(),
                Var {
                    val,
                    exported: self.dialect == Dialect::Fish,
                },
            );
        }
    }

    pub(super) fn finish(self) -> Simulation {
        let env = self.exported();
        Simulation {
            invocation: self.inv,
            files: self.files,
            effects: self.effects,
            env,
            direnv: self.direnv,
        }
    }

    // ---- variables -------------------------------------------------------------------------

    pub(super) fn home(&self) -> String {
        self.get_scalar("HOME").unwrap_or_default()
    }

    pub(super) fn get(&self, name: &str) -> Option<Vec<String>> {
        if self.dialect == Dialect::Zsh && name == "path" {
            return self.get("PATH").map(|v| split_path(&v.join(":")));
        }
        self.vars
            .get(name)
            .or_else(|| self.uvars.get(name))
            .map(|v| v.val.clone())
    }

    pub(super) fn get_scalar(&self, name: &str) -> Option<String> {
        match name {
            "#" => return Some(self.positional.len().to_string()),
            "@" | "*" => return Some(self.positional.join(" ")),
            "0" => return Some(self.inv.shell.name().to_string()),
            "$" => return Some("4242".into()),
            "?" => return Some("0".into()),
            _ => {}
        }
        if let Ok(n) = name.parse::<usize>() {
            return Some(
                self.positional
                    .get(n.wrapping_sub(1))
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        let sep = if self.dialect == Dialect::Fish && !name.ends_with("PATH") {
            " "
        } else {
            ":"
        };
        self.get(name).map(|v| {
            if self.dialect == Dialect::Zsh && name == "path" {
                v.join(" ")
            } else {
                v.join(sep)
            }
        })
    }

    pub(super) fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub(super) fn set_var(
        &mut self,
        name: &str,
        val: Vec<String>,
        export: Option<bool>,
        line: usize,
    ) {
        let (name, val) = if self.dialect == Dialect::Zsh && name == "path" {
            ("PATH", vec![val.join(":")])
        } else {
            (name, val)
        };
        let val = if self.unique_path && name == "PATH" && self.dialect != Dialect::Fish {
            let mut seen = BTreeSet::new();
            vec![split_path(&val.join(":"))
                .into_iter()
                .filter(|e| seen.insert(e.clone()))
                .collect::<Vec<_>>()
                .join(":")]
        } else {
            val
        };
        let val = if val.iter().map(String::len).sum::<usize>() > MAX_VALUE {
            vec![format!(
                "{OPEN}${name} (longer than {} KiB){CLOSE}",
                MAX_VALUE / 1024
            )]
        } else {
            val
        };
        let exported = match (export, self.vars.get(name)) {
            (Some(e), _) => e,
            (None, Some(v)) => v.exported,
            (None, None) => self.uvars.get(name).is_some_and(|u| u.exported),
        };
        self.vars.insert(
            name.to_string(),
            Var {
                val: val.clone(),
                exported,
            },
        );
        if is_tracked(name) {
            let sep = if self.dialect == Dialect::Fish
                && !name.ends_with("PATH")
                && name != "fish_user_paths"
            {
                " "
            } else {
                ":"
            };
            let joined = val.join(sep);
            self.effect(
                line,
                Some(name),
                EffectKind::Set {
                    value: display_value(&joined),
                    resolved: is_resolved(&joined),
                    exported,
                },
            );
        }
    }

    pub(super) fn export_var(&mut self, name: &str, line: usize) {
        let name = if self.dialect == Dialect::Zsh && name == "path" {
            "PATH"
        } else {
            name
        };
        match self.vars.get_mut(name) {
            Some(v) => {
                if !v.exported {
                    v.exported = true;
                    if is_tracked(name) {
                        self.effect(line, Some(name), EffectKind::Export);
                    }
                }
            }
            None => {
                self.vars.insert(
                    name.to_string(),
                    Var {
                        val: vec![String::new()],
                        exported: true,
                    },
                );
                if is_tracked(name) {
                    self.effect(line, Some(name), EffectKind::Export);
                }
            }
        }
    }

    pub(super) fn unset_var(&mut self, name: &str, line: usize) {
        let name = if self.dialect == Dialect::Zsh && name == "path" {
            "PATH"
        } else {
            name
        };
        self.vars.remove(name);
        if is_tracked(name) {
            self.effect(line, Some(name), EffectKind::Unset);
        }
    }

    pub(super) fn effect(&mut self, line: usize, var: Option<&str>, kind: EffectKind) {
        if self.effects.len() >= MAX_EFFECTS {
            if self.steps > 0 {
                self.steps = 0;
                self.effects.push(Effect {
                    file: self
                        .stack
                        .last()
                        .map(|(f, _)| f.clone())
                        .unwrap_or_default(),
                    line,
                    text: String::new(),
                    var: None,
                    kind: EffectKind::Unknown {
                        why: format!(
                            "the startup files change PATH and Go's variables more than \
                             {MAX_EFFECTS} times; the analysis stops here"
                        ),
                    },
                    certain: false,
                });
            }
            return;
        }
        let (file, text) = match self.stack.last() {
            Some((f, lines)) => (
                f.clone(),
                lines
                    .get(line.wrapping_sub(1))
                    .map(|l| l.trim().to_string())
                    .unwrap_or_default(),
            ),
            None => (PathBuf::new(), String::new()),
        };
        self.effects.push(Effect {
            file,
            line,
            var: var.map(str::to_string),
            kind,
            certain: self.certain,
            text,
        });
    }

    pub(super) fn unknown(&mut self, line: usize, why: impl Into<String>) {
        self.effect(line, None, EffectKind::Unknown { why: why.into() });
    }

    pub(super) fn snapshot(&self) -> Snapshot {
        Snapshot {
            vars: self.vars.clone(),
            uvars: self.uvars.clone(),
            funcs: self.funcs.clone(),
            positional: self.positional.clone(),
            rcs: self.rcs,
            global_rcs: self.global_rcs,
            unique_path: self.unique_path,
            fish_added: self.fish_added.clone(),
        }
    }

    pub(super) fn restore(&mut self, s: Snapshot) {
        self.vars = s.vars;
        self.uvars = s.uvars;
        self.funcs = s.funcs;
        self.positional = s.positional;
        self.rcs = s.rcs;
        self.global_rcs = s.global_rcs;
        self.unique_path = s.unique_path;
        self.fish_added = s.fish_added;
    }

    /// Runs statements whose effects are recorded as uncertain and whose state is thrown away.
    pub(super) fn dry(&mut self, body: &[Stmt]) {
        let cost = 1 + self.vars.len() + self.uvars.len() + self.funcs.len();
        if !self.spend(cost, body.first().map_or(0, Stmt::line)) {
            return;
        }
        let snap = self.snapshot();
        let certain = std::mem::replace(&mut self.certain, false);
        let stopped = self.stopped;
        let _ = self.exec_list(body);
        self.stopped = stopped;
        self.certain = certain;
        self.restore(snap);
    }

    /// Runs statements for real but with effects marked uncertain.
    pub(super) fn uncertain(&mut self, body: &[Stmt]) -> Flow {
        let certain = std::mem::replace(&mut self.certain, false);
        let flow = self.exec_list(body);
        self.certain = certain;
        flow
    }

    // ---- startup steps -----------------------------------------------------------------------

    pub(super) fn path_list(&self) -> Vec<String> {
        if self.dialect == Dialect::Fish {
            self.get("PATH").unwrap_or_default()
        } else {
            split_path(&self.get_scalar("PATH").unwrap_or_default())
        }
    }

    pub(super) fn set_path_list(&mut self, list: Vec<String>, line: usize) {
        if self.dialect == Dialect::Fish {
            self.set_var("PATH", list, Some(true), line);
        } else {
            self.set_var("PATH", vec![list.join(":")], Some(true), line);
        }
    }

    pub(super) fn appended(&mut self, name: &str, val: Vec<String>) -> Vec<String> {
        let mut cur = self.get(name).unwrap_or_default();
        if self.dialect == Dialect::Zsh && name == "path" {
            cur = split_path(&cur.join(":"));
            cur.extend(val);
            return cur;
        }
        if cur.len() <= 1 && val.len() <= 1 {
            vec![format!("{}{}", cur.join(""), val.join(""))]
        } else {
            cur.extend(val);
            cur
        }
    }
}
