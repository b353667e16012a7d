//! Go version strings in every form Go itself uses, and their ordering.
//!
//! Go does not use semver for its toolchains. Three related spellings appear:
//!
//! * a **version** as go.mod's `go` line and cmd/go's `gover` package see it: `1.22`, `1.22.0`,
//!   `1.21rc2`, `1.9beta1`, `1`. Since Go 1.21, `1.22` names the *language* and `1.22.0` the
//!   first *release*; the two order as `1.22 < 1.22rc1 < 1.22.0`. Before 1.21 a missing patch
//!   meant `.0`;
//! * a **toolchain name**: `go` + version, optionally followed by a suffix introduced by `-`, a
//!   space or a tab (`go1.22.10`, `go1.21.1-bigcorp`, `go1.26.0-X:foo`);
//! * a **runtime version**, what `go version` prints and the linker stamps: a toolchain name,
//!   possibly with experiments (` X:boringcrypto` up to 1.25, `-X:foo` from 1.26), or a
//!   development build (`devel go1.24-abc123 Tue …` up to 1.24, `go1.25-devel_abc123 …` from
//!   1.25).
//!
//! Numbers are kept as decimal strings, as Go does, so that no version overflows.
//!
//! The Go vulnerability database spells Go's own versions as semantic versions ([`Semver`]):
//! `go1.22.10` is `1.22.10`, `go1.27rc3` is `1.27.0-rc.3`, and `1.22.0-0` is the sentinel
//! below every prerelease of 1.22 (the language version `1.22`). [`Version::semver`] converts,
//! and the two orders agree.

use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

/// A parsed Go version: `major[.minor[.patch]][kind[pre]]`, without the `go` prefix.
#[derive(Clone, Debug)]
pub struct Version {
    /// The spelling it was parsed from (or built as), shown by `Display`.
    text: String,
    major: String,
    minor: String,
    patch: String,
    kind: String,
    pre: String,
}

impl Version {
    /// Parses a version without the `go` prefix (`1.22.10`, `1.22`, `1.21rc2`), following the
    /// rules of cmd/go's `gover.Parse`. Returns `None` when Go would consider it malformed.
    pub fn parse(text: &str) -> Option<Version> {
        let (major, rest) = cut_int(text)?;
        let mut v = Version {
            text: text.to_owned(),
            major: major.to_owned(),
            minor: String::new(),
            patch: String::new(),
            kind: String::new(),
            pre: String::new(),
        };
        if rest.is_empty() {
            // "1" means "1.0.0".
            v.minor = "0".to_owned();
            v.patch = "0".to_owned();
            return Some(v);
        }
        let rest = rest.strip_prefix('.')?;
        let (minor, rest) = cut_int(rest)?;
        v.minor = minor.to_owned();
        if rest.is_empty() {
            // Before Go 1.21 a missing patch is the same as ".0"; from 1.21 it names the language.
            if cmp_decimal(&v.minor, "21") == Ordering::Less {
                v.patch = "0".to_owned();
            }
            return Some(v);
        }
        if let Some(rest) = rest.strip_prefix('.') {
            let (patch, rest) = cut_int(rest)?;
            v.patch = patch.to_owned();
            if !rest.is_empty() {
                let (kind, pre) = parse_prerelease(rest)?;
                v.kind = kind.to_owned();
                v.pre = pre.to_owned();
            }
            return Some(v);
        }
        let (kind, pre) = parse_prerelease(rest)?;
        v.kind = kind.to_owned();
        v.pre = pre.to_owned();
        Some(v)
    }

    /// The version named by a toolchain name such as `go1.22.10` or `go1.21.1-bigcorp`
    /// (cmd/go's `gover.FromToolchain`): the `go` prefix is required, a suffix after `-`, space
    /// or tab is dropped.
    pub fn from_toolchain(name: &str) -> Option<Version> {
        let rest = name.strip_prefix("go")?;
        let end = rest.find([' ', '\t', '-']).unwrap_or(rest.len());
        Version::parse(&rest[..end])
    }

    /// Reads either spelling: a bare version or a toolchain name.
    pub fn parse_lenient(text: &str) -> Option<Version> {
        Version::parse(text).or_else(|| Version::from_toolchain(text))
    }

    /// True for a prerelease (`1.23rc1`, `1.9beta1`).
    pub fn is_prerelease(&self) -> bool {
        !self.kind.is_empty()
    }

