//! The small syntax tree both startup-file readers produce: commands, assignments, the control
//! structures that decide which lines run (`if`, `case`/`switch`, `for`, loops, functions,
//! `&&`/`||`), and words made of literal, parameter and command-substitution parts. It keeps
//! only what the analyzer needs to follow PATH and Go variables; anything else a reader cannot
//! place becomes [`Stmt::Unknown`] with its line, so nothing is silently dropped.
//!
//! The readers: [`sh`] (POSIX sh, bash, zsh) and [`fish`]; the cursor and word-building steps
//! both share live in `lex`.

pub mod fish;
mod lex;
pub mod sh;

/// One piece of a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text; `quoted` text is neither tilde- nor glob-expanded.
    Lit { text: String, quoted: bool },
    /// A parameter expansion: `$NAME`, `${NAME:-word}`; fish `$NAME`.
    Param {
        name: String,
        op: ParamOp,
        quoted: bool,
    },
    /// A command substitution: `$(…)`, `` `…` ``; fish `(…)`. The raw command text.
    CmdSub { text: String, quoted: bool },
    /// Something whose value the analyzer does not compute (arithmetic, zsh flags, fish
    /// indexing).
    Opaque { text: String },
}

/// The operator of a `${…}` expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamOp {
    Plain,
    /// `${N:-w}` (colon: also when empty) / `${N-w}`.
    Default {
        colon: bool,
        word: Word,
    },
    /// `${N:=w}` / `${N=w}`.
    Assign {
        colon: bool,
        word: Word,
    },
    /// `${N:+w}` / `${N+w}`.
    Alt {
        colon: bool,
        word: Word,
    },
    /// `${#N}`.
    Length,
}

/// A word of a command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    pub parts: Vec<Part>,
    /// The source text of the word.
    pub raw: String,
}

impl Word {
    /// A word made of one unquoted literal.
    pub fn lit(text: &str) -> Word {
        Word {
            parts: vec![Part::Lit {
                text: text.into(),
                quoted: false,
            }],
            raw: text.into(),
        }
    }

    /// The text when the word is one unquoted literal (a keyword candidate).
    pub fn as_plain(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit {
                text,
                quoted: false,
            }] => Some(text),
            _ => None,
        }
    }

    /// The text when the word is only literal parts, quoted or not.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit { text, .. } => out.push_str(text),
                _ => return None,
            }
        }
        Some(out)
    }
}

/// `name=value`, `name+=value`, `name=(a b)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    pub name: String,
    pub append: bool,
    pub value: AssignValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignValue {
    Scalar(Word),
    /// An array: bash/zsh `name=(…)`.
    Array(Vec<Word>),
}

/// A statement with the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt {
    Simple {
        assigns: Vec<Assign>,
        words: Vec<Word>,
        line: usize,
    },
    If {
        branches: Vec<(Vec<Stmt>, Vec<Stmt>)>,
        otherwise: Option<Vec<Stmt>>,
        line: usize,
    },
    For {
        var: String,
        items: Vec<Word>,
        body: Vec<Stmt>,
        line: usize,
    },
    /// `case`/`switch`: arms of patterns and bodies.
    Case {
        word: Word,
        arms: Vec<(Vec<Word>, Vec<Stmt>)>,
        line: usize,
    },
    /// `while`/`until` (`until` negates the condition).
    Loop {
        cond: Vec<Stmt>,
        body: Vec<Stmt>,
        until: bool,
        line: usize,
    },
    Function {
        name: String,
        body: Vec<Stmt>,
        line: usize,
    },
    /// `{ …; }`, `begin … end`, or a `( … )` subshell whose effects do not escape.
    Group {
        body: Vec<Stmt>,
        subshell: bool,
        line: usize,
    },
    /// `a && b || c`; fish `a; and b`.
    AndOr {
        first: Box<Stmt>,
        rest: Vec<(bool, Stmt)>,
        line: usize,
    },
    Not {
        stmt: Box<Stmt>,
        line: usize,
    },
    /// `a | b`; only the last command runs in this shell in zsh and fish (not modelled).
    Pipeline {
        cmds: Vec<Stmt>,
        line: usize,
    },
    /// Syntax the reader could not place.
    Unknown {
        text: String,
        line: usize,
    },
}

impl Stmt {
    pub fn line(&self) -> usize {
        match self {
            Stmt::Simple { line, .. }
            | Stmt::If { line, .. }
            | Stmt::For { line, .. }
            | Stmt::Case { line, .. }
            | Stmt::Loop { line, .. }
            | Stmt::Function { line, .. }
            | Stmt::Group { line, .. }
            | Stmt::AndOr { line, .. }
            | Stmt::Not { line, .. }
            | Stmt::Pipeline { line, .. }
            | Stmt::Unknown { line, .. } => *line,
        }
    }
}
