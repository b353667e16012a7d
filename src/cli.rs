//! Command-line front end: clap arguments become plain settings, a command calls the library
//! and renders one report value as text or JSON.
//!
//! Exit codes (also in README.md):
//! * 0: success;
//! * 1: groot itself failed (unreadable input, I/O error);
//! * 2: usage error;
//! * 3: `explain --verify` / `contexts --probe`: reality disagrees with the prediction.
//!
//! `groot doctor` uses 1 for "findings at or above `--fail-on`" (see docs/checks.md).

mod contexts;
mod doctor;
mod exec;
mod explain;
mod fix;
mod init;
mod install;
mod list;
mod style;
mod switching;
mod use_pin;
mod which;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status when `--verify` finds a disagreement.
pub const EXIT_DISAGREE: u8 = 3;

#[derive(Debug, Parser)]
#[command(
    name = "groot",
    version,
    about = "Find, explain, fix and switch Go toolchains",
    long_about = "groot shows which go runs, why, and what GOROOT and toolchain it ends with, \
                  reproducing cmd/go's own rules without running it."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Diagnose the Go setup: every install, GOROOT, PATH, shell startup, settings; findings
    /// with evidence and fixes (exit 1 when findings reach --fail-on).
    Doctor(doctor::Args),
    /// Explain which go runs in a directory, and how it picks GOROOT and its toolchain.
    Explain(explain::Args),
    /// List every Go installation on this machine, where it came from and its health.
    List(list::Args),
    /// Install an official Go toolchain, verified against the release index.
    Install(install::InstallArgs),
    /// Remove a toolchain groot installed (or a link made with `groot link`).
    Uninstall(install::UninstallArgs),
    /// Check installed toolchains file by file against their manifest.
    Verify(install::VerifyArgs),
    /// Adopt an existing Go tree under a name, without copying it.
    Link(install::LinkArgs),
    /// Set the global default Go (`groot use 1.22`), or print it.
    Use(use_pin::UseArgs),
    /// Pin a Go version for this directory (writes `.go-version`).
    Pin(use_pin::PinArgs),
    /// Print the path of the go (or gofmt) the shims run here.
    Which(which::Args),
    /// Run a command with the selected Go first on PATH.
    Exec(exec::Args),
    /// Print shell activation (shims first on PATH), or install it with --install.
    Init(init::Args),
    /// Show what each launch context (terminal, IDE, ssh, cron, CI) reads at startup and which
    /// go and GOROOT it gets.
    Contexts(contexts::Args),
    /// Fix shell startup files and the go env file so every context gets the intended go.
    Fix(fix::Args),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let host = groot::host::Host::real();
    let result = match cli.command {
        Command::Doctor(args) => doctor::run(&host, args),
        Command::Explain(args) => explain::run(&host, args),
        Command::List(args) => list::run(&host, args),
        Command::Install(args) => install::install(&host, args),
        Command::Uninstall(args) => install::uninstall(&host, args),
        Command::Verify(args) => install::verify(&host, args),
        Command::Link(args) => install::link(&host, args),
        Command::Use(args) => use_pin::run_use(&host, args),
        Command::Pin(args) => use_pin::run_pin(&host, args),
        Command::Which(args) => which::run(&host, args),
        Command::Exec(args) => exec::run(&host, args),
        Command::Init(args) => init::run(&host, args),
        Command::Contexts(args) => contexts::run(&host, args),
        Command::Fix(args) => fix::run(&host, args),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`groot list --available | head`): nothing is wrong and there
        // is nobody left to tell, so stop quietly, as other Unix tools do.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = anstream::stderr();
            if let Some(h) = e.downcast_ref::<Hinted>() {
                let _ = writeln!(
                    err,
                    "{}error:{} {:#}\n{}hint:{} {}",
                    style::ERROR.render(),
                    style::ERROR.render_reset(),
                    h.error,
                    style::WARN.render(),
                    style::WARN.render_reset(),
                    h.hint
                );
                return ExitCode::from(1);
            }
            let _ = writeln!(
                err,
                "{}error:{} {e:#}",
                style::ERROR.render(),
                style::ERROR.render_reset()
            );
            ExitCode::from(1)
        }
    }
}

/// Whether `e` comes from writing to a closed pipe.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes a JSON value to stdout with a final newline.
fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    // One buffered write: stdout is line-buffered, and pretty JSON has many lines.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// An error with a hint line for the user, printed after it.
#[derive(Debug)]
struct Hinted {
    error: anyhow::Error,
    hint: String,
}

impl std::fmt::Display for Hinted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

impl std::error::Error for Hinted {}
