//! Discovery on fake hosts: trees laid out in a temp root, a fake binary table.

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use super::*;
use crate::fs::Fs;
use crate::home::groot_home;
use crate::resolve::{explain, Request};
use crate::toolchain::{fake_official, FakeInspector, GoBinary, Stamped};

/// The fake table, plus what the real reader does with a `#!` file.
#[derive(Debug, Default)]
struct Inspector(FakeInspector);

impl Inspect for Inspector {
    fn inspect(&self, fs: &Fs, path: &Path) -> Result<GoBinary, InspectError> {
        if let Ok(data) = fs.read(path) {
            if let Some(rest) = data.strip_prefix(b"#!") {
                let line = rest.split(|&b| b == b'\n').next().unwrap_or(rest);
                return Err(InspectError::Script {
                    path: path.to_path_buf(),
                    interpreter: String::from_utf8_lossy(line).trim().to_owned(),
                });
            }
        }
        self.0.inspect(fs, path)
    }
}

struct World {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    inspector: Inspector,
}

fn bin(version: &str, goos: &str, goarch: &str) -> GoBinary {
    GoBinary {
        goos: Some(goos.into()),
        goarch: Some(goarch.into()),
        archs: vec![goarch.into()],
        ..fake_official(version)
    }
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().to_path_buf();
        World {
            _tmp: tmp,
            root,
            inspector: Inspector::default(),
        }
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

    fn link(&self, target: &str, logical: &str) {
        let p = self.real(logical);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        symlink(target, p).expect("symlink");
    }

    /// A complete Go tree whose `bin/go` (`bin/go.exe` for windows binaries) is `b`.
    fn tree(&mut self, root: &str, b: GoBinary) {
        self.bare_tree(root, &b.version.raw.clone(), &b.target().expect("target"));
        let exe = if b.goos.as_deref() == Some("windows") {
            "go.exe"
        } else {
            "go"
        };
        self.exe(&format!("{root}/bin/{exe}"), b);
    }

    /// A tree without `bin/go`.
    fn bare_tree(&self, root: &str, version: &str, target: &str) {
        self.mkdir(&format!("{root}/pkg/tool/{target}"));
        self.mkdir(&format!("{root}/src"));
        self.write(
            &format!("{root}/VERSION"),
            &format!("{version}\ntime 2024-01-01T00:00:00Z\n"),
        );
        self.write(&format!("{root}/go.env"), "GOTOOLCHAIN=auto\n");
    }

    fn exe(&mut self, logical: &str, b: GoBinary) {
        self.write_exe(logical, &format!("fake {}", b.version.raw));
        let table = std::mem::take(&mut self.inspector.0).with(logical, b);
        self.inspector.0 = table;
    }

    fn write_exe(&self, logical: &str, text: &str) {
        self.write(logical, text);
        std::fs::set_permissions(self.real(logical), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }

    fn host(&self, os: Os) -> Host {
        let home = if os == Os::MacOs {
            "/Users/u"
        } else {
            "/home/u"
        };
        Host::fake(&self.root, os)
            .with_var(
                if os == Os::Windows {
                    "USERPROFILE"
                } else {
                    "HOME"
                },
                home,
            )
            .with_var("GOPROXY", "off")
            .with_cwd(home)
    }

    fn discover(&self, host: &Host) -> Inventory {
        let ex = explain(host, &self.inspector, &Request::default());
        discover(host, &self.inspector, Some(&ex))
    }
}

fn kinds(i: &Install) -> Vec<SourceKind> {
    i.sources.iter().map(|s| s.kind).collect()
}

fn roots(inv: &Inventory) -> Vec<String> {
    inv.installs
        .iter()
        .map(|i| i.root.display().to_string())
        .collect()
}

fn install<'a>(inv: &'a Inventory, root: &str) -> &'a Install {
    inv.find(Path::new(root))
        .unwrap_or_else(|| panic!("no install at {root}; have {:?}", roots(inv)))
}

fn rejected<'a>(inv: &'a Inventory, path: &str) -> &'a Rejected {
    inv.rejected
        .iter()
        .find(|r| r.path == Path::new(path))
        .unwrap_or_else(|| panic!("{path} not rejected; rejected: {:#?}", inv.rejected))
}

fn codes(i: &Install) -> Vec<&'static str> {
    i.health.problems.iter().map(|p| p.code).collect()
}

