//! Wrapper scripts as launchers. A script named `go` whose whole effect is one
//! `exec /abs/path/go "$@"` — with `GOROOT=… exec …` (not `exec GOROOT=…`, which runs a
//! command named `GOROOT=…`), `export GOROOT=…` or plain assignments
//! to exported variables before it, `set` options, comments — is followed: it runs that
//! binary with those environment changes. The last statement may also be the command without
//! `exec` (the script then ends with its status).
//!
//! Anything else (a condition, a substitution, a relative command, other arguments than
//! `"$@"`, an interpreter other than sh, bash, zsh, dash or ksh) is not guessed at: the trace
//! says "this launcher is a script groot cannot follow", naming the file and the line, and
//! `groot explain --verify` still runs it.
//!
//! The reader is deliberately narrow and lives here rather than using
//! `crate::shell::syntax`: `shell` sits above `launch` (its contexts ask `launch` which go
//! runs), and only this one statement shape needs reading.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{step, EnvChange, Followed, Kind, Launcher};
use crate::host::Host;
use crate::resolve::{GoError, Outcome};

/// The largest wrapper script read (a wrapper is a few lines).
const CAP: u64 = 64 << 10;

/// Shells whose syntax this reader covers for these statements.
const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash"];

/// Follows the script at `path` whose `#!` line is `interpreter`.
pub(crate) fn follow(host: &Host, path: &Path, interpreter: &str) -> Followed {
    let mut launcher = Launcher::new(Kind::Script, path);
    match read(host, path, interpreter) {
        Ok(exec) => {
            let source = super::file_line(path, exec.line);
            let shown: Vec<String> = exec
                .env
                .iter()
                .map(|c| match &c.value {
                    Some(v) => format!("{}={v}", c.name),
                    None => format!("{} unset", c.name),
                })
                .collect();
            let with = if shown.is_empty() {
                String::new()
            } else {
                format!(" with {}", shown.join(" "))
            };
            let steps = vec![step(
                "script-exec",
                Some(exec.program.display().to_string()),
                Outcome::Chosen,
                format!(
                    "{} is a wrapper script: line {} runs {}{with}",
                    path.display(),
                    exec.line,
                    exec.program.display()
                ),
                Some(source.clone()),
            )];
            launcher.source = Some(source);
            launcher.runs = Some(exec.program.clone());
            launcher.env = exec.env;
            let next_host = super::with_env(host, &launcher.env);
            Followed {
                launcher,
                steps,
                next: Ok((exec.program, next_host)),
            }
        }
        Err(why) => {
            let at = why
                .line
                .map(|l| super::file_line(path, l))
                .unwrap_or_else(|| path.display().to_string());
            launcher.source = Some(at.clone());
            Followed {
                launcher,
                steps: vec![step(
                    "script",
                    Some(path.display().to_string()),
                    Outcome::Failed,
                    format!(
                        "this launcher is a script groot cannot follow: {} ({} at {at}); `groot explain --verify` runs it",
                        path.display(),
                        why.reason
                    ),
                    Some(at),
                )],
                next: Err(GoError {
                    code: "launcher-unfollowable",
                    message: format!(
                        "groot cannot predict what this go does: {} is a script groot cannot follow",
                        path.display()
                    ),
                    exit_code: 1,
                    exact: false,
                }),
            }
        }
    }
}

/// The one command a followable script runs.
#[derive(Debug, PartialEq, Eq)]
struct Exec {
    program: PathBuf,
    env: Vec<EnvChange>,
    line: usize,
}

/// Why a script cannot be followed.
#[derive(Debug, PartialEq, Eq)]
struct Unfollowable {
    reason: String,
    line: Option<usize>,
}

fn no(reason: impl Into<String>, line: Option<usize>) -> Unfollowable {
    Unfollowable {
        reason: reason.into(),
        line,
    }
}

