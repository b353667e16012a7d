//! The capped reader (`fs::read_regular`, `Fs::read_capped`: every file groot reads but did
//! not write goes through it) and the version files read through it (issue 12, items 1 and
//! 14). The first byte picks a cap around the input's length; the rest is the file.
//!
//! Laws: a file is returned whole exactly when it fits the cap, and refused as too large
//! otherwise (never cut short, never an other error); `.go-version` / `.tool-versions` give
//! a value without whitespace or byte-order mark, and refuse only files over their cap; a
//! selection error or hint repeats a bounded amount of the file, without control characters;
//! a link record never panics.

use std::path::Path;
use std::sync::OnceLock;

use groot::fs::{cap, read_regular, refusal, Fs, Refused};
use groot::host::{Host, Os};
use groot::select;

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"));
    let p = dir.path().join("p");
    std::fs::create_dir_all(&p).expect("mkdir");
    let len = body.len() as u64;
    let caps = [
        0,
        1,
        16,
        len.saturating_sub(1),
        len,
        len + 1,
        cap::VERSION_FILE,
    ];
    let limit = caps[usize::from(pick) % caps.len()];

    let file = p.join(".go-version");
    std::fs::write(&file, body).expect("write");
    std::fs::write(p.join(".tool-versions"), body).expect("write");
    match read_regular(&file, limit) {
        Ok(read) => {
            assert!(len <= limit, "{len} bytes read under a cap of {limit}");
            assert_eq!(read, body, "read whole");
        }
        Err(e) => {
            assert!(
                len > limit,
                "refused {len} bytes under a cap of {limit}: {e}"
            );
            assert!(matches!(refusal(&e), Some(Refused::TooLarge { .. })), "{e}");
        }
    }

    let host = Host::fake(dir.path(), Os::Linux).with_var("HOME", "/home/u");
    let logical = Path::new("/p");
    match select::find_go_version(&host, logical) {
        Ok(Some((_, line, value))) => {
            assert!(line >= 1);
            assert!(!value.is_empty());
            assert!(!value.contains(char::is_whitespace), "{value:?}");
            assert!(!value.starts_with('\u{feff}'), "{value:?}");
        }
        Ok(None) => {}
        Err(e) => assert!(len > cap::VERSION_FILE, "{len} bytes refused: {e}"),
    }
    match select::find_tool_versions(&host, logical) {
        Ok(Some(tv)) => assert!(tv.versions.iter().all(|v| !v.is_empty())),
        Ok(None) => {}
        Err(e) => assert!(len > cap::TOOL_VERSIONS, "{len} bytes refused: {e}"),
    }
    let options = select::Options {
        dir: Some(logical.to_path_buf()),
        request: None,
    };
    if let Err(e) = select::select(&host, &options) {
        let shown = format!("{e}\n{}", e.hint().unwrap_or_default());
        assert!(
            shown.len() < 1024,
            "{} bytes of message: {shown:?}",
            shown.len()
        );
        assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n'),
            "{shown:?}"
        );
    }
    let _ = groot::home::read_link_record(&Fs::real(), &file);
}
