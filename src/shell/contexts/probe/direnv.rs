//! `direnv export json` under `--probe`: the real direnv, run in the directory from a context's
//! starting environment, says whether the `.envrc` is allowed and what it exports; set against
//! the model's [`DirenvLoad`].

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::{find_program, Compared, STAGE_TIMEOUT};
use crate::host::{CommandSpec, Host};
use crate::shell::contexts::survey::is_go_var;
use crate::shell::platform::Env;
use crate::shell::startup::simulate::{display_value, DirenvLoad, DirenvState};

/// What the real direnv said.
#[derive(Debug, Clone, Serialize)]
pub struct DirenvProbe {
    pub command: String,
    /// direnv reported the file blocked.
    pub blocked: bool,
    /// The Go variables and PATH it exports (`None`: unset).
    pub exports: BTreeMap<String, Option<String>>,
    /// Why it could not run.
    pub error: Option<String>,
    pub fields: Vec<Compared>,
    pub agrees: bool,
}

/// Runs `direnv export json` for a predicted load, when there is an `.envrc` to judge.
pub fn probe(host: &Host, load: &DirenvLoad, start: &Env, dir: &Path) -> Option<DirenvProbe> {
    load.envrc.as_ref()?;
    let unknown = match &load.state {
        DirenvState::Loaded | DirenvState::Blocked { .. } => false,
        DirenvState::AllowedUnknown { .. } => true,
        _ => return None,
    };
    let program = find_program(host, "direnv");
    let mut spec = CommandSpec::new(&program)
        .args(["export", "json"])
        .clear_env()
        .cwd(dir)
        .timeout(STAGE_TIMEOUT);
    for (k, v) in start {
        spec = spec.env(k, v);
    }
    spec = spec.env("TERM", "dumb");
    let command = format!("env -i … {} export json", program.display());
    let mut out = DirenvProbe {
        command,
        blocked: false,
        exports: BTreeMap::new(),
        error: None,
        fields: Vec::new(),
        agrees: false,
    };
    let ran = match host.run(&spec) {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(e.to_string());
            return Some(out);
        }
    };
    out.blocked = ran.stderr_text().contains("is blocked");
    let all: BTreeMap<String, Option<String>> = if ran.stdout.iter().all(u8::is_ascii_whitespace) {
        BTreeMap::new()
    } else {
        match serde_json::from_slice(&ran.stdout) {
            Ok(m) => m,
            Err(e) => {
                out.error = Some(format!("direnv printed no JSON ({e})"));
                return Some(out);
            }
        }
    };
    out.exports = all
        .into_iter()
        .filter(|(k, _)| k == "PATH" || is_go_var(k))
        .collect();
    let blocked_model = matches!(load.state, DirenvState::Blocked { .. });
    let state = |b: bool| Some(if b { "blocked" } else { "allowed" }.to_string());
    out.fields.push(Compared {
        field: "direnv allowed",
        predicted: if unknown { None } else { state(blocked_model) },
        actual: state(out.blocked),
        agrees: unknown || blocked_model == out.blocked,
    });
    if !out.blocked && !blocked_model {
        let go_vars = |m: &BTreeMap<String, Option<String>>| -> String {
            m.iter()
                .filter(|(k, _)| is_go_var(k))
                .map(|(k, v)| match v {
                    Some(v) => format!("{k}={}", display_value(v)),
                    None => format!("-{k}"),
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (p, a) = (go_vars(&load.exports), go_vars(&out.exports));
        out.fields.push(Compared {
            field: "direnv go vars",
            agrees: p == a,
            predicted: Some(p),
            actual: Some(a),
        });
        // PATH: the entries it adds in front of the starting PATH.
        let base: Vec<&str> = start
            .get("PATH")
            .map(|p| p.split(':').collect())
            .unwrap_or_default();
        let added: Vec<String> = out
            .exports
            .get("PATH")
            .cloned()
            .flatten()
            .map(|p| {
                p.split(':')
                    .filter(|e| !base.contains(e))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let (p, a) = (load.path_added.join(":"), added.join(":"));
        out.fields.push(Compared {
            field: "direnv path",
            agrees: p == a,
            predicted: Some(p),
            actual: Some(a),
        });
    }
    out.agrees = out.error.is_none() && out.fields.iter().all(|f| f.agrees);
    Some(out)
}
