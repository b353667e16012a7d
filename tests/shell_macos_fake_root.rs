//! macOS startup on a fake root: `/etc/paths`, `/etc/paths.d`, `/etc/zprofile` calling
//! path_helper, Homebrew's `brew shellenv` and an official .pkg Go, laid out in a temp dir and
//! read through a rooted `Fs`. Checks which `go` each context finds.

use std::fs;
use std::path::{Path, PathBuf};

use groot::fs::Fs;
use groot::shell::contexts::{contexts, predict, ContextId, Inputs};
use groot::shell::{Os, Platform};

fn put(root: &Path, logical: &str, text: &str) {
    let p = root.join(logical.trim_start_matches('/'));
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

fn layout(root: &Path, zshenv: &str, zprofile: &str) {
    put(root, "/usr/libexec/path_helper", "");
    put(
        root,
        "/etc/paths",
        "/usr/local/bin\n/usr/bin\n/bin\n/usr/sbin\n/sbin\n",
    );
    put(root, "/etc/paths.d/go", "/usr/local/go/bin\n");
    put(
        root,
        "/etc/paths.d/10-cryptex",
        "/System/Cryptexes/App/usr/bin\n",
    );
    put(root, "/etc/zprofile", "if [ -z \"$LANG\" ]; then export LANG=C.UTF-8; fi\nif [ -x /usr/libexec/path_helper ]; then\n\teval `/usr/libexec/path_helper -s`\nfi\n");
    put(root, "/etc/zshrc", "PS1=\"%n@%m %1~ %# \"\n[ -r \"/etc/zshrc_$TERM_PROGRAM\" ] && . \"/etc/zshrc_$TERM_PROGRAM\"\n");
    put(root, "/usr/local/go/bin/go", "");
    put(root, "/opt/homebrew/bin/go", "");
    put(root, "/opt/homebrew/bin/brew", "");
    put(root, "/Users/me/.zshenv", zshenv);
    put(root, "/Users/me/.zprofile", zprofile);
}

fn which(root: &Path, id: ContextId) -> (Option<PathBuf>, Vec<String>) {
    let fs = Fs::rooted(root.to_path_buf());
    let platform = Platform::macos().with_uid(501);
    let session = [("HOME", "/Users/me"), ("SHELL", "/bin/zsh"), ("USER", "me")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let inputs = Inputs {
        fs: &fs,
        platform: &platform,
        session: &session,
        dir: None,
    };
    let ctx = contexts(Os::MacOs)
        .into_iter()
        .find(|c| c.id == id)
        .expect("context");
    let p = predict(inputs, &ctx);
    (p.which_go.found.clone(), p.path)
}

#[test]
fn homebrew_in_zshenv_loses_to_the_pkg_go_in_login_shells() {
    let tmp = tempfile::tempdir().expect("tmp");
    layout(tmp.path(), "export PATH=/opt/homebrew/bin:$PATH\n", "");
    let (term, path) = which(tmp.path(), ContextId::Terminal);
    assert_eq!(
        term,
        Some(PathBuf::from("/usr/local/go/bin/go")),
        "{path:?}"
    );
    // paths.d files are read in path_helper's order: numeric prefixes first.
    let cryptex = path
        .iter()
        .position(|d| d == "/System/Cryptexes/App/usr/bin");
    let pkg = path.iter().position(|d| d == "/usr/local/go/bin");
    assert!(cryptex < pkg);
    // A GUI app gets launchd's PATH and no go at all.
    assert_eq!(which(tmp.path(), ContextId::GuiApp).0, None);
    // `ssh host cmd` runs zsh -c: ~/.zshenv only, no path_helper.
    assert_eq!(
        which(tmp.path(), ContextId::SshCommand).0,
        Some(PathBuf::from("/opt/homebrew/bin/go"))
    );
}

#[test]
fn brew_shellenv_in_zprofile_wins_in_login_shells() {
    let tmp = tempfile::tempdir().expect("tmp");
    layout(
        tmp.path(),
        "",
        "eval \"$(/opt/homebrew/bin/brew shellenv)\"\n",
    );
    for id in [
        ContextId::Terminal,
        ContextId::VscodeEnv,
        ContextId::VscodeTerminal,
        ContextId::GolandEnv,
        ContextId::Tmux,
    ] {
        let (go, path) = which(tmp.path(), id);
        assert_eq!(
            go,
            Some(PathBuf::from("/opt/homebrew/bin/go")),
            "{id:?}: {path:?}"
        );
        assert_eq!(path[0], "/opt/homebrew/bin", "{id:?}");
    }
    // Cron never reads .zprofile and has no /opt/homebrew/bin.
    assert_eq!(which(tmp.path(), ContextId::Cron).0, None);
}
