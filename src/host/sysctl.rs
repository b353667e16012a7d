//! Reading macOS `sysctl` values in-process (`sysctlbyname`); elsewhere every read is `None`.
//! Shared by the doctor's host report and the native-architecture detection of installs.

use std::ffi::CStr;

/// An integer sysctl read as a flag; `None` when the name does not exist (Intel Macs have
/// no `hw.optional.arm64`; `sysctl.proc_translated` fails with ENOENT before macOS 11).
/// Read in-process: `sysctl.proc_translated` describes the calling process.
#[cfg(target_os = "macos")]
#[allow(unsafe_code)]
pub fn flag(name: &CStr) -> Option<bool> {
    let mut value: libc::c_int = 0;
    let mut size = std::mem::size_of::<libc::c_int>();
    // SAFETY: `value` and `size` are valid for writes and `size` is its byte size.
    let rc = unsafe {
        libc::sysctlbyname(
            name.as_ptr(),
            (&mut value as *mut libc::c_int).cast(),
            &mut size,
            std::ptr::null_mut(),
            0,
        )
    };
    (rc == 0).then_some(value != 0)
}

/// A string sysctl, with the two-call pattern (length, then value).
#[cfg(target_os = "macos")]
#[allow(unsafe_code)]
pub fn string(name: &CStr) -> Option<String> {
    let mut size = 0usize;
    // SAFETY: a null buffer asks for the length only.
    let rc = unsafe {
        libc::sysctlbyname(
            name.as_ptr(),
            std::ptr::null_mut(),
            &mut size,
            std::ptr::null_mut(),
            0,
        )
    };
    if rc != 0 || size == 0 || size > 4096 {
        return None;
    }
    let mut buf = vec![0u8; size];
    // SAFETY: `buf` has `size` writable bytes.
    let rc = unsafe {
        libc::sysctlbyname(
            name.as_ptr(),
            buf.as_mut_ptr().cast(),
            &mut size,
            std::ptr::null_mut(),
            0,
        )
    };
    if rc != 0 {
        return None;
    }
    buf.truncate(size);
    while buf.last() == Some(&0) {
        buf.pop();
    }
    Some(String::from_utf8_lossy(&buf).trim().to_owned()).filter(|s| !s.is_empty())
}

#[cfg(not(target_os = "macos"))]
pub fn flag(_name: &CStr) -> Option<bool> {
    None
}

#[cfg(not(target_os = "macos"))]
pub fn string(_name: &CStr) -> Option<String> {
    None
}
