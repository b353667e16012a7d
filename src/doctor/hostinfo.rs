//! The host report people paste into issues: OS name and version, kernel release, CPU, the
//! machine's native architecture and how it was determined, groot's own architecture (and
//! whether it runs translated by Rosetta), and the C library.
//!
//! Everything is read from files (`/etc/os-release`, `/proc/sys/kernel/osrelease`,
//! `/proc/cpuinfo`, macOS `SystemVersion.plist`) through the host's filesystem, so a simulated
//! root gives a simulated report, or asked of the running kernel in-process (`uname`, macOS
//! `sysctlbyname` for `kern.osrelease`, `machdep.cpu.brand_string`, `hw.optional.arm64` and
//! `sysctl.proc_translated`) when the host modelled is the machine groot runs on. Nothing is
//! spawned. A fact that cannot be read is `None`, never an error.

use serde::Serialize;

use crate::host::{current_goarch, sysctl, Host, Os};

/// What groot knows about the machine.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HostInfo {
    /// GOOS of the machine modelled.
    pub os: String,
    /// `Debian GNU/Linux 12 (bookworm)`, `macOS`.
    pub os_name: Option<String>,
    pub os_version: Option<String>,
    /// The kernel release (`6.1.0-18-amd64`, `23.5.0`).
    pub kernel: Option<String>,
    pub cpu: Option<String>,
    /// The machine's own architecture, in Go's names.
    pub native_arch: String,
    /// How `native_arch` was determined.
    pub native_arch_source: String,
    /// The architecture groot itself was built for.
    pub process_arch: String,
    /// True when groot runs translated (Rosetta 2); `None` where that cannot happen or is
    /// unknown.
    pub translated: Option<bool>,
    /// The C library (`glibc 2.36`, `musl`, `libSystem`).
    pub libc: Option<String>,
}

/// Facts the running process can give about itself, injected so tests can fabricate them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessProbe {
    /// `uname`: (release, machine).
    pub uname: Option<(String, String)>,
    /// macOS `kern.osrelease`.
    pub kern_osrelease: Option<String>,
    /// macOS `machdep.cpu.brand_string`.
    pub cpu_brand: Option<String>,
    /// macOS `hw.optional.arm64`.
    pub hw_arm64: Option<bool>,
    /// macOS `sysctl.proc_translated`.
    pub translated: Option<bool>,
    /// glibc's `gnu_get_libc_version`.
    pub glibc: Option<String>,
}

impl ProcessProbe {
    /// Asks the running kernel and C library.
    pub fn current() -> ProcessProbe {
        ProcessProbe {
            uname: uname(),
            kern_osrelease: sysctl::string(c"kern.osrelease"),
            cpu_brand: sysctl::string(c"machdep.cpu.brand_string"),
            hw_arm64: sysctl::flag(c"hw.optional.arm64"),
            translated: sysctl::flag(c"sysctl.proc_translated"),
            glibc: glibc_version(),
        }
    }
}

/// Builds the host report. `probe` is used only when `host` models the machine groot runs on
/// (the same OS and no simulated root); pass `None` to rely on files alone.
pub fn gather(host: &Host, probe: Option<&ProcessProbe>) -> HostInfo {
    let real = host.fs().root().is_none() && host.os() == Os::current();
    build(host, probe, real)
}

