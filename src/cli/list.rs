//! `groot list`: every Go installation on the machine.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use groot::discovery::{self, Install, SourceKind};
use groot::host::Host;
use groot::report::{ListReport, ListedInstall, VulnDbSummary};
use groot::resolve::Request;
use groot::toolchain::BinaryReader;
use groot::vulndb::{self, VulnDbError};

use super::style::{paint, BOLD, DIM, ERROR, OK, WARN};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// List the releases that can be installed instead (from the release index; works offline
    /// from the cached or built-in copy).
    #[arg(long)]
    available: bool,
    /// With --available: prereleases too.
    #[arg(long, requires = "available")]
    all: bool,
    /// With --available: never use the network (the cached or built-in index).
    #[arg(long, requires = "available")]
    offline: bool,
    /// Print each install's known vulnerabilities (from the Go vulnerability database,
    /// GOVULNDB), not just their count.
    #[arg(long, conflicts_with = "available")]
    vulns: bool,
    /// Ask the vulnerability database now, even if the cached copy is less than a day old.
    #[arg(long, conflicts_with = "available")]
    refresh: bool,
}

pub fn run(host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    if args.available {
        return super::install::available(host, args.all, args.offline, args.json);
    }
    let ex = groot::launch::explain(host, &BinaryReader, &Request::default());
    let inventory = discovery::discover(host, &BinaryReader, Some(&ex));
    let (opts, loaded) = vulndb::load_for_host(host, args.refresh, false);
    let mut notes = Vec::new();
    match &loaded {
        Ok(l) => notes.extend(l.notes.iter().cloned()),
        // Asked for explicitly, a database that is not one (or not trusted) is an error; an
        // unreachable one never is.
        Err(
            e @ (VulnDbError::Layout { .. } | VulnDbError::Insecure(_) | VulnDbError::BadUrl(_)),
        ) if args.vulns || args.refresh => {
            anyhow::bail!("{e}");
        }
        Err(e) => notes.push(e.to_string()),
    }
    let summary = VulnDbSummary::new(&opts.url, loaded.as_ref());
    let mut report = ListReport::new(
        inventory,
        loaded.as_ref().ok().map(|l| &l.db),
        summary,
        notes,
    );
    for i in &mut report.installs {
        if i.sources.iter().any(|s| s.kind == SourceKind::Groot) {
            i.archive_verified = groot::dist::store::archive_verified(host.fs(), &i.root);
        }
    }
    if args.json {
        super::print_json(&report)?;
    } else {
        let mut out = super::style::stdout().lock();
        out.write_all(render(&report, super::output().verbose > 0, args.vulns).as_bytes())?;
        drop(out);
        if !super::output().quiet {
            let mut err = anstream::stderr().lock();
            for n in &report.notes {
                writeln!(err, "{} {n}", paint(DIM, "note:"))?;
            }
        }
    }
    // The process ends next: leave the report (every install, its vulnerabilities) and the
    // database to the OS instead of freeing them piece by piece.
    std::mem::forget(report);
    std::mem::forget(loaded);
    Ok(ExitCode::SUCCESS)
}

/// `N vulns` after an install's line.
fn vuln_count(i: &ListedInstall) -> String {
    match i.vulns.as_deref() {
        None => String::new(),
        Some([]) => format!("  {}", paint(DIM, "no known vulns")),
        Some([_]) => format!("  {}", paint(WARN, "1 known vuln")),
        Some(v) => format!("  {}", paint(WARN, format!("{} known vulns", v.len()))),
    }
}

fn sources(i: &Install) -> String {
    let mut kinds: Vec<String> = Vec::new();
    for s in &i.sources {
        let name = match s.kind {
            SourceKind::Path => match s.index {
                Some(n) => format!("PATH#{}", n + 1),
                None => "PATH".to_owned(),
            },
            k => k.to_string(),
        };
        if !kinds.contains(&name) {
            kinds.push(name);
        }
    }
    kinds.join(", ")
}

