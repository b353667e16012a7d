//! `groot doctor`: one full diagnosis, as text, JSON or Prometheus metrics.
//!
//! Exit codes: 0 when no finding is at or above `--fail-on` (default `error`), 1 when some
//! are, 2 for a usage error (an unknown flag, value or check code).

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use groot::doctor::checks::{Area, CHECKS};
use groot::doctor::hostinfo::ProcessProbe;
use groot::doctor::{self, Edit, Severity};
use groot::env_vars;
use groot::host::Host;
use groot::report::doctor::DoctorReport;
use groot::toolchain::BinaryReader;

use super::style::{paint, BOLD, DIM, ERROR, OK, WARN};

/// Exit status when findings reach `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Prometheus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to diagnose (default: the current directory).
    dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Same as --format json.
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Exit 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// List every check (code, area, severity, what it looks for) and exit.
    #[arg(long)]
    list_checks: bool,
    /// Run only this check (repeatable; codes from --list-checks).
    #[arg(long = "check", value_name = "CODE", value_parser = check_codes(), hide_possible_values = true)]
    checks: Vec<String>,
    /// Do not ask package tools (dpkg, rpm, pkgutil, codesign) about installs.
    #[arg(long)]
    no_packages: bool,
    /// Ask the Go vulnerability database now, even if the cached copy is less than a day old.
    #[arg(long)]
    refresh: bool,
}

impl Args {
    /// Whether the output is JSON.
    pub fn json(&self) -> bool {
        self.json || self.format == Format::Json
    }
}

/// `--check` takes a code of the catalog: clap refuses others and suggests the nearest, and
/// completion offers them.
fn check_codes() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(CHECKS.iter().map(|c| c.code))
}

