//! fish's own commands: `set` (scopes, `-x`, `--path`, list edits), `fish_add_path`, and the
//! rest of a fish command line.

use super::*;

impl<'a> Sim<'a> {
    pub(super) fn fish_command(&mut self, words: &[Word], line: usize) -> Flow {
        let name = words[0].as_literal().unwrap_or_default();
        let rest = &words[1..];
        match name.as_str() {
            "set" => self.fish_set(rest, line),
            "fish_add_path" => self.fish_add_path(rest, line),
            "source" | "." => {
                let Some(first) = rest.first() else {
                    return Flow::Normal(None);
                };
                let target = self.expand_fish(first).join(" ");
                let args: Vec<String> =
                    rest[1..].iter().flat_map(|w| self.expand_fish(w)).collect();
                if let [Part::CmdSub { text, .. }] = first.parts.as_slice() {
                    // `source (goenv init - | psub)`
                    let cmd = text.split('|').next().unwrap_or(text);
                    return self.eval_output_of(cmd, line);
                }
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
                    .map(|w| self.expand_fish(w).join(" "))
                    .collect::<Vec<_>>()
                    .join(" ");
                if !is_resolved(&text) {
                    self.unknown(line, format!("evaluates `{}`", display_value(&text)));
                    return Flow::Normal(None);
                }
                let stmts = relocate(parse_fish::parse(text.as_bytes()), line);
                self.exec_list(&stmts)
            }
            "status" => {
                let sub = rest
                    .first()
                    .map(|w| self.expand_joined(w))
                    .unwrap_or_default();
                match sub.trim_start_matches('-') {
                    "is-login" | "l" => Flow::Normal(Some(self.inv.mode.login)),
                    "is-interactive" | "i" => Flow::Normal(Some(self.inv.mode.interactive)),
                    _ => Flow::Normal(None),
                }
            }
            "test" | "[" => {
                let mut args = Vec::new();
                for w in rest {
                    if w.as_plain() == Some("]") {
                        continue;
                    }
                    for v in self.expand_fish(w) {
                        args.push(if is_resolved(&v) { Some(v) } else { None });
                    }
                }
                Flow::Normal(self.test_expr(&args, false))
            }
            "contains" => {
                let vals: Vec<String> = rest.iter().flat_map(|w| self.expand_fish(w)).collect();
                let vals: Vec<&String> = vals.iter().filter(|v| !v.starts_with('-')).collect();
                match vals.split_first() {
                    Some((needle, hay)) if is_resolved(needle) => {
                        Flow::Normal(Some(hay.contains(needle)))
                    }
                    _ => Flow::Normal(None),
                }
            }
            "command" | "type" | "which" | "functions" => {
                let vals: Vec<String> = rest.iter().flat_map(|w| self.expand_fish(w)).collect();
                match vals.iter().find(|v| !v.starts_with('-')) {
                    Some(t) if vals.iter().any(|v| v.starts_with('-')) && name != "functions" => {
                        Flow::Normal(self.command_exists(t))
                    }
                    _ => Flow::Normal(None),
                }
            }
            "return" => Flow::Return(Some(true)),
            "exit" => {
                self.unknown(line, "exit in a startup file ends the shell here");
                Flow::Exit
            }
            "true" => Flow::Normal(Some(true)),
            "false" => Flow::Normal(Some(false)),
            "echo" | "printf" | "alias" | "abbr" | "bind" | "complete" | "function"
            | "functions_" | "set_color" | "fish_config" | "builtin" | "emit" | "string" | "cd"
            | "umask" | "ulimit" => Flow::Normal(Some(true)),
            _ => {
                if let Some(body) = self.funcs.get(&name).cloned() {
                    if self.depth > 16 {
                        return Flow::Normal(None);
                    }
                    let args: Vec<String> = rest.iter().flat_map(|w| self.expand_fish(w)).collect();
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
                Flow::Normal(None)
            }
        }
    }

    pub(super) fn fish_set(&mut self, rest: &[Word], line: usize) -> Flow {
        let mut universal = false;
        let mut export = None;
        let mut erase = false;
        let mut query = false;
        let mut append = false;
        let mut prepend = false;
        let mut local = false;
        let mut i = 0;
        while i < rest.len() {
            let Some(a) = rest[i].as_literal() else { break };
            if a == "--" {
                i += 1;
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                match long {
                    "universal" => universal = true,
                    "export" => export = Some(true),
                    "unexport" => export = Some(false),
                    "erase" => erase = true,
                    "query" => query = true,
                    "append" => append = true,
                    "prepend" => prepend = true,
                    "local" | "function" => local = true,
                    _ => {}
                }
            } else if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
                for c in short.chars() {
                    match c {
                        'U' => universal = true,
                        'x' => export = Some(true),
                        'u' => export = Some(false),
                        'e' => erase = true,
                        'q' => query = true,
                        'a' => append = true,
                        'p' => prepend = true,
                        'l' | 'f' => local = true,
                        _ => {}
                    }
                }
            } else {
                break;
            }
            i += 1;
        }
        let Some(name_word) = rest.get(i) else {
            return Flow::Normal(Some(true));
        };
        let name = self.expand_fish(name_word).join(" ");
        if query {
            let names: Vec<String> = rest[i..].iter().flat_map(|w| self.expand_fish(w)).collect();
            return Flow::Normal(Some(names.iter().all(|n| self.is_set(n))));
        }
        if !parse_sh::is_name(&name) {
            if is_tracked(name.split('[').next().unwrap_or("")) {
                self.unknown(
                    line,
                    format!("indexed or computed variable `{}`", display_value(&name)),
                );
            }
            return Flow::Normal(None);
        }
        if erase {
            if universal {
                self.uvars.remove(&name);
                if is_tracked(&name) {
                    self.effect(line, Some(&name), EffectKind::Unset);
                }
            } else {
                self.unset_var(&name, line);
            }
            if name == "fish_user_paths" {
                self.fish_reconstruct(line);
            }
            return Flow::Normal(Some(true));
        }
        let mut vals: Vec<String> = Vec::new();
        for w in &rest[i + 1..] {
            vals.extend(self.expand_fish(w));
        }
        if name.ends_with("PATH") {
            vals = vals.iter().flat_map(|v| split_path(v)).collect();
        }
        if append || prepend {
            let cur = self.get(&name).unwrap_or_default();
            vals = if append {
                cur.into_iter().chain(vals).collect()
            } else {
                vals.into_iter().chain(cur).collect()
            };
        }
        if local && self.depth > 0 {
            self.vars.insert(
                name,
                Var {
                    val: vals,
                    exported: false,
                },
            );
            return Flow::Normal(Some(true));
        }
        if universal {
            let exported =
                export.unwrap_or_else(|| self.uvars.get(&name).is_some_and(|v| v.exported));
            self.uvars.insert(
                name.clone(),
                Var {
                    val: vals.clone(),
                    exported,
                },
            );
            if is_tracked(&name) {
                let sep = if name.ends_with("PATH") || name == "fish_user_paths" {
                    ":"
                } else {
                    " "
                };
                let joined = vals.join(sep);
                self.effect(
                    line,
                    Some(&name),
                    EffectKind::Set {
                        value: display_value(&joined),
                        resolved: is_resolved(&joined),
                        exported,
                    },
                );
            }
        } else {
            self.set_var(&name, vals, export, line);
        }
        if name == "fish_user_paths" {
            self.fish_reconstruct(line);
        }
        Flow::Normal(Some(true))
    }

