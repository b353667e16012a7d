//! A Go toolchain on disk: its root directory, its `VERSION` and `go.env` files, its `bin/go`
//! and `pkg/tool/<goos>_<goarch>` programs, and what those programs say about themselves when
//! read as files, without running them.

pub mod buildinfo;