/// [`gather`], told whether the host is the machine groot runs on.
fn build(host: &Host, probe: Option<&ProcessProbe>, real: bool) -> HostInfo {
    let empty = ProcessProbe::default();
    let probe = probe.filter(|_| real).unwrap_or(&empty);
    let read = |p: &str| {
        host.fs()
            .read(std::path::Path::new(p))
            .ok()
            .map(|d| String::from_utf8_lossy(&d).into_owned())
    };
    let mut info = HostInfo {
        os: host.os().goos().to_owned(),
        process_arch: current_goarch().to_owned(),
        ..HostInfo::default()
    };
    let modelled_arch = host.var_nonempty(crate::env_vars::GROOT_ARCH).is_some();
    match host.os() {
        Os::MacOs => {
            if let Some(plist) = read("/System/Library/CoreServices/SystemVersion.plist") {
                info.os_name = plist_value(&plist, "ProductName");
                info.os_version = plist_value(&plist, "ProductVersion");
            }
            info.os_name.get_or_insert_with(|| "macOS".to_owned());
            info.kernel = probe
                .kern_osrelease
                .clone()
                .or_else(|| probe.uname.as_ref().map(|u| u.0.clone()));
            info.cpu = probe.cpu_brand.clone();
            info.libc = Some("libSystem".to_owned());
            info.translated = probe.translated;
            let (arch, source) = if modelled_arch {
                (host.arch().to_owned(), "GROOT_ARCH".to_owned())
            } else if probe.hw_arm64 == Some(true) {
                (
                    "arm64".to_owned(),
                    "sysctl hw.optional.arm64 = 1 (Apple Silicon)".to_owned(),
                )
            } else if probe.hw_arm64 == Some(false) || real {
                (
                    host.arch().to_owned(),
                    "no hw.optional.arm64: an Intel Mac".to_owned(),
                )
            } else {
                (
                    host.arch().to_owned(),
                    "the architecture modelled".to_owned(),
                )
            };
            info.native_arch = arch;
            info.native_arch_source = source;
        }
        Os::Windows => {
            info.os_name = Some("Windows".to_owned());
            info.cpu = host.var_nonempty("PROCESSOR_IDENTIFIER").map(str::to_owned);
            let native = host
                .var_nonempty("PROCESSOR_ARCHITEW6432")
                .or_else(|| host.var_nonempty("PROCESSOR_ARCHITECTURE"));
            match native.and_then(windows_arch) {
                Some(a) if !modelled_arch => {
                    info.native_arch = a.to_owned();
                    info.native_arch_source =
                        "%PROCESSOR_ARCHITEW6432% / %PROCESSOR_ARCHITECTURE%".to_owned();
                }
                _ => {
                    info.native_arch = host.arch().to_owned();
                    info.native_arch_source = "the architecture modelled".to_owned();
                }
            }
            info.libc = Some("msvcrt/ucrt".to_owned());
        }
        _ => {
            if let Some(text) = read("/etc/os-release").or_else(|| read("/usr/lib/os-release")) {
                let get = |k: &str| os_release_value(&text, k);
                info.os_name = get("PRETTY_NAME").or_else(|| get("NAME"));
                info.os_version = get("VERSION_ID");
            }
            info.kernel = read("/proc/sys/kernel/osrelease")
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .or_else(|| probe.uname.as_ref().map(|u| u.0.clone()));
            // Only the head: on a many-core machine the kernel generates a long file.
            info.cpu = read_head(host, "/proc/cpuinfo", 16 * 1024).and_then(|c| cpuinfo_model(&c));
            let kernel_arch = read("/proc/sys/kernel/arch")
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .map(|a| (a, "/proc/sys/kernel/arch"))
                .or_else(|| probe.uname.as_ref().map(|u| (u.1.clone(), "uname -m")));
            match kernel_arch {
                Some((a, how)) if !modelled_arch => {
                    info.native_arch = uname_to_goarch(&a).to_owned();
                    info.native_arch_source = format!("{how} = {a}");
                }
                _ => {
                    info.native_arch = host.arch().to_owned();
                    info.native_arch_source = if modelled_arch {
                        "GROOT_ARCH".to_owned()
                    } else {
                        "groot's own architecture".to_owned()
                    };
                }
            }
            info.libc = match &probe.glibc {
                Some(v) => Some(format!("glibc {v}")),
                None => detect_libc_files(host),
            };
        }
    }
    info
}

/// The first `limit` bytes of a file, as text.
fn read_head(host: &Host, path: &str, limit: u64) -> Option<String> {
    use std::io::Read;
    let real = host.fs().real_following(std::path::Path::new(path)).ok()?;
    let mut buf = Vec::new();
    std::fs::File::open(real)
        .ok()?
        .take(limit)
        .read_to_end(&mut buf)
        .ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn detect_libc_files(host: &Host) -> Option<String> {
    let fs = host.fs();
    for dir in ["/lib", "/usr/lib"] {
        if let Ok(entries) = fs.read_dir(std::path::Path::new(dir)) {
            if entries
                .iter()
                .any(|e| e.name.to_string_lossy().starts_with("ld-musl-"))
            {
                return Some("musl".to_owned());
            }
        }
    }
    if cfg!(target_env = "musl") && fs.root().is_none() {
        return Some("musl".to_owned());
    }
    None
}

/// A value of `/etc/os-release` (shell-style, maybe quoted).
pub fn os_release_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.trim().split_once('=')?;
        if k != key {
            return None;
        }
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(v);
        (!v.is_empty()).then(|| v.to_owned())
    })
}

/// The `<string>` after `<key>KEY</key>` in a plist.
pub fn plist_value(text: &str, key: &str) -> Option<String> {
    let at = text.find(&format!("<key>{key}</key>"))?;
    let rest = &text[at..];
    let start = rest.find("<string>")? + "<string>".len();
    let end = rest[start..].find("</string>")?;
    Some(rest[start..start + end].trim().to_owned()).filter(|s| !s.is_empty())
}

/// The CPU model from `/proc/cpuinfo` (x86 `model name`; ARM boards' `Model` or `Hardware`).
pub fn cpuinfo_model(text: &str) -> Option<String> {
    for key in [
        "model name",
        "Model",
        "Hardware",
        "cpu model",
        "uarch",
        "cpu",
    ] {
        let found = text.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == key).then(|| v.trim().to_owned())
        });
        if let Some(v) = found.filter(|v| !v.is_empty()) {
            return Some(v);
        }
    }
    None
}

