//! The sh lexer: tokens (words with their quoted and expanded parts, operators, newlines,
//! arithmetic commands) read from the text with here-documents collected at the next newline.

use crate::shell::syntax::lex::{flush_lit, Cursor};
use crate::shell::syntax::{ParamOp, Part, Word};

use super::is_name;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Word(Word, usize),
    Op(&'static str, usize),
    Newline(usize),
    /// `(( … ))` arithmetic command.
    Arith(String, usize),
}

impl Tok {
    pub(super) fn line(&self) -> usize {
        match self {
            Tok::Word(_, l) | Tok::Op(_, l) | Tok::Newline(l) | Tok::Arith(_, l) => *l,
        }
    }
}

pub(super) struct Lexer {
    cur: Cursor,
    heredocs: Vec<(String, bool)>,
}

pub(super) const OPS: [&str; 23] = [
    ";;&", "&>>", "<<<", "<<-", "&&", "||", ";;", ";&", "|&", "<<", ">>", ">&", "<&", "&>", ">|",
    "<>", "|", ";", "&", "(", ")", ">", "<",
];

impl Lexer {
    pub(super) fn new(text: &str) -> Self {
        Lexer {
            cur: Cursor::new(text),
            heredocs: Vec::new(),
        }
    }

    pub(super) fn tokens(mut self) -> Vec<Tok> {
        let mut out = Vec::new();
        while let Some(t) = self.next_token() {
            out.push(t);
        }
        out
    }

    pub(super) fn next_token(&mut self) -> Option<Tok> {
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

    pub(super) fn queue_heredoc(&mut self, strip_tabs: bool) {
        while matches!(self.cur.peek(), Some(' ' | '\t')) {
            self.cur.bump();
        }
        let w = self.read_word(false);
        let delim = w.as_literal().unwrap_or(w.raw);
        self.heredocs.push((delim, strip_tabs));
    }

    pub(super) fn read_heredoc_bodies(&mut self) {
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
    pub(super) fn read_balanced(&mut self, open: char, close: char) -> String {
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
    pub(super) fn read_word(&mut self, whole: bool) -> Word {
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

    pub(super) fn read_backticks(&mut self) -> String {
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

    pub(super) fn read_dquoted(&mut self, parts: &mut Vec<Part>) {
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
    pub(super) fn read_dollar(&mut self, parts: &mut Vec<Part>, quoted: bool) {
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
pub(super) fn param_expr(inner: &str, quoted: bool) -> Part {
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
pub(super) fn sub_word(text: &str, quoted: bool) -> Word {
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
