//! The platform a toolchain is built for, in Go's spelling, and the machine's native one.
//!
//! A process's own architecture is not the machine's: an x86_64 groot on an Apple Silicon Mac
//! runs under Rosetta, and so does every process started from a Rosetta shell. Peers that use
//! their own build arch or `uname -m` install amd64 Go on such Macs. We ask the hardware
//! instead: on macOS `hw.optional.arm64` is 1 on Apple Silicon whatever the process runs as,
//! and `sysctl.proc_translated` is 1 inside Rosetta.

use std::fmt;

/// A GOOS/GOARCH pair as the release index spells it (`linux`/`amd64`, `linux`/`armv6l`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Platform {
    /// GOOS: `linux`, `darwin`, `windows`, `freebsd`, …
    pub os: String,
    /// The index's arch: `amd64`, `arm64`, `386`, `armv6l`, `ppc64le`, …
    pub arch: String,
}

impl Platform {
    /// A platform from its two names.
    pub fn new(os: impl Into<String>, arch: impl Into<String>) -> Platform {
        Platform {
            os: os.into(),
            arch: arch.into(),
        }
    }

    /// The archive extension the official builds use for this OS.
    pub fn archive_ext(&self) -> &'static str {
        if self.os == "windows" {
            "zip"
        } else {
            "tar.gz"
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.arch)
    }
}

/// The facts that decide the native architecture.
#[derive(Clone, Copy, Debug)]
pub struct ArchFacts<'a> {
    /// Rust's OS name (`std::env::consts::OS`).
    pub os: &'a str,
    /// Rust's arch name of the running process (`std::env::consts::ARCH`).
    pub process_arch: &'a str,
    /// macOS `hw.optional.arm64`: `Some(true)` on Apple Silicon, `None` where unknown.
    pub hw_arm64: Option<bool>,
    /// macOS `sysctl.proc_translated`: `Some(true)` when running under Rosetta.
    pub translated: Option<bool>,
}

/// GOOS for a Rust OS name.
pub fn go_os(rust_os: &str) -> &str {
    match rust_os {
        "macos" => "darwin",
        other => other,
    }
}

/// The index's arch name for a Rust arch name.
pub fn go_arch(rust_arch: &str) -> &str {
    match rust_arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "armv6l",
        "loongarch64" => "loong64",
        "powerpc64" => "ppc64le",
        other => other,
    }
}

/// The machine's native Go platform from injected facts: on macOS, Apple Silicon hardware
/// means arm64 even for an x86_64 process (Rosetta); elsewhere the process's arch.
pub fn native_arch(facts: &ArchFacts<'_>) -> Platform {
    let os = go_os(facts.os);
    let apple_silicon = facts.hw_arm64 == Some(true) || facts.translated == Some(true);
    let arch = if os == "darwin" && apple_silicon {
        "arm64"
    } else {
        go_arch(facts.process_arch)
    };
    Platform::new(os, arch)
}

/// The native platform of the machine this process runs on.
pub fn detect_native() -> Platform {
    let (hw_arm64, translated) = mac_facts();
    native_arch(&ArchFacts {
        os: std::env::consts::OS,
        process_arch: std::env::consts::ARCH,
        hw_arm64,
        translated,
    })
}

#[cfg(target_os = "macos")]
fn mac_facts() -> (Option<bool>, Option<bool>) {
    (
        crate::host::sysctl::flag(c"hw.optional.arm64"),
        crate::host::sysctl::flag(c"sysctl.proc_translated"),
    )
}

#[cfg(not(target_os = "macos"))]
fn mac_facts() -> (Option<bool>, Option<bool>) {
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn native(os: &str, arch: &str, hw: Option<bool>, tr: Option<bool>) -> String {
        native_arch(&ArchFacts {
            os,
            process_arch: arch,
            hw_arm64: hw,
            translated: tr,
        })
        .to_string()
    }

    #[test]
    fn apple_silicon_is_arm64_even_from_rosetta() {
        assert_eq!(
            native("macos", "x86_64", Some(true), Some(true)),
            "darwin/arm64"
        );
        // An amd64 groot whose translation flag cannot be read still sees the hardware.
        assert_eq!(native("macos", "x86_64", Some(true), None), "darwin/arm64");
        assert_eq!(
            native("macos", "aarch64", Some(true), Some(false)),
            "darwin/arm64"
        );
    }

    #[test]
    fn intel_mac_is_amd64() {
        assert_eq!(native("macos", "x86_64", None, None), "darwin/amd64");
        assert_eq!(
            native("macos", "x86_64", Some(false), Some(false)),
            "darwin/amd64"
        );
    }

    #[test]
    fn other_systems_use_the_process_arch() {
        assert_eq!(native("linux", "x86_64", None, None), "linux/amd64");
        assert_eq!(native("linux", "arm", None, None), "linux/armv6l");
        assert_eq!(native("windows", "aarch64", None, None), "windows/arm64");
        assert_eq!(native("freebsd", "x86", None, None), "freebsd/386");
        // The macOS facts mean nothing elsewhere.
        assert_eq!(native("linux", "x86_64", Some(true), None), "linux/amd64");
    }

    #[test]
    fn detects_this_machine() {
        let p = detect_native();
        assert!(!p.os.is_empty() && !p.arch.is_empty());
    }
}
