//! The dynamic check behind `groot contexts --probe`: runs the user's real shells, in the mode
//! each launch context uses, and records what they end with, to set against the prediction.
//!
//! Each run is hermetic: the environment is exactly the one the context starts from (for a new
//! terminal: HOME, USER, SHELL… and the OS's session PATH; for `ssh host cmd`: sshd's, with
//! SSH_CLIENT), plus `TERM=dumb`; stdin is `/dev/null`; the Host's runner enforces a timeout.
//! A context built on another (a script run from the terminal, VS Code's terminal on VS Code's
//! resolved environment) runs its stages one after another, each starting from the real
//! environment the previous one printed. The last stage prints `command -v go` and runs
//! `go env GOROOT` with `GOPROXY=off`, so a toolchain switch can use the module cache but never
//! downloads anything.
//!
//! `$SHELL -i -c` never shows a prompt, so on its own it would miss what prompt hooks (direnv)
//! do in a terminal. A stage that stands for a shell showing a prompt
//! ([`Invocation::prompt_in`]) first runs the hooks of the first prompt by hand — bash: each
//! `PROMPT_COMMAND` element; zsh: `precmd` and `precmd_functions`; fish:
//! `emit fish_prompt` — and the probe's command line says so. Where the prediction has direnv
//! load an `.envrc`, `direnv export json` also runs in the directory, from the context's
//! starting environment, and what it exports is set against the model.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::host::{CommandSpec, Host};
use crate::shell::contexts::survey::ContextView;
use crate::shell::contexts::{ContextId, Prediction};
use crate::shell::kind::ShellKind;
use crate::shell::platform::Env;
use crate::shell::startup::rules::Invocation;

mod direnv;

/// How long one shell may take before it is killed.
pub const STAGE_TIMEOUT: Duration = Duration::from_secs(10);

const MARK: &str = "@@groot-probe@@";
const ENV_MARK: &str = "@@groot-env@@";

