//! direnv with the real program and real bash, zsh and fish: its hook in each shell's startup
//! file, an allowed `.envrc` in a project directory that exports GOROOT and `PATH_add`s a real
//! Go. The real shells decide: a shell that shows a prompt (its prompt hooks run by hand, as the
//! first prompt runs them) gets the `.envrc`'s go; `$SHELL -c` and `-i -l -c` (ssh commands,
//! IDE environment resolution) do not; an edited `.envrc` is blocked. `groot contexts DIR` must
//! say the same, and `groot contexts DIR --probe` must exit 0. `groot doctor` raises nothing on
//! the clean setup, traces a stale GOROOT to its `.envrc` line, and reports a blocked `.envrc`
//! that sets Go variables. A missing direnv, shell or Go is skipped with a note (a failure under
//! `GROOT_REQUIRE_REAL_GO=1`).
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::managers::direnv;
use support::{alarms, write};

const BASE_PATH: &str = "/usr/bin:/bin";

/// A temp HOME with direnv hooked into one shell, and a project with an `.envrc`.
struct Lab {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    proj: PathBuf,
    shell: &'static str,
}

fn shell_program(name: &str) -> Option<&'static str> {
    let p = match name {
        "bash" => "/bin/bash",
        "zsh" => "/bin/zsh",
        _ => "/usr/bin/fish",
    };
    if Path::new(p).exists() {
        return Some(p);
    }
    assert!(
        std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() != Ok("1"),
        "GROOT_REQUIRE_REAL_GO=1 but {p} is missing"
    );
    eprintln!("note: skipping {name}: {p} is not installed");
    None
}

impl Lab {
    fn new(shell: &'static str, envrc: &str) -> Lab {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let proj = home.join("proj");
        std::fs::create_dir_all(proj.join("sub")).unwrap();
        match shell {
            "/bin/bash" => {
                write(&home.join(".bashrc"), "eval \"$(direnv hook bash)\"\n");
                // Debian's default ~/.profile: login bash reads ~/.bashrc too.
                write(
                    &home.join(".profile"),
                    "if [ -n \"$BASH_VERSION\" ] && [ -f \"$HOME/.bashrc\" ]; then\n  . \"$HOME/.bashrc\"\nfi\n",
                );
            }
            "/bin/zsh" => write(&home.join(".zshrc"), "eval \"$(direnv hook zsh)\"\n"),
            _ => write(
                &home.join(".config/fish/config.fish"),
                "direnv hook fish | source\n",
            ),
        }
        let lab = Lab {
            _tmp: tmp,
            home,
            proj,
            shell,
        };
        lab.envrc(envrc, true);
        lab
    }

    /// Writes the `.envrc`, and allows it with the real `direnv allow` when asked.
    fn envrc(&self, text: &str, allow: bool) {
        write(&self.proj.join(".envrc"), text);
        if allow {
            let out = self
                .command("direnv")
                .args(["allow", "."])
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
        }
    }

    /// A scrubbed command in the project's subdirectory.
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("HOME", &self.home)
            .env("USER", "u")
            .env("SHELL", self.shell)
            .env("TERM", "dumb")
            .env("PATH", BASE_PATH)
            .env("GOPROXY", "off")
            .env("GROOT_TOOL_TIMEOUT_MS", "3000")
            .current_dir(self.proj.join("sub"))
            .stdin(Stdio::null());
        c
    }

    /// What the real shell started with `flags` ends with (`go|GOROOT`); with `prompt`, after
    /// running the hooks its first prompt runs.
    fn real(&self, flags: &[&str], prompt: bool) -> String {
        let fish = self.shell.ends_with("fish");
        let hooks = match (prompt, fish, self.shell.ends_with("zsh")) {
            (false, _, _) => "",
            (true, true, _) => "emit fish_prompt; ",
            (true, false, true) => "for f in $precmd_functions; do $f; done; ",
            (true, false, false) => "eval \"$PROMPT_COMMAND\"; ",
        };
        let print = if fish {
            "printf '@@%s|%s@@' (command -v go) \"$GOROOT\""
        } else {
            "printf '@@%s|%s@@' \"$(command -v go)\" \"${GOROOT-}\""
        };
        let out = self
            .command(self.shell)
            .args(flags)
            .arg("-c")
            .arg(format!("{hooks}{print}"))
            .stderr(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        // Between markers: fish wraps its output in terminal escapes.
        text.split("@@").nth(1).unwrap_or("").to_string()
    }

    /// `groot contexts <proj/sub> --json` (and `extra`): the exit code and the report.
    fn contexts(&self, extra: &[&str]) -> (i32, serde_json::Value) {
        let out = self
            .command(env!("CARGO_BIN_EXE_groot"))
            .args(["contexts", "--json"])
            .arg(self.proj.join("sub"))
            .args(extra)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let v = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{e}: {text}{}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code().unwrap_or(-1), v)
    }

    /// `groot doctor --json` run from an interactive shell after its first prompt hooks, in
    /// the project: the report.
    fn doctor(&self) -> serde_json::Value {
        let groot = env!("CARGO_BIN_EXE_groot");
        let out = self
            .command("/bin/bash")
            .args(["-i", "-c"])
            .arg(format!(
                "eval \"$PROMPT_COMMAND\"; '{groot}' doctor --json --fail-on never --no-packages"
            ))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let json = text.find('{').map(|i| &text[i..]).unwrap_or(&text);
        serde_json::from_str(json)
            .unwrap_or_else(|e| panic!("{e}: {text}{}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// A context of a contexts report.
fn context<'v>(v: &'v serde_json::Value, id: &str) -> &'v serde_json::Value {
    v["contexts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {v:#}"))
}

