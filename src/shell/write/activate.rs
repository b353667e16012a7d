//! Activation: the script `groot init <shell>` prints, and the startup-file block that runs it.
//!
//! The script puts one directory first on PATH (groot's shims, or `<groot_home>/current/bin`
//! for the zero-cost global mode), moving it to the front when it is already there further
//! back, so evaluating it twice changes nothing; then appends Go's bin directory (where
//! `go install` puts gopls, dlv, staticcheck) when it is missing. It never sets GOROOT: every go
//! finds its own root from its executable, so nothing can go stale when the selection changes.
//! It sets no GOBIN either: groot never changes GOPATH, so Go's default GOBIN (`$GOPATH/bin`,
//! `~/go/bin`) is already the same directory for every version, and an exported GOBIN would
//! make `GOOS=… go install` fail ("cannot install cross-compiled binaries when GOBIN is set").
//! There is no prompt hook: the shims select per command, so the per-prompt cost is zero.
//!
//! Every value is quoted for its shell. The script is written to be evaluated each time a
//! shell starts (`eval "$(groot init bash)"`), and works as well if saved to a file.

use std::path::{Path, PathBuf};

use crate::env_vars;
use crate::host::Host;
use crate::shell::contexts::{self, Inputs};
use crate::shell::gaps::{self, GapInputs};
use crate::shell::write::edit::Placement;
use crate::shell::{platform, ShellKind};

/// What activation does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activation {
    /// The directory to put first on PATH.
    pub first: String,
    /// Go's bin directory, appended when missing.
    pub go_bin: Option<String>,
    /// Export `GROOT_LOCAL_TOOLCHAIN=1`.
    pub local_toolchain: bool,
}

/// Quotes a value for `kind` (see [`crate::shell::quote::single`]).
pub fn quote(kind: ShellKind, s: &str) -> String {
    crate::shell::quote::single(kind, s)
}

/// The activation script for `kind`.
pub fn render(kind: ShellKind, a: &Activation) -> String {
    let mut s = format!(
        "# groot activation for {kind} (`groot init {kind}`): groot first on PATH, Go's bin\n\
         # directory on PATH; GOROOT and GOBIN are left alone.\n"
    );
    match kind {
        ShellKind::Sh | ShellKind::Bash | ShellKind::Zsh => {
            s.push_str(&format!("__groot_dir={}\n", quote(kind, &a.first)));
            s.push_str(concat!(
                "__groot_path=\":${PATH}:\"\n",
                "while :; do\n",
                "  case \"$__groot_path\" in\n",
                "    *\":$__groot_dir:\"*) __groot_path=\"${__groot_path%%\":$__groot_dir:\"*}:${__groot_path#*\":$__groot_dir:\"}\" ;;\n",
                "    *) break ;;\n",
                "  esac\n",
                "done\n",
                "__groot_path=\"${__groot_path#:}\"\n",
                "__groot_path=\"${__groot_path%:}\"\n",
                "PATH=\"$__groot_dir${__groot_path:+:$__groot_path}\"\n",
            ));
            if let Some(bin) = &a.go_bin {
                s.push_str(&format!("__groot_dir={}\n", quote(kind, bin)));
                s.push_str(concat!(
                    "case \":${PATH}:\" in\n",
                    "  *\":$__groot_dir:\"*) ;;\n",
                    "  *) PATH=\"${PATH:+$PATH:}$__groot_dir\" ;;\n",
                    "esac\n",
                ));
            }
            s.push_str("export PATH\nunset __groot_dir __groot_path\n");
            if a.local_toolchain {
                s.push_str(&format!("export {}=1\n", env_vars::GROOT_LOCAL_TOOLCHAIN));
            }
        }
        ShellKind::Fish => {
            s.push_str(&format!("set -l __groot_dir {}\n", quote(kind, &a.first)));
            s.push_str(concat!(
                "while contains -- $__groot_dir $PATH\n",
                "    set -e PATH[(contains -i -- $__groot_dir $PATH)]\n",
                "end\n",
                "set -gx PATH $__groot_dir $PATH\n",
            ));
            if let Some(bin) = &a.go_bin {
                s.push_str(&format!("set __groot_dir {}\n", quote(kind, bin)));
                s.push_str(concat!(
                    "if not contains -- $__groot_dir $PATH\n",
                    "    set -gx PATH $PATH $__groot_dir\n",
                    "end\n",
                ));
            }
            s.push_str("set -e __groot_dir\n");
            if a.local_toolchain {
                s.push_str(&format!("set -gx {} 1\n", env_vars::GROOT_LOCAL_TOOLCHAIN));
            }
        }
        ShellKind::PowerShell => {
            s.push_str("$__grootSep = [System.IO.Path]::PathSeparator\n");
            s.push_str(&format!("$__grootDir = {}\n", quote(kind, &a.first)));
            s.push_str(concat!(
                "$env:PATH = (@($__grootDir) + @(($env:PATH -split [regex]::Escape($__grootSep)) | ",
                "Where-Object { $_ -and $_ -ne $__grootDir })) -join $__grootSep\n",
            ));
            if let Some(bin) = &a.go_bin {
                s.push_str(&format!("$__grootDir = {}\n", quote(kind, bin)));
                s.push_str(concat!(
                    "if (-not (($env:PATH -split [regex]::Escape($__grootSep)) -contains $__grootDir)) ",
                    "{ $env:PATH = $env:PATH + $__grootSep + $__grootDir }\n",
                ));
            }
            s.push_str("Remove-Variable __grootSep, __grootDir\n");
            if a.local_toolchain {
                s.push_str(&format!("$env:{} = '1'\n", env_vars::GROOT_LOCAL_TOOLCHAIN));
            }
        }
    }
    s
}

