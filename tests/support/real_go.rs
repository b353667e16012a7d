//! Real Go toolchains unpacked under a cache directory (`<cache>/<version>/go/`), used as the
//! ground truth in tests.
//!
//! The cache is `$GROOT_TEST_GO_CACHE`, default `~/.cache/groot-test/go`. When it is missing,
//! [`RealGo::find`] returns `None` after printing a note, so the test can return early; with
//! `GROOT_REQUIRE_REAL_GO=1` it panics instead, so CI cannot silently skip the real checks.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

/// The set of unpacked toolchains.
#[derive(Debug, Clone)]
pub struct RealGo {
    pub cache: PathBuf,
    pub trees: Vec<GoTree>,
}

/// One unpacked Go tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoTree {
    /// The GOROOT (`<cache>/<version>/go`).
    pub root: PathBuf,
    /// The first line of `<root>/VERSION`, e.g. `go1.22.10`.
    pub version: String,
}

impl RealGo {
    /// Finds the cache, or explains why not (see the module doc).
    #[allow(clippy::print_stderr)]
    pub fn find(test: &str) -> Option<RealGo> {
        let cache = std::env::var_os("GROOT_TEST_GO_CACHE")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/groot-test/go"))
            });
        let required = std::env::var("GROOT_REQUIRE_REAL_GO").as_deref() == Ok("1");
        let found = cache.as_deref().map(load_trees).filter(|t| !t.is_empty());
        match (cache, found) {
            (Some(cache), Some(trees)) => Some(RealGo { cache, trees }),
            (cache, _) => {
                let msg =
                    format!(
                    "{test}: no real Go toolchains at {} (set GROOT_TEST_GO_CACHE to a directory \
                     holding <version>/go/ trees)",
                    cache.as_deref().unwrap_or(Path::new("$HOME/.cache/groot-test/go")).display()
                );
                assert!(!required, "GROOT_REQUIRE_REAL_GO=1 but {msg}");
                eprintln!("note: skipping {msg}");
                None
            }
        }
    }

    /// The tree whose VERSION is `version`, e.g. `go1.22.10`.
    pub fn tree(&self, version: &str) -> Option<&GoTree> {
        self.trees.iter().find(|t| t.version == version)
    }

    /// The newest tree (by Go version number).
    pub fn newest(&self) -> &GoTree {
        self.trees
            .iter()
            .max_by_key(|t| version_key(&t.version))
            .expect("find() never returns an empty set")
    }
}

fn load_trees(cache: &Path) -> Vec<GoTree> {
    let Ok(entries) = fs::read_dir(cache) else {
        return Vec::new();
    };
    let mut trees: Vec<GoTree> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let root = entry.path().join("go");
            let text = fs::read_to_string(root.join("VERSION")).ok()?;
            let version = text.lines().next()?.trim().to_owned();
            root.join("bin/go")
                .is_file()
                .then_some(GoTree { root, version })
        })
        .collect();
    trees.sort_by_key(|t| version_key(&t.version));
    trees
}

/// `go1.22.10` -> `[1, 22, 10]`, for ordering.
pub fn version_key(version: &str) -> Vec<u32> {
    version
        .trim_start_matches("go")
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// The scratch directory for Go runs: HOME, GOPATH, GOCACHE and build outputs, isolated from
/// the user's own Go state. It lives in cargo's per-target temp directory
/// (`target/tmp/buildinfo-go`), so it is cleaned with `cargo clean` and never leaks into
/// `/tmp`, and the Go build cache in it makes reruns fast.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("buildinfo-go");
        for sub in ["home", "gopath", "gocache"] {
            fs::create_dir_all(dir.join(sub)).expect("create scratch subdir");
        }
        dir
    })
}

impl GoTree {
    pub fn go(&self) -> PathBuf {
        self.root.join("bin/go")
    }