#[test]
fn debian_package_reached_three_ways_is_one_install() {
    let mut w = World::new();
    w.tree("/usr/lib/go-1.22", bin("go1.22.2", "linux", "amd64"));
    w.link("../lib/go-1.22/bin/go", "/usr/bin/go");
    w.link("go-1.22", "/usr/lib/go");
    let host = w
        .host(Os::Linux)
        .with_var("PATH", "/usr/local/bin:/usr/bin");
    let inv = w.discover(&host);
    assert_eq!(roots(&inv), ["/usr/lib/go-1.22"]);
    let i = &inv.installs[0];
    assert_eq!(
        kinds(i),
        [SourceKind::Path, SourceKind::Distro, SourceKind::Distro]
    );
    assert_eq!(
        i.paths,
        [
            PathBuf::from("/usr/bin/go"),
            PathBuf::from("/usr/lib/go-1.22"),
            PathBuf::from("/usr/lib/go")
        ]
    );
    assert_eq!(i.sources[0].index, Some(1));
    assert_eq!(i.sources[0].detail, "PATH entry 2 (/usr/bin), runs first");
    assert_eq!(i.sources[1].detail, "/usr/lib/go-*");
    assert_eq!(i.version.as_deref(), Some("go1.22.2"));
    assert_eq!(i.version_origin, Some(VersionOrigin::Binary));
    assert_eq!(
        (i.goos.as_deref(), i.goarch.as_deref()),
        (Some("linux"), Some("amd64"))
    );
    assert_eq!(i.go, Some(PathBuf::from("/usr/lib/go-1.22/bin/go")));
    assert!(i.health.is_ok(), "{:?}", i.health);
    assert!(i.active);
    assert!(inv.rejected.is_empty(), "{:?}", inv.rejected);
    let distro: Vec<_> = inv
        .searched
        .iter()
        .filter(|p| p.kind == SourceKind::Distro)
        .map(|p| (p.place.as_str(), p.status))
        .collect();
    assert_eq!(
        distro,
        [
            ("/usr/lib/go-*", SearchStatus::Searched),
            ("/usr/lib/golang", SearchStatus::Absent),
            ("/usr/lib/go", SearchStatus::Searched),
            ("/usr/lib64/go/*", SearchStatus::Absent),
        ]
    );
}

#[test]
fn fedora_alternatives_arch_and_official_with_shadowing() {
    let mut w = World::new();
    w.tree("/usr/lib/golang", bin("go1.21.9", "linux", "amd64"));
    w.link("/etc/alternatives/go", "/usr/bin/go");
    w.link("/usr/lib/golang/bin/go", "/etc/alternatives/go");
    w.tree("/usr/local/go", bin("go1.23.1", "linux", "amd64"));
    let host = w
        .host(Os::Linux)
        .with_var("PATH", "/usr/bin:/usr/local/go/bin");
    let inv = w.discover(&host);
    assert_eq!(roots(&inv), ["/usr/lib/golang", "/usr/local/go"]);
    let fedora = install(&inv, "/usr/lib/golang");
    assert_eq!(kinds(fedora), [SourceKind::Path, SourceKind::Distro]);
    assert!(fedora.active);
    let official = install(&inv, "/usr/local/go");
    assert_eq!(kinds(official), [SourceKind::Path, SourceKind::Official]);
    assert!(official.sources[0]
        .detail
        .ends_with("shadowed by an earlier entry"));
    assert!(!official.active);
    assert_eq!(
        inv.active().map(|i| i.root.clone()),
        Some("/usr/lib/golang".into())
    );
}

#[test]
fn path_rejects_shims_dangling_links_directories_and_unexecutables() {
    let mut w = World::new();
    w.tree(
        "/home/u/.asdf/installs/golang/1.22.3/go",
        bin("go1.22.3", "linux", "amd64"),
    );
    w.write_exe(
        "/home/u/.asdf/shims/go",
        "#!/usr/bin/env bash\nexec asdf exec go \"$@\"\n",
    );
    w.link("/nowhere/go", "/a/go");
    w.mkdir("/b/go");
    w.write("/c/go", "not executable");
    w.write_exe("/d/go", "\x7fELF but not go");
    let host = w
        .host(Os::Linux)
        .with_var("PATH", "/home/u/.asdf/shims:/a:/b:/c:/d");
    let inv = w.discover(&host);
    assert_eq!(roots(&inv), ["/home/u/.asdf/installs/golang/1.22.3/go"]);
    let asdf = &inv.installs[0];
    assert_eq!(kinds(asdf), [SourceKind::Asdf]);
    let shim = rejected(&inv, "/home/u/.asdf/shims/go");
    assert_eq!(shim.kind, RejectKind::Script);
    assert!(shim.reason.contains("/usr/bin/env bash"), "{}", shim.reason);
    assert_eq!(shim.source.index, Some(0));
    assert_eq!(rejected(&inv, "/a/go").kind, RejectKind::DanglingLink);
    assert_eq!(rejected(&inv, "/b/go").kind, RejectKind::NotAFile);
    assert_eq!(rejected(&inv, "/c/go").kind, RejectKind::NotExecutable);
    assert_eq!(rejected(&inv, "/d/go").kind, RejectKind::NotGo);
    // The shim runs, but it is not a Go tree: nothing is marked active.
    assert!(inv.active().is_none());
}