fn read(host: &Host, path: &Path, interpreter: &str) -> Result<Exec, Unfollowable> {
    if shell_of(interpreter).is_none() {
        return Err(no(format!("its interpreter is {interpreter:?}"), Some(1)));
    }
    let data = host
        .fs()
        .read_capped(path, CAP)
        .map_err(|e| no(format!("it cannot be read: {e}"), None))?;
    let text = std::str::from_utf8(&data).map_err(|_| no("it is not UTF-8 text", None))?;
    let statements = parse(text)?;
    follow_statements(host, &statements)
}

/// The shell a `#!` line names (`/bin/sh`, `/usr/bin/env bash`, `/bin/bash -e`).
fn shell_of(interpreter: &str) -> Option<&'static str> {
    let mut words = interpreter.split_whitespace();
    let mut prog = words.next()?;
    if Path::new(prog).file_name().is_some_and(|n| n == "env") {
        prog = words.find(|w| !w.starts_with('-'))?;
    }
    let name = Path::new(prog).file_name()?.to_str()?;
    SHELLS.iter().find(|s| **s == name).copied()
}

/// A word piece.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Lit(String),
    /// `$NAME` or `${NAME}`.
    Var(String),
    /// `"$@"` (or `"${@}"`).
    AllArgs,
    /// A leading unquoted `~`.
    Home,
}

type Word = Vec<Piece>;

/// One simple command: its words and its line.
#[derive(Debug)]
struct Statement {
    words: Vec<Word>,
    line: usize,
}

/// Splits the script into simple commands; anything beyond words, quotes, `$NAME`, `"$@"`,
/// `;` and newlines is refused.
fn parse(text: &str) -> Result<Vec<Statement>, Unfollowable> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut line = 1;
    let mut out = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let mut start = 1;
    let end_statement = |words: &mut Vec<Word>, out: &mut Vec<Statement>, start: usize| {
        if !words.is_empty() {
            out.push(Statement {
                words: std::mem::take(words),
                line: start,
            });
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                end_statement(&mut words, &mut out, start);
                line += 1;
                i += 1;
            }
            ';' => {
                end_statement(&mut words, &mut out, start);
                i += 1;
            }
            ' ' | '\t' | '\r' => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                line += 1;
                i += 2;
            }
            _ => {
                if words.is_empty() {
                    start = line;
                }
                let (w, next) = word(&chars, i, line)?;
                words.push(w);
                i = next;
            }
        }
    }
    end_statement(&mut words, &mut out, start);
    Ok(out)
}

/// Reads one word starting at `i`.
fn word(chars: &[char], mut i: usize, line: usize) -> Result<(Word, usize), Unfollowable> {
    let mut w: Word = Vec::new();
    let push = |w: &mut Word, c: char| match w.last_mut() {
        Some(Piece::Lit(s)) => s.push(c),
        _ => w.push(Piece::Lit(c.to_string())),
    };
    let refuse = |what: &str| no(format!("{what} is more than groot reads"), Some(line));
    if chars.get(i) == Some(&'~') {
        w.push(Piece::Home);
        i += 1;
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' | '\n' | ';' => break,
            '|' | '&' | '<' | '>' | '(' | ')' | '`' | '*' | '?' | '[' | '{' | '}' => {
                return Err(refuse(&format!("{c:?}")))
            }
            '\\' => {
                let Some(&n) = chars.get(i + 1) else {
                    return Err(refuse("a trailing backslash"));
                };
                if n == '\n' {
                    return Err(refuse("a line continuation inside a word"));
                }
                push(&mut w, n);
                i += 2;
            }
            '\'' => {
                i += 1;
                let mut lit = String::new();
                while i < chars.len() && chars[i] != '\'' {
                    lit.push(chars[i]);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(refuse("an unterminated quote"));
                }
                i += 1;
                for ch in lit.chars() {
                    push(&mut w, ch);
                }
                // An empty '' still makes a word.
                if w.is_empty() {
                    w.push(Piece::Lit(String::new()));
                }
            }
            '"' => {
                i += 1;
                let mut any = false;
                loop {
                    let Some(&d) = chars.get(i) else {
                        return Err(refuse("an unterminated quote"));
                    };
                    match d {
                        '"' => {
                            i += 1;
                            break;
                        }
                        '\\' => {
                            let n = *chars.get(i + 1).ok_or_else(|| refuse("a backslash"))?;
                            if matches!(n, '$' | '`' | '"' | '\\') {
                                push(&mut w, n);
                            } else if n != '\n' {
                                push(&mut w, '\\');
                                push(&mut w, n);
                            }
                            i += 2;
                        }
                        '`' => return Err(refuse("a command substitution")),
                        '$' => {
                            let (p, next) = dollar(chars, i, line)?;
                            w.push(p);
                            i = next;
                        }
                        _ => {
                            push(&mut w, d);
                            i += 1;
                        }
                    }
                    any = true;
                }
                if !any && w.is_empty() {
                    w.push(Piece::Lit(String::new()));
                }
            }
            '$' => {
                let (p, next) = dollar(chars, i, line)?;
                if p == Piece::AllArgs {
                    return Err(refuse("an unquoted $@"));
                }
                w.push(p);
                i = next;
            }
            _ => {
                push(&mut w, c);
                i += 1;
            }
        }
    }
    Ok((w, i))
}

