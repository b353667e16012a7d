use super::journal::expect_hash;
use super::*;

fn plan(text: &[u8], block: &str) -> EditPlan {
    let p = Path::new("/h/.zshrc");
    match plan_edit(p, p, Some(text), block, &[]) {
        Ok(plan) => plan,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn appends_a_block_and_replaces_it_in_place() {
    let p = plan(b"export A=1\n", "export PATH=\"$HOME/go/bin:$PATH\"");
    assert_eq!(
        String::from_utf8_lossy(&p.after),
        "export A=1\n# >>> groot >>>\nexport PATH=\"$HOME/go/bin:$PATH\"\n# <<< groot <<<\n"
    );
    assert!(p.diff.contains("+# >>> groot >>>"));
    let again = plan(&p.after, "export PATH=\"$HOME/go/bin:$PATH\"");
    assert!(!again.changed);
    assert!(again.diff.is_empty());
    let replaced = plan(&p.after, "export GOTOOLCHAIN=local");
    assert_eq!(
        String::from_utf8_lossy(&replaced.after),
        "export A=1\n# >>> groot >>>\nexport GOTOOLCHAIN=local\n# <<< groot <<<\n"
    );
}

#[test]
fn crlf_and_missing_final_newline_survive_add_and_remove() {
    let orig = b"a\r\nb";
    let added = plan(orig, "x");
    assert_eq!(
        added.after,
        b"a\r\nb\r\n# >>> groot >>>\r\nx\r\n# <<< groot <<<"
    );
    let removed = plan(&added.after, "");
    assert_eq!(removed.after, orig);
}

#[test]
fn broken_markers_are_refused() {
    let p = Path::new("/h/.bashrc");
    let e = plan_edit(p, p, Some(b"# >>> groot >>>\nx\n"), "y", &[]);
    assert!(matches!(e, Err(EditError::BrokenMarkers { line: 1, .. })));
    let e = plan_edit(p, p, Some(b"x\n# <<< groot <<<\n"), "y", &[]);
    assert!(matches!(e, Err(EditError::BrokenMarkers { line: 2, .. })));
    assert!(matches!(
        plan_edit(p, p, None, "# >>> groot >>>", &[]),
        Err(EditError::MarkerInBlock)
    ));
}

#[test]
fn comments_out_a_line_once() {
    let p = Path::new("/h/.profile");
    let refs = [LineRef {
        line: 2,
        text: "export GOROOT=/old/go".into(),
        note: "GOROOT points to a missing directory".into(),
    }];
    let plan1 = plan_edit(p, p, Some(b"a\nexport GOROOT=/old/go\nb\n"), "", &refs).expect("plan");
    assert_eq!(
        String::from_utf8_lossy(&plan1.after),
        "a\n# [groot: GOROOT points to a missing directory] export GOROOT=/old/go\nb\n"
    );
    let plan2 = plan_edit(p, p, Some(&plan1.after), "", &refs).expect("plan");
    assert!(!plan2.changed);
    let bad = [LineRef {
        line: 1,
        text: "nope".into(),
        note: "n".into(),
    }];
    assert!(matches!(
        plan_edit(p, p, Some(b"a\n"), "", &bad),
        Err(EditError::LineMismatch { line: 1, .. })
    ));
}

#[test]
fn new_file_gets_block_with_final_newline() {
    let p = Path::new("/h/.zprofile");
    let plan = plan_edit(p, p, None, "x", &[]).expect("plan");
    assert!(plan.changed);
    assert_eq!(plan.after, b"# >>> groot >>>\nx\n# <<< groot <<<\n");
    assert_eq!(plan.before_sha256, None);
}

#[test]
fn top_placement_inserts_first_and_removes_exactly() {
    let p = Path::new("/h/.bashrc");
    let orig = b"case $- in *i*) ;; *) return;; esac\nalias l=ls";
    let plan = plan_edit_at(p, p, Some(orig), "export A=1", &[], Placement::Top).expect("plan");
    assert_eq!(
        String::from_utf8_lossy(&plan.after),
        "# >>> groot >>>\nexport A=1\n# <<< groot <<<\ncase $- in *i*) ;; *) return;; esac\nalias l=ls"
    );
    // An existing block stays where it is whatever the placement.
    let again =
        plan_edit_at(p, p, Some(&plan.after), "export A=1", &[], Placement::End).expect("plan");
    assert!(!again.changed);
    let removed = plan_edit(p, p, Some(&plan.after), "", &[]).expect("plan");
    assert_eq!(removed.after, orig);
}

#[test]
fn stamps_are_utc_dates() {
    assert_eq!(stamp_from_unix(0), "19700101T000000Z");
    assert_eq!(stamp_from_unix(1_700_000_000), "20231114T221320Z");
    assert_eq!(stamp_from_unix(951_782_400), "20000229T000000Z");
}

#[test]
fn stale_temp_files_of_dead_processes_are_swept() -> io::Result<()> {
    let dir = tempfile::tempdir()?;
    let dead = dir.path().join(".groot-4000000000-abc.tmp");
    let mine = dir
        .path()
        .join(format!(".groot-{}-x.tmp", std::process::id()));
    let other = dir.path().join(".groot-notes.tmp");
    let user = dir.path().join(".bashrc");
    for p in [&dead, &mine, &other, &user] {
        fs::write(p, b"x")?;
    }
    sweep_stale_temps(dir.path());
    if Path::new("/proc/self").exists() {
        assert!(!dead.exists(), "a dead process's temp file stays");
    }
    assert!(mine.exists() && other.exists() && user.exists());
    Ok(())
}

/// The last line has no newline and ends in a stray '\r': once disabled and followed by
/// the block, that '\r' reads as part of a CRLF ending; planning again must still see the
/// line as done, not missing.
#[test]
fn a_disabled_last_line_ending_in_cr_stays_done() -> Result<(), EditError> {
    let path = Path::new("/h/.profile");
    let file = b"export A=1\nexport GOROOT=/x\r";
    let refs = [LineRef {
        line: 2,
        text: "export GOROOT=/x\r".into(),
        note: "stale".into(),
    }];
    let first = plan_edit(path, path, Some(file), "export B=2", &refs)?;
    assert!(first
        .after
        .starts_with(b"export A=1\n# [groot: stale] export GOROOT=/x\r\n"));
    let again = plan_edit(path, path, Some(&first.after), "export B=2", &refs)?;
    assert!(!again.changed, "{}", again.diff);
    Ok(())
}

#[test]
fn a_late_change_stops_the_write_and_keeps_the_file() -> io::Result<()> {
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("rc");
    fs::write(&target, b"editor's text\n")?;
    let r = replace_if(&target, b"groot's text\n", None, None, |t| {
        expect_hash(t, Some(&sha256_hex(b"what the plan saw\n")), t)
    });
    assert!(matches!(r, Err(EditError::Changed { .. })), "{r:?}");
    assert_eq!(fs::read(&target)?, b"editor's text\n");
    assert_eq!(fs::read_dir(dir.path())?.count(), 1, "temp file left");
    Ok(())
}

/// An editor saves right after groot's last look (so the swap takes that save out) and
/// again before groot can swap it back: the newest save must end up in place.
#[cfg(target_os = "linux")]
#[test]
fn saves_racing_the_swap_are_put_back_newest_last() -> io::Result<()> {
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("rc");
    fs::write(&target, b"original\n")?;
    let save = |text: &[u8]| {
        let t = dir.path().join("rc.swp");
        fs::write(&t, text).expect("editor save");
        fs::rename(&t, &target).expect("editor rename");
    };
    let calls = std::cell::Cell::new(0);
    let r = replace_if(&target, b"groot's text\n", None, None, |t| {
        calls.set(calls.get() + 1);
        let r = expect_hash(t, Some(&sha256_hex(b"original\n")), t);
        match calls.get() {
            1 => save(b"save 1\n"),
            2 => save(b"save 2\n"),
            _ => {}
        }
        r
    });
    if calls.get() < 2 {
        return Ok(()); // no atomic exchange on this filesystem: plain rename, no swap-back
    }
    assert!(matches!(r, Err(EditError::Changed { .. })), "{r:?}");
    assert_eq!(fs::read(&target)?, b"save 2\n");
    assert_eq!(fs::read_dir(dir.path())?.count(), 1, "temp file left");
    Ok(())
}

/// The editor's save came out at the temp name and cannot be swapped back (here the file
/// was deleted in between): it is kept under a name no sweep removes, and the error says
/// where.
#[cfg(target_os = "linux")]
#[test]
fn a_save_that_cannot_be_put_back_is_kept() -> io::Result<()> {
    let dir = tempfile::tempdir()?;
    let target = dir.path().join("rc");
    fs::write(&target, b"original\n")?;
    let calls = std::cell::Cell::new(0);
    let r = replace_if(&target, b"groot's text\n", None, None, |t| {
        calls.set(calls.get() + 1);
        let r = expect_hash(t, Some(&sha256_hex(b"original\n")), t);
        if calls.get() == 1 {
            let s = dir.path().join("rc.swp");
            fs::write(&s, b"save 1\n").expect("save");
            fs::rename(&s, &target).expect("rename");
        } else {
            fs::remove_file(&target).expect("delete");
        }
        r
    });
    if calls.get() < 2 {
        return Ok(()); // no atomic exchange on this filesystem
    }
    let Err(EditError::SaveKept { kept, .. }) = r else {
        panic!("{r:?}");
    };
    assert_eq!(fs::read(&kept)?, b"save 1\n");
    let name = kept.file_name().unwrap_or_default().to_string_lossy();
    assert!(
        !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)),
        "{name} looks like a temp file a later sweep removes"
    );
    Ok(())
}

