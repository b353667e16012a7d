//! Every check on fabricated machines: a temp dir as `/`, fake go binaries, a fake host.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::doctor::facts::{gather, Facts, Options};
use crate::doctor::finding::{Finding, Severity};
use crate::doctor::packages::{Integrity, PackageFacts, Signature};
use crate::host::{Host, Os};
use crate::toolchain::{fake_official, FakeInspector, GoBinary};

struct Lab {
    _t: tempfile::TempDir,
    root: PathBuf,
    inspect: FakeInspector,
    host: Host,
}

impl Lab {
    fn new(os: Os) -> Lab {
        let t = tempfile::tempdir().expect("tmp");
        let root = t.path().to_path_buf();
        std::fs::create_dir_all(root.join("home/u")).expect("home");
        let host = Host::fake(&root, os)
            .with_var("HOME", "/home/u")
            .with_var("PATH", "/usr/bin:/bin")
            .with_cwd("/home/u");
        Lab {
            _t: t,
            root,
            inspect: FakeInspector::default(),
            host,
        }
    }

    fn p(&self, logical: &str) -> PathBuf {
        self.root.join(logical.trim_start_matches('/'))
    }

    fn file(&self, logical: &str, text: &str) -> &Lab {
        let p = self.p(logical);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        self
    }

    fn exec(&self, logical: &str) {
        self.file(logical, "\x7fELF");
        std::fs::set_permissions(self.p(logical), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }

    /// A complete Go tree at `root` whose bin/go is `bin`.
    fn tree_with(&mut self, root: &str, version: &str, bin: GoBinary) {
        for d in ["pkg/tool/linux_amd64", "src"] {
            std::fs::create_dir_all(self.p(&format!("{root}/{d}"))).expect("mkdir");
        }
        self.exec(&format!("{root}/bin/go"));
        self.file(&format!("{root}/VERSION"), &format!("{version}\n"));
        self.file(
            &format!("{root}/go.env"),
            "GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\nGOTOOLCHAIN=auto\n",
        );
        self.inspect = std::mem::take(&mut self.inspect).with(format!("{root}/bin/go"), bin);
    }

    fn tree(&mut self, root: &str, version: &str) {
        self.tree_with(root, version, fake_official(version));
    }

    fn var(&mut self, k: &str, v: &str) -> &mut Lab {
        self.host = self.host.clone().with_var(k, v);
        self
    }

    fn facts(&self) -> Facts {
        gather(
            &self.host,
            &self.inspect,
            &Options {
                packages: false,
                // The vulnerability database is tested with its fixture in tests/vulns.rs.
                vulndb: false,
                ..Options::default()
            },
        )
    }
}

fn run(f: &Facts, code: &str) -> Vec<Finding> {
    let c = super::find(code).expect("known code");
    let out = (c.run)(f);
    assert!(
        out.iter().all(|x| x.code == code),
        "{code} reports only itself"
    );
    out
}

fn one(f: &Facts, code: &str) -> Finding {
    let mut out = run(f, code);
    assert_eq!(out.len(), 1, "{code}: {out:#?}");
    out.remove(0)
}

#[test]
fn catalog_codes_are_unique_and_include_the_contract() {
    let mut codes: Vec<&str> = super::CHECKS.iter().map(|c| c.code).collect();
    let n = codes.len();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), n);
    for c in [
        "goroot-env-missing",
        "goroot-env-not-a-goroot",
        "goroot-version-mismatch",
        "goroot-goenv-file",
        "goroot-incomplete",
        "go-binary-detached",
        "path-shadowed-go",
        "go-not-on-path",
        "toolchain-switch",
        "toolchain-too-old",
        "arch-mismatch",
        "startup-context-gap",
        "paths-d-stale",
        "homebrew-cellar-pinned",
        "gobin-not-on-path",
        "gopath-is-goroot",
        "path-unsafe-entry",
        "insecure-go-env",
        "modcache-not-writable",
        "cgo-toolchain-missing",
        "install-half-finished",
        "install-unverified",
        "default-current-mismatch",
        "multiple-managers",
        "go-unsupported-version",
        "goenv-config-invalid",
    ] {
        assert!(super::find(c).is_some(), "{c} is implemented");
    }
}

