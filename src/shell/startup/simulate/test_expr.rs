//! `test`/`[`/`[[`: the expression grammar (`!`, `-a`, `-o`, parentheses), file and string
//! tests decided against the filesystem and state, `status is-login` and friends.

use super::*;

impl<'a> Sim<'a> {
    /// Evaluates `test`/`[`/`[[` arguments; `None` operands are unresolved values.
    pub(super) fn test_expr(&self, args: &[Option<String>], dbl: bool) -> Status {
        let mut p = TestParser {
            args,
            pos: 0,
            sim: self,
            dbl,
        };
        let r = p.or();
        if p.pos < args.len() {
            return None;
        }
        r
    }

    pub(super) fn unary_test(&self, op: &str, arg: &Option<String>) -> Status {
        let v = arg.as_ref()?;
        let path = Path::new(v);
        Some(match op {
            "-n" => !v.is_empty(),
            "-z" => v.is_empty(),
            "-d" => self.fs.is_dir(path),
            "-f" => self.fs.is_file(path),
            "-e" | "-a" | "-r" | "-x" | "-s" => self.fs.is_file(path) || self.fs.is_dir(path),
            "-o" => {
                let opt = v.to_ascii_lowercase().replace('_', "");
                return match opt.as_str() {
                    "login" => Some(self.inv.mode.login),
                    "interactive" => Some(self.inv.mode.interactive),
                    _ => None,
                };
            }
            "-L" | "-h" | "-w" | "-O" | "-G" | "-S" | "-p" | "-b" | "-c" | "-t" | "-u" | "-g"
            | "-k" => return None,
            "-v" => self.is_set(v),
            _ => return None,
        })
    }
}

pub(super) struct TestParser<'s, 'a> {
    args: &'s [Option<String>],
    pos: usize,
    sim: &'s Sim<'a>,
    dbl: bool,
}

impl TestParser<'_, '_> {
    pub(super) fn peek(&self) -> Option<&str> {
        self.args.get(self.pos).and_then(|a| a.as_deref())
    }

    pub(super) fn or(&mut self) -> Status {
        let mut acc = self.and();
        while matches!(self.peek(), Some("-o") if !self.dbl)
            || matches!(self.peek(), Some("||") if self.dbl)
        {
            self.pos += 1;
            let rhs = self.and();
            acc = match (acc, rhs) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
        }
        acc
    }

    pub(super) fn and(&mut self) -> Status {
        let mut acc = self.not();
        while matches!(self.peek(), Some("-a") if !self.dbl)
            || matches!(self.peek(), Some("&&") if self.dbl)
        {
            self.pos += 1;
            let rhs = self.not();
            acc = match (acc, rhs) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
        }
        acc
    }

    pub(super) fn not(&mut self) -> Status {
        if self.peek() == Some("!") && self.args.len() > self.pos + 1 {
            self.pos += 1;
            return self.not().map(|b| !b);
        }
        self.primary()
    }

    pub(super) fn primary(&mut self) -> Status {
        if self.peek() == Some("(") {
            self.pos += 1;
            let r = self.or();
            if self.peek() == Some(")") {
                self.pos += 1;
            }
            return r;
        }
        let remaining = self.args.len() - self.pos;
        let a = self.args.get(self.pos).cloned().flatten();
        let b = self.args.get(self.pos + 1).cloned();
        let c = self.args.get(self.pos + 2).cloned();
        // binary?
        if remaining >= 3 {
            if let Some(Some(op)) = &b {
                if is_binary(op) {
                    self.pos += 3;
                    let (x, y) = (a?, c.flatten()?);
                    return binary(op, &x, &y);
                }
            }
        }
        if remaining >= 2 {
            if let Some(op) = a.as_deref().filter(|o| o.starts_with('-') && o.len() == 2) {
                self.pos += 2;
                return self.sim.unary_test(op, &b.flatten());
            }
        }
        if remaining >= 1 {
            self.pos += 1;
            return a.map(|s| !s.is_empty());
        }
        Some(false)
    }
}

pub(super) fn is_binary(op: &str) -> bool {
    matches!(
        op,
        "=" | "=="
            | "!="
            | "-eq"
            | "-ne"
            | "-lt"
            | "-le"
            | "-gt"
            | "-ge"
            | "=~"
            | "<"
            | ">"
            | "-nt"
            | "-ot"
            | "-ef"
    )
}

pub(super) fn binary(op: &str, x: &str, y: &str) -> Status {
    let num = |s: &str| s.trim().parse::<i64>().ok();
    Some(match op {
        "=" | "==" => {
            let pat: Vec<(char, bool)> = y.chars().map(|c| (c, matches!(c, '*' | '?'))).collect();
            glob_match(&pat, x)
        }
        "!=" => {
            let pat: Vec<(char, bool)> = y.chars().map(|c| (c, matches!(c, '*' | '?'))).collect();
            !glob_match(&pat, x)
        }
        "-eq" => num(x)? == num(y)?,
        "-ne" => num(x)? != num(y)?,
        "-lt" => num(x)? < num(y)?,
        "-le" => num(x)? <= num(y)?,
        "-gt" => num(x)? > num(y)?,
        "-ge" => num(x)? >= num(y)?,
        "<" => x < y,
        ">" => x > y,
        _ => return None,
    })
}
