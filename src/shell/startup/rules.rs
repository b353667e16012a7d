//! Startup rules as data: for a shell started in a given way (an [`Invocation`]: login or not,
//! interactive or not, `--noprofile`, sh emulation…) the ordered list of [`Step`]s it takes to
//! read its startup files. Steps whose target depends on state reached during startup (the
//! value of `$ZDOTDIR` after `~/.zshenv`, `$BASH_ENV`, the first existing bash profile, fish's
//! conf.d directories) stay symbolic here and are resolved by the analyzer as it goes.
//!
//! The rules follow the shells' manuals and the traces in the research notes: bash reads
//! `/etc/profile` then the first of `~/.bash_profile`, `~/.bash_login`, `~/.profile` in login
//! shells and `~/.bashrc` only in interactive non-login ones; zsh always reads zshenv and never
//! `~/.profile`; fish reads all of its config in every mode; dash reads `~/.profile` in login
//! shells and `$ENV` in interactive ones.

use std::path::PathBuf;

use crate::shell::kind::ShellKind;
use crate::shell::platform::{Distro, Os, Platform};

/// Login and interactive flags of a shell process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Mode {
    pub login: bool,
    pub interactive: bool,
}

impl Mode {
    pub const LOGIN_INTERACTIVE: Mode = Mode {
        login: true,
        interactive: true,
    };
    pub const INTERACTIVE: Mode = Mode {
        login: false,
        interactive: true,
    };
    pub const LOGIN: Mode = Mode {
        login: true,
        interactive: false,
    };
    pub const NON_INTERACTIVE: Mode = Mode {
        login: false,
        interactive: false,
    };

    /// A short name: `login-interactive`, `interactive`, `login`, `non-interactive`.
    pub fn name(self) -> &'static str {
        match (self.login, self.interactive) {
            (true, true) => "login-interactive",
            (false, true) => "interactive",
            (true, false) => "login",
            (false, false) => "non-interactive",
        }
    }
}

/// How a shell process is started, as far as it changes the files it reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Invocation {
    pub shell: ShellKind,
    pub mode: Mode,
    /// bash `--noprofile`.
    pub no_profile: bool,
    /// bash `--norc`, zsh `-f` (NO_RCS), fish `--no-config`, pwsh `-NoProfile`.
    pub no_rc: bool,
    /// bash `--rcfile FILE` (replaces `~/.bashrc`).
    pub rcfile: Option<PathBuf>,
    /// bash `--posix`, or bash/zsh started under the name `sh`: POSIX startup rules.
    pub posix: bool,
    /// bash run by sshd for `ssh host cmd`: non-interactive, `-c`, stdin a socket or
    /// `SSH_CLIENT` set, SHLVL < 2.
    pub ssh_command: bool,
    /// The shell goes on to show a prompt in this directory (a terminal, not `-c`): prompt
    /// hooks such as direnv's run once startup is done. No flag spells it.
    pub prompt_in: Option<PathBuf>,
}

impl Invocation {
    pub fn new(shell: ShellKind, mode: Mode) -> Self {
        Invocation {
            shell,
            mode,
            no_profile: false,
            no_rc: false,
            rcfile: None,
            posix: false,
            ssh_command: false,
            prompt_in: None,
        }
    }

    /// GitHub Actions' `bash --noprofile --norc -e -o pipefail {0}`.
    pub fn bash_ci() -> Self {
        Invocation {
            no_profile: true,
            no_rc: true,
            ..Invocation::new(ShellKind::Bash, Mode::NON_INTERACTIVE)
        }
    }

    /// The command-line flags that start this invocation, for messages and for running the
    /// real shell in tests (`["-l", "-i"]`, `["--noprofile", "--norc"]`).
    pub fn flags(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.shell {
            ShellKind::PowerShell => {
                if self.mode.login {
                    out.push("-Login".into());
                }
                if self.no_rc {
                    out.push("-NoProfile".into());
                }
            }
            ShellKind::Fish => {
                if self.mode.login {
                    out.push("-l".into());
                }
                if self.mode.interactive {
                    out.push("-i".into());
                }
                if self.no_rc {
                    out.push("--no-config".into());
                }
            }
            _ => {
                if self.mode.login {
                    out.push("-l".into());
                }
                if self.mode.interactive {
                    out.push("-i".into());
                }
                if self.no_profile {
                    out.push("--noprofile".into());
                }
                if self.no_rc {
                    out.push(
                        if self.shell == ShellKind::Zsh {
                            "-f"
                        } else {
                            "--norc"
                        }
                        .into(),
                    );
                }
                if let Some(rc) = &self.rcfile {
                    out.push("--rcfile".into());
                    out.push(rc.display().to_string());
                }
                if self.posix && self.shell == ShellKind::Bash {
                    out.push("--posix".into());
                }
            }
        }
        out
    }
}

