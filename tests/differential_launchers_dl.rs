//! Differential tests for golang.org/dl wrappers (issue 10): a wrapper built by real Go from a
//! tiny main package in a module named `golang.org/dl/go<V>` (test data that behaves as
//! golang.org/dl's `internal/version.Run` does: `$HOME/sdk/go<V>`, `.unpacked-success`,
//! GOROOT and PATH), run as the `go` on PATH and as the target of cmd/go's toolchain switch.
//! groot must predict what real go prints through it, and mark that install active.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use support::launchers::{compare, observe, predict, Env};

const MAIN: &str = r#"package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

const version = "VERSION"

func main() {
	root := filepath.Join(os.Getenv("HOME"), "sdk", version)
	if _, err := os.Stat(filepath.Join(root, ".unpacked-success")); err != nil {
		fmt.Fprintf(os.Stderr, "%s: not downloaded. Run '%s download' to install to %v\n", version, version, root)
		os.Exit(1)
	}
	newPath := filepath.Join(root, "bin")
	if p := os.Getenv("PATH"); p != "" {
		newPath += string(filepath.ListSeparator) + p
	}
	cmd := exec.Command(filepath.Join(root, "bin", "go"), os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "GOROOT="+root, "PATH="+newPath)
	err := cmd.Run()
	if e, ok := err.(*exec.ExitError); ok {
		os.Exit(e.ExitCode())
	} else if err != nil {
		os.Exit(1)
	}
}
"#;

/// gotip's wrapper: `~/sdk/gotip`, checks for `bin/go`, sets GOTOOLCHAIN=auto when unset.
const TIP_MAIN: &str = r#"package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

func main() {
	root := filepath.Join(os.Getenv("HOME"), "sdk", "gotip")
	gobin := filepath.Join(root, "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		fmt.Fprintf(os.Stderr, "gotip: not downloaded. Run 'gotip download' to install to %v\n", root)
		os.Exit(1)
	}
	newPath := filepath.Join(root, "bin")
	if p := os.Getenv("PATH"); p != "" {
		newPath += string(filepath.ListSeparator) + p
	}
	env := append(os.Environ(), "GOROOT="+root, "PATH="+newPath)
	if _, ok := os.LookupEnv("GOTOOLCHAIN"); !ok {
		env = append(env, "GOTOOLCHAIN=auto")
	}
	cmd := exec.Command(gobin, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = env
	err := cmd.Run()
	if e, ok := err.(*exec.ExitError); ok {
		os.Exit(e.ExitCode())
	} else if err != nil {
		os.Exit(1)
	}
}
"#;

/// Builds `main` as the main package of module `golang.org/dl/<name>` with the oldest real Go
/// (so its own build info says another version than the Go it runs), once: kept between runs,
/// keyed by the source. Returns the binary and the builder's version.
fn build(name: &str, main: &str) -> Option<(PathBuf, String)> {
    let gos = support::real_gos(2);
    if gos.len() < 2 {
        return None;
    }
    let (builder_v, builder) = &gos[0];
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (main, name, builder_v).hash(&mut h);
        h.finish()
    };
    let dir = std::env::temp_dir().join(format!("groot-dl-wrapper-{key:x}"));
    let out_bin = dir.join(name);
    if out_bin.is_file() {
        return Some((out_bin, format!("go{builder_v}")));
    }
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("go.mod"),
        format!("module golang.org/dl/{name}\n\ngo 1.21\n"),
    )
    .unwrap();
    std::fs::write(src.join("main.go"), main).unwrap();
    let tmp_bin = dir.join(format!("{name}.{}", std::process::id()));
    // A GOCACHE that outlives the test: the first build compiles the standard library, later
    // ones take a second.
    let gocache = support::go_cache()
        .parent()
        .map(|p| p.join("go-build"))
        .unwrap_or_else(|| dir.join("gocache"));
    let out = std::process::Command::new(builder.join("bin/go"))
        .args(["build", "-o"])
        .arg(&tmp_bin)
        .arg(".")
        .current_dir(&src)
        .env_clear()
        .env("HOME", &dir)
        .env("PATH", "/usr/bin:/bin")
        .env("GOCACHE", &gocache)
        .env("GOPATH", dir.join("gopath"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("CGO_ENABLED", "0")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "building {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::rename(&tmp_bin, &out_bin).unwrap();
    Some((out_bin, format!("go{builder_v}")))
}

/// The wrapper for the newest real Go, built once per test binary:
/// `(wrapper, its version, builder's version)`.
fn wrapper() -> Option<&'static (PathBuf, String, String)> {
    static BUILT: OnceLock<Option<(PathBuf, String, String)>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let gos = support::real_gos(2);
            let version = format!("go{}", gos.last()?.0);
            let (bin, builder) = build(&version, &MAIN.replace("VERSION", &version))?;
            Some((bin, version, builder))
        })
        .as_ref()
}

