#![no_main]

#[path = "../checks/release_index.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::run(data));