#[test]
fn goroot_variable_and_go_env_file() {
    let mut w = World::new();
    w.tree("/opt/go", bin("go1.22.5", "linux", "amd64"));
    w.tree("/usr/local/go", bin("go1.23.1", "linux", "amd64"));
    w.write(
        "/home/u/.config/go/env",
        "GOTOOLCHAIN=local\nGOROOT=/usr/local/go\nGOROOT=/stale/go\n",
    );
    let host = w
        .host(Os::Linux)
        .with_var("PATH", "/usr/local/go/bin")
        .with_var("GOROOT", "/opt/go");
    let inv = w.discover(&host);
    let opt = install(&inv, "/opt/go");
    assert_eq!(kinds(opt), [SourceKind::GorootEnv]);
    assert_eq!(opt.sources[0].detail, "$GOROOT");
    // The go on PATH runs, but with GOROOT set it ends with /opt/go.
    assert!(opt.active);
    assert!(!install(&inv, "/usr/local/go").active);
    let stale = rejected(&inv, "/stale/go");
    assert_eq!(stale.kind, RejectKind::Missing);
    assert_eq!(stale.source.kind, SourceKind::GoEnvFile);
    assert_eq!(stale.source.line, Some(3), "the last line wins");
    assert_eq!(
        stale.source.file.as_deref(),
        Some(Path::new("/home/u/.config/go/env"))
    );
    assert_eq!(stale.source.detail, "/home/u/.config/go/env:3");

    let off = w
        .host(Os::Linux)
        .with_var("GOENV", "off")
        .with_var("PATH", "/usr/local/go/bin");
    let inv = w.discover(&off);
    let place = inv
        .searched
        .iter()
        .find(|p| p.kind == SourceKind::GoEnvFile)
        .expect("recorded");
    assert_eq!(place.status, SearchStatus::NotSet);
    assert_eq!(place.note.as_deref(), Some("GOENV=off"));
    assert!(inv.rejected.is_empty(), "{:?}", inv.rejected);
}

#[test]
fn macos_official_homebrew_and_macports() {
    let mut w = World::new();
    w.tree("/usr/local/go", bin("go1.23.1", "darwin", "arm64"));
    w.tree(
        "/opt/homebrew/Cellar/go/1.23.2/libexec",
        bin("go1.23.2", "darwin", "arm64"),
    );
    w.link("../libexec/bin/go", "/opt/homebrew/Cellar/go/1.23.2/bin/go");
    w.link("../Cellar/go/1.23.2/bin/go", "/opt/homebrew/bin/go");
    w.link("../Cellar/go/1.23.2", "/opt/homebrew/opt/go");
    w.tree(
        "/opt/homebrew/Cellar/go@1.21/1.21.13/libexec",
        bin("go1.21.13", "darwin", "arm64"),
    );
    w.tree(
        "/usr/local/Cellar/go/1.22.0/libexec",
        bin("go1.22.0", "darwin", "amd64"),
    );
    w.tree("/opt/local/lib/go", bin("go1.16.2", "darwin", "arm64"));
    let host = w
        .host(Os::MacOs)
        .with_arch("arm64")
        .with_var("PATH", "/opt/homebrew/bin:/usr/bin:/usr/local/go/bin");
    let inv = w.discover(&host);
    assert_eq!(
        roots(&inv),
        [
            "/opt/homebrew/Cellar/go/1.23.2/libexec",
            "/usr/local/go",
            "/opt/homebrew/Cellar/go@1.21/1.21.13/libexec",
            "/usr/local/Cellar/go/1.22.0/libexec",
            "/opt/local/lib/go",
        ]
    );
    let brew = &inv.installs[0];
    assert_eq!(kinds(brew), [SourceKind::Path, SourceKind::Homebrew]);
    assert!(brew.active);
    assert_eq!(brew.sources[1].detail, "/opt/homebrew/Cellar/go/*");
    assert_eq!(
        kinds(&inv.installs[1]),
        [SourceKind::Path, SourceKind::Official]
    );
    let intel = &inv.installs[3];
    assert_eq!(codes(intel), ["foreign_arch"]);
    assert!(intel.health.problems[0].message.contains("Rosetta"));
    assert_eq!(kinds(&inv.installs[4]), [SourceKind::Macports]);
    // go.env is not required before 1.21, so the MacPorts tree is healthy.
    assert!(
        inv.installs[4].health.is_ok(),
        "{:?}",
        inv.installs[4].health
    );
}