    /// `go <args>` with a scrubbed, offline environment.
    pub fn command(&self) -> Command {
        let scratch = scratch();
        let mut cmd = Command::new(self.go());
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", scratch.join("home"))
            .env("GOPATH", scratch.join("gopath"))
            .env("GOCACHE", scratch.join("gocache"))
            .env("GOENV", "off")
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "")
            .env("GOPROXY", "off")
            .env("GOSUMDB", "off")
            .env("CGO_ENABLED", "0");
        cmd
    }

    /// Runs `go <args>` and returns stdout, panicking with stderr on failure.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.command().args(args).output().expect("run go");
        check(&out, &format!("{} {}", self.go().display(), args.join(" ")));
        String::from_utf8(out.stdout).expect("go output is UTF-8")
    }

    /// `go env GOROOT` as this go sees itself.
    pub fn env_goroot(&self) -> String {
        self.run(&["env", "GOROOT"]).trim().to_owned()
    }

    /// `go version -m <file>` output lines after the first, with the leading tab removed.
    pub fn version_m(&self, file: &Path) -> (String, Vec<String>) {
        let out = self.run(&["version", "-m", &file.to_string_lossy()]);
        let mut lines = out.lines();
        let first = lines.next().expect("go version -m prints a first line");
        let version = first
            .rsplit_once(": ")
            .map(|(_, v)| v.to_owned())
            .expect("first line is `<file>: <version>`");
        let rest = lines
            .map(|l| l.strip_prefix('\t').unwrap_or(l).to_owned())
            .collect();
        (version, rest)
    }
}

fn check(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed with {}:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A hello-world program that calls `runtime.GOROOT`, so the linker keeps (and stamps)
/// `runtime.defaultGOROOT`. Only package runtime is needed, which keeps cross builds fast.
pub const HELLO_GO: &str = concat!(
    "package main\n\nimport \"runtime\"\n\n",
    "func main() { println(\"hello from\", runtime.GOROOT()) }\n",
);

/// Builds the hello program with `tree` for `goos`/`goarch`, once per process.
pub fn build_hello(tree: &GoTree, goos: &str, goarch: &str, trimpath: bool) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let key = format!(
        "{}-{goos}-{goarch}-{}",
        tree.version,
        if trimpath { "trim" } else { "full" }
    );
    // Held across the build: builds are serialised (the machine is small), never duplicated.
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(path) = built.get(&key) {
        return path.clone();
    }
    let src = scratch().join("hello");
    fs::create_dir_all(&src).expect("create hello dir");
    fs::write(src.join("go.mod"), "module hello\n\ngo 1.21\n").expect("write go.mod");
    fs::write(src.join("main.go"), HELLO_GO).expect("write main.go");
    let ext = if goos == "windows" { ".exe" } else { "" };
    let out = scratch().join(format!("hello-{key}{ext}"));
    let mut cmd = tree.command();
    cmd.current_dir(&src)
        .env("GOOS", goos)
        .env("GOARCH", goarch)
        .env("GOFLAGS", "-mod=mod")
        .arg("build")
        .arg("-o")
        .arg(&out);
    if trimpath {
        cmd.arg("-trimpath");
    }
    let output = cmd.arg(".").output().expect("run go build");
    check(&output, &format!("go build {key}"));
    built.insert(key, out.clone());
    out
}

/// Go's `strconv.Quote` for the strings that show up in build settings (printable text,
/// quotes, backslashes, tabs and newlines, other control bytes).
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The module-info lines as `runtime/debug.BuildInfo.String` prints them (without the `go`
/// line), which is what `go version -m` shows.
pub fn go_string_lines(info: &groot::toolchain::buildinfo::BuildInfo) -> Vec<String> {
    use groot::toolchain::buildinfo::Module;
    fn module(word: &str, m: &Module, out: &mut Vec<String>) {
        match &m.replace {
            None => out.push(format!(
                "{word}\t{}\t{}\t{}",
                m.path,
                m.version,
                m.sum.as_deref().unwrap_or("")
            )),
            Some(r) => {
                out.push(format!("{word}\t{}\t{}", m.path, m.version));
                module("=>", r, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(path) = &info.main_path {
        out.push(format!("path\t{path}"));
    }
    if let Some(m) = &info.main_module {
        module("mod", m, &mut out);
    }
    for dep in &info.deps {
        module("dep", dep, &mut out);
    }
    for (key, value) in &info.settings {
        let quote_key = key.is_empty() || key.contains(['=', ' ', '\t', '\r', '\n', '"', '`']);
        let quote_value = value.contains([' ', '\t', '\r', '\n', '"', '`']);
        let key = if quote_key {
            go_quote(key)
        } else {
            key.clone()
        };
        let value = if quote_value {
            go_quote(value)
        } else {
            value.clone()
        };
        out.push(format!("build\t{key}={value}"));
    }
    out
}
