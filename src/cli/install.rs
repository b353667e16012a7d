//! `groot install`, `uninstall`, `verify`, `link` and `list --available`: the toolchain store.
//!
//! `groot install` without a version installs what is selected here, in the shims' order
//! (`GROOT_GO_VERSION`, `.go-version`, go.work / go.mod, `.tool-versions`, the global default),
//! as uv, mise, goenv and rustup do. The progress bar (indicatif) lives here only: the dist
//! layer reports [`Event`]s and never draws.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use groot::dist::{
    self, download::Client, index, install, store::Removed, Event, Index, Reporter, Request,
    Settings,
};
use groot::host::Host;
use groot::project::{self, ModKind, WorkSetting};
use groot::report::{
    InstallReport, LinkReport, ToolchainRef, UninstallReport, VerifiedToolchain, VerifyOutput,
    INSTALL_SCHEMA_VERSION, LINK_SCHEMA_VERSION, UNINSTALL_SCHEMA_VERSION, VERIFY_SCHEMA_VERSION,
};
use groot::select::{self, Options, SelectError, Source as SelectSource};
use groot::version::Version;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
    /// A release (`1.22.10`), a line (`1.22`: its newest patch) or `latest`. Default: the
    /// version selected here (GROOT_GO_VERSION, .go-version, go.work / go.mod, .tool-versions,
    /// the global default; see `groot which -v`).
    version: Option<String>,
    /// Install what this project asks for: the nearest `.go-version`, else go.work / go.mod
    /// (its `toolchain` line, else the first release of its `go` line), else `.tool-versions`.
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
    /// Print the result as JSON (no progress bar).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// The toolchain to remove: its name (`go1.22.10`), its version (`1.22.10`) or a unique
    /// prefix (`1.22`); a linked one only loses its link.
    name: String,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The toolchain to check (default: every one groot installed).
    name: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct LinkArgs {
    /// The name to give it (`go1.22-corp`).
    name: String,
    /// An existing Go tree (its root, with bin/go).
    path: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
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
    let mut selected_by: Option<String> = None;
    let mut settings = settings(host, Some(&args.source))?;
    if let Some(arch) = &args.arch {
        settings.target.arch = arch.clone();
    }
    let reporter = Progress::new(!args.json && !super::output().quiet);
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
            let (request, why) = project_request(host, host.cwd())?;
            selected_by = Some(why);
            request
        } else if let Some(v) = &args.version {
            Request::parse(v).map_err(|e| {
                super::coded(
                    "invalid-version",
                    format!("{e}: write a release (1.24.11), a line (1.24) or latest"),
                )
            })?
        } else {
            match selected_request(host)? {
                Wanted::Install(request, why) => {
                    selected_by = Some(why);
                    request
                }
                Wanted::Installed(t, why) => {
                    return report_installed(&ToolchainRef::of(&t), true, Some(why), args.json)
                }
            }
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
    let t = &done.toolchain;
    if !super::output().quiet {
        if let Some(line) = vuln_warning(host, &t.name, args.source.offline) {
            let mut err = anstream::stderr().lock();
            writeln!(
                err,
                "{} {line}",
                super::style::paint(super::style::WARN, "warning:")
            )?;
        }
    }
    let tref = ToolchainRef {
        name: t.name.clone(),
        version: t.version.as_ref().map(Version::toolchain_name),
        root: t.root.clone(),
        linked: false,
    };
    report_installed(&tref, done.already_installed, selected_by, args.json)
}

/// One line when the Go vulnerability database (cached, or fetched with the usual deadlines)
/// knows entries affecting the toolchain `name` that a newer release fixes; nothing when it
/// knows none or cannot be read.
fn vuln_warning(host: &Host, name: &str, offline: bool) -> Option<String> {
    let v = Version::from_toolchain(name)?;
    let (_, loaded) = groot::vulndb::load_for_host(host, false, offline);
    let db = loaded.ok()?.db;
    let n = db.affecting(&v).len();
    let groot::vulndb::FixAll::Release(fix) = db.fix_all(&v) else {
        return None;
    };
    Some(format!(
        "go{v} has {n} known {}; go{fix} fixes {} (groot list --vulns)",
        if n == 1 {
            "vulnerability"
        } else {
            "vulnerabilities"
        },
        if n == 1 { "it" } else { "all of them" }
    ))
}