/// Go's name for a `uname -m` machine.
pub fn uname_to_goarch(m: &str) -> &str {
    match m {
        "x86_64" | "amd64" => "amd64",
        "aarch64" | "arm64" | "aarch64_be" => "arm64",
        "i386" | "i486" | "i586" | "i686" => "386",
        "armv6l" | "armv7l" | "armv8l" | "arm" => "arm",
        "ppc64le" => "ppc64le",
        "ppc64" => "ppc64",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        "loongarch64" => "loong64",
        "mips64" => "mips64",
        other => other,
    }
}

fn windows_arch(a: &str) -> Option<&'static str> {
    match a.to_ascii_uppercase().as_str() {
        "AMD64" => Some("amd64"),
        "ARM64" => Some("arm64"),
        "X86" => Some("386"),
        _ => None,
    }
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn uname() -> Option<(String, String)> {
    // SAFETY: utsname is plain old data; uname fills it and NUL-terminates every field.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid, writable utsname.
    if unsafe { libc::uname(&mut u) } != 0 {
        return None;
    }
    let field = |f: &[libc::c_char]| {
        let bytes: Vec<u8> = f
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Some((field(&u.release), field(&u.machine)))
}

#[cfg(not(unix))]
fn uname() -> Option<(String, String)> {
    None
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn glibc_version() -> Option<String> {
    // SAFETY: gnu_get_libc_version returns a pointer to a static NUL-terminated string.
    let p = unsafe { libc::gnu_get_libc_version() };
    if p.is_null() {
        return None;
    }
    // SAFETY: non-null, static and NUL-terminated (see above).
    Some(
        unsafe { std::ffi::CStr::from_ptr(p) }
            .to_string_lossy()
            .into_owned(),
    )
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn glibc_version() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers() {
        let osr =
            "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nPRETTY_NAME='Debian 12'\nID=debian\n";
        assert_eq!(
            os_release_value(osr, "NAME").as_deref(),
            Some("Debian GNU/Linux")
        );
        assert_eq!(
            os_release_value(osr, "PRETTY_NAME").as_deref(),
            Some("Debian 12")
        );
        assert_eq!(os_release_value(osr, "ID").as_deref(), Some("debian"));
        assert_eq!(os_release_value("garbage\0\n=", "ID"), None);
        let plist = "<dict>\n<key>ProductName</key>\n\t<string>macOS</string>\n<key>ProductVersion</key>\n<string>14.5</string></dict>";
        assert_eq!(
            plist_value(plist, "ProductVersion").as_deref(),
            Some("14.5")
        );
        assert_eq!(plist_value(plist, "Nope"), None);
        let cpu = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\n";
        assert_eq!(cpuinfo_model(cpu).as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(uname_to_goarch("aarch64"), "arm64");
    }

    #[test]
    fn rosetta_and_apple_silicon_come_from_the_probe() {
        let probe = ProcessProbe {
            hw_arm64: Some(true),
            translated: Some(true),
            cpu_brand: Some("Apple M2".into()),
            kern_osrelease: Some("23.5.0".into()),
            ..ProcessProbe::default()
        };
        let t = tempfile::tempdir().expect("tmp");
        let mac = Host::fake(t.path(), Os::MacOs).with_arch("amd64");
        let info = build(&mac, Some(&probe), true);
        assert_eq!(info.native_arch, "arm64");
        assert!(info.native_arch_source.contains("hw.optional.arm64"));
        assert_eq!(info.translated, Some(true));
        assert_eq!(info.kernel.as_deref(), Some("23.5.0"));
        // A simulated root never uses the probe.
        let sim = gather(&mac, Some(&probe));
        assert_eq!(sim.os_name.as_deref(), Some("macOS"));
        assert_eq!(sim.translated, None);
        assert_eq!(sim.native_arch, "amd64");
    }

    #[test]
    fn reads_files_of_a_simulated_linux() {
        let t = tempfile::tempdir().expect("tmp");
        let r = t.path();
        std::fs::create_dir_all(r.join("etc")).expect("mkdir");
        std::fs::create_dir_all(r.join("proc/sys/kernel")).expect("mkdir");
        std::fs::write(r.join("etc/os-release"), "PRETTY_NAME=\"Test OS 1\"\n").expect("w");
        std::fs::write(r.join("proc/sys/kernel/osrelease"), "6.1.0-test\n").expect("w");
        std::fs::write(r.join("proc/sys/kernel/arch"), "aarch64\n").expect("w");
        std::fs::write(r.join("proc/cpuinfo"), b"\xff\xfe garbage").expect("w");
        let h = Host::fake(r, Os::Linux);
        let info = gather(&h, Some(&ProcessProbe::current()));
        assert_eq!(info.os_name.as_deref(), Some("Test OS 1"));
        assert_eq!(info.kernel.as_deref(), Some("6.1.0-test"));
        assert_eq!(info.native_arch, "arm64");
        assert!(info.native_arch_source.contains("/proc/sys/kernel/arch"));
        assert_eq!(info.cpu, None);
    }
}
