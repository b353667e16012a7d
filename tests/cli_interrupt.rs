//! Issue 14, item 3: Ctrl-C during `groot install` in a real terminal clears the progress line
//! and exits 130, as the default SIGINT action would report it. The terminal is a pty (Python's
//! `pty` module drives it, as a terminal emulator would); Ctrl-C is the byte 0x03 typed into
//! it, so the kernel's line discipline echoes `^C` and sends SIGINT, exactly as in a terminal.
//! The download is a loopback server dripping the archive a byte at a time, so the bar is
//! still on screen when the key is pressed.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::process::Command;
use std::time::Duration;

use support::*;

/// Runs argv[1:] in a new pty, waits for the download bar, types Ctrl-C, and prints
/// `<typed> <exit code>` on a line, then every byte the terminal received.
const DRIVER: &str = r#"
import json, os, pty, select, sys, time
env = json.loads(os.environ["GROOT_TEST_CHILD_ENV"])
pid, fd = pty.fork()
if pid == 0:
    os.execve(sys.argv[1], sys.argv[1:], env)
out, typed, deadline = b"", 0, time.time() + 60
while True:
    ready, _, _ = select.select([fd], [], [], 0.05)
    if ready:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if not typed and b"downloading go1.22.10" in out and b"ETA" in out:
        time.sleep(0.5)
        os.write(fd, b"\x03")
        typed = 1
    if time.time() > deadline:
        os.kill(pid, 9)
        break
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(b"%d %d\n" % (typed, os.waitstatus_to_exitcode(status)) + out)
"#;

/// The lines a terminal shows after receiving `bytes`: text, `\r`, `\n`, and the two erase
/// sequences a progress bar uses (`ESC[K`/`ESC[0K` to the end of the line, `ESC[2K` the whole
/// line); other escape sequences (colours, cursor visibility) change no text and are skipped.
fn screen(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<Vec<char>> = vec![Vec::new()];
    let mut col = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let line = lines.last_mut().unwrap();
        match c {
            '\r' => col = 0,
            '\n' => {
                lines.push(Vec::new());
                col = 0;
            }
            '\x1b' => {
                if chars.peek() != Some(&'[') {
                    chars.next();
                    continue;
                }
                chars.next();
                let mut params = String::new();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&c) {
                        last = c;
                        break;
                    }
                    params.push(c);
                }
                match (last, params.as_str()) {
                    ('K', "" | "0") => line.truncate(col),
                    ('K', "2") => line.clear(),
                    ('A' | 'B' | 'H' | 'J', _) => {
                        panic!("a one-line bar moved the cursor: {text:?}")
                    }
                    _ => {}
                }
            }
            c if c.is_control() => {}
            c => {
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.resize(col, ' ');
                    line.push(c);
                }
                col += 1;
            }
        }
    }
    lines
        .into_iter()
        .map(|l| l.into_iter().collect::<String>().trim_end().to_owned())
        .collect()
}

#[test]
fn ctrl_c_during_a_download_clears_the_bar_and_exits_130() {
    let Some((server, _archive)) = serve_release(Fault::Drip {
        every: Duration::from_millis(5),
    }) else {
        return;
    };
    let python = ["python3", "/usr/bin/python3"].into_iter().find(|p| {
        Command::new(p)
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(python) = python else {
        assert!(
            std::env::var_os("GROOT_REQUIRE_REAL_GO").is_none(),
            "python3 is needed to drive a pty"
        );
        eprintln!("skipped: no python3 to drive a pty");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let child_env = serde_json::json!({
        "GROOT_HOME": home.path().join("groot"),
        "HOME": home.path(),
        "GROOT_INDEX_URL": server.url("index.json"),
        "GROOT_MIRROR": server.base(),
        "GOVULNDB": "off",
        "PATH": "/usr/bin:/bin",
        "TERM": "xterm-256color",
    });
    let out = Command::new(python)
        .args(["-c", DRIVER, env!("CARGO_BIN_EXE_groot"), "install"])
        .arg(GO_VERSION)
        .env("GROOT_TEST_CHILD_ENV", child_env.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "driver: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let split = out.stdout.iter().position(|&b| b == b'\n').unwrap();
    let head = String::from_utf8_lossy(&out.stdout[..split]).into_owned();
    let terminal = &out.stdout[split + 1..];
    let shown = String::from_utf8_lossy(terminal);
    assert_eq!(
        head, "1 130",
        "Ctrl-C typed, exit code (the bar never appeared if typed is 0): {shown:?}"
    );
    // The bar was drawn in place (redrawn with \r or an erase) …
    assert!(shown.contains("downloading go1.22.10"), "{shown:?}");
    assert!(
        shown.matches("downloading go1.22.10").count() >= 2,
        "drawn once only: {shown:?}"
    );
    // … and nothing of it, nor the echoed ^C, is left on the screen.
    let lines = screen(terminal);
    assert!(
        lines.iter().all(|l| l.is_empty()),
        "left on screen: {lines:?} from {shown:?}"
    );
    // Nothing was installed, and nothing looks installed.
    let toolchains = home.path().join("groot/toolchains");
    let entries: Vec<_> = std::fs::read_dir(&toolchains)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(entries.is_empty(), "{entries:?}");
}

#[test]
fn the_screen_model_keeps_what_a_terminal_keeps() {
    assert_eq!(screen(b"abc\r\x1b[2K"), [""]);
    assert_eq!(screen(b"abcdef\rxy\x1b[K"), ["xy"]);
    assert_eq!(screen(b"abc\r\n^C"), ["abc", "^C"]);
    assert_eq!(screen(b"\x1b[1mbold\x1b[0m\r\x1b[0K"), [""]);
    assert_eq!(screen(b"abcdef\rxy"), ["xycdef"]);
}