/// `$NAME`, `${NAME}`, `$@`, `${@}` at `i` (which holds `$`).
fn dollar(chars: &[char], i: usize, line: usize) -> Result<(Piece, usize), Unfollowable> {
    let refuse = || {
        no(
            "an expansion other than $NAME, ${NAME} and \"$@\" is more than groot reads",
            Some(line),
        )
    };
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    match chars.get(i + 1) {
        Some('@') => Ok((Piece::AllArgs, i + 2)),
        Some('{') => {
            let mut j = i + 2;
            let mut name = String::new();
            while let Some(&c) = chars.get(j) {
                if c == '}' {
                    break;
                }
                name.push(c);
                j += 1;
            }
            if chars.get(j) != Some(&'}') {
                return Err(refuse());
            }
            if name == "@" {
                return Ok((Piece::AllArgs, j + 1));
            }
            if name.is_empty()
                || !name.chars().all(name_char)
                || name.starts_with(|c: char| c.is_ascii_digit())
            {
                return Err(refuse());
            }
            Ok((Piece::Var(name), j + 1))
        }
        Some(&c) if c.is_ascii_alphabetic() || c == '_' => {
            let mut j = i + 1;
            let mut name = String::new();
            while let Some(&c) = chars.get(j) {
                if !name_char(c) {
                    break;
                }
                name.push(c);
                j += 1;
            }
            Ok((Piece::Var(name), j))
        }
        _ => Err(refuse()),
    }
}

/// The shell's variables: value and whether exported.
struct Vars {
    vars: BTreeMap<String, (Option<String>, bool)>,
}

impl Vars {
    fn get(&self, name: &str) -> String {
        self.vars
            .get(name)
            .and_then(|(v, _)| v.clone())
            .unwrap_or_default()
    }
}

/// Expands a word; `None` for `"$@"`.
fn expand(vars: &Vars, w: &Word) -> Option<String> {
    let mut out = String::new();
    for p in w {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Var(n) => out.push_str(&vars.get(n)),
            Piece::Home => out.push_str(&vars.get("HOME")),
            Piece::AllArgs => return None,
        }
    }
    Some(out)
}

/// `NAME=…` as a word: the name and the value's pieces.
fn assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Piece::Lit(first)) = w.first() else {
        return None;
    };
    let (name, rest) = first.split_once('=')?;
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !ok {
        return None;
    }
    let mut value: Word = Vec::new();
    if !rest.is_empty() {
        value.push(Piece::Lit(rest.to_owned()));
    }
    value.extend(w[1..].iter().cloned());
    Some((name.to_owned(), value))
}

