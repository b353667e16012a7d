//! Running statements: lists, control structures, pipelines and simple commands (assignments,
//! builtins such as `export`/`typeset`/`setopt`, `eval`, command substitutions groot can
//! compute).

use super::*;

impl<'a> Sim<'a> {
    pub(super) fn exec_list(&mut self, stmts: &[Stmt]) -> Flow {
        let mut status = Some(true);
        for s in stmts {
            if self.stopped {
                return Flow::Exit;
            }
            if !self.spend(1, s.line()) {
                return Flow::Normal(None);
            }
            match self.exec(s) {
                Flow::Normal(st) => status = st,
                other => return other,
            }
        }
        Flow::Normal(status)
    }

    pub(super) fn exec(&mut self, stmt: &Stmt) -> Flow {
        match stmt {
            Stmt::Simple {
                assigns,
                words,
                line,
            } => self.simple(assigns, words, *line),
            Stmt::If {
                branches,
                otherwise,
                ..
            } => {
                for (i, (cond, body)) in branches.iter().enumerate() {
                    let st = match self.exec_list(cond) {
                        Flow::Normal(st) => st,
                        other => return other,
                    };
                    match st {
                        Some(true) => return self.exec_list(body),
                        Some(false) => continue,
                        None => {
                            let flow = self.uncertain(body);
                            for (_, other) in &branches[i + 1..] {
                                self.dry(other);
                            }
                            if let Some(o) = otherwise {
                                self.dry(o);
                            }
                            return flow;
                        }
                    }
                }
                match otherwise {
                    Some(o) => self.exec_list(o),
                    None => Flow::Normal(Some(true)),
                }
            }
            Stmt::For {
                var,
                items,
                body,
                line,
            } => {
                let mut values = Vec::new();
                for w in items {
                    values.extend(self.expand_fields(w, true));
                }
                let mut flow = Flow::Normal(Some(true));
                for v in values {
                    self.set_var(var, vec![v], None, *line);
                    flow = self.exec_list(body);
                    if !matches!(flow, Flow::Normal(_)) {
                        break;
                    }
                }
                flow
            }
            Stmt::Case { word, arms, .. } => {
                let subject = self.expand_joined(word);
                if !is_resolved(&subject) {
                    for (_, body) in arms {
                        self.dry(body);
                    }
                    return Flow::Normal(None);
                }
                for (pats, body) in arms {
                    let matched = pats.iter().any(|p| {
                        let pat = self.pattern(p);
                        glob_match(&pat, &subject)
                    });
                    if matched {
                        return self.exec_list(body);
                    }
                }
                Flow::Normal(Some(true))
            }
            Stmt::Loop { cond, body, .. } => {
                self.dry(cond);
                self.dry(body);
                Flow::Normal(None)
            }
            Stmt::Function { name, body, .. } => {
                self.funcs.insert(name.clone(), Body::from(body.as_slice()));
                Flow::Normal(Some(true))
            }
            Stmt::Group { body, subshell, .. } => {
                if *subshell {
                    self.dry(body);
                    Flow::Normal(None)
                } else {
                    self.exec_list(body)
                }
            }
            Stmt::AndOr { first, rest, .. } => {
                let mut st = match self.exec(first) {
                    Flow::Normal(st) => st,
                    other => return other,
                };
                for (is_and, s) in rest {
                    let run = match (is_and, st) {
                        (true, Some(true)) | (false, Some(false)) => Some(true),
                        (_, None) => None,
                        _ => Some(false),
                    };
                    match run {
                        Some(true) => match self.exec(s) {
                            Flow::Normal(x) => st = x,
                            other => return other,
                        },
                        Some(false) => {}
                        None => {
                            let certain = std::mem::replace(&mut self.certain, false);
                            let flow = self.exec(s);
                            self.certain = certain;
                            match flow {
                                Flow::Normal(_) => st = None,
                                other => return other,
                            }
                        }
                    }
                }
                Flow::Normal(st)
            }
            Stmt::Not { stmt, .. } => match self.exec(stmt) {
                Flow::Normal(st) => Flow::Normal(st.map(|b| !b)),
                other => other,
            },
            Stmt::Pipeline { cmds, line } => self.pipeline(cmds, *line),
            Stmt::Unknown { text, line } => {
                self.unknown(*line, format!("not understood: {text}"));
                Flow::Normal(None)
            }
        }
    }

