//! Fault injection (issue 6): real groot processes killed with SIGKILL at random points of an
//! install and of `groot fix`, a disk that fills up during extraction, four installs of one
//! version at once, and `groot fix` racing an editor. Each test is bounded in time and prints
//! its figures (`cargo test --test fault_injection -- --nocapture`); docs/reliability.md
//! records them. `GROOT_FAULT_SEED=<n>` replays one sequence of kill points.
//!
//! Installs run the real `groot install` against the loopback server of `support`, with a real
//! Go archive.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use groot::dist::{store::ToolchainKind, Silent, Store};
use support::*;

const FILE: &str = ARCHIVE_FILE;
const NAME: &str = "go1.22.10";
/// Kill points per SIGKILL test (the issue asks for at least 50).
const KILL_RUNS: u32 = 60;
/// Wall-clock budget of one SIGKILL test; it fails if fewer than 50 runs fit.
const BUDGET: Duration = Duration::from_secs(90);

/// A xorshift64 sequence from `GROOT_FAULT_SEED` or the clock (printed, to replay a failure).
fn rng(what: &str) -> impl FnMut() -> u64 {
    let seed = std::env::var("GROOT_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("{what}: GROOT_FAULT_SEED={seed}");
    let mut x = seed | 1;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// The tests of this file run one at a time: they time real processes.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The median wall time of three runs of `run`.
fn median_time(mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[1]
}

/// Kill delays spread over `0..span`: one random point in each of `n` equal slices, so that
/// every phase (start-up, download, extraction, commit) gets some.
fn kill_points(n: u32, span: Duration, next: &mut impl FnMut() -> u64) -> Vec<Duration> {
    let slice = (span.as_micros() as u64 / u64::from(n)).max(1);
    (0..u64::from(n))
        .map(|i| Duration::from_micros(i * slice + next() % slice))
        .collect()
}

/// Starts `cmd`, SIGKILLs it after `delay`; true when it was still running (a real kill).
fn kill_after(mut cmd: Command, delay: Duration) -> bool {
    let mut child = cmd.spawn().unwrap();
    std::thread::sleep(delay);
    let running = child.try_wait().unwrap().is_none();
    child.kill().unwrap_or(()); // SIGKILL
    child.wait().unwrap();
    running
}

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------------
// Installs.

struct Rig {
    server: Server,
    archive: PathBuf,
}

fn rig() -> Option<Rig> {
    let (server, archive) = serve_release(Fault::None)?;
    Some(Rig { server, archive })
}

fn groot_dist(home: &Path, rig: &Rig) -> Command {
    let mut cmd = Command::new(std::path::PathBuf::from(env!("CARGO_BIN_EXE_groot")));
    cmd.env_clear()
        .env("GROOT_HOME", home)
        .env("GROOT_INDEX_URL", rig.server.url("index.json"))
        .env("GROOT_MIRROR", rig.server.base())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn install_cmd(home: &Path, rig: &Rig) -> Command {
    let mut cmd = groot_dist(home, rig);
    cmd.args(["install", GO_VERSION, "--arch", "amd64"]);
    cmd
}

/// Names in `toolchains/` that are not complete, intact managed installs.
fn half_installed(home: &Path) -> Vec<String> {
    let store = Store::new(home.to_owned());
    let names: Vec<String> = fs::read_dir(home.join("toolchains"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names
        .into_iter()
        .filter(|name| {
            !store.get(name).ok().flatten().is_some_and(|t| {
                matches!(t.kind, ToolchainKind::Managed(_))
                    && store.verify(name).is_ok_and(|r| r.is_intact())
            })
        })
        .collect()
}

#[test]
fn sigkill_at_random_points_of_an_install() {
    let Some(rig) = rig() else {
        return;
    };
    let _serial = serial();
    let full = median_time(|| {
        let probe = tempfile::tempdir().unwrap();
        ok(
            &install_cmd(probe.path(), &rig).output().unwrap(),
            "probe install",
        );
    });

    let home = tempfile::tempdir().unwrap();
    let store = Store::new(home.path().to_owned());
    let mut next = rng("install kills");
    let points = kill_points(KILL_RUNS, full.mul_f64(0.9), &mut next);
    let began = Instant::now();
    let (mut runs, mut killed, mut half) = (0, 0, 0);
    for (run, delay) in points.into_iter().enumerate() {
        if began.elapsed() > BUDGET {
            break;
        }
        runs += 1;
        killed += u32::from(kill_after(install_cmd(home.path(), &rig), delay));
        let bad = half_installed(home.path());
        if !bad.is_empty() {
            half += 1;
            eprintln!("run {run} (kill at {delay:?}): half-installed {bad:?}");
        }
        // The next run succeeds and leaves a complete, intact toolchain.
        ok(
            &install_cmd(home.path(), &rig).output().unwrap(),
            "install after a kill",
        );
        assert!(store.verify(NAME).unwrap().is_intact(), "run {run}");
        store.uninstall(NAME, &Silent).unwrap();
    }
    let staging: Vec<_> = store
        .leftovers()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".staging-"))
        .collect();
    eprintln!(
        "install: full run {full:?}; {runs} runs, {killed} killed mid-install, {} finished \
         first, {half} left something half-installed; staging left after the last run: {}",
        runs - killed,
        staging.len()
    );
    assert_eq!(half, 0, "runs that left something half-installed");
    assert!(runs >= 50, "only {runs} runs fit in {BUDGET:?}");
    assert!(killed >= runs / 2, "too few kills landed mid-install");
    assert!(staging.is_empty(), "{staging:?}");
}

#[test]
fn four_parallel_installs_of_one_version() {
    let _serial = serial();
    let Some(rig) = rig() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| install_cmd(home.path(), &rig).spawn().unwrap())
        .collect();
    for c in children {
        ok(&c.wait_with_output().unwrap(), "parallel install");
    }
    let store = Store::new(home.path().to_owned());
    let listed: Vec<String> = store.list().unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(listed, [NAME]);
    assert!(store.verify(NAME).unwrap().is_intact());
    let downloads = rig.server.requests_for(FILE).len();
    eprintln!("4 parallel installs: all succeeded, {downloads} download(s), 1 toolchain");
    assert_eq!(
        downloads, 1,
        "the lock makes the others wait and reuse the install"
    );
    assert!(half_installed(home.path()).is_empty());
}

/// A filesystem of `size` bytes at `dir`, unmounted on drop; `None` when this machine does not
/// allow mounting (not root, no CAP_SYS_ADMIN, not Linux).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: u64) -> Option<Tmpfs> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        fs::create_dir_all(dir).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Tmpfs(dir.to_owned()))
    }

    fn resize(&self, size: u64) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Bytes in use under `dir` (files only).
fn used(dir: &Path) -> u64 {
    let mut total = 0;
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let meta = fs::symlink_metadata(e.path()).unwrap();
        total += if meta.is_dir() {
            used(&e.path())
        } else {
            meta.len()
        };
    }
    total
}

