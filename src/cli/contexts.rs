//! `groot contexts`: what each launch context (terminal, IDE, ssh, cron, CI…) reads at startup
//! and which go and GOROOT it ends with; `--probe` runs the real shells to compare.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use groot::host::Host;
use groot::report::{ContextsReport, CONTEXTS_SCHEMA_VERSION};
use groot::shell::contexts::probe::{self, ProbeResult};
use groot::shell::contexts::survey::{self, ContextView};
use groot::shell::gaps::{self, GapInputs};
use groot::toolchain::BinaryReader;

use super::style::{paint, BOLD, DIM, ERROR, OK, WARN};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory go runs in (default: the current directory).
    dir: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also run the real shells in each context's mode (hermetic: clean environment,
    /// TERM=dumb, stdin closed, 10 s timeout) and compare with the prediction; exit 3 when
    /// they disagree.
    #[arg(long)]
    probe: bool,
}

pub fn run(host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    let dir = host.absolute(args.dir.as_deref().unwrap_or(host.cwd()));
    if !host.fs().is_dir(&dir) {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    let s = survey::survey(host, &BinaryReader, &dir);
    let probes = if args.probe {
        if host.fs().root().is_some() {
            anyhow::bail!("--probe runs the real shells, so it cannot be used with GROOT_ROOT");
        }
        let real_dir = host.fs().to_real(&dir);
        Some(
            s.predictions
                .iter()
                .zip(&s.contexts)
                .map(|(p, v)| probe::probe(host, p, v, &real_dir))
                .collect::<Vec<_>>(),
        )
    } else {
        None
    };
    let found = gaps::find_gaps(&GapInputs {
        fs: host.fs(),
        platform: &s.platform,
        session: &s.session,
        predictions: &s.predictions,
    });
    let disagree = probes
        .as_ref()
        .is_some_and(|ps| ps.iter().any(|p| !p.agrees));
    let report = ContextsReport {
        schema_version: CONTEXTS_SCHEMA_VERSION,
        dir,
        survey: s,
        probes,
        gaps: found,
    };
    if args.json {
        super::print_json(&report)?;
    } else {
        let mut out = super::style::stdout().lock();
        out.write_all(render(&report).as_bytes())?;
    }
    Ok(if disagree {
        ExitCode::from(super::EXIT_DISAGREE)
    } else {
        ExitCode::SUCCESS
    })
}

/// `~/x` for paths under HOME.
pub fn tilde(home: Option<&Path>, p: &Path) -> String {
    match home.and_then(|h| p.strip_prefix(h).ok()) {
        Some(rest) if home != Some(Path::new("/")) => format!("~/{}", rest.display()),
        _ => p.display().to_string(),
    }
}

/// `HOME/`, for shortening paths inside a sentence (nothing when HOME is `/` or unknown).
fn tilde_prefix(home: Option<&Path>) -> String {
    match home.filter(|h| *h != Path::new("/")) {
        Some(h) => format!("{}/", h.display()),
        None => "\u{0}".into(),
    }
}

fn go_line(home: Option<&Path>, v: &ContextView) -> String {
    let mut s = String::new();
    match &v.go {
        Some(g) => {
            let _ = write!(s, "go {}", tilde(home, g));
            if let Some(ver) = &v.go_version {
                let _ = write!(s, " ({ver})");
            }
            match (&v.goroot, &v.error) {
                (Some(r), _) => {
                    let _ = write!(s, "  GOROOT {}", tilde(home, Path::new(r)));
                }
                (None, Some(e)) => {
                    let _ = write!(s, "  {}", paint(ERROR, e));
                }
                _ => {}
            }
        }
        None => s.push_str(&paint(WARN, "no go on PATH")),
    }
    if !v.unresolved_before.is_empty() {
        let _ = write!(
            s,
            "  {}",
            paint(
                DIM,
                format!(
                    "(unknown PATH entries first: {})",
                    v.unresolved_before.join(", ")
                )
            )
        );
    }
    s
}

fn render_probe(home: Option<&Path>, p: &ProbeResult) -> String {
    let mut s = String::new();
    if let Some(e) = &p.error {
        let _ = writeln!(s, "    {} {}", paint(WARN, "real: could not run:"), e);
        return s;
    }
    // Which prompt hooks the probe ran by hand (see probe::prompt_hooks), once per kind.
    let mut ran: Vec<&str> = Vec::new();
    for c in &p.commands {
        let what = c
            .split_once(" -c <")
            .and_then(|(_, h)| h.split_once(" (the first prompt's hooks)"))
            .map(|(what, _)| what);
        if let Some(what) = what.filter(|w| !ran.contains(w)) {
            ran.push(what);
            let _ = writeln!(
                s,
                "    {}",
                paint(
                    DIM,
                    format!("real shell: ran {what} as at the first prompt")
                )
            );
        }
    }
    if let Some(d) = &p.direnv {
        let what = match (&d.error, d.blocked) {
            (Some(e), _) => format!("could not run: {e}"),
            (None, true) => "blocked".to_owned(),
            (None, false) => {
                let vars: Vec<String> = d
                    .exports
                    .iter()
                    .filter(|(k, _)| *k != "PATH")
                    .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("(unset)")))
                    .collect();
                format!("loads {}", vars.join(" "))
            }
        };
        let mark = if d.agrees {
            paint(OK, "✓")
        } else {
            paint(ERROR, "✗")
        };
        let _ = writeln!(
            s,
            "    {mark} {}",
            paint(DIM, format!("direnv export json: {what}"))
        );
    }
    if p.agrees {
        let _ = writeln!(
            s,
            "    {} {}",
            paint(OK, "✓"),
            paint(DIM, "the real shell agrees")
        );
        return s;
    }
    let direnv_fields = p.direnv.iter().flat_map(|d| &d.fields);
    for f in p.fields.iter().chain(direnv_fields).filter(|f| !f.agrees) {
        let show = |v: &Option<String>| match v {
            Some(x) if f.field == "go" => tilde(home, Path::new(x)),
            Some(x) => x.clone(),
            None => "(none)".into(),
        };
        let _ = writeln!(
            s,
            "    {} {:<7} predicted {}",
            paint(ERROR, "✗"),
            f.field,
            show(&f.predicted)
        );
        let _ = writeln!(s, "      {:<7} real      {}", "", show(&f.actual));
    }
    s
}

