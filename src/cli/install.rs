//! `groot install`, `uninstall`, `verify`, `link` and `list --available`: the toolchain store.

use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use groot::dist::{
    self, download::Client, index, install, store::Removed, Event, Index, Reporter, Request,
    Settings,
};
use groot::host::Host;
use groot::project::{self, ModKind, WorkSetting};
use groot::version::Version;

/// Where the release index and archives come from (shared by the store commands).
#[derive(Debug, clap::Args)]
pub struct Source {
    /// Release index URL (https:// or file://; also GROOT_INDEX_URL).
    #[arg(long, value_name = "URL")]
    index_url: Option<String>,
    /// Base URL archives are fetched from, e.g. a mirror (also GROOT_MIRROR); hashes still
    /// come from the index.
    #[arg(long, value_name = "URL")]
    mirror: Option<String>,
    /// Never use the network: the cached or built-in index only.
    #[arg(long)]
    offline: bool,
}

#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// A release (`1.22.10`), a line (`1.22`: its newest patch) or `latest` (default).
    version: Option<String>,
    /// Install what the nearest go.work / go.mod asks for: its `toolchain` line, else the first
    /// release of its `go` line.
    #[arg(long, conflicts_with = "version")]
    from_project: bool,
    /// Install for this GOARCH instead of the machine's native one.
    #[arg(long)]
    arch: Option<String>,
    /// Install this local archive (.tar.gz or .zip) instead of downloading.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["version", "from_project"])]
    from_archive: Option<PathBuf>,
    /// The expected sha256 of --from-archive (default: looked up in the index by file name).
    #[arg(long, requires = "from_archive")]
    sha256: Option<String>,
    /// Build the release from source with src/make.bash, bootstrapped by an installed Go.
    #[arg(long)]
    from_source: bool,
    /// The installed toolchain to bootstrap a source build with (default: the newest that can).
    #[arg(long, requires = "from_source")]
    bootstrap: Option<String>,
    /// The name of a source-built toolchain (for builds with GOEXPERIMENT and the like).
    #[arg(long, requires = "from_source")]
    name: Option<String>,
    /// Install even when the index has no sha256 for the archive. Dangerous.
    #[arg(long)]
    insecure_skip_verify: bool,
    /// Replace an existing installation.
    #[arg(long)]
    reinstall: bool,
    #[command(flatten)]
    source: Source,
}

#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// The toolchain to remove (`go1.22.10`); a linked one only loses its link.
    name: String,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The toolchain to check (default: every one groot installed).
    name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct LinkArgs {
    /// The name to give it (`go1.22-corp`).
    name: String,
    /// An existing Go tree (its root, with bin/go).
    path: PathBuf,
}

fn settings(host: &Host, source: Option<&Source>) -> anyhow::Result<Settings> {
    let mut s = Settings::from_host(host)?;
    if let Some(src) = source {
        if let Some(url) = &src.index_url {
            s.index_url = url.clone();
        }
        if let Some(url) = &src.mirror {
            s.mirror = Some(url.clone());
        }
        s.offline |= src.offline;
    }
    Ok(s)
}

fn load_index(settings: &Settings, reporter: &Progress) -> anyhow::Result<Index> {
    let client = Client::new(settings);
    Ok(index::load(settings, &client, reporter)?.index)
}