#[test]
fn disk_full_during_extraction() {
    let _serial = serial();
    let Some(rig) = rig() else {
        return;
    };
    let sha = sha256_of(&rig.archive);
    let base = tempfile::tempdir().unwrap();
    let home = base.path().join("fs/home");
    let from_archive = |home: &Path| {
        let mut cmd = groot_dist(home, &rig);
        cmd.args(["install", "--from-archive"])
            .arg(&rig.archive)
            .args(["--sha256", &sha]);
        cmd
    };
    // The archive is read from outside; only extraction writes to the small filesystem.
    let archive_len = fs::metadata(&rig.archive).unwrap().len();
    let small = archive_len / 2;
    let mounted = Tmpfs::mount(&base.path().join("fs"), small);
    let (out, how) = match &mounted {
        Some(fs_) => {
            let out = from_archive(&home).output().unwrap();
            let left = used(&base.path().join("fs"));
            assert!(
                !out.status.success(),
                "an install cannot fit in {small} bytes"
            );
            assert_nothing_installed(&home);
            assert_eq!(left, 0, "a failed extraction leaves its staging behind");
            // Room again: the same install now succeeds.
            fs_.resize(archive_len * 8);
            ok(&from_archive(&home).output().unwrap(), "install with room");
            (out, format!("a {small}-byte tmpfs"))
        }
        None => {
            // No mount here: the same write error through RLIMIT_FSIZE (EFBIG, with SIGXFSZ
            // ignored), which stops the largest file (bin/go) part-way.
            let mut cmd = Command::new("sh");
            cmd.arg("-c")
                .arg(format!(
                    "trap '' XFSZ; ulimit -f {}; exec \"$0\" \"$@\"",
                    small / 1024
                ))
                .arg(std::path::PathBuf::from(env!("CARGO_BIN_EXE_groot")))
                .args(from_archive(&home).get_args())
                .env_clear()
                .env("GROOT_HOME", &home)
                .stdin(Stdio::null());
            let out = cmd.output().unwrap();
            assert!(!out.status.success());
            assert_nothing_installed(&home);
            ok(
                &from_archive(&home).output().unwrap(),
                "install without a limit",
            );
            (out, "RLIMIT_FSIZE (no tmpfs mount allowed)".to_owned())
        }
    };
    let err = String::from_utf8_lossy(&out.stderr);
    eprintln!("disk full ({how}): {}", err.trim());
    assert!(
        err.contains("No space left") || err.contains("too large") || err.contains("cannot write"),
        "{err}"
    );
    let store = Store::new(home.clone());
    assert!(store.verify(NAME).unwrap().is_intact());
    drop(mounted);
}