/// Prints the outcome of an install (text or JSON).
fn report_installed(
    t: &ToolchainRef,
    already: bool,
    selected_by: Option<String>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if json {
        super::print_json(&InstallReport {
            schema_version: INSTALL_SCHEMA_VERSION,
            toolchain: t.clone(),
            already_installed: already,
            selected_by,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    if super::output().quiet {
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = super::style::stdout().lock();
    let why = selected_by
        .map(|s| format!(" (selected by {s})"))
        .unwrap_or_default();
    if already {
        writeln!(
            out,
            "{}{why} is already installed at {}",
            t.name,
            t.root.display()
        )?;
    } else {
        writeln!(out, "installed {}{why} at {}", t.name, t.root.display())?;
        if why.is_empty() {
            writeln!(
                out,
                "use it with `groot use {}` (global) or `groot pin {}` (this directory)",
                t.name, t.name
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `groot install` without a version does here.
enum Wanted {
    /// The selection names a toolchain that is already installed.
    Installed(select::Installed, String),
    /// Install this, selected by that.
    Install(Request, String),
}

/// The version selected here, in the shims' own order ([`select::select`]): already installed,
/// or what to install (a version a source names, or the minimum a go.mod needs when nothing
/// installed meets it).
fn selected_request(host: &Host) -> anyhow::Result<Wanted> {
    let nothing = || {
        super::coded(
            "nothing-selected",
            "no Go version is selected here (no GROOT_GO_VERSION, .go-version, go.work, go.mod, \
             .tool-versions or global default)",
        )
    };
    match select::select(host, &Options::default()) {
        Ok(sel) => {
            if sel.notes.iter().any(|n| n.code == "mod-minimum-unmet") {
                // go.mod needs a newer Go than anything installed: its minimum.
                let (request, why) = project_request(host, host.cwd())?;
                return Ok(Wanted::Install(request, why));
            }
            match (sel.toolchain, &sel.source) {
                (Some(t), source) => Ok(Wanted::Installed(t, source.to_string())),
                (None, SelectSource::Unset) => Err(anyhow::Error::new(super::Hinted {
                    error: nothing(),
                    hint: "name one (`groot install 1.24.11`, `groot install latest`), or pin one \
                           first (`groot pin 1.24.11`)"
                        .to_owned(),
                })),
                (None, source) => Err(super::coded(
                    "nothing-selected",
                    format!(
                        "{source} selects `system` (the next go on PATH): there is nothing to install; name a version"
                    ),
                )),
            }
        }
        Err(SelectError::NotInstalled {
            request,
            selected_by,
            ..
        }) => {
            let why = selected_by.to_string();
            match Request::parse(&request) {
                Ok(r) => Ok(Wanted::Install(r, why)),
                Err(_) => Err(super::coded(
                    "invalid-version",
                    format!(
                        "{why} selects `{request}`, which is not a release groot can download; \
                         link a tree under that name with `groot link {request} <GOROOT>`"
                    ),
                )),
            }
        }
        Err(e) => Err(super::switching::select_error(e)),
    }
}

/// The request a project implies: the nearest `.go-version`; else the `toolchain` line of
/// go.work / go.mod, else the first release of its `go` line (as cmd/go would pick it); else
/// the first version in `.tool-versions`. With what selected it.
fn project_request(host: &Host, dir: &Path) -> anyhow::Result<(Request, String)> {
    let parse = |text: &str, why: String| -> anyhow::Result<(Request, String)> {
        let r = Request::parse(text)
            .map_err(|e| super::coded("invalid-version", format!("{why}: {e}")))?;
        Ok((r, why))
    };
    if let Some((path, line, text)) =
        select::find_go_version(host, dir).map_err(super::switching::select_error)?
    {
        return parse(&text, format!("{}:{line}", path.display()));
    }
    let gowork = host.var(groot::env_vars::GOWORK).unwrap_or("");
    let file = project::find_go_work(host, dir, &WorkSetting::from_value(gowork), None)
        .map(|p| (ModKind::GoWork, p))
        .or_else(|| project::find_go_mod(host, dir).map(|p| (ModKind::GoMod, p)));
    if let Some(file) = file {
        let mf = project::read_mod_file(host, file.0, &file.1)
            .with_context(|| format!("cannot read {}", file.1.display()))?;
        if let Some(l) = &mf.toolchain {
            if let Some(v) = Version::from_toolchain(&l.value) {
                let why = format!("the toolchain line of {}:{}", mf.path.display(), l.line);
                return Ok((Request::Exact(v), why));
            }
        }
        return match &mf.go {
            Some(l) => match Version::parse(&l.value) {
                Some(v) => Ok((
                    Request::Exact(v.first_release()),
                    format!("the go line of {}:{}", mf.path.display(), l.line),
                )),
                None => anyhow::bail!("{} has no usable go or toolchain line", mf.path.display()),
            },
            None => anyhow::bail!("{} has no usable go or toolchain line", mf.path.display()),
        };
    }
    if let Some(tv) =
        select::find_tool_versions(host, dir).map_err(super::switching::select_error)?
    {
        if let Some(v) = tv.versions.first() {
            return parse(v, format!("{}:{}", tv.path.display(), tv.line));
        }
    }
    Err(anyhow::Error::new(super::Hinted {
        error: super::coded(
            "nothing-selected",
            format!(
                "no .go-version, go.work, go.mod or .tool-versions at or above {}",
                dir.display()
            ),
        ),
        hint: "name a version: `groot install 1.24.11`".to_owned(),
    }))
}

/// Finds the store name `arg` means: the name itself, `go` + it, or the one name it is a
/// version prefix of (`1.24` finds `go1.24.11`). Several matches are an error that lists them.
fn find_to_remove(names: &[String], arg: &str) -> Result<String, Vec<String>> {
    if names.iter().any(|n| n == arg) {
        return Ok(arg.to_owned());
    }
    let bare = arg.strip_prefix("go").unwrap_or(arg);
    let full = format!("go{bare}");
    if names.contains(&full) {
        return Ok(full);
    }
    // `1.24` → `go1.24.x`, `go1.24rc1`, `go1.24.3-amd64`; never `go1.240.0`.
    let matches: Vec<String> = names
        .iter()
        .filter(|n| {
            n.strip_prefix(&full)
                .is_some_and(|rest| rest.starts_with(['.', '-', 'r', 'b']) || rest.is_empty())
        })
        .cloned()
        .collect();
    if matches.len() == 1 {
        return Ok(matches[0].clone());
    }
    Err(matches)
}

pub fn uninstall(host: &Host, args: UninstallArgs) -> anyhow::Result<ExitCode> {
    let settings = settings(host, None)?;
    let store = settings.store();
    let mut names: Vec<String> = store.list()?.into_iter().map(|t| t.name).collect();
    // Links and incomplete trees count as names too.
    for n in select::installed(host).into_iter().map(|t| t.name) {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let name = match find_to_remove(&names, &args.name) {
        Ok(n) => n,
        Err(matches) if matches.len() > 1 => {
            return Err(super::coded(
                "ambiguous",
                format!(
                    "`{}` matches {}: name one",
                    super::clip(&args.name),
                    matches.join(", ")
                ),
            ))
        }
        // Let the store decide (incomplete directories, or its own "not installed").
        Err(_) => args.name.clone(),
    };
    // Is it the global default? Then clear the default after removing it.
    let was_default = select::default_file(host)
        .and_then(|f| host.fs().read(&f).ok())
        .and_then(|d| {
            let text = String::from_utf8_lossy(&d).trim().to_owned();
            select::resolve_request(host, &text, SelectSource::Argument).ok()
        })
        .and_then(|s| s.toolchain)
        .is_some_and(|t| t.name == name);
    let reporter = Progress::new(false);
    let removed = store.uninstall(&name, &reporter)?;
    super::use_pin::sync_version_links(host);
    if was_default {
        select::apply_default(host, None).context("cannot clear the global default")?;
    }
    let (action, path) = match &removed {
        Removed::Managed(p) => ("removed", p.clone()),
        Removed::Link(p) => ("unlinked", p.clone()),
        Removed::Incomplete(p) => ("removed_incomplete", p.clone()),
    };
    if args.json {
        super::print_json(&UninstallReport {
            schema_version: UNINSTALL_SCHEMA_VERSION,
            name,
            action,
            path,
            cleared_default: was_default,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    if !super::output().quiet {
        let mut out = super::style::stdout().lock();
        match removed {
            Removed::Managed(p) => writeln!(out, "removed {name} ({})", p.display())?,
            Removed::Link(_) => {
                writeln!(out, "unlinked {name} (the linked tree is left as it is)")?
            }
            Removed::Incomplete(p) => {
                writeln!(out, "removed an incomplete {name} ({})", p.display())?
            }
        }
    }
    if was_default {
        super::switching::warning(format!(
            "{name} was the global default; there is none now (the next go on PATH runs): choose one with `groot use`"
        ));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn verify(host: &Host, args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let store = settings(host, None)?.store();
    let names = match args.name {
        Some(n) => vec![n],
        None => store.list()?.into_iter().map(|t| t.name).collect(),
    };
    let mut results = Vec::new();
    for name in names {
        let report = store.verify(&name)?;
        results.push(VerifiedToolchain {
            intact: report.is_intact(),
            problems: report.problems.iter().map(ToString::to_string).collect(),
            name: report.name,
            root: report.root,
            linked: report.linked,
            checked: report.checked,
            archive_verified: report.archive_verified,
        });
    }
    let bad = results.iter().any(|r| !r.intact);
    if args.json {
        super::print_json(&VerifyOutput {
            schema_version: VERIFY_SCHEMA_VERSION,
            ok: !bad,
            toolchains: results,
        })?;
    } else {
        let mut out = super::style::stdout().lock();
        if results.is_empty() {
            writeln!(out, "no toolchain installed by groot")?;
        }
        for r in &results {
            let name = &r.name;
            if r.linked && r.intact {
                writeln!(out, "{name}: linked, bin/go present (no manifest to check)")?;
            } else if r.intact {
                writeln!(out, "{name}: ok ({} files)", r.checked)?;
            } else {
                writeln!(out, "{name}: {} problem(s)", r.problems.len())?;
            }
            if r.archive_verified == Some(false) {
                writeln!(
                    out,
                    "  {}: installed with --insecure-skip-verify; its archive's sha256 was never \
                     checked, so this only shows the files are as they were unpacked",
                    super::style::paint(super::style::WARN, "UNVERIFIED")
                )?;
            }
            for p in &r.problems {
                writeln!(out, "  {p}")?;
            }
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
    if args.json {
        super::print_json(&LinkReport {
            schema_version: LINK_SCHEMA_VERSION,
            toolchain: ToolchainRef {
                name: t.name.clone(),
                version: t.version.as_ref().map(Version::toolchain_name),
                root: t.root.clone(),
                linked: true,
            },
        })?;
    } else if !super::output().quiet {
        writeln!(
            super::style::stdout().lock(),
            "linked {} → {}",
            t.name,
            t.root.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Version of `groot list --available --json` (2: `platform` became `goos` + `goarch`, as in
/// every other output).
pub const AVAILABLE_SCHEMA_VERSION: u32 = 2;

/// `groot list --available`: releases in the index for this machine's platform.
pub fn available(host: &Host, all: bool, offline: bool, json: bool) -> anyhow::Result<ExitCode> {
    let mut settings = settings(host, None)?;
    settings.offline |= offline;
    let reporter = Progress::new(!json && !super::output().quiet);
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
            &serde_json::json!({"schema_version": AVAILABLE_SCHEMA_VERSION, "goos": settings.target.os, "goarch": settings.target.arch, "available": v}),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = super::style::stdout().lock();
    for (name, _, inst) in rows {
        writeln!(out, "{name}{}", if inst { "  (installed)" } else { "" })?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Progress on stderr: a bar with the version, bytes, speed and ETA while downloading and a
/// file count while extracting, drawn only on a terminal (indicatif checks) and never with
/// `--json` or `-q`; the loud warnings always. The bar clears its line when dropped, and on
/// Ctrl-C (see [`clear_on_interrupt`]).
struct Progress {
    bar: RefCell<Option<ProgressBar>>,
    draw: bool,
    what: RefCell<String>,
}

impl Progress {
    fn new(draw: bool) -> Progress {
        // indicatif draws only on a terminal; a dumb one cannot redraw a line either.
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        Progress {
            bar: RefCell::new(None),
            draw: draw && !dumb,
            what: RefCell::new(String::new()),
        }
    }

    fn say(&self, text: &str) {
        match self.bar.borrow().as_ref() {
            Some(bar) => bar.suspend(|| {
                let _ = writeln!(std::io::stderr().lock(), "{text}");
            }),
            None => {
                let _ = writeln!(std::io::stderr().lock(), "{text}");
            }
        }
    }

    /// Replaces the bar (the previous one is cleared).
    fn start(&self, bar: ProgressBar) {
        if let Some(old) = self.bar.replace(Some(bar.clone())) {
            old.finish_and_clear();
        }
        clear_on_interrupt(bar);
    }

    fn clear(&self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

/// The bar that a Ctrl-C must clear (a stale half-line in the terminal otherwise).
static INTERRUPT_BAR: std::sync::Mutex<Option<ProgressBar>> = std::sync::Mutex::new(None);

/// Remembers `bar` for the Ctrl-C handler installed once by [`super::interrupt`].
fn clear_on_interrupt(bar: ProgressBar) {
    if let Ok(mut slot) = INTERRUPT_BAR.lock() {
        *slot = Some(bar);
    }
    super::interrupt::on_interrupt(clear_interrupt_bar);
}

fn clear_interrupt_bar() {
    if let Ok(slot) = INTERRUPT_BAR.lock() {
        if let Some(bar) = slot.as_ref() {
            bar.finish_and_clear();
        }
    }
}

/// The download name shown on the bar: `go1.24.11` from `…/go1.24.11.linux-amd64.tar.gz`.
fn release_of(url: &str) -> String {
    let file = url.rsplit('/').next().unwrap_or(url);
    file.split_once(".linux")
        .or_else(|| file.split_once(".darwin"))
        .or_else(|| file.split_once(".windows"))
        .or_else(|| file.split_once(".freebsd"))
        .or_else(|| file.split_once(".src"))
        .map_or(file, |(v, _)| v)
        .to_owned()
}

impl Reporter for Progress {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::VerificationSkipped { file } => self.say(&format!(
                "WARNING: installing {file} WITHOUT checking its sha256 (--insecure-skip-verify)"
            )),
            Event::IndexFallback { origin } if !super::output().quiet => {
                self.say(&format!("warning: using the release index from {origin}"))
            }
            Event::MovedAside { from, to } => self.say(&format!(
                "note: {} had no completion marker (not a toolchain groot finished installing); \
                 moved it to {}",
                from.display(),
                to.display()
            )),
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
            _ if !self.draw => {}
            Event::DownloadStarted {
                url,
                total,
                resumed_from,
            } => {
                let what = release_of(url);
                *self.what.borrow_mut() = what.clone();
                let bar = match total {
                    Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr())
                        .with_style(
                            ProgressStyle::with_template(
                                "{prefix} {wide_bar} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta}",
                            )
                            .unwrap_or_else(|_| ProgressStyle::default_bar()),
                        ),
                    None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                        .with_style(
                            ProgressStyle::with_template(
                                "{prefix} {spinner} {decimal_bytes} {decimal_bytes_per_sec}",
                            )
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                        ),
                };
                bar.set_prefix(format!("downloading {what}"));
                bar.set_position(resumed_from);
                bar.reset_eta();
                bar.enable_steady_tick(Duration::from_millis(200));
                self.start(bar);
            }
            Event::DownloadProgress { bytes } => {
                if let Some(bar) = self.bar.borrow().as_ref() {
                    bar.set_position(bytes);
                }
            }
            Event::Extracting { .. } => {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                    .with_style(
                        ProgressStyle::with_template("{prefix} {spinner} {pos} files")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                let what = self.what.borrow().clone();
                bar.set_prefix(if what.is_empty() {
                    "verified; extracting".to_owned()
                } else {
                    format!("verified; extracting {what}")
                });
                bar.enable_steady_tick(Duration::from_millis(200));
                self.start(bar);
            }
            Event::ExtractProgress { files } => {
                if let Some(bar) = self.bar.borrow().as_ref() {
                    bar.set_position(files);
                }
            }
            Event::Building { log, .. } => {
                self.clear();
                self.say(&format!("building from source (log: {})", log.display()))
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn uninstall_finds_names_by_version_and_prefix() {
        let n = names(&["go1.24.11", "go1.22.10", "go1.22.3", "go1.2.1", "corp"]);
        assert_eq!(find_to_remove(&n, "go1.24.11"), Ok("go1.24.11".into()));
        assert_eq!(find_to_remove(&n, "1.24.11"), Ok("go1.24.11".into()));
        assert_eq!(find_to_remove(&n, "1.24"), Ok("go1.24.11".into()));
        assert_eq!(find_to_remove(&n, "corp"), Ok("corp".into()));
        // `1.2` is not a prefix of go1.22.x, only of go1.2.1.
        assert_eq!(find_to_remove(&n, "1.2"), Ok("go1.2.1".into()));
        assert_eq!(
            find_to_remove(&n, "1.22"),
            Err(vec!["go1.22.10".to_owned(), "go1.22.3".to_owned()])
        );
        assert_eq!(find_to_remove(&n, "1.23"), Err(vec![]));
    }

    #[test]
    fn release_names_from_urls() {
        assert_eq!(
            release_of("https://dl.google.com/go/go1.24.11.linux-amd64.tar.gz"),
            "go1.24.11"
        );
        assert_eq!(release_of("file:///m/go1.22.10.src.tar.gz"), "go1.22.10");
    }
}