#[test]
fn a_healthy_setup_has_no_warnings() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin:/home/u/go/bin:/usr/bin");
    let f = lab.facts();
    let all = crate::doctor::run_checks(&f, &[]);
    assert!(all.iter().all(|x| x.severity == Severity::Info), "{all:#?}");
}

#[test]
fn go_not_on_path_points_at_an_install() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    let f = lab.facts();
    let x = one(&f, "go-not-on-path");
    assert_eq!(x.severity, Severity::Error);
    assert_eq!(x.consequence, "go: command not found");
    assert!(x.fix.commands[0].contains("/usr/local/go/bin"), "{x:#?}");
    assert_eq!(x.fix.edits.len(), 1);
}

#[test]
fn shadowed_go_names_both_versions() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/a/go", "go1.22.10");
    lab.tree("/b/go", "go1.27.3");
    lab.var("PATH", "/a/go/bin:/b/go/bin");
    let x = one(&lab.facts(), "path-shadowed-go");
    assert_eq!(x.severity, Severity::Warning);
    assert!(
        x.evidence.iter().any(|e| e.value.contains("go1.27.3")),
        "{x:#?}"
    );
}

#[test]
fn a_managers_own_shims_and_installs_do_not_shadow() {
    // `mise activate`: mise's install first, mise's shims later.
    let mut lab = Lab::new(Os::Linux);
    let mise = "/home/u/.local/share/mise";
    lab.tree(&format!("{mise}/installs/go/1.22.10"), "go1.22.10");
    lab.exec(&format!("{mise}/shims/go"));
    lab.var(
        "PATH",
        &format!("{mise}/installs/go/1.22.10/bin:{mise}/shims:/usr/bin"),
    );
    assert!(run(&lab.facts(), "path-shadowed-go").is_empty());
    // A manager's shims first: the manager decides, and its `system` runs the go behind it.
    let mut lab = Lab::new(Os::Linux);
    lab.exec("/home/u/.asdf/shims/go");
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/home/u/.asdf/shims:/usr/local/go/bin");
    assert!(run(&lab.facts(), "path-shadowed-go").is_empty());
    // A stale tree ahead of a manager's shims is still reported.
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.22.10");
    lab.exec("/home/u/.goenv/shims/go");
    lab.var("PATH", "/usr/local/go/bin:/home/u/.goenv/shims");
    let x = one(&lab.facts(), "path-shadowed-go");
    assert!(
        x.evidence
            .iter()
            .any(|e| e.value.contains(".goenv/shims/go")),
        "{x:#?}"
    );
}

#[test]
fn no_go_on_path_with_groot_toolchains_suggests_activation() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/home/u/.local/share/groot/toolchains/go1.27.3", "go1.27.3");
    lab.var("SHELL", "/usr/bin/zsh");
    let x = one(&lab.facts(), "go-not-on-path");
    assert_eq!(x.fix.commands, ["groot init zsh --install"], "{x:#?}");
}

#[test]
fn unsafe_path_entries() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    std::fs::create_dir_all(lab.p("/shared")).expect("mkdir");
    std::fs::set_permissions(lab.p("/shared"), std::fs::Permissions::from_mode(0o777))
        .expect("chmod");
    lab.var("PATH", ".:/shared::/usr/local/go/bin");
    let x = one(&lab.facts(), "path-unsafe-entry");
    assert_eq!(x.severity, Severity::Warning);
    assert_eq!(x.evidence.len(), 3, "{x:#?}");
}

#[test]
fn gobin_with_tools_not_on_path() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.exec("/home/u/go/bin/gopls");
    lab.var("PATH", "/usr/local/go/bin");
    let x = one(&lab.facts(), "gobin-not-on-path");
    assert_eq!(x.severity, Severity::Warning);
    assert!(x.evidence.iter().any(|e| e.value.contains("gopls")));
}

