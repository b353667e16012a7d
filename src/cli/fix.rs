//! `groot fix`: plan → diff → apply edits of shell startup files and the go env file, with
//! backups and `--undo`.
//!
//! Applying needs `--yes`, or a "y" answer when stdin and stdout are terminals. Without a
//! terminal and without `--yes`, groot only shows the plan and exits 0, so a script can never
//! change files by accident.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use groot::host::Host;
use groot::report::{FixReport, FIX_SCHEMA_VERSION};
use groot::shell::contexts::survey;
use groot::shell::contexts::ContextId;
use groot::shell::gaps::{self, GapInputs};
use groot::shell::write::edit::stamp_from_unix;
use groot::shell::write::plan::{self, FixPlan};
use groot::toolchain::BinaryReader;

use super::contexts::tilde;
use super::style::{paint, BOLD, DIM, ERROR, OK, WARN};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory whose go the fix is planned for (default: the current directory).
    dir: Option<PathBuf>,
    /// Apply without asking.
    #[arg(short, long, conflicts_with = "dry_run")]
    yes: bool,
    /// Only show the plan.
    #[arg(long)]
    dry_run: bool,
    /// Put back the files of the last applied fix, byte for byte.
    #[arg(long, conflicts_with_all = ["yes", "dry_run"])]
    undo: bool,
    /// Print the report as JSON (applies only with --yes).
    #[arg(long)]
    pub json: bool,
}

pub fn run(host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    let mut report = FixReport {
        schema_version: FIX_SCHEMA_VERSION,
        gaps: Vec::new(),
        changes: Vec::new(),
        applied: false,
        backup_dir: None,
        undone: None,
    };
    let mut out = super::style::stdout().lock();
    if args.undo {
        let undone = plan::undo_last(host)?;
        if !args.json {
            let mut s = String::new();
            match &undone {
                None => s.push_str("nothing to undo\n"),
                Some(u) if u.restored.is_empty() => {
                    let _ = writeln!(s, "the files of {} were already as before", u.dir.display());
                }
                Some(u) => {
                    for f in &u.restored {
                        let _ = writeln!(s, "{} {}", paint(OK, "restored"), f.display());
                    }
                    let _ = writeln!(s, "{}", paint(DIM, format!("from {}", u.dir.display())));
                }
            }
            out.write_all(s.as_bytes())?;
        }
        report.undone = undone;
        if args.json {
            super::print_json(&report)?;
        }
        return Ok(ExitCode::SUCCESS);
    }

    let dir = host.absolute(args.dir.as_deref().unwrap_or(host.cwd()));
    if args.dir.is_some() && !host.fs().is_dir(&dir) {
        return Err(super::coded(
            "not-a-directory",
            format!("{} is not a directory", dir.display()),
        ));
    }
    let s = survey::survey(host, &BinaryReader, &dir);
    let mut found = gaps::find_gaps(&GapInputs {
        fs: host.fs(),
        platform: &s.platform,
        session: &s.session,
        predictions: &s.predictions,
    });
    found.extend(plan::goenv_gaps(host));
    let order = s
        .contexts
        .iter()
        .find(|c| c.id == ContextId::Terminal)
        .map(|c| c.path.clone())
        .unwrap_or_default();
    let home = host.home().unwrap_or_default();
    let plan = plan::plan_fix(host.fs(), &home, found, &order)?;

    if !args.json {
        out.write_all(render_plan(host, &plan).as_bytes())?;
    }
    let apply = plan.changes_anything()
        && !args.dry_run
        && (args.yes || (!args.json && confirm(&mut out)?));
    if apply {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let journal = plan::apply_fix(host, &plan, &stamp_from_unix(secs))?;
        report.applied = true;
        report.backup_dir = journal.dir.clone();
        if !args.json {
            let mut s = String::new();
            for e in &journal.entries {
                let _ = writeln!(s, "{} {}", paint(OK, "updated"), e.path.display());
            }
            if let Some(d) = &journal.dir {
                let _ = writeln!(
                    s,
                    "{}",
                    paint(
                        DIM,
                        format!("backups in {}; undo with `groot fix --undo`", d.display())
                    )
                );
            }
            let _ = writeln!(
                s,
                "{}",
                paint(DIM, "open a new shell (or log in again) to use them")
            );
            out.write_all(s.as_bytes())?;
        }
    } else if plan.changes_anything() && !args.dry_run && !args.json {
        out.write_all(paint(DIM, "nothing changed; run `groot fix --yes` to apply\n").as_bytes())?;
    }
    report.gaps = plan.gaps;
    report.changes = plan.changes;
    if args.json {
        super::print_json(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks on the terminal; `false` (never asks) when stdin or stdout is not a terminal.
fn confirm(out: &mut impl Write) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Ok(false);
    }
    write!(out, "Apply these changes? [y/N] ")?;
    out.flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}

fn render_plan(host: &Host, plan: &FixPlan) -> String {
    let home = host.home();
    let home = home.as_deref();
    let mut s = String::new();
    if !plan.changes_anything() {
        s.push_str("nothing to fix\n");
    } else {
        let _ = writeln!(s, "{}", paint(BOLD, "groot can fix:"));
        for g in plan.gaps.iter().filter(|g| !g.edits.is_empty()) {
            let _ = writeln!(
                s,
                "  {} {}  {}",
                paint(WARN, "!"),
                paint(BOLD, g.code),
                g.summary
            );
            for c in &g.commands {
                let _ = writeln!(s, "      also, by hand: {c}");
            }
        }
        let _ = writeln!(s, "\n{}", paint(BOLD, "Planned changes:"));
        for c in plan.changes.iter().filter(|c| c.changed) {
            let _ = writeln!(
                s,
                "{} {}",
                paint(BOLD, tilde(home, &c.file)),
                paint(DIM, format!("({})", c.codes.join(", ")))
            );
            for line in c.diff.lines() {
                let styled = if line.starts_with("+++") || line.starts_with("---") {
                    paint(DIM, line)
                } else if line.starts_with('+') {
                    paint(OK, line)
                } else if line.starts_with('-') {
                    paint(ERROR, line)
                } else {
                    line.to_string()
                };
                let _ = writeln!(s, "  {styled}");
            }
        }
    }
    let manual: Vec<_> = plan.manual().collect();
    if !manual.is_empty() {
        let _ = writeln!(s, "\n{}", paint(BOLD, "Not fixed automatically:"));
        for g in manual {
            let _ = writeln!(
                s,
                "  {} {}  {}",
                paint(WARN, "!"),
                paint(BOLD, g.code),
                g.summary
            );
            for c in &g.commands {
                let _ = writeln!(s, "      run: {c}");
            }
        }
    }
    s
}
