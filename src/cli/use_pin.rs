//! `groot use` (the global default) and `groot pin` (a `.go-version` here).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use groot::host::Host;
use groot::select::{self, Options, Request, Source};
use groot::toolchain::BinaryReader;

use super::switching::{check_shims_on_path, note, select_error, warn_notes};

#[derive(Debug, clap::Args)]
pub struct UseArgs {
    /// The version to make the default: `1.22.10`, `go1.22.10`, `1.22` (newest installed
    /// 1.22.x, resolved now), a toolchain name, or `system` (no default: the next go on PATH).
    /// Without it, print the current default.
    version: Option<String>,
}

pub fn run_use(host: &Host, args: UseArgs) -> anyhow::Result<ExitCode> {
    let default_file =
        select::default_file(host).context("cannot tell where groot keeps its data")?;
    let mut out = anstream::stdout().lock();
    let Some(v) = args.version else {
        match host.fs().read(&default_file) {
            Ok(data) => {
                let text = String::from_utf8_lossy(&data);
                writeln!(out, "{}", text.trim())?;
            }
            Err(_) => writeln!(out, "system")?,
        }
        return Ok(ExitCode::SUCCESS);
    };
    let toolchain = if Request::parse(&v) == Some(Request::System) {
        None
    } else {
        let sel = select::resolve_request(host, &v, Source::Argument).map_err(select_error)?;
        sel.toolchain
    };
    let warning = select::apply_default(host, toolchain.as_ref())
        .with_context(|| format!("cannot write {}", default_file.display()))?;
    if let Some(w) = warning {
        note(w);
    }
    ensure_shims(host);
    match &toolchain {
        Some(t) => writeln!(out, "default Go: {} ({})", t.label(), t.root.display())?,
        None => writeln!(out, "default Go: system (the next go on PATH)")?,
    }
    drop(out);
    // Say when something more specific wins here.
    if let Ok(here) = select::select(host, &Options::default()) {
        if !matches!(here.source, Source::Default { .. } | Source::Unset) {
            note(format!("here, {} takes precedence", here.summary()));
        }
    }
    check_shims_on_path(host);
    Ok(ExitCode::SUCCESS)
}

/// Creates or repairs the shims; a failure is only a warning.
pub fn ensure_shims(host: &Host) {
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    if let Err(e) = groot::shim::ensure_shims(host, &exe) {
        note(format!("could not create groot's shims: {e}"));
    }
    sync_version_links(host);
}

/// Keeps `<shims>/go1.X.Y` in step with the store; a failure is only a warning.
pub fn sync_version_links(host: &Host) {
    if let Err(e) = groot::version_links::sync(host) {
        note(format!(
            "could not update the go1.X.Y links in groot's shims directory: {e}"
        ));
    }
}

#[derive(Debug, clap::Args)]
pub struct PinArgs {
    /// The version to pin (`1.22.10`, `1.22`, `go1.22.10`, a toolchain name, `system`);
    /// default: the Go selected here now.
    version: Option<String>,
    /// Remove the `.go-version` in this directory instead.
    #[arg(long, conflicts_with = "version")]
    unset: bool,
    /// The directory to pin (default: the current directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run_pin(host: &Host, args: PinArgs) -> anyhow::Result<ExitCode> {
    let dir = args
        .dir
        .as_ref()
        .map(|d| host.absolute(d))
        .unwrap_or_else(|| host.cwd().to_path_buf());
    let file = dir.join(select::GO_VERSION_FILE);
    let real = host.fs().to_real(&file);
    let mut out = anstream::stdout().lock();
    if args.unset {
        match std::fs::remove_file(&real) {
            Ok(()) => writeln!(out, "removed {}", file.display())?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                writeln!(out, "{} does not exist", file.display())?
            }
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", file.display())),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let text = match &args.version {
        Some(v) => {
            let req = Request::parse(v).ok_or_else(|| {
                anyhow::anyhow!("{v:?} is not a Go version, toolchain name or `system`")
            })?;
            match req {
                Request::Exact(v) => v.to_string(),
                Request::Series { major, minor } => format!("{major}.{minor}"),
                Request::Name(n) => n,
                Request::System => "system".to_owned(),
            }
        }
        None => {
            let sel = select::select(
                host,
                &Options {
                    dir: Some(dir.clone()),
                    request: None,
                },
            )
            .map_err(select_error)?;
            match sel.toolchain {
                Some(t) => match t.version {
                    Some(v) if !t.linked && v.toolchain_name() == t.name => v.to_string(),
                    _ => t.name,
                },
                None => anyhow::bail!(
                    "no Go is selected here to pin: name a version (`groot pin 1.22.10`)"
                ),
            }
        }
    };
    if let Err(e) = select::resolve_request(host, &text, Source::Argument) {
        note(format!("{e}; {}", e.hint().unwrap_or_default()));
    }
    std::fs::write(&real, format!("{text}\n"))
        .with_context(|| format!("cannot write {}", file.display()))?;
    writeln!(out, "pinned {text} in {}", file.display())?;
    drop(out);
    let options = Options {
        dir: Some(dir),
        request: None,
    };
    if let Ok(mut sel) = select::select(host, &options) {
        select::annotate(host, &BinaryReader, &options, &mut sel);
        warn_notes(&sel.notes);
    }
    Ok(ExitCode::SUCCESS)
}