#[test]
fn windows_program_files_sdk_and_path() {
    let mut w = World::new();
    w.tree("/Program Files/Go", bin("go1.23.1", "windows", "amd64"));
    w.tree("/Users/u/sdk/go1.22.0", bin("go1.22.0", "windows", "amd64"));
    w.write("/Users/u/sdk/go1.22.0/.unpacked-success", "");
    w.tree("/Go", bin("go1.15.15", "windows", "amd64"));
    let host = Host::fake(&w.root, Os::Windows)
        .with_var("USERPROFILE", "/Users/u")
        .with_var("ProgramFiles", "/Program Files")
        .with_var("SystemDrive", "/")
        .with_var("PATH", "/Program Files/Go/bin")
        .with_var("PATHEXT", ".COM;.EXE");
    let inv = w.discover(&host);
    assert_eq!(
        roots(&inv),
        ["/Program Files/Go", "/Go", "/Users/u/sdk/go1.22.0"]
    );
    let msi = &inv.installs[0];
    assert_eq!(kinds(msi), [SourceKind::Path, SourceKind::Official]);
    assert_eq!(msi.paths[0], PathBuf::from("/Program Files/Go/bin/go.exe"));
    assert_eq!(msi.go, Some(PathBuf::from("/Program Files/Go/bin/go.exe")));
    assert!(msi.active);
    assert!(msi.health.is_ok(), "{:?}", msi.health);
    assert_eq!(inv.installs[1].sources[0].detail, r"%SystemDrive%\Go");
    assert_eq!(kinds(&inv.installs[2]), [SourceKind::Sdk]);
    assert!(
        inv.installs[2].health.is_ok(),
        "{:?}",
        inv.installs[2].health
    );
}

#[test]
fn windows_defaults_do_not_resolve_on_a_fake_root() {
    let w = World::new();
    let host = Host::fake(&w.root, Os::Windows);
    let inv = discover(&host, &w.inspector, None);
    assert!(inv.installs.is_empty() && inv.rejected.is_empty());
    let official: Vec<_> = inv
        .searched
        .iter()
        .filter(|p| p.kind == SourceKind::Official)
        .map(|p| p.status)
        .collect();
    assert_eq!(official, [SearchStatus::Absent, SearchStatus::Absent]);
}

#[test]
fn snap_revisions_current_link_and_launcher() {
    let mut w = World::new();
    w.tree("/snap/go/10585", bin("go1.23.1", "linux", "amd64"));
    w.link("10585", "/snap/go/current");
    w.write_exe("/usr/bin/snap", "\x7fELF snapd");
    w.link("/usr/bin/snap", "/snap/bin/go");
    let host = w.host(Os::Linux).with_var("PATH", "/snap/bin");
    let inv = w.discover(&host);
    assert_eq!(roots(&inv), ["/snap/go/10585"]);
    let snap = &inv.installs[0];
    assert_eq!(
        kinds(snap),
        [SourceKind::Path, SourceKind::Snap, SourceKind::Snap]
    );
    assert_eq!(
        snap.paths,
        [
            PathBuf::from("/snap/bin/go"),
            PathBuf::from("/snap/go/10585"),
            PathBuf::from("/snap/go/current")
        ]
    );
    assert!(inv.rejected.is_empty(), "{:?}", inv.rejected);
}

#[test]
fn version_managers_and_groot() {
    let mut w = World::new();
    let amd = |v: &str| bin(v, "linux", "amd64");
    w.tree("/home/u/sdk/go1.22.0", amd("go1.22.0"));
    w.write("/home/u/sdk/go1.22.0/.unpacked-success", "");
    w.tree("/home/u/sdk/go1.21.0", amd("go1.21.0"));
    w.write(
        "/home/u/sdk/go1.21.0/go1.21.0.linux-amd64.tar.gz",
        "partial",
    );
    // A release tarball unpacked by hand: no marker, no archive, a complete tree.
    w.tree("/home/u/sdk/go1.26.6", amd("go1.26.6"));
    w.tree("/home/u/.goenv/versions/1.20.1", amd("go1.20.1"));
    w.tree("/home/u/.g/versions/1.19.3", amd("go1.19.3"));
    w.link("/home/u/.g/versions/1.19.3", "/home/u/.g/go");
    w.tree("/home/u/.gvm/gos/go1.18", amd("go1.18"));
    w.tree("/home/u/.asdf/installs/golang/1.22.3/go", amd("go1.22.3"));
    w.mkdir("/home/u/.asdf/installs/golang/1.22.3/packages");
    w.tree(
        "/home/u/.local/share/mise/installs/go/1.23.0",
        amd("go1.23.0"),
    );
    w.link("1.23.0", "/home/u/.local/share/mise/installs/go/1.23");
    w.tree(
        "/home/u/.local/share/mise/installs/go/1.21.5/go",
        amd("go1.21.5"),
    );
    w.tree(
        "/home/u/.local/share/groot/toolchains/go1.24.0",
        amd("go1.24.0"),
    );
    let host = w.host(Os::Linux);
    let inv = w.discover(&host);
    let expect = [
        ("/home/u/sdk/go1.21.0", SourceKind::Sdk),
        ("/home/u/sdk/go1.22.0", SourceKind::Sdk),
        ("/home/u/sdk/go1.26.6", SourceKind::Sdk),
        ("/home/u/.goenv/versions/1.20.1", SourceKind::Goenv),
        ("/home/u/.g/versions/1.19.3", SourceKind::G),
        ("/home/u/.gvm/gos/go1.18", SourceKind::Gvm),
        ("/home/u/.asdf/installs/golang/1.22.3/go", SourceKind::Asdf),
        (
            "/home/u/.local/share/mise/installs/go/1.21.5/go",
            SourceKind::Mise,
        ),
        (
            "/home/u/.local/share/mise/installs/go/1.23.0",
            SourceKind::Mise,
        ),
        (
            "/home/u/.local/share/groot/toolchains/go1.24.0",
            SourceKind::Groot,
        ),
    ];
    assert_eq!(
        roots(&inv),
        expect
            .iter()
            .map(|(r, _)| r.to_string())
            .collect::<Vec<_>>()
    );
    for (root, kind) in expect {
        assert!(install(&inv, root).has_source(kind), "{root}: {kind}");
    }
    assert_eq!(
        codes(install(&inv, "/home/u/sdk/go1.21.0")),
        ["incomplete_download"]
    );
    assert!(install(&inv, "/home/u/sdk/go1.22.0").health.is_ok());
    assert!(install(&inv, "/home/u/sdk/go1.26.6").health.is_ok());
    // g's current link and mise's alias are more routes, not more installs.
    assert_eq!(
        kinds(install(&inv, "/home/u/.g/versions/1.19.3")),
        [SourceKind::G, SourceKind::G]
    );
    assert_eq!(
        install(&inv, "/home/u/.local/share/mise/installs/go/1.23.0").paths,
        [
            PathBuf::from("/home/u/.local/share/mise/installs/go/1.23"),
            PathBuf::from("/home/u/.local/share/mise/installs/go/1.23.0"),
        ]
    );
    assert!(inv.rejected.is_empty(), "{:?}", inv.rejected);

    // Variables move the managers' directories.
    let moved = w
        .host(Os::Linux)
        .with_var("GOENV_ROOT", "/opt/goenv")
        .with_var("GROOT_HOME", "/opt/groot");
    w.tree("/opt/goenv/versions/1.17.13", amd("go1.17.13"));
    w.tree("/opt/groot/toolchains/go1.24.1", amd("go1.24.1"));
    let inv = w.discover(&moved);
    assert!(install(&inv, "/opt/goenv/versions/1.17.13").has_source(SourceKind::Goenv));
    assert!(install(&inv, "/opt/groot/toolchains/go1.24.1").has_source(SourceKind::Groot));
    assert!(inv
        .find(Path::new("/home/u/.goenv/versions/1.20.1"))
        .is_none());
}

