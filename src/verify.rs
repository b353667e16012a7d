//! `--verify`: run the real go and hold the prediction against what it says.
//!
//! Runs `go env GOROOT` and `go version` in the explained directory, with the environment the
//! explanation assumed, each with a time limit, and compares GOROOT, version and failure
//! (exit status and the last line on stderr).

use std::path::Path;
use std::time::Duration;

use crate::host::{CommandOutput, CommandSpec, Host, RunError};
use crate::report::{Verification, VerifiedField};
use crate::resolve::Explanation;

/// How long each go command may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Why verification could not run.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("there is no go to run")]
    NoGo,
    #[error("cannot verify a simulated filesystem root ({0})")]
    Simulated(String),
    /// The go PATH finds is in a relative or empty entry (the current directory): a shell
    /// would run it, but groot does not run what a cloned repository may have planted.
    #[error("refusing to run {0} to verify: it was found through a relative PATH entry (`.` or empty, the current directory), which Go and groot's shims refuse; pass --go with its path if you trust it")]
    RelativeEntry(std::path::PathBuf),
    #[error(transparent)]
    Run(#[from] RunError),
}

/// Runs the go the explanation found and compares: the `go` PATH finds (a launcher in front
/// of go runs as itself, so its choice is verified too), or the `--go` binary.
pub fn verify(host: &Host, ex: &Explanation) -> Result<Verification, VerifyError> {
    if let Some(root) = host.fs().root() {
        return Err(VerifyError::Simulated(root.display().to_string()));
    }
    let program = match ex.lookup.chosen() {
        // The shim's rule (`Verdict::RelativeEntry` under Go's lookup).
        Some(c) if !c.entry.is_absolute() => {
            return Err(VerifyError::RelativeEntry(c.path.clone()))
        }
        Some(c) => c.absolute.clone(),
        None => host.absolute(ex.go.as_ref().ok_or(VerifyError::NoGo)?),
    };
    let run = |args: &[&str]| -> Result<CommandOutput, RunError> {
        let spec = CommandSpec::new(&program)
            .args(args.iter().copied())
            .timeout(TIMEOUT)
            // A go that hangs is killed with everything it started.
            .own_group();
        // A deleted working directory is part of what is verified: go inherits it as is.
        let spec = if host.cwd_gone() {
            spec
        } else {
            spec.cwd(&ex.dir)
        };
        host.run(&spec)
    };
    let env_out = run(&["env", "GOROOT"])?;
    let ver_out = run(&["version"])?;
    let mut fields = Vec::new();
    let actual_goroot = env_out.success().then(|| {
        env_out
            .stdout_text()
            .trim_end_matches(['\n', '\r'])
            .to_owned()
    });
    fields.push(field("goroot", ex.goroot.clone(), actual_goroot));
    let actual_version = ver_out
        .success()
        .then(|| {
            ver_out
                .stdout_text()
                .split_whitespace()
                .nth(2)
                .map(str::to_owned)
        })
        .flatten();
    fields.push(field("go_version", ex.go_version.clone(), actual_version));
    let actual_error = (!env_out.success()).then(|| last_line(&env_out.stderr_text()));
    match &ex.error {
        Some(e) if e.exact => fields.push(field("error", Some(e.message.clone()), actual_error)),
        Some(_) => {
            let failed = !env_out.success();
            fields.push(VerifiedField {
                name: "error",
                predicted: Some("fails".to_owned()),
                actual: Some(if failed {
                    "fails".to_owned()
                } else {
                    "succeeds".to_owned()
                }),
                agrees: failed,
            });
        }
        None => fields.push(field("error", None, actual_error)),
    }
    // A toolchain download depends on the network, which groot does not predict: a download
    // failure is the other possible reality, not a disagreement.
    let download = matches!(
        ex.switch.as_ref().map(|s| &s.target),
        Some(crate::resolve::SwitchTarget::Download { .. })
    );
    if download
        && !env_out.success()
        && last_line(&env_out.stderr_text()).starts_with("go: download")
    {
        for f in &mut fields {
            f.agrees = true;
        }
        fields.push(VerifiedField {
            name: "download",
            predicted: Some("needs the network".to_owned()),
            actual: Some("download failed".to_owned()),
            agrees: true,
        });
    }
    let show = |args: &str| format!("{} {args}", display(&program));
    Ok(Verification {
        agrees: fields.iter().all(|f| f.agrees),
        fields,
        commands: vec![show("env GOROOT"), show("version")],
    })
}

fn field(name: &'static str, predicted: Option<String>, actual: Option<String>) -> VerifiedField {
    VerifiedField {
        name,
        agrees: predicted == actual,
        predicted,
        actual,
    }
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_owned()
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
