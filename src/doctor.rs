//! `groot doctor`: one full diagnosis, as facts → checks → findings.
//!
//! [`facts::gather`] reads the machine once (host report, PATH, the explanation of the go that
//! runs, settings and their sources, caches, cgo, every install and its package, the release
//! list, the shell startup of every launch context, groot's own store). Each check in
//! [`checks::CHECKS`] is then a pure `fn(&Facts) -> Vec<Finding>`; [`run_checks`] runs all of
//! them or a chosen few. Doctor never changes anything and never runs `go`; its only external
//! programs are the package tools ([`packages`]), each with a timeout.

pub mod checks;
pub mod facts;
pub mod finding;
pub mod hostinfo;
pub mod packages;
pub mod support;

pub use checks::{Area, Check, CHECKS};
pub use facts::{gather, Facts, Options};
pub use finding::{Edit, Evidence, Finding, Fix, Severity};

/// Runs the checks (all of them, or those whose codes are in `only`) over the facts. Findings
/// come in catalog order, the most severe first within a check.
pub fn run_checks(facts: &Facts, only: &[String]) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in CHECKS {
        if !only.is_empty() && !only.iter().any(|o| o == c.code) {
            continue;
        }
        let mut found = (c.run)(facts);
        found.sort_by_key(|f| std::cmp::Reverse(f.severity));
        out.extend(found);
    }
    out
}

/// The most severe finding, if any.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}