#[test]
fn groot_home_per_os() {
    let linux = Host::fake("/r", Os::Linux).with_var("HOME", "/home/u");
    assert_eq!(
        groot_home(&linux),
        Some(PathBuf::from("/home/u/.local/share/groot"))
    );
    let xdg = linux.clone().with_var("XDG_DATA_HOME", "/data");
    assert_eq!(groot_home(&xdg), Some(PathBuf::from("/data/groot")));
    let relative_xdg = linux.clone().with_var("XDG_DATA_HOME", "data");
    assert_eq!(
        groot_home(&relative_xdg),
        Some(PathBuf::from("/home/u/.local/share/groot"))
    );
    let own = xdg.clone().with_var("GROOT_HOME", "/g").with_cwd("/w");
    assert_eq!(groot_home(&own), Some(PathBuf::from("/g")));
    let rel = own.clone().with_var("GROOT_HOME", "g");
    assert_eq!(groot_home(&rel), Some(PathBuf::from("/w/g")));
    let mac = Host::fake("/r", Os::MacOs).with_var("HOME", "/Users/u");
    assert_eq!(
        groot_home(&mac),
        Some(PathBuf::from("/Users/u/.local/share/groot"))
    );
    let win = Host::fake("/r", Os::Windows).with_var("LocalAppData", "/AppData/Local");
    assert_eq!(
        groot_home(&win),
        Some(PathBuf::from("/AppData/Local/groot"))
    );
    assert_eq!(
        crate::home::Layout::of(&win).map(|l| l.toolchains()),
        Some(PathBuf::from("/AppData/Local/groot/toolchains"))
    );
    // Without LocalAppData, the profile's AppData\Local: where the installer puts toolchains
    // (`dist::Settings::from_env`), so listing and shims find them there too.
    let profile = Host::fake("/r", Os::Windows).with_var("USERPROFILE", "/Users/u");
    let expected = PathBuf::from("/Users/u")
        .join("AppData")
        .join("Local")
        .join("groot");
    assert_eq!(groot_home(&profile), Some(expected.clone()));
    let settings = crate::dist::Settings::from_env(
        |k| profile.var_os(k).map(std::ffi::OsString::from),
        "windows",
        crate::dist::Platform::new("windows", "amd64"),
    )
    .expect("settings");
    assert_eq!(settings.home, expected);
    assert_eq!(groot_home(&Host::fake("/r", Os::Linux)), None);
    assert_eq!(groot_home(&Host::fake("/r", Os::Windows)), None);
}

