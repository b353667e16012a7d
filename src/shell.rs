//! The shell layer: which startup files each shell reads in each mode and context, what those
//! files do to PATH and the Go variables, and the safe editor `groot fix` uses to change them.
//!
//! * [`kind`], [`rules`]: shells and their startup files per mode, as data.
//! * [`context`]: the launch contexts a Go user meets (a new terminal, VS Code, GoLand, GUI apps,
//!   tmux, `ssh host cmd`, cron, CI, Docker) mapped to shells and modes per OS.
//! * [`parse_sh`], [`parse_fish`], [`syntax`]: tolerant readers of sh/bash/zsh and fish files.
//!   The character cursor and word-building steps both readers share live in `lex`.
//! * [`analyze`]: follows a shell's startup, file by file, and records every effect on PATH,
//!   GOROOT, GOPATH, GOBIN, GOTOOLCHAIN… with file and line; predicts the environment and the
//!   `go` each context gets. What it cannot understand it reports as an unknown effect.
//! * [`path_helper`]: macOS `path_helper`, reimplemented.
//! * [`activate`]: the script `groot init <shell>` prints and the startup-file block running it.
//! * [`edit`]: planned, backed-up, atomic, idempotent and undoable edits of startup files.
//! * [`survey`]: the above wired to a [`Host`](crate::host::Host): every context's files, Go
//!   settings, `go` and GOROOT (through [`resolve::explain`](crate::resolve::explain)).
//! * [`probe`]: runs the user's real shells hermetically per context, to compare with the
//!   prediction (`groot contexts --probe`).
//! * [`gaps`]: pure analysis of the predictions: context gaps, PATH shadowing, stale
//!   `/etc/paths.d` entries and GOROOT exports, competing managers; each with proposed edits.
//! * [`fix`]: merges those edits into one plan per file, applies and undoes it (`groot fix`).
//!
//! Nothing in this layer reads the process environment or prints: the machine comes in through
//! [`platform`] (an env map, an OS, a filesystem under a root) or a `Host`, and the probe runs
//! shells only through the Host's runner.

pub mod activate;
pub mod analyze;
pub mod context;
pub mod edit;
pub mod fix;
pub mod gaps;
pub mod kind;
mod lex;
pub mod managers;
pub mod parse_fish;
pub mod parse_sh;
pub mod path_helper;
pub mod platform;
pub mod probe;
pub mod rules;
pub mod survey;
pub mod syntax;

pub use kind::ShellKind;
pub use platform::{Distro, Env, MemFs, Os, Platform, RootedFs, StartupFs};
pub use rules::{Invocation, Mode};
