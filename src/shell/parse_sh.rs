//! A tolerant reader of POSIX sh, bash and zsh startup files. It turns text into the
//! [`syntax`](super::syntax) tree: quoting, parameter expansions (`${X:-y}`), command
//! substitution, here-documents, comments, line continuations, `if`/`case`/`for`/`while`,
//! functions, groups and `&&`/`||` lists. It never fails: a statement it cannot read becomes
//! [`Stmt::Unknown`] and reading resumes on the next line. Input bytes need not be UTF-8.

use super::lex::{flush_lit, Cursor};
use super::syntax::{Assign, AssignValue, ParamOp, Part, Stmt, Word};

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

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(Word, usize),
    Op(&'static str, usize),
    Newline(usize),
    /// `(( … ))` arithmetic command.
    Arith(String, usize),
}

impl Tok {
    fn line(&self) -> usize {
        match self {
            Tok::Word(_, l) | Tok::Op(_, l) | Tok::Newline(l) | Tok::Arith(_, l) => *l,
        }
    }
}

struct Lexer {
    cur: Cursor,
    heredocs: Vec<(String, bool)>,
}

const OPS: [&str; 23] = [
    ";;&", "&>>", "<<<", "<<-", "&&", "||", ";;", ";&", "|&", "<<", ">>", ">&", "<&", "&>", ">|",
    "<>", "|", ";", "&", "(", ")", ">", "<",
];

impl Lexer {
    fn new(text: &str) -> Self {
        Lexer {
            cur: Cursor::new(text),
            heredocs: Vec::new(),
        }
    }

    fn tokens(mut self) -> Vec<Tok> {
        let mut out = Vec::new();
        while let Some(t) = self.next_token() {
            out.push(t);
        }
        out
    }

    fn next_token(&mut self) -> Option<Tok> {
        self.cur.skip_blanks();
        let line = self.cur.line();
        if self.cur.peek()? == '\n' {
            self.cur.bump();
            self.read_heredoc_bodies();
            return Some(Tok::Newline(line));
        }
        if self.cur.starts_with("((") {
            self.cur.skip(2);
            let text = self.read_balanced('(', ')');
            if self.cur.peek() == Some(')') {
                self.cur.bump();
            }
            return Some(Tok::Arith(text, line));
        }
        for op in OPS {
            if self.cur.starts_with(op) {
                self.cur.skip(op.chars().count());
                if op == "<<" || op == "<<-" {
                    self.queue_heredoc(op == "<<-");
                    return self.next_token();
                }
                return Some(Tok::Op(op, line));
            }
        }
        let word = self.read_word(false);
        let is_io_number = !word.raw.is_empty()
            && word.raw.chars().all(|c| c.is_ascii_digit())
            && matches!(self.cur.peek(), Some('<' | '>'));
        if is_io_number {
            return self.next_token();
        }
        if word.raw.is_empty() {
            // An unexpected character: keep it as a one-character word so progress is made.
            let c = self.cur.bump()?;
            return Some(Tok::Word(Word::lit(&c.to_string()), line));
        }
        Some(Tok::Word(word, line))
    }

    fn queue_heredoc(&mut self, strip_tabs: bool) {
        while matches!(self.cur.peek(), Some(' ' | '\t')) {
            self.cur.bump();
        }
        let w = self.read_word(false);
        let delim = w.as_literal().unwrap_or(w.raw);
        self.heredocs.push((delim, strip_tabs));
    }

    fn read_heredoc_bodies(&mut self) {
        let pending = std::mem::take(&mut self.heredocs);
        for (delim, strip_tabs) in pending {
            loop {
                if self.cur.peek().is_none() {
                    return;
                }
                let mut line = String::new();
                while let Some(c) = self.cur.bump() {
                    if c == '\n' {
                        break;
                    }
                    line.push(c);
                }
                let l = line.trim_end_matches('\r');
                let l = if strip_tabs {
                    l.trim_start_matches('\t')
                } else {
                    l
                };
                if l == delim {
                    break;
                }
            }
        }
    }