/// The PATH line for a bash user goes where login bash reads it: `~/.profile` when it is the
/// only profile, `~/.bash_profile` once that exists (bash then never reads `~/.profile`).
#[test]
fn gobin_fix_goes_to_the_profile_login_bash_reads() {
    let appended = |lab: &Lab| -> Vec<PathBuf> {
        one(&lab.facts(), "gobin-not-on-path")
            .fix
            .edits
            .iter()
            .filter_map(|e| match e {
                crate::doctor::Edit::AppendLine { file, .. } => Some(file.clone()),
                _ => None,
            })
            .collect()
    };
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.exec("/home/u/go/bin/gopls");
    lab.var("PATH", "/usr/local/go/bin");
    lab.var("SHELL", "/bin/bash");
    lab.file("/home/u/.profile", "umask 022\n");
    assert_eq!(appended(&lab), [PathBuf::from("/home/u/.profile")]);
    lab.file("/home/u/.bash_profile", "export EDITOR=vi\n");
    assert_eq!(appended(&lab), [PathBuf::from("/home/u/.bash_profile")]);
}

#[test]
fn goroot_missing_and_cellar_pinned() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin");
    lab.var("GOROOT", "/opt/homebrew/Cellar/go/1.21.0/libexec");
    let f = lab.facts();
    let x = one(&f, "goroot-env-missing");
    assert_eq!(x.severity, Severity::Error);
    assert!(x
        .consequence
        .contains("cannot find GOROOT directory: /opt/homebrew/Cellar"));
    assert!(x.fix.commands.contains(&"unset GOROOT".to_owned()));
    let c = one(&f, "homebrew-cellar-pinned");
    assert!(c
        .evidence
        .iter()
        .any(|e| e.value == "/opt/homebrew/opt/go/libexec"));
    // A literal tilde.
    lab.var("GOROOT", "~/go");
    let t = one(&lab.facts(), "goroot-env-missing");
    assert!(t.title.contains("literal '~'"));
}

#[test]
fn goroot_not_a_goroot_suggests_the_parent() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin");
    lab.var("GOROOT", "/usr/local/go/bin");
    let x = one(&lab.facts(), "goroot-env-not-a-goroot");
    assert!(
        x.evidence.iter().any(|e| e.value == "/usr/local/go"),
        "{x:#?}"
    );
}

#[test]
fn goroot_of_another_version() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.tree("/opt/go121", "go1.21.13");
    lab.var("PATH", "/usr/local/go/bin");
    lab.var("GOROOT", "/opt/go121");
    let x = one(&lab.facts(), "goroot-version-mismatch");
    assert!(
        x.consequence.contains("does not match go tool version"),
        "{x:#?}"
    );
}

#[test]
fn goroot_in_the_go_env_file() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.22.10");
    lab.file("/home/u/.config/go/env", "GOROOT=/usr/local/go\n");
    lab.var("PATH", "/usr/local/go/bin");
    let x = one(&lab.facts(), "goroot-goenv-file");
    assert_eq!(x.fix.commands, ["go env -u GOROOT"]);
    assert!(matches!(
        x.fix.edits[0],
        crate::doctor::Edit::UnsetGoEnv { .. }
    ));
}

#[test]
fn incomplete_tree() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    std::fs::remove_dir_all(lab.p("/usr/local/go/src")).expect("rm");
    std::fs::remove_file(lab.p("/usr/local/go/go.env")).expect("rm");
    lab.var("PATH", "/usr/local/go/bin");
    let x = one(&lab.facts(), "goroot-incomplete");
    assert_eq!(x.severity, Severity::Error);
    assert!(
        x.title.contains("src") && x.title.contains("go.env"),
        "{}",
        x.title
    );
}

#[test]
fn detached_binary() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.exec("/home/u/bin/go");
    lab.inspect =
        std::mem::take(&mut lab.inspect).with("/home/u/bin/go", fake_official("go1.27.3"));
    lab.var("PATH", "/home/u/bin:/usr/local/go/bin");
    let x = one(&lab.facts(), "go-binary-detached");
    assert_eq!(x.severity, Severity::Error);
    assert!(
        x.fix.commands[0].starts_with("ln -sf /usr/local/go/bin/go"),
        "{x:#?}"
    );
}

