//! Go env files: the user's `go env -w` file and `$GOROOT/go.env` (cmd/go's `readEnvFile`).

use groot::envfile::{EnvFile, Precedence};

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    let file = EnvFile::parse(data);
    let lines = data.split(|&b| b == b'\n').count();
    let mut last = 0;
    for e in &file.entries {
        assert!(e.line > last && e.line <= lines, "entries in line order");
        last = e.line;
        assert!(e.key.as_bytes()[0].is_ascii_uppercase());
        assert!(!e.key.contains('='));
        assert!(!e.value.contains('\n'));
        let first = file.get(&e.key, Precedence::FirstWins).expect("first");
        let final_ = file.get(&e.key, Precedence::LastWins).expect("last");
        assert!(first.line <= e.line && e.line <= final_.line);
    }
    for i in &file.ignored {
        assert!(i.line >= 1 && i.line <= lines);
    }
    // The report is serialised for `--json`: it must always serialise.
    serde_json::to_string(&file).expect("json");
}
