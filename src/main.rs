//! The `groot` executable: argument parsing and rendering over the `groot` library.
//!
//! Invoked as `go` or `gofmt` (a shim in `<groot_home>/shims`), it is a shim: the file stem of
//! `argv[0]` is checked before anything else, and the shim path uses only the selection code,
//! std and an `exec` (see `groot::shim`). No clap, no anyhow, no network, no copy of the
//! environment. On Linux x86_64 the README's build is static and non-PIE
//! (`.cargo/config.toml`): no dynamic loader runs before `main`.

mod cli;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os();
    if let Some(tool) = args.next().as_deref().and_then(groot::shim::tool_of_argv0) {
        return shim_main(tool, args);
    }
    cli::main()
}

/// The shim: select, exec. Prints a short error and exits 126/127 when it cannot.
fn shim_main(tool: &str, args: std::env::ArgsOs) -> ExitCode {
    // Only the variables the shim reads: the environment is neither copied nor rebuilt.
    let host = groot::host::Host::real_only(groot::shim::VARS);
    let err = match groot::shim::run(&host, tool, args) {
        Ok(code) => return exit_code(code),
        Err(e) => e,
    };
    let mut out = std::io::stderr().lock();
    let _ = writeln!(out, "groot ({tool} shim): {err}");
    if let Some(h) = err.hint() {
        let _ = writeln!(out, "  hint: {h}");
    }
    ExitCode::from(err.exit_code())
}

/// The child's exit code as ours. Windows codes are 32 bits (0xC000013A after Ctrl-C), so
/// they are passed on whole; elsewhere a code is 0–255.
fn exit_code(code: i32) -> ExitCode {
    #[cfg(windows)]
    {
        #[allow(clippy::exit)] // ExitCode holds only a u8; cmd and PowerShell see all 32 bits
        std::process::exit(code)
    }
    #[cfg(not(windows))]
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
