//! Build info from ELF, Mach-O (thin and universal) and PE files: any bytes give a value or an
//! error, never a panic, a hang or an allocation the size of a forged length field.

use groot::toolchain::buildinfo::read_bytes;
use groot::version::RuntimeVersion;

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    match read_bytes(data) {
        Ok(info) => {
            let _ = RuntimeVersion::parse(&info.go_version);
            let _ = (info.trimpath(), info.setting("GOOS"), &info.stamped_goroot);
            let _ = format!("{info:?} {}", info.format);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}
