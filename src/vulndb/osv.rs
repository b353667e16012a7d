//! OSV entries of the Go vulnerability database: reading one `ID/<id>.json`, keeping what
//! concerns Go itself (the `stdlib` and `toolchain` modules), and deciding which Go versions an
//! entry affects.
//!
//! An OSV `SEMVER` range is a list of events (`introduced`, `fixed`, `last_affected`, `limit`);
//! a version is affected when, walking the events in version order, the last event at or
//! below it is an `introduced` (with `last_affected` inclusive). `introduced: "0"` is the
//! bottom. Go versions are compared in their semver spelling ([`Version::semver`]).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::version::{Semver, Version};

/// The modules that stand for Go itself: the standard library and the go command / tools.
pub const GO_MODULES: &[&str] = &["stdlib", "toolchain"];

/// An entry reduced to what groot needs about Go itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// `GO-2024-3106`.
    pub id: String,
    /// The entry's `modified` stamp (used to refetch only what changed).
    pub modified: String,
    /// The entry's `published` stamp.
    pub published: String,
    /// CVE and GHSA names of the same vulnerability.
    pub aliases: Vec<String>,
    /// One line: the OSV `summary`, or the start of `details`.
    pub summary: String,
    /// The `SEMVER` ranges of the `stdlib` / `toolchain` packages.
    pub ranges: Vec<Range>,
}

/// One `SEMVER` range of one Go module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// `stdlib` or `toolchain`.
    pub module: String,
    /// The events, sorted by version.
    pub events: Vec<Event>,
}

/// An OSV range event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Affected from this version on; `None` is OSV's `"0"` (every version).
    Introduced(Option<Semver>),
    /// Not affected from this version on.
    Fixed(Semver),
    /// Affected up to and including this version.
    LastAffected(Semver),
    /// Nothing at or above this version is in the range.
    Limit(Semver),
}

impl Event {
    fn version(&self) -> Option<&Semver> {
        match self {
            Event::Introduced(v) => v.as_ref(),
            Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => Some(v),
        }
    }

    /// `i`, `f`, `l` or `L` and the version (`0` for the bottom), as the compact cache writes it.
    pub(crate) fn encode(&self) -> String {
        match self {
            Event::Introduced(None) => "i0".to_owned(),
            Event::Introduced(Some(v)) => format!("i{v}"),
            Event::Fixed(v) => format!("f{v}"),
            Event::LastAffected(v) => format!("l{v}"),
            Event::Limit(v) => format!("L{v}"),
        }
    }

    pub(crate) fn decode(text: &str) -> Option<Event> {
        let (tag, v) = text.split_at_checked(1)?;
        if tag == "i" && v == "0" {
            return Some(Event::Introduced(None));
        }
        let v = Semver::parse(v)?;
        Some(match tag {
            "i" => Event::Introduced(Some(v)),
            "f" => Event::Fixed(v),
            "l" => Event::LastAffected(v),
            "L" => Event::Limit(v),
            _ => return None,
        })
    }
}

impl Range {
    /// A range from events in any order.
    pub fn new(module: impl Into<String>, mut events: Vec<Event>) -> Range {
        // The bottom first, then by version; at one version the closing events first.
        events.sort_by(|a, b| {
            a.version().cmp(&b.version()).then_with(|| {
                let rank = |e: &Event| u8::from(matches!(e, Event::Introduced(_)));
                rank(a).cmp(&rank(b))
            })
        });
        Range {
            module: module.into(),
            events,
        }
    }

    /// Whether `v` is in the range, and if so the version that fixes it (the next `fixed`
    /// event above it; `None` when there is none).
    pub fn contains(&self, v: &Semver) -> Option<Option<Semver>> {
        let mut inside = false;
        let mut rest = self.events.iter().peekable();
        while let Some(e) = rest.peek() {
            let below = match e {
                // Affected up to and including the last affected version.
                Event::LastAffected(l) => l < v,
                _ => e.version().is_none_or(|at| at <= v),
            };
            if !below {
                break;
            }
            inside = matches!(e, Event::Introduced(_));
            rest.next();
        }
        if !inside {
            return None;
        }
        // The next event above the version closes the interval; only a `fixed` names a fix.
        Some(match rest.next() {
            Some(Event::Fixed(f)) => Some(f.clone()),
            _ => None,
        })
    }
}

impl Record {
    /// Whether the entry affects `v`, and the lowest version fixing it there (`Some(None)`:
    /// affected, no fix published).
    pub fn affects(&self, v: &Semver) -> Option<Option<Semver>> {
        let mut hit: Option<Option<Semver>> = None;
        for r in &self.ranges {
            if let Some(fixed) = r.contains(v) {
                hit = Some(match (hit, fixed) {
                    // Two ranges (stdlib and toolchain) may name different fixes: the later
                    // one fixes both.
                    (Some(Some(a)), Some(b)) => Some(a.max(b)),
                    (Some(None), _) | (_, None) => None,
                    (None, Some(b)) => Some(b),
                });
            }
        }
        hit
    }

