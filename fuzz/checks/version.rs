//! Go version strings (`go.mod` lines, toolchain names, `go version` output): parsing never
//! panics, the ordering is a total order consistent with equality and hashing, and derived
//! versions keep their relation to the original.

use std::cmp::Ordering;
use std::hash::{BuildHasher, RandomState};

use groot::version::{compare, RuntimeVersion, Version};

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // Up to three candidates, one per line, to check ordering laws between them.
    let parts: Vec<&str> = text.splitn(3, '\n').collect();
    let mut versions = Vec::new();
    for p in &parts {
        let rt = RuntimeVersion::parse(p);
        let _ = (rt.local(), rt.local_toolchain(), rt.minor(), rt.to_string());
        if let Some(v) = Version::parse(p) {
            assert_eq!(v.to_string(), *p, "Display keeps the spelling");
            let again = Version::parse(&v.to_string()).expect("reparse");
            assert_eq!(again, v);
            // cmd/go's `gover.Lang` maps every 1.0 spelling to "1", which means 1.0.0 and so
            // sorts after 1.0 prereleases ("1.0rc1"): groot mirrors that.
            let lang = v.lang();
            assert!(lang <= v || lang.to_string() == "1", "lang {lang} > {v}");
            assert!(v.first_release() >= v);
            let named = Version::from_toolchain(&v.toolchain_name()).expect("toolchain name");
            assert_eq!(named, v);
            let _ = (v.minor(), v.at_least(21), v.is_lang());
        }
        if let Some(v) = Version::parse_lenient(p) {
            versions.push(v);
        }
    }
    let hasher = RandomState::new();
    for a in &versions {
        for b in &versions {
            assert_eq!(a.cmp(b), b.cmp(a).reverse(), "{a} vs {b}");
            if a == b {
                assert_eq!(hasher.hash_one(a), hasher.hash_one(b), "{a} == {b}");
            }
            for c in &versions {
                if a <= b && b <= c {
                    assert!(a <= c, "{a} <= {b} <= {c}");
                }
            }
        }
    }
    if let [a, b, ..] = parts.as_slice() {
        assert_eq!(compare(a, b), compare(b, a).reverse());
        if compare(a, b) == Ordering::Equal {
            assert_eq!(compare(a, a), Ordering::Equal);
        }
    }
}
