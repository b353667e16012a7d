#![no_main]

#[path = "../checks/capped_read.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::run(data));
