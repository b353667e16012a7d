//! groot's own shim as a launcher: it runs [`crate::select::select`] for the directory and
//! execs the selected toolchain's `go` with the environment [`crate::shim::child_env`] gives
//! it, or the next `go` on PATH when nothing is selected.

use std::path::Path;

use super::{step, EnvChange, Followed, Kind, Launcher};
use crate::env_vars;
use crate::host::Host;
use crate::resolve::{self, GoError, Outcome, SwitchTarget};
use crate::select::{self, Selection};
use crate::shim::{self, ShimError};
use crate::toolchain::Inspect;
use crate::version::Version;

/// Follows the groot shim at `path` for a go run in `dir`.
pub(crate) fn follow(host: &Host, dir: &Path, path: &Path) -> Followed {
    let options = select::Options {
        dir: Some(dir.to_path_buf()),
        request: None,
    };
    let selected = select::select(host, &options)
        .map_err(ShimError::from)
        .and_then(|sel| {
            let (go, env) = match &sel.toolchain {
                Some(t) => (t.bin(host, "go"), shim::child_env(host, t)),
                None => (shim::next_on_path(host, "go", None)?, Vec::new()),
            };
            Ok((sel, go, env))
        });
    let mut launcher = Launcher::new(Kind::Groot, path);
    match selected {
        Err(e) => Followed {
            steps: vec![step(
                "groot-shim",
                Some(path.display().to_string()),
                Outcome::Failed,
                format!("groot's shim cannot run go: {e}"),
                None,
            )],
            launcher,
            next: Err(GoError {
                code: "shim-selection",
                message: format!("groot (go shim): {e}"),
                exit_code: i32::from(e.exit_code()),
                exact: true,
            }),
        },
        Ok((sel, go, env)) => {
            launcher.version = sel.toolchain.as_ref().map(|t| t.name.clone());
            launcher.source = Some(sel.source.to_string());
            launcher.runs = Some(go.clone());
            launcher.env = env
                .into_iter()
                .map(|(k, v)| EnvChange {
                    name: k.to_string_lossy().into_owned(),
                    value: v.map(|v| v.to_string_lossy().into_owned()),
                })
                .collect();
            let steps = vec![step(
                "groot-shim",
                Some(go.display().to_string()),
                Outcome::Chosen,
                format!("groot's shim runs {}", sel.summary()),
                None,
            )];
            let next_host = super::with_env(host, &launcher.env);
            launcher.selection = Some(sel);
            Followed {
                launcher,
                steps,
                next: Ok((go, next_host)),
            }
        }
    }
}

/// Adds what reports need to a selection: whether `go` would switch away from the selected
/// toolchain because of GOTOOLCHAIN and go.mod (using [`crate::resolve`]), and environment
/// values the shim replaces. `env` is the environment the shim gives the selected go.
pub fn annotate(
    host: &Host,
    inspect: &dyn Inspect,
    options: &select::Options,
    sel: &mut Selection,
) {
    let Some(t) = sel.toolchain.clone() else {
        return;
    };
    let child = shim::child_host(host, &t);
    if let Some(g) = host.var_nonempty(env_vars::GOROOT) {
        if !host.fs().same_file(Path::new(g), &t.root) {
            sel.notes.push(select::Note {
                code: "goroot-replaced",
                message: format!(
                    "GOROOT={g} in the environment does not match the selected Go; the shim runs it with GOROOT={}",
                    t.root.display()
                ),
                hint: Some("remove the GOROOT export from your shell startup files (`groot doctor` finds it)".to_owned()),
            });
        }
    }
    let request = resolve::Request {
        dir: options.dir.clone(),
        go: Some(t.bin(host, "go")),
    };
    // A golang.org/dl wrapper the switch finds on PATH is seen through, as in `explain`.
    let hook = super::dl::Hook { inspect };
    let ex = resolve::explain_hooked(&child, inspect, &request, None, &hook);
    let Some(sw) = &ex.switch else {
        return;
    };
    let gt = sw
        .gotoolchain
        .as_ref()
        .map(|g| format!("GOTOOLCHAIN={} (from {})", g.value, g.source))
        .unwrap_or_else(|| "GOTOOLCHAIN".to_owned());
    let because = sw
        .trigger
        .as_ref()
        .map(|t| format!(" because of the {t}"))
        .unwrap_or_default();
    let keep = format!(
        "to run {} anyway, set {}=1 (or run `groot init <shell> --local-toolchain`); go then refuses modules that need a newer Go",
        t.name,
        env_vars::GROOT_LOCAL_TOOLCHAIN
    );
    let wanted = sw.wanted.clone().unwrap_or_default();
    // Installed already: go finds it as `<shims>/go1.X.Y` (see crate::version_links).
    let have = select::installed(host).iter().any(|i| i.name == wanted);
    let install = Version::from_toolchain(&wanted)
        .filter(|_| !have)
        .map(|v| format!("`groot install {v}`, or "))
        .unwrap_or_default();
    let message = match &sw.target {
        SwitchTarget::Local => match (&sw.wanted, &ex.error) {
            (Some(w), Some(e)) => Some(format!(
                "go wants {w}{because} but cannot get it: {}",
                e.message
            )),
            _ => None,
        },
        SwitchTarget::Path { toolchain, path } => Some(format!(
            "{gt} makes go switch from {} to {toolchain} ({}){because}",
            t.name,
            path.display()
        )),
        SwitchTarget::ModuleCache { toolchain, dir } => Some(format!(
            "{gt} makes go switch from {} to {toolchain} in the module cache ({}){because}",
            t.name,
            dir.display()
        )),
        SwitchTarget::Download { toolchain, .. } => Some(format!(
            "{gt} makes go switch from {} to {toolchain}, downloading it{because}",
            t.name
        )),
    };
    if let Some(message) = message {
        // This says what `go` does about an unmet minimum; the plain note is redundant.
        sel.notes.retain(|n| n.code != "mod-minimum-unmet");
        sel.notes.push(select::Note {
            code: "gotoolchain-switch",
            message,
            hint: Some(format!("{install}{keep}")),
        });
    } else if let Some(m) = &ex.module_error {
        sel.notes.push(select::Note {
            code: "module-needs-newer-go",
            message: m.clone(),
            hint: Some(format!(
                "{install}select a newer Go, or unset {}",
                env_vars::GROOT_LOCAL_TOOLCHAIN
            )),
        });
    }
}
