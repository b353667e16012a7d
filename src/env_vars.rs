//! Every environment variable groot reads, named once.
//!
//! Domain code never calls `std::env`; it asks the [`Host`](crate::host::Host) for one of these
//! names. Keeping them in one list makes it possible to scrub them in tests and to document
//! them.

/// Where Go's root directory is; overrides every other way cmd/go finds it.
pub const GOROOT: &str = "GOROOT";
/// The user's go env file (`off` disables it); default `os.UserConfigDir()/go/env`.
pub const GOENV: &str = "GOENV";
/// Which toolchain cmd/go runs: `local`, `auto`, `path`, `goX.Y.Z[+auto|+path]`.
pub const GOTOOLCHAIN: &str = "GOTOOLCHAIN";
/// Go's workspace root(s); default `$HOME/go`.
pub const GOPATH: &str = "GOPATH";
/// The module cache; default `$GOPATH/pkg/mod` (first GOPATH entry).
pub const GOMODCACHE: &str = "GOMODCACHE";
/// Where `go install` puts binaries; default `$GOPATH/bin`.
pub const GOBIN: &str = "GOBIN";
/// The go.work file to use (`off`, `auto`/empty = search upwards, or an absolute path).
pub const GOWORK: &str = "GOWORK";
/// Module mode: `on`/empty (default since 1.16), `off`, `auto`.
pub const GO111MODULE: &str = "GO111MODULE";
/// Module proxy list; `off` disables downloads (and so toolchain downloads).
pub const GOPROXY: &str = "GOPROXY";
/// The Go vulnerability database (as for govulncheck): `https://…`, `http://` to this machine
/// or `file://…`; default `https://vuln.go.dev`.
pub const GOVULNDB: &str = "GOVULNDB";
/// Checksum database used for modules and toolchain downloads.
pub const GOSUMDB: &str = "GOSUMDB";
/// Extra flags for every go command.
pub const GOFLAGS: &str = "GOFLAGS";
/// Base of the user config dir on Unix other than macOS (Go 1.24+ rejects a relative value).
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
/// Base of user data on Unix (groot's own data dir lives below it).
pub const XDG_DATA_HOME: &str = "XDG_DATA_HOME";
/// Base of user caches on Unix.
pub const XDG_CACHE_HOME: &str = "XDG_CACHE_HOME";
/// The home directory on Unix (`os.UserHomeDir`).
pub const HOME: &str = "HOME";
/// The home directory on Windows (`os.UserHomeDir`).
pub const USERPROFILE: &str = "USERPROFILE";
/// Roaming application data on Windows (`os.UserConfigDir`).
pub const APPDATA: &str = "AppData";
/// Local application data on Windows.
pub const LOCALAPPDATA: &str = "LocalAppData";
/// The command search path.
pub const PATH: &str = "PATH";
/// Executable extensions tried by Windows command lookup.
pub const PATHEXT: &str = "PATHEXT";
/// zsh's directory of user startup files (default `$HOME`).
pub const ZDOTDIR: &str = "ZDOTDIR";
/// The temporary directory on Unix (`os.TempDir`).
pub const TMPDIR: &str = "TMPDIR";
/// Disables colour output when set to anything non-empty (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
/// Set by a parent `go` while it switches toolchains; the child checks its own version.
pub const GOTOOLCHAIN_INTERNAL_SWITCH_VERSION: &str = "GOTOOLCHAIN_INTERNAL_SWITCH_VERSION";
/// groot's own data directory (toolchains, shims); overrides the per-OS default.
pub const GROOT_HOME: &str = "GROOT_HOME";
/// groot's cache directory (release index, vulnerability data); overrides the default
/// (`$XDG_CACHE_HOME/groot`, the platform's cache directory, or `$GROOT_HOME/cache`).
pub const GROOT_CACHE_DIR: &str = "GROOT_CACHE_DIR";
/// The Go this shell selects (`1.22`, `1.22.10`, `go1.22.10`, a toolchain name, `system`):
/// the first source groot's selection consults, above `.go-version`.
pub const GROOT_GO_VERSION: &str = "GROOT_GO_VERSION";
/// How many groot shims are running above this process; a shim refuses to go deeper than
/// [`crate::shim::MAX_DEPTH`], which stops a selected `go` that calls the shim again.
pub const GROOT_SHIM_DEPTH: &str = "GROOT_SHIM_DEPTH";
/// When `1` (or `true`), the shims and `groot exec` run a groot-managed Go with
/// `GOTOOLCHAIN=local` unless GOTOOLCHAIN is already in the environment, so go.mod cannot
/// switch away from the selected Go.
pub const GROOT_LOCAL_TOOLCHAIN: &str = "GROOT_LOCAL_TOOLCHAIN";
/// Treat this directory as the filesystem root (tests and fixtures lay out `/usr/local/go`,
/// `/opt/homebrew`, `/etc/paths.d` below it). Never set in normal use.
pub const GROOT_ROOT: &str = "GROOT_ROOT";
/// Model another OS than the one groot runs on (`linux`, `darwin`, `windows`): used with
/// [`GROOT_ROOT`] to explain a simulated layout. Never set in normal use.
pub const GROOT_OS: &str = "GROOT_OS";
/// Model another host architecture (Go's GOARCH names). Never set in normal use.
pub const GROOT_ARCH: &str = "GROOT_ARCH";

