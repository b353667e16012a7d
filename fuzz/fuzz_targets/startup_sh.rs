#![no_main]

#[path = "../checks/startup_sh.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::run(data));
