//! Shell startup: the rules saying which files a shell reads in each mode ([`rules`]), macOS
//! `path_helper` ([`path_helper`]), the hooks version managers and groot put in those files
//! ([`managers`]), and the [`simulate`]ion that walks one invocation's files and records every
//! effect on PATH and the Go variables.

pub mod managers;
pub mod path_helper;
pub mod rules;
pub mod simulate;