/// `go|GOROOT` as the prediction has them.
fn predicted(v: &serde_json::Value, id: &str) -> String {
    let c = context(v, id);
    let go = c["go"]["path"].as_str().unwrap_or("");
    let goroot = if go.is_empty() {
        ""
    } else {
        c["goroot"].as_str().unwrap_or("")
    };
    format!("{go}|{goroot}")
}

fn setup() -> Option<(PathBuf, Vec<&'static str>)> {
    direnv()?;
    let (_, root) = support::real_gos(1)
        .into_iter()
        .find(|(v, _)| v == "1.22.10")?;
    let shells = ["bash", "zsh", "fish"]
        .into_iter()
        .filter_map(shell_program)
        .collect();
    Some((root, shells))
}

#[test]
fn an_allowed_envrc_reaches_only_shells_that_show_a_prompt() {
    let Some((root, shells)) = setup() else {
        return;
    };
    let r = root.display();
    let envrc = format!("export GOROOT={r}\nPATH_add {r}/bin\n");
    let direnvs = format!("{r}/bin/go|{r}");
    for shell in shells {
        let lab = Lab::new(shell, &envrc);
        let (_, v) = lab.contexts(&[]);
        // A terminal, after its first prompt: the .envrc's go.
        let after_prompt = lab.real(&["-i"], true);
        assert_eq!(after_prompt, direnvs, "{shell}: real terminal");
        assert_eq!(predicted(&v, "terminal"), after_prompt, "{shell}: {v:#}");
        let term = context(&v, "terminal");
        assert_eq!(term["direnv"]["state"], "loaded", "{shell}");
        let lines: Vec<(String, u64)> = term["settings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["file"].as_str().unwrap().ends_with("/proj/.envrc"))
            .map(|s| {
                (
                    s["var"].as_str().unwrap().to_owned(),
                    s["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(lines, [("GOROOT".into(), 1), ("PATH".into(), 2)], "{shell}");
        // No prompt: `$SHELL -c` (ssh commands, scripts) and `-i -l -c` (VS Code's
        // environment resolution) never run the hook.
        let no_prompt = lab.real(&[], false);
        assert_ne!(no_prompt, direnvs, "{shell}: real -c");
        assert!(
            !predicted(&v, "ssh_command").contains(&format!("{r}/bin")),
            "{shell}"
        );
        let ide = lab.real(&["-i", "-l"], false);
        assert_ne!(ide, direnvs, "{shell}: real -i -l -c");
        assert_eq!(predicted(&v, "vscode_env"), ide, "{shell}: {v:#}");
        assert_eq!(context(&v, "vscode_env")["direnv"]["state"], "no_prompt");
        // The probe runs the real shells, with the prompt hooks where a prompt shows.
        let (code, p) = lab.contexts(&["--probe"]);
        assert_eq!(
            code, 0,
            "{shell}: contexts --probe disagrees: {:#}",
            p["probes"]
        );
        let cmds = p["probes"][0]["commands"].to_string();
        assert!(cmds.contains("first prompt's hooks"), "{shell}: {cmds}");

        // Any edit blocks it: the real terminal does not get it, nor does the prediction.
        lab.envrc(&format!("{envrc}# edited\n"), false);
        let blocked = lab.real(&["-i"], true);
        assert!(
            !blocked.contains(&format!("{r}/bin/go")),
            "{shell}: {blocked}"
        );
        let (_, v) = lab.contexts(&[]);
        assert_eq!(predicted(&v, "terminal"), blocked, "{shell}: {v:#}");
        assert_eq!(context(&v, "terminal")["direnv"]["state"], "blocked");
        let (code, p) = lab.contexts(&["--probe"]);
        assert_eq!(code, 0, "{shell}: blocked: {:#}", p["probes"]);
    }
}

fn finding<'v>(v: &'v serde_json::Value, code: &str) -> &'v serde_json::Value {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code}: {:#?}", alarms(v)))
}

#[test]
fn doctor_on_a_direnv_project() {
    if direnv().is_none() || shell_program("bash").is_none() {
        return;
    }
    let gos = support::real_gos(2);
    let (Some((_, new)), Some((_, old))) = (gos.last(), gos.first()) else {
        return;
    };
    let (n, o) = (new.display(), old.display());
    // Clean: the project's .envrc picks the newest Go; nothing to say.
    let lab = Lab::new(
        "/bin/bash",
        &format!("export GOROOT={n}\nPATH_add {n}/bin\n"),
    );
    let v = lab.doctor();
    assert!(alarms(&v).is_empty(), "{:#?}\n{v:#}", alarms(&v));
    // A stale GOROOT in the .envrc: traced to its line, with direnv's fix.
    lab.envrc(&format!("export GOROOT={o}\nPATH_add {n}/bin\n"), true);
    let v = lab.doctor();
    let f = finding(&v, "goroot-version-mismatch").to_string();
    assert!(f.contains("proj/.envrc:1"), "{f}");
    assert!(f.contains("direnv allow"), "{f}");
    // The same file edited (so blocked): it sets Go variables, so it is a finding.
    lab.envrc(
        &format!("export GOROOT={n}\nPATH_add {n}/bin\n# edited\n"),
        false,
    );
    let v = lab.doctor();
    let f = finding(&v, "envrc-blocked").to_string();
    assert!(f.contains("direnv allow"), "{f}");
    // A blocked .envrc without Go settings is none of groot's business.
    lab.envrc("export EDITOR=vi\n", false);
    let v = lab.doctor();
    assert!(
        !v["findings"].to_string().contains("envrc-blocked"),
        "{:#?}",
        alarms(&v)
    );
}