/// The block groot keeps in a startup file: it runs `groot init` at each shell start (so the
/// activation follows groot upgrades), and does nothing once groot is gone.
pub fn startup_block(kind: ShellKind, groot: &str, init_args: &[&str]) -> String {
    let q = |s: &str| quote(kind, s);
    let mut cmd = format!("{} init {kind}", q(groot));
    for a in init_args {
        cmd.push(' ');
        cmd.push_str(&q(a));
    }
    match kind {
        ShellKind::Sh | ShellKind::Bash | ShellKind::Zsh => {
            format!("if [ -x {} ]; then eval \"$({cmd})\"; fi", q(groot))
        }
        ShellKind::Fish => format!("if test -x {}\n    {cmd} | source\nend", q(groot)),
        ShellKind::PowerShell => format!(
            "if (Test-Path {}) {{ & {cmd} | Out-String | Invoke-Expression }}",
            q(groot)
        ),
    }
}

/// The startup file `groot init <shell> --install` edits: the one every interactive shell of
/// that kind reads (`~/.bashrc`; `~/.bash_profile` on macOS, where terminals start login
/// shells; `$ZDOTDIR/.zshrc`; a fish `conf.d` file of its own; the PowerShell profile;
/// `~/.profile` for sh).
pub fn startup_file(host: &Host, kind: ShellKind) -> Option<PathBuf> {
    let home = host.home()?;
    let os = host.os();
    Some(match kind {
        ShellKind::Sh => home.join(".profile"),
        ShellKind::Bash if os == crate::host::Os::MacOs => home.join(".bash_profile"),
        ShellKind::Bash => home.join(".bashrc"),
        ShellKind::Zsh => host
            .var_nonempty(env_vars::ZDOTDIR)
            .map(PathBuf::from)
            .unwrap_or(home)
            .join(".zshrc"),
        ShellKind::Fish => host
            .var_nonempty(env_vars::XDG_CONFIG_HOME)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| home.join(".config"))
            .join("fish")
            .join("conf.d")
            .join("groot.fish"),
        ShellKind::PowerShell if os == crate::host::Os::Windows => {
            let [seven, _] = super::windows::powershell_profiles(&windows_documents(host, &home));
            seven
        }
        ShellKind::PowerShell => home
            .join(".config")
            .join("powershell")
            .join("Microsoft.PowerShell_profile.ps1"),
    })
}