#[test]
fn module_cache_location() {
    let w = World::new();
    let host = w.host(Os::Linux);
    let at = |h: &Host| module_cache(h).map(|(p, from)| (p.display().to_string(), from));
    assert_eq!(
        at(&host),
        Some(("/home/u/go/pkg/mod".to_owned(), "~/go".to_owned()))
    );
    let gopath = host.clone().with_var("GOPATH", ":/gp1:/gp2");
    assert_eq!(
        at(&gopath),
        Some(("/gp1/pkg/mod".to_owned(), "$GOPATH".to_owned()))
    );
    let explicit = gopath.clone().with_var("GOMODCACHE", "/cache");
    assert_eq!(
        at(&explicit),
        Some(("/cache".to_owned(), "$GOMODCACHE".to_owned()))
    );
    w.write("/home/u/.config/go/env", "GOMODCACHE=/from/file\n");
    assert_eq!(
        at(&host),
        Some((
            "/from/file".to_owned(),
            "/home/u/.config/go/env:1".to_owned()
        ))
    );
    assert_eq!(
        at(&explicit).map(|(p, _)| p),
        Some("/cache".to_owned()),
        "the environment beats the file"
    );
}

#[test]
fn module_cache_toolchains() {
    let mut w = World::new();
    let mc = "/gp/pkg/mod/golang.org";
    w.tree(
        &format!("{mc}/toolchain@v0.0.1-go1.23.4.linux-amd64"),
        bin("go1.23.4", "linux", "amd64"),
    );
    w.tree(
        &format!("{mc}/toolchain@v0.0.1-go1.22.0.linux-amd64"),
        bin("go1.22.0", "linux", "amd64"),
    );
    let dl = "/gp/pkg/mod/cache/download/golang.org/toolchain/@v";
    w.write(&format!("{dl}/v0.0.1-go1.22.0.linux-amd64.partial"), "");
    w.write(&format!("{dl}/v0.0.1-go1.23.4.linux-amd64.ziphash"), "h1:x");
    w.write(&format!("{dl}/v0.0.1-go1.21.0.linux-arm64.ziphash"), "h1:x");
    w.tree(
        &format!("{mc}/toolchain@v0.0.1-go1.24.0.linux-amd64"),
        bin("go1.24.0", "linux", "amd64"),
    );
    w.tree(
        &format!("{mc}/toolchain@v0.0.1-go1.21.0.linux-arm64"),
        bin("go1.21.1", "linux", "amd64"),
    );
    w.mkdir(&format!("{mc}/x"));
    w.mkdir("/gp/pkg/mod/golang.org/x/text@v0.14.0");
    let host = w.host(Os::Linux).with_var("GOPATH", "/gp");
    let inv = w.discover(&host);
    assert_eq!(inv.installs.len(), 4, "{:?}", roots(&inv));
    for i in &inv.installs {
        assert_eq!(kinds(i), [SourceKind::ModuleCache]);
        assert!(i.sources[0].detail.ends_with("(module cache from $GOPATH)"));
    }
    let good = install(&inv, &format!("{mc}/toolchain@v0.0.1-go1.23.4.linux-amd64"));
    assert!(good.health.is_ok(), "{:?}", good.health);
    let partial = install(&inv, &format!("{mc}/toolchain@v0.0.1-go1.22.0.linux-amd64"));
    assert_eq!(codes(partial), ["incomplete_download"]);
    let odd = install(&inv, &format!("{mc}/toolchain@v0.0.1-go1.21.0.linux-arm64"));
    // Named for go1.21.0 linux/arm64, holding go1.21.1 linux/amd64: both are reported.
    assert_eq!(codes(odd), ["name_mismatch", "name_mismatch"]);
    assert!(odd.health.problems[0].message.contains("go1.21.0"));
    assert!(odd.health.problems[1].message.contains("linux/arm64"));
    let unhashed = install(&inv, &format!("{mc}/toolchain@v0.0.1-go1.24.0.linux-amd64"));
    assert_eq!(codes(unhashed), ["incomplete_download"]);
    assert!(unhashed.health.problems[0].message.contains("ziphash"));
    assert!(inv.rejected.is_empty(), "{:?}", inv.rejected);
}

