//! The module-info text that `go build` embeds next to the Go version: the tab-separated
//! `path`, `mod`, `dep`, `=>` and `build` lines of `runtime/debug.BuildInfo`, and the Go
//! string unquoting needed for `build` keys and values.
//!
//! Parsing is lenient on purpose: a diagnosing tool wants whatever can be read, so a line
//! that `runtime/debug.ParseBuildInfo` would reject is kept as well as it can be (a quoted
//! `build` value that does not unquote stays raw) instead of failing the whole read.

use super::Module;

// The reader, like Go's, only strips the 16-byte markers and never checks their bytes; they
// are spelled out for the tests.

/// The 16-byte marker `cmd/go` writes before the module info.
#[cfg(test)]
const START_SENTINEL: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];

/// The 16-byte marker `cmd/go` writes after the module info.
#[cfg(test)]
const END_SENTINEL: [u8; 16] = [
    0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2,
];

/// The module info as parsed from the embedded text.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct ModInfo {
    pub main_path: Option<String>,
    pub main_module: Option<Module>,
    pub deps: Vec<Module>,
    pub settings: Vec<(String, String)>,
}

/// Removes the sentinels around the raw module string the way Go's reader does: only when the
/// string is long enough and the byte before the end marker is a newline; anything else means
/// "no module info".
pub(super) fn strip_sentinels(raw: &[u8]) -> &[u8] {
    let n = raw.len();
    if n >= 33 && raw[n - 17] == b'\n' {
        &raw[16..n - 16]
    } else {
        &[]
    }
}

/// Parses the text between the sentinels.
pub(super) fn parse(text: &str) -> ModInfo {
    /// Which module a `=>` line replaces.
    #[derive(Clone, Copy)]
    enum Last {
        None,
        Main,
        Dep(usize),
    }

    let mut info = ModInfo::default();
    let mut last = Last::None;
    for line in text.split('\n') {
        if let Some(rest) = line.strip_prefix("path\t") {
            info.main_path = Some(rest.to_owned());
            last = Last::None;
        } else if let Some(rest) = line.strip_prefix("mod\t") {
            info.main_module = Some(module_from_fields(rest));
            last = Last::Main;
        } else if let Some(rest) = line.strip_prefix("dep\t") {
            info.deps.push(module_from_fields(rest));
            last = Last::Dep(info.deps.len() - 1);
        } else if let Some(rest) = line.strip_prefix("=>\t") {
            let replacement = Some(Box::new(module_from_fields(rest)));
            match last {
                Last::Main => {
                    if let Some(main) = info.main_module.as_mut() {
                        main.replace = replacement;
                    }
                }
                Last::Dep(i) => {
                    if let Some(dep) = info.deps.get_mut(i) {
                        dep.replace = replacement;
                    }
                }
                Last::None => {}
            }
            last = Last::None;
        } else if let Some(rest) = line.strip_prefix("build\t") {
            if let Some(setting) = parse_setting(rest) {
                info.settings.push(setting);
            }
            last = Last::None;
        }
    }
    info
}

/// `<path>\t<version>[\t<sum>]`; missing columns become empty.
fn module_from_fields(fields: &str) -> Module {
    let mut cols = fields.split('\t');
    let path = cols.next().unwrap_or_default().to_owned();
    let version = cols.next().unwrap_or_default().to_owned();
    let sum = cols.next().filter(|s| !s.is_empty()).map(str::to_owned);
    Module {
        path,
        version,
        sum,
        replace: None,
    }
}

/// One `build` line body, `key=value`, where either side may be Go-quoted.
fn parse_setting(kv: &str) -> Option<(String, String)> {
    let (key, raw_value) = match kv.as_bytes().first()? {
        b'"' | b'`' => {
            let len = quoted_prefix_len(kv)?;
            let key = unquote(&kv[..len])?;
            let raw_value = kv[len..].strip_prefix('=')?;
            (key, raw_value)
        }
        b'=' => return None,
        _ => {
            let (key, raw_value) = kv.split_once('=')?;
            (key.to_owned(), raw_value)
        }
    };
    let value = match raw_value.as_bytes().first() {
        Some(b'"' | b'`') => unquote(raw_value).unwrap_or_else(|| raw_value.to_owned()),
        _ => raw_value.to_owned(),
    };
    Some((key, value))
}

/// Length in bytes of the Go string literal at the start of `s`, if it starts with one.
fn quoted_prefix_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    match bytes.first()? {
        b'`' => bytes[1..].iter().position(|&b| b == b'`').map(|i| i + 2),
        b'"' => {
            let mut i = 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    b'\n' => return None,
                    _ => i += 1,
                }
            }
            None
        }
        _ => None,
    }
}

/// Go's `strconv.Unquote` for double-quoted and back-quoted literals. The result may hold
/// bytes that are not UTF-8 (`\xff`); those become U+FFFD. Returns `None` on a malformed
/// literal.
pub(super) fn unquote(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let quote = *bytes.first()?;
    // Both ends must be the same ASCII quote, so slicing them off stays on char boundaries.
    if bytes.len() < 2 || !matches!(quote, b'"' | b'`') || bytes[bytes.len() - 1] != quote {
        return None;
    }
    let body = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if body.contains('`') {
                return None;
            }
            // Go drops carriage returns from raw strings.
            Some(body.replace('\r', ""))
        }
        b'"' => unquote_interpreted(body),
        _ => None,
    }
}

