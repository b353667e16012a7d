//! `groot explain`: which go runs here, and why.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use groot::host::Host;
use groot::launch::Kind;
use groot::report::ExplainReport;
use groot::resolve::{Outcome, Request, Stage, SwitchTarget};
use groot::toolchain::{BinaryReader, Stamped};

use super::style::{painted, Painted, BOLD, DIM, ERROR, OK, WARN};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to explain (default: the current directory).
    dir: Option<PathBuf>,
    /// Explain this go binary instead of the one PATH finds (absolute or relative path).
    #[arg(long, value_name = "PATH")]
    go: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also run the real go (`go env GOROOT`, `go version`) and compare; exit 3 on disagreement.
    #[arg(long)]
    verify: bool,
}

pub fn run(host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    if let Some(d) = &args.dir {
        let abs = host.absolute(d);
        if !host.fs().is_dir(&abs) {
            return Err(super::coded(
                "not-a-directory",
                format!("{} is not a directory", d.display()),
            ));
        }
    }
    let request = Request {
        dir: args.dir.clone(),
        go: args.go.clone(),
    };
    let ex = groot::launch::explain(host, &BinaryReader, &request);
    // The go PATH chose was resolved by the lookup already.
    let resolved = ex.go.as_ref().and_then(|g| {
        let abs = host.absolute(g);
        ex.lookup
            .chosen()
            .filter(|c| c.absolute == abs)
            .and_then(|c| c.resolved.clone())
            .or_else(|| host.fs().canonicalize(&abs).ok().map(|r| r.path))
    });
    let verification = if args.verify {
        Some(groot::verify::verify(host, &ex)?)
    } else {
        None
    };
    let mut report = ExplainReport::new(ex, resolved);
    report.verify = verification;
    let disagree = report.verify.as_ref().is_some_and(|v| !v.agrees);
    if args.json {
        super::print_json(&report)?;
    } else if super::style::color() {
        let mut out = super::style::stdout().lock();
        out.write_all(render(&report).as_bytes())?;
    } else {
        // Nothing is painted: no escape codes for anstream to adapt, and no second query of
        // whether stdout is a terminal.
        std::io::stdout()
            .lock()
            .write_all(render(&report).as_bytes())?;
    }
    // The process ends next: leave the report to the OS instead of freeing it piece by piece.
    std::mem::forget(report);
    Ok(if disagree {
        ExitCode::from(super::EXIT_DISAGREE)
    } else {
        ExitCode::SUCCESS
    })
}

fn symbol(o: Outcome) -> Painted<&'static str> {
    match o {
        Outcome::Chosen => painted(OK, "✓"),
        Outcome::Skipped => painted(DIM, "-"),
        Outcome::Info => painted(DIM, "·"),
        Outcome::Shadowed => painted(WARN, "↓"),
        Outcome::Failed => painted(ERROR, "✗"),
    }
}