/// Where a startup file lives, before the state at that point of startup is known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathSpec {
    /// A fixed absolute path.
    Abs(PathBuf),
    /// Relative to `$HOME`.
    Home(&'static str),
    /// Relative to `$ZDOTDIR` as set at that moment (default `$HOME`).
    ZDotDir(&'static str),
    /// Relative to `$XDG_CONFIG_HOME` (default `~/.config`).
    XdgConfig(&'static str),
}

impl PathSpec {
    /// A human spelling: `/etc/profile`, `~/.bashrc`, `$ZDOTDIR/.zshrc`.
    pub fn display(&self) -> String {
        match self {
            PathSpec::Abs(p) => p.display().to_string(),
            PathSpec::Home(r) => format!("~/{r}"),
            PathSpec::ZDotDir(r) => format!("${{ZDOTDIR:-~}}/{r}"),
            PathSpec::XdgConfig(r) => format!("${{XDG_CONFIG_HOME:-~/.config}}/{r}"),
        }
    }
}

/// Whether a step is skipped by a zsh option set earlier in startup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    Always,
    /// Skipped once `RCS` is unset (`setopt no_rcs`).
    ZshRcs,
    /// Skipped once `RCS` or `GLOBAL_RCS` is unset.
    ZshGlobalRcs,
}

/// One thing a starting shell does that can change its environment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum Step {
    /// Source a file if it exists.
    File {
        path: PathSpec,
        guard: Guard,
        system: bool,
    },
    /// Source the first of these files that exists (bash's login profile).
    FirstOf { paths: Vec<PathSpec> },
    /// Source the file named by an environment variable's value at that point (`BASH_ENV`,
    /// `ENV`), if set and non-empty.
    EnvFile { var: &'static str },
    /// fish: apply universal variables from `fish_variables` and prepend `fish_user_paths`
    /// (`__fish_reconstruct_path`).
    FishUniversal,
    /// fish on macOS in a login shell: its built-in emulation of `path_helper`.
    FishPathHelper,
    /// fish: source `conf.d/*.fish` from the user, system and vendor directories, one
    /// directory after another, the first file of each basename only.
    FishConfD,
}

/// The steps a shell takes at startup, in order.
pub fn startup_steps(inv: &Invocation, platform: &Platform) -> Vec<Step> {
    let mut steps = Vec::new();
    let file = |p: &str| Step::File {
        path: PathSpec::Abs(p.into()),
        guard: Guard::Always,
        system: true,
    };
    let home = |r: &'static str| Step::File {
        path: PathSpec::Home(r),
        guard: Guard::Always,
        system: false,
    };
    let posix_rules = |steps: &mut Vec<Step>| {
        if inv.mode.login && !inv.no_profile {
            steps.push(file("/etc/profile"));
            steps.push(home(".profile"));
        }
        if inv.mode.interactive {
            steps.push(Step::EnvFile { var: "ENV" });
        }
    };
    match inv.shell {
        ShellKind::Sh => posix_rules(&mut steps),
        ShellKind::Bash if inv.posix => posix_rules(&mut steps),
        ShellKind::Bash => {
            let sys_bashrc = platform.distro == Distro::Debian && platform.os == Os::Linux;
            if inv.mode.login {
                if !inv.no_profile {
                    steps.push(file("/etc/profile"));
                    steps.push(Step::FirstOf {
                        paths: vec![
                            PathSpec::Home(".bash_profile"),
                            PathSpec::Home(".bash_login"),
                            PathSpec::Home(".profile"),
                        ],
                    });
                }
            } else if (inv.mode.interactive || inv.ssh_command) && !inv.no_rc {
                if sys_bashrc {
                    steps.push(file("/etc/bash.bashrc"));
                }
                match &inv.rcfile {
                    Some(rc) => steps.push(Step::File {
                        path: PathSpec::Abs(rc.clone()),
                        guard: Guard::Always,
                        system: false,
                    }),
                    None => steps.push(home(".bashrc")),
                }
            }
            if !inv.mode.interactive {
                steps.push(Step::EnvFile { var: "BASH_ENV" });
            }
        }
        ShellKind::Zsh if inv.posix => posix_rules(&mut steps),
        ShellKind::Zsh => {
            let g = platform.zsh_global_dir();
            let global = |name: &str, guard: Guard| Step::File {
                path: PathSpec::Abs(PathBuf::from(format!("{g}/{name}"))),
                guard,
                system: true,
            };
            let user = |name: &'static str| Step::File {
                path: PathSpec::ZDotDir(name),
                guard: Guard::ZshRcs,
                system: false,
            };
            steps.push(global("zshenv", Guard::Always));
            if !inv.no_rc {
                steps.push(user(".zshenv"));
                if inv.mode.login {
                    steps.push(global("zprofile", Guard::ZshGlobalRcs));
                    steps.push(user(".zprofile"));
                }
                if inv.mode.interactive {
                    steps.push(global("zshrc", Guard::ZshGlobalRcs));
                    steps.push(user(".zshrc"));
                }
                if inv.mode.login {
                    steps.push(global("zlogin", Guard::ZshGlobalRcs));
                    steps.push(user(".zlogin"));
                }
            }
        }
        ShellKind::Fish => {
            if !inv.no_rc {
                if platform.os == Os::MacOs && inv.mode.login {
                    steps.push(Step::FishPathHelper);
                }
                steps.push(Step::FishUniversal);
                steps.push(Step::FishConfD);
                steps.push(Step::File {
                    path: PathSpec::Abs(platform.fish_sysconf_dir.join("config.fish")),
                    guard: Guard::Always,
                    system: true,
                });
                steps.push(Step::File {
                    path: PathSpec::XdgConfig("fish/config.fish"),
                    guard: Guard::Always,
                    system: false,
                });
            }
        }
        ShellKind::PowerShell => {
            // `pwsh -Login` on Unix re-executes itself through `/bin/sh -l -c`, which reads
            // /etc/profile and ~/.profile (never ~/.zprofile or ~/.bash_profile).
            if inv.mode.login && platform.os != Os::Windows {
                steps.push(file("/etc/profile"));
                steps.push(home(".profile"));
            }
            if !inv.no_rc {
                for p in powershell_profiles(platform) {
                    steps.push(Step::File {
                        path: p.path,
                        guard: Guard::Always,
                        system: p.all_users,
                    });
                }
            }
        }
    }
    steps
}

