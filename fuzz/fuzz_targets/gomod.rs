//! go.mod / go.work `go` and `toolchain` lines (cmd/go's `gover.GoModLookup`), and the versions
//! they hold.
#![no_main]

use groot::project::mod_lookup;
use groot::version::Version;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
});