    pub(super) fn fish_add_path(&mut self, rest: &[Word], line: usize) -> Flow {
        let mut global = false;
        let mut explicit_scope = false;
        let mut direct = false;
        let mut append = false;
        let mut mv = false;
        let mut paths = Vec::new();
        for w in rest {
            for v in self.expand_fish(w) {
                if let Some(long) = v.strip_prefix("--") {
                    match long {
                        "global" | "universal" => {
                            global = long == "global";
                            explicit_scope = true;
                        }
                        "path" => direct = true,
                        "append" => append = true,
                        "prepend" => append = false,
                        "move" => mv = true,
                        _ => {}
                    }
                } else if let Some(short) = v
                    .strip_prefix('-')
                    .filter(|s| !s.is_empty() && !s.contains('/'))
                {
                    for c in short.chars() {
                        match c {
                            'g' | 'U' => {
                                global = c == 'g';
                                explicit_scope = true;
                            }
                            'P' => direct = true,
                            'a' => append = true,
                            'p' => append = false,
                            'm' => mv = true,
                            _ => {}
                        }
                    }
                } else {
                    paths.push(v);
                }
            }
        }
        let var = if direct { "PATH" } else { "fish_user_paths" };
        // fish_add_path builds on the visible value and writes it back to the chosen scope;
        // without -g/-U an existing variable keeps its scope, a new one is universal.
        if !explicit_scope && !direct {
            global = self.vars.contains_key(var);
        }
        let mut cur = self.get(var).unwrap_or_default();
        let mut new = Vec::new();
        for p in paths {
            if !is_resolved(&p) {
                self.unknown(
                    line,
                    format!(
                        "fish_add_path with a path groot cannot compute: {}",
                        display_value(&p)
                    ),
                );
                continue;
            }
            if !self.fs.is_dir(Path::new(&p)) {
                continue;
            }
            if let Some(i) = cur.iter().position(|x| *x == p) {
                if mv {
                    cur.remove(i);
                } else {
                    continue;
                }
            }
            new.push(p);
        }
        if new.is_empty() {
            return Flow::Normal(Some(false));
        }
        if append {
            cur.extend(new);
        } else {
            new.extend(cur);
            cur = new;
        }
        if direct {
            self.set_var("PATH", cur, Some(true), line);
        } else if global {
            self.set_var(var, cur, None, line);
            self.fish_reconstruct(line);
        } else {
            let exported = self.uvars.get(var).is_some_and(|v| v.exported);
            self.uvars.insert(
                var.to_string(),
                Var {
                    val: cur.clone(),
                    exported,
                },
            );
            self.effect(
                line,
                Some(var),
                EffectKind::Set {
                    value: cur.join(":"),
                    resolved: true,
                    exported,
                },
            );
            self.fish_reconstruct(line);
        }
        Flow::Normal(Some(true))
    }

    // ---- test expressions -------------------------------------------------------------------
}

/// Decodes a value from `fish_variables` (`\xNN` escapes, UTF-8 bytes).
pub(super) fn unescape_fish_uvar(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b.get(i + 1) == Some(&b'x') {
            if let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("zz"), 16)
            {
                out.push(v);
                i += 4;
                continue;
            }
        }
        if b[i] == b'\\' && i + 1 < b.len() {
            out.push(b[i + 1]);
            i += 2;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Gives statements parsed from an `eval` string the line of the `eval`.
pub(super) fn relocate(stmts: Vec<Stmt>, line: usize) -> Vec<Stmt> {
    stmts
        .into_iter()
        .map(|s| match s {
            Stmt::Simple { assigns, words, .. } => Stmt::Simple {
                assigns,
                words,
                line,
            },
            Stmt::Unknown { text, .. } => Stmt::Unknown { text, line },
            other => other,
        })
        .collect()
}