#[test]
fn bad_input_becomes_rejections_and_health_problems() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let mut w = World::new();
    // A symlink loop, a dangling link and an empty directory among versions.
    w.link("go1.99.0", "/home/u/sdk/go1.99.0");
    w.link("/gone", "/home/u/.goenv/versions/1.20.0");
    w.mkdir("/home/u/.goenv/versions/empty");
    w.write(
        "/home/u/.goenv/versions/notes.txt",
        "a plain file is skipped",
    );
    w.write(
        "/home/u/.goenv/versions/.DS_Store",
        "hidden names are skipped",
    );
    // A tree under a non-UTF-8 name.
    let odd = OsStr::from_bytes(b"go\xff\xfe");
    let odd_root = Path::new("/home/u/.gvm/gos").join(odd);
    let odd_logical = odd_root.to_str().map(str::to_owned);
    assert!(odd_logical.is_none());
    std::fs::create_dir_all(
        w.root
            .join("home/u/.gvm/gos")
            .join(odd)
            .join("pkg/tool/linux_amd64"),
    )
    .expect("mkdir");
    // A garbage VERSION and no binary.
    w.bare_tree("/usr/lib/go-1.99", "\u{0}\u{1}garbage", "linux_amd64");
    // bin/go is a script.
    w.bare_tree("/usr/lib/go-1.20", "go1.20.14", "linux_amd64");
    w.write_exe("/usr/lib/go-1.20/bin/go", "#!/bin/sh\necho go\n");
    // VERSION disagrees with the binary.
    w.tree("/usr/local/go", bin("go1.22.1", "linux", "amd64"));
    w.write("/usr/local/go/VERSION", "go1.21.0\n");
    // ~/.asdf/installs/golang is a file, not a directory.
    w.write("/home/u/.asdf/installs/golang", "oops");
    // GOROOT names a file.
    w.write("/etc/goroot", "");
    let host = w
        .host(Os::Linux)
        .with_var("GOROOT", "/etc/goroot")
        .with_var("PATH", "/usr/local/go/bin");
    let inv = w.discover(&host);

    assert_eq!(
        rejected(&inv, "/home/u/sdk/go1.99.0").kind,
        RejectKind::SymlinkLoop
    );
    assert_eq!(
        rejected(&inv, "/home/u/.goenv/versions/1.20.0").kind,
        RejectKind::DanglingLink
    );
    assert_eq!(
        rejected(&inv, "/home/u/.goenv/versions/empty").kind,
        RejectKind::NotAGoTree
    );
    assert_eq!(
        rejected(&inv, "/etc/goroot").kind,
        RejectKind::NotADirectory
    );
    assert!(inv
        .rejected
        .iter()
        .all(|r| !r.path.ends_with("notes.txt") && !r.path.ends_with(".DS_Store")));

    let gvm = inv
        .find(&odd_root)
        .expect("the non-UTF-8 tree is an install");
    let json = serde_json::to_value(&inv).expect("odd names still serialize");
    assert!(json["installs"]
        .as_array()
        .expect("array")
        .iter()
        .any(|i| i["root"] == "/home/u/.gvm/gos/go\u{fffd}\u{fffd}"));
    assert_eq!(kinds(gvm), [SourceKind::Gvm]);
    assert!(gvm.health.missing.contains(&"bin/go".to_owned()));
    assert!(gvm.version.is_none());

    let garbage = install(&inv, "/usr/lib/go-1.99");
    assert_eq!(codes(garbage), ["version_file_invalid"]);
    assert_eq!(garbage.version, None);
    assert_eq!(garbage.health.missing, ["bin/go"]);

    let script = install(&inv, "/usr/lib/go-1.20");
    assert_eq!(codes(script), ["go_is_script"]);
    assert_eq!(script.version.as_deref(), Some("go1.20.14"));
    assert_eq!(script.version_origin, Some(VersionOrigin::VersionFile));

    let mixed = install(&inv, "/usr/local/go");
    assert_eq!(codes(mixed), ["version_mismatch"]);
    assert_eq!(mixed.version.as_deref(), Some("go1.22.1"));

    let asdf = inv
        .searched
        .iter()
        .find(|p| p.kind == SourceKind::Asdf)
        .expect("searched");
    assert_eq!(asdf.status, SearchStatus::Unreadable);
    assert!(asdf
        .note
        .as_deref()
        .is_some_and(|n| n.contains("cannot read")));
}

#[test]
fn same_file_merges_a_hard_linked_go_and_finds_stamped_trees() {
    let mut w = World::new();
    w.tree("/usr/local/go", bin("go1.22.1", "linux", "amd64"));
    w.mkdir("/usr/local/bin");
    std::fs::hard_link(w.real("/usr/local/go/bin/go"), w.real("/usr/local/bin/go")).expect("ln");
    // A copy whose GOROOT is stamped in (a distribution build).
    let stamped = GoBinary {
        trimpath: false,
        stamped_goroot: Stamped::Known("/usr/lib/go-1.21".into()),
        ..bin("go1.21.8", "linux", "amd64")
    };
    w.bare_tree("/usr/lib/go-1.21", "go1.21.8", "linux_amd64");
    w.exe("/opt/bin/go", stamped);
    // A lone binary with nothing around it.
    w.exe("/home/u/bin/go", bin("go1.20.0", "linux", "amd64"));
    let host = w
        .host(Os::Linux)
        .with_var("PATH", "/usr/local/bin:/opt/bin:/home/u/bin");
    let inv = w.discover(&host);
    assert_eq!(roots(&inv), ["/usr/local/go", "/usr/lib/go-1.21"]);
    let official = &inv.installs[0];
    assert_eq!(kinds(official), [SourceKind::Path, SourceKind::Official]);
    assert_eq!(official.paths[0], PathBuf::from("/usr/local/bin/go"));
    let distro = &inv.installs[1];
    assert_eq!(kinds(distro), [SourceKind::Path, SourceKind::Distro]);
    assert_eq!(distro.paths[0], PathBuf::from("/opt/bin/go"));
    assert_eq!(rejected(&inv, "/home/u/bin/go").kind, RejectKind::NoTree);
}

