//! A tolerant reader of fish startup files (`config.fish`, `conf.d/*.fish`). It produces the
//! same [`syntax`](crate::shell::syntax) tree as the sh reader: `if`/`else if`/`else`/`end`,
//! `switch`/`case`, `for`, `while`, `begin`, `function`, `and`/`or`/`not`, `&&`/`||`, pipes,
//! fish quoting (`'…'`, `"…"` with `$var`), `$var`, `(cmd)` and `$(cmd)` substitutions. A
//! statement it cannot read becomes [`Stmt::Unknown`] and reading resumes on the next line.

use crate::shell::syntax::lex::{flush_lit, Cursor};
use crate::shell::syntax::{ParamOp, Part, Stmt, Word};

/// Parses a whole fish file.
pub fn parse(src: &[u8]) -> Vec<Stmt> {
    let text = String::from_utf8_lossy(src);
    let toks = Lexer {
        cur: Cursor::new(&text),
    }
    .tokens();
    let mut p = Parser { toks, pos: 0 };
    p.list(&[])
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(Word, usize),
    /// `;` or newline.
    End(usize),
    Op(&'static str, usize),
}

struct Lexer {
    cur: Cursor,
}

impl Lexer {
    fn tokens(mut self) -> Vec<Tok> {
        let mut out = Vec::new();
        loop {
            self.cur.skip_blanks();
            let Some(c) = self.cur.peek() else {
                break;
            };
            let line = self.cur.line();
            match c {
                '\n' | ';' => {
                    self.cur.bump();
                    out.push(Tok::End(line));
                }
                '&' if self.cur.peek_at(1) == Some('&') => {
                    self.cur.skip(2);
                    out.push(Tok::Op("&&", line));
                }
                '|' if self.cur.peek_at(1) == Some('|') => {
                    self.cur.skip(2);
                    out.push(Tok::Op("||", line));
                }
                '|' => {
                    self.cur.bump();
                    out.push(Tok::Op("|", line));
                }
                '&' if self.cur.peek_at(1) == Some('>') => {
                    self.cur.skip(2);
                    if self.cur.peek() == Some('>') {
                        self.cur.bump();
                    }
                    out.push(Tok::Op(">", line));
                }
                '&' => {
                    self.cur.bump();
                    out.push(Tok::End(line));
                }
                '>' | '<' => {
                    self.cur.bump();
                    while matches!(self.cur.peek(), Some('>' | '?' | '&' | '|')) {
                        if self.cur.peek() == Some('|') {
                            // `>|`-style pipe redirection: treat as a pipe.
                            self.cur.bump();
                            out.push(Tok::Op("|", line));
                            break;
                        }
                        self.cur.bump();
                    }
                    out.push(Tok::Op(">", line));
                }
                _ => {
                    let w = self.word();
                    // `2>`, `2>&1`: a file descriptor number before a redirection.
                    if w.raw.chars().all(|c| c.is_ascii_digit())
                        && matches!(self.cur.peek(), Some('>' | '<'))
                    {
                        continue;
                    }
                    if w.raw.is_empty() {
                        self.cur.bump();
                        continue;
                    }
                    out.push(Tok::Word(w, line));
                }
            }
        }
        out
    }

    fn word(&mut self) -> Word {
        let start = self.cur.pos();
        let mut parts = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.cur.peek() {
            match c {
                ' ' | '\t' | '\n' | ';' | '|' | '>' | '<' => break,
                '\r' if self.cur.peek_at(1) == Some('\n') => break,
                '&' if matches!(
                    self.cur.peek_at(1),
                    Some('&' | '>') | None | Some(' ' | '\n' | ';')
                ) =>
                {
                    break
                }
                '\\' => {
                    self.cur.bump();
                    match self.cur.bump() {
                        Some('\n') | None => {}
                        Some(n) => {
                            flush_lit(&mut lit, &mut parts, false);
                            let text = match n {
                                'n' => "\n".to_string(),
                                't' => "\t".to_string(),
                                other => other.to_string(),
                            };
                            parts.push(Part::Lit { text, quoted: true });
                        }
                    }
                }
                '\'' => {
                    self.cur.bump();
                    flush_lit(&mut lit, &mut parts, false);
                    let mut s = String::new();
                    while let Some(n) = self.cur.bump() {
                        match n {
                            '\'' => break,
                            '\\' if matches!(self.cur.peek(), Some('\'' | '\\')) => {
                                if let Some(m) = self.cur.bump() {
                                    s.push(m);
                                }
                            }
                            _ => s.push(n),
                        }
                    }
                    parts.push(Part::Lit {
                        text: s,
                        quoted: true,
                    });
                }
                '"' => {
                    self.cur.bump();
                    flush_lit(&mut lit, &mut parts, false);
                    self.dquoted(&mut parts);
                }
                '$' => {
                    self.cur.bump();
                    flush_lit(&mut lit, &mut parts, false);
                    self.dollar(&mut parts, false);
                }
                '(' => {
                    self.cur.bump();
                    flush_lit(&mut lit, &mut parts, false);
                    let text = self.balanced();
                    parts.push(Part::CmdSub {
                        text,
                        quoted: false,
                    });
                }
                _ => {
                    self.cur.bump();
                    lit.push(c);
                }
            }
        }
        flush_lit(&mut lit, &mut parts, false);
        Word {
            parts,
            raw: self.cur.text_from(start),
        }
    }

    fn dquoted(&mut self, parts: &mut Vec<Part>) {
        let mut lit = String::new();
        let mut any = false;
        while let Some(c) = self.cur.bump() {
            match c {
                '"' => break,
                '\\' => match self.cur.peek() {
                    Some(n @ ('"' | '$' | '\\')) => {
                        self.cur.bump();
                        lit.push(n);
                    }
                    Some('\n') => {
                        self.cur.bump();
                    }
                    _ => lit.push('\\'),
                },
                '$' => {
                    flush_lit(&mut lit, parts, true);
                    any = true;
                    self.dollar(parts, true);
                }
                _ => lit.push(c),
            }
        }
        if !lit.is_empty() || !any {
            parts.push(Part::Lit {
                text: lit,
                quoted: true,
            });
        }
    }

    fn dollar(&mut self, parts: &mut Vec<Part>, quoted: bool) {
        match self.cur.peek() {
            Some('(') => {
                self.cur.bump();
                let text = self.balanced();
                parts.push(Part::CmdSub { text, quoted });
            }
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                let name = self.cur.read_name();
                if self.cur.peek() == Some('[') {
                    self.cur.bump();
                    let mut idx = String::new();
                    while let Some(n) = self.cur.bump() {
                        if n == ']' {
                            break;
                        }
                        idx.push(n);
                    }
                    parts.push(Part::Opaque {
                        text: format!("${name}[{idx}]"),
                    });
                } else {
                    parts.push(Part::Param {
                        name,
                        op: ParamOp::Plain,
                        quoted,
                    });
                }
            }
            Some('$') => {
                self.cur.bump();
                parts.push(Part::Opaque { text: "$$".into() });
            }
            _ => parts.push(Part::Lit {
                text: "$".into(),
                quoted,
            }),
        }
    }

    /// After `(`: up to the balancing `)`, which is consumed.
    fn balanced(&mut self) -> String {
        let mut depth = 1;
        let mut out = String::new();
        while let Some(c) = self.cur.bump() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                '\'' | '"' => {
                    self.cur.copy_quoted(c, &mut out);
                    continue;
                }
                _ => {}
            }
            out.push(c);
        }
        out
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

