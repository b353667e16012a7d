//! go.mod / go.work `go` and `toolchain` lines (cmd/go's `gover.GoModLookup`), and the versions
//! they hold.

use groot::project::mod_lookup;
use groot::version::Version;

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    let lines = data.split(|&b| b == b'\n').count();
    for key in ["go", "toolchain", "godebug", "module"] {
        if let Some(found) = mod_lookup(data, key) {
            assert!(
                found.line >= 1 && found.line <= lines,
                "line {}",
                found.line
            );
            assert!(!found.value.contains('\n'));
            assert!(!found.value.contains("//"));
            assert_eq!(found.value.trim(), found.value);
            let _ = Version::parse(&found.value);
            let _ = Version::from_toolchain(&found.value);
        }
    }
}
