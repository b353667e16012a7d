//! `groot use` (the global default) and `groot pin` (a `.go-version` here).
//!
//! Both say which scope they changed: `use` is global (every shell and directory without a
//! version file), `pin` is local (this directory and the ones below it). `use --local` is `pin`,
//! for mise users whose `use` is per project.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use groot::host::Host;
use groot::report::{PinReport, ToolchainRef, UseReport, PIN_SCHEMA_VERSION, USE_SCHEMA_VERSION};
use groot::select::{self, Options, Request, Source};
use groot::toolchain::BinaryReader;

use super::style::{paint, BOLD, DIM};
use super::switching::{check_shims_on_path, note, select_error, warn_notes};

#[derive(Debug, clap::Args)]
pub struct UseArgs {
    /// The version to make the default: `1.22.10`, `go1.22.10`, `1.22` (newest installed
    /// 1.22.x, resolved now), `latest` (newest installed release), a toolchain name, or
    /// `system` (no default: the next go on PATH). Without it, print the current default.
    version: Option<String>,
    /// Pin the version for this directory instead (the same as `groot pin`).
    #[arg(long, requires = "version")]
    local: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run_use(host: &Host, args: UseArgs) -> anyhow::Result<ExitCode> {
    if args.local {
        return run_pin(
            host,
            PinArgs {
                version: args.version,
                unset: false,
                dir: None,
                json: args.json,
            },
        );
    }
    let default_file =
        select::default_file(host).context("cannot tell where groot keeps its data")?;
    let Some(v) = args.version else {
        let request = host.fs().read(&default_file).ok().and_then(|data| {
            let text = String::from_utf8_lossy(&data).trim().to_owned();
            (!text.is_empty()).then_some(text)
        });
        let toolchain = request
            .as_deref()
            .and_then(|r| select::resolve_request(host, r, Source::Argument).ok())
            .and_then(|s| s.toolchain);
        if args.json {
            super::print_json(&UseReport {
                schema_version: USE_SCHEMA_VERSION,
                scope: "global",
                changed: false,
                file: default_file,
                request,
                toolchain: toolchain.as_ref().map(ToolchainRef::of),
                overridden_here_by: overridden_here(host),
            })?;
        } else {
            let mut out = super::style::stdout().lock();
            writeln!(out, "{}", request.as_deref().unwrap_or("system"))?;
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
    let overridden = overridden_here(host);
    if args.json {
        super::print_json(&UseReport {
            schema_version: USE_SCHEMA_VERSION,
            scope: "global",
            changed: true,
            file: default_file,
            request: Some(
                toolchain
                    .as_ref()
                    .map_or("system".to_owned(), |t| t.name.clone()),
            ),
            toolchain: toolchain.as_ref().map(ToolchainRef::of),
            overridden_here_by: overridden,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    if !super::output().quiet {
        let mut out = super::style::stdout().lock();
        match &toolchain {
            Some(t) => writeln!(
                out,
                "global default Go: {} ({})",
                paint(BOLD, t.label()),
                t.root.display()
            )?,
            None => writeln!(out, "global default Go: system (the next go on PATH)")?,
        }
        writeln!(
            out,
            "{}",
            paint(
                DIM,
                "scope: every shell and directory without a version file; for this directory only: groot pin (or groot use --local)"
            )
        )?;
    }
    // Say when something more specific wins here.
    if let Some(o) = overridden {
        note(format!("here, {o} takes precedence"));
    }
    check_shims_on_path(host);
    Ok(ExitCode::SUCCESS)
}

/// The selection here when it does not come from the global default.
fn overridden_here(host: &Host) -> Option<String> {
    let here = select::select(host, &Options::default()).ok()?;
    (!matches!(here.source, Source::Default { .. } | Source::Unset)).then(|| here.summary())
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
    /// The version to pin (`1.22.10`, `1.22`, `go1.22.10`, `latest` = the newest installed
    /// release, an installed toolchain name, `system`); default: the Go selected here now.
    version: Option<String>,
    /// Remove the `.go-version` in this directory instead.
    #[arg(long, conflicts_with = "version")]
    unset: bool,
    /// The directory to pin (default: the current directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What `groot pin VERSION` writes: a Go version, `system`, or the name of an installed
/// toolchain. Anything else is refused, so a typo never lands in a `.go-version`.
fn pin_text(host: &Host, v: &str) -> anyhow::Result<String> {
    let not_a_version = || {
        super::coded(
            "invalid-version",
            format!(
                "{:?} is not a Go version: write one such as 1.24.11, go1.24.11 or 1.24, latest, system, or the name of an installed toolchain",
                super::clip(v)
            ),
        )
    };
    let req = Request::parse(v).ok_or_else(not_a_version)?;
    Ok(match req {
        Request::Exact(v) => v.to_string(),
        Request::Series { major, minor } => format!("{major}.{minor}"),
        Request::System => "system".to_owned(),
        Request::Name(n) => {
            if !select::installed(host).iter().any(|t| t.name == n) {
                return Err(not_a_version());
            }
            n
        }
        // A pin should not move by itself: write the version `latest` means today.
        Request::Latest => match select::resolve_request(host, "latest", Source::Argument) {
            Ok(sel) => match sel.toolchain.and_then(|t| t.version) {
                Some(v) => v.to_string(),
                None => anyhow::bail!("no installed release to pin as latest"),
            },
            Err(e) => return Err(select_error(e)),
        },
    })
}

pub fn run_pin(host: &Host, args: PinArgs) -> anyhow::Result<ExitCode> {
    let dir = args
        .dir
        .as_ref()
        .map(|d| host.absolute(d))
        .unwrap_or_else(|| host.cwd().to_path_buf());
    if !host.fs().is_dir(&dir) {
        return Err(super::coded(
            "not-a-directory",
            format!("{} is not a directory", dir.display()),
        ));
    }
    let file = dir.join(select::GO_VERSION_FILE);
    let real = host.fs().to_real(&file);
    let quiet = super::output().quiet;
    let report = |action, request: Option<String>, toolchain, notes| PinReport {
        schema_version: PIN_SCHEMA_VERSION,
        scope: "local",
        action,
        file: file.clone(),
        request,
        toolchain,
        notes,
    };
    if args.unset {
        let action = match std::fs::remove_file(&real) {
            Ok(()) => "unset",
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "absent",
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", file.display())),
        };
        if args.json {
            super::print_json(&report(action, None, None, Vec::new()))?;
        } else if !quiet {
            let mut out = super::style::stdout().lock();
            if action == "unset" {
                writeln!(out, "removed {}", file.display())?;
            } else {
                writeln!(out, "{} does not exist", file.display())?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let text = match &args.version {
        Some(v) => pin_text(host, v)?,
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
    let resolved = select::resolve_request(host, &text, Source::Argument);
    if let Err(e) = &resolved {
        note(format!("{e}; {}", e.hint().unwrap_or_default()));
    }
    std::fs::write(&real, format!("{text}\n"))
        .with_context(|| format!("cannot write {}", file.display()))?;
    let options = Options {
        dir: Some(dir),
        request: None,
    };
    let mut notes = Vec::new();
    if let Ok(mut sel) = select::select(host, &options) {
        groot::launch::groot::annotate(host, &BinaryReader, &options, &mut sel);
        notes = sel.notes;
    }
    if args.json {
        let toolchain = resolved.ok().and_then(|s| s.toolchain);
        super::print_json(&report(
            "pinned",
            Some(text),
            toolchain.as_ref().map(ToolchainRef::of),
            notes.clone(),
        ))?;
    } else if !quiet {
        let mut out = super::style::stdout().lock();
        writeln!(out, "pinned {text} in {}", file.display())?;
        writeln!(
            out,
            "{}",
            paint(
                DIM,
                "scope: this directory and the ones below it; for every shell: groot use"
            )
        )?;
    }
    warn_notes(&notes);
    Ok(ExitCode::SUCCESS)
}