#[cfg(unix)]
#[test]
fn backups_are_private() -> Result<(), Box<dyn std::error::Error>> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir()?;
    let rc = dir.path().join(".zshrc");
    fs::write(&rc, b"x\n")?;
    let p = plan_file_edit(&rc, "export A=1", &[])?;
    let root = dir.path().join("data/backups");
    let journal = apply(&[p], &root, "20260101T000000Z")?;
    let backup_dir = journal.dir.ok_or("no backup dir")?;
    for d in [&root, &backup_dir] {
        assert_eq!(
            fs::metadata(d)?.permissions().mode() & 0o777,
            0o700,
            "{d:?}"
        );
    }
    Ok(())
}

/// Found by fuzzing (`tests/regressions/edit/top-block-shifts-line-hint`): a new block
/// placed on top moves every line down, so a second plan with the same line hints searched
/// by text, and took any commented-out line ending with that text for the one it disabled.
#[test]
fn a_line_disabled_under_a_new_top_block_is_found_again() -> Result<(), EditError> {
    let p = Path::new("/h/.bashrc");
    let before = b"# [groot: old note] export GOROOT=/x\nexport GOROOT=/x\n";
    let refs = [LineRef {
        line: 2,
        text: "export GOROOT=/x".into(),
        note: "GOROOT is stale".into(),
    }];
    let first = plan_edit_at(p, p, Some(before), "unset GOROOT", &refs, Placement::Top)?;
    assert!(first.after.starts_with(b"# >>> groot >>>\nunset GOROOT\n"));
    let again = plan_edit_at(
        p,
        p,
        Some(&first.after),
        "unset GOROOT",
        &refs,
        Placement::Top,
    )?;
    assert!(!again.changed, "{}", again.diff);
    Ok(())
}