    /// True for a language version (`1.22`): no patch, no prerelease (`gover.IsLang`).
    pub fn is_lang(&self) -> bool {
        self.patch.is_empty() && self.kind.is_empty() && self.pre.is_empty()
    }

    /// The language version of this version: `1.22.3` → `1.22`, `1.0.0` → `1`.
    pub fn lang(&self) -> Version {
        if self.minor.is_empty() || (self.major == "1" && self.minor == "0") {
            return Version::parse(&self.major).unwrap_or_else(|| self.clone());
        }
        Version {
            text: format!("{}.{}", self.major, self.minor),
            major: self.major.clone(),
            minor: self.minor.clone(),
            patch: String::new(),
            kind: String::new(),
            pre: String::new(),
        }
    }

    /// The minor number (`22` for `1.22.10`), saturating; used to pick version-specific rules.
    pub fn minor(&self) -> u32 {
        if self.major != "1" {
            return if cmp_decimal(&self.major, "1") == Ordering::Greater {
                u32::MAX
            } else {
                0
            };
        }
        self.minor.parse().unwrap_or(u32::MAX)
    }

    /// True when this version is at least Go `1.minor` (any release or prerelease of it).
    pub fn at_least(&self, minor: u32) -> bool {
        self.minor() >= minor
    }

    /// The toolchain name for this version: `go` + version.
    pub fn toolchain_name(&self) -> String {
        format!("go{self}")
    }

    /// The first release of a language version from 1.21 on (`1.22` → `1.22.0`), as cmd/go
    /// 1.23+ does before choosing a toolchain for a go.mod `go` line; other versions unchanged.
    pub fn first_release(&self) -> Version {
        if self.is_lang() && self >= &Version::lang_of(21) {
            let mut v = self.clone();
            v.patch = "0".to_owned();
            v.text = format!("{}.0", self.text);
            return v;
        }
        self.clone()
    }