#[test]
fn switch_and_too_old() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.22.10");
    lab.file("/home/u/proj/go.mod", "module m\n\ngo 1.99.0\n");
    lab.var("PATH", "/usr/local/go/bin");
    lab.host = lab.host.clone().with_cwd("/home/u/proj");
    let x = one(&lab.facts(), "toolchain-switch");
    assert_eq!(x.severity, Severity::Warning);
    assert!(
        x.evidence
            .iter()
            .any(|e| e.source.as_deref() == Some("/home/u/proj/go.mod:3")),
        "{x:#?}"
    );
    lab.var("GOTOOLCHAIN", "local");
    let f = lab.facts();
    assert!(run(&f, "toolchain-switch").is_empty());
    let t = one(&f, "toolchain-too-old");
    assert!(t.consequence.contains("requires go >= 1.99.0"), "{t:#?}");
    assert_eq!(t.fix.commands, ["groot install 1.99.0"]);
}

#[test]
fn toolchain_download_needs_the_checksum_database() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.22.10");
    lab.file("/home/u/proj/go.mod", "module m\n\ngo 1.99.0\n");
    lab.var("PATH", "/usr/local/go/bin");
    lab.host = lab.host.clone().with_cwd("/home/u/proj");
    let x = one(&lab.facts(), "toolchain-switch");
    assert!(x.consequence.contains("sum.golang.org"), "{x:#?}");
    assert!(
        x.consequence.contains(
            "Get \"https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go1.99.0.linux-amd64.zip\""
        ),
        "{x:#?}"
    );
    // GOSUMDB=off: go downloads it, then refuses it.
    lab.var("GOSUMDB", "off");
    let x = one(&lab.facts(), "toolchain-switch");
    assert_eq!(x.severity, Severity::Error);
    assert!(
        x.consequence
            .contains("verifying module: checksum database disabled by GOSUMDB=off"),
        "{x:#?}"
    );
    assert!(x.evidence.iter().any(|e| e.label == "GOSUMDB"), "{x:#?}");
    assert_eq!(x.fix.commands[0], "groot install go1.99.0");
    // A lone file:// proxy is go's one exception.
    lab.var("GOPROXY", "file:///srv/proxy");
    let x = one(&lab.facts(), "toolchain-switch");
    assert_eq!(x.severity, Severity::Warning, "{x:#?}");
    // groot has it: its shims (with go1.99.0) on PATH are the fix, not a download.
    lab.tree("/home/u/.local/share/groot/toolchains/go1.99.0", "go1.99.0");
    lab.var("GOSUMDB", "sum.golang.org");
    lab.var("GOPROXY", "https://proxy.golang.org");
    let x = one(&lab.facts(), "toolchain-switch");
    assert!(x.fix.commands[0].starts_with("groot init "), "{x:#?}");
}

#[test]
fn arch_mismatch_and_rosetta() {
    let mut lab = Lab::new(Os::Linux);
    let mut arm = fake_official("go1.27.3");
    arm.goarch = Some("arm64".into());
    arm.archs = vec!["arm64".into()];
    lab.tree_with("/usr/local/go", "go1.27.3", arm);
    lab.var("PATH", "/usr/local/go/bin");
    let mut f = lab.facts();
    let x = one(&f, "arch-mismatch");
    assert!(x.title.contains("linux/arm64"), "{}", x.title);
    f.host.translated = Some(true);
    assert_eq!(run(&f, "arch-mismatch").len(), 2);
}

#[test]
fn support_status() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.21.13");
    lab.var("PATH", "/usr/local/go/bin");
    let x = one(&lab.facts(), "go-unsupported-version");
    assert!(x.title.contains("go1.21.13"));
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.1");
    lab.var("PATH", "/usr/local/go/bin");
    let f = lab.facts();
    assert!(run(&f, "go-unsupported-version").is_empty());
    let u = one(&f, "go-update-available");
    assert!(u.title.contains("go1.27.3"));
}