/// The body of a double-quoted Go string literal, with escapes resolved.
fn unquote_interpreted(body: &str) -> Option<String> {
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((_, c)) = chars.next() {
        match c {
            '"' | '\n' => return None,
            '\\' => {
                let (_, esc) = chars.next()?;
                match esc {
                    'a' => out.push(0x07),
                    'b' => out.push(0x08),
                    'f' => out.push(0x0c),
                    'n' => out.push(b'\n'),
                    'r' => out.push(b'\r'),
                    't' => out.push(b'\t'),
                    'v' => out.push(0x0b),
                    '\\' => out.push(b'\\'),
                    '"' => out.push(b'"'),
                    'x' => out.push(u8::try_from(hex_digits(&mut chars, 2)?).ok()?),
                    '0'..='7' => {
                        let mut value = esc.to_digit(8)?;
                        for _ in 0..2 {
                            let (_, d) = chars.next()?;
                            value = value * 8 + d.to_digit(8)?;
                        }
                        out.push(u8::try_from(value).ok()?);
                    }
                    'u' | 'U' => {
                        let n = if esc == 'u' { 4 } else { 8 };
                        let ch = char::from_u32(hex_digits(&mut chars, n)?)?;
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    _ => return None,
                }
            }
            _ => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Reads exactly `n` hex digits.
fn hex_digits(chars: &mut std::str::CharIndices<'_>, n: usize) -> Option<u32> {
    let mut value: u32 = 0;
    for _ in 0..n {
        let (_, d) = chars.next()?;
        value = value.checked_mul(16)?.checked_add(d.to_digit(16)?)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_matches_go_strconv() {
        assert_eq!(unquote(r#""a b""#).as_deref(), Some("a b"));
        assert_eq!(unquote(r#""tab\there""#).as_deref(), Some("tab\there"));
        assert_eq!(unquote(r#""q\"x\\""#).as_deref(), Some("q\"x\\"));
        assert_eq!(
            unquote(r#""\x41\101\u00e9\U0001F600""#).as_deref(),
            Some("AAé😀")
        );
        assert_eq!(
            unquote(r#""\a\b\f\n\r\v""#).as_deref(),
            Some("\x07\x08\x0c\n\r\x0b")
        );
        assert_eq!(unquote("`raw \\n\r`").as_deref(), Some("raw \\n"));
        // Not valid Go literals.
        assert_eq!(unquote(r#""\'""#), None);
        assert_eq!(unquote(r#""\400""#), None);
        assert_eq!(unquote(r#""\ud800""#), None);
        assert_eq!(unquote(r#""\x4""#), None);
        assert_eq!(unquote(r#""a"b""#), None);
        assert_eq!(unquote("\"a"), None);
        assert_eq!(unquote("\""), None);
        assert_eq!(unquote("`a`b`"), None);
    }

    #[test]
    fn settings_are_unquoted_like_parse_build_info() {
        let info = parse(concat!(
            "path\texample.com/cmd/x\n",
            "mod\texample.com\tv1.2.3\th1:abc=\n",
            "dep\tgolang.org/x/mod\tv0.1.0\th1:def=\n",
            "dep\texample.org/old\tv1.0.0\n",
            "=>\t../local\t\t\n",
            "build\t-ldflags=\"-X main.v=1 -s\"\n",
            "build\t\"odd key\"=\"v=1\"\n",
            "build\tCGO_ENABLED=0\n",
            "build\t-tags=`a b`\n",
            "build\tbroken=\"unterminated\n",
            "build\t=nokey\n",
            "build\tnoequals\n",
            "unknown\tline\n",
        ));
        assert_eq!(info.main_path.as_deref(), Some("example.com/cmd/x"));
        let main = info.main_module.expect("main module");
        assert_eq!(
            (
                main.path.as_str(),
                main.version.as_str(),
                main.sum.as_deref()
            ),
            ("example.com", "v1.2.3", Some("h1:abc="))
        );
        assert_eq!(info.deps.len(), 2);
        assert_eq!(info.deps[0].replace, None);
        let replaced = info.deps[1].replace.as_deref().expect("replacement");
        assert_eq!(replaced.path, "../local");
        assert_eq!(replaced.version, "");
        assert_eq!(replaced.sum, None);
        let settings: Vec<(&str, &str)> = info
            .settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            settings,
            [
                ("-ldflags", "-X main.v=1 -s"),
                ("odd key", "v=1"),
                ("CGO_ENABLED", "0"),
                ("-tags", "a b"),
                ("broken", "\"unterminated"),
            ]
        );
    }

    #[test]
    fn sentinels_are_stripped_only_when_framed() {
        let mut framed = START_SENTINEL.to_vec();
        framed.extend_from_slice(b"path\tx\n");
        framed.extend_from_slice(&END_SENTINEL);
        assert_eq!(strip_sentinels(&framed), b"path\tx\n");
        assert_eq!(strip_sentinels(b"short"), b"");
        let mut no_newline = START_SENTINEL.to_vec();
        no_newline.extend_from_slice(b"path\tx");
        no_newline.extend_from_slice(&END_SENTINEL);
        assert_eq!(strip_sentinels(&no_newline), b"");
    }
}
