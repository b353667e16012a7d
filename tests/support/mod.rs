//! Shared helpers for integration tests: locating the real Go toolchains used as ground truth,
//! running them hermetically, building small Go programs with them, and synthesising object
//! files byte by byte.
#![allow(dead_code)]

pub mod real_go;
pub mod synth;
