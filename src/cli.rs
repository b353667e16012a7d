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
//!
//! Global flags (`--color`, `-q`, `-v`) are read once into [`Output`]; every command asks
//! [`output`] instead of taking them as arguments. With `--json`, an error is a JSON object on
//! stdout (`{"schema_version", "error": {"code", "message", "hint"}}`, docs/schema/error.json)
//! with the same exit code as the text error.

mod completions;
mod contexts;
mod doctor;
mod exec;
mod explain;
mod fix;
mod init;
mod install;
mod interrupt;
mod list;
mod style;
mod switching;
mod use_pin;
mod which;

use std::io::Write;
use std::process::ExitCode;
use std::sync::OnceLock;

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
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Flags every command takes.
#[derive(Debug, clap::Args)]
struct GlobalArgs {
    /// When to colour the output: auto (a terminal, unless NO_COLOR is set; CLICOLOR_FORCE or
    /// FORCE_COLOR force it), always, never.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    color: ColorWhen,
    /// Print only what was asked for and errors: no notes, warnings, progress or confirmations.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Show more: evidence and fixes (doctor), rejected candidates (list), why (which).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// How much to say, decided once from the global flags.
#[derive(Clone, Copy, Debug, Default)]
pub struct Output {
    /// `-q`: errors and asked-for results only.
    pub quiet: bool,
    /// `-v` count.
    pub verbose: u8,
}

static OUTPUT: OnceLock<Output> = OnceLock::new();

/// The global output settings (defaults before parsing).
pub fn output() -> Output {
    OUTPUT.get().copied().unwrap_or_default()
}

/// Picks the colour choice: the flag, then NO_COLOR, then CLICOLOR_FORCE / FORCE_COLOR, then
/// anstream's own terminal test (which also honours CLICOLOR=0 and TERM=dumb).
fn color_choice(
    flag: ColorWhen,
    var: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> anstream::ColorChoice {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty() && v != "0");
    match flag {
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
        ColorWhen::Auto if var("NO_COLOR").is_some_and(|v| !v.is_empty()) => {
            anstream::ColorChoice::Never
        }
        ColorWhen::Auto if set("CLICOLOR_FORCE") || set("FORCE_COLOR") => {
            anstream::ColorChoice::Always
        }
        ColorWhen::Auto => anstream::ColorChoice::Auto,
    }
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
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::Args),
    /// Print groot's man page (roff) to stdout: `groot man | man -l -`.
    Man(completions::ManArgs),
    /// groot itself: `groot self uninstall`.
    #[command(name = "self", subcommand)]
    SelfCmd(SelfCommand),
}

#[derive(Debug, Subcommand)]
enum SelfCommand {
    /// Remove groot's shims, activation blocks and completions (and with --all its data).
    Uninstall(init::SelfUninstallArgs),
}

impl Command {
    /// Whether the command was asked for JSON.
    fn json(&self) -> bool {
        match self {
            Command::Doctor(a) => a.json(),
            Command::Explain(a) => a.json,
            Command::List(a) => a.json,
            Command::Install(a) => a.json,
            Command::Uninstall(a) => a.json,
            Command::Verify(a) => a.json,
            Command::Link(a) => a.json,
            Command::Use(a) => a.json,
            Command::Pin(a) => a.json,
            Command::Which(a) => a.json,
            Command::Contexts(a) => a.json,
            Command::Fix(a) => a.json,
            Command::SelfCmd(SelfCommand::Uninstall(a)) => a.json,
            Command::Exec(_) | Command::Init(_) | Command::Completions(_) | Command::Man(_) => {
                false
            }
        }
    }
}

/// The clap definition (for completions and the man page).
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

