//! Properties of the startup-file editor on generated files: apply then undo restores the
//! bytes exactly, applying is idempotent, adding then removing the block is exact, symlinked
//! dotfiles stay links; and the refusals (read-only file or directory, a file changed since
//! its plan or since the edit, broken markers) change nothing.

use std::fs;
use std::path::{Path, PathBuf};

use groot::shell::write::edit::{
    apply, plan_file_edit, undo, EditError, LineRef, BEGIN_MARKER, END_MARKER,
};
use proptest::prelude::*;

const STAMP: &str = "20260101T000000Z";

#[derive(Debug, Clone)]
enum Marker {
    None,
    Valid(Vec<String>),
    StartOnly,
    EndOnly,
}

#[derive(Debug, Clone)]
struct Case {
    lines: Vec<(Vec<u8>, bool)>,
    final_newline: bool,
    marker: Marker,
    marker_at: usize,
    block: Vec<String>,
    symlink: bool,
    comment: Option<usize>,
}

fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => "[ -~]{0,40}".prop_map(String::into_bytes),
        2 => prop::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 0..30),
        1 => Just(b"export GOROOT=/usr/local/go".to_vec()),
        1 => (3000usize..12000).prop_map(|n| vec![b'x'; n]),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec((line(), any::<bool>()), 0..12),
        any::<bool>(),
        prop_oneof![
            3 => Just(Marker::None),
            2 => prop::collection::vec("[a-z =$/]{0,20}", 0..3).prop_map(Marker::Valid),
            1 => Just(Marker::StartOnly),
            1 => Just(Marker::EndOnly),
        ],
        any::<usize>(),
        prop::collection::vec("[a-zA-Z0-9 =$/\"_:.-]{0,30}", 0..4),
        any::<bool>(),
        prop::option::of(any::<usize>()),
    )
        .prop_map(
            |(lines, final_newline, marker, marker_at, block, symlink, comment)| Case {
                lines,
                final_newline,
                marker,
                marker_at,
                block,
                symlink,
                comment,
            },
        )
}

/// The file bytes of a case, and the 0-based indices of lines outside any marker block.
fn render(c: &Case) -> (Vec<u8>, Vec<usize>) {
    let mut lines: Vec<(Vec<u8>, bool, bool)> = c
        .lines
        .iter()
        .map(|(l, crlf)| (l.clone(), *crlf, false))
        .collect();
    let at = if lines.is_empty() {
        0
    } else {
        c.marker_at % (lines.len() + 1)
    };
    let crlf = lines.first().map(|l| l.1).unwrap_or(false);
    let insert: Vec<Vec<u8>> = match &c.marker {
        Marker::None => Vec::new(),
        Marker::Valid(body) => std::iter::once(BEGIN_MARKER.to_string())
            .chain(body.iter().cloned())
            .chain(std::iter::once(END_MARKER.to_string()))
            .map(String::into_bytes)
            .collect(),
        Marker::StartOnly => vec![BEGIN_MARKER.as_bytes().to_vec()],
        Marker::EndOnly => vec![END_MARKER.as_bytes().to_vec()],
    };
    for (k, l) in insert.into_iter().enumerate() {
        lines.insert(at + k, (l, crlf, true));
    }
    let mut out = Vec::new();
    let n = lines.len();
    let mut outside = Vec::new();
    for (i, (body, crlf, in_block)) in lines.iter().enumerate() {
        // A generated line that ends in '\r' would merge into a CRLF terminator; keep it
        // unambiguous for the comment-out check.
        let phantom = i + 1 == n && !c.final_newline && body.is_empty();
        if !in_block && !body.ends_with(b"\r") && !phantom {
            outside.push(i);
        }
        out.extend_from_slice(body);
        if i + 1 < n || c.final_newline {
            out.extend_from_slice(if *crlf { b"\r\n" } else { b"\n" });
        }
    }
    (out, outside)
}

