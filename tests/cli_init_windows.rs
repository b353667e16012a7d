//! Issue 14 item 10, the parts that run anywhere: `groot init cmd` (the batch text for
//! cmd.exe), and `groot init pwsh --install` on a simulated Windows (`GROOT_ROOT`,
//! `GROOT_OS=windows`) writing `$PROFILE` of PowerShell 7 and of Windows PowerShell 5.1 below a
//! OneDrive-redirected Documents folder, which `groot self uninstall` takes back. The registry
//! PATH edit is compiled for Windows only (`cargo check --target x86_64-pc-windows-gnu`); its
//! string logic is unit-tested in `shell::write::windows`.
#![cfg(unix)]

use std::process::{Command, Output, Stdio};

use assert_cmd::prelude::*;

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn init_cmd_prints_a_batch_file() {
    let t = tempfile::tempdir().expect("tmp");
    let home = t.path().canonicalize().expect("canonical");
    let run = |args: &[&str]| {
        Command::cargo_bin("groot")
            .expect("binary")
            .env_clear()
            .env("HOME", &home)
            .env("PATH", "/usr/bin:/bin")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("runs")
    };
    let out = ok(&run(&["init", "cmd", "--local-toolchain"]));
    let shims = home.join(".local/share/groot/shims");
    assert_eq!(
        out,
        format!(
            "@rem groot: Go's shims first on PATH for cmd.exe (groot init cmd)\n\
             @if not defined GROOT_CMD_ACTIVE set \"PATH={};{};%PATH%\"\n\
             @set \"GROOT_CMD_ACTIVE=1\"\n\
             @set \"GROOT_LOCAL_TOOLCHAIN=1\"\n",
            shims.display(),
            home.join("go/bin").display()
        )
    );
    assert!(shims.join("go").exists(), "the shims it names exist");
    let refused = run(&["init", "cmd", "--install"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not Windows"),
        "{refused:?}"
    );
}

#[test]
fn pwsh_install_writes_both_profiles_below_onedrive_documents() {
    let t = tempfile::tempdir().expect("tmp");
    let root = t.path();
    let docs = root.join("Users/me/OneDrive/Documents");
    std::fs::create_dir_all(&docs).expect("mkdir");
    // Windows PowerShell 5.1 has a profile already (CRLF, no final newline); 7 has none.
    let five = docs.join("WindowsPowerShell/Microsoft.PowerShell_profile.ps1");
    std::fs::create_dir_all(five.parent().expect("parent")).expect("mkdir");
    let before: &[u8] = b"Set-PSReadLineOption -EditMode Emacs\r\n# mine";
    std::fs::write(&five, before).expect("write");
    let seven = docs.join("PowerShell/Microsoft.PowerShell_profile.ps1");
    let run = |args: &[&str]| {
        Command::cargo_bin("groot")
            .expect("binary")
            .env_clear()
            .env("GROOT_ROOT", root)
            .env("GROOT_OS", "windows")
            .env("USERPROFILE", "/Users/me")
            .env("LocalAppData", "/Users/me/AppData/Local")
            .env("OneDrive", "/Users/me/OneDrive")
            .env("PATH", "/usr/bin:/bin")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("runs")
    };
    ok(&run(&["init", "pwsh", "--install", "--yes"]));
    for p in [&seven, &five] {
        let text = std::fs::read_to_string(p).expect("profile");
        assert!(
            text.contains("init pwsh | Out-String | Invoke-Expression"),
            "{}: {text}",
            p.display()
        );
    }
    assert!(
        !root.join("Users/me/Documents").exists(),
        "not the unredirected folder"
    );
    ok(&run(&["self", "uninstall"]));
    assert_eq!(std::fs::read(&five).expect("five"), before, "byte for byte");
    assert!(!seven.exists(), "the profile groot created is gone again");
}
