//! Word expansion: parameters (`${X:-y}` and friends), tilde, field splitting, globbing against
//! the filesystem, and fish's list expansion.

use super::*;

impl<'a> Sim<'a> {
    pub(super) fn unresolved(text: &str) -> String {
        format!("{OPEN}{text}{CLOSE}")
    }

    /// Expands a word to one string (no field splitting, no globbing).
    pub(super) fn expand_joined(&mut self, w: &Word) -> String {
        if self.dialect == Dialect::Fish {
            let sep = " ";
            return self.expand_fish(w).join(sep);
        }
        let mut out = String::new();
        for (i, part) in w.parts.iter().enumerate() {
            match part {
                Part::Lit { text, quoted } => {
                    if !quoted && i == 0 && text.starts_with('~') {
                        out.push_str(&self.tilde(text));
                    } else {
                        out.push_str(text);
                    }
                }
                Part::Param { name, op, .. } => out.push_str(&self.param(name, op)),
                Part::CmdSub { text, .. } => match self.cmdsub(text) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&Self::unresolved(&format!("$({text})"))),
                },
                Part::Opaque { text } => out.push_str(&Self::unresolved(text)),
            }
        }
        out
    }

    /// The value of an assignment: tilde expansion also after `:` in unquoted text.
    pub(super) fn expand_assignment(&mut self, w: &Word) -> String {
        let mut out = String::new();
        for (i, part) in w.parts.iter().enumerate() {
            match part {
                Part::Lit {
                    text,
                    quoted: false,
                } => {
                    let mut segs = Vec::new();
                    for (k, seg) in text.split(':').enumerate() {
                        let at_start = k > 0 || i == 0 || out.ends_with(':');
                        if at_start && seg.starts_with('~') {
                            segs.push(self.tilde(seg));
                        } else {
                            segs.push(seg.to_string());
                        }
                    }
                    out.push_str(&segs.join(":"));
                }
                _ => {
                    let single = Word {
                        parts: vec![part.clone()],
                        raw: String::new(),
                    };
                    out.push_str(&self.expand_joined(&single));
                }
            }
        }
        out
    }

    pub(super) fn tilde(&self, text: &str) -> String {
        let rest = &text[1..];
        if rest.is_empty() || rest.starts_with('/') {
            format!("{}{}", self.home(), rest)
        } else {
            text.to_string()
        }
    }

    /// Expands a word into fields: unquoted expansions are split on blanks and, with `glob`,
    /// unquoted patterns are matched against the filesystem.
    pub(super) fn expand_fields(&mut self, w: &Word, glob: bool) -> Vec<String> {
        if self.dialect == Dialect::Fish {
            let vals = self.expand_fish(w);
            if glob {
                let mut out = Vec::new();
                for v in vals {
                    if v.contains('*') && is_resolved(&v) {
                        out.extend(self.glob_fs(&v));
                    } else {
                        out.push(v);
                    }
                }
                return out;
            }
            return vals;
        }
        if let [Part::Param {
            name,
            quoted: true,
            op: ParamOp::Plain,
        }] = w.parts.as_slice()
        {
            if name == "@" {
                return self.positional.clone();
            }
        }
        if self.dialect == Dialect::Zsh {
            // zsh arrays (`$path`) expand to one word per element.
            if let [Part::Param {
                name,
                quoted: false,
                op: ParamOp::Plain,
            }] = w.parts.as_slice()
            {
                if let Some(list) = self.get(name) {
                    if list.len() != 1 || name == "path" {
                        return list;
                    }
                }
            }
        }
        let s = self.expand_joined(w);
        let split = w.parts.iter().any(|p| {
            matches!(
                p,
                Part::Param { quoted: false, .. } | Part::CmdSub { quoted: false, .. }
            )
        }) && self.dialect != Dialect::Zsh;
        let fields: Vec<String> = if split && is_resolved(&s) {
            s.split_whitespace().map(str::to_string).collect()
        } else if s.is_empty()
            && w.parts
                .iter()
                .all(|p| !matches!(p, Part::Lit { quoted: true, .. }))
        {
            Vec::new()
        } else {
            vec![s]
        };
        let has_glob = w.parts.iter().any(
            |p| matches!(p, Part::Lit { text, quoted: false } if text.contains(['*', '?', '['])),
        );
        if glob && has_glob {
            let mut out = Vec::new();
            for f in fields {
                let m = self.glob_fs(&f);
                if m.is_empty() {
                    // sh keeps an unmatched pattern; zsh errors; fish drops it.
                    if self.dialect != Dialect::Zsh {
                        out.push(f);
                    }
                } else {
                    out.extend(m);
                }
            }
            return out;
        }
        fields
    }

    /// Matches a pattern whose wildcards are in the last path component.
    pub(super) fn glob_fs(&self, pattern: &str) -> Vec<String> {
        let pattern = pattern
            .trim_end_matches("(N)")
            .trim_end_matches("(.N)")
            .trim_end_matches("(N.)");
        let Some(slash) = pattern.rfind('/') else {
            return Vec::new();
        };
        let (dir, pat) = (&pattern[..slash], &pattern[slash + 1..]);
        if dir.contains(['*', '?']) || dir.is_empty() {
            return Vec::new();
        }
        let pchars: Vec<(char, bool)> = pat
            .chars()
            .map(|c| (c, matches!(c, '*' | '?' | '[')))
            .collect();
        let mut out = Vec::new();
        if let Ok(entries) = self.fs.read_dir(Path::new(dir)) {
            for e in entries {
                let name = e
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name.starts_with('.') && !pat.starts_with('.') {
                    continue;
                }
                if glob_match(&pchars, &name) {
                    out.push(format!("{dir}/{name}"));
                }
            }
        }
        out
    }

    /// A case pattern: quoted characters are literal.
    pub(super) fn pattern(&mut self, w: &Word) -> Vec<(char, bool)> {
        let mut out = Vec::new();
        for part in &w.parts {
            match part {
                Part::Lit { text, quoted } => out.extend(
                    text.chars()
                        .map(|c| (c, !quoted && matches!(c, '*' | '?' | '['))),
                ),
                other => {
                    let single = Word {
                        parts: vec![other.clone()],
                        raw: String::new(),
                    };
                    let v = self.expand_joined(&single);
                    out.extend(v.chars().map(|c| (c, false)));
                }
            }
        }
        out
    }

    pub(super) fn param(&mut self, name: &str, op: &ParamOp) -> String {
        let val = self.get_scalar(name);
        match op {
            ParamOp::Plain => val.unwrap_or_default(),
            ParamOp::Length => val
                .map(|v| v.chars().count().to_string())
                .unwrap_or_else(|| "0".into()),
            ParamOp::Default { colon, word } => match val {
                Some(v) if !(*colon && v.is_empty()) => v,
                _ => self.expand_assignment(word),
            },
            ParamOp::Assign { colon, word } => match val {
                Some(v) if !(*colon && v.is_empty()) => v,
                _ => {
                    let v = self.expand_assignment(word);
                    let line = 0;
                    self.set_var(name, vec![v.clone()], None, line);
                    v
                }
            },
            ParamOp::Alt { colon, word } => match val {
                Some(v) if !(*colon && v.is_empty()) => self.expand_assignment(word),
                _ => String::new(),
            },
        }
    }

    /// Fish expansion: a list of values (cartesian product of the parts).
    pub(super) fn expand_fish(&mut self, w: &Word) -> Vec<String> {
        let mut acc: Vec<String> = vec![String::new()];
        for (i, part) in w.parts.iter().enumerate() {
            let vals: Vec<String> = match part {
                Part::Lit { text, quoted } => {
                    if !quoted && i == 0 && text.starts_with('~') {
                        vec![self.tilde(text)]
                    } else {
                        vec![text.clone()]
                    }
                }
                Part::Param { name, quoted, .. } => {
                    let v = match name.as_str() {
                        "argv" => Some(self.positional.clone()),
                        _ => self.get(name),
                    };
                    match (v, quoted) {
                        (Some(list), true) => {
                            let sep = if name.ends_with("PATH") { ":" } else { " " };
                            vec![list.join(sep)]
                        }
                        (Some(list), false) => list,
                        (None, true) => vec![String::new()],
                        (None, false) => Vec::new(),
                    }
                }
                Part::CmdSub { text, .. } => match self.cmdsub(text) {
                    Some(v) => vec![v],
                    None => vec![Self::unresolved(&format!("({text})"))],
                },
                Part::Opaque { text } => vec![Self::unresolved(text)],
            };
            // A product of lists grows as the product of their sizes ($X$X$X of a 2048-element
            // list is 8 billion values): past MAX_VALUE bytes the word stays unresolved.
            let acc_bytes: usize = acc.iter().map(String::len).sum();
            let vals_bytes: usize = vals.iter().map(String::len).sum();
            let bytes = acc_bytes
                .saturating_mul(vals.len())
                .saturating_add(vals_bytes.saturating_mul(acc.len()));
            if bytes > MAX_VALUE || acc.len().saturating_mul(vals.len()) > MAX_VALUE {
                return vec![Self::unresolved(&w.raw)];
            }
            let mut next = Vec::new();
            for a in &acc {
                for v in &vals {
                    next.push(format!("{a}{v}"));
                }
            }
            acc = next;
        }
        acc
    }
}