fn setup(c: &Case, bytes: &[u8]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home");
    fs::create_dir_all(&home).expect("home");
    let path = home.join(".zshrc");
    let target = if c.symlink {
        let dots = tmp.path().join("dotfiles");
        fs::create_dir_all(&dots).expect("dotfiles");
        let t = dots.join("zshrc");
        fs::write(&t, bytes).expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink("../dotfiles/zshrc", &path).expect("symlink");
        t
    } else {
        fs::write(&path, bytes).expect("write");
        path.clone()
    };
    (tmp, path, target)
}

fn is_link(p: &Path) -> bool {
    fs::symlink_metadata(p)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn apply_undo_is_byte_identical_and_apply_is_idempotent(c in case()) {
        let (orig, outside) = render(&c);
        let (tmp, path, target) = setup(&c, &orig);
        let backups = tmp.path().join("backups");
        let block = c.block.join("\n");
        let refs: Vec<LineRef> = match (c.comment, outside.is_empty()) {
            (Some(k), false) => {
                let idx = outside[k % outside.len()];
                let text = String::from_utf8_lossy(&split(&orig)[idx]).into_owned();
                vec![LineRef { line: idx + 1, text, note: "stale".into() }]
            }
            _ => Vec::new(),
        };
        let plan = plan_file_edit(&path, &block, &refs);
        let broken = matches!(c.marker, Marker::StartOnly | Marker::EndOnly);
        if broken {
            prop_assert!(matches!(plan, Err(EditError::BrokenMarkers { .. })), "{:?}", plan.err());
            prop_assert_eq!(fs::read(&target).expect("read"), orig);
            return Ok(());
        }
        let plan = plan.expect("plan");
        prop_assert_eq!(&plan.target, &target);
        let journal = apply(std::slice::from_ref(&plan), &backups, STAMP).expect("apply");
        prop_assert_eq!(fs::read(&target).expect("read"), plan.after.clone());
        if c.symlink {
            prop_assert!(is_link(&path));
        }
        // Idempotent: the same plan on the result changes nothing, and applying it writes nothing.
        // The line numbers are hints for the file they were taken from; once the block above
        // them changed size they may point at another copy of the same text, so the second plan
        // finds the line by its text alone, as a fresh analysis of the result would.
        let refs: Vec<LineRef> = refs.into_iter().map(|r| LineRef { line: 0, ..r }).collect();
        let again = plan_file_edit(&path, &block, &refs).expect("replan");
        prop_assert!(!again.changed, "second plan changed:\n{}", again.diff);
        let j2 = apply(&[again], &backups, STAMP).expect("apply again");
        prop_assert!(j2.entries.is_empty() && j2.dir.is_none());
        // Undo restores byte for byte.
        undo(&journal).expect("undo");
        prop_assert_eq!(fs::read(&target).expect("read"), orig.clone());
        if c.symlink {
            prop_assert!(is_link(&path));
        }
        // A second undo has nothing left to do.
        prop_assert!(undo(&journal).expect("undo twice").is_empty());
    }

    #[test]
    fn adding_then_removing_the_block_is_exact(c in case()) {
        let c = Case { marker: Marker::None, ..c };
        prop_assume!(!c.block.iter().all(String::is_empty) || !c.block.is_empty());
        prop_assume!(!c.block.is_empty());
        let (orig, _) = render(&c);
        let (tmp, path, target) = setup(&c, &orig);
        let backups = tmp.path().join("backups");
        let add = plan_file_edit(&path, &c.block.join("\n"), &[]).expect("plan add");
        apply(&[add], &backups, STAMP).expect("apply add");
        let remove = plan_file_edit(&path, "", &[]).expect("plan remove");
        apply(&[remove], &backups, STAMP).expect("apply remove");
        prop_assert_eq!(fs::read(&target).expect("read"), orig);
    }
}

