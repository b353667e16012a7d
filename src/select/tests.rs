//! Selection precedence on fake roots.

use std::path::{Path, PathBuf};

use super::*;
use crate::home::COMPLETE_MARKER;
use crate::host::Os;

const HOME: &str = "/home/u";
const STORE: &str = "/home/u/.local/share/groot/toolchains";

struct Root {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Root {
    fn new() -> Root {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().to_path_buf();
        let r = Root { _tmp: tmp, root };
        r.mkdir("/home/u/proj/sub/deeper");
        r
    }

    fn real(&self, logical: &str) -> PathBuf {
        self.root.join(logical.trim_start_matches('/'))
    }

    fn mkdir(&self, logical: &str) {
        std::fs::create_dir_all(self.real(logical)).expect("mkdir");
    }

    fn write(&self, logical: &str, text: &str) {
        let p = self.real(logical);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// A complete managed toolchain in the store.
    fn install(&self, name: &str) {
        let root = format!("{STORE}/{name}");
        self.write(&format!("{root}/bin/go"), "");
        self.write(&format!("{root}/bin/gofmt"), "");
        self.mkdir(&format!("{root}/pkg/tool/linux_amd64"));
        self.write(&format!("{root}/{COMPLETE_MARKER}"), "{}");
    }

    fn host(&self) -> Host {
        Host::fake(&self.root, Os::Linux)
            .with_var("HOME", HOME)
            .with_cwd("/home/u/proj/sub/deeper")
    }
}

fn chosen(r: Result<Selection, SelectError>) -> (String, Source) {
    let s = r.expect("a selection");
    (
        s.toolchain
            .map(|t| t.name)
            .unwrap_or_else(|| "system".into()),
        s.source,
    )
}

fn sel(h: &Host) -> Result<Selection, SelectError> {
    select(h, &Options::default())
}

#[test]
fn requests_parse() {
    let v = |s: &str| Request::Exact(Version::parse(s).expect("v"));
    assert_eq!(Request::parse("1.22.10"), Some(v("1.22.10")));
    assert_eq!(Request::parse(" go1.22.10\n"), Some(v("1.22.10")));
    assert_eq!(Request::parse("1.21rc2"), Some(v("1.21rc2")));
    assert_eq!(
        Request::parse("1.22"),
        Some(Request::Series {
            major: "1".into(),
            minor: "22".into()
        })
    );
    assert_eq!(
        Request::parse("go1.20"),
        Some(Request::Series {
            major: "1".into(),
            minor: "20".into()
        }),
        "1.20 is a series too, though Go reads it as 1.20.0"
    );
    assert_eq!(
        Request::parse("go1.22.10-amd64"),
        Some(Request::Name("go1.22.10-amd64".into()))
    );
    assert_eq!(Request::parse("system"), Some(Request::System));
    assert_eq!(Request::parse("../x"), None);
    assert_eq!(Request::parse(""), None);
}

#[test]
fn precedence_env_file_mod_toolversions_default() {
    let r = Root::new();
    for n in [
        "go1.21.13",
        "go1.22.10",
        "go1.22.3",
        "go1.24.11",
        "go1.27.3",
    ] {
        r.install(n);
    }
    let h = r.host();
    // Nothing: no selection, the next go on PATH.
    assert_eq!(chosen(sel(&h)), ("system".into(), Source::Unset));

    r.write("/home/u/.local/share/groot/default", "go1.21.13\n");
    assert_eq!(
        chosen(sel(&h)).1,
        Source::Default {
            path: "/home/u/.local/share/groot/default".into()
        }
    );

    r.write(
        "/home/u/proj/.tool-versions",
        "nodejs 20.1.0\n# go\ngolang 1.99.0 1.22.3 # fallback\n",
    );
    assert_eq!(
        chosen(sel(&h)),
        (
            "go1.22.3".into(),
            Source::ToolVersions {
                path: "/home/u/proj/.tool-versions".into(),
                line: 3
            }
        ),
        "asdf falls back to the next listed version"
    );

    r.write(
        "/home/u/proj/go.mod",
        "module x\n\ngo 1.22\n\ntoolchain go1.24.11\n",
    );
    assert_eq!(
        chosen(sel(&h)),
        (
            "go1.24.11".into(),
            Source::ModFile {
                path: "/home/u/proj/go.mod".into(),
                line: 5,
                key: "toolchain"
            }
        )
    );

    r.write("/home/u/proj/sub/.go-version", "# pinned\ngo1.27.3\n");
    assert_eq!(
        chosen(sel(&h)),
        (
            "go1.27.3".into(),
            Source::GoVersionFile {
                path: "/home/u/proj/sub/.go-version".into(),
                line: 2
            }
        )
    );

    let e = h.clone().with_var("GROOT_GO_VERSION", "1.22");
    assert_eq!(
        chosen(sel(&e)),
        ("go1.22.10".into(), Source::Env),
        "a series picks its newest patch"
    );
    // An explicit request that is not installed is an error, not a fallback.
    let e = h.clone().with_var("GROOT_GO_VERSION", "1.23.1");
    let err = sel(&e).expect_err("not installed");
    assert!(matches!(err, SelectError::NotInstalled { .. }), "{err}");
    assert!(
        err.to_string().contains("go1.23.1 is not installed"),
        "{err}"
    );
    assert!(
        err.hint()
            .is_some_and(|h| h.contains("groot install 1.23.1")),
        "{:?}",
        err.hint()
    );
    let e = h.clone().with_var("GROOT_GO_VERSION", "not/a/version");
    assert!(matches!(sel(&e), Err(SelectError::Invalid { .. })));
    let e = h.with_var("GROOT_GO_VERSION", "system");
    assert_eq!(chosen(sel(&e)), ("system".into(), Source::Env));
}

#[test]
fn go_line_is_a_minimum() {
    let r = Root::new();
    for n in ["go1.21.13", "go1.22.3", "go1.22.10", "go1.24.11"] {
        r.install(n);
    }
    let h = r.host();
    r.write("/home/u/.local/share/groot/default", "go1.24.11\n");
    r.write("/home/u/proj/go.mod", "module x\ngo 1.22\n");
    // The default satisfies go >= 1.22.0: kept.
    assert_eq!(chosen(sel(&h)).0, "go1.24.11");
    // An older default does not: the lowest series that does, newest patch.
    r.write("/home/u/.local/share/groot/default", "go1.21.13\n");
    assert_eq!(
        chosen(sel(&h)),
        (
            "go1.22.10".into(),
            Source::ModFile {
                path: "/home/u/proj/go.mod".into(),
                line: 2,
                key: "go"
            }
        )
    );
    // A toolchain line that is not installed is a minimum as well.
    r.write(
        "/home/u/proj/go.mod",
        "module x\ngo 1.21\ntoolchain go1.22.5\n",
    );
    assert_eq!(chosen(sel(&h)).0, "go1.22.10");
    // go.work wins over go.mod, as in cmd/go; GOWORK=off turns it off.
    r.write("/home/u/proj/sub/go.work", "go 1.24.0\n");
    assert_eq!(chosen(sel(&h)).0, "go1.24.11");
    assert_eq!(
        chosen(sel(&h.clone().with_var("GOWORK", "off"))).0,
        "go1.22.10"
    );
    // Nothing new enough: the lower selection stays, with a note.
    r.write("/home/u/proj/sub/go.work", "go 1.30\n");
    let s = sel(&h).expect("selection");
    assert_eq!(s.toolchain.map(|t| t.name).as_deref(), Some("go1.21.13"));
    assert_eq!(s.notes.len(), 1);
    assert_eq!(s.notes[0].code, "mod-minimum-unmet");
    assert!(s.notes[0].message.contains("go >= 1.30.0"), "{:?}", s.notes);
    // `toolchain default` means no toolchain line.
    r.write("/home/u/proj/sub/go.work", "go 1.21\ntoolchain default\n");
    assert_eq!(chosen(sel(&h)).0, "go1.21.13");
}

#[test]
fn only_complete_toolchains_count() {
    let r = Root::new();
    r.install("go1.22.10");
    r.install("go1.22.11");
    // An interrupted install: no completion marker.
    std::fs::remove_file(r.real(&format!("{STORE}/go1.22.11/{COMPLETE_MARKER}"))).expect("rm");
    // Not a GOROOT: no pkg/tool.
    r.install("go1.22.12");
    std::fs::remove_dir_all(r.real(&format!("{STORE}/go1.22.12/pkg"))).expect("rm");
    // Another architecture's build is not picked for a version, only by its name.
    r.install("go1.22.13-arm64");
    let h = r.host().with_var("GROOT_GO_VERSION", "1.22");
    assert_eq!(chosen(sel(&h)).0, "go1.22.10");
    let names: Vec<String> = installed(&h).into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["go1.22.13-arm64", "go1.22.10"]);
    let h = h.with_var("GROOT_GO_VERSION", "go1.22.13-arm64");
    assert_eq!(chosen(sel(&h)).0, "go1.22.13-arm64");
    let h = h.with_var("GROOT_GO_VERSION", "1.22.11");
    assert!(matches!(sel(&h), Err(SelectError::NotInstalled { .. })));
}

#[test]
fn linked_toolchains() {
    let r = Root::new();
    r.write("/opt/mygo/bin/go", "");
    r.write("/opt/mygo/VERSION", "go1.23.4\ntime 2024\n");
    r.write(&format!("{STORE}/mygo.link"), "/opt/mygo\n");
    r.write(&format!("{STORE}/gone.link"), "/opt/gone\n");
    let h = r.host().with_var("GROOT_GO_VERSION", "mygo");
    let s = sel(&h).expect("linked");
    let t = s.toolchain.expect("toolchain");
    assert!(t.linked);
    assert_eq!(t.root, Path::new("/opt/mygo"));
    assert_eq!(t.label(), "mygo (1.23.4)");
    let h = h.with_var("GROOT_GO_VERSION", "1.23");
    assert_eq!(chosen(sel(&h)).0, "mygo", "a linked Go matches its version");
    let h = h.with_var("GROOT_GO_VERSION", "gone");
    assert!(
        sel(&h).is_err(),
        "a link to a missing GOROOT is not installed"
    );
}

#[test]
fn version_file_forms() {
    let r = Root::new();
    r.install("go1.22.10");
    let h = r.host();
    for text in [
        "1.22.10\n",
        "go1.22.10",
        "\n\n  1.22.10  \n",
        "1.22\n",
        "1.22.10 1.21.0\n",
    ] {
        r.write("/home/u/proj/.go-version", text);
        assert_eq!(chosen(sel(&h)).0, "go1.22.10", "{text:?}");
    }
    // An empty .go-version selects nothing and the walk goes on.
    r.write("/home/u/proj/.go-version", "\n");
    r.write("/home/u/.go-version", "1.22.10\n");
    assert_eq!(
        chosen(sel(&h)).1,
        Source::GoVersionFile {
            path: "/home/u/.go-version".into(),
            line: 1
        }
    );
}

#[test]
fn default_and_current_link() {
    let r = Root::new();
    r.install("go1.22.10");
    let h = r.host();
    let t = resolve_request(&h, "1.22", Source::Env)
        .expect("resolves")
        .toolchain
        .expect("toolchain");
    assert_eq!(apply_default(&h, Some(&t)).expect("writes"), None);
    let home = r.real("/home/u/.local/share/groot");
    assert_eq!(
        std::fs::read_to_string(home.join("default")).expect("default"),
        "go1.22.10\n"
    );
    assert!(home.join("current/bin/go").is_file());
    assert_eq!(chosen(sel(&h)).0, "go1.22.10");
    apply_default(&h, None).expect("unset");
    assert!(!home.join("default").exists());
    assert_eq!(chosen(sel(&h)).1, Source::Unset);
}
