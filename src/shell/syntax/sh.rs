//! A tolerant reader of POSIX sh, bash and zsh startup files. It turns text into the
//! [`syntax`](crate::shell::syntax) tree: quoting, parameter expansions (`${X:-y}`), command
//! substitution, here-documents, comments, line continuations, `if`/`case`/`for`/`while`,
//! functions, groups and `&&`/`||` lists. It never fails: a statement it cannot read becomes
//! [`Stmt::Unknown`] and reading resumes on the next line. Input bytes need not be UTF-8.

use crate::shell::syntax::{Assign, AssignValue, ParamOp, Part, Stmt, Word};

/// Parses a whole file.
pub fn parse(src: &[u8]) -> Vec<Stmt> {
    let text = String::from_utf8_lossy(src);
    let toks = Lexer::new(&text).tokens();
    let mut p = Parser { toks, pos: 0 };
    p.list(&[])
}

/// Splits a word of the form `NAME=value`, `NAME+=value` or `NAME=(a b)` into an assignment.
pub fn split_assignment(w: &Word) -> Option<Assign> {
    let Some(Part::Lit {
        text,
        quoted: false,
    }) = w.parts.first()
    else {
        return None;
    };
    let eq = text.find('=')?;
    let (mut name, append) = match text[..eq].strip_suffix('+') {
        Some(n) => (n, true),
        None => (&text[..eq], false),
    };
    if name.is_empty() {
        return None;
    }
    // zsh and bash allow `arr[1]=x`; keep the base name and mark the value opaque.
    let mut indexed = false;
    if let Some(open) = name.find('[') {
        if name.ends_with(']') {
            name = &name[..open];
            indexed = true;
        }
    }
    if !is_name(name) {
        return None;
    }
    let mut parts = Vec::new();
    let rest = &text[eq + 1..];
    if !rest.is_empty() {
        parts.push(Part::Lit {
            text: rest.to_string(),
            quoted: false,
        });
    }
    parts.extend(w.parts[1..].iter().cloned());
    let raw = w
        .raw
        .split_once('=')
        .map(|(_, r)| r.to_string())
        .unwrap_or_default();
    if indexed {
        return Some(Assign {
            name: name.to_string(),
            append,
            value: AssignValue::Scalar(Word {
                parts: vec![Part::Opaque { text: raw.clone() }],
                raw,
            }),
        });
    }
    if let [Part::Opaque { text }] = parts.as_slice() {
        if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            let words = Lexer::new(inner)
                .tokens()
                .into_iter()
                .filter_map(|t| match t {
                    Tok::Word(w, _) => Some(w),
                    _ => None,
                })
                .collect();
            return Some(Assign {
                name: name.to_string(),
                append,
                value: AssignValue::Array(words),
            });
        }
    }
    Some(Assign {
        name: name.to_string(),
        append,
        value: AssignValue::Scalar(Word { parts, raw }),
    })
}

/// Whether `s` is a shell variable name.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

mod lexer;

use lexer::{Lexer, Tok};

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

type PResult<T> = Result<T, String>;