pub fn main() -> ExitCode {
    // `COMPLETE=bash groot -- groot use ''`: the shell asking for candidates (completions.rs).
    // clap_complete answers only when the variable is set, non-empty and not `0`; asked
    // otherwise it still reads the working directory and copies the arguments.
    if std::env::var_os(completions::COMPLETE_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        clap_complete::CompleteEnv::with_factory(completions::command_with_candidates)
            .var(completions::COMPLETE_VAR)
            .complete();
    }
    let cli = match parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            if code == 2 && json_in_args(std::env::args_os().skip(1)) {
                let text = e.render().to_string();
                let message = text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("error: ");
                let hint = text
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("tip: "))
                    .map(str::to_owned);
                let _ = print_json(&ErrorReport::new("usage", message.to_owned(), hint));
                return ExitCode::from(2);
            }
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    color_choice(cli.global.color, |n| std::env::var_os(n)).write_global();
    style::set_color(
        anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never,
    );
    let json = cli.command.json();
    let _ = OUTPUT.set(Output {
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
    });
    let host = groot::host::Host::real();
    migrate_home(&host);
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
        Command::Completions(args) => completions::run(&host, args),
        Command::Man(args) => completions::man(args),
        Command::SelfCmd(SelfCommand::Uninstall(args)) => init::self_uninstall(&host, args),
    };
    // The environment snapshot and the rest of the host are left to the OS, like clap's tree
    // (see `parse`): freeing them one by one was ~100 calls to free at the end of every run.
    std::mem::forget(host);
    match result {
        Ok(code) => code,
        // The reader went away (`groot list --available | head`): nothing is wrong and there
        // is nobody left to tell, so stop quietly, as other Unix tools do.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if json => {
            let hint = e.downcast_ref::<Hinted>().map(|h| h.hint.clone());
            let message = match e.downcast_ref::<Hinted>() {
                Some(h) => format!("{:#}", h.error),
                None => format!("{e:#}"),
            };
            let _ = print_json(&ErrorReport::new(error_code(&e), message, hint));
            ExitCode::from(1)
        }
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

/// Moves an older groot's macOS store to `~/.local/share/groot`, once (issue 14 item 8). The
/// shims never do this: until a groot command has run they keep using the old store.
fn migrate_home(host: &groot::host::Host) {
    match groot::home::migrate_legacy_macos_home(host) {
        Ok(Some(m)) => switching::note(format!(
            "moved groot's data from {} to {} (a path without spaces); {} now links there",
            m.from.display(),
            m.to.display(),
            m.from.display()
        )),
        Ok(None) => {}
        Err(e) => switching::note(format!(
            "could not move groot's data from ~/Library/Application Support/groot to \
             ~/.local/share/groot ({e}); groot keeps using the old place"
        )),
    }
}

/// Parses the command line as `Cli::try_parse` does, but leaks clap's `Command` (the tree of
/// every subcommand and flag) and the matches instead of freeing them: the process is short
/// and freeing them was ~9% of `groot explain`'s instructions.
fn parse() -> Result<Cli, clap::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(cli) = parse_explain(&args) {
        return Ok(cli);
    }
    parse_from(args)
}

fn parse_from(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let result = cmd.try_get_matches_from_mut(args).and_then(|mut matches| {
        let cli = <Cli as clap::FromArgMatches>::from_arg_matches_mut(&mut matches)
            .map_err(|e| e.format(&mut cmd));
        std::mem::forget(matches);
        cli
    });
    std::mem::forget(cmd);
    result
}

/// `groot explain …`, the command prompts and editors run most, parsed against one flat
/// command holding the global flags and explain's own: building every subcommand's arguments
/// to parse one was a third of explain's instructions, and clap copying each global flag's
/// value into the subcommand's matches (~100 allocations) a tenth. The global flags are
/// accepted after `explain` as in the full tree (`groot explain -q`); anything this command
/// does not accept as a plain parse (help, a typo, a conflict, another command) is `None`, and
/// the full parse answers it with clap's own message.
fn parse_explain(args: &[std::ffi::OsString]) -> Option<Cli> {
    use clap::{Args as _, FromArgMatches as _};
    if args.get(1).is_none_or(|a| a != "explain") {
        return None;
    }
    let flat =
        GlobalArgs::augment_args(clap::Command::new("groot explain")).mut_args(|a| a.global(false));
    let mut cmd = explain::Args::augment_args(flat);
    let rest =
        std::iter::once(std::ffi::OsString::from("groot explain")).chain(args[2..].iter().cloned());
    let matches = cmd.try_get_matches_from_mut(rest).ok();
    // Left to the OS like the full parse's tree (see `parse`).
    std::mem::forget(cmd);
    let mut matches = matches?;
    let global = GlobalArgs::from_arg_matches_mut(&mut matches).ok();
    let args = explain::Args::from_arg_matches_mut(&mut matches).ok();
    std::mem::forget(matches);
    Some(Cli {
        global: global?,
        command: Command::Explain(args?),
    })
}

/// Whether the raw arguments ask for JSON (`--json`, `--format json`), for usage errors that
/// clap reports before there is a parsed command. Stops at `--`.
fn json_in_args(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let mut prev_format = false;
    for a in args {
        let a = a.to_string_lossy();
        if a == "--" {
            return false;
        }
        if a == "--json" || a == "--format=json" || (prev_format && a == "json") {
            return true;
        }
        prev_format = a == "--format";
    }
    false
}