#[test]
fn go_env_file_problems() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.file(
        "/home/u/.config/go/env",
        "  GOFLAGS=-x\nGOPROXY=direct\r\ngoprivate=x\n",
    );
    lab.var("PATH", "/usr/local/go/bin");
    let x = one(&lab.facts(), "goenv-config-invalid");
    assert_eq!(x.evidence.len(), 3, "{x:#?}");
    lab.var("XDG_CONFIG_HOME", "relative/dir");
    let all = run(&lab.facts(), "goenv-config-invalid");
    assert!(all
        .iter()
        .any(|x| x.severity == Severity::Error && x.title.contains("relative")));
}

#[test]
fn gopath_inside_goroot() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin");
    lab.var("GOPATH", "/usr/local/go");
    let x = one(&lab.facts(), "gopath-is-goroot");
    assert!(x
        .consequence
        .contains("both GOPATH and GOROOT are the same directory"));
}

#[test]
fn insecure_settings_with_sources() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.file("/home/u/.config/go/env", "GONOSUMDB=*\n");
    lab.var("PATH", "/usr/local/go/bin");
    lab.var("GOSUMDB", "off");
    let x = one(&lab.facts(), "insecure-go-env");
    assert!(x
        .evidence
        .iter()
        .any(|e| e.label == "GOSUMDB" && e.source.as_deref() == Some("environment")));
    assert!(x.evidence.iter().any(|e| e.label == "GONOSUMDB"));
    assert!(x.fix.commands.contains(&"go env -u GONOSUMDB".to_owned()));
}

/// A plain-http GOPROXY off this machine is insecure, in any letter case; one on loopback (a
/// local Athens, a test proxy) is not, and a host merely named like loopback is not loopback.
#[test]
fn plain_http_goproxy_only_off_this_machine() {
    for (proxy, insecure) in [
        ("http://proxy.corp.example,direct", true),
        ("HTTP://proxy.corp.example", true),
        (
            "https://proxy.golang.org|http://localhost.evil.example",
            true,
        ),
        ("http://127.0.0.1.nip.io:3000", true),
        ("http://localhost:3000,direct", false),
        ("http://127.0.0.1:3000|https://proxy.golang.org", false),
        ("http://[::1]:3000", false),
        ("https://proxy.golang.org,direct", false),
        ("off", false),
    ] {
        let mut lab = Lab::new(Os::Linux);
        lab.tree("/usr/local/go", "go1.27.3");
        lab.var("PATH", "/usr/local/go/bin");
        lab.var("GOPROXY", proxy);
        let found = !run(&lab.facts(), "insecure-go-env").is_empty();
        assert_eq!(found, insecure, "GOPROXY={proxy}");
    }
}

#[test]
fn caches_owned_by_someone_else() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    std::fs::create_dir_all(lab.p("/home/u/go/pkg/mod/cache/download")).expect("mkdir");
    std::fs::set_permissions(
        lab.p("/home/u/go/pkg/mod"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    lab.var("PATH", "/usr/local/go/bin");
    lab.var("GROOT_UID", "4242");
    let x = one(&lab.facts(), "modcache-not-writable");
    assert_eq!(x.severity, Severity::Error);
    assert!(x.fix.commands[0].starts_with("sudo chown -R"));
}

#[test]
fn cgo_without_a_compiler() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin");
    assert!(
        run(&lab.facts(), "cgo-toolchain-missing").is_empty(),
        "Go 1.20+ turns cgo off"
    );
    lab.var("CGO_ENABLED", "1");
    let x = one(&lab.facts(), "cgo-toolchain-missing");
    assert!(
        x.consequence.contains("C compiler \\\"gcc\\\" not found"),
        "{x:#?}"
    );
    // macOS: the /usr/bin/clang shim without Command Line Tools.
    let mut mac = Lab::new(Os::MacOs);
    mac.tree("/usr/local/go", "go1.27.3");
    mac.exec("/usr/bin/clang");
    mac.var("PATH", "/usr/local/go/bin:/usr/bin");
    let m = one(&mac.facts(), "cgo-toolchain-missing");
    assert_eq!(m.fix.commands, ["xcode-select --install"]);
}

