//! The `groot` executable: argument parsing and rendering over the `groot` library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