/// Where `groot init <shell> --install` writes, so that every context starting that shell
/// (a terminal, login shells, `ssh host cmd`, editors' terminals) runs the activation: for each
/// such context, the file `groot fix` would write to reach it ([`gaps::target_for`]: zsh's
/// `.zshenv` on Linux, `.zprofile` and `.zshrc` on macOS; bash's login profile and `.bashrc`,
/// at its top when `ssh host cmd` must get past an interactive guard), merged per file. fish,
/// sh and PowerShell have one file each ([`startup_file`]).
pub fn install_targets(host: &Host, kind: ShellKind) -> Vec<(PathBuf, Placement)> {
    if kind == ShellKind::PowerShell && host.os() == crate::host::Os::Windows {
        // `$PROFILE` of PowerShell 7 and of Windows PowerShell 5.1: both are on a stock
        // Windows, and a user may open either.
        return host
            .home()
            .map(|home| {
                super::windows::powershell_profiles(&windows_documents(host, &home))
                    .into_iter()
                    .map(|p| (p, Placement::End))
                    .collect()
            })
            .unwrap_or_default();
    }
    let single = || {
        startup_file(host, kind)
            .map(|f| vec![(f, Placement::End)])
            .unwrap_or_default()
    };
    if !matches!(kind, ShellKind::Bash | ShellKind::Zsh) {
        return single();
    }
    let (platform, mut session) = platform::of_host(host);
    session.insert("SHELL".into(), format!("/bin/{}", kind.name()));
    let predictions = contexts::predict_all(Inputs {
        fs: host.fs(),
        platform: &platform,
        session: &session,
        dir: None,
    });
    let inputs = GapInputs {
        fs: host.fs(),
        platform: &platform,
        session: &session,
        predictions: &predictions,
    };
    let mut out: Vec<(PathBuf, Placement)> = Vec::new();
    for p in &predictions {
        if p.simulation().map(|s| s.invocation.shell) != Some(kind) {
            continue;
        }
        let Some(t) = gaps::target_for(&inputs, p) else {
            continue;
        };
        match out.iter_mut().find(|(f, _)| *f == t.file) {
            Some(e) if t.placement == Placement::Top => e.1 = Placement::Top,
            Some(_) => {}
            None => out.push((t.file, t.placement)),
        }
    }
    if out.is_empty() {
        return single();
    }
    out
}

/// The Documents folder on Windows (the registry's, on the real machine; OneDrive's or the
/// profile's in a simulated one): where the PowerShell profiles live.
fn windows_documents(host: &Host, home: &Path) -> PathBuf {
    #[cfg(windows)]
    let personal = host
        .fs()
        .root()
        .is_none()
        .then(super::windows::registry::personal_folder)
        .flatten();
    #[cfg(not(windows))]
    let personal: Option<String> = None;
    super::windows::documents_dir(
        personal.as_deref(),
        |n| host.var_nonempty(n).map(str::to_owned),
        |p| host.fs().is_dir(p),
        home,
    )
}

/// Where `go install` puts binaries for every version: `GOBIN` (environment, then the go env
/// file), else the first GOPATH entry's `bin` (environment, then the go env file), else
/// `~/go/bin`, as cmd/go decides.
pub fn go_bin_dir(host: &Host) -> Option<PathBuf> {
    let user = crate::envfile::read_user_env(host, None);
    let from_file = |key: &str| {
        user.get(key)
            .map(|e| e.value.clone())
            .filter(|v| !v.is_empty())
    };
    let get = |key: &str| {
        host.var_nonempty(key)
            .map(str::to_owned)
            .or_else(|| from_file(key))
    };
    if let Some(bin) = get(env_vars::GOBIN) {
        return Some(PathBuf::from(bin));
    }
    if let Some(gopath) = get(env_vars::GOPATH) {
        let first = host
            .split_list(std::ffi::OsStr::new(&gopath))
            .into_iter()
            .find(|p| !p.as_os_str().is_empty())?;
        return Some(first.join("bin"));
    }
    host.home().map(|h| h.join("go").join("bin"))
}