#[test]
fn context_gap_from_bashrc() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.file("/home/u/.bashrc", "export PATH=/usr/local/go/bin:$PATH\n");
    lab.var("SHELL", "/bin/bash");
    lab.var("PATH", "/usr/local/go/bin:/usr/bin");
    let x = one(&lab.facts(), "startup-context-gap");
    assert_eq!(x.severity, Severity::Warning);
    assert!(x.evidence.iter().any(|e| e.value == "vscode_env"), "{x:#?}");
    assert!(x
        .evidence
        .iter()
        .any(|e| e.source.as_deref() == Some("/home/u/.bashrc:1")));
    assert!(!x.fix.edits.is_empty());
}

#[test]
fn stale_paths_d_on_macos() {
    let mut lab = Lab::new(Os::MacOs);
    lab.tree("/opt/homebrew/Cellar/go/1.27.3/libexec", "go1.27.3");
    lab.file("/etc/paths", "/usr/bin\n/bin\n");
    lab.file("/etc/paths.d/go", "/usr/local/go/bin\n");
    lab.var("PATH", "/opt/homebrew/Cellar/go/1.27.3/libexec/bin");
    let x = one(&lab.facts(), "paths-d-stale");
    assert_eq!(x.fix.commands, ["sudo rm /etc/paths.d/go"]);
}

#[test]
fn two_managers() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.file(
        "/home/u/.bashrc",
        "eval \"$(goenv init -)\"\nsource ~/.gvm/scripts/gvm\n",
    );
    lab.var("SHELL", "/bin/bash");
    lab.var("PATH", "/usr/local/go/bin");
    lab.file("/home/u/.gvm/scripts/gvm", "# gvm\n");
    let x = one(&lab.facts(), "multiple-managers");
    assert!(
        x.title.contains("goenv") && x.title.contains("gvm"),
        "{}",
        x.title
    );
}

#[test]
fn half_finished_manager_install() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    std::fs::create_dir_all(lab.p("/home/u/.goenv/versions/1.22.0/go")).expect("mkdir");
    lab.var("PATH", "/usr/local/go/bin");
    let x = one(&lab.facts(), "install-half-finished");
    assert!(x.title.contains(".goenv/versions/1.22.0"), "{}", x.title);
}

/// Issue 12, item 8: an install made with `--insecure-skip-verify` is a finding.
#[test]
fn unverified_groot_install() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin");
    let root = "/home/u/.local/share/groot/toolchains/go1.4.3";
    lab.tree(root, "go1.4.3");
    let marker = |verified: bool| {
        format!(
            r#"{{"name":"go1.4.3","version":"go1.4.3","os":"linux","arch":"amd64","source":"x","archive_sha256":null,"verified":{verified},"installed_unix":0,"files":1}}"#
        )
    };
    lab.file(&format!("{root}/.groot-complete"), &marker(true));
    assert!(run(&lab.facts(), "install-unverified").is_empty());
    lab.file(&format!("{root}/.groot-complete"), &marker(false));
    let x = one(&lab.facts(), "install-unverified");
    assert_eq!(x.severity, Severity::Warning);
    assert!(x.title.contains("go1.4.3"), "{}", x.title);
    assert!(
        x.fix
            .commands
            .iter()
            .any(|c| c == "groot install --reinstall go1.4.3"),
        "{:?}",
        x.fix.commands
    );
}

/// Issue 12, item 7: doctor notices `default` and `current` naming different toolchains.
#[cfg(unix)]
#[test]
fn default_and_current_disagreeing() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin");
    let gh = "/home/u/.local/share/groot";
    for v in ["go1.22.10", "go1.27.3"] {
        lab.tree(&format!("{gh}/toolchains/{v}"), v);
        lab.file(&format!("{gh}/toolchains/{v}/.groot-complete"), "{}");
    }
    lab.file(&format!("{gh}/default"), "go1.27.3\n");
    std::os::unix::fs::symlink("toolchains/go1.27.3", lab.p(&format!("{gh}/current")))
        .expect("link");
    assert!(run(&lab.facts(), "default-current-mismatch").is_empty());
    std::fs::remove_file(lab.p(&format!("{gh}/current"))).expect("rm");
    std::os::unix::fs::symlink("toolchains/go1.22.10", lab.p(&format!("{gh}/current")))
        .expect("link");
    let x = one(&lab.facts(), "default-current-mismatch");
    assert!(x.title.contains("go1.27.3"), "{}", x.title);
    assert_eq!(x.fix.commands, ["groot use go1.27.3"]);
    // No default at all, but a `current` left behind.
    std::fs::remove_file(lab.p(&format!("{gh}/default"))).expect("rm");
    let x = one(&lab.facts(), "default-current-mismatch");
    assert_eq!(x.fix.commands, ["groot use system"]);
}