/// One PowerShell profile script.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PwshProfile {
    /// `AllUsersAllHosts`, `AllUsersCurrentHost`, `CurrentUserAllHosts`, `CurrentUserCurrentHost`.
    pub scope: &'static str,
    pub all_users: bool,
    pub path: PathSpec,
}

/// PowerShell 7's profile scripts in load order (about_Profiles). On Windows "Documents" may
/// be redirected by OneDrive; the caller should prefer `$PROFILE` when it can ask pwsh.
pub fn powershell_profiles(platform: &Platform) -> Vec<PwshProfile> {
    let (pshome, user_dir): (&str, &'static str) = match platform.os {
        Os::Windows => ("C:/Program Files/PowerShell/7", "Documents/PowerShell"),
        Os::MacOs => ("/usr/local/microsoft/powershell/7", ".config/powershell"),
        _ => ("/opt/microsoft/powershell/7", ".config/powershell"),
    };
    let user = |name: &'static str| -> &'static str {
        match (user_dir, name) {
            ("Documents/PowerShell", "Profile.ps1") => "Documents/PowerShell/Profile.ps1",
            ("Documents/PowerShell", _) => "Documents/PowerShell/Microsoft.PowerShell_profile.ps1",
            (_, "Profile.ps1") => ".config/powershell/profile.ps1",
            _ => ".config/powershell/Microsoft.PowerShell_profile.ps1",
        }
    };
    let all_hosts = if platform.os == Os::Windows {
        "Profile.ps1"
    } else {
        "profile.ps1"
    };
    vec![
        PwshProfile {
            scope: "AllUsersAllHosts",
            all_users: true,
            path: PathSpec::Abs(PathBuf::from(format!("{pshome}/{all_hosts}"))),
        },
        PwshProfile {
            scope: "AllUsersCurrentHost",
            all_users: true,
            path: PathSpec::Abs(PathBuf::from(format!(
                "{pshome}/Microsoft.PowerShell_profile.ps1"
            ))),
        },
        PwshProfile {
            scope: "CurrentUserAllHosts",
            all_users: false,
            path: PathSpec::Home(user("Profile.ps1")),
        },
        PwshProfile {
            scope: "CurrentUserCurrentHost",
            all_users: false,
            path: PathSpec::Home(user("Microsoft.PowerShell_profile.ps1")),
        },
    ]
}

