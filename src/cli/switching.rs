//! Helpers shared by the switching commands (`use`, `pin`, `which`, `exec`, `init`).

use std::io::Write;

use groot::host::Host;
use groot::select::{Note, SelectError};

use super::style::{paint, BOLD, ERROR, WARN};

/// Prints notes to stderr as warnings, each with its hint (not with `-q`).
pub fn warn_notes(notes: &[Note]) {
    if super::output().quiet {
        return;
    }
    let mut err = anstream::stderr().lock();
    for n in notes {
        let _ = writeln!(err, "{} {}", paint(WARN, "warning:"), n.message);
        if let Some(h) = &n.hint {
            let _ = writeln!(err, "  {} {h}", paint(BOLD, "hint:"));
        }
    }
}

/// Prints a note line to stderr (not with `-q`).
pub fn note(text: impl std::fmt::Display) {
    if super::output().quiet {
        return;
    }
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{} {text}", paint(BOLD, "note:"));
}

/// A selection error as an anyhow error with its hint on the next line.
pub fn select_error(e: SelectError) -> anyhow::Error {
    match e.hint() {
        Some(h) => anyhow::anyhow!("{e}\n  {} {h}", paint(BOLD, "hint:")),
        None => anyhow::anyhow!("{e}"),
    }
}

/// Says so when `go` on PATH is not groot's shim (so the selection is not what runs).
pub fn check_shims_on_path(host: &Host) {
    if super::output().quiet {
        return;
    }
    let found =
        groot::resolve::lookpath::lookup(host, "go", groot::resolve::lookpath::Style::Shell, None);
    let chosen = found.chosen();
    if chosen.is_some_and(|c| groot::shim::is_shim(host, &c.absolute)) {
        return;
    }
    let what = chosen
        .map(|c| format!("`go` on PATH is {}", c.absolute.display()))
        .unwrap_or_else(|| "there is no `go` on PATH".to_owned());
    note(format!(
        "{what}, not groot's shim: activate groot with `groot init <shell> --install` (or `eval \"$(groot init bash)\"`)"
    ));
}

/// Prints a warning line to stderr (also with `-q`: it says something changed).
pub fn warning(text: impl std::fmt::Display) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{} {text}", paint(WARN, "warning:"));
}

/// Prints an error in red (for non-fatal failures).
pub fn error_line(text: impl std::fmt::Display) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{} {text}", paint(ERROR, "error:"));
}