// ---------------------------------------------------------------------------------------------
// groot fix.

/// A temp HOME with a real Go at `~/sdk/go` and startup files that `groot fix` must change in
/// three places: a PATH line only in a non-login file, a stale GOROOT export, and a GOROOT line
/// in the go env file.
struct FixHome {
    _tmp: tempfile::TempDir,
    home: PathBuf,
}

const BASHRC: &str = "# ~/.bashrc\ncase $- in\n    *i*) ;;\n      *) return;;\nesac\n\
export PATH=\"$HOME/sdk/go/bin:$PATH\"\nexport GOROOT=/old/Cellar/go/1.19.2/libexec\n";
const BASH_PROFILE: &str = "export EDITOR=vi\n";
const GO_ENV: &str = "GOFLAGS=-mod=mod\nGOROOT=/nonexistent/go\n";

impl FixHome {
    fn new() -> Option<FixHome> {
        if !Path::new("/usr/bin/bash").exists() {
            eprintln!("skipping: no /usr/bin/bash");
            return None;
        }
        let gos = real_gos(1);
        let (_, real) = gos.first()?;
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        mini_tree(real, &home.join("sdk/go"));
        let h = FixHome { _tmp: tmp, home };
        h.put(".bashrc", BASHRC);
        h.put(".bash_profile", BASH_PROFILE);
        h.put(".config/go/env", GO_ENV);
        Some(h)
    }

    fn put(&self, rel: &str, text: &str) {
        let p = self.home.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn groot(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_groot"));
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("SHELL", "/usr/bin/bash")
            .env("USER", "u")
            .env("PATH", "/usr/bin:/bin")
            .env("NO_COLOR", "1")
            .current_dir(&self.home)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd
    }

    /// The user's files (groot's own data dir and the Go tree left out), bytes by path.
    fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for e in fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                let rel = p.strip_prefix(base).unwrap().to_path_buf();
                if rel.starts_with(".local/share/groot") || rel.starts_with("sdk") {
                    continue;
                }
                if e.file_type().unwrap().is_dir() {
                    walk(&p, base, out);
                } else {
                    out.insert(rel, fs::read(&p).unwrap_or_default());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.home, &self.home, &mut out);
        out
    }
}

#[test]
fn sigkill_at_random_points_of_a_fix() {
    let _serial = serial();
    let Some(h) = FixHome::new() else {
        return;
    };
    let original = h.files();
    ok(&h.groot(&["fix", "--yes"]).output().unwrap(), "fix");
    let fixed = h.files();
    let changed: Vec<_> = fixed
        .iter()
        .filter(|(p, b)| original.get(*p) != Some(b))
        .map(|(p, _)| p.clone())
        .collect();
    assert!(
        changed.len() >= 2,
        "the fix must touch several files: {changed:?}"
    );
    ok(&h.groot(&["fix", "--undo"]).output().unwrap(), "undo");
    assert_eq!(h.files(), original, "undo restores every byte");

    let full = median_time(|| {
        ok(&h.groot(&["fix", "--yes"]).output().unwrap(), "timed fix");
        ok(&h.groot(&["fix", "--undo"]).output().unwrap(), "undo");
    }) / 2;

    let mut next = rng("fix kills");
    let points = kill_points(KILL_RUNS, full.mul_f64(0.9), &mut next);
    let began = Instant::now();
    let (mut runs, mut killed, mut mixed, mut partial, mut litter) = (0, 0, 0, 0, 0);
    for (run, delay) in points.into_iter().enumerate() {
        if began.elapsed() > BUDGET {
            break;
        }
        runs += 1;
        killed += u32::from(kill_after(h.groot(&["fix", "--yes"]), delay));
        let now = h.files();
        // Every user file is either as it was or exactly as the fix writes it.
        let mut n_fixed = 0;
        for (path, bytes) in &now {
            let before = original.get(path);
            let after = fixed.get(path);
            if after == Some(bytes) && before != Some(bytes) {
                n_fixed += 1;
            } else if before != Some(bytes) {
                if path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(".groot-"))
                {
                    litter += 1;
                } else {
                    mixed += 1;
                    eprintln!(
                        "run {run} (kill at {delay:?}): {} is neither",
                        path.display()
                    );
                }
            }
        }
        if n_fixed > 0 && n_fixed < changed.len() {
            partial += 1;
        }
        // --undo puts every byte back (or finds nothing to undo when the kill came first).
        ok(
            &h.groot(&["fix", "--undo"]).output().unwrap(),
            "undo after a kill",
        );
        let restored: BTreeMap<_, _> = h
            .files()
            .into_iter()
            .filter(|(p, _)| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(".groot-"))
            })
            .collect();
        assert_eq!(
            restored, original,
            "run {run}: undo after a kill at {delay:?}"
        );
    }
    eprintln!(
        "fix: full run {full:?}; {runs} runs, {killed} killed mid-fix, {} finished first; \
         {mixed} files neither original nor fixed; {partial} runs stopped between files \
         (undone by --undo); {litter} temp files left by a kill",
        runs - killed
    );
    // A kill between creating a temp file and renaming it leaves the temp file; the next
    // groot write in that directory removes it.
    ok(&h.groot(&["fix", "--yes"]).output().unwrap(), "fix");
    ok(&h.groot(&["fix", "--undo"]).output().unwrap(), "undo");
    let left: Vec<_> = h
        .files()
        .into_keys()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".groot-"))
        })
        .collect();
    eprintln!(
        "fix: temp files after the next fix and undo: {}",
        left.len()
    );
    assert_eq!(mixed, 0, "a file was left neither original nor fixed");
    assert!(left.is_empty(), "temp files never cleaned: {left:?}");
    assert!(runs >= 50, "only {runs} runs fit in {BUDGET:?}");
    assert!(killed >= runs / 2, "too few kills landed mid-fix");
}