/// The user file groot should edit so that a setting reaches a shell started this way: the
/// last user file of the invocation that the shell reads for sure (for bash login shells the
/// first existing profile is decided by the analyzer; this returns the spec list instead).
pub fn user_files(inv: &Invocation, platform: &Platform) -> Vec<PathSpec> {
    let mut out = Vec::new();
    for step in startup_steps(inv, platform) {
        match step {
            Step::File {
                path,
                system: false,
                ..
            } => out.push(path),
            Step::FirstOf { paths } => out.extend(paths),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(steps: &[Step]) -> Vec<String> {
        steps
            .iter()
            .map(|s| match s {
                Step::File { path, .. } => path.display(),
                Step::FirstOf { paths } => paths
                    .iter()
                    .map(PathSpec::display)
                    .collect::<Vec<_>>()
                    .join("|"),
                Step::EnvFile { var } => format!("${var}"),
                Step::FishUniversal => "fish_variables".into(),
                Step::FishPathHelper => "path_helper".into(),
                Step::FishConfD => "conf.d".into(),
            })
            .collect()
    }

    #[test]
    fn bash_login_reads_profile_chain_and_not_bashrc() {
        let p = Platform::linux(Distro::Debian);
        let steps = startup_steps(
            &Invocation::new(ShellKind::Bash, Mode::LOGIN_INTERACTIVE),
            &p,
        );
        assert_eq!(
            names(&steps),
            ["/etc/profile", "~/.bash_profile|~/.bash_login|~/.profile"]
        );
        let steps = startup_steps(&Invocation::new(ShellKind::Bash, Mode::LOGIN), &p);
        assert_eq!(names(&steps).last().map(String::as_str), Some("$BASH_ENV"));
    }

    #[test]
    fn bash_interactive_reads_system_bashrc_on_debian_only() {
        let inv = Invocation::new(ShellKind::Bash, Mode::INTERACTIVE);
        let deb = startup_steps(&inv, &Platform::linux(Distro::Debian));
        assert_eq!(names(&deb), ["/etc/bash.bashrc", "~/.bashrc"]);
        let mac = startup_steps(&inv, &Platform::macos());
        assert_eq!(names(&mac), ["~/.bashrc"]);
    }

    #[test]
    fn ci_bash_reads_only_bash_env() {
        let steps = startup_steps(&Invocation::bash_ci(), &Platform::linux(Distro::Debian));
        assert_eq!(names(&steps), ["$BASH_ENV"]);
    }

    #[test]
    fn zsh_never_reads_profile_and_always_reads_zshenv() {
        let p = Platform::macos();
        let all = startup_steps(
            &Invocation::new(ShellKind::Zsh, Mode::LOGIN_INTERACTIVE),
            &p,
        );
        assert_eq!(
            names(&all),
            [
                "/etc/zshenv",
                "${ZDOTDIR:-~}/.zshenv",
                "/etc/zprofile",
                "${ZDOTDIR:-~}/.zprofile",
                "/etc/zshrc",
                "${ZDOTDIR:-~}/.zshrc",
                "/etc/zlogin",
                "${ZDOTDIR:-~}/.zlogin"
            ]
        );
        let c = startup_steps(
            &Invocation::new(ShellKind::Zsh, Mode::NON_INTERACTIVE),
            &Platform::linux(Distro::Debian),
        );
        assert_eq!(names(&c), ["/etc/zsh/zshenv", "${ZDOTDIR:-~}/.zshenv"]);
    }

    #[test]
    fn fish_reads_everything_in_every_mode() {
        let p = Platform::linux(Distro::Debian);
        let a = startup_steps(&Invocation::new(ShellKind::Fish, Mode::NON_INTERACTIVE), &p);
        let b = startup_steps(
            &Invocation::new(ShellKind::Fish, Mode::LOGIN_INTERACTIVE),
            &p,
        );
        assert_eq!(a, b);
        let mac = startup_steps(
            &Invocation::new(ShellKind::Fish, Mode::LOGIN),
            &Platform::macos(),
        );
        assert_eq!(names(&mac)[0], "path_helper");
    }

    #[test]
    fn dash_reads_env_only_when_interactive() {
        let p = Platform::linux(Distro::Debian);
        let login = startup_steps(&Invocation::new(ShellKind::Sh, Mode::LOGIN), &p);
        assert_eq!(names(&login), ["/etc/profile", "~/.profile"]);
        let i = startup_steps(&Invocation::new(ShellKind::Sh, Mode::INTERACTIVE), &p);
        assert_eq!(names(&i), ["$ENV"]);
    }

    #[test]
    fn pwsh_login_goes_through_sh_profile() {
        let inv = Invocation::new(ShellKind::PowerShell, Mode::LOGIN_INTERACTIVE);
        let steps = startup_steps(&inv, &Platform::macos());
        assert_eq!(names(&steps)[..2], ["/etc/profile", "~/.profile"]);
        let win = startup_steps(&inv, &Platform::windows());
        assert_eq!(names(&win).len(), 4);
        assert!(names(&win)[2].contains("Documents/PowerShell"));
    }
}