/// Glob matching with `*`, `?` and `[…]`; the flag marks a character as a wildcard.
pub(super) fn glob_match(pat: &[(char, bool)], text: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    pub(super) fn go(p: &[(char, bool)], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some(('*', true)) => (0..=t.len()).any(|k| go(&p[1..], &t[k..])),
            Some(('?', true)) => !t.is_empty() && go(&p[1..], &t[1..]),
            Some(('[', true)) => {
                let Some(close) = p.iter().skip(1).position(|(c, _)| *c == ']').map(|i| i + 1)
                else {
                    return !t.is_empty() && t[0] == '[' && go(&p[1..], &t[1..]);
                };
                let Some(&ch) = t.first() else { return false };
                let class: Vec<char> = p[1..close].iter().map(|(c, _)| *c).collect();
                let (neg, class) = match class.first() {
                    Some('!' | '^') => (true, &class[1..]),
                    _ => (false, &class[..]),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        if class[i] <= ch && ch <= class[i + 2] {
                            hit = true;
                        }
                        i += 3;
                    } else {
                        if class[i] == ch {
                            hit = true;
                        }
                        i += 1;
                    }
                }
                hit != neg && go(&p[close + 1..], &t[1..])
            }
            Some((c, _)) => !t.is_empty() && t[0] == *c && go(&p[1..], &t[1..]),
        }
    }
    go(pat, &t)
}
