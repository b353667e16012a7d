use super::*;
use crate::fs::MemFs;
use crate::shell::contexts::{predict_all, Inputs};
use crate::shell::platform::Distro;

fn session(home: &str, shell: &str) -> Env {
    [("HOME", home), ("SHELL", shell), ("USER", "me")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn gaps(fs: &MemFs, platform: &Platform, env: &Env) -> Vec<Gap> {
    let preds = predict_all(Inputs {
        fs,
        platform,
        session: env,
        dir: None,
    });
    find_gaps(&GapInputs {
        fs,
        platform,
        session: env,
        predictions: &preds,
    })
}

fn files_of(g: &Gap) -> Vec<String> {
    g.edits
        .iter()
        .map(|e| e.file.display().to_string())
        .collect()
}

#[test]
fn bashrc_only_reaches_login_contexts_through_bash_profile() {
    let fs = MemFs::new()
        .file(
            "/home/me/.bashrc",
            "case $- in *i*) ;; *) return;; esac\nexport PATH=\"$HOME/go1/bin:$PATH\"\n",
        )
        .file("/home/me/.bash_profile", "export EDITOR=vi\n")
        .file("/home/me/go1/bin/go", "");
    let p = Platform::linux(Distro::Debian);
    let g = gaps(&fs, &p, &session("/home/me", "/bin/bash"));
    let gap = g
        .iter()
        .find(|g| g.code == "startup-context-gap")
        .expect("gap");
    let Detail::ContextGap {
        present, missing, ..
    } = &gap.detail
    else {
        panic!("detail")
    };
    assert!(present.contains(&ContextId::Terminal));
    let missing: Vec<ContextId> = missing.iter().map(|m| m.context).collect();
    assert!(missing.contains(&ContextId::SshLogin), "{missing:?}");
    assert!(missing.contains(&ContextId::SshCommand), "{missing:?}");
    assert!(!missing.contains(&ContextId::Cron), "cron is not fixable");
    let files = files_of(gap);
    assert!(
        files.contains(&"/home/me/.bash_profile".to_string()),
        "{files:?}"
    );
    let bashrc = gap
        .edits
        .iter()
        .find(|e| e.file.ends_with(".bashrc"))
        .expect("bashrc edit for ssh host cmd");
    assert_eq!(bashrc.placement, Placement::Top);
}

#[test]
fn zsh_on_macos_goes_to_zprofile_and_zshrc_not_zshenv() {
    let fs = MemFs::new()
        .file(
            "/Users/me/.zshrc",
            "if [[ -o interactive ]]; then export PATH=/Users/me/sdk/go/bin:$PATH; fi\n",
        )
        .file("/Users/me/sdk/go/bin/go", "");
    let p = Platform::macos();
    let env = session("/Users/me", "/bin/zsh");
    let preds = predict_all(Inputs {
        fs: &fs,
        platform: &p,
        session: &env,
        dir: None,
    });
    let inp = GapInputs {
        fs: &fs,
        platform: &p,
        session: &env,
        predictions: &preds,
    };
    let target = |id: ContextId| {
        preds
            .iter()
            .find(|x| x.context.id == id)
            .and_then(|x| target_for(&inp, x))
            .map(|t| t.file.display().to_string())
    };
    assert_eq!(
        target(ContextId::Terminal).as_deref(),
        Some("/Users/me/.zprofile")
    );
    assert_eq!(
        target(ContextId::SshCommand).as_deref(),
        Some("/Users/me/.zshenv")
    );
    assert_eq!(target(ContextId::GuiApp), None);
    assert_eq!(target(ContextId::Cron), None);
}

#[test]
fn stale_goroot_inside_an_if_is_unset_instead_of_commented() {
    let fs = MemFs::new()
        .file(
            "/home/me/.zshenv",
            "export GOROOT=/gone/go\nif true; then\n  export GOROOT=/gone/too\nfi\n",
        )
        .file("/home/me/.zshrc", "export GOROOT=/gone/zshrc\n");
    let p = Platform::linux(Distro::Debian);
    let g = gaps(&fs, &p, &session("/home/me", "/usr/bin/zsh"));
    let stale: Vec<&Gap> = g
        .iter()
        .filter(|g| g.code == "goroot-env-missing")
        .collect();
    // /gone/go is overridden in every context, so only the two final values count.
    assert_eq!(stale.len(), 2, "{stale:#?}");
    let inner = stale
        .iter()
        .find(|g| g.summary.contains("/gone/too"))
        .expect("inner");
    assert!(inner.edits[0].comment_out.is_empty());
    assert_eq!(
        inner.edits[0].lines,
        [BlockLine::UnsetVar {
            name: "GOROOT".into()
        }]
    );
    let rc = stale
        .iter()
        .find(|g| g.summary.contains("/gone/zshrc"))
        .expect("zshrc");
    assert_eq!(rc.edits[0].comment_out[0].line, 1);
}

#[test]
fn several_managers_are_reported_with_their_hooks() {
    let fs = MemFs::new()
        .file(
            "/home/me/.zshrc",
            "eval \"$(goenv init -)\"\nsource ~/.gvm/scripts/gvm\neval \"$(mise activate zsh)\"\n",
        )
        .file("/home/me/.gvm/scripts/gvm", "");
    let p = Platform::linux(Distro::Debian);
    let g = gaps(&fs, &p, &session("/home/me", "/usr/bin/zsh"));
    let m = g
        .iter()
        .find(|g| g.code == "multiple-managers")
        .expect("managers");
    let Detail::Managers { hooks } = &m.detail else {
        panic!("detail")
    };
    let lines: Vec<usize> = hooks.iter().map(|(_, p)| p.line).collect();
    assert_eq!(lines, [1, 2, 3]);
    assert!(m.edits.is_empty());
}

#[test]
fn settings_of_other_shells_are_used_only_when_the_shell_sets_no_go() {
    let base = MemFs::new()
        .file("/home/me/.profile", "PATH=\"$HOME/old/bin:$PATH\"\n")
        .file("/home/me/old/bin/go", "")
        .file("/home/me/new/bin/go", "");
    let p = Platform::linux(Distro::Debian);
    let env = session("/home/me", "/usr/bin/zsh");
    let g = gaps(&base, &p, &env);
    assert!(g
        .iter()
        .any(|g| g.code == "startup-context-gap" && files_of(g) == ["/home/me/.zshenv"]));
    let with_own = base.file("/home/me/.zshenv", "path=($HOME/new/bin $path)\n");
    let g = gaps(&with_own, &p, &env);
    assert!(g.is_empty(), "{g:#?}");
}

/// What a project's `.envrc` does (direnv, at the prompt of the contexts that show one) is
/// meant for that directory: neither a gap for the contexts without a prompt, nor a gap for a
/// startup setting it overrides, nor a go "shadowing" the user's.
#[test]
fn an_envrc_makes_no_gap() {
    let envrc = "PATH_add /sdk/go1.22/bin\nexport GOFLAGS=-mod=vendor\n";
    let allow = crate::shell::startup::simulate::allow_file(
        Path::new("/home/me/.local/share/direnv"),
        Path::new("/home/me/p/.envrc"),
        envrc.as_bytes(),
    );
    let fs = MemFs::new()
        .file(
            "/home/me/.bashrc",
            "export PATH=/usr/local/go/bin:$PATH\nexport GOFLAGS=-mod=mod\neval \"$(direnv hook bash)\"\n",
        )
        .file("/home/me/.profile", ". \"$HOME/.bashrc\"\n")
        .file("/usr/bin/direnv", "")
        .file("/usr/local/go/bin/go", "")
        .file("/sdk/go1.22/bin/go", "")
        .file("/home/me/p/.envrc", envrc)
        .file(allow, "/home/me/p/.envrc\n");
    let p = Platform::linux(Distro::Debian);
    let env = session("/home/me", "/bin/bash");
    let preds = predict_all(Inputs {
        fs: &fs,
        platform: &p,
        session: &env,
        dir: Some(Path::new("/home/me/p")),
    });
    let term = preds
        .iter()
        .find(|p| p.context.id == ContextId::Terminal)
        .expect("terminal");
    assert_eq!(term.path[0], "/sdk/go1.22/bin");
    assert_eq!(term.var("GOFLAGS").as_deref(), Some("-mod=vendor"));
    let g = find_gaps(&GapInputs {
        fs: &fs,
        platform: &p,
        session: &env,
        predictions: &preds,
    });
    assert!(g.is_empty(), "{g:#?}");
}