#[test]
fn active_install_follows_a_toolchain_switch_and_is_added_when_unlisted() {
    let mut w = World::new();
    w.tree("/usr/local/go", bin("go1.21.0", "linux", "amd64"));
    w.tree(
        "/home/u/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.23.4.linux-amd64",
        bin("go1.23.4", "linux", "amd64"),
    );
    w.write(
        "/home/u/go/pkg/mod/cache/download/golang.org/toolchain/@v/v0.0.1-go1.23.4.linux-amd64.ziphash",
        "h1:x",
    );
    w.write(
        "/home/u/proj/go.mod",
        "module example.com/p\n\ngo 1.23\n\ntoolchain go1.23.4\n",
    );
    let host = w
        .host(Os::Linux)
        .with_var("PATH", "/usr/local/go/bin")
        .with_cwd("/home/u/proj");
    let ex = explain(&host, &w.inspector, &Request::default());
    let inv = discover(&host, &w.inspector, Some(&ex));
    let active = inv.active().expect("an active install");
    assert!(
        active.has_source(SourceKind::ModuleCache),
        "goroot {:?}, active {:?}",
        ex.goroot,
        active.root
    );
    assert!(!install(&inv, "/usr/local/go").active);

    // Without an explanation nothing is active.
    let none = discover(&host, &w.inspector, None);
    assert!(none.active().is_none());

    // A GOROOT no source reaches is added as `resolved`.
    w.tree("/weird/place/go", bin("go1.22.0", "linux", "amd64"));
    let mut ex = explain(&host, &w.inspector, &Request::default());
    ex.goroot = Some("/weird/place/go".to_owned());
    let inv = discover(&host, &w.inspector, Some(&ex));
    let active = inv.active().expect("added");
    assert_eq!(active.root, PathBuf::from("/weird/place/go"));
    assert_eq!(kinds(active), [SourceKind::Resolved]);
}

#[test]
fn active_falls_back_to_the_running_binary_when_go_fails() {
    let mut w = World::new();
    w.tree("/usr/local/go", bin("go1.22.0", "linux", "amd64"));
    let host = w
        .host(Os::Linux)
        .with_var("PATH", "/usr/local/go/bin")
        .with_var("GOROOT", "/missing");
    let mut ex = explain(&host, &w.inspector, &Request::default());
    ex.goroot = None;
    let inv = discover(&host, &w.inspector, Some(&ex));
    assert!(install(&inv, "/usr/local/go").active);
    assert_eq!(rejected(&inv, "/missing").kind, RejectKind::Missing);
}

#[test]
fn twenty_installs() {
    let mut w = World::new();
    for minor in 0..10 {
        w.tree(
            &format!("/home/u/sdk/go1.2{minor}.0"),
            bin(&format!("go1.2{minor}.0"), "linux", "amd64"),
        );
        w.write(&format!("/home/u/sdk/go1.2{minor}.0/.unpacked-success"), "");
        w.tree(
            &format!("/home/u/.goenv/versions/1.1{minor}.1"),
            bin(&format!("go1.1{minor}.1"), "linux", "amd64"),
        );
    }
    let host = w.host(Os::Linux);
    let inv = w.discover(&host);
    assert_eq!(inv.installs.len(), 20);
    assert!(inv.installs.iter().all(|i| i.version.is_some()));
}

#[test]
fn json_uses_stable_snake_case_keys() {
    let mut w = World::new();
    w.tree("/usr/lib/go-1.22", bin("go1.22.2", "linux", "amd64"));
    w.link("../lib/go-1.22/bin/go", "/usr/bin/go");
    w.link("/nowhere", "/usr/lib/go");
    let host = w.host(Os::Linux).with_var("PATH", "/usr/bin");
    let inv = w.discover(&host);
    let v = serde_json::to_value(&inv).expect("serializes");
    let i = &v["installs"][0];
    assert_eq!(i["root"], "/usr/lib/go-1.22");
    assert_eq!(i["sources"][0]["kind"], "path");
    assert_eq!(i["sources"][0]["index"], 0);
    assert_eq!(i["sources"][1]["kind"], "distro");
    assert_eq!(i["version_origin"], "binary");
    assert_eq!(i["goarch"], "amd64");
    assert_eq!(i["active"], true);
    assert_eq!(i["health"]["missing"], serde_json::json!([]));
    assert!(i.get("binary").is_none() && i.get("tree").is_none());
    assert_eq!(v["rejected"][0]["kind"], "dangling_link");
    assert_eq!(v["rejected"][0]["source"]["kind"], "distro");
    assert_eq!(v["searched"][0]["kind"], "path");
    assert_eq!(v["searched"][0]["status"], "searched");
}
