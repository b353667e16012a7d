//! Every `--json` output against its JSON Schema in docs/schema/: real outputs of the real
//! binary in three layouts (a go.mod with a toolchain line and Go on PATH; a go.work and no Go;
//! the shims first on PATH with a `.tool-versions`), including JSON errors. A schema that no
//! output exercises is a failure too, so the directory cannot hold a stale file.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::*;

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema")
}

struct Run {
    home: tempfile::TempDir,
    path: String,
    /// Schema name → outputs seen.
    seen: BTreeMap<String, usize>,
    failures: Vec<String>,
    validators: BTreeMap<String, jsonschema::Validator>,
}

impl Run {
    fn groot(&mut self, schema: &str, dir: &Path, args: &[&str]) {
        let out = Command::new(env!("CARGO_BIN_EXE_groot"))
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", &self.path)
            .env("GROOT_OFFLINE", "1")
            .current_dir(dir)
            .args(args)
            .arg("--json")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let v: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                self.failures
                    .push(format!("{args:?}: not JSON ({e}): {text}"));
                return;
            }
        };
        // An error is the error object, whatever the command.
        let is_error = v.get("error").is_some() && v.as_object().map(|o| o.len()) == Some(2);
        let name = if is_error { "error" } else { schema };
        if is_error != (schema == "error") {
            self.failures
                .push(format!("{args:?}: expected {schema}, got {v}"));
        }
        if is_error && out.status.code() == Some(0) {
            self.failures.push(format!("{args:?}: error with exit 0"));
        }
        let validator = self
            .validators
            .get(name)
            .unwrap_or_else(|| panic!("no schema {name}"));
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            self.failures
                .push(format!("{args:?} against {name}.json: {errors:#?}"));
        }
        *self.seen.entry(name.to_owned()).or_default() += 1;
    }
}

fn validators() -> BTreeMap<String, jsonschema::Validator> {
    let mut m = BTreeMap::new();
    for e in std::fs::read_dir(schema_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let schema: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let v = jsonschema::validator_for(&schema)
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            m.insert(p.file_stem().unwrap().to_string_lossy().into_owned(), v);
        }
    }
    m
}

#[test]
fn every_json_output_matches_its_schema() {
    let gos = real_gos(3);
    let (Some(new), Some(old)) = (
        gos.iter().find(|(v, _)| v == "1.24.11"),
        gos.iter().find(|(v, _)| v == "1.22.10"),
    ) else {
        return;
    };
    let validators = validators();
    let mut seen = BTreeMap::new();
    let mut failures = Vec::new();
    for layout in 0..3 {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_owned();
        let proj = h.join("p");
        std::fs::create_dir_all(proj.join("sub")).unwrap();
        let path = match layout {
            0 => {
                std::fs::write(
                    proj.join("go.mod"),
                    "module x\n\ngo 1.22\n\ntoolchain go1.24.11\n",
                )
                .unwrap();
                format!("{}/bin:/usr/bin:/bin", new.1.display())
            }
            1 => {
                std::fs::write(proj.join("go.work"), "go 1.27\n").unwrap();
                "/usr/bin:/bin".to_owned()
            }
            _ => {
                std::fs::write(proj.join("go.mod"), "module x\n\ngo 1.21\n").unwrap();
                std::fs::write(proj.join(".tool-versions"), "golang 1.22.10\n").unwrap();
                format!(
                    "{}/.local/share/groot/shims:{}/bin:/usr/bin:/bin",
                    h.display(),
                    old.1.display()
                )
            }
        };
        let mut r = Run {
            home,
            path,
            seen: BTreeMap::new(),
            failures: Vec::new(),
            validators: BTreeMap::new(),
        };
        r.validators = validators
            .keys()
            .map(|k| (k.clone(), jsonschema::validator_for(&load(k)).unwrap()))
            .collect();
        let sub = proj.join("sub");
        let (n, o) = (new.1.to_str().unwrap(), old.1.to_str().unwrap());
        r.groot("link", &h, &["link", "go1.24.11", n]);
        r.groot("link", &h, &["link", "go1.22.10", o]);
        r.groot("use", &h, &["use", "go1.24.11"]);
        r.groot("use", &h, &["use"]);
        r.groot("use", &h, &["use", "system"]);
        r.groot("pin", &sub, &["pin", "1.24.11"]);
        r.groot("pin", &sub, &["use", "--local", "1.22.10"]);
        r.groot("pin", &sub, &["pin", "--unset"]);
        r.groot("pin", &sub, &["pin", "--unset"]);
        r.groot("explain", &sub, &["explain"]);
        if layout != 1 {
            r.groot("explain", &sub, &["explain", "--verify"]);
            r.groot("which", &sub, &["which"]);
        }
        r.groot("list", &sub, &["list"]);
        r.groot("list_available", &sub, &["list", "--available"]);
        r.groot("contexts", &sub, &["contexts"]);
        r.groot("fix", &sub, &["fix"]);
        r.groot("doctor", &sub, &["doctor", "--fail-on", "never"]);
        r.groot("doctor_checks", &sub, &["doctor", "--list-checks"]);
        r.groot("verify", &sub, &["verify"]);
        if layout == 0 {
            r.groot("install", &sub, &["install"]);
        }
        r.groot("error", &sub, &["which", "--dir", "/nonexistent/x"]);
        r.groot("error", &sub, &["pin", "banana"]);
        r.groot("error", &sub, &["list", "--no-such-flag"]);
        r.groot("error", &sub, &["uninstall", "nosuch"]);
        r.groot("error", &sub, &["use", "1.19.1"]);
        r.groot("uninstall", &h, &["uninstall", "1.24"]);
        r.groot("self_uninstall", &h, &["self", "uninstall"]);
        r.groot("self_uninstall", &h, &["self", "uninstall", "--all"]);
        for (k, n) in r.seen {
            *seen.entry(k).or_insert(0) += n;
        }
        failures.extend(r.failures);
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let unused: Vec<&String> = validators
        .keys()
        .filter(|k| !seen.contains_key(*k))
        .collect();
    assert!(unused.is_empty(), "schemas no output exercised: {unused:?}");
}

fn load(name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(schema_dir().join(format!("{name}.json"))).unwrap())
        .unwrap()
}

#[test]
fn a_renamed_field_fails_its_schema() {
    // The test above can fail: a top-level field that is not in the schema is refused.
    let v = jsonschema::validator_for(&load("use")).unwrap();
    let good = serde_json::json!({
        "schema_version": 1, "scope": "global", "changed": false, "file": "/h/default",
        "request": null, "toolchain": null, "overridden_here_by": null
    });
    assert!(v.is_valid(&good));
    let mut renamed = good.clone();
    renamed["platform"] = serde_json::json!("linux/amd64");
    assert!(!v.is_valid(&renamed));
    let mut bad_scope = good;
    bad_scope["scope"] = serde_json::json!("local");
    assert!(!v.is_valid(&bad_scope));
}