#[test]
fn package_integrity_and_signatures() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin");
    let mut f = lab.facts();
    f.packages = vec![PackageFacts {
        root: "/usr/lib/go-1.22".into(),
        manager: Some("dpkg".into()),
        package: Some("golang-1.22-go".into()),
        integrity: Integrity::Modified {
            files: vec!["??5?????? /usr/lib/go-1.22/VERSION".into()],
        },
        signature: Some(Signature::Invalid {
            message: "invalid signature".into(),
        }),
        ..PackageFacts::default()
    }];
    let m = one(&f, "install-modified");
    assert_eq!(
        m.fix.commands,
        ["sudo apt-get install --reinstall golang-1.22-go"]
    );
    let s = one(&f, "install-signature-invalid");
    assert!(s.evidence[0].value.contains("invalid"));
}

#[test]
fn garbage_everywhere_never_panics() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    let junk = "\u{0}\u{ff}==\n\u{1b}[31m GOROOT\n=\nGOROOT==\n";
    for p in [
        "/home/u/.config/go/env",
        "/home/u/.bashrc",
        "/home/u/.profile",
        "/home/u/go.mod",
        "/etc/os-release",
        "/usr/local/go/VERSION",
        "/usr/local/go/go.env",
        "/home/u/.local/share/groot/cache/index-0.json",
        "/home/u/.cache/groot/index-0.json",
    ] {
        lab.file(p, junk);
    }
    lab.exec("/usr/bin/go");
    std::fs::create_dir_all(lab.p("/etc/paths.d")).expect("mkdir");
    std::os::unix::fs::symlink("loop", lab.p("/home/u/loop")).expect("link");
    lab.var("PATH", "/home/u/loop:/usr/bin:/usr/local/go/bin");
    lab.var("SHELL", "/bin/bash");
    let f = lab.facts();
    let _ = crate::doctor::run_checks(&f, &[]);
    let _ = Path::new("/");
}

#[test]
fn world_writable_goroot() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin:/usr/bin");
    assert!(run(&lab.facts(), "goroot-unsafe-permissions").is_empty());
    for d in ["/usr/local/go", "/usr/local/go/pkg/tool/linux_amd64"] {
        std::fs::set_permissions(lab.p(d), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    }
    let x = one(&lab.facts(), "goroot-unsafe-permissions");
    assert_eq!(x.severity, Severity::Warning);
    assert_eq!(x.evidence.len(), 2, "{x:#?}");
    assert!(x.fix.commands[0].starts_with("chmod -R go-w "), "{x:#?}");
}

#[test]
fn a_deleted_working_directory() {
    let mut lab = Lab::new(Os::Linux);
    lab.tree("/usr/local/go", "go1.27.3");
    lab.var("PATH", "/usr/local/go/bin");
    lab.var("PWD", "/home/u/build");
    assert!(run(&lab.facts(), "cwd-deleted").is_empty());
    lab.host = lab.host.clone().with_cwd_gone();
    let x = one(&lab.facts(), "cwd-deleted");
    assert_eq!(x.severity, Severity::Error);
    assert!(x.title.contains("/home/u/build was deleted"), "{}", x.title);
    assert!(x.evidence.iter().any(|e| e
        .value
        .ends_with("cannot determine current directory: getwd: no such file or directory")));
    assert_eq!(x.fix.commands, ["cd \"$PWD\" || cd .."]);
}
