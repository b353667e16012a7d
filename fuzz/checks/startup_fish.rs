//! The fish startup-file reader (`config.fish`, `conf.d`) and the analysis over it: any bytes parse (never a
//! panic, never a hang), and the simulated startup always produces a report.
//!
//! Input: a selector byte (the platform), then the file; a NUL byte splits off a second file,
//! `/home/u/x`, that the first can `source`.

use std::path::Path;

use groot::fs::MemFs;
use groot::shell::startup::simulate::analyze_file;
use groot::shell::{syntax::fish as parse_fish, Distro, Env, Platform, ShellKind};

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let shell = ShellKind::Fish;
    let (main, extra) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let _ = parse_fish::parse(main);
    let fs = MemFs::new()
        .file("/home/u/.config/fish/config.fish", main)
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
    let sim = analyze_file(
        &fs,
        &platform,
        shell,
        Path::new("/home/u/.config/fish/config.fish"),
        &env,
    );
    let _ = sim.which_go(&fs);
    let _ = (sim.path(), sim.var("GOROOT"), sim.hooks());
    serde_json::to_string(&sim).expect("json");
}
