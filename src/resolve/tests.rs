//! Resolution on fake hosts: fabricated trees in a temp root, a fake binary table.

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use super::*;
use crate::toolchain::{fake_official, FakeInspector, GoBinary, Stamped};

struct World {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    inspector: FakeInspector,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().expect("tmp");
        let root = tmp.path().to_path_buf();
        World {
            _tmp: tmp,
            root,
            inspector: FakeInspector::default(),
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

    /// A Go tree with an executable bin/go registered as `bin`.
    fn tree(&mut self, root: &str, bin: GoBinary) {
        let goos_goarch = bin.target().expect("target");
        self.mkdir(&format!("{root}/pkg/tool/{goos_goarch}"));
        self.mkdir(&format!("{root}/src"));
        self.write(
            &format!("{root}/VERSION"),
            &format!("{}\ntime 2024-01-01T00:00:00Z\n", bin.version.raw),
        );
        self.write(
            &format!("{root}/go.env"),
            "GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\nGOTOOLCHAIN=auto\n",
        );
        self.exe(&format!("{root}/bin/go"), bin);
    }

    fn exe(&mut self, logical: &str, bin: GoBinary) {
        let p = self.real(logical);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, format!("fake {}", bin.version.raw)).expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        self.inspector = std::mem::take(&mut self.inspector).with(logical, bin);
    }

    fn host(&self, os: Os) -> Host {
        Host::fake(&self.root, os)
            .with_var("HOME", "/home/u")
            .with_var("GOPROXY", "off")
            .with_cwd("/home/u")
    }

    fn explain(&self, host: &Host) -> Explanation {
        explain(host, &self.inspector, &Request::default())
    }
}

fn with_stamp(mut b: GoBinary, stamped: &str) -> GoBinary {
    b.stamped_goroot = Stamped::Known(stamped.to_owned());
    b.trimpath = false;
    b
}

#[test]
fn official_tree_on_path() {
    let mut w = World::new();
    w.tree("/usr/local/go", fake_official("go1.22.10"));
    let h = w
        .host(Os::Linux)
        .with_var("PATH", "/usr/local/go/bin:/usr/bin");
    let ex = w.explain(&h);
    assert_eq!(ex.goroot.as_deref(), Some("/usr/local/go"));
    assert_eq!(ex.go_version.as_deref(), Some("go1.22.10"));
    assert_eq!(ex.error, None);
    let rules: Vec<_> = ex
        .steps
        .iter()
        .filter(|s| s.stage == Stage::Goroot)
        .map(|s| (s.rule, s.outcome))
        .collect();
    assert!(rules.contains(&("exe-dir", Outcome::Chosen)), "{rules:?}");
}

#[test]
fn debian_symlink_resolves_on_linux() {
    let mut w = World::new();
    w.tree("/usr/lib/go-1.22", fake_official("go1.22.10"));
    w.link("../lib/go-1.22/bin/go", "/usr/bin/go");
    let ex = w.explain(&w.host(Os::Linux).with_var("PATH", "/usr/bin"));
    assert_eq!(ex.goroot.as_deref(), Some("/usr/lib/go-1.22"));
    let chosen = ex.lookup.chosen().expect("found");
    assert_eq!(chosen.hops.len(), 1);
}

#[test]
fn homebrew_opt_layout_differs_between_linux_and_macos() {
    let mut w = World::new();
    let mut arm = fake_official("go1.22.1");
    arm.goos = Some("darwin".into());
    arm.goarch = Some("arm64".into());
    w.tree("/opt/homebrew/Cellar/go/1.22.1/libexec", arm);
    w.link("../Cellar/go/1.22.1", "/opt/homebrew/opt/go");
    w.mkdir("/opt/homebrew/bin");
    w.link("../Cellar/go/1.22.1/libexec/bin/go", "/opt/homebrew/bin/go");

    // Invoked through the opt link: macOS keeps the path as invoked, Linux resolves it.
    let mac = w
        .host(Os::MacOs)
        .with_var("PATH", "/opt/homebrew/opt/go/libexec/bin");
    assert_eq!(
        w.explain(&mac).goroot.as_deref(),
        Some("/opt/homebrew/opt/go/libexec")
    );
    let linux = w
        .host(Os::Linux)
        .with_var("PATH", "/opt/homebrew/opt/go/libexec/bin");
    assert_eq!(
        w.explain(&linux).goroot.as_deref(),
        Some("/opt/homebrew/Cellar/go/1.22.1/libexec")
    );

    // Through bin/go (a file link): the unresolved path has no pkg/tool, EvalSymlinks finds the
    // versioned Cellar path on both.
    let mac = w.host(Os::MacOs).with_var("PATH", "/opt/homebrew/bin");
    let ex = w.explain(&mac);
    assert_eq!(
        ex.goroot.as_deref(),
        Some("/opt/homebrew/Cellar/go/1.22.1/libexec")
    );
    assert!(ex
        .steps
        .iter()
        .any(|s| s.rule == "exe-resolved-dir" && s.outcome == Outcome::Chosen));
}

