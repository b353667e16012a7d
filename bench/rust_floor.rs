// The floor for a shim written in Rust with std: exec one fixed program with our arguments,
// nothing else. Build it with the README build's flags (BENCHMARKS.md, Session 5):
//   FLOOR_TARGET=/path/to/go rustc -O -C target-feature=+crt-static \
//     -C relocation-model=static -C panic=abort \
//     bench/rust_floor.rs -o rust-floor
use std::os::unix::process::CommandExt;

const TARGET: &str = env!("FLOOR_TARGET");

fn main() {
    let err = std::process::Command::new(TARGET)
        .args(std::env::args_os().skip(1))
        .exec();
    eprintln!("rust-floor: {TARGET}: {err}");
    std::process::exit(127);
}
