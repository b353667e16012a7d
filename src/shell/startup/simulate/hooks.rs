//! The effect of a recognized manager or environment hook (`brew shellenv`, goenv, asdf, mise,
//! gvm, groot's own activation, direnv's prompt hook…) on PATH and the Go variables.

use super::*;

pub(super) mod direnv;
mod go_managers;

impl<'a> Sim<'a> {
    pub(super) fn apply_hook(&mut self, hook: Hook, line: usize) {
        let manager = hook.manager();
        self.effect(
            line,
            None,
            EffectKind::Hook {
                manager,
                hook: hook.clone(),
            },
        );
        let home = self.home();
        match hook {
            Hook::PathHelper => {
                if self.fs.is_file(Path::new("/usr/libexec/path_helper")) {
                    let new = path_helper::construct_path_dirs(
                        self.fs,
                        Path::new("/"),
                        &self.path_list(),
                    );
                    self.set_path_list(new, line);
                } else {
                    self.unknown(
                        line,
                        "path_helper is not installed here; its effect is unknown",
                    );
                }
            }
            Hook::BrewShellenv { prefix } => {
                let prefix = prefix
                    .or_else(|| self.brew_prefix("brew"))
                    .unwrap_or_else(|| match self.platform.os {
                        Os::MacOs => "/opt/homebrew".into(),
                        _ => "/home/linuxbrew/.linuxbrew".into(),
                    });
                let (bin, sbin) = (format!("{prefix}/bin"), format!("{prefix}/sbin"));
                let mut list = self.path_list();
                if list.first() == Some(&bin) && list.get(1) == Some(&sbin) {
                    return;
                }
                if self.platform.os == Os::MacOs || self.dialect == Dialect::Fish {
                    // macOS 14+: path_helper with PATH_HELPER_ROOT moves them to the front;
                    // fish: fish_add_path --move.
                    list.retain(|p| p != &bin && p != &sbin);
                }
                list.insert(0, sbin);
                list.insert(0, bin);
                self.set_var("HOMEBREW_PREFIX", vec![prefix], Some(true), line);
                self.set_path_list(list, line);
            }
            Hook::GoenvInit => self.goenv_init(line),
            Hook::MiseActivate { shims, exe } => self.mise_activate(shims, exe, line),
            Hook::AsdfScript { script } => self.asdf_script(&script, line),
            Hook::GvmScript => {
                let root = self
                    .get_scalar("GVM_ROOT")
                    .filter(|r| !r.is_empty())
                    .unwrap_or(format!("{home}/.gvm"));
                let default = Path::new(&root).join("environments/default");
                if self.fs.is_file(&default) {
                    let from = self
                        .stack
                        .last()
                        .map(|(p, _)| p.clone())
                        .unwrap_or_default();
                    self.visit(&default, Via::Source { from, line }, true);
                } else {
                    self.effect(
                        line,
                        Some("GOROOT"),
                        EffectKind::Unknown {
                            why: "gvm has no default environment; `gvm use` sets GOROOT and PATH"
                                .into(),
                        },
                    );
                }
            }
            Hook::Gimme => {
                for v in ["GOROOT", "PATH"] {
                    self.effect(
                        line,
                        Some(v),
                        EffectKind::Unknown {
                            why: "set by gimme for the version it selects".into(),
                        },
                    );
                }
            }
            Hook::GrootInit { current, go_bin } => self.groot_init(current, go_bin, line),
            // Nothing at startup: its hook runs at each prompt (see `first_prompt`).
            Hook::Direnv { .. } => {}
        }
    }
}
