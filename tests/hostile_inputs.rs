//! Regression tests for the second security review (issue 12): hostile files, hostile
//! archives, slow servers and weak messages, each tried as an attacker would, against the real
//! groot binary. Every run is bounded (`ulimit -v`, a kill timeout), so a regression fails the
//! test instead of eating the machine. See SECURITY.md ("Second review").
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod support;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

/// Address-space limit for each groot run, KiB (1 GiB: groot needs a few tens of MB).
const MEMORY_KIB: u64 = 1 << 20;
/// Each groot run is killed after this long.
const TIMEOUT_S: u64 = 30;
/// Marks `/usr/bin/time`'s line on stderr.
const RSS_TAG: &str = "hostile-inputs-max-rss-kib=";

struct World {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    groot: PathBuf,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(dir.join("home")).unwrap();
        std::fs::create_dir_all(dir.join("gh")).unwrap();
        std::fs::create_dir_all(dir.join("p")).unwrap();
        let groot = Command::cargo_bin("groot").unwrap().get_program().into();
        World {
            _tmp: tmp,
            dir,
            groot,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn groot(&self, args: &[&str]) -> Run {
        self.groot_with(&[], args)
    }

    /// Runs groot in `p/` with a scrubbed environment plus `env`, under the memory limit and
    /// the timeout.
    fn groot_with(&self, env: &[(&str, &Path)], args: &[&str]) -> Run {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!(
                "ulimit -v {MEMORY_KIB}; exec /usr/bin/time -f '{RSS_TAG}%M' \
                 timeout -s KILL {TIMEOUT_S} \"$0\" \"$@\""
            ))
            .arg(&self.groot)
            .args(args)
            .env_clear()
            .env("HOME", self.path("home"))
            .env("GROOT_HOME", self.path("gh"))
            .env("PATH", "/usr/bin:/bin")
            .env("GOPROXY", "off")
            .env("GROOT_INDEX_URL", "file:///nonexistent/index.json")
            .current_dir(self.path("p"));
        for (k, v) in env {
            c.env(k, v);
        }
        let start = Instant::now();
        let mut out = c.output().unwrap();
        let took = start.elapsed();
        // Take /usr/bin/time's lines off stderr: the peak RSS, and its note on the status.
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let mut max_rss_kib = u64::MAX;
        let mut kept = String::new();
        for line in err.lines() {
            if let Some(k) = line.strip_prefix(RSS_TAG) {
                max_rss_kib = k.trim().parse().unwrap_or(u64::MAX);
            } else if !line.starts_with("Command exited with non-zero status")
                && !line.starts_with("Command terminated by signal")
            {
                kept.push_str(line);
                kept.push('\n');
            }
        }
        out.stderr = kept.into_bytes();
        Run {
            out,
            took,
            what: args.join(" "),
            max_rss_kib,
        }
    }
}

struct Run {
    out: Output,
    took: Duration,
    what: String,
    /// Peak resident memory of the run, KiB (`/usr/bin/time`'s `%M`).
    max_rss_kib: u64,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    /// Finished on its own (not killed by the timeout, not aborted by the memory limit) in
    /// a few seconds.
    fn finished(&self) -> &Run {
        let code = self.out.status.code();
        assert!(
            code.is_some() && code != Some(137) && code != Some(134) && code != Some(124),
            "groot {} did not finish on its own (status {:?}, {:?})\nstderr: {}",
            self.what,
            self.out.status,
            self.took,
            self.stderr()
        );
        assert!(
            self.took < Duration::from_secs(10),
            "groot {} took {:?}",
            self.what,
            self.took
        );
        self
    }

