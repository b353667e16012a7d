//! Wire types of every JSON output, with a `schema_version`.
//!
//! Domain types can change shape; these cannot without a version bump. Text and JSON output are
//! two renderers of the same report value: the CLI builds a report, then either serializes it
//! or draws it.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::launch::Explained;
use crate::resolve::{GoError, Lookup, Step, Switch};
use crate::toolchain::tree::Tree;
use crate::toolchain::GoBinary;

/// Version of the `groot explain --json` contract.
pub const EXPLAIN_SCHEMA_VERSION: u32 = 2;

/// `groot explain --json`.
#[derive(Clone, Debug, Serialize)]
pub struct ExplainReport {
    pub schema_version: u32,
    /// The directory go would run in.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub dir: PathBuf,
    /// The go that runs (as found on PATH or given with `--go`), or null.
    pub go: Option<GoRef>,
    /// What `go env GOROOT` prints, or null when go fails.
    pub goroot: Option<String>,
    /// The version `go version` reports (e.g. `go1.22.10`), or null when go fails.
    pub go_version: Option<String>,
    /// What go fails with, or null.
    pub error: Option<GoError>,
    /// What module commands fail with even though `go env` works (go.mod needs a newer Go).
    pub module_error: Option<String>,
    /// The binary that was started.
    pub binary: Option<GoBinary>,
    /// The GOROOT of the started go before any toolchain switch.
    pub local_goroot: Option<String>,
    pub switch: Option<Switch>,
    /// The binary a switch handed the command to.
    pub switched_binary: Option<GoBinary>,
    /// The tree at the final GOROOT and what it lacks.
    pub tree: Option<Tree>,
    /// Every go on PATH examined.
    pub lookup: Lookup,
    pub steps: Vec<Step>,
    /// Present when the `go` on PATH is groot's shim: what it selected and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<crate::select::Selection>,
    /// The launchers in front of go (groot's shim, goenv, asdf, mise, golang.org/dl, wrapper
    /// scripts), in the order they run; empty when PATH's go is a go binary.
    pub launchers: Vec<crate::launch::Launcher>,
    /// Present with `--verify`: what the real go said.
    pub verify: Option<Verification>,
}

/// A reference to a go executable.
#[derive(Clone, Debug, Serialize)]
pub struct GoRef {
    /// The path as exec'd (a PATH entry joined with `go`, or `--go` as given).
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub path: PathBuf,
    /// The path with every symlink resolved, when it resolves.
    #[serde(serialize_with = "crate::fs::lossy::opt_path")]
    pub resolved: Option<PathBuf>,
}

/// Prediction against reality.
#[derive(Clone, Debug, Serialize)]
pub struct Verification {
    /// Every compared field agrees.
    pub agrees: bool,
    pub fields: Vec<VerifiedField>,
    /// The commands that were run.
    pub commands: Vec<String>,
}

/// One compared value.
#[derive(Clone, Debug, Serialize)]
pub struct VerifiedField {
    pub name: &'static str,
    pub predicted: Option<String>,
    pub actual: Option<String>,
    pub agrees: bool,
}

impl ExplainReport {
    pub fn new(explained: Explained, resolved: Option<PathBuf>) -> ExplainReport {
        let selection = explained.selection().cloned();
        let launchers = explained.launchers;
        let ex = explained.explanation;
        ExplainReport {
            schema_version: EXPLAIN_SCHEMA_VERSION,
            dir: ex.dir,
            go: ex.go.map(|path| GoRef { path, resolved }),
            goroot: ex.goroot,
            go_version: ex.go_version,
            error: ex.error,
            module_error: ex.module_error,
            binary: ex.binary,
            local_goroot: ex.local_goroot,
            switch: ex.switch,
            switched_binary: ex.switched_binary,
            tree: ex.tree,
            lookup: ex.lookup,
            steps: ex.steps,
            selection,
            launchers,
            verify: None,
        }
    }
}

/// Version of the `groot list --json` contract.
pub const LIST_SCHEMA_VERSION: u32 = 2;

