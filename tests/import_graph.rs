//! The module import graph of `src/` has no cycle (docs/ARCHITECTURE.md draws it): every
//! `crate::<module>` path in a module's code (comments aside, `use crate::{a, b}` groups
//! included) is an arrow from that top-level module to `<module>`, and following the arrows
//! never comes back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments (line comments and `/* */` blocks) and string literals.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i] == b'"' && (i == 0 || b[i - 1] != b'\'') {
            // A plain string literal (raw strings are rare in src/ and hold no paths).
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// The top-level modules a piece of code names through `crate::`.
fn imports(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `$crate::` or a longer identifier
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a, b::c, d::{e, f}}`: the names at depth 1.
            let mut depth = 1;
            let mut name = String::new();
            let mut expect_name = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => expect_name = true,
                    c if depth == 1 && expect_name && (c.is_alphanumeric() || c == '_') => {
                        name.push(c)
                    }
                    _ => {
                        if !name.is_empty() {
                            out.insert(std::mem::take(&mut name));
                        }
                        if depth == 1 && !c.is_whitespace() {
                            expect_name = false;
                        }
                    }
                }
            }
            if !name.is_empty() {
                out.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out.retain(|m| modules.contains(m));
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let modules: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_owned())
        .collect();
    assert!(modules.len() > 10, "lib.rs lists the modules: {modules:?}");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).expect("below src");
        let first = rel.components().next().expect("component");
        let top = Path::new(first.as_os_str())
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        if !modules.contains(&top) {
            continue; // main.rs, cli/ (the binary) and lib.rs
        }
        let code = code_only(&std::fs::read_to_string(&f).expect("read"));
        let deps = g.entry(top.clone()).or_default();
        deps.extend(imports(&code, &modules).into_iter().filter(|m| *m != top));
    }
    g
}

/// A cycle in `g`, if any, as the modules along it.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(n.to_owned(), Mark::Open);
        stack.push(n.to_owned());
        for d in g.get(n).into_iter().flatten() {
            match marks.get(d).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let at = stack.iter().position(|s| s == d).expect("on stack");
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(d.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(d, g, marks, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(n.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for n in g.keys() {
        if marks.get(n).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(c) = visit(n, g, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn src_module_graph_has_no_cycle() {
    let g = graph();
    if let Some(c) = find_cycle(&g) {
        let edges: Vec<String> = g
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k} -> {}",
                    v.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        panic!(
            "import cycle: {}\nthe graph:\n{}",
            c.join(" -> "),
            edges.join("\n")
        );
    }
}

#[test]
fn the_checker_finds_cycles() {
    let modules: BTreeSet<String> = ["a", "b", "c", "fs"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let code = code_only(
        "use crate::{b::X, c};\n// crate::a in a comment\nlet s = \"crate::a\";\nuse $crate::a;",
    );
    assert_eq!(
        imports(&code, &modules),
        ["b", "c"].iter().map(|s| s.to_string()).collect()
    );
    let nested = code_only("use crate::{\n    fs::{self, Fs},\n    c::Y,\n};");
    assert_eq!(
        imports(&nested, &modules),
        ["c", "fs"].iter().map(|s| s.to_string()).collect()
    );
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

/// docs/ARCHITECTURE.md lists every arrow of the real graph.
#[test]
fn architecture_doc_lists_the_arrows() {
    let g = graph();
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md"))
            .expect("ARCHITECTURE.md");
    let mut missing = Vec::new();
    for (k, v) in &g {
        let line = if v.is_empty() {
            format!("{k} → (nothing)")
        } else {
            format!("{k} → {}", v.iter().cloned().collect::<Vec<_>>().join(", "))
        };
        if !doc.lines().any(|l| l == line) {
            missing.push(line);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/ARCHITECTURE.md's import graph is out of date; these lines are the real ones:\n{}",
        missing.join("\n")
    );
}