#[test]
fn copied_binary_trimmed_vs_stamped() {
    let mut w = World::new();
    w.exe("/home/u/bin/go", fake_official("go1.22.10"));
    let h = w.host(Os::Linux).with_var("PATH", "/home/u/bin");
    let ex = w.explain(&h);
    assert_eq!(ex.goroot, None);
    let err = ex.error.expect("fails");
    assert_eq!(err.code, "goroot-trimmed");
    assert_eq!(
        err.message,
        "go: cannot find GOROOT directory: 'go' binary is trimmed and GOROOT is not set"
    );
    assert_eq!(err.exit_code, 2);

    // A pre-1.21 official build falls back to its stamped /usr/local/go.
    let mut w = World::new();
    w.exe(
        "/home/u/bin/go",
        with_stamp(fake_official("go1.20.14"), "/usr/local/go"),
    );
    w.tree(
        "/usr/local/go",
        with_stamp(fake_official("go1.19.13"), "/usr/local/go"),
    );
    let ex = w.explain(&w.host(Os::Linux).with_var("PATH", "/home/u/bin"));
    assert_eq!(ex.goroot.as_deref(), Some("/usr/local/go"));
    assert!(ex
        .steps
        .iter()
        .any(|s| s.rule == "stamped-default" && s.outcome == Outcome::Chosen));
}

#[test]
fn stamped_spelling_wins_for_the_same_directory() {
    let mut w = World::new();
    w.tree(
        "/usr/lib/go-1.19",
        with_stamp(fake_official("go1.19.8"), "/usr/lib/go-1.19"),
    );
    w.link("go-1.19", "/usr/lib/go");
    let ex = w.explain(&w.host(Os::MacOs).with_var("PATH", "/usr/lib/go/bin"));
    assert_eq!(ex.goroot.as_deref(), Some("/usr/lib/go-1.19"));
}

#[test]
fn goroot_variable_is_verbatim_and_checked() {
    let mut w = World::new();
    w.tree("/usr/local/go", fake_official("go1.22.10"));
    let base = w.host(Os::Linux).with_var("PATH", "/usr/local/go/bin");
    let ex = w.explain(&base.clone().with_var("GOROOT", "/usr/local/go/"));
    assert_eq!(ex.goroot.as_deref(), Some("/usr/local/go/"));
    let ex = w.explain(&base.clone().with_var("GOROOT", "~/go"));
    assert_eq!(
        ex.error.map(|e| e.message).as_deref(),
        Some("go: cannot find GOROOT directory: ~/go")
    );
    let ex = w.explain(&base.clone().with_var("GOROOT", ""));
    assert_eq!(
        ex.goroot.as_deref(),
        Some("/usr/local/go"),
        "empty means unset"
    );
    // Before 1.21 the value is cleaned.
    let mut old = World::new();
    old.tree(
        "/usr/local/go",
        with_stamp(fake_official("go1.20.14"), "/usr/local/go"),
    );
    let ex = old.explain(
        &old.host(Os::Linux)
            .with_var("PATH", "/usr/local/go/bin")
            .with_var("GOROOT", "/usr/local/go/"),
    );
    assert_eq!(ex.goroot.as_deref(), Some("/usr/local/go"));
}

#[test]
fn go_env_file_goroot_line() {
    let mut w = World::new();
    w.tree("/usr/local/go", fake_official("go1.27.3"));
    w.tree("/opt/go1.22", fake_official("go1.22.10"));
    w.write("/home/u/.config/go/env", "GOROOT=/opt/go1.22/\n");
    let h = w.host(Os::Linux).with_var("PATH", "/usr/local/go/bin");
    let ex = w.explain(&h);
    assert_eq!(ex.goroot.as_deref(), Some("/opt/go1.22"), "cleaned");
    assert!(
        ex.steps
            .iter()
            .any(|s| s.rule == "goenv-file"
                && s.source.as_deref() == Some("/home/u/.config/go/env:1"))
    );
    let off = w.explain(&h.clone().with_var("GOENV", "off"));
    assert_eq!(off.goroot.as_deref(), Some("/usr/local/go"));
}

