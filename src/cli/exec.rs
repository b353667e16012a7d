//! `groot exec`: run a command with the selected Go first on PATH.

use std::ffi::OsString;
use std::process::ExitCode;

use groot::env_vars;
use groot::host::Host;
use groot::resolve::{lookpath, Style, Verdict};
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
    // Look the program up on the child's PATH as Go's LookPath does (and the shim): never a
    // program found through `.` or an empty entry, which a cloned repository could plant.
    let program = match resolve_program(host, program, &env) {
        Ok(found) => found.unwrap_or_else(|| program.into()),
        Err(relative) => {
            super::switching::error_line(format!(
                "refusing to run {}: found only in a relative PATH entry (`.` or empty, the current directory), which Go and groot's shims refuse; give its path if you mean it",
                relative.display()
            ));
            return Ok(ExitCode::from(127));
        }
    };
    match groot::shim::exec(&program, rest, &env) {
        // Windows: the whole 32-bit code of the child (0xC000013A after a Ctrl-C it got).
        #[cfg(windows)]
        #[allow(clippy::exit)]
        Ok(code) => std::process::exit(code),
        #[cfg(not(windows))]
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
/// parent's PATH on Unix, and `execvp` searches `.` for an empty entry). `Err` is a program
/// found only through a relative or empty entry ([`Verdict::RelativeEntry`], the shim's rule).
fn resolve_program(
    host: &Host,
    program: &std::ffi::OsStr,
    env: &[(OsString, Option<OsString>)],
) -> Result<Option<std::path::PathBuf>, std::path::PathBuf> {
    let Some(name) = program.to_str() else {
        return Ok(None);
    };
    if std::path::Path::new(program).components().count() != 1 {
        return Ok(None);
    }
    let path = match env.iter().find(|(k, _)| k == env_vars::PATH) {
        Some((_, v)) => v.clone().unwrap_or_default(),
        None => host.var_os(env_vars::PATH).unwrap_or_default().to_owned(),
    };
    let entries: Vec<std::path::PathBuf> = std::env::split_paths(&path).collect();
    let found = lookpath::lookup(host, name, Style::Go, Some(&entries));
    if let Some(c) = found.chosen() {
        return Ok(Some(c.absolute.clone()));
    }
    match found
        .candidates
        .iter()
        .find(|c| c.verdict == Verdict::RelativeEntry)
    {
        Some(c) => Err(c.path.clone()),
        None => Ok(None),
    }
}