/// A HOME with `~/go/bin/go<V>` (the wrapper) and `~/sdk/go<V>` (a tree of the real Go V,
/// downloaded when `downloaded`).
fn setup(tmp: &Path, downloaded: bool) -> Option<(Env, PathBuf, String, String)> {
    let (bin, version, builder) = wrapper()?;
    let env = Env::new(tmp);
    let gobin = env.home.join("go/bin");
    std::fs::create_dir_all(&gobin).unwrap();
    std::fs::copy(bin, gobin.join(version)).unwrap();
    let real = support::real_gos(2)
        .into_iter()
        .find(|(v, _)| format!("go{v}") == *version)
        .map(|(_, p)| p)?;
    let sdk = env.home.join("sdk").join(version);
    support::mini_tree(&real, &sdk);
    if downloaded {
        std::fs::write(sdk.join(".unpacked-success"), "").unwrap();
    }
    Some((env, gobin, version.clone(), builder.clone()))
}

#[test]
fn dl_wrapper_as_go_on_path() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((mut env, gobin, version, builder)) = setup(tmp.path(), true) else {
        return;
    };
    // `ln -s ~/go/bin/go<V> ~/bin/go`.
    let bin = env.home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(gobin.join(&version), bin.join("go")).unwrap();
    env.path.push(bin);
    let cwd = env.home.clone();
    let seen = observe(&env, &cwd);
    assert_eq!(seen.version.as_deref(), Some(version.as_str()), "{seen:?}");
    let mut diff = compare(&env, &cwd, "wrapper as go");
    let v = predict(&env, &cwd);
    assert_eq!(v["launchers"][0]["kind"], "dl", "{v:#}");
    assert_eq!(v["launchers"][0]["version"], version.as_str(), "{v:#}");
    assert_ne!(version, builder);

    // Not downloaded: the wrapper's own message.
    std::fs::remove_file(
        env.home
            .join("sdk")
            .join(&version)
            .join(".unpacked-success"),
    )
    .unwrap();
    diff.extend(compare(&env, &cwd, "wrapper not downloaded"));
    assert!(observe(&env, &cwd).error.is_some());
    assert!(diff.is_empty(), "{}", diff.join("\n"));
}

#[test]
fn dl_wrapper_as_toolchain_switch_target() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((mut env, gobin, version, builder)) = setup(tmp.path(), true) else {
        return;
    };
    // The go on PATH is the builder (a Go that switches), then ~/go/bin with the wrapper.
    let gos = support::real_gos(2);
    let builder_root = gos
        .iter()
        .find(|(v, _)| format!("go{v}") == builder)
        .map(|(_, p)| p.clone())
        .unwrap();
    let local = tmp.path().join("local");
    support::mini_tree(&builder_root, &local);
    env.path.push(local.join("bin"));
    env.path.push(gobin);
    let cwd = env.home.clone();
    let mut diff = Vec::new();

    let switched = env.with("GOTOOLCHAIN", &version);
    let seen = observe(&switched, &cwd);
    assert_eq!(seen.version.as_deref(), Some(version.as_str()), "{seen:?}");
    diff.extend(compare(&switched, &cwd, "GOTOOLCHAIN=goV"));
    let v = predict(&switched, &cwd);
    let text = v["steps"].to_string();
    assert!(text.contains("golang.org/dl wrapper"), "{v:#}");

    // A go.mod asking for it (GOTOOLCHAIN=auto from the local go.env).
    let proj = env.home.join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    let minor: String = builder
        .trim_start_matches("go")
        .rsplit_once('.')
        .map(|(a, _)| a.to_owned())
        .unwrap();
    std::fs::write(
        proj.join("go.mod"),
        format!("module m\n\ngo {minor}\n\ntoolchain {version}\n"),
    )
    .unwrap();
    let auto = env.with("GOTOOLCHAIN", "auto");
    let seen = observe(&auto, &proj);
    assert_eq!(seen.version.as_deref(), Some(version.as_str()), "{seen:?}");
    diff.extend(compare(&auto, &proj, "toolchain line"));

    // Not downloaded: go runs the wrapper, which fails.
    std::fs::remove_file(
        env.home
            .join("sdk")
            .join(&version)
            .join(".unpacked-success"),
    )
    .unwrap();
    diff.extend(compare(&switched, &cwd, "switch, not downloaded"));
    assert!(diff.is_empty(), "{}", diff.join("\n"));
}

#[test]
fn gotip_wrapper() {
    let tmp = tempfile::tempdir().unwrap();
    let gos = support::real_gos(2);
    let Some((v, real)) = gos.last().cloned() else {
        return;
    };
    let Some((tip, _)) = build("gotip", TIP_MAIN) else {
        return;
    };
    let mut env = Env::new(tmp.path());
    let bin = env.home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(&tip, bin.join("go")).unwrap();
    env.path.push(bin);
    let cwd = env.home.clone();
    // Not built yet: gotip checks for bin/go.
    let mut diff = compare(&env, &cwd, "gotip not downloaded");
    support::mini_tree(&real, &env.home.join("sdk/gotip"));
    let seen = observe(&env, &cwd);
    assert_eq!(seen.version, Some(format!("go{v}")), "{seen:?}");
    diff.extend(compare(&env, &cwd, "gotip"));
    let v = predict(&env, &cwd);
    assert_eq!(v["launchers"][0]["version"], "gotip", "{v:#}");
    assert!(diff.is_empty(), "{}", diff.join("\n"));
}
