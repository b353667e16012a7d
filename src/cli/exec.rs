//! `groot exec`: run a command with the selected Go first on PATH.

use std::ffi::OsString;
use std::process::ExitCode;

use groot::env_vars;
use groot::host::Host;
use groot::select::{self, Options};

use super::switching::select_error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Use this Go instead of the selection (`1.22`, `1.22.10`, `go1.22.10`, a name).
    #[arg(long, value_name = "VERSION")]
    go_version: Option<String>,
    /// The command and its arguments (after `--`).
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    command: Vec<OsString>,
}

pub fn run(host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    let options = Options {
        dir: None,
        request: args.go_version.clone(),
    };
    let sel = select::select(host, &options).map_err(select_error)?;
    let mut env: Vec<(OsString, Option<OsString>)> = Vec::new();
    if let Some(t) = &sel.toolchain {
        let bin = host.fs().to_real(&t.root.join("bin"));
        let mut entries = vec![bin];
        entries.extend(std::env::split_paths(
            &host.var_os(env_vars::PATH).unwrap_or_default(),
        ));
        env.push((
            OsString::from(env_vars::PATH),
            Some(std::env::join_paths(entries)?),
        ));
        env.extend(groot::shim::child_env(host, t));
    }
    let (program, rest) = args
        .command
        .split_first()
        .ok_or_else(|| anyhow::anyhow!("no command given"))?;
    // Look the program up on the new PATH, as a shell would.
    let program = resolve_program(program, &env).unwrap_or_else(|| program.into());
    match groot::shim::exec(&program, rest, &env) {
        Ok(code) => Ok(ExitCode::from(u8::try_from(code).unwrap_or(1))),
        Err(e) => {
            let code = if e.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
            super::switching::error_line(format!("cannot run {}: {e}", program.display()));
            Ok(ExitCode::from(code))
        }
    }
}

/// The program found on the PATH the child gets (std's Command looks programs up on the
/// parent's PATH on Unix).
fn resolve_program(
    program: &std::ffi::OsStr,
    env: &[(OsString, Option<OsString>)],
) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(program);
    if p.components().count() != 1 {
        return None;
    }
    let path = env
        .iter()
        .find(|(k, _)| k == env_vars::PATH)
        .and_then(|(_, v)| v.clone())?;
    let names: Vec<std::path::PathBuf> = if cfg!(windows) && p.extension().is_none() {
        vec![p.with_extension("exe"), p.to_path_buf()]
    } else {
        vec![p.to_path_buf()]
    };
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|c| c.is_file())
}