/// Version of the JSON error object.
pub const ERROR_SCHEMA_VERSION: u32 = 1;

/// `{"schema_version": 1, "error": {"code", "message", "hint"}}` (docs/schema/error.json).
#[derive(Debug, serde::Serialize)]
struct ErrorReport {
    schema_version: u32,
    error: ErrorBody,
}

#[derive(Debug, serde::Serialize)]
struct ErrorBody {
    code: &'static str,
    message: String,
    hint: Option<String>,
}

impl ErrorReport {
    fn new(code: &'static str, message: String, hint: Option<String>) -> ErrorReport {
        ErrorReport {
            schema_version: ERROR_SCHEMA_VERSION,
            error: ErrorBody {
                code,
                message,
                hint,
            },
        }
    }
}

/// A stable code for an error: the typed error's kind when the chain has one.
fn error_code(e: &anyhow::Error) -> &'static str {
    use groot::dist::store::StoreError;
    if let Some(h) = e.downcast_ref::<Hinted>() {
        return error_code(&h.error);
    }
    for c in e.chain() {
        if let Some(c) = c.downcast_ref::<Coded>() {
            return c.code;
        }
        if let Some(s) = c.downcast_ref::<groot::select::SelectError>() {
            return match s {
                groot::select::SelectError::NotInstalled { .. } => "not-installed",
                groot::select::SelectError::Invalid { .. } => "invalid-version",
                groot::select::SelectError::NoHome => "no-home",
                groot::select::SelectError::Refused { .. } => "refused-file",
            };
        }
        if let Some(s) = c.downcast_ref::<StoreError>() {
            return match s {
                StoreError::NotInstalled(_) => "not-installed",
                _ => "store",
            };
        }
        if c.downcast_ref::<groot::dist::install::InstallError>()
            .is_some()
        {
            return "install";
        }
        if c.downcast_ref::<std::io::Error>().is_some() {
            return "io";
        }
    }
    "failed"
}

/// An error with a stable code for JSON output (`not-a-directory`, `ambiguous`, …).
#[derive(Debug)]
pub struct Coded {
    pub code: &'static str,
    pub message: String,
}

impl std::fmt::Display for Coded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Coded {}

/// `Err(Coded)` as an anyhow error.
pub fn coded(code: &'static str, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Coded {
        code,
        message: message.into(),
    })
}

/// A user's input cut to a size that fits a message (a 5000-character argument stays readable).
pub fn clip(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}… ({} characters)", &text[..i], text.chars().count()),
        None => text.to_owned(),
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
    // The whole document first, then one write: a value that fails to serialize leaves no
    // half-written JSON, and stdout (line-buffered) gets one call however many lines. The
    // buffer grows in place at the top of the heap, touching only the pages the text fills.
    let mut out = serde_json::to_vec_pretty(value)?;
    out.push(b'\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the explain-only command parses, the full tree parses the same way; whatever
    /// the full tree refuses or answers with help, the explain-only command leaves to it; and
    /// every explain line the full tree accepts, the explain-only command accepts.
    #[test]
    fn explain_alone_parses_as_the_full_tree() {
        let lines: &[&[&str]] = &[
            &["explain"],
            &["explain", "--json"],
            &["explain", "-v", "--color", "never", "some/dir"],
            &["explain", "--go", "x/go", "--verify", "-q"],
            &["explain", "-vv", "--color=always", "--", "-dir"],
            &["explain", "-q", "-v"],
            &["explain", "--help"],
            &["explain", "-h"],
            &["explain", "--jsn"],
            &["explain", "a", "b"],
            &["explain", "--color", "sometimes"],
            &["explain", "--version"],
            &["-v", "explain"],
            &["list", "--json"],
            &["explain", "--go"],
        ];
        for line in lines {
            let args: Vec<std::ffi::OsString> = std::iter::once("groot")
                .chain(line.iter().copied())
                .map(Into::into)
                .collect();
            let full = parse_from(args.clone());
            match (parse_explain(&args), full) {
                (Some(alone), Ok(full)) => {
                    assert_eq!(format!("{alone:?}"), format!("{full:?}"), "{line:?}")
                }
                (Some(alone), Err(e)) => panic!("{line:?}: {alone:?}, but the full tree: {e}"),
                // Every line that starts with explain and runs it takes the short way.
                (None, Ok(full))
                    if line[0] == "explain" && matches!(full.command, Command::Explain(_)) =>
                {
                    panic!("{line:?}: left to the full tree")
                }
                (None, _) => {}
            }
        }
        assert!(parse_explain(&["groot".into(), "explain".into(), "--json".into()]).is_some());
    }
}