#[test]
fn fix_racing_an_editor() {
    let _serial = serial();
    let Some(h) = FixHome::new() else {
        return;
    };
    let rc = h.home.join(".bashrc");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The "editor" saves its own buffer of ~/.bashrc (the original plus one more line each
    // time) every few milliseconds, as editors do (a temp file renamed over it). Each save
    // undoes groot's fix, so every `fix --yes` has work to do and races a save. Before each
    // save it looks at the disk: its previous line must be there. If not, groot wrote a fix of
    // an older version over the editor's save: an edit was lost.
    let editor = {
        let rc = rc.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut buffer = BASHRC.to_owned();
            let (mut n, mut lost, mut transient) = (0u32, Vec::new(), 0u32);
            let has = |n: u32| {
                fs::read_to_string(&rc)
                    .unwrap()
                    .contains(&format!("# edit {n}\n"))
            };
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // A save is lost when a later look at the file no longer finds it. A look in the
                // instant between groot's swap and its swap-back sees groot's file; the save is
                // back a moment later, so look again before calling it lost.
                if n > 0 && !has(n) {
                    std::thread::sleep(Duration::from_millis(50));
                    if has(n) {
                        transient += 1;
                    } else {
                        lost.push(n);
                    }
                }
                n += 1;
                buffer.push_str(&format!("# edit {n}\n"));
                let tmp = rc.with_extension(format!("swp{n}"));
                fs::write(&tmp, &buffer).unwrap();
                fs::rename(&tmp, &rc).unwrap();
                // Bursts and pauses (0.5 to 40 ms), so that some fixes get through.
                let pause = if n % 8 == 0 {
                    40_000
                } else {
                    500 + u64::from(n) * 7919 % 5000
                };
                std::thread::sleep(Duration::from_micros(pause));
            }
            (n, lost, transient)
        })
    };
    let (mut applied, mut refused) = (0, 0);
    let began = Instant::now();
    while began.elapsed() < Duration::from_secs(10) {
        let out = h.groot(&["fix", "--yes"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            applied += 1;
            continue;
        }
        // Both refusals: the file changed after the plan was made (found at the write), or
        // between reading the gaps and planning (a line to comment out is gone).
        assert!(
            err.contains("changed since the plan") || err.contains("any more; run groot fix again"),
            "a fix racing an editor fails only by refusing: {err}"
        );
        refused += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (saves, lost, transient) = editor.join().unwrap();
    let text = fs::read_to_string(&rc).unwrap();
    eprintln!(
        "fix vs editor: {saves} editor saves, {applied} fixes applied, {refused} refused as \
         changed since the plan; {} editor saves overwritten; {transient} seen in the instant \
         before groot swapped them back",
        lost.len()
    );
    assert!(lost.is_empty(), "editor saves lost: {lost:?} of {saves}");
    assert!(applied > 0 && refused > 0, "the race was not exercised");
    assert!(text.contains(&format!("# edit {saves}\n")));
}
