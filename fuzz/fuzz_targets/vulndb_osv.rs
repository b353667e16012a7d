#![no_main]

#[path = "../checks/vulndb_osv.rs"]
mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::run(data));
