//! Merging candidates into installs: each candidate resolved to a canonical root (or found to
//! be a loose binary, or rejected), and the candidates that reach one root, by path or by
//! directory identity, kept together as a [`Group`] with every route.

use foldhash::{HashMap, HashMapExt};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::canonical::Canonical;
use super::{Candidate, Expect, Problem, RejectKind, Rejected, Source, What};
use crate::fs::{dir, ResolveError};
use crate::host::{Host, Os};
use crate::resolve;
use crate::toolchain::tree::is_goroot;
use crate::toolchain::{Inspect, InspectError, Stamped};

/// Candidates that reached one root.
#[derive(Debug)]
pub(super) struct Group {
    pub(super) root: PathBuf,
    /// Each route: the candidate's position in discovery order, the path it named, its source.
    pub(super) routes: Vec<(usize, PathBuf, Source)>,
    pub(super) problems: Vec<Problem>,
    pub(super) expects: Vec<Expect>,
}

impl Group {
    /// The position of its earliest route.
    fn first(&self) -> usize {
        self.routes.iter().map(|r| r.0).min().unwrap_or(usize::MAX)
    }

    /// Paths (without repeats) and sources in discovery order.
    pub(super) fn into_routes(mut self) -> (Group, Vec<PathBuf>, Vec<Source>) {
        let mut routes = std::mem::take(&mut self.routes);
        routes.sort_by_key(|r| r.0);
        let mut paths = Vec::new();
        let mut sources: Vec<Source> = Vec::new();
        for (_, path, source) in routes {
            if !paths.contains(&path) {
                paths.push(path);
            }
            if !sources.contains(&source) {
                sources.push(source);
            }
        }
        (self, paths, sources)
    }
}

/// A go binary whose tree was not found next to it; it may still be a copy or hard link of a
/// tree's `bin/go`.
#[derive(Debug)]
pub(super) struct Loose {
    pub(super) seq: usize,
    pub(super) path: PathBuf,
    pub(super) source: Source,
}

/// Where a candidate leads.
enum Located {
    /// A canonical root, with its identity when it was read on the way.
    Root(PathBuf, Option<crate::fs::FileId>),
    Loose,
    Rejected(RejectKind, String),
}

pub(super) struct Merger<'a> {
    host: &'a Host,
    inspect: &'a dyn Inspect,
    pub(super) groups: Vec<Group>,
    /// Each group's index by root and by directory identity (one group per identity), so
    /// that hundreds of installs do not mean a walk of every group for every candidate.
    by_root: HashMap<PathBuf, usize>,
    by_identity: HashMap<crate::fs::FileId, usize>,
    canonical: Canonical,
    pub(super) rejected: Vec<Rejected>,
    pub(super) loose: Vec<Loose>,
    /// Candidates added so far.
    seq: usize,
}