/// `groot list --json`.
#[derive(Clone, Debug, Serialize)]
pub struct ListReport {
    pub schema_version: u32,
    /// Every installation, PATH order first; `active` marks the one go runs here.
    pub installs: Vec<ListedInstall>,
    /// Candidates that are not installations, and why.
    pub rejected: Vec<crate::discovery::Rejected>,
    /// Every place searched.
    pub searched: Vec<crate::discovery::SearchedPlace>,
    /// The vulnerability database the `vulns` come from.
    pub vulndb: VulnDbSummary,
    /// What could not be done (an unreachable database, skipped entries).
    pub notes: Vec<String>,
}

/// An installation and its known vulnerabilities.
#[derive(Clone, Debug, Serialize)]
pub struct ListedInstall {
    #[serde(flatten)]
    pub install: crate::discovery::Install,
    /// Entries of the Go vulnerability database whose ranges contain this version, newest
    /// first; null when the database or the version is unknown. Installs of one version share
    /// one list.
    #[serde(serialize_with = "shared_slice")]
    pub vulns: Option<Arc<[crate::vulndb::Vuln]>>,
    /// The lowest release that fixes all of them (`go1.22.12`), when one does.
    pub vulns_fixed_by: Option<String>,
    /// For a toolchain groot installed: whether its archive's sha256 was checked (false:
    /// `--insecure-skip-verify`, shown as UNVERIFIED). Null for everything else.
    pub archive_verified: Option<bool>,
}

impl std::ops::Deref for ListedInstall {
    type Target = crate::discovery::Install;
    fn deref(&self) -> &crate::discovery::Install {
        &self.install
    }
}

/// A shared list, written as the list itself (or null).
fn shared_slice<S: Serializer, T: Serialize>(
    v: &Option<Arc<[T]>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    v.as_deref().serialize(s)
}

/// Which vulnerability database was used and how fresh it is.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VulnDbSummary {
    /// Its base URL (`GOVULNDB`).
    pub url: String,
    /// Its own `modified` stamp, when loaded.
    pub modified: Option<String>,
    /// Fetched just now, or cached (with its age), or null when not loaded.
    pub origin: Option<crate::vulndb::Origin>,
    /// Why it could not be used.
    pub error: Option<String>,
}

impl VulnDbSummary {
    /// The summary of a load attempt.
    pub fn new(
        url: &str,
        loaded: Result<&crate::vulndb::Loaded, &crate::vulndb::VulnDbError>,
    ) -> VulnDbSummary {
        match loaded {
            Ok(l) => VulnDbSummary {
                url: url.to_owned(),
                modified: Some(l.db.modified.clone()),
                origin: Some(l.origin.clone()),
                error: None,
            },
            Err(e) => VulnDbSummary {
                url: url.to_owned(),
                modified: None,
                origin: None,
                error: Some(e.to_string()),
            },
        }
    }
}

impl ListReport {
    /// The report of an inventory; `db` (when loaded) gives each install its vulnerabilities.
    pub fn new(
        inv: crate::discovery::Inventory,
        db: Option<&crate::vulndb::Db>,
        vulndb: VulnDbSummary,
        notes: Vec<String>,
    ) -> ListReport {
        // Many installs share a version (several managers, the module cache): match each
        // version against the database once.
        let mut matched: foldhash::HashMap<String, (Arc<[crate::vulndb::Vuln]>, Option<String>)> =
            foldhash::HashMap::default();
        let installs = inv
            .installs
            .into_iter()
            .map(|install| {
                let version = install
                    .version
                    .as_deref()
                    .map(crate::version::RuntimeVersion::parse)
                    .filter(|r| !r.devel)
                    .and_then(|r| r.release);
                let (vulns, fixed_by) = match (db, version) {
                    (Some(db), Some(v)) => {
                        let (vulns, fixed_by) = matched
                            .entry(v.toolchain_name())
                            .or_insert_with(|| {
                                let fixed_by = match db.fix_all(&v) {
                                    crate::vulndb::FixAll::Release(r) => Some(r.toolchain_name()),
                                    _ => None,
                                };
                                (db.affecting(&v).into(), fixed_by)
                            })
                            .clone();
                        (Some(vulns), fixed_by)
                    }
                    _ => (None, None),
                };
                ListedInstall {
                    install,
                    vulns,
                    vulns_fixed_by: fixed_by,
                    archive_verified: None,
                }
            })
            .collect();
        ListReport {
            schema_version: LIST_SCHEMA_VERSION,
            installs,
            rejected: inv.rejected,
            searched: inv.searched,
            vulndb,
            notes,
        }
    }
}

