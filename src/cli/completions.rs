//! `groot completions <shell>` and `groot man`: both generated from the clap definitions that
//! make `--help`, so they cannot drift from the real flags.
//!
//! Completion scripts are clap_complete's dynamic registrations: a few lines that call
//! `COMPLETE=<shell> groot -- <words>` on TAB, so candidates can come from the machine
//! (installed toolchains for `use`, `pin`, `uninstall`, `verify`, `exec --go-version`) and
//! check codes for `doctor --check` come from the catalog. [`install_file`] puts the script
//! where each shell loads completions from by itself (`groot init --install`);
//! `groot self uninstall` removes it again.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::Shells;
use groot::host::Host;
use groot::shell::ShellKind;

/// The variable the registration scripts set when they ask for candidates.
pub const COMPLETE_VAR: &str = "COMPLETE";

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "pwsh")]
    Powershell,
    Elvish,
}

impl Shell {
    fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::Powershell => "powershell",
            Shell::Elvish => "elvish",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    shell: Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A command's own page (`groot man install`); default: groot's page.
    command: Option<String>,
}

/// The clap command with candidates that need the machine (installed toolchains).
pub fn command_with_candidates() -> clap::Command {
    let installed = || ArgValueCandidates::new(installed_candidates);
    super::command()
        .mut_subcommand("use", |c| c.mut_arg("version", |a| a.add(installed())))
        .mut_subcommand("pin", |c| c.mut_arg("version", |a| a.add(installed())))
        .mut_subcommand("uninstall", |c| c.mut_arg("name", |a| a.add(installed())))
        .mut_subcommand("verify", |c| c.mut_arg("name", |a| a.add(installed())))
        .mut_subcommand("exec", |c| c.mut_arg("go_version", |a| a.add(installed())))
}

/// Installed toolchains, newest first, each with its root as help.
fn installed_candidates() -> Vec<CompletionCandidate> {
    let host = Host::real();
    groot::select::installed(&host)
        .into_iter()
        .map(|t| {
            let help = if t.linked {
                format!("linked: {}", t.root.display())
            } else {
                t.root.display().to_string()
            };
            CompletionCandidate::new(t.name).help(Some(help.into()))
        })
        .collect()
}

/// The registration script for `shell`, calling `groot` through PATH.
pub fn script(shell: Shell) -> anyhow::Result<Vec<u8>> {
    let shells = Shells::builtins();
    let completer = shells
        .completer(shell.name())
        .with_context(|| format!("no completion support for {}", shell.name()))?;
    let mut buf = Vec::new();
    completer.write_registration(COMPLETE_VAR, "groot", "groot", "groot", &mut buf)?;
    Ok(buf)
}

pub fn run(_host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    std::io::stdout().lock().write_all(&script(args.shell)?)?;
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: ManArgs) -> anyhow::Result<ExitCode> {
    let root = super::command();
    let cmd = match &args.command {
        None => root,
        Some(name) => {
            let sub = root
                .find_subcommand(name)
                .cloned()
                .ok_or_else(|| super::coded("usage", format!("no command `{name}`")))?;
            let page: &'static str =
                Box::leak(format!("groot-{}", sub.get_name()).into_boxed_str());
            sub.name(page)
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    std::io::stdout().lock().write_all(&buf)?;
    Ok(ExitCode::SUCCESS)
}

/// Where `kind` loads completions from without any setup, for this user: bash-completion's
/// per-user directory, fish's completions directory; for zsh a `site-functions` directory
/// that must be on `fpath` (the caller says so). `None` for shells without one.
pub fn file_for(host: &Host, kind: ShellKind) -> Option<PathBuf> {
    let home = host.home()?;
    let data = host
        .var_nonempty("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(".local/share"));
    let config = host
        .var_nonempty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(".config"));
    match kind {
        ShellKind::Bash => Some(data.join("bash-completion/completions/groot")),
        ShellKind::Fish => Some(config.join("fish/completions/groot.fish")),
        ShellKind::Zsh => Some(data.join("zsh/site-functions/_groot")),
        _ => None,
    }
}

/// The text of the completion file for `kind`. zsh's is an autoload function file: the body
/// runs on the first TAB, so it registers and then completes that same TAB.
fn file_text(kind: ShellKind) -> anyhow::Result<Option<Vec<u8>>> {
    let shell = match kind {
        ShellKind::Bash => Shell::Bash,
        ShellKind::Fish => Shell::Fish,
        ShellKind::Zsh => Shell::Zsh,
        _ => return Ok(None),
    };
    let mut text = script(shell)?;
    if kind == ShellKind::Zsh {
        text.extend_from_slice(b"\n_clap_dynamic_completer_groot \"$@\"\n");
    }
    Ok(Some(text))
}

/// Writes the completion file for `kind` (unchanged content is left alone). Returns where,
/// or `None` for shells groot has no file location for.
pub fn install_file(host: &Host, kind: ShellKind) -> anyhow::Result<Option<PathBuf>> {
    let (Some(path), Some(text)) = (file_for(host, kind), file_text(kind)?) else {
        return Ok(None);
    };
    let real = host.fs().to_real(&path);
    if std::fs::read(&real).ok().as_deref() == Some(text.as_slice()) {
        return Ok(Some(path));
    }
    if let Some(parent) = real.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&real, &text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Some(path))
}

/// Whether zsh will find `path`'s directory: it is on `FPATH` of this process.
pub fn zsh_dir_on_fpath(host: &Host, path: &std::path::Path) -> bool {
    let Some(dir) = path.parent() else {
        return false;
    };
    host.var("FPATH")
        .is_some_and(|f| f.split(':').any(|d| std::path::Path::new(d) == dir))
}

/// Removes groot's completion files (what [`install_file`] wrote); returns the removed ones.
/// A file is removed only when it is groot's (it mentions `COMPLETE=`… `groot`).
pub fn remove_files(host: &Host) -> anyhow::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for kind in [ShellKind::Bash, ShellKind::Zsh, ShellKind::Fish] {
        let Some(path) = file_for(host, kind) else {
            continue;
        };
        let real = host.fs().to_real(&path);
        let Ok(data) = std::fs::read(&real) else {
            continue;
        };
        let text = String::from_utf8_lossy(&data);
        if !(text.contains(COMPLETE_VAR) && text.contains("groot")) {
            continue;
        }
        std::fs::remove_file(&real).with_context(|| format!("cannot remove {}", path.display()))?;
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_has_a_script() {
        for s in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::Powershell,
            Shell::Elvish,
        ] {
            let text = String::from_utf8(script(s).expect("script")).expect("utf-8");
            assert!(text.contains("groot"), "{s:?}: {text}");
            assert!(text.contains(COMPLETE_VAR), "{s:?}: {text}");
        }
    }

    #[test]
    fn the_candidate_args_exist() {
        // mut_arg panics on an unknown id: building the command proves every name is right.
        command_with_candidates().debug_assert();
    }
}