impl<'a> Merger<'a> {
    pub(super) fn new(host: &'a Host, inspect: &'a dyn Inspect) -> Merger<'a> {
        Merger {
            host,
            inspect,
            groups: Vec::new(),
            by_root: HashMap::new(),
            by_identity: HashMap::new(),
            canonical: Canonical::default(),
            rejected: Vec::new(),
            loose: Vec::new(),
            seq: 0,
        }
    }

    pub(super) fn add(&mut self, c: Candidate) {
        let seq = self.seq;
        self.seq += 1;
        let located = match &c.what {
            What::Dir(p) => locate_dir(self.host, &mut self.canonical, p),
            What::Binary(p) => locate_binary(self.host, &mut self.canonical, self.inspect, p),
            What::Reject(kind, reason) => Located::Rejected(*kind, reason.clone()),
        };
        let via = match &c.what {
            What::Dir(p) | What::Binary(p) => p.clone(),
            What::Reject(..) => c.source.via.clone(),
        };
        match located {
            Located::Rejected(kind, reason) => self.rejected.push(Rejected {
                path: via,
                source: c.source,
                kind,
                reason,
            }),
            Located::Loose => self.loose.push(Loose {
                seq,
                path: via,
                source: c.source,
            }),
            Located::Root(root, identity) => {
                let i = self.group_for(root, identity);
                let g = &mut self.groups[i];
                g.routes.push((seq, via, c.source));
                for p in c.problems {
                    if !g.problems.contains(&p) {
                        g.problems.push(p);
                    }
                }
                if c.expect != Expect::default() {
                    g.expects.push(c.expect);
                }
            }
        }
    }

    /// The group of a canonical root: the same path, or the same directory by identity (a bind
    /// mount, a case-insensitive spelling); a new group otherwise.
    /// `identity` is the root's, when already read.
    fn group_for(&mut self, root: PathBuf, identity: Option<crate::fs::FileId>) -> usize {
        if let Some(&i) = self.by_root.get(&root) {
            return i;
        }
        let identity = identity.or_else(|| self.identity_of(&root));
        if let Some(&i) = identity.as_ref().and_then(|id| self.by_identity.get(id)) {
            return i;
        }
        let i = self.groups.len();
        self.by_root.insert(root.clone(), i);
        if let Some(id) = identity {
            self.by_identity.insert(id, i);
        }
        self.groups.push(Group {
            root,
            routes: Vec::new(),
            problems: Vec::new(),
            expects: Vec::new(),
        });
        i
    }

    fn identity_of(&self, root: &Path) -> Option<crate::fs::FileId> {
        self.host
            .fs()
            .real_following(root)
            .ok()
            .and_then(|real| crate::fs::file_id(&real))
    }

    /// Sorts the groups by their earliest route and renumbers the indexes to match.
    fn sort_groups(&mut self) {
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        order.sort_by_key(|&i| self.groups[i].first());
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut slots: Vec<Option<Group>> = std::mem::take(&mut self.groups)
            .into_iter()
            .map(Some)
            .collect();
        self.groups = order.iter().filter_map(|&old| slots[old].take()).collect();
        for i in self
            .by_root
            .values_mut()
            .chain(self.by_identity.values_mut())
        {
            *i = new_index[*i];
        }
    }

    /// Loose binaries that are a tree's `bin/go` by file identity (a hard link or the same file
    /// through a bind mount) join that tree.
    pub(super) fn attach_loose(&mut self) {
        let suffix = self.host.os().exe_suffix();
        let fs = self.host.fs();
        let mut still = Vec::new();
        for l in std::mem::take(&mut self.loose) {
            let hit = self.groups.iter().position(|g| {
                fs.same_file(&l.path, &g.root.join("bin").join(format!("go{suffix}")))
            });
            match hit {
                Some(i) => self.groups[i].routes.push((l.seq, l.path, l.source)),
                None => still.push(l),
            }
        }
        self.loose = still;
        // A hard-linked go on PATH may come before the tree's own source.
        self.sort_groups();
    }

    pub(super) fn find_active(&self, target: &ActiveTarget) -> Option<usize> {
        let fs = self.host.fs();
        match target {
            // The first group at this root or, by identity, at the same directory.
            ActiveTarget::Goroot(root) => {
                let by_root = self.by_root.get(root).copied();
                let by_identity = self
                    .identity_of(root)
                    .and_then(|id| self.by_identity.get(&id).copied());
                by_root.into_iter().chain(by_identity).min()
            }
            ActiveTarget::Binary(bin) => {
                let suffix = self.host.os().exe_suffix();
                self.groups.iter().position(|g| {
                    fs.same_file(bin, &g.root.join("bin").join(format!("go{suffix}")))
                })
            }
        }
    }
}

/// What decides the active install.
pub(super) enum ActiveTarget {
    /// The canonical GOROOT go ends with.
    Goroot(PathBuf),
    /// The go binary that runs, when go fails before it has a GOROOT.
    Binary(PathBuf),
}

impl ActiveTarget {
    pub(super) fn of(host: &Host, ex: &resolve::Explanation) -> Option<ActiveTarget> {
        if let Some(g) = ex.goroot.as_deref().filter(|g| !g.is_empty()) {
            if let Ok(r) = host.fs().canonicalize(&host.absolute(Path::new(g))) {
                return Some(ActiveTarget::Goroot(r.path));
            }
        }
        ex.go
            .as_ref()
            .map(|g| ActiveTarget::Binary(host.absolute(g)))
    }
}

/// Resolves a directory candidate to a canonical Go root.
fn locate_dir(host: &Host, canonical: &mut Canonical, path: &Path) -> Located {
    let fs = host.fs();
    let abs = host.absolute(path);
    let (resolved, meta) = match canonical.resolve(fs, &abs) {
        Ok(r) => r,
        Err(e) => return unresolvable(&abs, e),
    };
    // The `lstat` of a resolved path that is not a link is its `stat`.
    let is_dir = match &meta {
        Some(m) => m.is_dir(),
        None => fs.is_dir(&resolved),
    };
    if !is_dir {
        return Located::Rejected(
            RejectKind::NotADirectory,
            format!("{} is not a directory", resolved.display()),
        );
    }
    if !is_goroot(fs, &resolved) && !fs.is_file(&go_in(host.os(), &resolved)) {
        return Located::Rejected(
            RejectKind::NotAGoTree,
            format!(
                "{} is not a Go tree: it has neither pkg/tool nor bin/go",
                resolved.display()
            ),
        );
    }
    Located::Root(resolved, meta.as_ref().and_then(crate::fs::file_id_of))
}

