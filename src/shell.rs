//! The shell layer: which startup files each shell reads in each mode and context, what those
//! files do to PATH and the Go variables, and the safe editor `groot fix` uses to change them.
//! Its folders read as the pipeline:
//!
//! * [`syntax`]: tolerant readers of sh/bash/zsh and fish files into one small syntax tree.
//! * [`startup`]: the shells' startup rules as data ([`startup::rules`]), macOS `path_helper`,
//!   the version managers' hooks, and the simulation that follows one invocation file by file
//!   and records every effect on PATH, GOROOT, GOPATH, GOBIN, GOTOOLCHAIN… with file and line.
//! * [`contexts`]: the launch contexts a Go user meets (a new terminal, VS Code, GoLand, GUI
//!   apps, tmux, `ssh host cmd`, cron, CI, Docker) mapped to shells and modes per OS and
//!   predicted through the simulation; [`contexts::survey`] wires that to a
//!   [`Host`](crate::host::Host); [`contexts::probe`] runs the real shells to compare.
//! * [`gaps`]: pure analysis of the predictions: context gaps, PATH shadowing, stale
//!   `/etc/paths.d` entries and GOROOT exports, competing managers; each with proposed edits.
//! * [`write`]: what groot writes into startup files: the activation `groot init` prints, the
//!   merged plan of `groot fix`, and the planned, backed-up, atomic, undoable editor.
//!
//! Nothing in this layer reads the process environment or prints: the machine comes in through
//! a `Host` (its OS, and its filesystem as a [`crate::fs::View`]) and [`platform`] (the env map
//! and the facts that select startup rules, built from the Host), and the probe runs shells
//! only through the Host's runner.

pub mod contexts;
pub mod gaps;
pub mod kind;
pub mod platform;
pub mod quote;
pub mod startup;
pub mod syntax;
pub mod write;

pub use kind::ShellKind;
pub use platform::{Distro, Env, Os, Platform};
pub use startup::rules::{Invocation, Mode};