/// The human rendering: a summary, then every step grouped by stage.
pub fn render(r: &ExplainReport) -> String {
    // A report is a kilobyte or two: one allocation, not a doubling from nothing.
    let mut s = String::with_capacity(4096);
    let label = |s: &mut String, name: &str| {
        let _ = write!(s, "{} ", painted(BOLD, format_args!("{name:<10}")));
    };
    label(&mut s, "go");
    match &r.go {
        Some(g) => {
            let _ = write!(s, "{}", g.path.display());
            if let Some(res) = g.resolved.as_ref().filter(|res| **res != g.path) {
                let _ = write!(s, " {} {}", painted(DIM, "→"), res.display());
            }
            if let Some(b) = &r.binary {
                let _ = write!(
                    s,
                    "  ({} {}/{})",
                    b.version.raw,
                    b.goos.as_deref().unwrap_or("?"),
                    b.goarch.as_deref().unwrap_or("?")
                );
            }
            s.push('\n');
        }
        None => {
            let _ = write!(s, "{}", painted(ERROR, "not found\n"));
        }
    }
    if let Some(sel) = &r.selection {
        label(&mut s, "selected");
        let _ = writeln!(s, "{}  {}", sel.summary(), painted(DIM, "(groot shim)"));
    }
    // The other launchers in front of go, in the order they run (docs/launchers.md).
    for l in r.launchers.iter().filter(|l| l.kind != Kind::Groot) {
        label(&mut s, "launcher");
        let _ = write!(s, "{} {}", l.kind.label(), l.path.display());
        if let Some(v) = &l.version {
            let _ = write!(s, " picks {v}");
        }
        if let Some(src) = &l.source {
            let _ = write!(s, "  {}", painted(DIM, format_args!("({src})")));
        }
        s.push('\n');
    }
    for c in r.lookup.shadowed() {
        label(&mut s, "");
        let _ = writeln!(s, "{} shadows {}", painted(WARN, "↓"), c.absolute.display());
    }
    label(&mut s, "GOROOT");
    match (&r.goroot, &r.error) {
        (Some(g), _) => {
            let switched = r
                .switch
                .as_ref()
                .filter(|sw| !matches!(sw.target, SwitchTarget::Local));
            let why = match switched {
                Some(sw) => Some(format!(
                    "the toolchain switched to{}",
                    sw.trigger
                        .as_ref()
                        .map(|t| format!(" because of the {t}"))
                        .unwrap_or_default()
                )),
                None => r
                    .steps
                    .iter()
                    .rfind(|st| {
                        st.stage == Stage::Goroot
                            && st.outcome == Outcome::Chosen
                            && st.toolchain.is_none()
                    })
                    .map(|st| format!("{}: {}", st.rule, st.reason)),
            };
            let _ = write!(s, "{g}");
            if let Some(w) = why {
                let _ = write!(s, "  {}", painted(DIM, format_args!("({w})")));
            }
            s.push('\n');
        }
        (None, Some(e)) => {
            let _ = writeln!(s, "{}", painted(ERROR, &e.message));
        }
        (None, None) => s.push_str("unknown\n"),
    }
    if let Some(v) = &r.go_version {
        label(&mut s, "version");
        let _ = writeln!(s, "{v}");
    }
    if let Some(sw) = &r.switch {
        label(&mut s, "toolchain");
        let gt = sw
            .gotoolchain
            .as_ref()
            .map(|g| format!("GOTOOLCHAIN={} from {}", g.value, g.source))
            .unwrap_or_else(|| "GOTOOLCHAIN empty".to_owned());
        match &sw.target {
            SwitchTarget::Local => match (&sw.wanted, &r.error) {
                (Some(w), Some(_)) => {
                    let _ = writeln!(
                        s,
                        "wants {w}, which go cannot get  {}",
                        painted(DIM, format_args!("({gt})"))
                    );
                }
                _ => {
                    let _ = writeln!(s, "local  {}", painted(DIM, format_args!("({gt})")));
                }
            },
            SwitchTarget::Path { toolchain, path } => {
                let _ = writeln!(s, "switches to {toolchain} on PATH ({})", path.display());
            }
            SwitchTarget::ModuleCache { toolchain, dir } => {
                let _ = writeln!(
                    s,
                    "switches to {toolchain} from the module cache ({})",
                    dir.display()
                );
            }
            SwitchTarget::Download {
                toolchain,
                proxy,
                sumdb,
                ..
            } => {
                let check = sumdb
                    .as_deref()
                    .map(|db| format!(", checked against {db}"))
                    .unwrap_or_default();
                let _ = writeln!(s, "switches to {toolchain}, downloaded from {proxy}{check}");
            }
        }
        if let Some(t) = &sw.trigger {
            label(&mut s, "");
            let _ = writeln!(s, "{} {t}", painted(DIM, "because of the"));
        }
    }
    if let Some(m) = &r.module_error {
        label(&mut s, "modules");
        let _ = writeln!(s, "{}", painted(WARN, m));
    }
    if let Some(t) = r.tree.as_ref().filter(|t| !t.missing.is_empty()) {
        label(&mut s, "tree");
        let _ = writeln!(
            s,
            "{}",
            painted(
                WARN,
                format!("{} lacks {}", t.root.display(), t.missing.join(", "))
            )
        );
    }
    if let Some(b) = &r.binary {
        if matches!(b.stamped_goroot, Stamped::Unknown) {
            label(&mut s, "note");
            let _ = writeln!(
                s,
                "the stamped GOROOT of this binary cannot be read; use --verify"
            );
        }
    }

    let _ = write!(s, "\n{}\n", painted(BOLD, "How go decides:"));
    let mut last: Option<(Stage, Option<String>)> = None;
    for st in &r.steps {
        let key = (st.stage, st.toolchain.clone());
        let head = if last.as_ref() != Some(&key) {
            match &st.toolchain {
                Some(t) => format!("{} [{t}]", st.stage),
                None => st.stage.to_string(),
            }
        } else {
            String::new()
        };
        last = Some(key);
        let _ = write!(
            s,
            "  {} {} ",
            painted(DIM, format_args!("{head:<14}")),
            symbol(st.outcome)
        );
        if let Some(c) = &st.candidate {
            let _ = write!(s, "{c}  ");
        }
        let _ = write!(s, "{}", painted(DIM, &st.reason));
        if let Some(src) = &st.source {
            let _ = write!(s, " {}", painted(DIM, format_args!("[{src}]")));
        }
        s.push('\n');
    }
    if let Some(v) = &r.verify {
        let _ = writeln!(s, "\n{}", painted(BOLD, "Verification (the real go):"));
        for f in &v.fields {
            let mark = if f.agrees {
                painted(OK, "✓")
            } else {
                painted(ERROR, "✗")
            };
            let _ = writeln!(
                s,
                "  {mark} {:<11} predicted {}  actual {}",
                f.name,
                f.predicted.as_deref().unwrap_or("(none)"),
                f.actual.as_deref().unwrap_or("(none)")
            );
        }
        if !v.agrees {
            let _ = writeln!(
                s,
                "  {}",
                painted(
                    ERROR,
                    "the prediction disagrees with the real go: please report this"
                )
            );
        }
    }
    s
}