fn unresolvable(abs: &Path, e: ResolveError) -> Located {
    match e {
        ResolveError::Loop { .. } => Located::Rejected(
            RejectKind::SymlinkLoop,
            format!(
                "too many levels of symbolic links resolving {}",
                abs.display()
            ),
        ),
        ResolveError::Missing { path, hops } if hops.is_empty() => Located::Rejected(
            RejectKind::Missing,
            format!("{} does not exist", path.display()),
        ),
        ResolveError::Missing { path, hops } => Located::Rejected(
            RejectKind::DanglingLink,
            format!(
                "dangling symlink: {} points to {}, and {} does not exist",
                hops[0].link.display(),
                hops[0].target.display(),
                path.display()
            ),
        ),
        ResolveError::Io { path, source } => Located::Rejected(
            RejectKind::Unreadable,
            format!("cannot read {}: {source}", path.display()),
        ),
    }
}

pub(super) fn go_in(os: Os, root: &Path) -> PathBuf {
    root.join("bin").join(format!("go{}", os.exe_suffix()))
}

/// Finds the tree of a `go` executable as cmd/go finds its GOROOT: the directory two levels up
/// (three for `bin/GOOS_GOARCH/go`), first as given and then with symlinks resolved; then the
/// snap launcher; then the GOROOT stamped into the binary.
fn locate_binary(
    host: &Host,
    canonical: &mut Canonical,
    inspect: &dyn Inspect,
    path: &Path,
) -> Located {
    let fs = host.fs();
    let abs = host.absolute(path);
    for up in tree_guesses(&abs) {
        if is_goroot(fs, &up) {
            return locate_dir(host, canonical, &up);
        }
    }
    let resolved = match fs.canonicalize(&abs) {
        Ok(r) => r.path,
        Err(e) => return unresolvable(&abs, e),
    };
    for up in tree_guesses(&resolved) {
        if is_goroot(fs, &up) {
            return locate_dir(host, canonical, &up);
        }
    }
    if let Some(root) = snap_root(host, &abs, &resolved) {
        return locate_dir(host, canonical, &root);
    }
    match inspect.inspect(fs, &abs) {
        Err(InspectError::Script { interpreter, .. }) => Located::Rejected(
            RejectKind::Script,
            format!(
                "a script ({interpreter}), not a go binary: a version manager's shim or a wrapper"
            ),
        ),
        Err(e @ InspectError::Unreadable { .. }) => {
            Located::Rejected(RejectKind::Unreadable, e.to_string())
        }
        Err(e) => Located::Rejected(RejectKind::NotGo, e.to_string()),
        Ok(b) => match &b.stamped_goroot {
            Stamped::Known(g) if !g.is_empty() && is_goroot(fs, Path::new(g)) => {
                locate_dir(host, canonical, Path::new(g))
            }
            _ => Located::Loose,
        },
    }
}

/// `exe/../..`, and `exe/../../..` when the binary sits in `bin/GOOS_GOARCH/`.
fn tree_guesses(exe: &Path) -> Vec<PathBuf> {
    let bin = dir(exe);
    let mut out = vec![dir(&bin)];
    let cross = bin
        .file_name()
        .and_then(OsStr::to_str)
        .is_some_and(|n| n.contains('_'))
        && dir(&bin).file_name() == Some(OsStr::new("bin"));
    if cross {
        out.push(dir(&dir(&bin)));
    }
    out
}

/// `/snap/bin/go` is a link to the snap launcher, which runs `/snap/go/current/bin/go`.
fn snap_root(host: &Host, abs: &Path, resolved: &Path) -> Option<PathBuf> {
    if host.os() != Os::Linux || resolved.file_name() != Some(OsStr::new("snap")) {
        return None;
    }
    let name = abs.file_name()?;
    (dir(abs) == Path::new("/snap/bin")).then(|| Path::new("/snap").join(name).join("current"))
}