    /// Reads up to the `close` that balances an already consumed `open`, keeping quotes
    /// intact; the closing character is consumed and not returned.
    fn read_balanced(&mut self, open: char, close: char) -> String {
        let mut depth = 1usize;
        let mut out = String::new();
        while let Some(c) = self.cur.bump() {
            match c {
                '\\' => {
                    out.push(c);
                    if let Some(n) = self.cur.bump() {
                        out.push(n);
                    }
                }
                '\'' => {
                    out.push(c);
                    while let Some(n) = self.cur.bump() {
                        out.push(n);
                        if n == '\'' {
                            break;
                        }
                    }
                }
                '"' => self.cur.copy_quoted(c, &mut out),
                c if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        return out;
                    }
                    out.push(c);
                }
                c if c == open => {
                    depth += 1;
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    }

    /// Reads one word. With `whole` the word runs to the end of input (used for the word
    /// inside `${X:-…}`), otherwise it stops at blanks and operators.
    fn read_word(&mut self, whole: bool) -> Word {
        let start = self.cur.pos();
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.cur.peek() {
            if !whole && matches!(c, ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | ')') {
                break;
            }
            if !whole && c == '\r' && self.cur.peek_at(1) == Some('\n') {
                break;
            }
            match c {
                '(' if !whole => {
                    let empty = lit.is_empty() && parts.is_empty();
                    if empty {
                        break;
                    }
                    let assign_array = parts.is_empty()
                        && (lit.ends_with('=')
                            && is_name(lit.trim_end_matches('=').trim_end_matches('+')));
                    if assign_array {
                        flush_lit(&mut lit, &mut parts, false);
                        self.cur.bump();
                        let inner = self.read_balanced('(', ')');
                        parts.push(Part::Opaque {
                            text: format!("({inner})"),
                        });
                        continue;
                    }
                    // `name()` starts a function definition.
                    let mut k = 1;
                    while matches!(self.cur.peek_at(k), Some(' ' | '\t')) {
                        k += 1;
                    }
                    if self.cur.peek_at(k) == Some(')') {
                        break;
                    }
                    // Glob qualifiers and extglob: `*(N)`, `@(a|b)`.
                    self.cur.bump();
                    let inner = self.read_balanced('(', ')');
                    lit.push('(');
                    lit.push_str(&inner);
                    lit.push(')');
                }
                '\\' => {
                    self.cur.bump();
                    match self.cur.peek() {
                        Some('\n') => {
                            self.cur.bump();
                        }
                        Some(n) => {
                            self.cur.bump();
                            flush_lit(&mut lit, &mut parts, false);
                            parts.push(Part::Lit {
                                text: n.to_string(),
                                quoted: true,
                            });
                        }
                        None => lit.push('\\'),
                    }
                }
                '\'' => {
                    self.cur.bump();
                    flush_lit(&mut lit, &mut parts, false);
                    let mut s = String::new();
                    while let Some(n) = self.cur.bump() {
                        if n == '\'' {
                            break;
                        }
                        s.push(n);
                    }
                    parts.push(Part::Lit {
                        text: s,
                        quoted: true,
                    });
                }
                '"' => {
                    self.cur.bump();
                    flush_lit(&mut lit, &mut parts, false);
                    self.read_dquoted(&mut parts);
                }
                '`' => {
                    self.cur.bump();
                    flush_lit(&mut lit, &mut parts, false);
                    let text = self.read_backticks();
                    parts.push(Part::CmdSub {
                        text,
                        quoted: false,
                    });
                }
                '$' => {
                    self.cur.bump();
                    flush_lit(&mut lit, &mut parts, false);
                    self.read_dollar(&mut parts, false);
                }
                _ => {
                    self.cur.bump();
                    lit.push(c);
                }
            }
        }
        flush_lit(&mut lit, &mut parts, false);
        let raw = self.cur.text_from(start);
        Word { parts, raw }
    }

    fn read_backticks(&mut self) -> String {
        let mut s = String::new();
        while let Some(n) = self.cur.bump() {
            match n {
                '`' => break,
                '\\' => {
                    if let Some(m) = self.cur.bump() {
                        if !matches!(m, '`' | '\\' | '$') {
                            s.push('\\');
                        }
                        s.push(m);
                    }
                }
                _ => s.push(n),
            }
        }
        s
    }

    fn read_dquoted(&mut self, parts: &mut Vec<Part>) {
        let mut lit = String::new();
        while let Some(c) = self.cur.bump() {
            match c {
                '"' => break,
                '\\' => match self.cur.peek() {
                    Some('\n') => {
                        self.cur.bump();
                    }
                    Some(n @ ('$' | '`' | '"' | '\\')) => {
                        self.cur.bump();
                        lit.push(n);
                    }
                    _ => lit.push('\\'),
                },
                '$' => {
                    flush_lit(&mut lit, parts, true);
                    self.read_dollar(parts, true);
                }
                '`' => {
                    flush_lit(&mut lit, parts, true);
                    let text = self.read_backticks();
                    parts.push(Part::CmdSub { text, quoted: true });
                }
                _ => lit.push(c),
            }
        }
        flush_lit(&mut lit, parts, true);
        if parts.is_empty() {
            parts.push(Part::Lit {
                text: String::new(),
                quoted: true,
            });
        }
    }

    /// After a `$`.
    fn read_dollar(&mut self, parts: &mut Vec<Part>, quoted: bool) {
        match self.cur.peek() {
            Some('{') => {
                self.cur.bump();
                let inner = self.read_balanced('{', '}');
                parts.push(param_expr(&inner, quoted));
            }
            Some('(') if self.cur.peek_at(1) == Some('(') => {
                self.cur.skip(2);
                let inner = self.read_balanced('(', ')');
                if self.cur.peek() == Some(')') {
                    self.cur.bump();
                }
                parts.push(Part::Opaque {
                    text: format!("$(({inner}))"),
                });
            }
            Some('(') => {
                self.cur.bump();
                let text = self.read_balanced('(', ')');
                parts.push(Part::CmdSub { text, quoted });
            }
            Some('\'') if !quoted => {
                self.cur.bump();
                let mut s = String::new();
                while let Some(n) = self.cur.bump() {
                    match n {
                        '\'' => break,
                        '\\' => match self.cur.bump() {
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some('e' | 'E') => s.push('\u{1b}'),
                            Some(m) => s.push(m),
                            None => {}
                        },
                        _ => s.push(n),
                    }
                }
                parts.push(Part::Lit {
                    text: s,
                    quoted: true,
                });
            }
            Some('"') if !quoted => {
                self.cur.bump();
                self.read_dquoted(parts);
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let name = self.cur.read_name();
                parts.push(Part::Param {
                    name,
                    op: ParamOp::Plain,
                    quoted,
                });
            }
            Some(c) if c.is_ascii_digit() || "@*#?-$!".contains(c) => {
                self.cur.bump();
                parts.push(Part::Param {
                    name: c.to_string(),
                    op: ParamOp::Plain,
                    quoted,
                });
            }
            _ => parts.push(Part::Lit {
                text: "$".into(),
                quoted,
            }),
        }
    }
}

/// The inside of `${…}`.
fn param_expr(inner: &str, quoted: bool) -> Part {
    let opaque = || Part::Opaque {
        text: format!("${{{inner}}}"),
    };
    if let Some(rest) = inner.strip_prefix('#') {
        if is_name(rest) {
            return Part::Param {
                name: rest.into(),
                op: ParamOp::Length,
                quoted,
            };
        }
    }
    let name_len = if inner.starts_with(|c: char| c.is_ascii_digit() || "@*#?-$!".contains(c)) {
        1
    } else {
        inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .count()
    };
    if name_len == 0 {
        return opaque();
    }
    let name = inner[..name_len].to_string();
    let rest = &inner[name_len..];
    if rest.is_empty() {
        return Part::Param {
            name,
            op: ParamOp::Plain,
            quoted,
        };
    }
    let (colon, rest) = match rest.strip_prefix(':') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let mut chars = rest.chars();
    let Some(opch) = chars.next() else {
        return opaque();
    };
    let word_text = chars.as_str();
    let word = sub_word(word_text, quoted);
    let op = match opch {
        '-' => ParamOp::Default { colon, word },
        '=' => ParamOp::Assign { colon, word },
        '+' => ParamOp::Alt { colon, word },
        _ => return opaque(),
    };
    Part::Param { name, op, quoted }
}

/// The word inside `${X:-…}`, which may contain blanks and quotes.
fn sub_word(text: &str, quoted: bool) -> Word {
    let mut lx = Lexer::new(text);
    let mut w = lx.read_word(true);
    if quoted {
        for p in &mut w.parts {
            if let Part::Lit { quoted: q, .. }
            | Part::Param { quoted: q, .. }
            | Part::CmdSub { quoted: q, .. } = p
            {
                *q = true;
            }
        }
    }
    w
}

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
mod tests {
    use super::*;