    /// Whether the entry affects the Go version `v`.
    pub fn affects_go(&self, v: &Version) -> bool {
        self.affects(&v.semver()).is_some()
    }
}

/// Why an entry was skipped.
#[derive(Debug, thiserror::Error)]
pub enum OsvError {
    /// Not JSON, or not an OSV object.
    #[error("not an OSV entry: {0}")]
    Json(#[source] serde_json::Error),
    /// The `id` is missing or holds characters no ID has.
    #[error("the entry has no valid id ({0:?})")]
    BadId(String),
    /// A `SEMVER` event of a Go module is not a semantic version.
    #[error("{id}: {module} range event {event:?} is not a semantic version")]
    BadEvent {
        /// The entry.
        id: String,
        /// The module.
        module: String,
        /// The event as written.
        event: String,
    },
}

#[derive(Deserialize)]
struct RawEntry {
    id: Option<String>,
    #[serde(default)]
    modified: String,
    #[serde(default)]
    published: String,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    affected: Vec<RawAffected>,
}

#[derive(Deserialize)]
struct RawAffected {
    #[serde(default)]
    package: RawPackage,
    #[serde(default)]
    ranges: Vec<RawRange>,
}

#[derive(Default, Deserialize)]
struct RawPackage {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    events: Vec<BTreeMap<String, String>>,
}

/// Whether `id` can be an entry ID (and so a file name under `ID/`): letters, digits, `-`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Reads one OSV entry. `Ok(None)` when it does not concern Go itself (no `stdlib` or
/// `toolchain` package) or was withdrawn.
pub fn parse(bytes: &[u8]) -> Result<Option<Record>, OsvError> {
    let raw: RawEntry = serde_json::from_slice(bytes).map_err(OsvError::Json)?;
    let id = raw.id.unwrap_or_default();
    if !valid_id(&id) {
        return Err(OsvError::BadId(id));
    }
    if raw.withdrawn.is_some_and(|w| !w.is_empty()) {
        return Ok(None);
    }
    let mut ranges = Vec::new();
    for a in &raw.affected {
        let module = a.package.name.as_str();
        if !GO_MODULES.contains(&module) {
            continue;
        }
        for r in a.ranges.iter().filter(|r| r.kind == "SEMVER") {
            let mut events = Vec::new();
            for ev in &r.events {
                for (key, value) in ev {
                    let bad = || OsvError::BadEvent {
                        id: id.clone(),
                        module: module.to_owned(),
                        event: format!("{key}: {value}"),
                    };
                    let v = || Semver::parse(value).ok_or_else(bad);
                    events.push(match key.as_str() {
                        "introduced" if value == "0" => Event::Introduced(None),
                        "introduced" => Event::Introduced(Some(v()?)),
                        "fixed" => Event::Fixed(v()?),
                        "last_affected" => Event::LastAffected(v()?),
                        "limit" => Event::Limit(v()?),
                        _ => return Err(bad()),
                    });
                }
            }
            ranges.push(Range::new(module, events));
        }
    }
    if ranges.is_empty() {
        return Ok(None);
    }
    Ok(Some(Record {
        id,
        modified: one_line(&raw.modified, 64),
        published: one_line(&raw.published, 64),
        aliases: raw
            .aliases
            .iter()
            .map(|a| one_line(a, 64))
            .filter(|a| !a.is_empty() && !a.contains(','))
            .collect(),
        summary: if raw.summary.trim().is_empty() {
            one_line(&raw.details, 160)
        } else {
            one_line(&raw.summary, 300)
        },
        ranges,
    }))
}

/// `text` on one line (every run of whitespace and control characters one space), at most
/// `max` characters.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > max {
        out = out.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(s: &str) -> Semver {
        Semver::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    fn go(s: &str) -> Semver {
        Version::parse(s).unwrap_or_else(|| panic!("{s}")).semver()
    }

    const ENTRY: &str = r#"{
      "schema_version": "1.3.1", "id": "GO-2024-3106",
      "modified": "0001-01-01T00:00:00Z", "published": "0001-01-01T00:00:00Z",
      "aliases": ["CVE-2024-34156"],
      "summary": "Stack exhaustion in Decoder.Decode in encoding/gob",
      "affected": [
        {"package": {"name": "stdlib", "ecosystem": "Go"},
         "ranges": [{"type": "SEMVER", "events": [
            {"introduced": "0"}, {"fixed": "1.22.7"},
            {"introduced": "1.23.0-0"}, {"fixed": "1.23.1"}]}]},
        {"package": {"name": "golang.org/x/net", "ecosystem": "Go"},
         "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "nonsense"}]}]}
      ]}"#;

    #[test]
    fn reads_a_real_entry_and_its_ranges() {
        let r = parse(ENTRY.as_bytes()).expect("parses").expect("go entry");
        assert_eq!(r.id, "GO-2024-3106");
        assert_eq!(r.aliases, ["CVE-2024-34156"]);
        assert_eq!(r.ranges.len(), 1, "x/net is not Go itself");
        let fix = |v: &str| r.affects(&go(v));
        assert_eq!(fix("1.22.6"), Some(Some(sv("1.22.7"))));
        assert_eq!(fix("1.21.13"), Some(Some(sv("1.22.7"))));
        assert_eq!(fix("1.22.7"), None);
        assert_eq!(fix("1.22.10"), None);
        assert_eq!(fix("1.23rc1"), Some(Some(sv("1.23.1"))));
        assert_eq!(fix("1.23"), Some(Some(sv("1.23.1"))), "1.23 = 1.23.0-0");
        assert_eq!(fix("1.23.0"), Some(Some(sv("1.23.1"))));
        assert_eq!(fix("1.23.1"), None);
        assert_eq!(fix("1.24.0"), None);
    }

    #[test]
    fn prerelease_fixes_and_open_ranges() {
        let r = Range::new(
            "stdlib",
            vec![
                Event::Fixed(sv("1.27.0-rc.3")),
                Event::Introduced(Some(sv("1.26.0-0"))),
                Event::Fixed(sv("1.26.6")),
                Event::Introduced(Some(sv("1.27.0-0"))),
            ],
        );
        assert_eq!(r.contains(&go("1.27rc2")), Some(Some(sv("1.27.0-rc.3"))));
        assert_eq!(r.contains(&go("1.27rc3")), None);
        assert_eq!(r.contains(&go("1.27.0")), None);
        assert_eq!(r.contains(&go("1.26.5")), Some(Some(sv("1.26.6"))));
        assert_eq!(r.contains(&go("1.25.9")), None);
        let open = Range::new("toolchain", vec![Event::Introduced(Some(sv("1.25.0")))]);
        assert_eq!(open.contains(&go("1.30.1")), Some(None));
        assert_eq!(open.contains(&go("1.24.9")), None);
        let last = Range::new(
            "stdlib",
            vec![Event::Introduced(None), Event::LastAffected(sv("1.22.3"))],
        );
        assert_eq!(last.contains(&go("1.22.3")), Some(None));
        assert_eq!(last.contains(&go("1.22.4")), None);
        let limit = Range::new(
            "stdlib",
            vec![Event::Introduced(None), Event::Limit(sv("1.20.0"))],
        );
        assert_eq!(limit.contains(&go("1.19.9")), Some(None));
        assert_eq!(limit.contains(&go("1.20.0")), None);
    }

    #[test]
    fn malformed_entries_say_why() {
        assert!(matches!(parse(b"{"), Err(OsvError::Json(_))));
        assert!(matches!(parse(b"[]"), Err(OsvError::Json(_))));
        assert!(matches!(
            parse(br#"{"id": "../../etc/passwd"}"#),
            Err(OsvError::BadId(_))
        ));
        let bad = r#"{"id": "GO-1", "affected": [{"package": {"name": "stdlib"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "go1.22"}]}]}]}"#;
        let e = parse(bad.as_bytes()).expect_err("bad event");
        assert!(e.to_string().contains("go1.22"), "{e}");
        let withdrawn = r#"{"id": "GO-1", "withdrawn": "2024-01-01T00:00:00Z", "affected":
            [{"package": {"name": "stdlib"}, "ranges": [{"type": "SEMVER", "events":
            [{"introduced": "0"}]}]}]}"#;
        assert!(matches!(parse(withdrawn.as_bytes()), Ok(None)));
    }

    #[test]
    fn events_round_trip_through_the_compact_form() {
        for e in [
            Event::Introduced(None),
            Event::Introduced(Some(sv("1.22.0-0"))),
            Event::Fixed(sv("1.27.0-rc.3")),
            Event::LastAffected(sv("1.2.3")),
            Event::Limit(sv("2.0.0")),
        ] {
            assert_eq!(Event::decode(&e.encode()), Some(e));
        }
        assert_eq!(Event::decode("x1.2.3"), None);
        assert_eq!(Event::decode(""), None);
        assert_eq!(Event::decode("é"), None);
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(data in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = parse(&data);
        }
    }
}
