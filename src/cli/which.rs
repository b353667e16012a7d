//! `groot which`: the path of the command the shims run here, and why.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use groot::host::Host;
use groot::report::WhichReport;
use groot::select::{self, Options};
use groot::toolchain::BinaryReader;

use super::style::{paint, DIM};
use super::switching::{select_error, warn_notes};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The command (`go`, `gofmt`, or any other file in the toolchain's bin directory).
    #[arg(default_value = "go")]
    tool: String,
    /// Select for this directory instead of the current one.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Print the selection as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    if let Some(d) = &args.dir {
        if !host.fs().is_dir(&host.absolute(d)) {
            return Err(super::coded(
                "not-a-directory",
                format!("{} is not a directory", d.display()),
            ));
        }
    }
    let options = Options {
        dir: args.dir.clone(),
        request: None,
    };
    let mut sel = select::select(host, &options).map_err(select_error)?;
    groot::launch::groot::annotate(host, &BinaryReader, &options, &mut sel);
    let me = std::env::current_exe().ok();
    let path = match &sel.toolchain {
        Some(t) => {
            let p = t.bin(host, &args.tool);
            if !host.fs().is_file(&p) {
                anyhow::bail!("{} has no {} ({})", t.name, args.tool, p.display());
            }
            p
        }
        None => {
            let next = groot::shim::next_on_path(host, &args.tool, me.as_deref())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            // Nothing selected: the shim runs the next go on PATH. When that is a launcher (a
            // version manager's shim, a wrapper), say which go it ends in.
            match through_launchers(host, &args) {
                Some((go, via)) => {
                    if super::output().verbose > 0 {
                        let mut err = anstream::stderr().lock();
                        writeln!(err, "{}", paint(DIM, format!("through {via}")))?;
                    }
                    go
                }
                None => next,
            }
        }
    };
    if args.json {
        super::print_json(&WhichReport::new(args.tool, path, sel))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = super::style::stdout().lock();
    writeln!(out, "{}", path.display())?;
    drop(out);
    if super::output().verbose > 0 {
        let mut err = anstream::stderr().lock();
        writeln!(
            err,
            "{}",
            paint(DIM, format!("selected: {}", sel.summary()))
        )?;
    }
    warn_notes(&sel.notes);
    Ok(ExitCode::SUCCESS)
}

/// For `go`: the binary the launchers in front of PATH's go end in, and a description of them
/// (`None` when PATH's go is a go binary, or a launcher cannot run one).
fn through_launchers(host: &Host, args: &Args) -> Option<(PathBuf, String)> {
    if args.tool != "go" {
        return None;
    }
    let request = groot::resolve::Request {
        dir: args.dir.clone(),
        go: None,
    };
    let ex = groot::launch::explain(host, &BinaryReader, &request);
    let last = ex.launchers.last()?;
    let go = last.runs.clone()?;
    let via: Vec<String> = ex
        .launchers
        .iter()
        .map(|l| format!("{} {}", l.kind.label(), l.path.display()))
        .collect();
    Some((go, via.join(", then ")))
}