/// The text of a path, for a script (`None` when it is not valid UTF-8).
pub fn path_text(p: &Path) -> Option<String> {
    p.to_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Os;

    #[test]
    fn scripts_never_touch_goroot_or_gobin() {
        let a = Activation {
            first: "/h/shims".into(),
            go_bin: Some("/h/go/bin".into()),
            local_toolchain: true,
        };
        for kind in ShellKind::ALL {
            let s = render(kind, &a);
            for var in ["GOROOT", "GOBIN"] {
                for set in [
                    format!("{var}="),
                    format!("-gx {var}"),
                    format!("env:{var}"),
                ] {
                    assert!(!s.contains(&set), "{kind}: {s}");
                }
            }
            assert!(s.contains("GROOT_LOCAL_TOOLCHAIN"), "{kind}");
        }
    }

    #[test]
    fn go_bin_follows_go() {
        let h = Host::fake("/nonexistent", Os::Linux).with_var("HOME", "/home/u");
        assert_eq!(go_bin_dir(&h), Some(PathBuf::from("/home/u/go/bin")));
        let h = h.with_var("GOPATH", "/w1:/w2");
        assert_eq!(go_bin_dir(&h), Some(PathBuf::from("/w1/bin")));
        let h = h.with_var("GOBIN", "/tools");
        assert_eq!(go_bin_dir(&h), Some(PathBuf::from("/tools")));
    }

    #[test]
    fn startup_files() {
        let h = Host::fake("/x", Os::Linux).with_var("HOME", "/home/u");
        assert_eq!(
            startup_file(&h, ShellKind::Bash),
            Some(PathBuf::from("/home/u/.bashrc"))
        );
        assert_eq!(
            startup_file(&h.clone().with_os(Os::MacOs), ShellKind::Bash),
            Some(PathBuf::from("/home/u/.bash_profile"))
        );
        assert_eq!(
            startup_file(&h.clone().with_var("ZDOTDIR", "/z"), ShellKind::Zsh),
            Some(PathBuf::from("/z/.zshrc"))
        );
        assert_eq!(
            startup_file(&h, ShellKind::Fish),
            Some(PathBuf::from("/home/u/.config/fish/conf.d/groot.fish"))
        );
        let b = startup_block(ShellKind::Bash, "/opt/it's/groot", &["--local-toolchain"]);
        assert_eq!(
            b,
            r#"if [ -x '/opt/it'\''s/groot' ]; then eval "$('/opt/it'\''s/groot' init bash '--local-toolchain')"; fi"#
        );
    }

    /// Issue 14 item 10: the text `init pwsh --install` writes into `$PROFILE` (PowerShell 7
    /// and 5.1 alike), with a path that needs quoting.
    #[test]
    fn powershell_profile_block_text() {
        assert_eq!(
            startup_block(
                ShellKind::PowerShell,
                r"C:\Users\O'Neil\groot.exe",
                &["--local-toolchain"]
            ),
            r"if (Test-Path 'C:\Users\O''Neil\groot.exe') { & 'C:\Users\O''Neil\groot.exe' init pwsh '--local-toolchain' | Out-String | Invoke-Expression }"
        );
    }

    #[test]
    fn powershell_profiles_on_windows_follow_onedrive() {
        let t = tempfile::tempdir().expect("tmp");
        let h = Host::fake(t.path(), Os::Windows)
            .with_var("USERPROFILE", "/Users/me")
            .with_var("OneDrive", "/Users/me/OneDrive");
        let files = |h: &Host| -> Vec<PathBuf> {
            install_targets(h, ShellKind::PowerShell)
                .into_iter()
                .map(|(f, _)| f)
                .collect()
        };
        assert_eq!(
            files(&h),
            [
                PathBuf::from("/Users/me/Documents/PowerShell/Microsoft.PowerShell_profile.ps1"),
                PathBuf::from(
                    "/Users/me/Documents/WindowsPowerShell/Microsoft.PowerShell_profile.ps1"
                )
            ]
        );
        std::fs::create_dir_all(t.path().join("Users/me/OneDrive/Documents")).expect("mkdir");
        assert_eq!(
            files(&h)[1],
            PathBuf::from(
                "/Users/me/OneDrive/Documents/WindowsPowerShell/Microsoft.PowerShell_profile.ps1"
            )
        );
        assert_eq!(
            startup_file(&h, ShellKind::PowerShell),
            Some(PathBuf::from(
                "/Users/me/OneDrive/Documents/PowerShell/Microsoft.PowerShell_profile.ps1"
            ))
        );
    }
}
