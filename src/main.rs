//! The `groot` executable: argument parsing and rendering over the `groot` library.
//!
//! Invoked as `go` or `gofmt` (a shim in `<groot_home>/shims`), it is a shim: the file stem of
//! `argv[0]` is checked before anything else, and the shim path uses only the selection code,
//! std and an `exec` (see `groot::shim`). No clap, no anyhow, no network, no copy of the
//! environment. On Linux x86_64 the README's build is static and non-PIE
//! (`.cargo/config.toml`): no dynamic loader runs before `main`.
//!
//! On Linux with glibc, `main` is the C `main` that glibc's start-up calls (`#![no_main]`):
//! Rust's own start-up, which a shim does not need, is skipped. It read /proc/self/maps to
//! find the main thread's stack (~42k of a shim's ~115k instructions) and installed a
//! stack-overflow handler on an alternate signal stack: 17 system calls before the shim's
//! first line. What of it the command line needs, [`cli_start`] does itself (docs/ARCHITECTURE.md,
//! "The entry point").

// Not under `cargo test`: the test harness brings its own `main`.
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

mod cli;

use std::io::Write;
use std::process::ExitCode;

/// The entry point glibc calls (`__libc_start_main`), in place of Rust's `lang_start`. std
/// still gets `argv` and the environment (glibc hands them to std's initialiser in
/// `.init_array`), so `std::env::args_os` works as usual.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
// SAFETY: `no_mangle` makes this function the program's only `main` symbol, the one glibc's
// crt1 calls with the C signature declared here; nothing else in the program defines `main`
// (`#![no_main]` keeps rustc from emitting its own).
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    let code = start();
    // Rust's start-up flushes stdout at exit; returning from a C main does not.
    let _ = std::io::stdout().flush();
    number_of(code)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() -> ExitCode {
    start()
}

fn start() -> ExitCode {
    let mut args = std::env::args_os();
    if let Some(tool) = args.next().as_deref().and_then(groot::shim::tool_of_argv0) {
        return shim_main(tool, args);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
    cli_start();
    cli::main()
}

/// What Rust's start-up does that the command line relies on, for the C `main`:
/// * the standard descriptors 0, 1 and 2 are open: one that is closed gets /dev/null, so a
///   file groot opens can never become its stdout or stderr (a startup file `groot fix` is
///   writing must not receive the diff it prints);
/// * SIGPIPE is ignored, so a write to a closed pipe is an `EPIPE` error that `cli::main`
///   turns into a quiet exit 0 (`groot list | head -1`). Children get the default back: std's
///   `Command` resets SIGPIPE before it execs.
///
/// The shim needs neither: it writes nothing before its `exec` hands the inherited
/// descriptors and dispositions to go unchanged.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[allow(unsafe_code)]
fn cli_start() {
    for fd in 0..=2 {
        // SAFETY: F_GETFD reads the descriptor's flags and touches no memory of ours.
        let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
        if closed {
            // open(2) returns the lowest free descriptor, and those below `fd` are open: this
            // is `fd`. Without O_CLOEXEC (std's files have it), so children inherit it as
            // they would have inherited the terminal.
            // SAFETY: the path is a NUL-terminated literal; the descriptor is deliberately
            // never closed.
            unsafe {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
    }
    // SAFETY: SIG_IGN installs no handler code; only the disposition changes, before any
    // thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// An exit code's number for the C `main` to return. `ExitCode` keeps its number private (its
/// `exit_process` is unstable); on Unix it is one of 0–255, so comparing finds it.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
fn number_of(code: ExitCode) -> std::ffi::c_int {
    (0..=u8::MAX)
        .find(|&n| ExitCode::from(n) == code)
        .map_or(1, std::ffi::c_int::from)
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