fn follow_statements(host: &Host, statements: &[Statement]) -> Result<Exec, Unfollowable> {
    let mut vars = Vars {
        vars: host
            .vars()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    (Some(v.to_string_lossy().into_owned()), true),
                )
            })
            .collect(),
    };
    let initial = vars.vars.clone();
    for (n, st) in statements.iter().enumerate() {
        let last = n + 1 == statements.len();
        let line = Some(st.line);
        // Leading assignments.
        let mut k = 0;
        let mut prefix = Vec::new();
        while let Some((name, value)) = st.words.get(k).and_then(assignment) {
            let v = expand(&vars, &value).ok_or_else(|| no("\"$@\" in an assignment", line))?;
            prefix.push((name, v));
            k += 1;
        }
        let rest = &st.words[k..];
        let Some(cmd) = rest.first() else {
            // Plain assignments: a variable from the environment stays exported.
            for (name, v) in prefix {
                let exported = vars.vars.get(&name).is_some_and(|(_, e)| *e);
                vars.vars.insert(name, (Some(v), exported));
            }
            continue;
        };
        let cmd = expand(&vars, cmd).ok_or_else(|| no("\"$@\" as a command", line))?;
        match cmd.as_str() {
            "export" if prefix.is_empty() => {
                for w in &rest[1..] {
                    match assignment(w) {
                        Some((name, value)) => {
                            let v = expand(&vars, &value)
                                .ok_or_else(|| no("\"$@\" in an assignment", line))?;
                            vars.vars.insert(name, (Some(v), true));
                        }
                        None => {
                            let name = expand(&vars, w).unwrap_or_default();
                            if name.starts_with('-') {
                                return Err(no(format!("export {name}"), line));
                            }
                            let old = vars.vars.get(&name).and_then(|(v, _)| v.clone());
                            vars.vars.insert(name, (old, true));
                        }
                    }
                }
            }
            "unset" if prefix.is_empty() => {
                for w in &rest[1..] {
                    let name = expand(&vars, w).unwrap_or_default();
                    if name.starts_with('-') && name != "-v" {
                        return Err(no(format!("unset {name}"), line));
                    }
                    if name != "-v" {
                        vars.vars.remove(&name);
                    }
                }
            }
            "set" if prefix.is_empty() => {
                let flags_only = rest[1..].iter().all(|w| {
                    expand(&vars, w).is_some_and(|a| {
                        a.starts_with('-') || a.starts_with('+') || a == "pipefail"
                    })
                });
                if !flags_only || rest.len() == 1 {
                    return Err(no("`set` with arguments", line));
                }
            }
            _ => {
                // After `exec`, `NAME=value` is the command's name, not an assignment.
                let (program, args) = if cmd == "exec" {
                    let j = 1;
                    let Some(p) = rest.get(j) else {
                        return Err(no("`exec` without a command", line));
                    };
                    let p = expand(&vars, p).ok_or_else(|| no("\"$@\" as a command", line))?;
                    if p.starts_with('-') {
                        return Err(no(format!("exec {p}"), line));
                    }
                    (p, &rest[j + 1..])
                } else if last {
                    (cmd.clone(), &rest[1..])
                } else {
                    return Err(no(
                        format!("the command {cmd:?} before the last line"),
                        line,
                    ));
                };
                if !Path::new(&program).is_absolute() {
                    return Err(no(
                        format!(
                            "{program:?} is not an absolute path (PATH lookups are not followed)"
                        ),
                        line,
                    ));
                }
                if args.len() != 1 || args[0] != [Piece::AllArgs] {
                    return Err(no("arguments other than exactly \"$@\"", line));
                }
                for (name, v) in prefix {
                    vars.vars.insert(name, (Some(v), true));
                }
                return Ok(Exec {
                    program: host.absolute(Path::new(&program)),
                    env: changes(&initial, &vars),
                    line: st.line,
                });
            }
        }
    }
    Err(no("it never execs a program", None))
}