fn health(i: &Install) -> String {
    if i.health.is_ok() {
        return paint(OK, "ok");
    }
    let mut parts: Vec<String> = Vec::new();
    if !i.health.missing.is_empty() {
        parts.push(format!("missing {}", i.health.missing.join(", ")));
    }
    parts.extend(i.health.problems.iter().map(|p| p.message.clone()));
    paint(WARN, parts.join("; "))
}

/// One line per install: marker, version, platform, path, sources, health.
pub fn render(r: &ListReport, verbose: bool, vulns: bool) -> String {
    let mut s = String::new();
    if r.installs.is_empty() {
        s.push_str("no Go installation found\n");
    }
    let vw = r
        .installs
        .iter()
        .map(|i| i.version.as_deref().unwrap_or("?").len())
        .max()
        .unwrap_or(0);
    for i in &r.installs {
        let mark = if i.active {
            paint(OK, "*")
        } else {
            " ".to_owned()
        };
        let platform = format!(
            "{}/{}",
            i.goos.as_deref().unwrap_or("?"),
            i.goarch.as_deref().unwrap_or("?")
        );
        let _ = writeln!(
            s,
            "{mark} {}  {:<13} {}  {}  {}{}{}",
            paint(
                BOLD,
                format!("{:<vw$}", i.version.as_deref().unwrap_or("?"))
            ),
            platform,
            i.root.display(),
            paint(DIM, format!("[{}]", sources(i))),
            health(i),
            if i.archive_verified == Some(false) {
                format!("  {}", paint(WARN, "UNVERIFIED"))
            } else {
                String::new()
            },
            vuln_count(i),
        );
        if vulns {
            for v in i.vulns.as_deref().unwrap_or_default() {
                let fixed = v
                    .fixed
                    .as_deref()
                    .map_or_else(|| "no fix yet".to_owned(), |f| format!("fixed in {f}"));
                let _ = writeln!(
                    s,
                    "    {}  {}  {}",
                    paint(WARN, &v.id),
                    paint(
                        DIM,
                        format!("{:<14} {fixed}", v.aliases.first().map_or("", |a| a))
                    ),
                    v.summary
                );
            }
            if let Some(f) = &i.vulns_fixed_by {
                let _ = writeln!(s, "    {}", paint(DIM, format!("{f} fixes all of them")));
            }
        }
        if verbose {
            for p in i.paths.iter().filter(|p| **p != i.root) {
                let _ = writeln!(s, "    {} {}", paint(DIM, "via"), p.display());
            }
        }
    }
    if r.installs.iter().any(|i| i.active) {
        let _ = writeln!(s, "{}", paint(DIM, "* the one go runs here"));
    }
    if let (Some(origin), Some(modified)) = (&r.vulndb.origin, &r.vulndb.modified) {
        if r.installs.iter().any(|i| i.vulns.is_some()) {
            let _ = writeln!(
                s,
                "{}",
                paint(
                    DIM,
                    format!("vulns: {} (modified {modified}; {origin})", r.vulndb.url)
                )
            );
        }
    }
    if verbose {
        if !r.rejected.is_empty() {
            let _ = writeln!(s, "\n{}", paint(BOLD, "Not installations:"));
            for x in &r.rejected {
                let _ = writeln!(
                    s,
                    "  {} {}  {}",
                    paint(ERROR, "✗"),
                    x.path.display(),
                    paint(DIM, &x.reason)
                );
            }
        }
        let _ = writeln!(s, "\n{}", paint(BOLD, "Searched:"));
        for p in &r.searched {
            let _ = writeln!(
                s,
                "  {:<14} {}  {}",
                p.kind.to_string(),
                p.place,
                paint(DIM, format!("{}, {} found", status(p.status), p.candidates))
            );
        }
    }
    s
}

fn status(s: discovery::SearchStatus) -> &'static str {
    match s {
        discovery::SearchStatus::Searched => "searched",
        discovery::SearchStatus::Absent => "absent",
        discovery::SearchStatus::Unreadable => "unreadable",
        discovery::SearchStatus::NotSet => "not set",
    }
}