pub fn run(host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    let format = if args.json { Format::Json } else { args.format };
    if args.list_checks {
        list_checks(format)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(d) = &args.dir {
        if !host.fs().is_dir(&host.absolute(d)) {
            return Err(super::coded(
                "not-a-directory",
                format!("{} is not a directory", d.display()),
            ));
        }
    }
    let timeout = host
        .var_nonempty(env_vars::GROOT_TOOL_TIMEOUT_MS)
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(3));
    let opts = doctor::Options {
        dir: args.dir.clone(),
        packages: !args.no_packages,
        tool_timeout: timeout,
        probe: Some(ProcessProbe::current()),
        vulndb: args.checks.is_empty() || args.checks.iter().any(|c| c == "toolchain-vulnerable"),
        vulndb_refresh: args.refresh,
    };
    let started = std::time::Instant::now();
    let facts = doctor::gather(host, &BinaryReader, &opts);
    let findings = doctor::run_checks(&facts, &args.checks);
    let ran: Vec<&'static str> = CHECKS
        .iter()
        .filter(|c| args.checks.is_empty() || args.checks.iter().any(|x| x == c.code))
        .map(|c| c.code)
        .collect();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let report = DoctorReport::new(&facts, findings, &ran, now);
    let elapsed = started.elapsed();
    match format {
        Format::Json => super::print_json(&report)?,
        Format::Prometheus => {
            let mut out = std::io::stdout().lock();
            out.write_all(prometheus(&report, elapsed).as_bytes())?;
        }
        Format::Text => {
            let mut out = super::style::stdout().lock();
            out.write_all(render(&report, super::output().verbose > 0).as_bytes())?;
        }
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = matches!((threshold, report.summary.worst), (Some(t), Some(w)) if w >= t);
    // The process ends next: freeing every fact (each shell's simulation, the vulnerability
    // database) one allocation at a time would be ~10% of doctor's instructions for nothing.
    std::mem::forget(report);
    std::mem::forget(facts);
    Ok(if failed {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

/// Version of `groot doctor --list-checks --json`.
pub const LIST_CHECKS_SCHEMA_VERSION: u32 = 1;

/// `groot doctor --list-checks --json`.
#[derive(serde::Serialize)]
struct ChecksReport<T> {
    schema_version: u32,
    checks: Vec<T>,
}

fn list_checks(format: Format) -> anyhow::Result<()> {
    if format == Format::Json {
        #[derive(serde::Serialize)]
        struct Item {
            code: &'static str,
            area: Area,
            severity: Severity,
            title: &'static str,
        }
        let items: Vec<Item> = CHECKS
            .iter()
            .map(|c| Item {
                code: c.code,
                area: c.area,
                severity: c.severity,
                title: c.title,
            })
            .collect();
        return super::print_json(&ChecksReport {
            schema_version: LIST_CHECKS_SCHEMA_VERSION,
            checks: items,
        });
    }
    let mut s = String::new();
    for c in CHECKS {
        let _ = writeln!(
            s,
            "{:<27} {:<10} {:<8} {}",
            c.code,
            c.area.as_str(),
            c.severity.as_str(),
            c.title
        );
    }
    super::style::stdout().lock().write_all(s.as_bytes())?;
    Ok(())
}

fn mark(s: Severity) -> String {
    match s {
        Severity::Error => paint(ERROR, "✗"),
        Severity::Warning => paint(WARN, "!"),
        Severity::Info => paint(DIM, "i"),
    }
}

/// The human rendering: host and go, then one line per area and per finding.
pub fn render(r: &DoctorReport, verbose: bool) -> String {
    let mut s = String::new();
    let h = &r.host;
    let mut host = vec![format!(
        "{} {}",
        h.os_name.as_deref().unwrap_or(&h.os),
        h.os_version.as_deref().unwrap_or("")
    )
    .trim()
    .to_owned()];
    if let Some(k) = &h.kernel {
        host.push(format!("kernel {k}"));
    }
    host.push(format!("{}/{}", h.os, h.native_arch));
    if h.translated == Some(true) {
        host.push("groot under Rosetta".to_owned());
    }
    if let Some(l) = &h.libc {
        host.push(l.clone());
    }
    let _ = writeln!(s, "{} {}", paint(BOLD, "host     "), host.join(", "));
    if verbose {
        if let Some(c) = &h.cpu {
            let _ = writeln!(s, "{} {c}", paint(BOLD, "cpu      "));
        }
        let _ = writeln!(
            s,
            "{} {} ({}); groot is {}",
            paint(BOLD, "arch     "),
            h.native_arch,
            h.native_arch_source,
            h.process_arch
        );
    }
    let go = match (&r.go.path, &r.go.version, &r.go.goroot, &r.go.error) {
        (Some(p), Some(v), Some(g), _) => format!("{} {v}, GOROOT {g}", p.display()),
        (Some(p), _, _, Some(e)) => format!("{}: {}", p.display(), e.message),
        (None, _, _, Some(e)) => e.message.clone(),
        _ => "unknown".to_owned(),
    };
    let _ = writeln!(s, "{} {go}", paint(BOLD, "go       "));
    // In a deleted directory the process only knows a stand-in; the shell's $PWD says which.
    let deleted = r
        .findings
        .iter()
        .find(|f| f.finding.code == "cwd-deleted")
        .map(|f| {
            f.finding
                .evidence
                .iter()
                .find(|e| e.label == "PWD")
                .map_or_else(|| "?".to_owned(), |e| e.value.clone())
        });
    match deleted {
        Some(pwd) => {
            let _ = writeln!(
                s,
                "{} {pwd} {}",
                paint(BOLD, "dir      "),
                paint(ERROR, "(deleted)")
            );
        }
        None => {
            let _ = writeln!(s, "{} {}", paint(BOLD, "dir      "), r.dir.display());
        }
    }
    if verbose {
        let _ = writeln!(s, "\n{}", paint(BOLD, "Installations:"));
        for i in &r.installs {
            let _ = writeln!(
                s,
                "  {} {} {} {}/{} [{}]{}{}",
                if i.active {
                    paint(OK, "*")
                } else {
                    " ".to_owned()
                },
                i.root.display(),
                i.version.as_deref().unwrap_or("?"),
                i.goos.as_deref().unwrap_or("?"),
                i.goarch.as_deref().unwrap_or("?"),
                i.source,
                i.package
                    .as_ref()
                    .map(|p| format!(" {p}"))
                    .unwrap_or_default(),
                if i.health.is_empty() {
                    String::new()
                } else {
                    paint(WARN, format!(" ({})", i.health.join(", ")))
                }
            );
        }
        if !r.contexts.is_empty() {
            let _ = writeln!(s, "\n{}", paint(BOLD, "Which go each context runs:"));
            for c in &r.contexts {
                let _ = writeln!(
                    s,
                    "  {:<16} {}",
                    c.context,
                    c.go.as_ref()
                        .map_or_else(|| paint(DIM, "none"), |g| g.display().to_string())
                );
            }
        }
    }
    s.push('\n');
    for area in Area::ALL {
        let ran = r.checks.iter().any(|c| c.area == area);
        if !ran {
            continue;
        }
        let found: Vec<_> = r.findings.iter().filter(|f| f.area == area).collect();
        let worst = found.iter().map(|f| f.finding.severity).max();
        let head = match worst {
            Some(Severity::Error) => paint(ERROR, "[✗]"),
            Some(Severity::Warning) => paint(WARN, "[!]"),
            _ => paint(OK, "[✓]"),
        };
        let _ = writeln!(s, "{head} {}", paint(BOLD, area.title()));
        for f in found {
            let f = &f.finding;
            let _ = writeln!(
                s,
                "    {} {} {}",
                mark(f.severity),
                f.title,
                paint(DIM, format!("[{}]", f.code))
            );
            if !verbose {
                continue;
            }
            for e in &f.evidence {
                let _ = write!(
                    s,
                    "        {} {}",
                    paint(DIM, format!("{}:", e.label)),
                    e.value
                );
                if let Some(src) = &e.source {
                    let _ = write!(s, " {}", paint(DIM, format!("({src})")));
                }
                s.push('\n');
            }
            if !f.consequence.is_empty() {
                let _ = writeln!(s, "        {} {}", paint(DIM, "→"), f.consequence);
            }
            if !f.fix.summary.is_empty() {
                let _ = writeln!(s, "        {} {}", paint(OK, "fix:"), f.fix.summary);
            }
            for c in &f.fix.commands {
                let _ = writeln!(s, "          $ {c}");
            }
            for e in &f.fix.edits {
                let _ = writeln!(s, "          {} {}", paint(DIM, "edit:"), describe_edit(e));
            }
        }
    }
    for n in &r.notes {
        let _ = writeln!(s, "{} {n}", paint(DIM, "note:"));
    }
    let sum = &r.summary;
    let _ = write!(
        s,
        "\n{} error(s), {} warning(s), {} info ({} checks).",
        sum.errors,
        sum.warnings,
        sum.infos,
        r.checks.len()
    );
    if !verbose && !r.findings.is_empty() {
        s.push_str(" Run `groot doctor -v` for evidence and fixes.");
    }
    s.push('\n');
    s
}

fn describe_edit(e: &Edit) -> String {
    match e {
        Edit::RemoveLine { file, line, text } => {
            format!("remove {}:{line}: {text}", file.display())
        }
        Edit::AppendLine { file, text } => format!("append to {}: {text}", file.display()),
        Edit::UnsetGoEnv { file, key } => format!("remove {key}= from {}", file.display()),
        Edit::Startup { edit } => {
            let mut parts = Vec::new();
            for l in &edit.lines {
                parts.push(match l {
                    groot::shell::gaps::BlockLine::PrependPath { dir } => {
                        format!("put {dir} first on PATH")
                    }
                    groot::shell::gaps::BlockLine::AddPath { dir } => format!("add {dir} to PATH"),
                    groot::shell::gaps::BlockLine::SetVar { name, value } => {
                        format!("set {name}={value}")
                    }
                    groot::shell::gaps::BlockLine::UnsetVar { name } => format!("unset {name}"),
                });
            }
            for c in &edit.comment_out {
                parts.push(format!("comment out line {}: {}", c.line, c.text));
            }
            format!("{}: {}", edit.file.display(), parts.join("; "))
        }
    }
}

/// Escapes a Prometheus label value.
fn label(v: &str) -> String {
    v.replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

/// The severity a code has in the catalog (a finding may be more or less severe in one run;
/// a Prometheus label must not change with it, or each change starts a new series).
fn catalog_severity(code: &str) -> Severity {
    doctor::checks::find(code).map_or(Severity::Info, |k| k.severity)
}

/// The Prometheus text exposition format, for node_exporter's textfile collector.
pub fn prometheus(r: &DoctorReport, elapsed: Duration) -> String {
    let mut s = String::new();
    s.push_str("# HELP groot_findings Findings of the last groot doctor run, by check code; severity is the check's catalog severity, constant per code (one series per code); the severity of this run's findings is in groot_findings_by_severity.\n");
    s.push_str("# TYPE groot_findings gauge\n");
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for c in &r.checks {
        counts.insert(c.code, 0);
    }
    for f in &r.findings {
        *counts.entry(f.finding.code).or_default() += 1;
    }
    for (code, n) in &counts {
        let sev = catalog_severity(code);
        let _ = writeln!(
            s,
            "groot_findings{{code=\"{}\",severity=\"{}\"}} {n}",
            label(code),
            sev.as_str()
        );
    }
    s.push_str("# HELP groot_findings_by_severity Findings of the last run per severity.\n");
    s.push_str("# TYPE groot_findings_by_severity gauge\n");
    for (sev, n) in [
        ("error", r.summary.errors),
        ("warning", r.summary.warnings),
        ("info", r.summary.infos),
    ] {
        let _ = writeln!(s, "groot_findings_by_severity{{severity=\"{sev}\"}} {n}");
    }
    s.push_str("# HELP groot_toolchain_info Go installations found; 1 for each.\n");
    s.push_str("# TYPE groot_toolchain_info gauge\n");
    for i in &r.installs {
        let _ = writeln!(
            s,
            "groot_toolchain_info{{version=\"{}\",arch=\"{}\",source=\"{}\",path=\"{}\",active=\"{}\"}} 1",
            label(i.version.as_deref().unwrap_or("")),
            label(i.goarch.as_deref().unwrap_or("")),
            label(&i.source),
            label(&i.root.display().to_string()),
            i.active
        );
    }
    s.push_str(
        "# HELP groot_toolchain_known_vulnerabilities Entries of the Go vulnerability database \
         that affect each Go installation (absent when the database could not be read).\n",
    );
    s.push_str("# TYPE groot_toolchain_known_vulnerabilities gauge\n");
    for i in &r.installs {
        if let (Some(n), Some(v)) = (i.known_vulnerabilities, &i.version) {
            let _ = writeln!(
                s,
                "groot_toolchain_known_vulnerabilities{{goroot=\"{}\",version=\"{}\"}} {n}",
                label(&i.root.display().to_string()),
                label(v),
            );
        }
    }
    s.push_str("# HELP groot_doctor_checks Checks run by the last groot doctor run.\n");
    s.push_str("# TYPE groot_doctor_checks gauge\n");
    let _ = writeln!(s, "groot_doctor_checks {}", r.checks.len());
    s.push_str("# HELP groot_doctor_duration_seconds How long the last groot doctor run took.\n");
    s.push_str("# TYPE groot_doctor_duration_seconds gauge\n");
    let _ = writeln!(
        s,
        "groot_doctor_duration_seconds {:.6}",
        elapsed.as_secs_f64()
    );
    s.push_str(
        "# HELP groot_doctor_last_run_timestamp_seconds When groot doctor last ran (Unix time).\n",
    );
    s.push_str("# TYPE groot_doctor_last_run_timestamp_seconds gauge\n");
    let _ = writeln!(
        s,
        "groot_doctor_last_run_timestamp_seconds {}",
        r.generated_unix
    );
    s
}
