//! Colours and symbols. Whether to colour is decided once, in `cli::main`, from `--color`,
//! `NO_COLOR`, `CLICOLOR`/`CLICOLOR_FORCE`/`FORCE_COLOR`, `TERM=dumb` and whether stdout is
//! a terminal; [`paint`] then emits styling only when it is on, so plain output is written as
//! is instead of being generated with escape codes and stripped byte by byte afterwards.

use std::sync::atomic::{AtomicBool, Ordering};

use anstyle::{AnsiColor, Style};

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const OK: Style = AnsiColor::Green.on_default();
pub const WARN: Style = AnsiColor::Yellow.on_default();
pub const DIM: Style = Style::new().dimmed();
pub const BOLD: Style = Style::new().bold();

static COLOR: AtomicBool = AtomicBool::new(false);

/// Records whether stdout gets colour (called once by `cli::main`).
pub fn set_color(on: bool) {
    COLOR.store(on, Ordering::Relaxed);
}

/// Whether [`paint`] styles text.
pub fn color() -> bool {
    COLOR.load(Ordering::Relaxed)
}

/// Wraps text in a style when colour is on; the plain text otherwise.
pub fn paint(style: Style, text: impl std::fmt::Display) -> String {
    painted(style, text).to_string()
}

/// [`paint`] without a `String` of its own: the text is formatted straight into the output
/// (`painted(DIM, format_args!("{x:<14}"))`), the same bytes as `paint` gives.
pub fn painted<T: std::fmt::Display>(style: Style, text: T) -> Painted<T> {
    Painted { style, text }
}

/// Text in a style, written when displayed (see [`painted`]).
pub struct Painted<T> {
    style: Style,
    text: T,
}

impl<T: std::fmt::Display> std::fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if color() {
            write!(
                f,
                "{}{}{}",
                self.style.render(),
                self.text,
                self.style.render_reset()
            )
        } else {
            write!(f, "{}", self.text)
        }
    }
}

/// Standard output for reports. With colour off nothing [`paint`]ed carries escape codes, so
/// the text passes through unscanned; with colour on, anstream adapts it to the terminal
/// (e.g. the Windows console).
pub fn stdout() -> anstream::AutoStream<std::io::Stdout> {
    if color() {
        anstream::AutoStream::auto(std::io::stdout())
    } else {
        anstream::AutoStream::always_ansi(std::io::stdout())
    }
}
