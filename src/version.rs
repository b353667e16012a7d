//! Go version strings.
