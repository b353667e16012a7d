//! The one place that spells a value as shell code, for every shell groot writes for: the
//! activation `groot init` prints, the lines `groot fix` writes, the commands doctor suggests.
//!
//! Three forms:
//! * [`single`]: always single-quoted, so nothing in the value expands;
//! * [`word`]: left bare when every character is inert in that shell, single-quoted otherwise
//!   (commands meant to be read: `unset GOROOT`, `rm -r /usr/local/go`);
//! * [`in_double`]: escaped for the inside of a double-quoted string, so a value can sit next
//!   to `$PATH` or `$HOME` in one word (`export PATH="/opt/go/bin:$PATH"`).
//!
//! The shells differ: inside fish's single quotes `\\` and `\'` are escapes while sh keeps
//! every byte; fish's double quotes expand only `$` (and `\` escapes `"`, `$`, `\`), sh's also
//! `` ` ``; PowerShell doubles a quote inside single quotes and accepts the typographic ones
//! as quotes too. tests/shell_quote_real.rs checks each form against the real shells.

use super::ShellKind;

/// `s` single-quoted for `kind`: the shell reads back exactly `s`.
pub fn single(kind: ShellKind, s: &str) -> String {
    match kind {
        ShellKind::Sh | ShellKind::Bash | ShellKind::Zsh => {
            format!("'{}'", s.replace('\'', r"'\''"))
        }
        ShellKind::Fish => format!("'{}'", s.replace('\\', r"\\").replace('\'', r"\'")),
        ShellKind::PowerShell => {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('\'');
            for c in s.chars() {
                if is_pwsh_quote(c) {
                    out.push(c);
                }
                out.push(c);
            }
            out.push('\'');
            out
        }
    }
}

/// `s` as one word for `kind`: bare when nothing in it is special there, else [`single`].
pub fn word(kind: ShellKind, s: &str) -> String {
    if is_inert(kind, s) {
        s.to_owned()
    } else {
        single(kind, s)
    }
}

/// `s` escaped for the inside of a double-quoted string of `kind` (the quotes not included).
pub fn in_double(kind: ShellKind, s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match kind {
            ShellKind::Sh | ShellKind::Bash | ShellKind::Zsh => {
                if matches!(c, '\\' | '"' | '$' | '`') {
                    out.push('\\');
                }
            }
            ShellKind::Fish => {
                if matches!(c, '\\' | '"' | '$') {
                    out.push('\\');
                }
            }
            ShellKind::PowerShell => {
                if matches!(c, '`' | '"' | '$') || is_pwsh_double(c) {
                    out.push('`');
                }
            }
        }
        out.push(c);
    }
    out
}

/// Whether every character of `s` stands for itself in a bare word of `kind`. A leading `=`
/// (zsh's `=cmd`), `~` (home) and `%` (fish's old process expansion) are not inert; nor are
/// `!` (history in interactive bash and zsh), globs, braces, quotes, `$`, spaces.
fn is_inert(kind: ShellKind, s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if first == '=' || first == '-' && kind == ShellKind::PowerShell {
        return false;
    }
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '/' | '.' | '_' | '-' | '+' | ':' | '=' | '@' | ',')
            || (c == '%' && kind != ShellKind::Fish && kind != ShellKind::PowerShell)
    }) && !(kind == ShellKind::PowerShell && s.contains(','))
}

/// Characters PowerShell treats as a single quote.
fn is_pwsh_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

/// Characters PowerShell treats as a double quote.
fn is_pwsh_double(c: char) -> bool {
    matches!(c, '\u{201C}' | '\u{201D}' | '\u{201E}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_quotes_per_shell() {
        assert_eq!(single(ShellKind::Bash, "/a b/it's"), r"'/a b/it'\''s'");
        assert_eq!(single(ShellKind::Fish, r"/a\b/it's"), r"'/a\\b/it\'s'");
        assert_eq!(
            single(ShellKind::PowerShell, "C:\\it's\u{2019}"),
            "'C:\\it''s\u{2019}\u{2019}'"
        );
    }

    #[test]
    fn words_stay_bare_only_when_inert() {
        assert_eq!(word(ShellKind::Sh, "/usr/local/go"), "/usr/local/go");
        assert_eq!(word(ShellKind::Sh, ""), "''");
        assert_eq!(word(ShellKind::Zsh, "=go"), "'=go'");
        assert_eq!(word(ShellKind::Bash, "~/go"), "'~/go'");
        assert_eq!(word(ShellKind::Bash, "a b"), "'a b'");
        assert_eq!(word(ShellKind::Bash, "x!y"), "'x!y'");
        assert_eq!(word(ShellKind::Fish, r"a\b"), r"'a\\b'");
        assert_eq!(word(ShellKind::Fish, "50%"), "'50%'");
        assert_eq!(word(ShellKind::Bash, "50%"), "50%");
    }

    #[test]
    fn double_quoted_bodies_escape_what_expands() {
        assert_eq!(in_double(ShellKind::Bash, r#"a"$b`c\d"#), r#"a\"\$b\`c\\d"#);
        assert_eq!(in_double(ShellKind::Fish, r#"a"$b`c\d"#), r#"a\"\$b`c\\d"#);
        assert_eq!(in_double(ShellKind::PowerShell, "a\"$b`c"), "a`\"`$b``c");
    }
}
