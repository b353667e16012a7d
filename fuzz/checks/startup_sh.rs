//! The sh / bash / zsh startup-file reader and the analysis over it: any bytes parse (never a
//! panic, never a hang), and the simulated startup always produces a report.
//!
//! Input: a selector byte (the shell), then the file; a NUL byte splits off a second file,
//! `/home/u/x`, that the first can `source` or `.`.

use std::path::Path;

use groot::fs::MemFs;
use groot::shell::startup::simulate::analyze_file;
use groot::shell::{syntax::sh as parse_sh, Distro, Env, Platform, ShellKind};

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let shell = match sel % 3 {
        0 => ShellKind::Sh,
        1 => ShellKind::Bash,
        _ => ShellKind::Zsh,
    };
    let (main, extra) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let _ = parse_sh::parse(main);
    let fs = MemFs::new()
        .file("/home/u/.profile", main)
        .file("/home/u/x", extra)
        .dir("/usr/local/go/bin")
        .file("/usr/local/go/bin/go", b"");
    let platform = if sel & 0x80 == 0 {
        Platform::linux(Distro::Debian)
    } else {
        Platform::macos()
    };
    let mut env = Env::new();
    env.insert("HOME".into(), "/home/u".into());
    env.insert("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into());
    let sim = analyze_file(&fs, &platform, shell, Path::new("/home/u/.profile"), &env);
    let _ = sim.which_go(&fs);
    let _ = (sim.path(), sim.var("GOROOT"), sim.hooks());
    serde_json::to_string(&sim).expect("json");
}