const TERMINATORS: [&str; 9] = [
    "then", "elif", "else", "fi", "do", "done", "esac", "}", "in",
];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_keyword(&self) -> Option<&str> {
        match self.peek()? {
            Tok::Word(w, _) => w.as_plain(),
            _ => None,
        }
    }

    fn line(&self) -> usize {
        self.peek()
            .map(Tok::line)
            .or_else(|| self.toks.last().map(Tok::line))
            .unwrap_or(1)
    }

    fn skip_separators(&mut self) {
        while let Some(Tok::Newline(_) | Tok::Op(";" | "&", _)) = self.peek() {
            self.pos += 1;
        }
    }

    fn skip_newlines(&mut self) {
        while let Some(Tok::Newline(_)) = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_keyword(&mut self, kw: &str) -> PResult<()> {
        self.skip_separators();
        if self.peek_keyword() == Some(kw) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected `{kw}`"))
        }
    }

    /// A list of statements up to one of `stops` (a keyword, `)` or `;;`), not consumed.
    fn list(&mut self, stops: &[&str]) -> Vec<Stmt> {
        let mut out = Vec::new();
        loop {
            self.skip_separators();
            let Some(tok) = self.peek() else { break };
            let at_stop = match tok {
                Tok::Word(w, _) => w.as_plain().is_some_and(|k| stops.contains(&k)),
                Tok::Op(op, _) => stops.contains(op),
                _ => false,
            };
            if at_stop {
                break;
            }
            // A stray terminator with no opener: record it and move on.
            let stray = match tok {
                Tok::Word(w, _) => w
                    .as_plain()
                    .is_some_and(|k| TERMINATORS.contains(&k) && k != "in"),
                Tok::Op(")" | ";;" | ";&" | ";;&", _) => true,
                _ => false,
            };
            let line = self.line();
            if stray && stops.is_empty() {
                self.pos += 1;
                out.push(Stmt::Unknown {
                    text: "unmatched keyword".into(),
                    line,
                });
                continue;
            } else if stray {
                break;
            }
            let start = self.pos;
            match self.and_or() {
                Ok(s) => out.push(s),
                Err(why) => {
                    out.push(Stmt::Unknown { text: why, line });
                    self.pos = self.pos.max(start + 1);
                    while let Some(t) = self.peek() {
                        if matches!(t, Tok::Newline(_)) {
                            break;
                        }
                        self.pos += 1;
                    }
                }
            }
        }
        out
    }

    fn and_or(&mut self) -> PResult<Stmt> {
        let line = self.line();
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::Op("&&", _)) => {
                    self.pos += 1;
                    self.skip_newlines();
                    rest.push((true, self.pipeline()?));
                }
                Some(Tok::Op("||", _)) => {
                    self.pos += 1;
                    self.skip_newlines();
                    rest.push((false, self.pipeline()?));
                }
                _ => break,
            }
        }
        if rest.is_empty() {
            Ok(first)
        } else {
            Ok(Stmt::AndOr {
                first: Box::new(first),
                rest,
                line,
            })
        }
    }

    fn pipeline(&mut self) -> PResult<Stmt> {
        let line = self.line();
        if self.peek_keyword() == Some("!") {
            self.pos += 1;
            let inner = self.pipeline()?;
            return Ok(Stmt::Not {
                stmt: Box::new(inner),
                line,
            });
        }
        let mut cmds = vec![self.command()?];
        while let Some(Tok::Op("|" | "|&", _)) = self.peek() {
            self.pos += 1;
            self.skip_newlines();
            cmds.push(self.command()?);
        }
        if cmds.len() == 1 {
            Ok(cmds.remove(0))
        } else {
            Ok(Stmt::Pipeline { cmds, line })
        }
    }

    fn command(&mut self) -> PResult<Stmt> {
        let line = self.line();
        let stmt = match self.peek() {
            None => return Err("unexpected end of file".into()),
            Some(Tok::Arith(text, _)) => {
                let text = format!("(({text}))");
                self.pos += 1;
                Stmt::Unknown { text, line }
            }
            Some(Tok::Op("(", _)) => {
                self.pos += 1;
                let body = self.list(&[")"]);
                self.expect_op(")")?;
                Stmt::Group {
                    body,
                    subshell: true,
                    line,
                }
            }
            Some(Tok::Op(op, _)) => return Err(format!("unexpected `{op}`")),
            Some(Tok::Newline(_)) => return Err("unexpected newline".into()),
            Some(Tok::Word(..)) => match self.peek_keyword() {
                Some("if") => self.if_stmt()?,
                Some("for" | "foreach" | "select") => self.for_stmt()?,
                Some("while") => self.loop_stmt(false)?,
                Some("until") => self.loop_stmt(true)?,
                Some("case") => self.case_stmt()?,
                Some("{") => {
                    self.pos += 1;
                    let body = self.list(&["}"]);
                    self.expect_keyword("}")?;
                    Stmt::Group {
                        body,
                        subshell: false,
                        line,
                    }
                }
                Some("function") => {
                    self.pos += 1;
                    let name = match self.peek() {
                        Some(Tok::Word(w, _)) => w.raw.clone(),
                        _ => return Err("expected a function name".into()),
                    };
                    self.pos += 1;
                    if let (Some(Tok::Op("(", _)), Some(Tok::Op(")", _))) =
                        (self.toks.get(self.pos), self.toks.get(self.pos + 1))
                    {
                        self.pos += 2;
                    }
                    self.skip_newlines();
                    let body = self.command()?;
                    Stmt::Function {
                        name,
                        body: vec![body],
                        line,
                    }
                }
                Some("[[") => {
                    let mut words = Vec::new();
                    loop {
                        match self.peek() {
                            None => return Err("unterminated `[[`".into()),
                            Some(Tok::Word(w, _)) => {
                                let done = w.as_plain() == Some("]]");
                                words.push(w.clone());
                                self.pos += 1;
                                if done {
                                    break;
                                }
                            }
                            Some(Tok::Op(op, _)) => {
                                words.push(Word::lit(op));
                                self.pos += 1;
                            }
                            Some(Tok::Newline(_)) => {
                                self.pos += 1;
                            }
                            Some(Tok::Arith(t, _)) => {
                                words.push(Word::lit(&format!("(({t}))")));
                                self.pos += 1;
                            }
                        }
                    }
                    Stmt::Simple {
                        assigns: Vec::new(),
                        words,
                        line,
                    }
                }
                _ => return self.simple(),
            },
        };
        self.skip_redirects()?;
        Ok(stmt)
    }

    fn expect_op(&mut self, op: &str) -> PResult<()> {
        self.skip_newlines();
        match self.peek() {
            Some(Tok::Op(o, _)) if *o == op => {
                self.pos += 1;
                Ok(())
            }
            _ => Err(format!("expected `{op}`")),
        }
    }

    fn skip_redirects(&mut self) -> PResult<()> {
        while let Some(Tok::Op(op, _)) = self.peek() {
            if !is_redirect(op) {
                break;
            }
            self.pos += 1;
            match self.peek() {
                Some(Tok::Word(..)) => self.pos += 1,
                _ => return Err("redirection without a target".into()),
            }
        }
        Ok(())
    }

    fn simple(&mut self) -> PResult<Stmt> {
        let line = self.line();
        let mut assigns = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::Word(w, _)) => {
                    let w = w.clone();
                    self.pos += 1;
                    if words.is_empty() {
                        if let Some(a) = split_assignment(&w) {
                            assigns.push(a);
                            continue;
                        }
                    }
                    words.push(w);
                    if words.len() == 1 && assigns.is_empty() {
                        if let (Some(Tok::Op("(", _)), Some(Tok::Op(")", _))) =
                            (self.toks.get(self.pos), self.toks.get(self.pos + 1))
                        {
                            self.pos += 2;
                            self.skip_newlines();
                            let body = self.command()?;
                            return Ok(Stmt::Function {
                                name: words[0].raw.clone(),
                                body: vec![body],
                                line,
                            });
                        }
                    }
                }
                Some(Tok::Op(op, _)) if is_redirect(op) => {
                    self.pos += 1;
                    if let Some(Tok::Word(..)) = self.peek() {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        if words.is_empty() && assigns.is_empty() {
            return Err("empty command".into());
        }
        Ok(Stmt::Simple {
            assigns,
            words,
            line,
        })
    }

    fn if_stmt(&mut self) -> PResult<Stmt> {
        let line = self.line();
        self.pos += 1;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.list(&["then"]);
            self.expect_keyword("then")?;
            let body = self.list(&["elif", "else", "fi"]);
            branches.push((cond, body));
            match self.peek_keyword() {
                Some("elif") => {
                    self.pos += 1;
                }
                Some("else") => {
                    self.pos += 1;
                    otherwise = Some(self.list(&["fi"]));
                    self.expect_keyword("fi")?;
                    break;
                }
                Some("fi") => {
                    self.pos += 1;
                    break;
                }
                _ => return Err("unterminated `if`".into()),
            }
        }
        Ok(Stmt::If {
            branches,
            otherwise,
            line,
        })
    }

    fn for_stmt(&mut self) -> PResult<Stmt> {
        let line = self.line();
        self.pos += 1;
        let var = match self.peek() {
            Some(Tok::Word(w, _)) if is_name(&w.raw) => w.raw.clone(),
            _ => return Err("unsupported `for` form".into()),
        };
        self.pos += 1;
        self.skip_newlines();
        let mut items = Vec::new();
        if self.peek_keyword() == Some("in") {
            self.pos += 1;
            while let Some(Tok::Word(w, _)) = self.peek() {
                items.push(w.clone());
                self.pos += 1;
            }
        } else {
            items.push(Word {
                parts: vec![Part::Param {
                    name: "@".into(),
                    op: ParamOp::Plain,
                    quoted: true,
                }],
                raw: "\"$@\"".into(),
            });
        }
        self.expect_keyword("do")?;
        let body = self.list(&["done"]);
        self.expect_keyword("done")?;
        Ok(Stmt::For {
            var,
            items,
            body,
            line,
        })
    }

    fn loop_stmt(&mut self, until: bool) -> PResult<Stmt> {
        let line = self.line();
        self.pos += 1;
        let cond = self.list(&["do"]);
        self.expect_keyword("do")?;
        let body = self.list(&["done"]);
        self.expect_keyword("done")?;
        Ok(Stmt::Loop {
            cond,
            body,
            until,
            line,
        })
    }

    fn case_stmt(&mut self) -> PResult<Stmt> {
        let line = self.line();
        self.pos += 1;
        let word = match self.peek() {
            Some(Tok::Word(w, _)) => w.clone(),
            _ => return Err("expected a word after `case`".into()),
        };
        self.pos += 1;
        self.skip_newlines();
        if self.peek_keyword() != Some("in") {
            return Err("expected `in`".into());
        }
        self.pos += 1;
        let mut arms = Vec::new();
        loop {
            self.skip_separators();
            if self.peek_keyword() == Some("esac") {
                self.pos += 1;
                break;
            }
            if let Some(Tok::Op("(", _)) = self.peek() {
                self.pos += 1;
            }
            let mut pats = Vec::new();
            loop {
                match self.peek() {
                    Some(Tok::Word(w, _)) => {
                        pats.push(w.clone());
                        self.pos += 1;
                    }
                    Some(Tok::Op("|", _)) => self.pos += 1,
                    Some(Tok::Op(")", _)) => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err("malformed `case` pattern".into()),
                }
            }
            let body = self.list(&[";;", ";&", ";;&", "esac"]);
            arms.push((pats, body));
            if let Some(Tok::Op(";;" | ";&" | ";;&", _)) = self.peek() {
                self.pos += 1;
            }
        }
        Ok(Stmt::Case { word, arms, line })
    }
}

fn is_redirect(op: &str) -> bool {
    matches!(
        op,
        ">" | "<" | ">>" | ">&" | "<&" | "&>" | "&>>" | ">|" | "<>" | "<<<"
    )
}

#[cfg(test)]
mod tests;
