//! Issue 10, item "g, gvm and Nix/Homebrew symlink farms": these put no launcher program in
//! front of go, only links (g's `~/.g/go -> versions/<v>`, Nix's profile chain into the store,
//! Homebrew's `bin/go -> ../Cellar/go/<v>/bin/go -> ../libexec/bin/go`) or PATH and GOROOT
//! settings (gvm). groot follows them as symlinks, as the kernel and cmd/go do; these tests
//! check against real Go, in each manager's real layout, that `explain` gives what go prints,
//! names the link's target, and that `list` marks exactly that install active.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use support::launchers::{compare, observe, predict, Env};

/// A fresh environment and the newest real Go `(version, GOROOT)`.
fn setup(tmp: &Path) -> Option<(Env, String, PathBuf)> {
    let (v, real) = support::real_gos(1).last()?.clone();
    Some((Env::new(tmp), v, real))
}

/// The checks shared by every layout: real go runs `version`; groot agrees on GOROOT, version
/// and the active install; and the trace names `target` (where the link really leads).
fn check(env: &Env, name: &str, version: &str, target: &Path) -> Vec<String> {
    let cwd = env.home.clone();
    let seen = observe(env, &cwd);
    assert_eq!(
        seen.version.as_deref(),
        Some(format!("go{version}").as_str()),
        "{name}: {seen:?}"
    );
    let mut diff = compare(env, &cwd, name);
    let v = predict(env, &cwd);
    let text = v.to_string();
    let want = std::fs::canonicalize(target).unwrap();
    if !text.contains(&want.display().to_string()) {
        diff.push(format!(
            "{name}: the trace does not name {}",
            want.display()
        ));
    }
    diff
}

#[test]
fn g_current_link() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((mut env, v, real)) = setup(tmp.path()) else {
        return;
    };
    // g (voidint): versions/<v> holds each Go, `go` links to the current one; its env file
    // sets GOROOT to the link and puts `~/.g/go/bin` on PATH.
    let g = env.home.join(".g");
    let tree = g.join("versions").join(&v);
    support::mini_tree(&real, &tree);
    symlink(&tree, g.join("go")).unwrap();
    env.path.push(g.join("go/bin"));
    let mut diff = check(&env, "g without GOROOT", &v, &tree.join("bin/go"));
    let with = env.with("GOROOT", &g.join("go").display().to_string());
    diff.extend(check(
        &with,
        "g with GOROOT=~/.g/go",
        &v,
        &tree.join("bin/go"),
    ));
    assert!(diff.is_empty(), "{}", diff.join("\n"));
}

#[test]
fn gvm_use() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((mut env, v, real)) = setup(tmp.path()) else {
        return;
    };
    // gvm: `gvm use go<v>` exports GVM_ROOT, GOROOT=$GVM_ROOT/gos/go<v> and puts its bin
    // first on PATH (and its pkgsets' GOPATH).
    let root = env.home.join(".gvm");
    let tree = root.join("gos").join(format!("go{v}"));
    support::mini_tree(&real, &tree);
    std::fs::create_dir_all(root.join("bin")).unwrap();
    env.path.push(tree.join("bin"));
    env.path.push(root.join("bin"));
    let env = env
        .with("GVM_ROOT", &root.display().to_string())
        .with("GOROOT", &tree.display().to_string());
    let diff = check(&env, "gvm use", &v, &tree.join("bin/go"));
    assert!(diff.is_empty(), "{}", diff.join("\n"));
}

#[test]
fn nix_profile_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((mut env, v, real)) = setup(tmp.path()) else {
        return;
    };
    // Nix: the go package keeps GOROOT in share/go and links bin/go to it; the user's profile
    // is a chain of links to a user-environment whose bin/go links into the package.
    let store = tmp.path().join("nix/store");
    let pkg = store.join(format!("0000000000000000000000000000000a-go-{v}"));
    support::mini_tree(&real, &pkg.join("share/go"));
    std::fs::create_dir_all(pkg.join("bin")).unwrap();
    symlink("../share/go/bin/go", pkg.join("bin/go")).unwrap();
    let user_env = store.join("0000000000000000000000000000000b-user-environment");
    std::fs::create_dir_all(user_env.join("bin")).unwrap();
    symlink(pkg.join("bin/go"), user_env.join("bin/go")).unwrap();
    let profiles = tmp.path().join("nix/var/nix/profiles/per-user/u");
    std::fs::create_dir_all(&profiles).unwrap();
    symlink(&user_env, profiles.join("profile-3-link")).unwrap();
    symlink("profile-3-link", profiles.join("profile")).unwrap();
    symlink(profiles.join("profile"), env.home.join(".nix-profile")).unwrap();
    env.path.push(env.home.join(".nix-profile/bin"));
    let diff = check(&env, "nix profile", &v, &pkg.join("share/go/bin/go"));
    assert!(diff.is_empty(), "{}", diff.join("\n"));
}

#[test]
fn homebrew_cellar_links() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((mut env, v, real)) = setup(tmp.path()) else {
        return;
    };
    // Linuxbrew: bin/go -> ../Cellar/go/<v>/bin/go -> ../libexec/bin/go; opt/go -> Cellar.
    let brew = tmp.path().join("linuxbrew/.linuxbrew");
    let cellar = brew.join("Cellar/go").join(&v);
    support::mini_tree(&real, &cellar.join("libexec"));
    std::fs::create_dir_all(cellar.join("bin")).unwrap();
    symlink("../libexec/bin/go", cellar.join("bin/go")).unwrap();
    std::fs::create_dir_all(brew.join("bin")).unwrap();
    std::fs::create_dir_all(brew.join("opt")).unwrap();
    symlink(format!("../Cellar/go/{v}"), brew.join("opt/go")).unwrap();
    symlink(format!("../Cellar/go/{v}/bin/go"), brew.join("bin/go")).unwrap();
    env.path.push(brew.join("bin"));
    let diff = check(&env, "homebrew", &v, &cellar.join("libexec/bin/go"));
    assert!(diff.is_empty(), "{}", diff.join("\n"));
}
