//! The startup-file editor behind `groot fix` (pure planning, no disk): on any file bytes it
//! plans or refuses; a plan applied twice changes nothing the second time; adding a block and
//! removing it again gives back the original bytes; and outside groot's block no byte changes.
//!
//! Input: a selector byte, then `file \0 block \0 line-to-comment-out`.

use std::path::Path;

use groot::shell::write::edit::{plan_edit_at, EditError, LineRef, Placement};

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(3, |&b| b == 0);
    let file = parts.next().unwrap_or_default();
    let block = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let comment = parts
        .next()
        .map(|t| String::from_utf8_lossy(t).into_owned());
    let placement = if sel & 1 == 0 {
        Placement::End
    } else {
        Placement::Top
    };
    let current = (sel & 2 == 0).then_some(file);
    let refs: Vec<LineRef> = comment
        .into_iter()
        .map(|text| LineRef {
            line: usize::from(sel >> 2),
            text,
            note: "fuzz".into(),
        })
        .collect();
    let path = Path::new("/home/u/.profile");
    let plan = |cur: Option<&[u8]>, block: &str, refs: &[LineRef]| {
        plan_edit_at(path, path, cur, block, refs, placement)
    };
    let first = match plan(current, &block, &refs) {
        Ok(p) => p,
        Err(
            EditError::BrokenMarkers { .. }
            | EditError::MarkerInBlock
            | EditError::LineMismatch { .. }
            | EditError::LineInBlock { .. },
        ) => return,
        Err(e) => panic!("unexpected error from a pure plan: {e}"),
    };
    assert_eq!(
        first.changed,
        current.map_or(!first.after.is_empty(), |c| c != first.after)
    );
    // Idempotent. The line hint belongs to the original file: once a new block shifted the
    // lines it may point at another copy of the same text, so the second plan finds the line
    // by its text alone, as a fresh analysis of the result would.
    let text_only: Vec<LineRef> = refs
        .iter()
        .map(|r| LineRef {
            line: 0,
            ..r.clone()
        })
        .collect();
    match plan(Some(&first.after), &block, &text_only) {
        Ok(again) => assert!(!again.changed, "second plan changed:\n{}", again.diff),
        // Without its hint, a text that several lines hold is ambiguous: refusing is right,
        // guessing would not be.
        Err(EditError::LineMismatch { expected, .. })
            if first
                .after
                .split(|&b| b == b'\n')
                .filter(|l| {
                    let l = String::from_utf8_lossy(l);
                    l.trim_end_matches('\r').ends_with(expected.as_str())
                })
                .count()
                >= 2 => {}
        Err(e) => panic!("replan: {e:?}"),
    }
    // Outside the block, nothing changes (when no line is commented out).
    if refs.is_empty() {
        let stripped_after = plan(Some(&first.after), "", &[]).expect("remove from after");
        let stripped_before = plan(current, "", &[]).expect("remove from before");
        assert_eq!(
            stripped_after.after, stripped_before.after,
            "bytes outside the block changed"
        );
        // With no block in the original, add + remove is the identity.
        if !stripped_before.changed {
            assert_eq!(stripped_after.after, current.unwrap_or_default());
        }
    }
}