/// What the exported environment lost or gained against the one the script started with.
fn changes(initial: &BTreeMap<String, (Option<String>, bool)>, vars: &Vars) -> Vec<EnvChange> {
    let exported = |m: &BTreeMap<String, (Option<String>, bool)>, k: &str| {
        m.get(k)
            .filter(|(v, e)| *e && v.is_some())
            .and_then(|(v, _)| v.clone())
    };
    let mut out = Vec::new();
    let names: std::collections::BTreeSet<&String> =
        initial.keys().chain(vars.vars.keys()).collect();
    for k in names {
        let before = exported(initial, k);
        let after = exported(&vars.vars, k);
        if before != after {
            out.push(EnvChange {
                name: k.clone(),
                value: after,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Os;

    fn host() -> Host {
        Host::fake("/r", Os::Linux)
            .with_var("HOME", "/home/u")
            .with_var("GOROOT", "/old")
            .with_var("PATH", "/usr/bin")
    }

    fn run(text: &str) -> Result<Exec, Unfollowable> {
        follow_statements(&host(), &parse(text)?)
    }

    fn env(e: &Exec) -> Vec<(String, Option<String>)> {
        e.env
            .iter()
            .map(|c| (c.name.clone(), c.value.clone()))
            .collect()
    }

    #[test]
    fn plain_exec() {
        let e = run("#!/bin/sh\n# wrapper\nexec /opt/go/bin/go \"$@\"\n").expect("followed");
        assert_eq!(e.program, PathBuf::from("/opt/go/bin/go"));
        assert_eq!(e.line, 3);
        assert!(e.env.is_empty());
    }

    #[test]
    fn goroot_forms() {
        let want = vec![("GOROOT".to_owned(), Some("/opt/go".to_owned()))];
        for text in [
            "GOROOT=/opt/go exec /opt/go/bin/go \"$@\"\n",
            "export GOROOT=/opt/go\nexec \"$GOROOT/bin/go\" \"$@\"\n",
            "GOROOT=/opt/go; export GOROOT\nexec ${GOROOT}/bin/go \"$@\"\n",
            // GOROOT comes from the environment: assigning it changes the exported value.
            "GOROOT='/opt/go'\nexec /opt/go/bin/go \"$@\"\n",
            "set -eu\nGOROOT=/opt/go /opt/go/bin/go \"$@\"\n",
        ] {
            let e = run(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(env(&e), want, "{text}");
            assert_eq!(e.program, PathBuf::from("/opt/go/bin/go"), "{text}");
        }
        let e = run("unset GOROOT\nexec ~/sdk/go/bin/go \"$@\"\n").expect("followed");
        assert_eq!(env(&e), vec![("GOROOT".to_owned(), None)]);
        assert_eq!(e.program, PathBuf::from("/home/u/sdk/go/bin/go"));
        // A variable that is not exported does not reach go.
        let e = run("X=1\nexec /g/bin/go \"$@\"\n").expect("followed");
        assert!(e.env.is_empty());
    }

    #[test]
    fn refused() {
        for text in [
            "if [ -x /a ]; then exec /a \"$@\"; fi\n",
            "exec go \"$@\"\n",
            "exec /a/go\n",
            "exec /a/go $@\n",
            "exec /a/go \"$@\" -v\n",
            "exec \"$(dirname \"$0\")/go\" \"$@\"\n",
            "/a/go \"$@\"\necho done\n",
            "exec /a/go \"$1\"\n",
            "exec GOROOT=/a /a/go \"$@\"\n",
            "echo hi\n",
            "",
        ] {
            assert!(run(text).is_err(), "{text}");
        }
    }

    #[test]
    fn interpreters() {
        assert_eq!(shell_of("/bin/sh"), Some("sh"));
        assert_eq!(shell_of("/usr/bin/env bash"), Some("bash"));
        assert_eq!(shell_of("/usr/bin/env -S zsh -f"), Some("zsh"));
        assert_eq!(shell_of("/usr/bin/python3"), None);
        assert_eq!(shell_of("/usr/bin/env fish"), None);
    }
}
