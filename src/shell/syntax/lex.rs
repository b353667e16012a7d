//! What the sh and fish lexers share: a cursor over the characters of a startup file that
//! counts lines as it goes, the blanks, line continuations and `#` comments both shells skip
//! between tokens in the same way, and the small steps of building a word. Where the two
//! shells differ (quoting, `$` expansions, operators) each reader keeps its own code.

use crate::shell::syntax::Part;

/// A position in the text of a startup file, with the 1-based line it is on.
pub(crate) struct Cursor {
    chars: Vec<char>,
    i: usize,
    line: usize,
}

impl Cursor {
    pub(crate) fn new(text: &str) -> Self {
        Cursor {
            chars: text.chars().collect(),
            i: 0,
            line: 1,
        }
    }

    /// The index of the next character, to take the source text of a token with
    /// [`text_from`](Self::text_from) once it is read.
    pub(crate) fn pos(&self) -> usize {
        self.i
    }

    /// The 1-based line of the next character.
    pub(crate) fn line(&self) -> usize {
        self.line
    }

    pub(crate) fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    pub(crate) fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.i + n).copied()
    }

    /// Consumes one character; a newline moves on the line count.
    pub(crate) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    /// Consumes `n` characters, for an operator or opener already recognised by peeking.
    pub(crate) fn skip(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }

    pub(crate) fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(k, c)| self.peek_at(k) == Some(c))
    }

    /// The source text from the index `start` (an earlier [`pos`](Self::pos)) up to here.
    pub(crate) fn text_from(&self, start: usize) -> String {
        self.chars[start..self.i].iter().collect()
    }

    /// Skips what separates tokens on a line in both shells: blanks (a CR too, so CRLF files
    /// read like LF ones), a backslash before LF or CRLF (the line goes on) and a `#` comment
    /// up to, not including, its newline, which still ends the command.
    pub(crate) fn skip_blanks(&mut self) {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\r') => self.skip(1),
                Some('\\') if self.peek_at(1) == Some('\n') => self.skip(2),
                Some('\\') if self.peek_at(1) == Some('\r') && self.peek_at(2) == Some('\n') => {
                    self.skip(3)
                }
                Some('#') => {
                    while matches!(self.peek(), Some(c) if c != '\n') {
                        self.bump();
                    }
                }
                _ => return,
            }
        }
    }

    /// Reads the rest of a variable name: ASCII letters, digits and `_`. Which characters may
    /// start one differs between the shells, so the caller checks the first.
    pub(crate) fn read_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(n) = self.peek() {
            if n.is_ascii_alphanumeric() || n == '_' {
                name.push(n);
                self.bump();
            } else {
                break;
            }
        }
        name
    }

    /// After an opening `quote`, already consumed, copies it, the quoted text and the closing
    /// quote to `out` as they stand, a backslash with the character after it, so that a
    /// bracket inside quotes does not count when reading up to a balancing one.
    pub(crate) fn copy_quoted(&mut self, quote: char, out: &mut String) {
        out.push(quote);
        while let Some(n) = self.bump() {
            out.push(n);
            if n == '\\' {
                if let Some(m) = self.bump() {
                    out.push(m);
                }
            } else if n == quote {
                break;
            }
        }
    }
}

/// Moves the literal text gathered so far into `parts`, if there is any, before a part of
/// another kind (or the end of the word) is added.
pub(crate) fn flush_lit(lit: &mut String, parts: &mut Vec<Part>, quoted: bool) {
    if !lit.is_empty() {
        parts.push(Part::Lit {
            text: std::mem::take(lit),
            quoted,
        });
    }
}
