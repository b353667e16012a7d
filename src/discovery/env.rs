//! GOROOT as the user set it: the `GOROOT` environment variable and the `GOROOT=` line of the
//! user's go env file (`go env -w GOROOT=…`).
//!
//! Both name a directory that cmd/go uses without checking it is a Go tree, so a stale value is
//! worth reporting: a value that does not exist or is not a tree becomes a rejected candidate
//! with the reason. The env file line keeps its `file:line`.

use std::path::PathBuf;

use crate::env_vars;
use crate::envfile::UserEnvLocation;

use super::{Search, SearchStatus, Source, SourceKind, What};

pub(super) fn search(s: &mut Search<'_>) {
    goroot_var(s);
    env_file(s);
}

fn goroot_var(s: &mut Search<'_>) {
    let place = format!("${}", env_vars::GOROOT);
    match s.host.var_os(env_vars::GOROOT).filter(|v| !v.is_empty()) {
        Some(v) => {
            let path = s.host.absolute(&PathBuf::from(v));
            s.push(
                What::Dir(path.clone()),
                Source::new(SourceKind::GorootEnv, path, place.clone()),
            );
            s.place(
                SourceKind::GorootEnv,
                place,
                SearchStatus::Searched,
                1,
                None,
            );
        }
        None => s.place(SourceKind::GorootEnv, place, SearchStatus::NotSet, 0, None),
    }
}

fn env_file(s: &mut Search<'_>) {
    let user_env = s.user_env().clone();
    let kind = SourceKind::GoEnvFile;
    let path = match &user_env.location {
        UserEnvLocation::Off => {
            s.place(
                kind,
                "go env file",
                SearchStatus::NotSet,
                0,
                Some("GOENV=off".to_owned()),
            );
            return;
        }
        UserEnvLocation::Unavailable { reason } => {
            s.place(
                kind,
                "go env file",
                SearchStatus::NotSet,
                0,
                Some(reason.clone()),
            );
            return;
        }
        UserEnvLocation::File { .. } => match &user_env.path {
            Some(p) => p.clone(),
            None => return,
        },
    };
    let shown = path.display().to_string();
    if let Some(e) = &user_env.error {
        s.place(kind, shown, SearchStatus::Unreadable, 0, Some(e.clone()));
        return;
    }
    if user_env.file.is_none() {
        s.place(kind, shown, SearchStatus::Absent, 0, None);
        return;
    }
    match user_env
        .get(env_vars::GOROOT)
        .filter(|e| !e.value.is_empty())
    {
        Some(entry) => {
            let dir = s.host.absolute(&PathBuf::from(&entry.value));
            let mut source = Source::new(kind, dir.clone(), format!("{shown}:{}", entry.line));
            source.file = Some(path.clone());
            source.line = Some(entry.line);
            s.push(What::Dir(dir), source);
            s.place(kind, shown, SearchStatus::Searched, 1, None);
        }
        None => s.place(
            kind,
            shown,
            SearchStatus::Searched,
            0,
            Some("no GOROOT line".to_owned()),
        ),
    }
}