const POSIX_SCRIPT: &str = r#"printf '\n%s\n' '@@groot-probe@@'
g=$(command -v go 2>/dev/null)
printf 'which=%s\n' "$g"
case "$g" in
/*) printf '%s\n' '@@go@@'; GOPROXY=off "$g" env GOROOT 2>&1; printf '@@rc=%s\n' "$?" ;;
esac
printf '%s\n' '@@groot-env@@'
exec /usr/bin/env -0
"#;

const FISH_SCRIPT: &str = r#"printf '\n%s\n' '@@groot-probe@@'
set -l g (command -s go 2>/dev/null)
printf 'which=%s\n' "$g"
if string match -q -- '/*' "$g"
    printf '%s\n' '@@go@@'
    env GOPROXY=off $g env GOROOT 2>&1
    printf '@@rc=%s\n' $status
end
printf '%s\n' '@@groot-env@@'
exec /usr/bin/env -0
"#;

/// What a real shell ended with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Observed {
    pub path: Vec<String>,
    /// `command -v go`.
    #[serde(serialize_with = "crate::fs::lossy::opt_go")]
    pub go: Option<PathBuf>,
    /// What `go env GOROOT` printed (when it succeeded).
    pub goroot: Option<String>,
    /// What it failed with.
    pub go_error: Option<String>,
    /// The GOROOT variable, if the shell exported one.
    pub goroot_var: Option<String>,
    #[serde(skip)]
    pub env: Env,
}

/// One compared value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Compared {
    pub field: &'static str,
    pub predicted: Option<String>,
    pub actual: Option<String>,
    pub agrees: bool,
}

/// What the first prompt's hooks are, run by hand, per shell (`None`: the shell has none).
pub fn prompt_hooks(shell: ShellKind) -> Option<(&'static str, &'static str)> {
    match shell {
        ShellKind::Bash => Some((
            "for __groot_pc in \"${PROMPT_COMMAND[@]}\"; do eval \"$__groot_pc\"; done\n",
            "each PROMPT_COMMAND",
        )),
        ShellKind::Zsh => Some((
            "(( $+functions[precmd] )) && precmd\nfor __groot_pc in $precmd_functions; do \"$__groot_pc\"; done\n",
            "precmd and precmd_functions",
        )),
        ShellKind::Fish => Some(("emit fish_prompt\n", "emit fish_prompt")),
        _ => None,
    }
}

/// The probe of one context.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeResult {
    pub context: ContextId,
    /// The commands run, one per stage; a stage that shows a prompt names the prompt hooks it
    /// ran first.
    pub commands: Vec<String>,
    /// `direnv export json` in the directory, where the prediction has direnv load an `.envrc`.
    pub direnv: Option<direnv::DirenvProbe>,
    pub observed: Option<Observed>,
    /// Why the probe could not run (shell missing, timeout).
    pub error: Option<String>,
    pub fields: Vec<Compared>,
    /// Every field agrees.
    pub agrees: bool,
}

pub(crate) fn find_program(host: &Host, name: &str) -> PathBuf {
    for d in host.path_entries() {
        let c = d.join(name);
        if d.is_absolute() && host.fs().is_executable_file(&c) {
            return c;
        }
    }
    for d in ["/bin", "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"] {
        let c = Path::new(d).join(name);
        if host.fs().is_executable_file(&c) {
            return c;
        }
    }
    PathBuf::from(name)
}

/// The program a stage runs: `$SHELL` when it is the user's shell of that kind, else the
/// kind's usual binary.
fn program_for(host: &Host, start: &Env, inv: &Invocation) -> PathBuf {
    let shell = start
        .get("SHELL")
        .cloned()
        .or_else(|| host.var("SHELL").map(str::to_string));
    if let Some(s) = shell.filter(|s| s.starts_with('/')) {
        if ShellKind::from_program(&s) == Some(inv.shell) && (inv.shell != ShellKind::Sh) {
            return PathBuf::from(s);
        }
    }
    match inv.shell {
        ShellKind::Sh => PathBuf::from("/bin/sh"),
        k => find_program(host, k.name()),
    }
}

/// Parses a probe's stdout.
pub fn parse_output(stdout: &[u8]) -> Option<Observed> {
    let text = String::from_utf8_lossy(stdout);
    let start = text.rfind(&format!("\n{MARK}\n"))? + MARK.len() + 2;
    let rest = &text[start..];
    let (head, env_part) = rest.split_once(&format!("{ENV_MARK}\n"))?;
    let mut go = None;
    let mut go_out = String::new();
    let mut rc = None;
    let mut in_go = false;
    for line in head.lines() {
        if let Some(w) = line.strip_prefix("which=") {
            go = Some(w.to_string())
                .filter(|w| !w.is_empty())
                .map(PathBuf::from);
        } else if line == "@@go@@" {
            in_go = true;
        } else if let Some(c) = line.strip_prefix("@@rc=") {
            in_go = false;
            rc = c.trim().parse::<i32>().ok();
        } else if in_go {
            if !go_out.is_empty() {
                go_out.push('\n');
            }
            go_out.push_str(line);
        }
    }
    let env: Env = env_part
        .split('\0')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim_start_matches('\n').to_string(), v.to_string()))
        .collect();
    let path = env
        .get("PATH")
        .map(|p| p.split(':').map(str::to_string).collect())
        .unwrap_or_default();
    let (goroot, go_error) = match rc {
        Some(0) => (Some(go_out.trim().to_string()), None),
        Some(_) => (None, Some(go_out.trim().to_string())),
        None => (None, None),
    };
    Some(Observed {
        path,
        go,
        goroot,
        go_error,
        goroot_var: env.get("GOROOT").cloned(),
        env,
    })
}

/// Runs the real shells of one context and compares with its view.
pub fn probe(host: &Host, p: &Prediction, view: &ContextView, dir: &Path) -> ProbeResult {
    let mut commands = Vec::new();
    let mut captured: Option<Env> = None;
    let mut observed = None;
    let mut error = None;
    for (i, st) in p.stages.iter().enumerate() {
        let mut env = match (i, &captured) {
            (0, _) | (_, None) => st.start_env.clone(),
            (_, Some(c)) => c.clone(),
        };
        env.insert("TERM".into(), "dumb".into());
        env.remove("SHLVL");
        let mut hooks = None;
        let (program, args, script) = match &st.simulation {
            Some(sim) => {
                let inv = &sim.invocation;
                let script = if inv.shell == ShellKind::Fish {
                    FISH_SCRIPT
                } else {
                    POSIX_SCRIPT
                };
                hooks = inv.prompt_in.as_ref().and_then(|_| prompt_hooks(inv.shell));
                let script = match hooks {
                    Some((run, _)) => format!("{run}{script}"),
                    None => script.to_string(),
                };
                (program_for(host, &env, inv), inv.flags(), script)
            }
            None => (
                PathBuf::from("/bin/sh"),
                Vec::new(),
                POSIX_SCRIPT.to_string(),
            ),
        };
        let mut spec = CommandSpec::new(&program)
            .args(args.iter().cloned())
            .arg("-c")
            .arg(&script)
            .clear_env()
            .cwd(dir)
            .timeout(STAGE_TIMEOUT);
        for (k, v) in &env {
            spec = spec.env(k, v);
        }
        let mut shown = format!("env -i TERM=dumb … {}", program.display());
        for a in &args {
            shown.push(' ');
            shown.push_str(a);
        }
        match hooks {
            Some((_, what)) => {
                let _ = write!(shown, " -c <{what} (the first prompt's hooks); probe>");
            }
            None => shown.push_str(" -c <probe>"),
        }
        commands.push(shown);
        match host.run(&spec) {
            Ok(out) => match parse_output(&out.stdout) {
                Some(o) => {
                    captured = Some(o.env.clone());
                    observed = Some(o);
                }
                None => {
                    error = Some(format!(
                        "{} printed no result (exit {:?}): {}",
                        program.display(),
                        out.code,
                        out.stderr_text().lines().last().unwrap_or("")
                    ));
                    observed = None;
                    break;
                }
            },
            Err(e) => {
                error = Some(e.to_string());
                observed = None;
                break;
            }
        }
    }
    let fields = observed
        .as_ref()
        .map(|o| compare(view, o))
        .unwrap_or_default();
    let direnv = p.stages.iter().find_map(|st| {
        let load = st.simulation.as_ref()?.direnv.as_ref()?;
        direnv::probe(host, load, &st.start_env, dir)
    });
    let agrees = error.is_none()
        && fields.iter().all(|f| f.agrees)
        && direnv.as_ref().is_none_or(|d| d.agrees);
    ProbeResult {
        context: p.context.id,
        commands,
        direnv,
        observed,
        error,
        fields,
        agrees,
    }
}

fn compare(view: &ContextView, o: &Observed) -> Vec<Compared> {
    let field = |field, predicted: Option<String>, actual: Option<String>| Compared {
        field,
        agrees: predicted == actual,
        predicted,
        actual,
    };
    vec![
        field(
            "go",
            view.go.as_ref().map(|g| g.display().to_string()),
            o.go.as_ref().map(|g| g.display().to_string()),
        ),
        field(
            "goroot",
            view.go.as_ref().and_then(|_| {
                view.goroot
                    .clone()
                    .or_else(|| view.error.as_deref().map(first_line))
            }),
            o.goroot
                .clone()
                .or_else(|| o.go_error.as_deref().map(first_line)),
        ),
        field("path", Some(view.path.join(":")), Some(o.path.join(":"))),
    ]
}

/// The message of an error, without the hint lines a tool prints after it (groot's shim and
/// the prediction word their hints differently; the failure is the same).
fn first_line(e: &str) -> String {
    e.lines().next().unwrap_or("").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_after_the_last_marker_is_parsed() {
        let out = b"junk from .zshrc\n\n@@groot-probe@@\nwhich=/u/go/bin/go\n@@go@@\n/u/go\n@@rc=0\n@@groot-env@@\nPATH=/u/go/bin:/usr/bin\0GOROOT=/x\0HOME=/u\0";
        let o = parse_output(out).expect("parsed");
        assert_eq!(o.go, Some(PathBuf::from("/u/go/bin/go")));
        assert_eq!(o.goroot.as_deref(), Some("/u/go"));
        assert_eq!(o.path, ["/u/go/bin", "/usr/bin"]);
        assert_eq!(o.goroot_var.as_deref(), Some("/x"));
        let failed = parse_output(
            b"\n@@groot-probe@@\nwhich=/g/bin/go\n@@go@@\ngo: cannot find GOROOT directory: /old\n@@rc=2\n@@groot-env@@\nPATH=/g/bin\0",
        )
        .expect("parsed");
        assert_eq!(failed.goroot, None);
        assert_eq!(
            failed.go_error.as_deref(),
            Some("go: cannot find GOROOT directory: /old")
        );
        assert!(parse_output(b"nothing").is_none());
    }
}