pub fn render(r: &ContextsReport) -> String {
    let sv = &r.survey;
    let home = sv.home.as_deref();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} on {}{}, go run in {}",
        paint(BOLD, sv.shell.as_deref().unwrap_or("(no $SHELL)")),
        sv.os_name(),
        sv.distro_suffix(),
        tilde(home, &r.dir)
    );
    for (i, v) in sv.contexts.iter().enumerate() {
        s.push('\n');
        let _ = writeln!(
            s,
            "{} {}  {}",
            paint(BOLD, format!("{:<16}", v.id.name())),
            paint(DIM, v.command.as_deref().unwrap_or("no shell")),
            go_line(home, v)
        );
        let _ = writeln!(s, "    {}", paint(DIM, v.title));
        if !v.files.is_empty() {
            let files: Vec<String> = v.files.iter().map(|f| tilde(home, f)).collect();
            let _ = writeln!(s, "    reads {}", files.join(", "));
        }
        for st in &v.settings {
            let _ = writeln!(
                s,
                "    {}  {}{}",
                paint(DIM, format!("{}:{}", tilde(home, &st.file), st.line)),
                st.text,
                if st.certain { "" } else { "  (maybe)" }
            );
        }
        if let Some(d) = &v.direnv {
            let _ = writeln!(
                s,
                "    {}  {}",
                paint(DIM, "direnv"),
                d.summary.replace(&tilde_prefix(home), "~/")
            );
            for n in &d.not_followed {
                let _ = writeln!(
                    s,
                    "    {}  {}  {}",
                    paint(DIM, format!("{}:{}", tilde(home, &n.file), n.line)),
                    n.text,
                    paint(WARN, "(not followed)")
                );
            }
        }
        if let Some(p) = r.probes.as_ref().and_then(|ps| ps.get(i)) {
            s.push_str(&render_probe(home, p));
        }
    }
    if !r.gaps.is_empty() {
        let _ = writeln!(s, "\n{}", paint(BOLD, "Problems:"));
        for g in &r.gaps {
            let _ = writeln!(
                s,
                "  {} {}  {}",
                paint(WARN, "!"),
                paint(BOLD, g.code),
                g.summary
            );
        }
        if r.gaps.iter().any(|g| !g.edits.is_empty()) {
            let _ = writeln!(
                s,
                "{}",
                paint(DIM, "run `groot fix` to see the edits that fix them")
            );
        }
    }
    s
}