    /// The language version `1.minor`.
    pub fn lang_of(minor: u32) -> Version {
        Version {
            text: format!("1.{minor}"),
            major: "1".into(),
            minor: minor.to_string(),
            patch: if minor < 21 {
                "0".into()
            } else {
                String::new()
            },
            kind: String::new(),
            pre: String::new(),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.major, &self.minor, &self.patch, &self.kind, &self.pre).hash(state);
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Serializes an optional version as a toolchain name (`go1.22.10`), the one spelling of a
/// version in groot's JSON.
pub fn ser_toolchain_name<S: Serializer>(v: &Option<Version>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_some(&v.toolchain_name()),
        None => s.serialize_none(),
    }
}

impl Ord for Version {
    /// cmd/go's `gover.Compare`: numbers numerically, then `"" < alpha < beta < rc` for a
    /// language version and `alpha < beta < rc < ""` once a patch number is present.
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_decimal(&self.major, &other.major)
            .then_with(|| cmp_decimal(&self.minor, &other.minor))
            .then_with(|| cmp_decimal(&self.patch, &other.patch))
            .then_with(|| {
                let c = self.kind.cmp(&other.kind);
                if c == Ordering::Equal || self.patch.is_empty() {
                    return c;
                }
                if self.kind.is_empty() {
                    Ordering::Greater
                } else if other.kind.is_empty() {
                    Ordering::Less
                } else {
                    c
                }
            })
            .then_with(|| cmp_decimal(&self.pre, &other.pre))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two version strings as cmd/go does, where malformed versions sort below every
/// well-formed one and equal to each other.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (Version::parse(a), Version::parse(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Leading decimal number without superfluous leading zeros, and the rest.
fn cut_int(text: &str) -> Option<(&str, &str)> {
    let end = text
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(text.len());
    if end == 0 || (text.starts_with('0') && end != 1) {
        return None;
    }
    Some(text.split_at(end))
}

fn parse_prerelease(text: &str) -> Option<(&str, &str)> {
    let end = text
        .bytes()
        .position(|b| b.is_ascii_digit())
        .unwrap_or(text.len());
    if end == 0 || !text[..end].bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let (kind, rest) = text.split_at(end);
    if rest.is_empty() {
        return Some((kind, ""));
    }
    let (pre, rest) = cut_int(rest)?;
    rest.is_empty().then_some((kind, pre))
}

/// Compares decimal strings numerically; the empty string sorts first.
fn cmp_decimal(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

impl Version {
    /// This version as the Go vulnerability database spells it (x/vuln's `GoTagToSemver`):
    /// `1.22.10` → `1.22.10`, `1.27rc3` → `1.27.0-rc.3`, `1.20` → `1.20.0`, and a language
    /// version from 1.21 on (`1.22`, below its prereleases) → the sentinel `1.22.0-0`. For every
    /// version without both a patch and a prerelease, the semver order equals Go's.
    pub fn semver(&self) -> Semver {
        let mut pre = Vec::new();
        if !self.kind.is_empty() {
            pre.push(Ident::Alpha(self.kind.clone()));
            if !self.pre.is_empty() {
                pre.push(Ident::Num(self.pre.clone()));
            }
        } else if self.patch.is_empty() {
            pre.push(Ident::Num("0".to_owned()));
        }
        let or_zero = |s: &str| {
            if s.is_empty() {
                "0".to_owned()
            } else {
                s.to_owned()
            }
        };
        Semver {
            major: self.major.clone(),
            minor: or_zero(&self.minor),
            patch: or_zero(&self.patch),
            pre,
        }
    }
}

/// A semantic version (semver.org 2.0, without a `v`; build metadata is dropped), as OSV's
/// `SEMVER` ranges spell Go versions. Numbers are decimal strings, so nothing overflows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Semver {
    major: String,
    minor: String,
    patch: String,
    pre: Vec<Ident>,
}

/// One dot-separated prerelease identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Ident {
    Num(String),
    Alpha(String),
}

impl Ord for Ident {
    /// Numeric identifiers compare numerically and sort below alphanumeric ones, which compare
    /// in ASCII order.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Num(a), Ident::Num(b)) => cmp_decimal(a, b),
            (Ident::Num(_), Ident::Alpha(_)) => Ordering::Less,
            (Ident::Alpha(_), Ident::Num(_)) => Ordering::Greater,
            (Ident::Alpha(a), Ident::Alpha(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Semver {
    /// Parses `1.22.10`, `1.27.0-rc.3`, `1.22.0-0` (an optional leading `v` and `+build` are
    /// accepted). `None` for anything semver does not allow (leading zeros, empty identifiers).
    pub fn parse(text: &str) -> Option<Semver> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let text = text
            .split_once('+')
            .map_or(text, |(v, build)| if build.is_empty() { "" } else { v });
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (text, None),
        };
        let mut nums = core.split('.');
        let mut num = || {
            let n = nums.next()?;
            let (digits, rest) = cut_int(n)?;
            rest.is_empty().then(|| digits.to_owned())
        };
        let (major, minor, patch) = (num()?, num()?, num()?);
        if nums.next().is_some() {
            return None;
        }
        let pre = match pre {
            None => Vec::new(),
            Some(pre) => pre
                .split('.')
                .map(|id| {
                    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    {
                        None
                    } else if id.bytes().all(|b| b.is_ascii_digit()) {
                        (id == "0" || !id.starts_with('0')).then(|| Ident::Num(id.to_owned()))
                    } else {
                        Some(Ident::Alpha(id.to_owned()))
                    }
                })
                .collect::<Option<Vec<_>>>()?,
        };
        Some(Semver {
            major,
            minor,
            patch,
            pre,
        })
    }

    /// Whether this is a prerelease (`1.27.0-rc.3`, `1.22.0-0`).
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    /// The Go version this stands for, as a toolchain name without `go`: `1.22.11`,
    /// `1.27rc3`, `1.20` (releases before 1.21 were named without `.0`); `None` for the
    /// `-0` sentinels and prereleases Go never names.
    pub fn go_version(&self) -> Option<Version> {
        let minor_num = if self.major == "1" {
            self.minor.parse::<u32>().unwrap_or(u32::MAX)
        } else {
            u32::MAX
        };
        let text = match self.pre.as_slice() {
            [] if self.patch == "0" && minor_num < 21 => {
                format!("{}.{}", self.major, self.minor)
            }
            [] => format!("{}.{}.{}", self.major, self.minor, self.patch),
            [Ident::Alpha(kind)] if self.patch == "0" => {
                format!("{}.{}{kind}", self.major, self.minor)
            }
            [Ident::Alpha(kind), Ident::Num(n)] if self.patch == "0" => {
                format!("{}.{}{kind}{n}", self.major, self.minor)
            }
            _ => return None,
        };
        Version::parse(&text)
    }
}

impl fmt::Display for Semver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, id) in self.pre.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            match id {
                Ident::Num(s) | Ident::Alpha(s) => f.write_str(s)?,
            }
        }
        Ok(())
    }
}

