//! golang.org/dl wrappers as launchers. `go install golang.org/dl/go1.24.11@latest` builds a
//! small Go program, `~/go/bin/go1.24.11`, whose build info names its main package
//! `golang.org/dl/go1.24.11`. What it does (golang.org/dl's `internal/version.Run`):
//!
//! - its SDK is `$HOME/sdk/go1.24.11` (`%USERPROFILE%` on Windows);
//! - unless `<sdk>/.unpacked-success` exists it fails with
//!   `go1.24.11: not downloaded. Run 'go1.24.11 download' to install to <sdk>`;
//! - else it runs `<sdk>/bin/go` with `GOROOT=<sdk>` and `<sdk>/bin` first on PATH.
//!
//! `gotip` is the same with `~/sdk/gotip`, except that it checks for `bin/go` (it builds Go
//! from source) and sets `GOTOOLCHAIN=auto` when GOTOOLCHAIN is unset.
//!
//! A wrapper is recognised by its build info, whatever its name: as the `go` PATH finds (a link
//! or copy named `go`), and as the `goX.Y.Z` cmd/go's toolchain switch finds on PATH
//! (`GOTOOLCHAIN=go1.24.11`, or a go.mod asking for it), through [`Hook`].

use std::path::{Path, PathBuf};

use super::{step, EnvChange, Followed, Kind, Launcher};
use crate::host::{Host, Os};
use crate::resolve::{GoError, Outcome, PathHop, Step, SwitchHook};
use crate::toolchain::{GoBinary, Inspect};

/// The package path prefix of golang.org/dl's wrappers.
const PREFIX: &str = "golang.org/dl/";

/// `gotip`, which builds Go from source into `~/sdk/gotip` (`internal/version.RunTip`).
const TIP: &str = "gotip";

/// The file golang.org/dl writes last when a download is unpacked.
pub const UNPACKED_OK: &str = ".unpacked-success";

/// The Go version a golang.org/dl wrapper runs (`go1.24.11`), from its build info.
pub(crate) fn wrapper_version(bin: &GoBinary) -> Option<String> {
    let v = bin.main_path.as_deref()?.strip_prefix(PREFIX)?;
    ((v.starts_with("go1") || v == TIP) && !v.contains('/')).then(|| v.to_owned())
}

/// What a wrapper for `version` does on `host`.
struct Run {
    steps: Vec<Step>,
    /// The SDK root and the go binary in it, or the failure.
    result: Result<(PathBuf, PathBuf), GoError>,
}

fn run(host: &Host, path: &Path, version: &str) -> Run {
    let mut steps = vec![step(
        "dl-wrapper",
        Some(path.display().to_string()),
        Outcome::Info,
        format!(
            "{} is a golang.org/dl wrapper (build info: {PREFIX}{version}): it runs the Go in $HOME/sdk/{version}",
            path.display()
        ),
        None,
    )];
    let Some(home) = host.home() else {
        let var = if host.os() == Os::Windows {
            "%USERPROFILE%"
        } else {
            "$HOME"
        };
        steps.push(step(
            "dl-sdk",
            None,
            Outcome::Failed,
            format!("{var} is empty: the wrapper looks up the user's home directory in the system user database, which groot does not read"),
            None,
        ));
        return Run {
            steps,
            result: Err(GoError {
                code: "launcher-refuses",
                message: format!("{version}: failed to get home directory"),
                exit_code: 1,
                exact: false,
            }),
        };
    };
    let root = home.join("sdk").join(version);
    let go = root
        .join("bin")
        .join(format!("go{}", host.os().exe_suffix()));
    // gotip checks for the built binary, the others for the unpacking marker.
    let marker = if version == TIP {
        go.clone()
    } else {
        root.join(UNPACKED_OK)
    };
    if !host.fs().exists(&marker) {
        steps.push(step(
            "dl-sdk",
            Some(marker.display().to_string()),
            Outcome::Failed,
            format!(
                "{} does not exist: the download was never made or not finished",
                marker.display()
            ),
            None,
        ));
        return Run {
            steps,
            result: Err(GoError {
                code: "launcher-refuses",
                message: format!(
                    "{version}: not downloaded. Run '{version} download' to install to {}",
                    root.display()
                ),
                exit_code: 1,
                exact: true,
            }),
        };
    }
    steps.push(step(
        "dl-sdk",
        Some(go.display().to_string()),
        Outcome::Chosen,
        format!(
            "{} exists: the wrapper runs {} with GOROOT={} and {} first on PATH",
            marker.display(),
            go.display(),
            root.display(),
            root.join("bin").display()
        ),
        None,
    ));
    Run {
        steps,
        result: Ok((root, go)),
    }
}