#[test]
fn go_mod_switch_offline_and_local() {
    let mut w = World::new();
    w.tree("/usr/local/go", fake_official("go1.22.10"));
    w.write("/home/u/p/go.mod", "module p\n\ngo 1.99\n");
    let h = w
        .host(Os::Linux)
        .with_var("PATH", "/usr/local/go/bin")
        .with_cwd("/home/u/p");
    let ex = w.explain(&h);
    let e = ex.error.expect("fails offline");
    assert_eq!(
        e.message,
        "go: download go1.99.0 for linux/amd64: toolchain not available"
    );
    assert_eq!(e.exit_code, 1);
    let sw = ex.switch.expect("switch");
    assert_eq!(sw.trigger.as_deref(), Some("go line /home/u/p/go.mod:3"));

    let local = w.explain(&h.clone().with_var("GOTOOLCHAIN", "local"));
    assert_eq!(local.goroot.as_deref(), Some("/usr/local/go"));
    assert_eq!(
        local.module_error.as_deref(),
        Some("go: go.mod requires go >= 1.99 (running go 1.22.10; GOTOOLCHAIN=local)")
    );
    let sub = w.explain(
        &h.clone()
            .with_var("GOTOOLCHAIN", "local")
            .with_cwd("/home/u/p/sub"),
    );
    assert_eq!(
        sub.module_error.as_deref(),
        Some("go: ../go.mod requires go >= 1.99 (running go 1.22.10; GOTOOLCHAIN=local)")
    );

    let off = w.explain(&h.clone().with_var("GO111MODULE", "off"));
    assert_eq!(off.goroot.as_deref(), Some("/usr/local/go"));
}

#[test]
fn path_toolchain_and_module_cache() {
    let mut w = World::new();
    w.tree("/usr/local/go", fake_official("go1.22.10"));
    w.tree("/home/u/sdk/go1.24.0", fake_official("go1.24.0"));
    w.link("/home/u/sdk/go1.24.0/bin/go", "/home/u/bin/go1.24.0");
    w.write("/home/u/p/go.mod", "module p\ngo 1.24.0\n");
    let h = w
        .host(Os::Linux)
        .with_var("PATH", "/usr/local/go/bin:/home/u/bin")
        .with_cwd("/home/u/p");
    let ex = w.explain(&h.clone().with_var("GOROOT", "/usr/local/go"));
    assert_eq!(
        ex.goroot.as_deref(),
        Some("/home/u/sdk/go1.24.0"),
        "GOROOT is removed for a PATH toolchain"
    );
    assert_eq!(ex.go_version.as_deref(), Some("go1.24.0"));

    let mc = "/home/u/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.25.0.linux-amd64";
    w.tree(mc, fake_official("go1.25.0"));
    w.write("/home/u/go/pkg/mod/cache/download/golang.org/toolchain/@v/v0.0.1-go1.25.0.linux-amd64.ziphash", "h1:x");
    w.write(
        "/home/u/p/go.mod",
        "module p\ngo 1.24.0\ntoolchain go1.25.0\n",
    );
    let ex = w.explain(&h);
    assert_eq!(ex.goroot.as_deref(), Some(mc));
    assert_eq!(ex.go_version.as_deref(), Some("go1.25.0"));

    let pathonly = w.explain(&h.clone().with_var("GOTOOLCHAIN", "path"));
    assert_eq!(
        pathonly.error.map(|e| e.message).as_deref(),
        Some("go: cannot find \"go1.25.0\" in PATH")
    );
}

#[test]
fn invalid_gotoolchain_values() {
    let mut w = World::new();
    w.tree("/usr/local/go", fake_official("go1.27.3"));
    let h = w.host(Os::Linux).with_var("PATH", "/usr/local/go/bin");
    for (value, message) in [
        ("path+auto", "go: invalid GOTOOLCHAIN \"path+auto\": invalid minimum toolchain \"path\""),
        ("go1.22.0+foo", "go: invalid GOTOOLCHAIN \"go1.22.0+foo\": only version suffixes are +auto and +path"),
        ("bash", "go: invalid GOTOOLCHAIN \"bash\""),
        ("go1.22", "go: invalid toolchain: go1.22 is a language version but not a toolchain version (go1.22.x)"),
    ] {
        let ex = w.explain(&h.clone().with_var("GOTOOLCHAIN", value));
        assert_eq!(ex.error.map(|e| e.message).as_deref(), Some(message), "{value}");
    }
}

#[test]
fn go_not_found_and_not_go() {
    let w = World::new();
    let ex = w.explain(&w.host(Os::Linux).with_var("PATH", "/nowhere"));
    assert_eq!(ex.error.map(|e| e.code), Some("go-not-on-path"));
    let mut w = World::new();
    w.write("/bin/go", "#!/bin/sh\n");
    std::fs::set_permissions(w.real("/bin/go"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    w.inspector = FakeInspector::default();
    let ex = w.explain(&w.host(Os::Linux).with_var("PATH", "/bin"));
    assert!(ex.error.is_some());
    let _ = Path::new("/");
}
