//! A real install process killed with SIGKILL at random moments never leaves anything that
//! looks installed, and the next install succeeds.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use groot::dist::{store::ToolchainKind, Silent, Store};
use support::*;

const RUNS: u32 = 24;

fn install_cmd(server: &Server, home: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_groot"));
    cmd.args(["install", GO_VERSION, "--arch", "amd64"])
        .env_clear()
        .env("GROOT_HOME", home)
        .env("GROOT_INDEX_URL", server.url("index.json"))
        .env("GROOT_MIRROR", server.base())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn sigkill_at_random_points_leaves_no_half_install() {
    let Some((server, _archive)) = serve_release(Fault::None) else {
        return;
    };

    // How long one whole install takes here, to spread the kills over it.
    let probe = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = install_cmd(&server, probe.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let full = started.elapsed();

    let home = tempfile::tempdir().unwrap();
    let store = Store::new(home.path().to_owned());
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("full install takes {full:?}; kill seed {seed}");
    let mut rng = seed | 1;
    let mut next = move || {
        // xorshift64
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let (mut killed, mut finished, mut half) = (0, 0, 0);
    for run in 0..RUNS {
        let delay = Duration::from_micros(next() % (full.as_micros() as u64 * 11 / 10).max(1));
        let mut child = install_cmd(&server, home.path()).spawn().unwrap();
        std::thread::sleep(delay);
        let exited = child.try_wait().unwrap().is_some();
        child.kill().unwrap_or(()); // SIGKILL
        let status = child.wait().unwrap();
        if exited {
            finished += 1;
        } else {
            killed += 1;
        }
        // Invariant: everything in toolchains/ is a complete toolchain that verifies intact.
        let entries: Vec<_> = std::fs::read_dir(home.path().join("toolchains"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        for name in &entries {
            let complete = store.get(name).unwrap().is_some_and(|t| {
                matches!(t.kind, ToolchainKind::Managed(_))
                    && store.verify(name).is_ok_and(|r| r.is_intact())
            });
            if !complete {
                half += 1;
                eprintln!(
                    "run {run}: {name} looks installed but is not complete ({status:?}, {delay:?})"
                );
            }
        }
        // And what a user sees: `groot list` shows no groot install that is not healthy.
        let listed = Command::new(env!("CARGO_BIN_EXE_groot"))
            .args(["list", "--json"])
            .env_clear()
            .env("GROOT_HOME", home.path())
            .env("HOME", home.path())
            .env("PATH", "/usr/bin:/bin")
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
        for i in v["installs"].as_array().unwrap() {
            let ours = i["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["kind"] == "groot");
            let healthy = i["health"]["missing"].as_array().is_some_and(Vec::is_empty)
                && i["health"]["problems"]
                    .as_array()
                    .is_some_and(Vec::is_empty);
            if ours && !healthy {
                half += 1;
                eprintln!("run {run}: groot list shows a broken install: {i}");
            }
        }
        // Start over from nothing installed (leftovers in tmp/ stay, on purpose).
        if store.get("go1.22.10").unwrap().is_some() {
            store.uninstall("go1.22.10", &Silent).unwrap();
        }
    }
    eprintln!("{killed} killed, {finished} finished before the kill, {half} half installs");
    assert_eq!(half, 0, "runs that left something that looks installed");
    assert!(
        killed >= RUNS / 3,
        "too few kills landed mid-install: {killed}"
    );

    // Two installers at once: killing the one that holds the lock lets the other finish.
    for _ in 0..4 {
        if store.get("go1.22.10").unwrap().is_some() {
            store.uninstall("go1.22.10", &Silent).unwrap();
        }
        let mut first = install_cmd(&server, home.path()).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(
            next() % (full.as_micros() as u64 / 2).max(1),
        ));
        let second = install_cmd(&server, home.path()).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(
            next() % (full.as_micros() as u64 / 2).max(1),
        ));
        first.kill().unwrap_or(());
        first.wait().unwrap();
        let out = second.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(store.verify("go1.22.10").unwrap().is_intact());
    }

    // The next install succeeds, verifies intact, and cleans the staging leftovers.
    let out = install_cmd(&server, home.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(store.verify("go1.22.10").unwrap().is_intact());
    let staging: Vec<_> = store
        .leftovers()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".staging-"))
        .collect();
    assert!(staging.is_empty(), "{staging:?}");
}

/// Issue 12, item 3: `install --reinstall` killed at any moment leaves the version installed,
/// complete and intact. The old tree is given a few thousand extra files (`groot verify` calls
/// them extra, not damage) so that deleting it takes a while: before the fix the old tree was
/// deleted first and the new one renamed in after, and a kill in that window (0.4–0.8 s on a
/// real toolchain) left the version uninstalled.
#[test]
fn sigkill_during_reinstall_always_leaves_a_complete_install() {
    let Some((server, _archive)) = serve_release(Fault::None) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let store = Store::new(home.path().to_owned());
    let out = install_cmd(&server, home.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = home.path().join("toolchains/go1.22.10");
    let bulk_up = || {
        let extra = root.join("extra");
        if extra.exists() {
            return;
        }
        for d in 0..40 {
            let dir = extra.join(d.to_string());
            std::fs::create_dir_all(&dir).unwrap();
            for f in 0..100 {
                std::fs::write(dir.join(f.to_string()), b"x").unwrap();
            }
        }
    };
    let reinstall = || {
        let mut cmd = install_cmd(&server, home.path());
        cmd.arg("--reinstall");
        cmd
    };
    bulk_up();
    let started = Instant::now();
    let out = reinstall().output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let full = started.elapsed();

    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("a reinstall over 4000 extra files takes {full:?}; kill seed {seed}");
    let mut rng = seed | 1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let runs = 16u64;
    let (mut killed, mut missing) = (0, 0);
    for run in 0..runs {
        bulk_up();
        // One kill point in each of `runs` slices of the run, so the end (commit) gets some.
        let slice = full.as_micros() as u64 / runs;
        let delay = Duration::from_micros(run * slice + next() % slice.max(1));
        let mut child = reinstall().spawn().unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        child.kill().unwrap_or(());
        child.wait().unwrap();
        let ok = store.get("go1.22.10").unwrap().is_some()
            && store.verify("go1.22.10").is_ok_and(|r| r.is_intact());
        if !ok {
            missing += 1;
            eprintln!("run {run}: killed after {delay:?}, go1.22.10 is not installed intact");
            // Put it back for the next run.
            let out = install_cmd(&server, home.path()).output().unwrap();
            assert!(out.status.success());
        }
    }
    eprintln!("{killed} of {runs} reinstalls killed mid-way; {missing} left no complete install");
    assert_eq!(missing, 0, "reinstalls that left the version uninstalled");
    assert!(killed >= runs as u32 / 3, "too few kills landed: {killed}");
    // What the killed runs left in tmp/ is removed by the next install.
    let out = reinstall().output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(home.path().join("tmp"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| !n.to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A run killed while it deletes what a dead run left in `tmp/` leaves it still marked (or
/// empty), so the next run finishes the job. Before the fix the marks could go first (the
/// order `remove_dir_all` happens to read the directory in), and a kill after that left a
/// non-empty unmarked staging directory that no later run would touch: the flake seen once in
/// `sigkill_at_random_points_leaves_no_half_install`.
#[test]
fn a_kill_while_cleaning_tmp_leaves_nothing_unmarked() {
    let Some((server, _archive)) = serve_release(Fault::None) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let out = install_cmd(&server, home.path()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A pid that is gone: a child that ran and was reaped.
    let mut gone = Command::new("true").spawn().unwrap();
    let dead_pid = gone.id();
    gone.wait().unwrap();
    let tmp = home.path().join("tmp");
    let leave_dead_staging = |n: u32| {
        let dir = tmp.join(format!("go1.22.10.staging-{dead_pid}-t{n}"));
        for d in 0..24 {
            let sub = dir.join(format!("d{d}"));
            std::fs::create_dir_all(&sub).unwrap();
            for f in 0..60 {
                std::fs::write(sub.join(f.to_string()), b"x").unwrap();
            }
        }
        std::fs::write(dir.join(groot::dist::store::TMP_MARK), b"").unwrap();
        dir
    };
    leave_dead_staging(0);
    let started = Instant::now();
    let out = install_cmd(&server, home.path()).output().unwrap();
    assert!(out.status.success());
    let full = started.elapsed();
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "not cleaned");

    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("an install that cleans one dead staging dir takes {full:?}; kill seed {seed}");
    let mut rng = seed | 1;
    let mut unmarked = Vec::new();
    for run in 1..=20u32 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let dir = leave_dead_staging(run);
        let delay = Duration::from_micros(rng % (full.as_micros() as u64).max(1));
        let mut child = install_cmd(&server, home.path()).spawn().unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap_or(());
        child.wait().unwrap();
        let empty = std::fs::read_dir(&dir).map_or(true, |mut d| d.next().is_none());
        if !empty && !groot::dist::store::carries_mark(&dir) {
            let inside: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.file_name())
                .collect();
            unmarked.push(format!("run {run} (killed after {delay:?}): {inside:?}"));
        }
    }
    assert!(unmarked.is_empty(), "non-empty, unmarked: {unmarked:?}");
    let out = install_cmd(&server, home.path()).output().unwrap();
    assert!(out.status.success());
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
