//! `groot init <shell>`: print the activation script, or install it in a startup file (and
//! the shell's completion file); `groot self uninstall`: take all of that away again.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use groot::host::Host;
use groot::shell::write::activate::{self, Activation};
use groot::shell::{write::edit, ShellKind};

use super::switching::note;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "powershell")]
    Pwsh,
    /// POSIX sh, dash, ksh.
    Sh,
    /// Windows' cmd.exe: a batch file that puts the shims on PATH; `--install` puts them on
    /// the user PATH in the registry instead.
    Cmd,
}

impl Shell {
    fn kind(self) -> Option<ShellKind> {
        Some(match self {
            Shell::Bash => ShellKind::Bash,
            Shell::Zsh => ShellKind::Zsh,
            Shell::Fish => ShellKind::Fish,
            Shell::Pwsh => ShellKind::PowerShell,
            Shell::Sh => ShellKind::Sh,
            Shell::Cmd => return None,
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to activate.
    shell: Shell,
    /// Put `<groot_home>/current/bin` first instead of the shims: zero cost per command, but
    /// only the global default (`groot use`) counts; per-directory files are ignored.
    #[arg(long)]
    current: bool,
    /// Run groot-managed Go with GOTOOLCHAIN=local (exports GROOT_LOCAL_TOOLCHAIN=1), so
    /// go.mod cannot make go switch away from the selected toolchain.
    #[arg(long)]
    local_toolchain: bool,
    /// Do not add Go's bin directory (GOBIN, or GOPATH/bin) to PATH.
    #[arg(long)]
    no_go_bin: bool,
    /// Add the activation to the shell's startup file (planned, shown as a diff, backed up).
    #[arg(long)]
    install: bool,
    /// With --install: show the change without writing it.
    #[arg(long, requires = "install")]
    dry_run: bool,
    /// With --install: remove groot's block from the startup files instead.
    #[arg(long, requires = "install")]
    uninstall: bool,
    /// With --install: apply without asking (in a terminal, groot asks first; otherwise it
    /// applies).
    #[arg(long, short = 'y', requires = "install")]
    yes: bool,
}

pub fn run(host: &Host, args: Args) -> anyhow::Result<ExitCode> {
    let Some(kind) = args.shell.kind() else {
        return cmd(host, &args);
    };
    if args.install {
        return install(host, kind, &args);
    }
    let home = groot::home::groot_home(host).context("cannot tell where groot keeps its data")?;
    let first = if args.current {
        home.join(groot::home::CURRENT_LINK).join("bin")
    } else {
        super::use_pin::ensure_shims(host);
        groot::shim::shim_dir(host).context("cannot tell where groot keeps its data")?
    };
    let text = |p: &std::path::Path| {
        activate::path_text(p).ok_or_else(|| anyhow::anyhow!("{} is not valid UTF-8", p.display()))
    };
    let go_bin = if args.no_go_bin {
        None
    } else {
        activate::go_bin_dir(host).and_then(|p| activate::path_text(&p))
    };
    let a = Activation {
        first: text(&first)?,
        go_bin,
        local_toolchain: args.local_toolchain,
    };
    let mut out = std::io::stdout().lock();
    out.write_all(activate::render(kind, &a).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `groot init cmd`: the batch text for cmd.exe; with `--install`, the shims on the user PATH
/// (Windows only: cmd has no startup file of its own).
fn cmd(host: &Host, args: &Args) -> anyhow::Result<ExitCode> {
    if args.install {
        if host.os() != groot::host::Os::Windows {
            anyhow::bail!(
                "`groot init cmd --install` edits the Windows user PATH; this is not Windows"
            );
        }
        user_path(host, args.uninstall, args.dry_run)?;
        return Ok(ExitCode::SUCCESS);
    }
    super::use_pin::ensure_shims(host);
    let first = groot::shim::shim_dir(host).context("cannot tell where groot keeps its data")?;
    let first = activate::path_text(&first)
        .ok_or_else(|| anyhow::anyhow!("{} is not valid UTF-8", first.display()))?;
    let go_bin = if args.no_go_bin {
        None
    } else {
        activate::go_bin_dir(host).and_then(|p| activate::path_text(&p))
    };
    let mut out = std::io::stdout().lock();
    out.write_all(
        groot::shell::write::windows::cmd_script(&first, go_bin.as_deref(), args.local_toolchain)
            .as_bytes(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// On Windows: adds the shims directory to the user PATH (`HKCU\Environment`), or removes it,
/// as rustup and uv do, so every new program (cmd, PowerShell, IDEs) finds the shims. Elsewhere,
/// or in a simulated root, nothing. Returns what changed.
fn user_path(host: &Host, remove: bool, dry_run: bool) -> anyhow::Result<Option<String>> {
    let Some(dir) = groot::shim::shim_dir(host) else {
        return Ok(None);
    };
    let Some(dir) = activate::path_text(&dir) else {
        return Ok(None);
    };
    #[cfg(windows)]
    if host.fs().root().is_none() {
        use groot::shell::write::windows::{path_with, path_without, registry};
        let (current, expand) =
            registry::read_user_path().context("cannot read the user PATH (HKCU\\Environment)")?;
        let new = if remove {
            path_without(&current, &dir)
        } else {
            path_with(&current, &dir)
        };
        let Some(new) = new else {
            return Ok(None);
        };
        let what = if remove {
            format!("removed {dir} from the user PATH (HKCU\\Environment)")
        } else {
            format!("added {dir} to the user PATH (HKCU\\Environment); new terminals see it")
        };
        if dry_run {
            println_out(&format!("would have {what}"))?;
            return Ok(None);
        }
        registry::write_user_path(&new, expand).context("cannot write the user PATH")?;
        println_out(&what)?;
        return Ok(Some(what));
    }
    let _ = (host, remove, dry_run, dir);
    Ok(None)
}

#[cfg(windows)]
fn println_out(text: &str) -> std::io::Result<()> {
    writeln!(super::style::stdout().lock(), "{text}")
}

fn install(host: &Host, kind: ShellKind, args: &Args) -> anyhow::Result<ExitCode> {
    if host.os() == groot::host::Os::Windows {
        // Every shell on Windows also gets the shims on the user PATH (cmd, IDEs, services).
        user_path(host, args.uninstall, args.dry_run)?;
    }
    // Every file a context of this shell reads first; on uninstall also the single file older
    // groot versions wrote.
    let mut files = activate::install_targets(host, kind);
    if files.is_empty() {
        anyhow::bail!("cannot find the home directory for the startup file");
    }
    if args.uninstall {
        if let Some(f) = activate::startup_file(host, kind) {
            if !files.iter().any(|(g, _)| *g == f) {
                files.push((f, edit::Placement::End));
            }
        }
    }
    let block = if args.uninstall {
        String::new()
    } else {
        let exe = std::env::current_exe().context("cannot find the groot executable")?;
        let exe = activate::path_text(&exe)
            .ok_or_else(|| anyhow::anyhow!("{} is not valid UTF-8", exe.display()))?;
        let mut extra: Vec<&str> = Vec::new();
        if args.current {
            extra.push("--current");
        }
        if args.local_toolchain {
            extra.push("--local-toolchain");
        }
        if args.no_go_bin {
            extra.push("--no-go-bin");
        }
        activate::startup_block(kind, &exe, &extra)
    };
    let mut plans = Vec::new();
    for (file, placement) in &files {
        let real = host.fs().to_real(file);
        if args.uninstall && !real.exists() {
            continue;
        }
        plans.push((
            file.clone(),
            edit::plan_file_edit_at(&real, &block, &[], *placement)?,
        ));
    }
    let mut out = super::style::stdout().lock();
    if plans.iter().all(|(_, p)| !p.changed) && !args.dry_run {
        drop(out);
        completion_file(host, kind, args.uninstall);
        let mut out = super::style::stdout().lock();
        let names: Vec<String> = files.iter().map(|(f, _)| f.display().to_string()).collect();
        writeln!(
            out,
            "{} already {}",
            names.join(", "),
            if args.uninstall {
                "have no groot block"
            } else {
                "activate groot"
            }
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for (_, plan) in &plans {
        out.write_all(plan.diff.as_bytes())?;
    }
    if args.dry_run {
        writeln!(out, "(dry run: nothing changed)")?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes && std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        write!(out, "Apply these changes? [y/N] ")?;
        out.flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            writeln!(out, "nothing changed")?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    for (file, _) in &plans {
        if let Some(parent) = host.fs().to_real(file).parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
    }
    let home = groot::home::groot_home(host).context("cannot tell where groot keeps its data")?;
    groot::shell::write::plan::claim_home(host)?;
    let backups = host.fs().to_real(&home.join("backups"));
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let plans: Vec<edit::EditPlan> = plans.into_iter().map(|(_, p)| p).collect();
    let journal = edit::apply(&plans, &backups, &edit::stamp_from_unix(secs))?;
    if args.uninstall {
        remove_files_groot_made(host, &home, &plans);
    }
    for e in &journal.entries {
        writeln!(out, "updated {}", e.path.display())?;
    }
    if let Some(dir) = journal.dir {
        writeln!(
            out,
            "backup in {}; undo with `groot fix --undo`",
            dir.display()
        )?;
    }
    drop(out);
    completion_file(host, kind, args.uninstall);
    if !args.uninstall {
        note(format!(
            "open a new {kind} to use it, or activate this one: {}",
            match kind {
                ShellKind::Fish => "groot init fish | source".to_owned(),
                ShellKind::PowerShell =>
                    "groot init pwsh | Out-String | Invoke-Expression".to_owned(),
                _ => format!("eval \"$(groot init {kind})\""),
            }
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// After groot's block was removed: a startup file that is now empty and that an earlier
/// `init --install` created (its journal under `<home>/backups` records no file before) is
/// deleted, so uninstalling leaves the startup files exactly as they were, existence included.
/// A file the user had (even an empty one) stays.
fn remove_files_groot_made(host: &Host, home: &std::path::Path, plans: &[edit::EditPlan]) {
    let backups = host.fs().to_real(&home.join(groot::home::BACKUPS_DIR));
    let mut created: Vec<PathBuf> = Vec::new();
    if let Ok(dirs) = std::fs::read_dir(&backups) {
        for d in dirs.flatten() {
            let Ok(journal) = edit::read_journal(&d.path().join(edit::Journal::FILE_NAME)) else {
                continue;
            };
            created.extend(
                journal
                    .entries
                    .into_iter()
                    .filter(|e| e.before_sha256.is_none())
                    .map(|e| e.target),
            );
        }
    }
    for plan in plans {
        if !plan.after.is_empty() || !created.contains(&plan.target) {
            continue;
        }
        if std::fs::metadata(&plan.target).is_ok_and(|m| m.is_file() && m.len() == 0) {
            let _ = std::fs::remove_file(&plan.target);
        }
    }
}

/// `init --install` also installs the shell's completion script where the shell finds it by
/// itself (`--uninstall` removes it). A failure is a note: activation is what matters.
fn completion_file(host: &Host, kind: ShellKind, uninstall: bool) {
    if uninstall {
        if let Ok(removed) = super::completions::remove_files(host) {
            for p in removed {
                note(format!("removed completions {}", p.display()));
            }
        }
        return;
    }
    match super::completions::install_file(host, kind) {
        Ok(Some(path)) => {
            if kind == ShellKind::Zsh && !super::completions::zsh_dir_on_fpath(host, &path) {
                note(format!(
                    "completions in {}: add `fpath+=({})` before `compinit` in ~/.zshrc",
                    path.display(),
                    path.parent()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                ));
            } else {
                note(format!("completions in {}", path.display()));
            }
        }
        Ok(None) => {}
        Err(e) => note(format!("could not install completions: {e:#}")),
    }
}

#[derive(Debug, clap::Args)]
pub struct SelfUninstallArgs {
    /// Also delete groot's data directory (installed toolchains, the default, backups) and its
    /// cache.
    #[arg(long)]
    all: bool,
    /// Print what was removed as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Version of `groot self uninstall --json`.
pub const SELF_UNINSTALL_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, serde::Serialize)]
struct SelfUninstallReport {
    schema_version: u32,
    /// Startup files whose groot block was removed.
    startup_files: Vec<PathBuf>,
    /// Completion files removed.
    completions: Vec<PathBuf>,
    /// The shims directory, when it was removed.
    shims: Option<PathBuf>,
    /// Directories removed with `--all`.
    removed_dirs: Vec<PathBuf>,
    /// The backup directory of the startup-file edits.
    backup_dir: Option<PathBuf>,
}

/// Every startup file `groot init --install` may have written, for every shell.
fn activation_files(host: &Host) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for kind in [
        ShellKind::Bash,
        ShellKind::Zsh,
        ShellKind::Fish,
        ShellKind::PowerShell,
        ShellKind::Sh,
    ] {
        let targets = activate::install_targets(host, kind)
            .into_iter()
            .map(|(f, _)| f);
        for f in targets.chain(activate::startup_file(host, kind)) {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    files
}

/// `groot self uninstall`: removes the activation blocks (the file as it was before, byte for
/// byte, the same edit as `init --install --uninstall`, backed up), the completion files and the
/// shims; with `--all` the data directory and the cache too. The groot executable itself is
/// left for the package manager or the user (its path is printed).
pub fn self_uninstall(host: &Host, args: SelfUninstallArgs) -> anyhow::Result<ExitCode> {
    let home = groot::home::groot_home(host).context("cannot tell where groot keeps its data")?;
    let mut plans = Vec::new();
    let mut changed = Vec::new();
    for file in activation_files(host) {
        let real = host.fs().to_real(&file);
        if !real.is_file() {
            continue;
        }
        let plan = edit::plan_file_edit(&real, "", &[])?;
        if plan.changed {
            changed.push(file);
            plans.push(plan);
        }
    }
    let mut backup_dir = None;
    if !plans.is_empty() {
        // Backups outside the data directory when it is about to go.
        let backups = if args.all {
            std::env::temp_dir().join("groot-uninstall-backups")
        } else {
            host.fs().to_real(&home.join("backups"))
        };
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        backup_dir = edit::apply(&plans, &backups, &edit::stamp_from_unix(secs))?.dir;
        remove_files_groot_made(host, &home, &plans);
    }
    let completions = super::completions::remove_files(host)?;
    if host.os() == groot::host::Os::Windows {
        user_path(host, true, false)?;
    }
    let mut shims = None;
    if let Some(dir) = groot::shim::shim_dir(host) {
        let real = host.fs().to_real(&dir);
        if real.is_dir() {
            std::fs::remove_dir_all(&real)
                .with_context(|| format!("cannot remove {}", dir.display()))?;
            shims = Some(dir);
        }
    }
    let mut removed_dirs = Vec::new();
    if args.all {
        // The data, the cache (apart from the data unless GROOT_HOME keeps it inside), and on a
        // Mac the link an older groot's store left behind when it was moved.
        let legacy = host
            .home()
            .filter(|_| host.os() == groot::host::Os::MacOs)
            .map(|h| groot::home::legacy_macos_home(&h));
        for dir in [Some(home.clone()), groot::home::cache_home(host)]
            .into_iter()
            .flatten()
        {
            let real = host.fs().to_real(&dir);
            if real.is_dir() && !real.is_symlink() {
                std::fs::remove_dir_all(&real)
                    .with_context(|| format!("cannot remove {}", dir.display()))?;
                removed_dirs.push(dir);
            }
        }
        if let Some(link) = legacy {
            let real = host.fs().to_real(&link);
            if real.is_symlink() {
                std::fs::remove_file(&real)
                    .with_context(|| format!("cannot remove {}", link.display()))?;
                removed_dirs.push(link);
            }
        }
    }
    let report = SelfUninstallReport {
        schema_version: SELF_UNINSTALL_SCHEMA_VERSION,
        startup_files: changed,
        completions,
        shims,
        removed_dirs,
        backup_dir,
    };
    if args.json {
        super::print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = super::style::stdout().lock();
    for f in &report.startup_files {
        writeln!(out, "removed groot's block from {}", f.display())?;
    }
    for f in &report.completions {
        writeln!(out, "removed {}", f.display())?;
    }
    if let Some(d) = &report.shims {
        writeln!(out, "removed the shims {}", d.display())?;
    }
    for d in &report.removed_dirs {
        writeln!(out, "removed {}", d.display())?;
    }
    if let Some(b) = &report.backup_dir {
        writeln!(out, "backup of the startup files in {}", b.display())?;
    }
    if !args.all {
        writeln!(
            out,
            "kept {} (toolchains and settings); `groot self uninstall --all` removes it",
            home.display()
        )?;
    }
    if let Ok(exe) = std::env::current_exe() {
        writeln!(
            out,
            "groot itself is {}: delete it (or uninstall it with the tool that installed it)",
            exe.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
