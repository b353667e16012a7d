//! Windows activation without a Unix shell: the user `Path` in the registry
//! (`HKCU\Environment`, as rustup and uv edit it), the PowerShell profiles (`$PROFILE` of
//! PowerShell 7 and of Windows PowerShell 5.1, below a Documents folder that OneDrive may have
//! moved), and the text `groot init cmd` prints for cmd.exe.
//!
//! The decisions are plain functions on strings and paths, tested on every OS; only
//! [`registry`] touches the registry, and exists only on Windows.

use std::path::{Path, PathBuf};

/// Whether two `Path` entries name the same directory as Windows compares them: without
/// surrounding quotes or a trailing `\`/`/`, ASCII case-insensitively.
pub fn same_entry(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.trim()
            .trim_matches('"')
            .trim_end_matches(['\\', '/'])
            .to_ascii_lowercase()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// The user `Path` value with `entry` first; `None` when it is already there (anywhere: the
/// user's order is left alone). The rest is kept byte for byte, so [`path_without`] gives the
/// value back exactly.
pub fn path_with(current: &str, entry: &str) -> Option<String> {
    if current.split(';').any(|e| same_entry(e, entry)) {
        return None;
    }
    Some(if current.is_empty() {
        entry.to_owned()
    } else {
        format!("{entry};{current}")
    })
}

/// The user `Path` value without `entry` (every copy of it); `None` when it is not there.
/// Other entries, empty ones included, keep their bytes and order.
pub fn path_without(current: &str, entry: &str) -> Option<String> {
    if !current.split(';').any(|e| same_entry(e, entry)) {
        return None;
    }
    Some(
        current
            .split(';')
            .filter(|e| !same_entry(e, entry))
            .collect::<Vec<_>>()
            .join(";"),
    )
}

/// Expands `%NAME%` references as the registry's REG_EXPAND_SZ values use them; unknown
/// names and a lone `%` stay as written.
pub fn expand_vars(text: &str, var: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('%') {
            Some(end) if end > 0 => {
                let name = &after[..end];
                match var(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('%');
                        out.push_str(name);
                        out.push('%');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The user's Documents folder: the registry's `User Shell Folders\Personal` (where OneDrive's
/// folder backup points it, e.g. `%USERPROFILE%\OneDrive\Documents`), expanded; else
/// `%OneDrive%\Documents` when that folder exists; else `%USERPROFILE%\Documents`.
pub fn documents_dir(
    personal: Option<&str>,
    var: impl Fn(&str) -> Option<String>,
    is_dir: impl Fn(&Path) -> bool,
    user_profile: &Path,
) -> PathBuf {
    if let Some(p) = personal.map(|p| expand_vars(p, &var)) {
        let p = PathBuf::from(p);
        if p.is_absolute() || p.to_string_lossy().contains(':') {
            return p;
        }
    }
    if let Some(od) = var("OneDrive").filter(|v| !v.is_empty()) {
        let docs = PathBuf::from(od).join("Documents");
        if is_dir(&docs) {
            return docs;
        }
    }
    user_profile.join("Documents")
}

/// `$PROFILE` (CurrentUserCurrentHost) of PowerShell 7 and of Windows PowerShell 5.1, in that
/// order, below the Documents folder.
pub fn powershell_profiles(documents: &Path) -> [PathBuf; 2] {
    [
        documents
            .join("PowerShell")
            .join("Microsoft.PowerShell_profile.ps1"),
        documents
            .join("WindowsPowerShell")
            .join("Microsoft.PowerShell_profile.ps1"),
    ]
}

/// What `groot init cmd` prints: a batch file for cmd.exe (saved as, say,
/// `%LocalAppData%\groot\init.cmd` and named in cmd's `AutoRun`) that puts the shims (and Go's
/// bin directory) first on PATH once per process tree. `set "NAME=value"` keeps `&`, `^`, `(`
/// and `)` in paths literal; `%` is doubled, as a batch file needs.
pub fn cmd_script(first: &str, go_bin: Option<&str>, local_toolchain: bool) -> String {
    let lit = |s: &str| s.replace('%', "%%");
    let mut dirs = lit(first);
    if let Some(bin) = go_bin {
        dirs.push(';');
        dirs.push_str(&lit(bin));
    }
    let mut s = String::from("@rem groot: Go's shims first on PATH for cmd.exe (groot init cmd)\n");
    s.push_str(&format!(
        "@if not defined GROOT_CMD_ACTIVE set \"PATH={dirs};%PATH%\"\n"
    ));
    s.push_str("@set \"GROOT_CMD_ACTIVE=1\"\n");
    if local_toolchain {
        s.push_str("@set \"GROOT_LOCAL_TOOLCHAIN=1\"\n");
    }
    s
}

/// The user `Path` in `HKCU\Environment`, read and written keeping its type (REG_EXPAND_SZ
/// stays REG_EXPAND_SZ, so `%USERPROFILE%\…` entries keep working); after a write, running
/// programs (Explorer, new terminals) are told with `WM_SETTINGCHANGE`, which .NET's
/// `SetEnvironmentVariable(…, 'User')` broadcasts: groot asks Windows PowerShell for that
/// rather than calling user32 itself (groot has no `unsafe`).
#[cfg(windows)]
pub mod registry {
    use std::io;

    fn err(e: windows_registry::Result<impl Sized>) -> io::Result<()> {
        e.map(drop).map_err(|e| io::Error::other(e.to_string()))
    }

    /// The user `Path` (empty when unset) and whether it is REG_EXPAND_SZ.
    pub fn read_user_path() -> io::Result<(String, bool)> {
        let key = windows_registry::CURRENT_USER
            .create("Environment")
            .map_err(|e| io::Error::other(e.to_string()))?;
        match key.get_type("Path") {
            Ok(ty) => {
                let expand = matches!(ty, windows_registry::Type::ExpandString);
                let value = key
                    .get_string("Path")
                    .map_err(|e| io::Error::other(e.to_string()))?;
                Ok((value, expand))
            }
            Err(_) => Ok((String::new(), true)),
        }
    }

    /// Writes the user `Path`, then broadcasts the change.
    pub fn write_user_path(value: &str, expand: bool) -> io::Result<()> {
        let key = windows_registry::CURRENT_USER
            .create("Environment")
            .map_err(|e| io::Error::other(e.to_string()))?;
        if expand {
            err(key.set_expand_string("Path", value))?;
        } else {
            err(key.set_string("Path", value))?;
        }
        broadcast();
        Ok(())
    }

    /// The Documents folder as the shell has it (`User Shell Folders\Personal`).
    pub fn personal_folder() -> Option<String> {
        windows_registry::CURRENT_USER
            .open(r"Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders")
            .ok()?
            .get_string("Personal")
            .ok()
    }

    /// Tells running programs the environment changed (best effort: a new sign-in picks the
    /// change up anyway).
    fn broadcast() {
        let _ = std::process::Command::new("powershell.exe")
            .args([
                "-NoProfile",
                "-NonInteractive",
                "-Command",
                "[Environment]::SetEnvironmentVariable('GROOT_ENV_CHANGED','1','User');\
                 [Environment]::SetEnvironmentVariable('GROOT_ENV_CHANGED',$null,'User')",
            ])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_entries_compare_as_windows_does() {
        assert!(same_entry(
            r"C:\Users\Me\groot\shims",
            r"c:\users\me\GROOT\shims\"
        ));
        assert!(same_entry(r#""C:\a b\x""#, r"C:\a b\x"));
        assert!(!same_entry(r"C:\a", r"C:\ab"));
        assert!(!same_entry("", ""));
    }

    #[test]
    fn user_path_edits_round_trip_byte_for_byte() {
        let shims = r"C:\Users\me\AppData\Local\groot\shims";
        for before in [
            "",
            r"%USERPROFILE%\go\bin",
            r"C:\x;;C:\y;",
            r"C:\Program Files (x86)\Tool & Co;%LOCALAPPDATA%\bin",
        ] {
            let with = path_with(before, shims).expect("added");
            assert!(with.starts_with(shims), "{with}");
            assert_eq!(path_with(&with, shims), None, "once");
            assert_eq!(path_without(&with, shims).as_deref(), Some(before));
        }
        // Already there in another spelling: left alone, and removed on uninstall.
        let have = r"C:\x;c:\users\me\appdata\local\groot\shims\;C:\y";
        assert_eq!(path_with(have, shims), None);
        assert_eq!(path_without(have, shims).as_deref(), Some(r"C:\x;C:\y"));
        assert_eq!(path_without(r"C:\x", shims), None);
    }

    #[test]
    fn documents_follow_onedrive() {
        let env = |n: &str| match n {
            "USERPROFILE" => Some(r"C:\Users\me".to_owned()),
            "OneDrive" => Some(r"C:\Users\me\OneDrive".to_owned()),
            _ => None,
        };
        let up = Path::new(r"C:\Users\me");
        // The registry's value wins, expanded.
        assert_eq!(
            documents_dir(
                Some(r"%USERPROFILE%\OneDrive\Documents"),
                env,
                |_| false,
                up
            ),
            PathBuf::from(r"C:\Users\me\OneDrive\Documents")
        );
        assert_eq!(
            expand_vars(r"%NOPE%\x%", env),
            r"%NOPE%\x%",
            "unknown names stay"
        );
        // Without it: OneDrive's Documents when it exists, else the profile's.
        assert_eq!(
            documents_dir(None, env, |_| true, up),
            PathBuf::from(r"C:\Users\me\OneDrive").join("Documents")
        );
        assert_eq!(
            documents_dir(None, env, |_| false, up),
            up.join("Documents")
        );
        let [seven, five] = powershell_profiles(Path::new("D"));
        assert_eq!(
            seven,
            Path::new("D/PowerShell/Microsoft.PowerShell_profile.ps1")
        );
        assert_eq!(
            five,
            Path::new("D/WindowsPowerShell/Microsoft.PowerShell_profile.ps1")
        );
    }

    #[test]
    fn cmd_script_text() {
        assert_eq!(
            cmd_script(r"C:\Users\me\100%\groot\shims", Some(r"C:\Users\me\go\bin"), true),
            "@rem groot: Go's shims first on PATH for cmd.exe (groot init cmd)\n\
             @if not defined GROOT_CMD_ACTIVE set \"PATH=C:\\Users\\me\\100%%\\groot\\shims;C:\\Users\\me\\go\\bin;%PATH%\"\n\
             @set \"GROOT_CMD_ACTIVE=1\"\n\
             @set \"GROOT_LOCAL_TOOLCHAIN=1\"\n"
        );
        assert!(!cmd_script("C:\\s", None, false).contains("LOCAL"));
    }
}