/// Model another user id than groot's own (`groot doctor`'s ownership checks of the module
/// and build caches, and `$(id -u)` in the shells' system profiles). Never set in normal use.
pub const GROOT_UID: &str = "GROOT_UID";
/// Time limit in milliseconds of each external tool `groot doctor` runs (dpkg, rpm, pkgutil,
/// codesign); default 3000.
pub const GROOT_TOOL_TIMEOUT_MS: &str = "GROOT_TOOL_TIMEOUT_MS";
/// The download-rate floor in bytes per second (default 1024), as curl's `--speed-limit`: a
/// transfer slower than this for [`GROOT_SPEED_TIME`] seconds is abandoned.
pub const GROOT_SPEED_LIMIT: &str = "GROOT_SPEED_LIMIT";
/// Seconds a download may stay under [`GROOT_SPEED_LIMIT`] before it is abandoned (default
/// 30), as curl's `--speed-time`.
pub const GROOT_SPEED_TIME: &str = "GROOT_SPEED_TIME";

/// Variables whose value changes what cmd/go does and which `groot explain` reports.
pub const GO_SETTINGS: &[&str] = &[
    GOROOT,
    GOENV,
    GOTOOLCHAIN,
    GOPATH,
    GOMODCACHE,
    GOBIN,
    GOWORK,
    GO111MODULE,
    GOPROXY,
    GOSUMDB,
    GOFLAGS,
];

// Places other Go installers and version managers keep toolchains (read by discovery).

/// `%ProgramFiles%` on Windows: the official MSI installs to `%ProgramFiles%\Go`.
pub const PROGRAMFILES: &str = "ProgramFiles";
/// `%ProgramFiles(x86)%` on Windows: where a 386 MSI installs Go.
pub const PROGRAMFILES_X86: &str = "ProgramFiles(x86)";
/// `%SystemDrive%` on Windows (`C:`); MSIs before 2021 installed to `%SystemDrive%\Go`.
pub const SYSTEMDRIVE: &str = "SystemDrive";
/// goenv's root (default `~/.goenv`); versions live in `$GOENV_ROOT/versions/<v>`.
pub const GOENV_ROOT: &str = "GOENV_ROOT";
/// voidint/g's home (default `~/.g`), honoured by g only when `G_EXPERIMENTAL=true`.
pub const G_HOME: &str = "G_HOME";
/// Turns on voidint/g's experimental features, among them [`G_HOME`].
pub const G_EXPERIMENTAL: &str = "G_EXPERIMENTAL";
/// gvm's root (default `~/.gvm`); versions live in `$GVM_ROOT/gos/<v>`.
pub const GVM_ROOT: &str = "GVM_ROOT";
/// asdf's data dir (default `~/.asdf`); Go lives in `installs/golang/<v>/go`.
pub const ASDF_DATA_DIR: &str = "ASDF_DATA_DIR";
/// mise's data dir (default `$XDG_DATA_HOME/mise`); Go lives in `installs/go/<v>`.
pub const MISE_DATA_DIR: &str = "MISE_DATA_DIR";