impl Ord for Semver {
    /// semver.org §11: numbers numerically; a prerelease sorts below its release; identifiers
    /// one by one; a shorter prefix sorts first.
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_decimal(&self.major, &other.major)
            .then_with(|| cmp_decimal(&self.minor, &other.minor))
            .then_with(|| cmp_decimal(&self.patch, &other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}

impl PartialOrd for Semver {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What a Go binary calls itself: `runtime.Version()`, as `go version` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuntimeVersion {
    /// The string exactly as stamped, e.g. `go1.22.10` or `go1.26.0-X:jsonv2`.
    pub raw: String,
    /// The release it names, when it names one (`gover.FromToolchain`).
    pub release: Option<Version>,
    /// A development build (`devel go1.24-…` or `go1.25-devel_…`).
    pub devel: bool,
    /// GOEXPERIMENT names after ` X:` or `-X:`, if any.
    pub experiments: Vec<String>,
}

impl RuntimeVersion {
    pub fn parse(raw: &str) -> RuntimeVersion {
        let raw = raw.trim_end_matches(['\n', '\r']);
        let experiments = raw
            .find("X:")
            .filter(|&i| i > 0 && matches!(raw.as_bytes()[i - 1], b' ' | b'-'))
            .map(|i| {
                raw[i + 2..]
                    .split([',', ' '])
                    .take_while(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let devel = raw.starts_with("devel ") || raw.contains("-devel_");
        let release = Version::from_toolchain(raw).or_else(|| {
            // "devel go1.24-abc123 …": the language version after "devel ".
            raw.strip_prefix("devel ").and_then(Version::from_toolchain)
        });
        RuntimeVersion {
            raw: raw.to_owned(),
            release,
            devel,
            experiments,
        }
    }

    /// The version cmd/go compares go.mod lines against (`gover.Local`): the release named by
    /// the runtime version, or for a development build `1.N` of the branch it was built on.
    pub fn local(&self) -> Option<Version> {
        if Version::from_toolchain(&self.raw).is_some() {
            return self.release.clone();
        }
        self.release.as_ref().map(Version::lang)
    }

    /// The toolchain name cmd/go uses for itself (`gover.LocalToolchain`): the raw string when it
    /// parses as a toolchain name, else `go` + [`RuntimeVersion::local`].
    pub fn local_toolchain(&self) -> Option<String> {
        if Version::from_toolchain(&self.raw).is_some() {
            return Some(self.raw.clone());
        }
        self.local().map(|v| v.toolchain_name())
    }

    /// The minor number used to choose version-specific rules, if known.
    pub fn minor(&self) -> Option<u32> {
        self.release.as_ref().map(Version::minor)
    }
}

impl fmt::Display for RuntimeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn parses_every_form() {
        for ok in [
            "1",
            "1.22",
            "1.22.0",
            "1.22.10",
            "1.21rc2",
            "1.9beta1",
            "1.21.0rc1",
            "1.99999999999",
            "2.0.0",
        ] {
            assert!(Version::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "", "go1.22", "1.", "1.022", "01.2", "1.2.", "1.2.3.4", "1.2-rc1", "1.21RC1", "1.21rc",
            "1.21rc01", " 1.2", "1.2 ", "abc",
        ] {
            // "1.21rc" is valid for gover (kind without number); keep that one apart.
            if bad == "1.21rc" {
                assert!(Version::parse(bad).is_some());
                continue;
            }
            assert!(Version::parse(bad).is_none(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn orders_like_gover() {
        let ordered = [
            "1.0",
            "1.9beta1",
            "1.9rc1",
            "1.9",
            "1.9.1",
            "1.20",
            "1.20.14",
            "1.21",
            "1.21rc1",
            "1.21rc2",
            "1.21.0",
            "1.21.1",
            "1.21.13",
            "1.22",
            "1.22.0rc1",
            "1.22.0",
            "1.22.10",
            "1.27.3",
            "1.100.0",
        ];
        for pair in ordered.windows(2) {
            assert_eq!(
                v(pair[0]).cmp(&v(pair[1])),
                Ordering::Less,
                "{} < {}",
                pair[0],
                pair[1]
            );
            assert_eq!(v(pair[1]).cmp(&v(pair[0])), Ordering::Greater);
        }
        // Before 1.21 a missing patch means .0.
        assert_eq!(v("1.20").cmp(&v("1.20.0")), Ordering::Equal);
        assert_eq!(v("1").cmp(&v("1.0.0")), Ordering::Equal);
        assert_eq!(compare("garbage", "1.2"), Ordering::Less);
        assert_eq!(compare("garbage", "junk"), Ordering::Equal);
    }

    #[test]
    fn language_versions() {
        assert!(v("1.22").is_lang());
        assert!(!v("1.22.0").is_lang());
        assert!(!v("1.22rc1").is_lang());
        assert!(
            !v("1.20").is_lang(),
            "before 1.21 there is no language-only spelling"
        );
        assert_eq!(v("1.22.3").lang().to_string(), "1.22");
        assert_eq!(v("1.0.0").lang().to_string(), "1");
        assert_eq!(v("1.22").first_release().to_string(), "1.22.0");
        assert_eq!(v("1.20").first_release().to_string(), "1.20");
        assert_eq!(v("1.22.4").first_release().to_string(), "1.22.4");
        // gover's quirk (found by fuzzing, kept because cmd/go does the same): the language of a
        // 1.0 prerelease is `1`, i.e. 1.0.0, which sorts above the prerelease itself.
        assert_eq!(v("1.0z0").lang().to_string(), "1");
        assert!(v("1.0z0").lang() > v("1.0z0"));
    }

    #[test]
    fn displays_round_trip() {
        for s in [
            "1.22",
            "1.22.0",
            "1.22.10",
            "1.21rc2",
            "1.9beta1",
            "1.21.0rc1",
            "1.9.2",
            "1.20",
        ] {
            assert_eq!(v(s).to_string(), s);
        }
    }

    #[test]
    fn toolchain_names() {
        assert_eq!(Version::from_toolchain("go1.22.10"), Some(v("1.22.10")));
        assert_eq!(
            Version::from_toolchain("go1.21.1-bigcorp"),
            Some(v("1.21.1"))
        );
        assert_eq!(
            Version::from_toolchain("go1.22.10 X:boringcrypto"),
            Some(v("1.22.10"))
        );
        assert_eq!(Version::from_toolchain("1.22.10"), None);
        assert_eq!(Version::from_toolchain("gccgo-go1.22"), None);
        assert_eq!(Version::parse_lenient("go1.22"), Some(v("1.22")));
        assert_eq!(v("1.22.0").toolchain_name(), "go1.22.0");
    }

    #[test]
    fn runtime_versions() {
        let r = RuntimeVersion::parse("go1.22.10");
        assert_eq!(r.local(), Some(v("1.22.10")));
        assert_eq!(r.local_toolchain().as_deref(), Some("go1.22.10"));
        assert!(!r.devel && r.experiments.is_empty());

        let r = RuntimeVersion::parse("go1.22.10 X:boringcrypto,loopvar");
        assert_eq!(r.experiments, ["boringcrypto", "loopvar"]);
        assert_eq!(
            r.local_toolchain().as_deref(),
            Some("go1.22.10 X:boringcrypto,loopvar")
        );

        let r = RuntimeVersion::parse("go1.26.0-X:jsonv2");
        assert_eq!(r.experiments, ["jsonv2"]);
        assert_eq!(r.local(), Some(v("1.26.0")));

        let r = RuntimeVersion::parse("devel go1.24-7b26324 Tue Jan 21 10:00:00 2025 +0000");
        assert!(r.devel);
        assert_eq!(r.local(), Some(v("1.24")));
        assert_eq!(r.local_toolchain().as_deref(), Some("go1.24"));

        let r = RuntimeVersion::parse("go1.26-devel_2baa1d1762 Wed Jan 21 12:00:00 2026 +0000");
        assert!(r.devel);
        assert_eq!(r.local(), Some(v("1.26")));
        assert_eq!(r.minor(), Some(26));

        let r = RuntimeVersion::parse("weekly.2011-01-01");
        assert_eq!(r.local(), None);
    }

    fn sv(s: &str) -> Semver {
        Semver::parse(s).unwrap_or_else(|| panic!("{s} should parse as semver"))
    }

    #[test]
    fn go_versions_as_the_vulnerability_database_spells_them() {
        for (go, semver) in [
            ("1.22.10", "1.22.10"),
            ("1.21.0", "1.21.0"),
            ("1.27rc3", "1.27.0-rc.3"),
            ("1.9beta1", "1.9.0-beta.1"),
            ("1.20", "1.20.0"),
            ("1.22", "1.22.0-0"),
            ("1.21rc", "1.21.0-rc"),
            ("1", "1.0.0"),
        ] {
            assert_eq!(v(go).semver().to_string(), semver, "{go}");
            assert_eq!(v(go).semver(), sv(semver), "{go}");
        }
        for (semver, go) in [
            ("1.22.11", Some("1.22.11")),
            ("1.27.0-rc.3", Some("1.27rc3")),
            ("1.20.0", Some("1.20")),
            ("1.21.0", Some("1.21.0")),
            ("1.22.0-0", None),
            ("1.22.1-rc.1", None),
        ] {
            assert_eq!(
                sv(semver).go_version().map(|v| v.to_string()).as_deref(),
                go,
                "{semver}"
            );
        }
    }

    #[test]
    fn semver_orders_prereleases_and_sentinels() {
        let ordered = [
            "0.0.0",
            "1.21.13",
            "1.22.0-0",
            "1.22.0-beta.1",
            "1.22.0-rc.1",
            "1.22.0-rc.2",
            "1.22.0-rc.10",
            "1.22.0",
            "1.22.10",
            "1.22.12",
            "1.27.0-0",
            "1.27.0-rc.3",
            "1.27.0",
            "1.100.0",
        ];
        for pair in ordered.windows(2) {
            assert!(sv(pair[0]) < sv(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        // semver.org's own example.
        let spec = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for pair in spec.windows(2) {
            assert!(sv(pair[0]) < sv(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(sv("v1.2.3+build.5"), sv("1.2.3"));
        for bad in [
            "",
            "0",
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3-a..b",
            "1.2.3-ä",
            "1.2.3+",
            "1.-2.3",
        ] {
            assert!(Semver::parse(bad).is_none(), "{bad:?}");
        }
    }

    /// Go versions as toolchains are named: `1.N`, `1.N.P`, `1.N(alpha|beta|rc)K`.
    fn go_version_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        (
            0u32..30,
            proptest::option::of(0u32..15),
            proptest::option::of((
                proptest::sample::select(vec!["alpha", "beta", "rc"]),
                proptest::option::of(1u32..12),
            )),
        )
            .prop_map(|(minor, patch, pre)| match (patch, pre) {
                (Some(p), _) => format!("1.{minor}.{p}"),
                (None, Some((kind, n))) => {
                    format!(
                        "1.{minor}{kind}{}",
                        n.map(|n| n.to_string()).unwrap_or_default()
                    )
                }
                (None, None) => format!("1.{minor}"),
            })
    }

    proptest::proptest! {
        /// The semver spelling orders exactly as Go orders its own versions.
        #[test]
        fn semver_order_equals_go_order(a in go_version_strategy(), b in go_version_strategy()) {
            let (a, b) = (v(&a), v(&b));
            proptest::prop_assert_eq!(a.cmp(&b), a.semver().cmp(&b.semver()), "{} vs {}", a, b);
        }

        /// Display and parse round-trip, and the Go spelling maps back to the same semver.
        #[test]
        fn semver_round_trips(a in go_version_strategy()) {
            let s = v(&a).semver();
            proptest::prop_assert_eq!(Semver::parse(&s.to_string()), Some(s.clone()));
            if let Some(go) = s.go_version() {
                proptest::prop_assert_eq!(go.semver(), s);
            }
        }

        /// `1.N.0-0` is above every version of earlier lines and at or below every version of
        /// 1.N and later.
        #[test]
        fn sentinel_bounds_its_line(a in go_version_strategy(), n in 0u32..30) {
            let x = v(&a);
            let sentinel = sv(&format!("1.{n}.0-0"));
            proptest::prop_assert_eq!(x.semver() >= sentinel, x.minor() >= n, "{} vs 1.{}.0-0", x, n);
        }

        /// Semver comparison is a total order on arbitrary well-formed input.
        #[test]
        fn semver_total_order(a in "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9](-[0-9a-z]{1,3}(\\.[0-9a-z]{1,3}){0,2})?",
                              b in "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9](-[0-9a-z]{1,3}(\\.[0-9a-z]{1,3}){0,2})?",
                              c in "\\PC{0,16}") {
            let _ = Semver::parse(&c);
            if let (Some(x), Some(y)) = (Semver::parse(&a), Semver::parse(&b)) {
                proptest::prop_assert_eq!(x.cmp(&y), y.cmp(&x).reverse());
                proptest::prop_assert_eq!(x == y, x.cmp(&y) == Ordering::Equal);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_and_orders_totally(a in "\\PC{0,12}", b in "[0-9.a-z]{0,10}") {
            let _ = Version::parse(&a);
            let _ = RuntimeVersion::parse(&a);
            let x = compare(&a, &b);
            let y = compare(&b, &a);
            proptest::prop_assert_eq!(x, y.reverse());
        }
    }
}