    fn fails_saying(&self, words: &[&str]) -> &Run {
        self.finished();
        assert!(
            !self.out.status.success(),
            "groot {} should fail\nstdout: {}",
            self.what,
            self.stdout()
        );
        let err = self.stderr();
        for w in words {
            assert!(
                err.contains(w),
                "groot {}: stderr lacks {w:?}:\n{err}",
                self.what
            );
        }
        self
    }
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

// ---------------------------------------------------------------------------------------------
// Item 1: files are read only when they are regular files, and only up to a cap per kind.

/// A `.go-version` FIFO used to hang every `go` (and `groot which`) in and below its directory.
#[test]
fn a_go_version_fifo_is_refused_not_waited_on() {
    let w = World::new();
    mkfifo(&w.path("p/.go-version"));
    w.groot(&["which"])
        .fails_saying(&[".go-version", "not a regular file (a FIFO)"]);
}

/// A `.go-version` linked to /dev/zero used to make every `go` eat memory until the OOM killer.
#[test]
fn a_go_version_linked_to_dev_zero_is_refused() {
    let w = World::new();
    symlink("/dev/zero", w.path("p/.go-version")).unwrap();
    w.groot(&["which"])
        .fails_saying(&[".go-version", "a character device"]);
}

/// A huge `.go-version` or go.mod is refused by size, before it is read.
#[test]
fn oversized_version_and_module_files_are_refused() {
    let w = World::new();
    std::fs::write(w.path("p/.go-version"), "1.22.10\n".repeat(1000)).unwrap();
    w.groot(&["which"])
        .fails_saying(&[".go-version", "larger than 4 KiB"]);
    std::fs::remove_file(w.path("p/.go-version")).unwrap();
    let mut gomod = b"module m\n\ngo 1.22\n".to_vec();
    gomod.resize(5 << 20, b'\n');
    std::fs::write(w.path("p/go.mod"), gomod).unwrap();
    w.groot(&["which"])
        .fails_saying(&["go.mod", "larger than 4 MiB"]);
    std::fs::remove_file(w.path("p/go.mod")).unwrap();
    mkfifo(&w.path("p/.tool-versions"));
    w.groot(&["which"])
        .fails_saying(&[".tool-versions", "a FIFO"]);
}

/// A directory named `.go-version` is still skipped, as before (what was fine stays fine).
#[test]
fn a_go_version_directory_is_still_skipped() {
    let w = World::new();
    std::fs::create_dir(w.path("p/.go-version")).unwrap();
    let r = w.groot(&["which"]);
    r.finished();
    assert!(!r.stderr().contains("refusing"), "{}", r.stderr());
}

/// `GOENV=/dev/zero` took 24 GB in explain, doctor and list; a FIFO hung them.
#[test]
fn goenv_dev_zero_or_fifo_is_refused_by_explain_doctor_and_list() {
    let Some((_, goroot)) = support::real_gos(1).into_iter().next() else {
        return;
    };
    // A real go on PATH, so that explain and doctor read its env files.
    let path = PathBuf::from(format!("{}:/usr/bin:/bin", goroot.join("bin").display()));
    let w = World::new();
    mkfifo(&w.path("fifo"));
    for goenv in [PathBuf::from("/dev/zero"), w.path("fifo")] {
        for args in [&["explain"][..], &["doctor"], &["list"]] {
            let r = w.groot_with(&[("GOENV", &goenv), ("PATH", &path)], args);
            r.finished();
            if args == ["explain"] || args == ["doctor"] {
                let all = format!("{}{}", r.stdout(), r.stderr());
                assert!(
                    all.contains("not a regular file"),
                    "groot {args:?} with GOENV={}: does not say why it was refused:\n{all}",
                    goenv.display()
                );
            }
        }
    }
}

/// `explain --go FIFO` hung opening the FIFO.
#[test]
fn explain_go_of_a_fifo_does_not_hang() {
    let w = World::new();
    mkfifo(&w.path("p/go"));
    let fifo = w.path("p/go");
    let r = w.groot(&["explain", "--go", fifo.to_str().unwrap()]);
    r.finished();
}

/// `install --from-archive` of a FIFO hung, of /dev/zero hashed forever.
#[test]
fn install_from_a_fifo_or_dev_zero_is_refused() {
    let w = World::new();
    let fifo = w.path("p/go1.22.10.linux-amd64.tar.gz");
    mkfifo(&fifo);
    let zero = w.path("p/go1.22.11.linux-amd64.tar.gz");
    symlink("/dev/zero", &zero).unwrap();
    let sha = "0".repeat(64);
    w.groot(&[
        "install",
        "--from-archive",
        fifo.to_str().unwrap(),
        "--sha256",
        &sha,
    ])
    .fails_saying(&["a FIFO"]);
    w.groot(&[
        "install",
        "--from-archive",
        zero.to_str().unwrap(),
        "--sha256",
        &sha,
    ])
    .fails_saying(&["a character device"]);
}

// ---------------------------------------------------------------------------------------------
// Item 2: archive metadata (GNU long names, PAX headers, zip symlink targets) is capped on the
// size its header announces, before anything is allocated.

/// A tar header of `kind` for `name` announcing `size` bytes of data.
fn tar_header(name: &str, kind: u8, size: u64) -> Vec<u8> {
    let mut h = support::raw_tar(&[support::RawEntry::special(name, kind)]);
    h.truncate(512);
    let s = format!("{size:011o}\0");
    h[124..136].copy_from_slice(s.as_bytes());
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

/// Writes a tar.gz whose first entry is a `kind` metadata entry announcing `size` bytes of
/// zeros (streamed: the archive is a few hundred KB).
fn metadata_bomb(path: &Path, kind: u8, size: u64) {
    use std::io::Write as _;
    let file = std::fs::File::create(path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    gz.write_all(&tar_header("././@LongLink", kind, size))
        .unwrap();
    let zeros = vec![0u8; 1 << 20];
    let mut left = size.div_ceil(512) * 512;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        gz.write_all(&zeros[..n]).unwrap();
        left -= n as u64;
    }
    gz.write_all(&[0u8; 1024]).unwrap();
    gz.finish().unwrap();
}

/// A zip whose `go/bomb` entry is a symlink (Unix mode 0120777) with `size` bytes of zeros as
/// its target, deflated.
fn zip_symlink_bomb(path: &Path, size: usize) {
    use std::io::Write as _;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o777);
    w.start_file("go/bomb", opts).unwrap();
    let zeros = vec![b'a'; 1 << 20];
    for _ in 0..size.div_ceil(zeros.len()) {
        w.write_all(&zeros).unwrap();
    }
    let mut bytes = w.finish().unwrap().into_inner();
    // Make the one entry a symlink: external attributes of the central directory entry.
    let cd = bytes
        .windows(4)
        .rposition(|x| x == b"PK\x01\x02")
        .expect("central directory");
    bytes[cd + 38..cd + 42].copy_from_slice(&(0o120_777u32 << 16).to_le_bytes());
    std::fs::write(path, bytes).unwrap();
}

/// Runs `groot install --from-archive` of `archive` (its own hash vouching for it).
fn install_archive(w: &World, archive: &Path) -> Run {
    let sha = support::sha256_of(archive);
    w.groot(&[
        "install",
        "--from-archive",
        archive.to_str().unwrap(),
        "--sha256",
        &sha,
    ])
}

#[test]
fn tar_gnu_long_names_and_pax_headers_are_capped_before_reading() {
    let w = World::new();
    for (kind, what) in [(b'L', "longer than 4 KiB"), (b'x', "larger than 64 KiB")] {
        let archive = w.path(&format!("p/go1.22.10.linux-amd64-{}.tar.gz", kind as char));
        metadata_bomb(&archive, kind, 256 << 20);
        let r = install_archive(&w, &archive);
        r.fails_saying(&[what]);
        let kib = r.max_rss_kib;
        assert!(
            kib < 100 << 10,
            "a 256 MiB {} entry took {kib} KiB",
            kind as char
        );
    }
}

#[test]
fn zip_symlink_targets_are_capped_before_reading() {
    let w = World::new();
    let archive = w.path("p/go1.22.10.windows-amd64.zip");
    zip_symlink_bomb(&archive, 256 << 20);
    let r = install_archive(&w, &archive);
    r.fails_saying(&["symlink target longer than 4 KiB"]);
    let kib = r.max_rss_kib;
    assert!(
        kib < 100 << 10,
        "a 256 MiB zip symlink target took {kib} KiB"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 10: groot's own marker names are refused in archives.

/// An archive carrying `go/.groot-complete` or `go/.groot-manifest` installed, and then failed
/// `groot verify` (the archive's file replaced groot's own).
#[test]
fn archives_carrying_groots_marker_names_are_refused() {
    let w = World::new();
    for (i, name) in [
        "go/.groot-complete",
        "go/.groot-manifest",
        "go/.GROOT-Complete",
    ]
    .iter()
    .enumerate()
    {
        let mut entries = support::minimal_go("1.22.10");
        entries.push(support::RawEntry::file(name, b"{}"));
        let archive = w.path(&format!("p/go1.22.10.linux-amd64-{i}.tar.gz"));
        std::fs::write(&archive, support::gzip(&support::raw_tar(&entries))).unwrap();
        install_archive(&w, &archive).fails_saying(&["groot's own marker name"]);
        support::assert_nothing_installed(&w.path("gh"));
    }
    // Deeper in the tree the name is an ordinary file.
    let mut entries = support::minimal_go("1.22.10");
    entries.push(support::RawEntry::file("go/src/.groot-complete", b"x"));
    let archive = w.path("p/go1.22.10.linux-amd64.tar.gz");
    std::fs::write(&archive, support::gzip(&support::raw_tar(&entries))).unwrap();
    let r = install_archive(&w, &archive);
    r.finished();
    assert!(r.out.status.success(), "{}", r.stderr());
}

/// A `go1.22.10` archive that passes install's checks, and its sha256.
fn minimal_archive(w: &World) -> (PathBuf, String) {
    use support::{gzip, minimal_go, raw_tar, sha256_of};
    let archive = w.path("go1.22.10.linux-amd64.tar.gz");
    std::fs::write(&archive, gzip(&raw_tar(&minimal_go("1.22.10")))).unwrap();
    let sha = sha256_of(&archive);
    (archive, sha)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Issue 12, item 4: a GROOT_HOME that is `$HOME` or a directory groot did not make (not
/// empty, no `.groot-home`) is refused with a clear error, and a failing command creates
/// nothing in it (before: `uninstall` with GROOT_HOME=/ created /toolchains and /locks).
#[test]
fn a_groot_home_that_is_not_groots_is_refused_and_left_untouched() {
    let w = World::new();
    std::fs::write(w.path("gh/notes.txt"), "mine\n").unwrap();
    std::fs::create_dir_all(w.path("fakego/bin")).unwrap();
    std::fs::write(w.path("fakego/bin/go"), "#!/bin/sh\n").unwrap();
    let fakego = w.path("fakego");
    for args in [
        &["uninstall", "go1.22.10"][..],
        &["link", "mygo", fakego.to_str().unwrap()][..],
    ] {
        let r = w.groot(args);
        assert!(!r.out.status.success(), "{}", r.what);
        assert!(
            r.stderr().contains("not empty and has no .groot-home"),
            "{}: {}",
            r.what,
            r.stderr()
        );
        assert_eq!(entries(&w.path("gh")), ["notes.txt"], "{}", r.what);
    }
    // `use` of a toolchain found there writes neither `default` nor `current`.
    let tc = w.path("gh/toolchains/go1.22.10");
    std::fs::create_dir_all(tc.join("bin")).unwrap();
    std::fs::create_dir_all(tc.join("pkg/tool")).unwrap();
    std::fs::write(tc.join("bin/go"), "#!/bin/sh\n").unwrap();
    std::fs::write(tc.join(".groot-complete"), "{}").unwrap();
    let r = w.groot(&["use", "1.22.10"]);
    assert!(!r.out.status.success(), "{}", r.stdout());
    assert!(
        r.stderr().contains("not empty and has no .groot-home"),
        "{}",
        r.stderr()
    );
    assert_eq!(entries(&w.path("gh")), ["notes.txt", "toolchains"]);
    std::fs::remove_dir_all(w.path("gh/toolchains")).unwrap();
    let (archive, sha) = minimal_archive(&w);
    let r = w.groot(&[
        "install",
        "--from-archive",
        archive.to_str().unwrap(),
        "--sha256",
        &sha,
    ]);
    assert!(!r.out.status.success());
    assert!(r.stderr().contains("GROOT_HOME"), "{}", r.stderr());
    assert_eq!(entries(&w.path("gh")), ["notes.txt"]);

    // $HOME itself.
    let home = w.path("home");
    let r = w.groot_with(&[("GROOT_HOME", &home)], &["uninstall", "go1.22.10"]);
    assert!(!r.out.status.success());
    assert!(r.stderr().contains("your home directory"), "{}", r.stderr());
    assert!(entries(&home).is_empty(), "{:?}", entries(&home));

    // An empty directory becomes groot's, and stays usable.
    let fresh = w.path("fresh");
    std::fs::create_dir(&fresh).unwrap();
    let r = w.groot_with(
        &[("GROOT_HOME", &fresh)],
        &[
            "install",
            "--from-archive",
            archive.to_str().unwrap(),
            "--sha256",
            &sha,
        ],
    );
    assert!(r.out.status.success(), "{}", r.stderr());
    assert!(fresh.join(".groot-home").is_file());
}

/// Issue 12, items 4 and 9: cleaning `tmp/` removes only what carries groot's mark and whose
/// process is gone: a user's `trash-*` or `*.staging-*` (even a day old) stays; the staging
/// directory of a killed `--from-archive` run goes (before: those piled up forever, and any
/// `trash-*` in tmp/ was deleted).
#[test]
fn cleaning_tmp_removes_only_groots_own_leftovers() {
    let w = World::new();
    let gh = w.path("gh");
    std::fs::write(gh.join(".groot-home"), "").unwrap();
    let tmp = gh.join("tmp");
    let old = std::time::SystemTime::now() - Duration::from_secs(3 * 24 * 3600);
    for d in [
        "trash-photos",
        "thesis.staging-draft",
        "go1.22.10.staging-1-x",
    ] {
        std::fs::create_dir_all(tmp.join(d)).unwrap();
        std::fs::write(tmp.join(d).join("precious"), "x").unwrap();
        std::fs::File::open(tmp.join(d))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    // A killed --from-archive run: groot's mark, a pid that no process has.
    let dead = tmp.join("archive.staging-4194999-AbCdEf");
    std::fs::create_dir_all(dead.join("bin")).unwrap();
    std::fs::write(dead.join(".groot-tmp"), "").unwrap();
    std::fs::write(dead.join("bin/go"), "x").unwrap();
    let (archive, sha) = minimal_archive(&w);
    let r = w.groot(&[
        "install",
        "--from-archive",
        archive.to_str().unwrap(),
        "--sha256",
        &sha,
    ]);
    assert!(r.out.status.success(), "{}", r.stderr());
    assert_eq!(
        entries(&tmp),
        [
            "go1.22.10.staging-1-x",
            "thesis.staging-draft",
            "trash-photos"
        ]
    );
    for d in entries(&tmp) {
        assert!(tmp.join(&d).join("precious").is_file(), "{d}");
    }
}

/// Issue 12, item 13: a directory at `toolchains/<name>` without a completion marker is not
/// groot's finished work; an install moves it aside (`<name>.aside-<time>`) and says so,
/// instead of deleting it.
#[test]
fn an_unmarked_toolchain_directory_is_moved_aside_not_deleted() {
    let w = World::new();
    let target = w.path("gh/toolchains/go1.22.10");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("mine.txt"), "hand-made\n").unwrap();
    let (archive, sha) = minimal_archive(&w);
    let r = w.groot(&[
        "install",
        "--from-archive",
        archive.to_str().unwrap(),
        "--sha256",
        &sha,
    ]);
    assert!(r.out.status.success(), "{}", r.stderr());
    assert!(r.stderr().contains("moved it to"), "{}", r.stderr());
    let aside: Vec<String> = entries(&w.path("gh/toolchains"))
        .into_iter()
        .filter(|n| n.starts_with("go1.22.10.aside-"))
        .collect();
    assert_eq!(aside.len(), 1, "{:?}", entries(&w.path("gh/toolchains")));
    assert_eq!(
        std::fs::read_to_string(w.path("gh/toolchains").join(&aside[0]).join("mine.txt")).unwrap(),
        "hand-made\n"
    );
    assert!(target.join(".groot-complete").is_file());
}

/// Issue 12, item 14: messages name what failed and never repeat hostile input at length.
#[test]
fn messages_name_reads_dns_failures_and_clip_hostile_values() {
    let w = World::new();
    // Reading the archive failed: "cannot read", not "cannot write".
    let r = w.groot(&[
        "install",
        "--from-archive",
        "/nonexistent/go1.22.10.linux-amd64.tar.gz",
        "--sha256",
        "abc",
    ]);
    assert!(!r.out.status.success());
    assert!(
        r.stderr().contains("cannot read /nonexistent/"),
        "{}",
        r.stderr()
    );
    assert!(!r.stderr().contains("cannot write"), "{}", r.stderr());

    // A name that does not resolve is not a lost connection; nor is a refused one.
    let r = w.groot_with(
        &[(
            "GROOT_INDEX_URL",
            Path::new("https://nonexistent.invalid/index.json"),
        )],
        &["list", "--available"],
    );
    assert!(!r.out.status.success());
    assert!(r.stderr().contains("cannot resolve"), "{}", r.stderr());
    assert!(!r.stderr().contains("connection lost"), "{}", r.stderr());
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/index.json", closed.local_addr().unwrap());
    drop(closed);
    let r = w.groot_with(
        &[("GROOT_INDEX_URL", Path::new(&url))],
        &["list", "--available"],
    );
    assert!(r.stderr().contains("cannot connect"), "{}", r.stderr());
    assert!(!r.stderr().contains("connection lost"), "{}", r.stderr());

    // A version file's junk is not offered back as a command.
    std::fs::write(w.path("p/.go-version"), "1.22$(touch /tmp/x)\n").unwrap();
    let r = w.groot(&["which"]);
    assert!(!r.out.status.success());
    assert!(r.stderr().contains("is not a Go version"), "{}", r.stderr());
    assert!(!r.stderr().contains("groot link 1.22$("), "{}", r.stderr());
    // Nor repeated at full length.
    let long = format!("1.21.{}\n", "9".repeat(3000));
    std::fs::write(w.path("p/.go-version"), long).unwrap();
    let r = w.groot(&["which"]);
    assert!(!r.out.status.success());
    assert!(
        r.stderr().len() < 600,
        "{} bytes: {}",
        r.stderr().len(),
        r.stderr()
    );
    std::fs::write(
        w.path("p/.go-version"),
        format!("go1.22.10\u{1b}[31m{}\n", "x".repeat(500)),
    )
    .unwrap();
    let r = w.groot(&["which"]);
    assert!(!r.stderr().contains('\u{1b}'), "{:?}", r.stderr());
    assert!(r.stderr().len() < 600, "{} bytes", r.stderr().len());
    let r = w.groot(&["pin", &"a".repeat(5000)]);
    assert!(!r.out.status.success());
    assert!(r.stderr().len() < 600, "{} bytes", r.stderr().len());
    let before = std::fs::read(w.path("p/.go-version")).unwrap();
    let r = w.groot(&["pin", "*"]);
    assert!(!r.out.status.success());
    assert_eq!(std::fs::read(w.path("p/.go-version")).unwrap(), before);

    // A byte-order mark (Windows editors) is not part of the version.
    std::fs::write(w.path("p/.go-version"), "\u{feff}1.22.10\n").unwrap();
    let r = w.groot(&["which"]);
    assert!(
        r.stderr().contains("go1.22.10 is not installed"),
        "{}",
        r.stderr()
    );
    assert!(
        r.stderr().contains("groot install 1.22.10`"),
        "{}",
        r.stderr()
    );
    assert!(!r.stderr().contains('\u{feff}'), "{:?}", r.stderr());
}