pub fn install(host: &Host, args: InstallArgs) -> anyhow::Result<ExitCode> {
    let mut settings = settings(host, Some(&args.source))?;
    if let Some(arch) = &args.arch {
        settings.target.arch = arch.clone();
    }
    let reporter = Progress::new();
    let options = install::InstallOptions {
        insecure_skip_verify: args.insecure_skip_verify,
        reinstall: args.reinstall,
    };
    let done = if let Some(archive) = &args.from_archive {
        let archive = host.absolute(archive);
        let name = archive
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        // The index is only needed for the archive's official hash.
        let index = (args.sha256.is_none() && dist::extract::Format::from_name(name).is_some())
            .then(|| load_index(&settings, &reporter).ok())
            .flatten();
        install::install_archive(
            &settings,
            &archive,
            index.as_ref(),
            args.sha256.as_deref(),
            &options,
            &reporter,
        )
    } else {
        let request = if args.from_project {
            project_request(host, host.cwd())?
        } else {
            Request::parse(args.version.as_deref().unwrap_or("latest"))?
        };
        let index = load_index(&settings, &reporter)?;
        if args.from_source {
            let store = settings.store();
            let target = index.find_source(&request)?.version;
            let boot = match &args.bootstrap {
                Some(name) => store
                    .get(name)?
                    .with_context(|| format!("{name} is not installed"))?,
                None => store.pick_bootstrap(&target)?.with_context(|| {
                    format!(
                        "no installed toolchain can bootstrap go{target}: install go{} or newer first",
                        install::bootstrap_minimum(&target)
                    )
                })?,
            };
            let build = install::SourceBuild {
                bootstrap: boot.root,
                env: host
                    .vars()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                name: args.name.clone(),
            };
            install::install_from_source(&settings, &index, &request, &build, &options, &reporter)
        } else {
            install::install(&settings, &index, &request, &options, &reporter)
        }
    };
    reporter.clear();
    super::use_pin::sync_version_links(host);
    let done = match done {
        Ok(d) => d,
        Err(e) => {
            let hint = e.hint();
            return Err(match hint {
                Some(h) => anyhow::Error::new(super::Hinted {
                    error: e.into(),
                    hint: h,
                }),
                None => e.into(),
            });
        }
    };
    let mut out = anstream::stdout().lock();
    if done.already_installed {
        writeln!(
            out,
            "{} is already installed at {}",
            done.toolchain.name,
            done.toolchain.root.display()
        )?;
    } else {
        writeln!(
            out,
            "installed {} at {}",
            done.toolchain.name,
            done.toolchain.root.display()
        )?;
        writeln!(
            out,
            "use it with `groot use {}` or `groot pin {}`",
            done.toolchain.name, done.toolchain.name
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The request a project implies: the `toolchain` line of go.work / go.mod, else the first
/// release of its `go` line (as cmd/go would pick it).
fn project_request(host: &Host, dir: &Path) -> anyhow::Result<Request> {
    let gowork = host.var(groot::env_vars::GOWORK).unwrap_or("");
    let file = project::find_go_work(host, dir, &WorkSetting::from_value(gowork), None)
        .map(|p| (ModKind::GoWork, p))
        .or_else(|| project::find_go_mod(host, dir).map(|p| (ModKind::GoMod, p)))
        .with_context(|| format!("no go.work or go.mod above {}", dir.display()))?;
    let mf = project::read_mod_file(host, file.0, &file.1)
        .with_context(|| format!("cannot read {}", file.1.display()))?;
    if let Some(v) = mf
        .toolchain
        .as_ref()
        .and_then(|l| Version::from_toolchain(&l.value))
    {
        return Ok(Request::Exact(v));
    }
    match mf.go.as_ref().and_then(|l| Version::parse(&l.value)) {
        Some(v) => Ok(Request::Exact(v.first_release())),
        None => anyhow::bail!("{} has no usable go or toolchain line", mf.path.display()),
    }
}

pub fn uninstall(host: &Host, args: UninstallArgs) -> anyhow::Result<ExitCode> {
    let settings = settings(host, None)?;
    let reporter = Progress::new();
    let mut out = anstream::stdout().lock();
    match settings.store().uninstall(&args.name, &reporter)? {
        Removed::Managed(p) => writeln!(out, "removed {} ({})", args.name, p.display())?,
        Removed::Link(_) => writeln!(
            out,
            "unlinked {} (the linked tree is left as it is)",
            args.name
        )?,
        Removed::Incomplete(p) => {
            writeln!(out, "removed an incomplete {} ({})", args.name, p.display())?
        }
    }
    drop(out);
    super::use_pin::sync_version_links(host);
    Ok(ExitCode::SUCCESS)
}

pub fn verify(host: &Host, args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let store = settings(host, None)?.store();
    let names = match args.name {
        Some(n) => vec![n],
        None => store.list()?.into_iter().map(|t| t.name).collect(),
    };
    let mut out = anstream::stdout().lock();
    if names.is_empty() {
        writeln!(out, "no toolchain installed by groot")?;
    }
    let mut bad = false;
    for name in names {
        let report = store.verify(&name)?;
        if report.linked && report.is_intact() {
            writeln!(out, "{name}: linked, bin/go present (no manifest to check)")?;
        } else if report.is_intact() {
            writeln!(out, "{name}: ok ({} files)", report.checked)?;
        } else {
            bad = true;
            writeln!(out, "{name}: {} problem(s)", report.problems.len())?;
        }
        for p in &report.problems {
            writeln!(out, "  {p}")?;
        }
    }
    Ok(if bad {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn link(host: &Host, args: LinkArgs) -> anyhow::Result<ExitCode> {
    let store = settings(host, None)?.store();
    let t = store.link(&args.name, &host.absolute(&args.path))?;
    super::use_pin::sync_version_links(host);
    writeln!(
        anstream::stdout().lock(),
        "linked {} → {}",
        t.name,
        t.root.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `groot list --available`: releases in the index for this machine's platform.
pub fn available(host: &Host, all: bool, offline: bool, json: bool) -> anyhow::Result<ExitCode> {
    let mut settings = settings(host, None)?;
    settings.offline |= offline;
    let reporter = Progress::new();
    let index = load_index(&settings, &reporter)?;
    let installed: Vec<String> = settings
        .store()
        .list()?
        .into_iter()
        .map(|t| t.name)
        .collect();
    let rows: Vec<(String, bool, bool)> = index
        .available(&settings.target)
        .into_iter()
        .filter(|r| r.stable || all)
        .map(|r| {
            let name = r.version.toolchain_name();
            let inst = installed.contains(&name);
            (name, r.stable, inst)
        })
        .collect();
    if json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|(n, stable, inst)| serde_json::json!({"version": n, "stable": stable, "installed": inst}))
            .collect();
        super::print_json(
            &serde_json::json!({"schema_version": 1, "platform": format!("{}/{}", settings.target.os, settings.target.arch), "available": v}),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = anstream::stdout().lock();
    for (name, _, inst) in rows {
        writeln!(out, "{name}{}", if inst { "  (installed)" } else { "" })?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Progress on stderr, drawn only on a terminal; the loud warnings always.
struct Progress {
    tty: bool,
    total: Cell<Option<u64>>,
    drawn: Cell<bool>,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            tty: std::io::stderr().is_terminal(),
            total: Cell::new(None),
            drawn: Cell::new(false),
        }
    }

    fn say(&self, text: &str) {
        self.clear();
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    fn draw(&self, text: &str) {
        self.drawn.set(true);
        let mut e = std::io::stderr().lock();
        let _ = write!(e, "\r\x1b[2K{text}");
        let _ = e.flush();
    }

    fn clear(&self) {
        if self.drawn.replace(false) {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

impl Reporter for Progress {
    fn event(&self, event: Event<'_>) {
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        match event {
            Event::VerificationSkipped { file } => self.say(&format!(
                "WARNING: installing {file} WITHOUT checking its sha256 (--insecure-skip-verify)"
            )),
            Event::IndexFallback { origin } => {
                self.say(&format!("warning: using the release index from {origin}"))
            }
            Event::WaitingForLock { name } => self.say(&format!(
                "waiting for another groot to finish installing {name}"
            )),
            Event::DownloadRetry {
                attempt,
                error,
                wait,
            } => self.say(&format!(
                "retry {attempt} in {:.1}s: {error}",
                wait.as_secs_f32()
            )),
            _ if !self.tty => {}
            Event::DownloadStarted { total, .. } => self.total.set(total),
            Event::DownloadProgress { bytes } => match self.total.get() {
                Some(t) if t > 0 => self.draw(&format!(
                    "downloading {:.1}/{:.1} MiB ({}%)",
                    mib(bytes),
                    mib(t),
                    bytes * 100 / t
                )),
                _ => self.draw(&format!("downloading {:.1} MiB", mib(bytes))),
            },
            Event::Extracting { .. } => self.draw("verified; extracting"),
            Event::Building { log, .. } => {
                self.say(&format!("building from source (log: {})", log.display()))
            }
            _ => {}
        }
    }
}
