//! `groot init <shell>`: print the activation script, or install it in a startup file.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use groot::host::Host;
use groot::shell::write::activate::{self, Activation};
use groot::shell::{write::edit, ShellKind};

use super::switching::note;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "powershell")]
    Pwsh,
    /// POSIX sh, dash, ksh.
    Sh,
}

impl Shell {
    fn kind(self) -> ShellKind {
        match self {
            Shell::Bash => ShellKind::Bash,
            Shell::Zsh => ShellKind::Zsh,
            Shell::Fish => ShellKind::Fish,
            Shell::Pwsh => ShellKind::PowerShell,
            Shell::Sh => ShellKind::Sh,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to activate.
    shell: Shell,
    /// Put `<groot_home>/current/bin` first instead of the shims: zero cost per command, but
    /// only the global default (`groot use`) counts; per-directory files are ignored.
    #[arg(long)]
    current: bool,
    /// Run groot-managed Go with GOTOOLCHAIN=local (exports GROOT_LOCAL_TOOLCHAIN=1), so
    /// go.mod cannot make go switch away from the selected toolchain.
    #[arg(long)]
    local_toolchain: bool,
    /// Do not add Go's bin directory (GOBIN, or GOPATH/bin) to PATH.
    #[arg(long)]
    no_go_bin: bool,
    /// Add the activation to the shell's startup file (planned, shown as a diff, backed up).
    #[arg(long)]
    install: bool,
    /// With --install: show the change without writing it.
    #[arg(long, requires = "install")]
    dry_run: bool,
    /// With --install: remove groot's block from the startup file instead.
    #[arg(long, requires = "install")]
    uninstall: bool,
}

pub fn run(host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    let kind = args.shell.kind();
    if args.install {
        return install(host, kind, &args);
    }
    let home =
        groot::discovery::groot_home(host).context("cannot tell where groot keeps its data")?;
    let first = if args.current {
        home.join(groot::select::CURRENT_LINK).join("bin")
    } else {
        super::use_pin::ensure_shims(host);
        groot::shim::shim_dir(host).context("cannot tell where groot keeps its data")?
    };
    let text = |p: &std::path::Path| {
        activate::path_text(p).ok_or_else(|| anyhow::anyhow!("{} is not valid UTF-8", p.display()))
    };
    let go_bin = if args.no_go_bin {
        None
    } else {
        activate::go_bin_dir(host).and_then(|p| activate::path_text(&p))
    };
    let a = Activation {
        first: text(&first)?,
        go_bin,
        local_toolchain: args.local_toolchain,
    };
    let mut out = std::io::stdout().lock();
    out.write_all(activate::render(kind, &a).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn install(host: &Host, kind: ShellKind, args: &Args) -> anyhow::Result<ExitCode> {
    let file = activate::startup_file(host, kind)
        .context("cannot find the home directory for the startup file")?;
    let real = host.fs().to_real(&file);
    let block = if args.uninstall {
        String::new()
    } else {
        let exe = std::env::current_exe().context("cannot find the groot executable")?;
        let exe = activate::path_text(&exe)
            .ok_or_else(|| anyhow::anyhow!("{} is not valid UTF-8", exe.display()))?;
        let mut extra: Vec<&str> = Vec::new();
        if args.current {
            extra.push("--current");
        }
        if args.local_toolchain {
            extra.push("--local-toolchain");
        }
        if args.no_go_bin {
            extra.push("--no-go-bin");
        }
        activate::startup_block(kind, &exe, &extra)
    };
    if let Some(parent) = real.parent() {
        if !args.dry_run {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
    }
    let plan = edit::plan_file_edit(&real, &block, &[])?;
    let mut out = anstream::stdout().lock();
    if !plan.changed {
        writeln!(
            out,
            "{} already {}",
            file.display(),
            if args.uninstall {
                "has no groot block"
            } else {
                "activates groot"
            }
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    out.write_all(plan.diff.as_bytes())?;
    if args.dry_run {
        writeln!(out, "(dry run: {} not changed)", file.display())?;
        return Ok(ExitCode::SUCCESS);
    }
    let home =
        groot::discovery::groot_home(host).context("cannot tell where groot keeps its data")?;
    let backups = host.fs().to_real(&home.join("backups"));
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let journal = edit::apply(&[plan], &backups, &edit::stamp_from_unix(secs))?;
    writeln!(out, "updated {}", file.display())?;
    if let Some(dir) = journal.dir {
        writeln!(out, "backup in {}", dir.display())?;
    }
    drop(out);
    if !args.uninstall {
        note(format!(
            "open a new {kind} to use it, or activate this one: {}",
            match kind {
                ShellKind::Fish => "groot init fish | source".to_owned(),
                ShellKind::PowerShell =>
                    "groot init pwsh | Out-String | Invoke-Expression".to_owned(),
                _ => format!("eval \"$(groot init {kind})\""),
            }
        ));
    }
    Ok(ExitCode::SUCCESS)
}