/// Version of the `groot which --json` contract.
pub const WHICH_SCHEMA_VERSION: u32 = 2;

/// `groot which --json`.
#[derive(Clone, Debug, Serialize)]
pub struct WhichReport {
    pub schema_version: u32,
    /// The command asked about (`go`).
    pub tool: String,
    /// The file the shim runs for it here.
    pub path: PathBuf,
    /// The selection: request, source, toolchain and notes.
    pub selection: crate::select::Selection,
}

impl WhichReport {
    pub fn new(tool: String, path: PathBuf, selection: crate::select::Selection) -> WhichReport {
        WhichReport {
            schema_version: WHICH_SCHEMA_VERSION,
            tool,
            path,
            selection,
        }
    }
}

/// Version of the `groot contexts --json` contract.
pub const CONTEXTS_SCHEMA_VERSION: u32 = 3;

/// `groot contexts --json`: every launch context, what it reads and which go it gets.
#[derive(Clone, Debug, Serialize)]
pub struct ContextsReport {
    pub schema_version: u32,
    /// The directory go runs in for each context.
    pub dir: PathBuf,
    #[serde(flatten)]
    pub survey: crate::shell::contexts::survey::Survey,
    /// Present with `--probe`: what the real shells ended with.
    pub probes: Option<Vec<crate::shell::contexts::probe::ProbeResult>>,
    /// Problems found in the startup files (the codes `groot fix` fixes).
    pub gaps: Vec<crate::shell::gaps::Gap>,
}

/// Version of the `groot fix --json` contract.
pub const FIX_SCHEMA_VERSION: u32 = 1;

/// `groot fix --json`.
#[derive(Clone, Debug, Serialize)]
pub struct FixReport {
    pub schema_version: u32,
    /// Everything found, with evidence and proposed edits.
    pub gaps: Vec<crate::shell::gaps::Gap>,
    /// One entry per file the plan touches.
    pub changes: Vec<crate::shell::write::plan::FileChange>,
    /// Whether the plan was applied.
    pub applied: bool,
    /// The backup directory of an applied plan.
    pub backup_dir: Option<PathBuf>,
    /// Present with `--undo`.
    pub undone: Option<crate::shell::write::plan::Undone>,
}

/// A toolchain in groot's store, as every switching and store command reports it.
#[derive(Clone, Debug, Serialize)]
pub struct ToolchainRef {
    /// Its name in the store (`go1.24.11`, or a link name).
    pub name: String,
    /// Its Go version, spelled as a toolchain (`go1.24.11`), when known.
    pub version: Option<String>,
    /// Its GOROOT.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub root: PathBuf,
    /// Adopted with `groot link` rather than installed.
    pub linked: bool,
}

impl ToolchainRef {
    pub fn of(t: &crate::select::Installed) -> ToolchainRef {
        ToolchainRef {
            name: t.name.clone(),
            version: t
                .version
                .as_ref()
                .map(crate::version::Version::toolchain_name),
            root: t.root.clone(),
            linked: t.linked,
        }
    }
}

/// Version of the `groot use --json` contract.
pub const USE_SCHEMA_VERSION: u32 = 1;

