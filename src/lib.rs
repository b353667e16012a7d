//! groot finds, explains, fixes and switches Go toolchains.
//!
//! The library holds every piece of domain logic; the `groot` binary (`src/main.rs`) is a thin
//! command-line front end over it. Layers, from the bottom up:
//!
//! * [`host`], [`fs`], [`env_vars`]: the injected view of the machine (env, cwd, OS, arch, a
//!   filesystem root prefix and a command runner). Nothing above reads the process environment.
//! * [`home`]: groot's own directory layout and the one test of an installed toolchain.
//! * [`version`]: Go version strings in every form Go uses.
//! * [`toolchain`], [`envfile`], [`project`]: a Go tree and its binary's build info, Go's env
//!   files, go.mod / go.work.
//! * [`dist`]: the release index, verified downloads, safe extraction and the install
//!   transaction for groot's own toolchains.
//! * [`resolve`]: how cmd/go picks its binary, GOROOT and toolchain, step by step.
//! * [`discovery`]: every Go installation on the machine.
//! * [`select`]: which Go groot selects for a directory (`GROOT_GO_VERSION`, `.go-version`,
//!   go.work / go.mod, `.tool-versions`, the global default), shared by every command.
//! * [`shim`]: the `go` / `gofmt` shims (the groot binary dispatched on `argv[0]`).
//! * [`launch`]: what the `go` on PATH really is (groot's shim, goenv, asdf, mise,
//!   golang.org/dl, a wrapper script) and the binary it ends in, above [`resolve`].
//! * [`version_links`]: `go1.X.Y` links in the shims directory, so Go's own toolchain switch
//!   finds groot's installs on PATH.
//! * [`shell`]: shell startup rules, startup-file analysis and the safe editor behind
//!   `groot fix`.
//! * [`report`], [`verify`]: JSON wire types; running the real go to compare.
//! * [`vulndb`]: the Go vulnerability database (OSV), cached compactly, and which Go versions
//!   its entries affect.
//! * [`par`]: independent reads (a crowded machine's Go trees) spread over a few threads.
//! * [`doctor`]: facts gathered once, pure checks, findings with evidence and fixes.
pub mod discovery;
pub mod dist;
pub mod doctor;
pub mod env_vars;
pub mod envfile;
pub mod fs;
pub mod home;
pub mod host;
pub mod launch;
pub mod par;
pub mod project;
pub mod report;
pub mod resolve;
pub mod select;
pub mod shell;
pub mod shim;
pub mod toolchain;
pub mod verify;
pub mod version;
pub mod version_links;
pub mod vulndb;