    fn simple_words(s: &Stmt) -> Vec<String> {
        match s {
            Stmt::Simple { words, .. } => words.iter().map(|w| w.raw.clone()).collect(),
            other => panic!("not simple: {other:?}"),
        }
    }

    #[test]
    fn assignments_exports_and_lines() {
        let src =
            b"# comment\nexport PATH=\"$HOME/go/bin:$PATH\"\nGOROOT=/usr/local/go; export GOROOT\n";
        let stmts = parse(src);
        assert_eq!(stmts.len(), 3);
        assert_eq!(stmts[0].line(), 2);
        assert_eq!(
            simple_words(&stmts[0]),
            ["export", "PATH=\"$HOME/go/bin:$PATH\""]
        );
        match &stmts[1] {
            Stmt::Simple {
                assigns,
                words,
                line,
            } => {
                assert_eq!(*line, 3);
                assert!(words.is_empty());
                assert_eq!(assigns[0].name, "GOROOT");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn compound_commands_nest() {
        let src = br#"
if [ -d "$HOME/bin" ] ; then
  PATH="$HOME/bin:$PATH"
elif true; then :
else
  case $- in
    *i*) ;;
      *) return;;
  esac
fi
for i in /etc/profile.d/*.sh; do
  [ -r $i ] && . $i
done
f() { echo hi; }
"#;
        let stmts = parse(src);
        assert!(
            matches!(&stmts[0], Stmt::If { branches, otherwise: Some(_), line: 2 } if branches.len() == 2)
        );
        assert!(matches!(&stmts[1], Stmt::For { var, .. } if var == "i"));
        assert!(matches!(&stmts[2], Stmt::Function { name, .. } if name == "f"));
    }

    #[test]
    fn parameter_operators_and_substitutions() {
        let stmts = parse(b"X=${GOPATH:-$HOME/go}/bin Y=$(go env GOROOT) Z=`brew --prefix`\n");
        let Stmt::Simple { assigns, .. } = &stmts[0] else {
            panic!()
        };
        let AssignValue::Scalar(w) = &assigns[0].value else {
            panic!()
        };
        assert!(
            matches!(&w.parts[0], Part::Param { name, op: ParamOp::Default { colon: true, .. }, .. } if name == "GOPATH")
        );
        let AssignValue::Scalar(w) = &assigns[1].value else {
            panic!()
        };
        assert!(matches!(&w.parts[0], Part::CmdSub { text, .. } if text == "go env GOROOT"));
        let AssignValue::Scalar(w) = &assigns[2].value else {
            panic!()
        };
        assert!(matches!(&w.parts[0], Part::CmdSub { text, .. } if text == "brew --prefix"));
    }

    #[test]
    fn heredocs_and_zsh_arrays_are_skipped_or_kept() {
        let src = b"cat <<EOF\nexport PATH=/nope\nEOF\npath=(/a $path)\nkey=(\n  a b\n  c d\n)\nexport GOBIN=/x\n";
        let stmts = parse(src);
        assert_eq!(simple_words(&stmts[0]), ["cat"]);
        let Stmt::Simple { assigns, .. } = &stmts[1] else {
            panic!()
        };
        assert!(matches!(&assigns[0].value, AssignValue::Array(v) if v.len() == 2));
        assert_eq!(stmts[3].line(), 9);
    }

    #[test]
    fn garbage_becomes_unknown_and_reading_goes_on() {
        let src = b"if then fi )\nexport GOPATH=/gp\n\xff\xfe weird $((1+2))\n";
        let stmts = parse(src);
        assert!(stmts.iter().any(|s| matches!(s, Stmt::Unknown { .. })));
        assert!(stmts.iter().any(|s| matches!(s, Stmt::Simple { words, .. } if words.first().map(|w| w.raw.as_str()) == Some("export"))));
    }

    #[test]
    fn double_brackets_keep_operators_as_words() {
        let stmts = parse(
            b"if [[ -z \"$PATH\" || \"$PATH\" == \"/bin:/usr/bin\" ]]\nthen\n export PATH=/x\nfi\n",
        );
        let Stmt::If { branches, .. } = &stmts[0] else {
            panic!("{stmts:?}")
        };
        let words = simple_words(&branches[0].0[0]);
        assert!(words.contains(&"||".to_string()));
    }

    #[test]
    fn crlf_files_parse_like_lf() {
        let a = parse(b"export GOROOT=/a\r\nif true; then\r\n  X=1\r\nfi\r\n");
        let b = parse(b"export GOROOT=/a\nif true; then\n  X=1\nfi\n");
        assert_eq!(a.len(), b.len());
        assert_eq!(simple_words(&a[0]), simple_words(&b[0]));
    }
}