    pub(super) fn pipeline(&mut self, cmds: &[Stmt], line: usize) -> Flow {
        let Some((last, init)) = cmds.split_last() else {
            return Flow::Normal(Some(true));
        };
        // `CMD | source` (fish) evaluates CMD's output in this shell.
        if let Stmt::Simple { words, .. } = last {
            let is_source = words
                .first()
                .and_then(Word::as_plain)
                .is_some_and(|w| w == "source" || w == ".");
            if is_source && words.len() <= 2 && init.len() == 1 {
                if let Stmt::Simple {
                    words: producer, ..
                } = &init[0]
                {
                    let text = producer
                        .iter()
                        .map(|w| w.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    return self.eval_output_of(&text, line);
                }
            }
        }
        for c in init {
            self.dry(std::slice::from_ref(c));
        }
        if matches!(self.dialect, Dialect::Zsh | Dialect::Fish) {
            self.exec(last)
        } else {
            self.dry(std::slice::from_ref(last));
            Flow::Normal(None)
        }
    }

    // ---- words -------------------------------------------------------------------------------

    pub(super) fn simple(
        &mut self,
        assigns: &[crate::shell::syntax::Assign],
        words: &[Word],
        line: usize,
    ) -> Flow {
        if words.is_empty() {
            let mut status = Some(true);
            for a in assigns {
                let val = match &a.value {
                    AssignValue::Scalar(w) => vec![self.expand_assignment(w)],
                    AssignValue::Array(ws) => {
                        let mut v = Vec::new();
                        for w in ws {
                            v.extend(self.expand_fields(w, true));
                        }
                        v
                    }
                };
                if val.iter().any(|v| !is_resolved(v)) {
                    status = None;
                }
                let val = if a.append {
                    self.appended(&a.name, val)
                } else {
                    val
                };
                let scalar = matches!(a.value, AssignValue::Scalar(_)) || a.name == "path";
                let val = if scalar && self.dialect != Dialect::Zsh {
                    vec![val.join(" ")]
                } else {
                    val
                };
                self.set_var(&a.name, val, None, line);
            }
            return Flow::Normal(status);
        }
        if self.dialect == Dialect::Fish {
            return self.fish_command(words, line);
        }
        let name = words[0].as_literal().unwrap_or_default();
        let rest = &words[1..];
        if self.envrc_dir.is_some() && !self.funcs.contains_key(&name) {
            if let Some(flow) = self.envrc_command(&name, words, line) {
                return flow;
            }
        }
        match name.as_str() {
            "export" | "declare" | "typeset" | "local" | "readonly" | "integer" => {
                self.declare(&name, rest, line);
                Flow::Normal(Some(true))
            }
            "unset" => {
                let mut functions = false;
                for w in rest {
                    let v = self.expand_joined(w);
                    match v.as_str() {
                        "-f" => functions = true,
                        "-v" => functions = false,
                        n if !functions && parse_sh::is_name(n) => self.unset_var(n, line),
                        _ => {}
                    }
                }
                Flow::Normal(Some(true))
            }
            "source" | "." => {
                let Some(first) = rest.first() else {
                    return Flow::Normal(Some(false));
                };
                let target = self.expand_joined(first);
                let args: Vec<String> = rest[1..]
                    .iter()
                    .flat_map(|w| self.expand_fields(w, true))
                    .collect();
                self.source(&target, args, line)
            }
            "eval" => {
                if let [w] = rest {
                    if let [Part::CmdSub { text, .. }] = w.parts.as_slice() {
                        return self.eval_output_of(text, line);
                    }
                }
                let text = rest
                    .iter()
                    .map(|w| self.expand_joined(w))
                    .collect::<Vec<_>>()
                    .join(" ");
                if !is_resolved(&text) {
                    let raw = rest
                        .iter()
                        .map(|w| w.raw.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let inner = raw.trim_matches('"');
                    let inner = inner
                        .strip_prefix("$(")
                        .and_then(|s| s.strip_suffix(')'))
                        .unwrap_or(inner);
                    let inner = inner.trim_matches('`');
                    return self.eval_output_of(inner, line);
                }
                let stmts = parse_sh::parse(text.as_bytes());
                let stmts = relocate(stmts, line);
                self.exec_list(&stmts)
            }
            "setopt" | "unsetopt" => {
                for w in rest {
                    let v = self.expand_joined(w);
                    self.zsh_option(&v, name == "setopt", line);
                }
                Flow::Normal(Some(true))
            }
            "set"
                if self.dialect == Dialect::Zsh
                    || self.dialect == Dialect::Bash
                    || self.dialect == Dialect::Posix =>
            {
                let vals: Vec<String> = rest.iter().map(|w| self.expand_joined(w)).collect();
                if let Some(pos) = vals.iter().position(|v| v == "--") {
                    self.positional = vals[pos + 1..].to_vec();
                }
                let mut it = vals.iter();
                while let Some(v) = it.next() {
                    if v == "-o" || v == "+o" {
                        if let Some(o) = it.next() {
                            self.zsh_option(o, v == "-o", line);
                        }
                    }
                }
                Flow::Normal(Some(true))
            }
            "shift" => {
                if !self.positional.is_empty() {
                    self.positional.remove(0);
                }
                Flow::Normal(Some(true))
            }
            "return" => {
                let st = rest
                    .first()
                    .map(|w| self.expand_joined(w))
                    .map(|v| v == "0");
                Flow::Return(st.or(Some(true)))
            }
            "exit" | "logout" => {
                self.unknown(line, "exit in a startup file ends the shell here");
                Flow::Exit
            }
            "true" | ":" => Flow::Normal(Some(true)),
            "false" => Flow::Normal(Some(false)),
            "[" | "test" | "[[" => {
                let mut args: Vec<Option<String>> = Vec::new();
                let is_dbl = name == "[[";
                for w in rest {
                    if w.as_plain().is_some_and(|p| p == "]" || p == "]]") {
                        continue;
                    }
                    let v = if is_dbl {
                        self.expand_joined(w)
                    } else {
                        self.expand_fields(w, false).join(" ")
                    };
                    args.push(if is_resolved(&v) { Some(v) } else { None });
                }
                if is_dbl {
                    // In [[ ]] the right side of == and != is a pattern when unquoted.
                    Flow::Normal(self.test_expr(&args, true))
                } else {
                    Flow::Normal(self.test_expr(&args, false))
                }
            }
            "shopt" => {
                let vals: Vec<String> = rest.iter().map(|w| self.expand_joined(w)).collect();
                if vals.iter().any(|v| v == "-q") && vals.iter().any(|v| v == "login_shell") {
                    return Flow::Normal(Some(self.inv.mode.login));
                }
                Flow::Normal(Some(true))
            }
            "command" | "type" | "which" | "hash" | "whence" => {
                let vals: Vec<String> = rest.iter().map(|w| self.expand_joined(w)).collect();
                let query = vals.iter().any(|v| v.starts_with('-')) || name != "command";
                match vals.iter().find(|v| !v.starts_with('-')) {
                    Some(target) if query => Flow::Normal(self.command_exists(target)),
                    _ => Flow::Normal(None),
                }
            }
            "alias" | "unalias" | "echo" | "printf" | "autoload" | "bindkey" | "zstyle"
            | "umask" | "ulimit" | "complete" | "compdef" | "zmodload" | "emulate" | "trap"
            | "stty" | "print" | "compinit" | "promptinit" | "prompt" | "shopt_" | "builtin"
            | "cd" | "mesg" | "read" | "history" | "fc" | "bind" | "enable" | "disable" | "zle"
            | "limit" | "unlimit" | "rehash" | "unhash" | "dirs" | "pushd" | "popd" | "jobs"
            | "wait" | "times" | "getopts" | "let" => Flow::Normal(Some(true)),
            _ => {
                if let Some(body) = self.funcs.get(&name).cloned() {
                    if self.depth > 16 {
                        return Flow::Normal(None);
                    }
                    let args: Vec<String> = rest
                        .iter()
                        .flat_map(|w| self.expand_fields(w, true))
                        .collect();
                    let saved = std::mem::replace(&mut self.positional, args);
                    self.depth += 1;
                    let flow = self.exec_list(&body);
                    self.depth -= 1;
                    self.positional = saved;
                    return match flow {
                        Flow::Return(st) => Flow::Normal(st),
                        other => other,
                    };
                }
                if self.envrc_dir.is_some() {
                    self.not_followed(words, line);
                }
                Flow::Normal(None)
            }
        }
    }

    /// The commands of direnv's stdlib that an `.envrc` uses to change PATH, and those that
    /// change nothing groot follows; `None` for the shell's own builtins.
    fn envrc_command(&mut self, name: &str, words: &[Word], line: usize) -> Option<Flow> {
        let rest = &words[1..];
        match name {
            "PATH_add" => self.path_add("PATH", rest, line),
            "path_add" => {
                let var = rest.first().map(|w| self.expand_joined(w));
                match var.filter(|v| parse_sh::is_name(v)) {
                    Some(var) => self.path_add(&var, &rest[1..], line),
                    None => self.not_followed(words, line),
                }
            }
            "has" => {
                let cmd = rest.first().map(|w| self.expand_joined(w));
                return Some(Flow::Normal(cmd.and_then(|c| self.command_exists(&c))));
            }
            "log_status" | "log_error" | "watch_file" | "watch_dir" => {}
            "cd" | "pushd" | "popd" => self.not_followed(words, line),
            _ => return None,
        }
        Some(Flow::Normal(Some(true)))
    }

    /// A command of an `.envrc` whose effect groot does not model.
    fn not_followed(&mut self, words: &[Word], line: usize) {
        let text = words
            .iter()
            .map(|w| w.raw.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        self.unknown(line, format!("not followed: `{text}`"));
    }

    pub(super) fn declare(&mut self, builtin: &str, rest: &[Word], line: usize) {
        let mut export = builtin == "export";
        let mut unique = false;
        let mut unexport = false;
        let mut names_only = Vec::new();
        for w in rest {
            if let Some(a) = parse_sh::split_assignment(w) {
                let val = match &a.value {
                    AssignValue::Scalar(v) => vec![self.expand_assignment(v)],
                    AssignValue::Array(ws) => {
                        let mut out = Vec::new();
                        for w in ws {
                            out.extend(self.expand_fields(w, true));
                        }
                        out
                    }
                };
                let val = if a.append {
                    self.appended(&a.name, val)
                } else {
                    val
                };
                let local_in_function = builtin == "local" && self.depth > 0;
                if local_in_function {
                    self.vars.insert(
                        a.name.clone(),
                        Var {
                            val,
                            exported: false,
                        },
                    );
                } else {
                    self.set_var(&a.name, val, if export { Some(true) } else { None }, line);
                }
                continue;
            }
            let v = self.expand_joined(w);
            if let Some(flags) = v.strip_prefix('-') {
                if flags.contains('x') {
                    export = true;
                }
                if flags.contains('U') {
                    unique = true;
                }
                if flags.contains('n') && builtin == "export" {
                    unexport = true;
                }
                continue;
            }
            if let Some(flags) = v.strip_prefix('+') {
                if flags.contains('x') {
                    unexport = true;
                }
                continue;
            }
            names_only.push(v);
        }
        for n in names_only {
            if unique && (n == "path" || n == "PATH") && self.dialect == Dialect::Zsh {
                self.unique_path = true;
                if let Some(p) = self.get("PATH") {
                    let exported = self.vars.get("PATH").is_some_and(|v| v.exported);
                    self.set_var("PATH", p, Some(exported), line);
                }
                continue;
            }
            if unexport {
                if let Some(v) = self.vars.get_mut(&n) {
                    v.exported = false;
                }
            } else if export {
                self.export_var(&n, line);
            }
        }
    }

    pub(super) fn zsh_option(&mut self, raw: &str, set: bool, line: usize) {
        let norm: String = raw
            .to_ascii_lowercase()
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let (name, on) = match norm.strip_prefix("no") {
            Some(n) if n != "tify" => (n.to_string(), !set),
            _ => (norm.clone(), set),
        };
        match name.as_str() {
            "rcs" => self.rcs = on,
            "globalrcs" => self.global_rcs = on,
            _ => return,
        }
        self.effect(line, None, EffectKind::ZshOption { name, on });
    }

    pub(super) fn command_exists(&self, name: &str) -> Status {
        if !is_resolved(name) {
            return None;
        }
        if name.contains('/') {
            return Some(self.fs.is_file(Path::new(name)));
        }
        if self.funcs.contains_key(name) {
            return Some(true);
        }
        let path = split_path(&self.get_scalar("PATH").unwrap_or_default());
        let hit = which(self.fs, &path, name);
        match (hit.found, hit.unresolved_before.is_empty()) {
            (Some(_), _) => Some(true),
            (None, true) => Some(false),
            (None, false) => None,
        }
    }

    /// `eval "$(CMD)"`, `CMD | source`, `eval (CMD)`.
    pub(super) fn eval_output_of(&mut self, cmd: &str, line: usize) -> Flow {
        match managers::recognize_command(cmd) {
            Some(hook) => {
                self.apply_hook(hook, line);
                Flow::Normal(Some(true))
            }
            None => {
                self.unknown(line, format!("evaluates the output of `{}`", cmd.trim()));
                Flow::Normal(None)
            }
        }
    }

    /// The output of a command substitution, for the few commands whose answer is known.
    pub(super) fn cmdsub(&mut self, text: &str) -> Option<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let cmd = words.first().map(|w| w.rsplit('/').next().unwrap_or(w))?;
        match (cmd, &words[1..]) {
            ("id", ["-u"]) => self.platform.uid.map(|u| u.to_string()),
            ("uname", [] | ["-s"]) => match self.platform.os {
                Os::MacOs => Some("Darwin".into()),
                Os::Windows => None,
                _ => Some("Linux".into()),
            },
            ("brew", ["--prefix"]) => self.brew_prefix(words[0]),
            _ => None,
        }
    }

    pub(super) fn brew_prefix(&self, program: &str) -> Option<String> {
        if let Some(p) = program.strip_suffix("/bin/brew") {
            return Some(p.to_string());
        }
        let hit = which(
            self.fs,
            &split_path(&self.get_scalar("PATH").unwrap_or_default()),
            "brew",
        );
        hit.found.and_then(|p| {
            p.parent()
                .and_then(Path::parent)
                .map(|d| d.display().to_string())
        })
    }

    // ---- commands ----------------------------------------------------------------------------
}