type PResult<T> = Result<T, String>;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn keyword(&self) -> Option<&str> {
        match self.peek()? {
            Tok::Word(w, _) => w.as_plain(),
            _ => None,
        }
    }

    fn keyword_at(&self, k: usize) -> Option<&str> {
        match self.toks.get(self.pos + k)? {
            Tok::Word(w, _) => w.as_plain(),
            _ => None,
        }
    }

    fn line(&self) -> usize {
        match self.peek().or_else(|| self.toks.last()) {
            Some(Tok::Word(_, l) | Tok::End(l) | Tok::Op(_, l)) => *l,
            None => 1,
        }
    }

    fn skip_ends(&mut self) {
        while let Some(Tok::End(_)) = self.peek() {
            self.pos += 1;
        }
    }

    /// Statements up to one of the keywords in `stops` (not consumed).
    fn list(&mut self, stops: &[&str]) -> Vec<Stmt> {
        let mut out: Vec<Stmt> = Vec::new();
        loop {
            self.skip_ends();
            let Some(kw) = self.peek().map(|_| self.keyword()) else {
                break;
            };
            if kw.is_some_and(|k| stops.contains(&k)) {
                break;
            }
            if stops.contains(&"else") && kw == Some("else") {
                break;
            }
            let line = self.line();
            if matches!(kw, Some("end" | "else" | "case")) {
                if stops.is_empty() {
                    self.pos += 1;
                    out.push(Stmt::Unknown {
                        text: "unmatched keyword".into(),
                        line,
                    });
                    continue;
                }
                break;
            }
            // `and X` / `or X` continue the previous statement.
            if let Some(k @ ("and" | "or")) = kw {
                let is_and = k == "and";
                self.pos += 1;
                match self.job() {
                    Ok(next) => match out.pop() {
                        Some(Stmt::AndOr {
                            first,
                            mut rest,
                            line,
                        }) => {
                            rest.push((is_and, next));
                            out.push(Stmt::AndOr { first, rest, line });
                        }
                        Some(prev) => {
                            let line = prev.line();
                            out.push(Stmt::AndOr {
                                first: Box::new(prev),
                                rest: vec![(is_and, next)],
                                line,
                            });
                        }
                        None => out.push(next),
                    },
                    Err(e) => self.recover(&mut out, e, line),
                }
                continue;
            }
            let start = self.pos;
            match self.job() {
                Ok(s) => out.push(s),
                Err(e) => {
                    self.pos = self.pos.max(start + 1);
                    self.recover(&mut out, e, line)
                }
            }
        }
        out
    }

    fn recover(&mut self, out: &mut Vec<Stmt>, why: String, line: usize) {
        out.push(Stmt::Unknown { text: why, line });
        while let Some(t) = self.peek() {
            if matches!(t, Tok::End(_)) {
                break;
            }
            self.pos += 1;
        }
    }

    /// A pipeline joined by `&&`/`||`.
    fn job(&mut self) -> PResult<Stmt> {
        let line = self.line();
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        while let Some(Tok::Op(op @ ("&&" | "||"), _)) = self.peek() {
            let is_and = *op == "&&";
            self.pos += 1;
            self.skip_ends();
            rest.push((is_and, self.pipeline()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Stmt::AndOr {
                first: Box::new(first),
                rest,
                line,
            }
        })
    }

    fn pipeline(&mut self) -> PResult<Stmt> {
        let line = self.line();
        let mut cmds = vec![self.command()?];
        while let Some(Tok::Op("|", _)) = self.peek() {
            self.pos += 1;
            self.skip_ends();
            cmds.push(self.command()?);
        }
        Ok(if cmds.len() == 1 {
            cmds.remove(0)
        } else {
            Stmt::Pipeline { cmds, line }
        })
    }

    fn command(&mut self) -> PResult<Stmt> {
        let line = self.line();
        match self.keyword() {
            Some("not") | Some("!") => {
                self.pos += 1;
                let inner = self.command()?;
                return Ok(Stmt::Not {
                    stmt: Box::new(inner),
                    line,
                });
            }
            Some("command") | Some("builtin") if self.keyword_at(1).is_some_and(|k| k == "set") => {
                self.pos += 1;
                return self.command();
            }
            Some("if") => return self.if_stmt(),
            Some("for") => {
                self.pos += 1;
                let var = match self.peek() {
                    Some(Tok::Word(w, _)) => w.raw.clone(),
                    _ => return Err("expected a variable after `for`".into()),
                };
                self.pos += 1;
                if self.keyword() != Some("in") {
                    return Err("expected `in`".into());
                }
                self.pos += 1;
                let mut items = Vec::new();
                while let Some(Tok::Word(w, _)) = self.peek() {
                    items.push(w.clone());
                    self.pos += 1;
                }
                let body = self.list(&["end"]);
                self.expect_end()?;
                return Ok(Stmt::For {
                    var,
                    items,
                    body,
                    line,
                });
            }
            Some("while") => {
                self.pos += 1;
                let cond = vec![self.job()?];
                let body = self.list(&["end"]);
                self.expect_end()?;
                return Ok(Stmt::Loop {
                    cond,
                    body,
                    until: false,
                    line,
                });
            }
            Some("begin") => {
                self.pos += 1;
                let body = self.list(&["end"]);
                self.expect_end()?;
                return Ok(Stmt::Group {
                    body,
                    subshell: false,
                    line,
                });
            }
            Some("function") => {
                self.pos += 1;
                let name = match self.peek() {
                    Some(Tok::Word(w, _)) => w.raw.clone(),
                    _ => return Err("expected a function name".into()),
                };
                while let Some(Tok::Word(..)) = self.peek() {
                    self.pos += 1;
                }
                let body = self.list(&["end"]);
                self.expect_end()?;
                return Ok(Stmt::Function { name, body, line });
            }
            Some("switch") => {
                self.pos += 1;
                let word = match self.peek() {
                    Some(Tok::Word(w, _)) => w.clone(),
                    _ => return Err("expected a word after `switch`".into()),
                };
                self.pos += 1;
                let mut arms = Vec::new();
                loop {
                    self.skip_ends();
                    match self.keyword() {
                        Some("end") => {
                            self.pos += 1;
                            break;
                        }
                        Some("case") => {
                            self.pos += 1;
                            let mut pats = Vec::new();
                            while let Some(Tok::Word(w, _)) = self.peek() {
                                pats.push(w.clone());
                                self.pos += 1;
                            }
                            let body = self.list(&["case", "end"]);
                            arms.push((pats, body));
                        }
                        _ => return Err("malformed `switch`".into()),
                    }
                }
                return Ok(Stmt::Case { word, arms, line });
            }
            _ => {}
        }
        let mut words = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::Word(w, _)) => {
                    words.push(w.clone());
                    self.pos += 1;
                }
                Some(Tok::Op(">", _)) => {
                    self.pos += 1;
                    if let Some(Tok::Word(..)) = self.peek() {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        if words.is_empty() {
            return Err("empty command".into());
        }
        Ok(Stmt::Simple {
            assigns: Vec::new(),
            words,
            line,
        })
    }

    fn expect_end(&mut self) -> PResult<()> {
        self.skip_ends();
        if self.keyword() == Some("end") {
            self.pos += 1;
            // Redirections after `end` are allowed.
            while let Some(Tok::Op(">", _)) = self.peek() {
                self.pos += 1;
                if let Some(Tok::Word(..)) = self.peek() {
                    self.pos += 1;
                }
            }
            Ok(())
        } else {
            Err("expected `end`".into())
        }
    }

    fn if_stmt(&mut self) -> PResult<Stmt> {
        let line = self.line();
        self.pos += 1;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let mut cond = vec![self.job()?];
            // `if a; and b` continues the condition.
            loop {
                let save = self.pos;
                self.skip_ends();
                match self.keyword() {
                    Some(k @ ("and" | "or")) => {
                        let is_and = k == "and";
                        self.pos += 1;
                        let next = self.job()?;
                        let prev = cond.remove(0);
                        let l = prev.line();
                        cond.push(Stmt::AndOr {
                            first: Box::new(prev),
                            rest: vec![(is_and, next)],
                            line: l,
                        });
                    }
                    _ => {
                        self.pos = save;
                        break;
                    }
                }
            }
            let body = self.list(&["else", "end"]);
            match self.keyword() {
                Some("end") => {
                    self.pos += 1;
                    branches.push((cond, body));
                    break;
                }
                Some("else") => {
                    self.pos += 1;
                    branches.push((cond, body));
                    if self.keyword() == Some("if") {
                        self.pos += 1;
                        continue;
                    }
                    otherwise = Some(self.list(&["end"]));
                    self.expect_end()?;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &Stmt) -> Vec<String> {
        match s {
            Stmt::Simple { words, .. } => words.iter().map(|w| w.raw.clone()).collect(),
            other => panic!("not simple: {other:?}"),
        }
    }

    #[test]
    fn set_and_fish_add_path() {
        let stmts = parse(b"set -gx GOPATH $HOME/go\nfish_add_path -a /usr/local/go/bin # note\n");
        assert_eq!(raw(&stmts[0]), ["set", "-gx", "GOPATH", "$HOME/go"]);
        assert_eq!(stmts[1].line(), 2);
    }

    #[test]
    fn blocks_and_conditions() {
        let src = br#"
if status is-login
    and test -d /opt/homebrew
    eval (/opt/homebrew/bin/brew shellenv)
else if test -x /usr/bin/go
    set -gx GOROOT /usr/lib/go
else
    set -e GOROOT
end
for f in $HOME/.config/fish/extra/*.fish; source $f; end
switch (uname)
case Darwin
    set -gx X 1
case '*'
end
function foo --on-variable PWD
    set -gx PATH /nope $PATH
end
"#;
        let stmts = parse(src);
        let Stmt::If {
            branches,
            otherwise,
            ..
        } = &stmts[0]
        else {
            panic!("{stmts:?}")
        };
        assert_eq!(branches.len(), 2);
        assert!(matches!(&branches[0].0[0], Stmt::AndOr { .. }));
        assert!(otherwise.is_some());
        assert!(matches!(&stmts[1], Stmt::For { .. }));
        assert!(matches!(&stmts[2], Stmt::Case { arms, .. } if arms.len() == 2));
        assert!(matches!(&stmts[3], Stmt::Function { .. }));
    }

    #[test]
    fn pipes_into_source_and_quotes() {
        let stmts = parse(b"goenv init - | source\nset -x GOFLAGS \"-mod=mod $X\" 'it\\'s'\n");
        assert!(matches!(&stmts[0], Stmt::Pipeline { cmds, .. } if cmds.len() == 2));
        let Stmt::Simple { words, .. } = &stmts[1] else {
            panic!()
        };
        assert!(
            matches!(&words[3].parts[1], Part::Param { name, quoted: true, .. } if name == "X")
        );
        assert_eq!(words[4].as_literal().as_deref(), Some("it's"));
    }

    #[test]
    fn stray_end_is_unknown() {
        let stmts = parse(b"end\nset -gx GOBIN /b\n");
        assert!(matches!(&stmts[0], Stmt::Unknown { .. }));
        assert_eq!(raw(&stmts[1])[0], "set");
    }
}
