//! Which Go releases exist, and whether a toolchain is still supported.
//!
//! Go supports the two newest major releases (`1.N` and `1.N-1`); older ones get no security
//! fixes. The list of releases comes from the official index that `groot install` caches
//! (`dist::index::cache_paths` under groot's cache dir, so both layers agree on the file), read
//! without touching the network; when there is no cached copy, a small list built into groot is
//! used, so the check works offline. Versions found on the machine extend either list: a
//! machine with go1.28 proves that go1.28 exists even when the list is older.
//!
//! Reading the cache does not parse the whole index (several MiB with every file of every
//! release): it scans for `"version"` keys, which is all this check needs.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::version::Version;

/// The newest patch of each minor release, newest first, as built into groot: the dist
/// layer's index snapshot, plus releases observed as official builds since.
const EMBEDDED: &str = "go1.27.3 go1.25.2 go1.24.11 go1.23.12 go1.22.12 go1.21.13 go1.20.14 \
                        go1.19.13 go1.18.10 go1.17.13 go1.16.15 go1.15.15 go1.14.15 go1.13.15 \
                        go1.12.17 go1.11.13 go1.10.8 go1.9.7 go1.8.7";

/// Where the release list came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReleaseOrigin {
    /// The index cached by `groot install`.
    Cache { path: PathBuf },
    /// The list built into groot.
    Embedded,
}

/// Stable Go releases known to groot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReleaseList {
    /// Stable releases, newest first, without repeats.
    #[serde(serialize_with = "versions")]
    pub releases: Vec<Version>,
    pub origin: ReleaseOrigin,
}

fn versions<S: serde::Serializer>(v: &[Version], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|v| format!("go{v}")))
}

impl Default for ReleaseList {
    fn default() -> ReleaseList {
        ReleaseList::embedded()
    }
}

impl ReleaseList {
    /// The list built into groot.
    pub fn embedded() -> ReleaseList {
        ReleaseList::from_names(EMBEDDED.split_whitespace(), ReleaseOrigin::Embedded)
    }

    /// A list from toolchain names (`go1.22.10`); prereleases and garbage are dropped.
    pub fn from_names<'a>(
        names: impl IntoIterator<Item = &'a str>,
        origin: ReleaseOrigin,
    ) -> ReleaseList {
        let mut releases: Vec<Version> = names
            .into_iter()
            .filter_map(Version::from_toolchain)
            .filter(|v| !v.is_lang() || v.minor() < 21)
            .filter(|v| !v.to_string().contains(['r', 'b']))
            .collect();
        releases.sort_by(|a, b| b.cmp(a));
        releases.dedup_by(|a, b| a == b);
        ReleaseList { releases, origin }
    }

    /// Reads the cached index at `path`; `None` when missing or holding no release.
    pub fn from_cache(path: &Path, data: &[u8]) -> Option<ReleaseList> {
        let names = scan_versions(data);
        let list = ReleaseList::from_names(
            names.iter().map(String::as_str),
            ReleaseOrigin::Cache {
                path: path.to_path_buf(),
            },
        );
        (!list.releases.is_empty()).then_some(list)
    }

    /// Adds versions seen on the machine.
    pub fn extend(&mut self, seen: impl IntoIterator<Item = Version>) {
        self.releases.extend(
            seen.into_iter()
                .filter(|v| !v.is_lang() && !v.to_string().contains(['r', 'b'])),
        );
        self.releases.sort_by(|a, b| b.cmp(a));
        self.releases.dedup_by(|a, b| a == b);
    }

    /// The newest minor number.
    pub fn newest_minor(&self) -> Option<u32> {
        self.releases.iter().map(Version::minor).max()
    }

    /// The newest known patch of `1.minor`.
    pub fn latest_of(&self, minor: u32) -> Option<&Version> {
        self.releases.iter().find(|v| v.minor() == minor)
    }

    /// The support status of a version.
    pub fn status(&self, v: &Version) -> Status {
        let Some(newest) = self.newest_minor() else {
            return Status::Unknown;
        };
        let minor = v.minor();
        if minor + 1 < newest {
            return Status::Unsupported {
                newest: self.latest_of(newest).cloned(),
            };
        }
        match self.latest_of(minor) {
            Some(latest) if latest > v => Status::PatchBehind {
                latest: latest.clone(),
            },
            _ => Status::Supported,
        }
    }
}

/// What [`ReleaseList::status`] says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// One of the two newest major releases, at its newest known patch.
    Supported,
    /// Supported, but a newer patch (with security fixes) exists.
    PatchBehind { latest: Version },
    /// Older than the two newest major releases.
    Unsupported { newest: Option<Version> },
    /// No list to compare with.
    Unknown,
}

/// Every distinct `"version": "…"` string value in a JSON document, without parsing it.
fn scan_versions(data: &[u8]) -> Vec<String> {
    let key = b"\"version\"";
    let mut out: Vec<String> = Vec::new();
    for at in memchr::memmem::find_iter(data, key) {
        let mut i = at + key.len();
        while i < data.len() && matches!(data[i], b' ' | b'\t' | b'\n' | b'\r' | b':') {
            i += 1;
        }
        if data.get(i) != Some(&b'"') {
            continue;
        }
        let start = i + 1;
        let Some(len) = data[start..].iter().take(64).position(|&b| b == b'"') else {
            continue;
        };
        let Ok(s) = std::str::from_utf8(&data[start..start + len]) else {
            continue;
        };
        if out.last().map(String::as_str) != Some(s) && !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).expect("version")
    }

    #[test]
    fn embedded_list_parses() {
        let l = ReleaseList::embedded();
        assert!(l.releases.len() > 15);
        assert!(l.newest_minor().is_some_and(|m| m >= 27));
        assert_eq!(l.latest_of(21), Some(&v("1.21.13")));
    }

    #[test]
    fn status_by_minor_and_patch() {
        let l = ReleaseList::from_names(
            ["go1.24.3", "go1.23.9", "go1.22.12", "go1.24rc1"],
            ReleaseOrigin::Embedded,
        );
        assert_eq!(l.status(&v("1.24.3")), Status::Supported);
        assert_eq!(
            l.status(&v("1.23.1")),
            Status::PatchBehind {
                latest: v("1.23.9")
            }
        );
        assert!(matches!(
            l.status(&v("1.22.12")),
            Status::Unsupported { .. }
        ));
        let mut l = l;
        l.extend([v("1.26.0")]);
        assert!(matches!(l.status(&v("1.24.3")), Status::Unsupported { .. }));
        let empty = ReleaseList::from_names([], ReleaseOrigin::Embedded);
        assert_eq!(empty.status(&v("1.2.0")), Status::Unknown);
    }

    #[test]
    fn scans_the_index_format_and_survives_garbage() {
        let json = br#"[{"version": "go1.25.1","stable":true,"files":[{"version":"go1.25.1"}]},
            {"version":"go1.26rc1","stable":false},{"version":"go1.24.7"}]"#;
        let l = ReleaseList::from_cache(Path::new("/c/index.json"), json).expect("list");
        assert_eq!(l.releases, [v("1.25.1"), v("1.24.7")]);
        assert!(ReleaseList::from_cache(Path::new("/c"), b"\x00\xff\"version\":").is_none());
        assert!(ReleaseList::from_cache(Path::new("/c"), b"").is_none());
    }
}
