//! `groot doctor --json` (and the source of the text and Prometheus renderings).

use std::path::PathBuf;

use serde::Serialize;

use crate::doctor::checks::{Area, CHECKS};
use crate::doctor::hostinfo::HostInfo;
use crate::doctor::packages::{Integrity, Signature};
use crate::doctor::support::ReleaseOrigin;
use crate::doctor::{Facts, Finding, Severity};
use crate::resolve::GoError;

/// Version of the `groot doctor --json` contract.
pub const DOCTOR_SCHEMA_VERSION: u32 = 2;

/// The whole diagnosis.
#[derive(Clone, Debug, Serialize)]
pub struct DoctorReport {
    pub schema_version: u32,
    /// groot's own version.
    pub groot_version: &'static str,
    /// When the report was made (seconds since the Unix epoch).
    pub generated_unix: u64,
    /// The directory diagnosed.
    pub dir: PathBuf,
    pub host: HostInfo,
    /// The go that runs in `dir`.
    pub go: GoSummary,
    /// Every Go installation found.
    pub installs: Vec<InstallSummary>,
    /// Which go each launch context gets (empty when the shell analysis did not run).
    pub contexts: Vec<ContextSummary>,
    pub releases: ReleaseSummary,
    /// The Go vulnerability database used for `known_vulnerabilities`.
    pub vulndb: crate::report::VulnDbSummary,
    /// The checks that ran, in order, with how many findings each produced.
    pub checks: Vec<CheckRun>,
    pub findings: Vec<FindingReport>,
    pub summary: Summary,
    /// Facts that could not be gathered (a tool that timed out, an unreadable file).
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GoSummary {
    pub path: Option<PathBuf>,
    pub version: Option<String>,
    pub goroot: Option<String>,
    pub error: Option<GoError>,
}

#[derive(Clone, Debug, Serialize)]
pub struct InstallSummary {
    pub root: PathBuf,
    pub version: Option<String>,
    pub goos: Option<String>,
    pub goarch: Option<String>,
    /// How it was first found (`path`, `official`, `homebrew`, …).
    pub source: String,
    #[serde(serialize_with = "crate::fs::lossy::opt_go")]
    pub go: Option<PathBuf>,
    pub active: bool,
    /// Parts missing and problems, by code.
    pub health: Vec<String>,
    /// The owning package (`dpkg: golang-1.22-go`), when known.
    pub package: Option<String>,
    pub integrity: Option<Integrity>,
    pub signature: Option<Signature>,
    /// How many entries of the Go vulnerability database affect this version (null when the
    /// database or the version is unknown).
    pub known_vulnerabilities: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ContextSummary {
    pub context: &'static str,
    pub title: &'static str,
    #[serde(serialize_with = "crate::fs::lossy::opt_go")]
    pub go: Option<PathBuf>,
    pub goroot: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReleaseSummary {
    pub origin: ReleaseOrigin,
    pub newest: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckRun {
    pub code: &'static str,
    pub area: Area,
    pub findings: usize,
}

/// A finding with the area its check belongs to.
#[derive(Clone, Debug, Serialize)]
pub struct FindingReport {
    pub area: Area,
    #[serde(flatten)]
    pub finding: Finding,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// The most severe finding, or null.
    pub worst: Option<Severity>,
}

impl DoctorReport {
    /// Builds the report from the facts and the findings of the checks in `ran`.
    pub fn new(
        facts: &Facts,
        findings: Vec<Finding>,
        ran: &[&'static str],
        now_unix: u64,
    ) -> DoctorReport {
        let ex = &facts.explanation;
        let area_of = |code: &str| {
            CHECKS
                .iter()
                .find(|c| c.code == code)
                .map_or(Area::Installs, |c| c.area)
        };
        let installs = facts
            .inventory
            .as_ref()
            .map(|inv| {
                inv.installs
                    .iter()
                    .map(|i| {
                        let pkg = facts.packages.iter().find(|p| p.root == i.root);
                        let mut health: Vec<String> = i
                            .health
                            .missing
                            .iter()
                            .map(|m| format!("missing {m}"))
                            .collect();
                        health.extend(i.health.problems.iter().map(|p| p.code.to_owned()));
                        InstallSummary {
                            root: i.root.clone(),
                            version: i.version.clone(),
                            goos: i.goos.clone(),
                            goarch: i.goarch.clone(),
                            source: i
                                .sources
                                .first()
                                .map_or_else(|| "unknown".to_owned(), |s| s.kind.to_string()),
                            go: i.go.clone(),
                            active: i.active,
                            health,
                            package: pkg.and_then(|p| {
                                Some(format!(
                                    "{}: {}",
                                    p.manager.as_deref()?,
                                    p.package.as_deref()?
                                ))
                            }),
                            integrity: pkg
                                .map(|p| p.integrity.clone())
                                .filter(|i| *i != Integrity::Unchecked),
                            signature: pkg.and_then(|p| p.signature.clone()),
                            known_vulnerabilities: known_vulnerabilities(facts, i),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let contexts = facts
            .shell
            .as_ref()
            .map(|sh| {
                sh.predictions
                    .iter()
                    .map(|p| ContextSummary {
                        context: p.context.id.name(),
                        title: p.context.title,
                        go: p.which_go.found.clone(),
                        goroot: p.var("GOROOT"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let checks = ran
            .iter()
            .map(|code| CheckRun {
                code,
                area: area_of(code),
                findings: findings.iter().filter(|f| f.code == *code).count(),
            })
            .collect();
        let mut summary = Summary::default();
        for f in &findings {
            match f.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary.worst = crate::doctor::worst(&findings);
        DoctorReport {
            schema_version: DOCTOR_SCHEMA_VERSION,
            groot_version: env!("CARGO_PKG_VERSION"),
            generated_unix: now_unix,
            dir: ex.dir.clone(),
            host: facts.host.clone(),
            go: GoSummary {
                path: ex.go.clone(),
                version: ex.go_version.clone(),
                goroot: ex.goroot.clone(),
                error: ex.error.clone(),
            },
            installs,
            contexts,
            releases: ReleaseSummary {
                origin: facts.releases.origin.clone(),
                newest: facts.releases.releases.first().map(|v| format!("go{v}")),
            },
            vulndb: match (&facts.vulns.loaded, &facts.vulns.error) {
                (Some(l), _) => crate::report::VulnDbSummary::new(&facts.vulns.url, Ok(l)),
                (None, error) => crate::report::VulnDbSummary {
                    url: facts.vulns.url.clone(),
                    error: error.clone(),
                    ..Default::default()
                },
            },
            checks,
            findings: findings
                .into_iter()
                .map(|f| FindingReport {
                    area: area_of(f.code),
                    finding: f,
                })
                .collect(),
            summary,
            notes: facts.notes.clone(),
        }
    }
}

/// The number of known vulnerabilities of an install's version.
fn known_vulnerabilities(facts: &Facts, i: &crate::discovery::Install) -> Option<usize> {
    let db = &facts.vulns.loaded.as_ref()?.db;
    let v = crate::version::RuntimeVersion::parse(i.version.as_deref()?);
    if v.devel {
        return None;
    }
    Some(db.affecting(v.release.as_ref()?).len())
}