/// The environment the wrapper gives go (gotip also sets `GOTOOLCHAIN=auto` when it is unset).
fn env(host: &Host, root: &Path, version: &str) -> Vec<EnvChange> {
    let bin = root.join("bin").display().to_string();
    let path = match host.var("PATH").filter(|p| !p.is_empty()) {
        Some(p) => format!("{bin}{}{p}", host.os().list_separator()),
        None => bin,
    };
    let mut out = vec![
        EnvChange {
            name: "GOROOT".to_owned(),
            value: Some(root.display().to_string()),
        },
        EnvChange {
            name: "PATH".to_owned(),
            value: Some(path),
        },
    ];
    if version == TIP && host.var_os("GOTOOLCHAIN").is_none() {
        out.push(EnvChange {
            name: "GOTOOLCHAIN".to_owned(),
            value: Some("auto".to_owned()),
        });
    }
    out
}

/// Follows the wrapper at `path` (for `version`) as the `go` PATH finds.
pub(crate) fn follow(host: &Host, path: &Path, version: &str) -> Followed {
    let r = run(host, path, version);
    let mut launcher = Launcher {
        version: Some(version.to_owned()),
        source: Some(format!("build info: {PREFIX}{version}")),
        ..Launcher::new(Kind::Dl, path)
    };
    match r.result {
        Err(e) => Followed {
            launcher,
            steps: r.steps,
            next: Err(e),
        },
        Ok((root, go)) => {
            launcher.runs = Some(go.clone());
            launcher.env = env(host, &root, version);
            let next_host = super::with_env(host, &launcher.env);
            Followed {
                launcher,
                steps: r.steps,
                next: Ok((go, next_host)),
            }
        }
    }
}

/// Sees through golang.org/dl wrappers that cmd/go's toolchain switch finds on PATH.
#[derive(Debug)]
pub(crate) struct Hook<'a> {
    pub inspect: &'a dyn Inspect,
}

impl SwitchHook for Hook<'_> {
    fn path_target(&self, host: &Host, toolchain: &str, path: &Path) -> Option<PathHop> {
        let bin = self.inspect.inspect(host.fs(), path).ok()?;
        let version = wrapper_version(&bin)?;
        let r = run(host, path, &version);
        let mut steps = r.steps;
        if version != toolchain {
            // The wrapper's name on PATH and the program disagree: it runs its own version.
            steps.push(step(
                "dl-wrapper",
                Some(path.display().to_string()),
                Outcome::Info,
                format!("found as {toolchain} but built as {PREFIX}{version}: it runs {version}"),
                None,
            ));
        }
        Some(match r.result {
            Err(e) => PathHop {
                binary: path.to_path_buf(),
                goroot: None,
                steps,
                error: Some(e),
            },
            Ok((root, go)) => PathHop {
                binary: go,
                goroot: Some(root.display().to_string()),
                steps,
                error: None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolchain::fake_official;

    #[test]
    fn wrapper_versions() {
        let with = |p: &str| GoBinary {
            main_path: Some(p.into()),
            ..fake_official("go1.22.10")
        };
        assert_eq!(
            wrapper_version(&with("golang.org/dl/go1.24.11")).as_deref(),
            Some("go1.24.11")
        );
        assert_eq!(
            wrapper_version(&with("golang.org/dl/gotip")).as_deref(),
            Some("gotip")
        );
        assert_eq!(
            wrapper_version(&with("golang.org/dl/internal/version")),
            None
        );
        assert_eq!(wrapper_version(&with("cmd/go")), None);
        assert_eq!(wrapper_version(&fake_official("go1.22.10")), None);
    }
}