fn split(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for &b in bytes {
        if b == b'\n' {
            if cur.last() == Some(&b'\r') {
                cur.pop();
            }
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(b);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn read_only_file_is_refused_and_unchanged() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = tmp.path().join(".profile");
    fs::write(&f, "export GOROOT=/x\n").expect("write");
    let plan = plan_file_edit(&f, "export PATH=$PATH:/usr/local/go/bin", &[]).expect("plan");
    chmod(&f, 0o444);
    let err = apply(&[plan], &tmp.path().join("backups"), STAMP).expect_err("must refuse");
    assert!(matches!(err, EditError::ReadOnlyFile { .. }), "{err}");
    assert!(err.to_string().contains("read-only"));
    assert_eq!(fs::read(&f).expect("read"), b"export GOROOT=/x\n");
    assert!(!tmp.path().join("backups").exists());
}

#[cfg(unix)]
#[test]
fn read_only_directory_is_refused_and_unchanged() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("home");
    fs::create_dir(&dir).expect("dir");
    let f = dir.join(".zshrc");
    fs::write(&f, "x\n").expect("write");
    let plan = plan_file_edit(&f, "y", &[]).expect("plan");
    chmod(&dir, 0o555);
    let err = apply(&[plan], &tmp.path().join("backups"), STAMP).expect_err("must refuse");
    chmod(&dir, 0o755);
    assert!(matches!(err, EditError::ReadOnlyDir { .. }), "{err}");
    assert_eq!(fs::read(&f).expect("read"), b"x\n");
    assert_eq!(fs::read_dir(&dir).expect("ls").count(), 1);
}

#[test]
fn a_file_changed_since_the_plan_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    fs::write(&a, "1\n").expect("write");
    fs::write(&b, "2\n").expect("write");
    let plans = [
        plan_file_edit(&a, "x", &[]).expect("plan"),
        plan_file_edit(&b, "x", &[]).expect("plan"),
    ];
    fs::write(&b, "changed\n").expect("write");
    let err = apply(&plans, &tmp.path().join("backups"), STAMP).expect_err("must refuse");
    assert!(matches!(err, EditError::Changed { .. }), "{err}");
    assert_eq!(
        fs::read(&a).expect("read"),
        b"1\n",
        "no file is written when any is refused"
    );
}

#[test]
fn undo_refuses_after_a_later_change_and_deletes_created_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let backups = tmp.path().join("backups");
    let existing = tmp.path().join(".bashrc");
    let created = tmp.path().join(".zprofile");
    fs::write(&existing, "a\n").expect("write");
    let plans = [
        plan_file_edit(&existing, "x", &[]).expect("plan"),
        plan_file_edit(&created, "x", &[]).expect("plan"),
    ];
    let journal = apply(&plans, &backups, STAMP).expect("apply");
    let on_disk = groot::shell::write::edit::read_journal(
        &journal.dir.clone().expect("dir").join("journal.json"),
    )
    .expect("journal");
    assert_eq!(on_disk, journal);
    fs::write(&existing, "edited by hand\n").expect("write");
    assert!(matches!(undo(&journal), Err(EditError::Changed { .. })));
    assert!(created.exists(), "a refused undo changes nothing");
    fs::write(&existing, plans[0].after.clone()).expect("write");
    undo(&journal).expect("undo");
    assert_eq!(fs::read(&existing).expect("read"), b"a\n");
    assert!(!created.exists());
}

#[cfg(unix)]
#[test]
fn mode_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = tmp.path().join(".zshenv");
    fs::write(&f, "a\n").expect("write");
    chmod(&f, 0o640);
    let plan = plan_file_edit(&f, "b", &[]).expect("plan");
    let journal = apply(&[plan], &tmp.path().join("backups"), STAMP).expect("apply");
    assert_eq!(
        fs::metadata(&f).expect("meta").permissions().mode() & 0o777,
        0o640
    );
    undo(&journal).expect("undo");
    assert_eq!(
        fs::metadata(&f).expect("meta").permissions().mode() & 0o777,
        0o640
    );
}