/// `groot use --json`: the global default after the command (or as it is, without a version).
#[derive(Clone, Debug, Serialize)]
pub struct UseReport {
    pub schema_version: u32,
    /// Always `global`: `groot use` changes the default for every shell and directory without a
    /// version file (`groot use --local` is `groot pin`, reported by `PinReport`).
    pub scope: &'static str,
    /// Whether this command changed the default.
    pub changed: bool,
    /// The file holding the default.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub file: PathBuf,
    /// What the file says (`go1.24.11`, `system`), or null when there is no default.
    pub request: Option<String>,
    /// The toolchain the default names; null for `system` (the next go on PATH) or none.
    pub toolchain: Option<ToolchainRef>,
    /// When something more specific wins in the current directory: its summary.
    pub overridden_here_by: Option<String>,
}

/// Version of the `groot pin --json` contract.
pub const PIN_SCHEMA_VERSION: u32 = 1;

/// `groot pin --json` (and `groot use --local --json`).
#[derive(Clone, Debug, Serialize)]
pub struct PinReport {
    pub schema_version: u32,
    /// Always `local`: the `.go-version` of one directory (and the ones below it).
    pub scope: &'static str,
    /// `pinned`, `unset` (the file was removed) or `absent` (`--unset` with no file).
    pub action: &'static str,
    /// The `.go-version` file.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub file: PathBuf,
    /// What was written (`1.24.11`, `1.24`, `system`), or null for `--unset`.
    pub request: Option<String>,
    /// The installed toolchain it selects, or null (not installed yet, or `system`).
    pub toolchain: Option<ToolchainRef>,
    /// Warnings about the new selection (codes as in `groot which --json`).
    pub notes: Vec<crate::select::Note>,
}

/// Version of the `groot install --json` contract.
pub const INSTALL_SCHEMA_VERSION: u32 = 1;

/// `groot install --json`.
#[derive(Clone, Debug, Serialize)]
pub struct InstallReport {
    pub schema_version: u32,
    pub toolchain: ToolchainRef,
    /// Nothing was done: it was installed already.
    pub already_installed: bool,
    /// Why this version: what selected it (`GROOT_GO_VERSION`, `/p/.go-version:1`, …) when
    /// no version was named; null when it was named on the command line.
    pub selected_by: Option<String>,
}

/// Version of the `groot uninstall --json` contract.
pub const UNINSTALL_SCHEMA_VERSION: u32 = 1;

/// `groot uninstall --json`.
#[derive(Clone, Debug, Serialize)]
pub struct UninstallReport {
    pub schema_version: u32,
    /// The toolchain's name in the store.
    pub name: String,
    /// `removed` (a managed tree), `unlinked` (a link record; the tree is kept) or
    /// `removed_incomplete` (a directory without a completion marker).
    pub action: &'static str,
    /// What was deleted.
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub path: PathBuf,
    /// It was the global default, which is now cleared.
    pub cleared_default: bool,
}

/// Version of the `groot verify --json` contract.
pub const VERIFY_SCHEMA_VERSION: u32 = 1;

/// `groot verify --json`.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyOutput {
    pub schema_version: u32,
    /// Every toolchain checked.
    pub toolchains: Vec<VerifiedToolchain>,
    /// All of them are intact.
    pub ok: bool,
}

/// One toolchain's check.
#[derive(Clone, Debug, Serialize)]
pub struct VerifiedToolchain {
    pub name: String,
    #[serde(serialize_with = "crate::fs::lossy::path")]
    pub root: PathBuf,
    pub linked: bool,
    /// Manifest entries checked (0 for a linked toolchain: only `bin/go` is checked).
    pub checked: usize,
    pub intact: bool,
    /// Each difference, as one sentence (`missing: bin/gofmt`).
    pub problems: Vec<String>,
    /// Whether the archive's sha256 was checked at install (false: `--insecure-skip-verify`,
    /// UNVERIFIED: the manifest only vouches for what was unpacked); null for a linked
    /// toolchain.
    pub archive_verified: Option<bool>,
}

/// Version of the `groot link --json` contract.
pub const LINK_SCHEMA_VERSION: u32 = 1;

/// `groot link --json`.
#[derive(Clone, Debug, Serialize)]
pub struct LinkReport {
    pub schema_version: u32,
    pub toolchain: ToolchainRef,
}

pub mod doctor;
