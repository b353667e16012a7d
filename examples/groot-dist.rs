//! A thin command-line front end over `groot::dist`: `install`, `uninstall`, `list`, `verify`,
//! `link`. It is the reference wiring for the real CLI (arguments → `Settings` → library call →
//! rendering) and what the SIGKILL test and the install benchmark run.
//!
//! Environment: `GROOT_HOME`, `GROOT_INDEX_URL`, `GROOT_MIRROR`, `GROOT_OFFLINE` (see
//! `groot::dist::env`); flags override them.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::cell::Cell;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use groot::dist::{
    self, download::Client, index, install, store::ToolchainKind, Event, Index, Reporter, Request,
    Settings,
};
use groot::version::Version;

#[derive(Parser, Debug)]
#[command(
    name = "groot-dist",
    about = "Install and manage official Go toolchains"
)]
struct Cli {
    /// Release index URL (https:// or file://).
    #[arg(long, global = true)]
    index_url: Option<String>,
    /// Base URL archives are fetched from (https:// or file://); hashes still come from the
    /// index.
    #[arg(long, global = true)]
    mirror: Option<String>,
    /// Never use the network.
    #[arg(long, global = true)]
    offline: bool,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Install a toolchain: VERSION (1.22.10), a line (1.22) or `latest`.
    Install {
        version: Option<String>,
        /// Use the `toolchain` or `go` line of the nearest go.work / go.mod.
        #[arg(long, conflicts_with = "version")]
        from_project: bool,
        /// Install for this arch instead of the machine's native one.
        #[arg(long)]
        arch: Option<String>,
        /// Install this local archive (.tar.gz or .zip).
        #[arg(long, conflicts_with_all = ["version", "from_project"])]
        from_archive: Option<PathBuf>,
        /// The expected sha256 of --from-archive.
        #[arg(long, requires = "from_archive")]
        sha256: Option<String>,
        /// Build from the release's source with src/make.bash.
        #[arg(long)]
        from_source: bool,
        /// Installed toolchain to bootstrap a source build with (default: the newest that
        /// can).
        #[arg(long, requires = "from_source")]
        bootstrap: Option<String>,
        /// Name of a source-built toolchain.
        #[arg(long, requires = "from_source")]
        name: Option<String>,
        /// Install even without a known sha256. Dangerous.
        #[arg(long)]
        insecure_skip_verify: bool,
        /// Replace an existing installation.
        #[arg(long)]
        reinstall: bool,
    },
    /// Remove a toolchain (a linked one only loses its link).
    Uninstall { name: String },
    /// List installed toolchains, or what can be installed.
    List {
        #[arg(long)]
        available: bool,
        /// With --available: prereleases too.
        #[arg(long)]
        all: bool,
    },
    /// Check installed files against their manifest.
    Verify { name: Option<String> },
    /// Adopt an existing Go installation without copying it.
    Link { name: String, path: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            let mut source = e.source();
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            if let Some(hint) = e
                .downcast_ref::<install::InstallError>()
                .and_then(install::InstallError::hint)
            {
                eprintln!("hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut settings = Settings::from_env(
        |k| std::env::var_os(k),
        std::env::consts::OS,
        dist::detect_native(),
    )?;
    if let Some(url) = cli.index_url {
        settings.index_url = url;
    }
    if let Some(url) = cli.mirror {
        settings.mirror = Some(url);
    }
    settings.offline |= cli.offline;
    let reporter = Progress::new();
    let store = settings.store();
    match cli.command {
        Cmd::Install {
            version,
            from_project,
            arch,
            from_archive,
            sha256,
            from_source,
            bootstrap,
            name,
            insecure_skip_verify,
            reinstall,
        } => {
            if let Some(arch) = arch {
                settings.target.arch = arch;
            }
            let options = install::InstallOptions {
                insecure_skip_verify,
                reinstall,
            };
            let done = if let Some(archive) = from_archive {
                // The index is only needed for the archive's official hash.
                let name = archive
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                let index = (sha256.is_none() && dist::extract::Format::from_name(name).is_some())
                    .then(|| load_index(&settings, &reporter).ok())
                    .flatten();
                install::install_archive(
                    &settings,
                    &archive,
                    index.as_ref(),
                    sha256.as_deref(),
                    &options,
                    &reporter,
                )?
            } else {
                let request = if from_project {
                    project_request(&std::env::current_dir()?)?
                } else {
                    Request::parse(version.as_deref().unwrap_or("latest"))?
                };
                let index = load_index(&settings, &reporter)?;
                if from_source {
                    let target = index.find_source(&request)?.version;
                    let boot = match bootstrap {
                        Some(name) => store
                            .get(&name)?
                            .ok_or_else(|| anyhow::anyhow!("{name} is not installed"))?,
                        None => store.pick_bootstrap(&target)?.ok_or_else(|| {
                            anyhow::anyhow!(
                                "no installed toolchain can bootstrap go{target}: install go{} or newer first",
                                install::bootstrap_minimum(&target)
                            )
                        })?,
                    };
                    let build = install::SourceBuild {
                        bootstrap: boot.root,
                        env: std::env::vars_os().collect(),
                        name,
                    };
                    install::install_from_source(
                        &settings, &index, &request, &build, &options, &reporter,
                    )?
                } else {
                    install::install(&settings, &index, &request, &options, &reporter)?
                }
            };
            reporter.clear();
            if done.already_installed {
                println!(
                    "{} is already installed at {}",
                    done.toolchain.name,
                    done.toolchain.root.display()
                );
            } else {
                println!(
                    "installed {} at {}",
                    done.toolchain.name,
                    done.toolchain.root.display()
                );
            }
        }
        Cmd::Uninstall { name } => match store.uninstall(&name, &reporter)? {
            dist::store::Removed::Managed(p) => println!("removed {name} ({})", p.display()),
            dist::store::Removed::Link(_) => {
                println!("unlinked {name} (the linked tree is left as it is)")
            }
            dist::store::Removed::Incomplete(p) => {
                println!("removed an incomplete {name} ({})", p.display())
            }
        },
        Cmd::List { available, all } => {
            if available {
                let index = load_index(&settings, &reporter)?;
                let installed: Vec<String> = store.list()?.into_iter().map(|t| t.name).collect();
                for s in index.available(&settings.target) {
                    if !s.stable && !all {
                        continue;
                    }
                    let name = s.version.toolchain_name();
                    let mark = if installed.contains(&name) {
                        "  (installed)"
                    } else {
                        ""
                    };
                    println!("{name}{mark}");
                }
            } else {
                for t in store.list()? {
                    match &t.kind {
                        ToolchainKind::Managed(m) => println!(
                            "{}\t{}\t{}/{}{}",
                            t.name,
                            t.root.display(),
                            m.os,
                            m.arch,
                            if m.verified { "" } else { "\tUNVERIFIED" }
                        ),
                        ToolchainKind::Linked { present } => println!(
                            "{}\t{}\tlinked{}",
                            t.name,
                            t.root.display(),
                            if *present { "" } else { "\tMISSING" }
                        ),
                    }
                }
            }
        }
        Cmd::Verify { name } => {
            let names = match name {
                Some(n) => vec![n],
                None => store.list()?.into_iter().map(|t| t.name).collect(),
            };
            let mut bad = false;
            for name in names {
                let report = store.verify(&name)?;
                if report.linked && report.is_intact() {
                    println!("{name}: linked, bin/go present (no manifest to check)");
                } else if report.is_intact() {
                    println!("{name}: ok ({} files)", report.checked);
                } else {
                    bad = true;
                    println!("{name}: {} problems", report.problems.len());
                }
                for p in &report.problems {
                    println!("  {p}");
                }
            }
            if bad {
                return Ok(ExitCode::from(2));
            }
        }
        Cmd::Link { name, path } => {
            let t = store.link(&name, &path)?;
            println!("linked {} → {}", t.name, t.root.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn load_index(settings: &Settings, reporter: &Progress) -> anyhow::Result<Index> {
    let client = Client::new(settings);
    Ok(index::load(settings, &client, reporter)?.index)
}

/// The request a project implies: go.work or go.mod's `toolchain` line, else its `go` line
/// (the first release of a language version, as cmd/go does). A stand-in for the project
/// layer, which owns this parsing.
fn project_request(start: &Path) -> anyhow::Result<Request> {
    for dir in start.ancestors() {
        for file in ["go.work", "go.mod"] {
            let Ok(text) = std::fs::read_to_string(dir.join(file)) else {
                continue;
            };
            let line = |key: &str| {
                text.lines()
                    .map(str::trim)
                    .find_map(|l| l.strip_prefix(key))
                    .map(|v| v.trim().to_owned())
            };
            if let Some(v) = line("toolchain ").and_then(|t| Version::from_toolchain(&t)) {
                return Ok(Request::Exact(v));
            }
            if let Some(v) = line("go ").and_then(|g| Version::parse(&g)) {
                return Ok(Request::Exact(v.first_release()));
            }
        }
    }
    anyhow::bail!(
        "no go.work or go.mod with a go line above {}",
        start.display()
    )
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

    fn clear(&self) {
        if self.drawn.replace(false) {
            eprint!("\r\x1b[2K");
        }
    }
}

impl Reporter for Progress {
    fn event(&self, event: Event<'_>) {
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        match event {
            Event::VerificationSkipped { file } => {
                self.clear();
                eprintln!(
                    "WARNING: installing {file} WITHOUT checking its sha256 (--insecure-skip-verify)"
                );
            }
            Event::IndexFallback { origin } => {
                self.clear();
                eprintln!("warning: using the release index from {origin}");
            }
            Event::WaitingForLock { name } => {
                self.clear();
                eprintln!("waiting for another groot to finish installing {name}");
            }
            Event::DownloadRetry {
                attempt,
                error,
                wait,
            } => {
                self.clear();
                eprintln!("retry {attempt} in {:.1}s: {error}", wait.as_secs_f32());
            }
            _ if !self.tty => {}
            Event::DownloadStarted { total, .. } => self.total.set(total),
            Event::DownloadProgress { bytes } => {
                self.drawn.set(true);
                match self.total.get() {
                    Some(t) if t > 0 => eprint!(
                        "\r\x1b[2Kdownloading {:.1}/{:.1} MiB ({}%)",
                        mib(bytes),
                        mib(t),
                        bytes * 100 / t
                    ),
                    _ => eprint!("\r\x1b[2Kdownloading {:.1} MiB", mib(bytes)),
                }
                let _ = std::io::stderr().flush();
            }
            Event::Extracting { .. } => {
                self.drawn.set(true);
                eprint!("\r\x1b[2Kverified; extracting");
            }
            Event::Building { log, .. } => {
                self.clear();
                eprintln!("building from source (log: {})", log.display());
            }
            _ => {}
        }
    }
}
