//! What a check reports: a [`Finding`] with a stable code, a severity, the evidence it rests on,
//! what the user will see because of it, and how to fix it.
//!
//! A fix has three parts: a one-line `summary`, `commands` a user can paste, and `edits` that
//! `groot fix` can later apply itself (remove a line of a startup file or of the go env file,
//! add a line). Doctor itself never changes anything.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing fails.
    Info,
    /// Something will or may go wrong in some context, or later.
    Warning,
    /// go fails, or runs something other than what the user means.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` or `info`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One fact a finding rests on: a labelled value, and where it was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// What the value is (`GOROOT`, `go on PATH`, `VERSION`).
    pub label: String,
    /// The value seen.
    pub value: String,
    /// Where: `file:line`, `environment`, a path.
    pub source: Option<String>,
}

/// A change `groot fix` can apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Edit {
    /// Delete line `line` of `file`, which must still read `text`.
    RemoveLine {
        file: PathBuf,
        line: usize,
        text: String,
    },
    /// Append `text` as a new line at the end of `file` (created when missing).
    AppendLine { file: PathBuf, text: String },
    /// Remove every `KEY=` line of a go env file (what `go env -u KEY` does).
    UnsetGoEnv { file: PathBuf, key: String },
    /// A startup-file edit planned by the shell layer (groot's block and comment-outs), as
    /// `groot fix` applies it.
    Startup { edit: crate::shell::gaps::Edit },
}

/// How to make the finding go away.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub summary: String,
    /// Shell commands to run, in order.
    pub commands: Vec<String>,
    /// Edits `groot fix` can apply.
    pub edits: Vec<Edit>,
}

/// One diagnosis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable code from the catalog (`goroot-env-missing`).
    pub code: &'static str,
    pub severity: Severity,
    /// One line saying what is wrong.
    pub title: String,
    pub evidence: Vec<Evidence>,
    /// What the user will see, in their words (often the exact go error).
    pub consequence: String,
    pub fix: Fix,
}

impl Finding {
    pub fn new(code: &'static str, severity: Severity, title: impl Into<String>) -> Finding {
        Finding {
            code,
            severity,
            title: title.into(),
            evidence: Vec::new(),
            consequence: String::new(),
            fix: Fix::default(),
        }
    }

    /// Adds a piece of evidence.
    pub fn evidence(
        mut self,
        label: impl Into<String>,
        value: impl Into<String>,
        source: Option<String>,
    ) -> Finding {
        self.evidence.push(Evidence {
            label: label.into(),
            value: value.into(),
            source,
        });
        self
    }

    pub fn consequence(mut self, text: impl Into<String>) -> Finding {
        self.consequence = text.into();
        self
    }

    pub fn fix(mut self, summary: impl Into<String>) -> Finding {
        self.fix.summary = summary.into();
        self
    }

    pub fn command(mut self, command: impl Into<String>) -> Finding {
        let c = command.into();
        if !self.fix.commands.contains(&c) {
            self.fix.commands.push(c);
        }
        self
    }

    pub fn edit(mut self, edit: Edit) -> Finding {
        if !self.fix.edits.contains(&edit) {
            self.fix.edits.push(edit);
        }
        self
    }
}

/// Quotes a value for the POSIX command lines doctor suggests, when it needs it (spelled by
/// [`crate::shell::quote::word`], like every other piece of shell code groot writes).
pub fn sh_quote(s: &str) -> String {
    crate::shell::quote::word(crate::shell::ShellKind::Sh, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
        assert_eq!(Severity::parse("warning"), Some(Severity::Warning));
        assert_eq!(Severity::parse("fatal"), None);
    }

    #[test]
    fn builder_dedupes_commands_and_quotes() {
        let f = Finding::new("x", Severity::Info, "t")
            .command("a")
            .command("a");
        assert_eq!(f.fix.commands, ["a"]);
        assert_eq!(sh_quote("/usr/local/go"), "/usr/local/go");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
        assert_eq!(sh_quote("~/go"), "'~/go'");
    }
}
