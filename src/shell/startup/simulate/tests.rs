use super::*;
use crate::fs::MemFs;
use crate::shell::startup::rules::Mode;

fn env(pairs: &[(&str, &str)]) -> Env {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn base_env() -> Env {
    env(&[("HOME", "/home/me"), ("PATH", "/usr/bin:/bin")])
}

fn debian() -> Platform {
    Platform::linux(Distro::Debian).with_uid(1000)
}

fn sim(fs: &MemFs, shell: ShellKind, mode: Mode) -> Simulation {
    simulate(fs, &debian(), &Invocation::new(shell, mode), &base_env())
}

#[test]
fn zshrc_only_settings_miss_non_interactive_zsh() {
    let fs = MemFs::new().file(
        "/home/me/.zshrc",
        "export PATH=\"$HOME/go/bin:$PATH\"\nexport GOPATH=~/go\n",
    );
    let i = sim(&fs, ShellKind::Zsh, Mode::INTERACTIVE);
    assert_eq!(i.path(), ["/home/me/go/bin", "/usr/bin", "/bin"]);
    assert_eq!(i.var("GOPATH").as_deref(), Some("/home/me/go"));
    let c = sim(&fs, ShellKind::Zsh, Mode::NON_INTERACTIVE);
    assert_eq!(c.path(), ["/usr/bin", "/bin"]);
    assert_eq!(c.var("GOPATH"), None);
    let e = i.effects_on("GOPATH").next().cloned();
    let e = e.expect("an effect on GOPATH");
    assert_eq!(
        (e.file.as_path(), e.line),
        (Path::new("/home/me/.zshrc"), 2)
    );
    assert_eq!(e.text, "export GOPATH=~/go");
}

#[test]
fn bash_login_takes_first_profile_only() {
    let fs = MemFs::new()
        .file("/home/me/.bash_profile", "export GOROOT=/a\n")
        .file("/home/me/.profile", "export GOROOT=/b\n")
        .file("/home/me/.bashrc", "export GOBIN=/c\n");
    let s = sim(&fs, ShellKind::Bash, Mode::LOGIN_INTERACTIVE);
    assert_eq!(s.var("GOROOT").as_deref(), Some("/a"));
    assert_eq!(s.var("GOBIN"), None);
    assert!(s
        .files
        .iter()
        .all(|f| f.path != Path::new("/home/me/.profile")));
}

#[test]
fn sourcing_follows_files_with_a_cycle_guard() {
    let fs = MemFs::new()
        .file(
            "/home/me/.bash_profile",
            "[ -f ~/.bashrc ] && . ~/.bashrc\n",
        )
        .file(
            "/home/me/.bashrc",
            "source ~/.go.sh\nexport GOTOOLCHAIN=local\n",
        )
        .file(
            "/home/me/.go.sh",
            "GOPROXY=direct; export GOPROXY\n. ~/.bashrc\n",
        );
    let s = sim(&fs, ShellKind::Bash, Mode::LOGIN);
    assert_eq!(s.var("GOTOOLCHAIN").as_deref(), Some("local"));
    assert_eq!(s.var("GOPROXY").as_deref(), Some("direct"));
    assert!(s
        .effects
        .iter()
        .any(|e| matches!(&e.kind, EffectKind::Unknown { why } if why.contains("cycle"))));
    let proxy: Vec<_> = s.effects_on("GOPROXY").collect();
    assert_eq!(proxy.len(), 2, "set, then export: {proxy:?}");
    assert!(matches!(
        proxy[0].kind,
        EffectKind::Set {
            exported: false,
            ..
        }
    ));
}

#[test]
fn debian_bashrc_returns_early_when_not_interactive() {
    let fs = MemFs::new().file(
        "/home/me/.bashrc",
        "case $- in\n    *i*) ;;\n      *) return;;\nesac\nexport GOPATH=/gp\n",
    );
    let ssh = Invocation {
        ssh_command: true,
        ..Invocation::new(ShellKind::Bash, Mode::NON_INTERACTIVE)
    };
    let s = simulate(&fs, &debian(), &ssh, &base_env());
    assert!(s
        .files
        .iter()
        .any(|f| f.path == Path::new("/home/me/.bashrc") && f.exists));
    assert_eq!(s.var("GOPATH"), None);
    let i = sim(&fs, ShellKind::Bash, Mode::INTERACTIVE);
    assert_eq!(i.var("GOPATH").as_deref(), Some("/gp"));
}

#[test]
fn command_substitutions_stay_unresolved() {
    let fs = MemFs::new().file(
        "/home/me/.zshenv",
        "export PATH=\"$(go env GOPATH)/bin:$PATH\"\n",
    );
    let s = sim(&fs, ShellKind::Zsh, Mode::NON_INTERACTIVE);
    let path = s.path();
    assert_eq!(path.len(), 3);
    assert!(!is_resolved(&path[0]));
    assert_eq!(display_value(&path[0]), "$(go env GOPATH)/bin");
    let e = s.effects_on("PATH").next().cloned().expect("effect");
    assert!(matches!(
        e.kind,
        EffectKind::Set {
            resolved: false,
            ..
        }
    ));
}

#[test]
fn undecidable_conditions_mark_effects_uncertain() {
    let fs = MemFs::new().file(
        "/home/me/.zshenv",
        "if some_command; then\n  export GOROOT=/a\nelse\n  export GOROOT=/b\nfi\nif [ -d /nope ]; then export GOBIN=/x; fi\n",
    );
    let s = sim(&fs, ShellKind::Zsh, Mode::NON_INTERACTIVE);
    let eff: Vec<_> = s.effects_on("GOROOT").collect();
    assert_eq!(eff.len(), 2);
    assert!(eff.iter().all(|e| !e.certain));
    assert_eq!(s.var("GOROOT").as_deref(), Some("/a"));
    assert_eq!(s.var("GOBIN"), None);
    assert!(s.effects_on("GOBIN").next().is_none());
}

#[test]
fn zdotdir_set_in_zshenv_moves_later_files() {
    let fs = MemFs::new()
        .file("/home/me/.zshenv", "export ZDOTDIR=$HOME/.config/zsh\n")
        .file(
            "/home/me/.config/zsh/.zprofile",
            "export GOPATH=/from-zdotdir\n",
        )
        .file("/home/me/.zprofile", "export GOPATH=/from-home\n");
    let s = sim(&fs, ShellKind::Zsh, Mode::LOGIN);
    assert_eq!(s.var("GOPATH").as_deref(), Some("/from-zdotdir"));
}

#[test]
fn no_global_rcs_skips_etc_zprofile() {
    let fs = MemFs::new()
        .file("/etc/zsh/zprofile", "export GOROOT=/global\n")
        .file("/home/me/.zshenv", "setopt no_global_rcs\n");
    let s = sim(&fs, ShellKind::Zsh, Mode::LOGIN);
    assert_eq!(s.var("GOROOT"), None);
    assert!(s.effects.iter().any(
        |e| matches!(&e.kind, EffectKind::ZshOption { name, on: false } if name == "globalrcs")
    ));
}

#[test]
fn debian_etc_profile_resets_path_and_runs_profile_d() {
    let etc_profile = "if [ \"$(id -u)\" -eq 0 ]; then\n  PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\nelse\n  PATH=\"/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games\"\nfi\nexport PATH\nif [ -d /etc/profile.d ]; then\n  for i in /etc/profile.d/*.sh; do\n    if [ -r $i ]; then\n      . $i\n    fi\n  done\n  unset i\nfi\n";
    let fs = MemFs::new()
        .file("/etc/profile", etc_profile)
        .file(
            "/etc/profile.d/go.sh",
            "export PATH=$PATH:/usr/local/go/bin\n",
        )
        .file("/etc/profile.d/skip.txt", "export PATH=/nope\n");
    let e = env(&[("HOME", "/home/me"), ("PATH", "/custom/bin:/usr/bin")]);
    let s = simulate(
        &fs,
        &debian(),
        &Invocation::new(ShellKind::Sh, Mode::LOGIN),
        &e,
    );
    assert_eq!(
        s.path(),
        [
            "/usr/local/bin",
            "/usr/bin",
            "/bin",
            "/usr/local/games",
            "/usr/games",
            "/usr/local/go/bin"
        ]
    );
}

#[test]
fn macos_path_helper_reorders_zshenv_path() {
    let fs = MemFs::new()
        .file("/usr/libexec/path_helper", "")
        .file(
            "/etc/paths",
            "/usr/local/bin\n/usr/bin\n/bin\n/usr/sbin\n/sbin\n",
        )
        .file("/etc/paths.d/go", "/usr/local/go/bin\n")
        .file(
            "/etc/zprofile",
            "if [ -x /usr/libexec/path_helper ]; then\n\teval `/usr/libexec/path_helper -s`\nfi\n",
        )
        .file("/Users/me/.zshenv", "export PATH=/opt/homebrew/bin:$PATH\n")
        .file("/opt/homebrew/bin/go", "")
        .file("/usr/local/go/bin/go", "");
    let e = env(&[
        ("HOME", "/Users/me"),
        ("PATH", "/usr/bin:/bin:/usr/sbin:/sbin"),
    ]);
    let login = simulate(
        &fs,
        &Platform::macos(),
        &Invocation::new(ShellKind::Zsh, Mode::LOGIN_INTERACTIVE),
        &e,
    );
    assert_eq!(
        login.path(),
        [
            "/usr/local/bin",
            "/usr/bin",
            "/bin",
            "/usr/sbin",
            "/sbin",
            "/usr/local/go/bin",
            "/opt/homebrew/bin"
        ]
    );
    assert_eq!(
        login.which_go(&fs).found,
        Some(PathBuf::from("/usr/local/go/bin/go"))
    );
    let script = simulate(
        &fs,
        &Platform::macos(),
        &Invocation::new(ShellKind::Zsh, Mode::NON_INTERACTIVE),
        &e,
    );
    assert_eq!(
        script.which_go(&fs).found,
        Some(PathBuf::from("/opt/homebrew/bin/go"))
    );
    assert!(login.hooks().iter().any(|(m, _)| *m == Manager::PathHelper));
}

#[test]
fn brew_shellenv_moves_homebrew_first_on_macos() {
    let fs = MemFs::new().file(
        "/Users/me/.zprofile",
        "eval \"$(/opt/homebrew/bin/brew shellenv)\"\n",
    );
    let e = env(&[
        ("HOME", "/Users/me"),
        ("PATH", "/usr/bin:/opt/homebrew/bin:/bin"),
    ]);
    let s = simulate(
        &fs,
        &Platform::macos(),
        &Invocation::new(ShellKind::Zsh, Mode::LOGIN),
        &e,
    );
    assert_eq!(
        s.path(),
        [
            "/opt/homebrew/bin",
            "/opt/homebrew/sbin",
            "/usr/bin",
            "/bin"
        ]
    );
    assert_eq!(s.var("HOMEBREW_PREFIX").as_deref(), Some("/opt/homebrew"));
}

#[test]
fn managers_hooks_are_named() {
    let fs = MemFs::new()
        .file("/home/me/.bashrc", "eval \"$(goenv init -)\"\n. \"$HOME/.asdf/asdf.sh\"\neval \"$(mise activate bash)\"\nsource ~/.gvm/scripts/gvm\n")
        .file("/home/me/.asdf/asdf.sh", "# big script\n")
        .file("/home/me/.gvm/scripts/gvm", "# big script\n")
        .file("/home/me/.gvm/environments/default", "export GOROOT; GOROOT=\"$HOME/.gvm/gos/go1.21\"\nexport PATH=\"$GOROOT/bin:$PATH\"\n");
    let s = sim(&fs, ShellKind::Bash, Mode::INTERACTIVE);
    let managers: Vec<Manager> = s.hooks().iter().map(|(m, _)| *m).collect();
    assert_eq!(
        managers,
        [Manager::Goenv, Manager::Asdf, Manager::Mise, Manager::Gvm]
    );
    assert_eq!(s.var("GOROOT").as_deref(), Some("/home/me/.gvm/gos/go1.21"));
    // goenv 2.2 appends its shims; asdf prepends its bin and then its shims; mise its shims.
    assert_eq!(
        s.path()[..4],
        [
            "/home/me/.gvm/gos/go1.21/bin",
            "/home/me/.local/share/mise/shims",
            "/home/me/.asdf/shims",
            "/home/me/.asdf/bin",
        ]
    );
    assert_eq!(
        s.path().last().map(String::as_str),
        Some("/home/me/.goenv/shims")
    );
}

#[test]
fn unrecognized_eval_is_unknown_not_guessed() {
    let fs = MemFs::new().file("/home/me/.zshenv", "eval \"$(some-tool env)\"\n");
    let s = sim(&fs, ShellKind::Zsh, Mode::NON_INTERACTIVE);
    assert!(s.effects.iter().any(|e| e.line == 1
        && matches!(&e.kind, EffectKind::Unknown { why } if why.contains("some-tool env"))));
    assert_eq!(s.path(), ["/usr/bin", "/bin"]);
}

#[test]
fn fish_universal_and_fish_add_path() {
    let fs = MemFs::new()
        .dir("/usr/local/go/bin")
        .dir("/home/me/go/bin")
        .file(
            "/home/me/.config/fish/fish_variables",
            "# VERSION: 3.0\nSETUVAR --export --path GOPATH:/opt/g\\x20p\nSETUVAR fish_user_paths:/usr/local/go/bin\n",
        )
        .file("/home/me/.config/fish/config.fish", "fish_add_path -a /home/me/go/bin /does/not/exist\nset -gx GOTOOLCHAIN local\n");
    let s = sim(&fs, ShellKind::Fish, Mode::NON_INTERACTIVE);
    assert_eq!(
        s.path(),
        ["/usr/local/go/bin", "/home/me/go/bin", "/usr/bin", "/bin"]
    );
    assert_eq!(s.var("GOPATH").as_deref(), Some("/opt/g p"));
    assert_eq!(s.var("GOTOOLCHAIN").as_deref(), Some("local"));
}

#[test]
fn fish_conf_d_runs_user_then_system_then_vendor_once_per_name() {
    let fs = MemFs::new()
        .file(
            "/home/me/.config/fish/conf.d/same.fish",
            "set -gx GOFLAGS user\n",
        )
        .file("/etc/fish/conf.d/same.fish", "set -gx GOFLAGS system\n")
        .file("/etc/fish/conf.d/b.fish", "set -gx GOBIN /sys\n")
        .file(
            "/usr/share/fish/vendor_conf.d/a.fish",
            "set -gx GOBIN /vendor\n",
        );
    let s = sim(&fs, ShellKind::Fish, Mode::LOGIN);
    assert_eq!(s.var("GOFLAGS").as_deref(), Some("user"));
    assert_eq!(s.var("GOBIN").as_deref(), Some("/vendor"));
}

#[test]
fn fish_login_conditions_and_brew() {
    let fs = MemFs::new().file(
        "/home/me/.config/fish/config.fish",
        "if status is-login\n    /home/linuxbrew/.linuxbrew/bin/brew shellenv | source\nend\nif status --is-interactive; and not set -q GOROOT\n    set -gx GOROOT /usr/lib/go\nend\n",
    );
    let l = sim(&fs, ShellKind::Fish, Mode::LOGIN);
    assert_eq!(l.path()[0], "/home/linuxbrew/.linuxbrew/bin");
    assert_eq!(l.var("GOROOT"), None);
    let i = sim(&fs, ShellKind::Fish, Mode::INTERACTIVE);
    assert_eq!(i.path()[0], "/usr/bin");
    assert_eq!(i.var("GOROOT").as_deref(), Some("/usr/lib/go"));
}

#[test]
fn bash_env_is_read_last_by_non_interactive_bash() {
    let fs = MemFs::new()
        .file("/ci/env.sh", "export GOFLAGS=-mod=mod\n")
        .file("/home/me/.bash_profile", "export GOFLAGS=profile\n");
    let mut e = base_env();
    e.insert("BASH_ENV".into(), "/ci/env.sh".into());
    let s = simulate(&fs, &debian(), &Invocation::bash_ci(), &e);
    assert_eq!(s.var("GOFLAGS").as_deref(), Some("-mod=mod"));
    let l = simulate(
        &fs,
        &debian(),
        &Invocation::new(ShellKind::Bash, Mode::LOGIN),
        &e,
    );
    assert_eq!(l.var("GOFLAGS").as_deref(), Some("-mod=mod"));
}

#[test]
fn zsh_path_array_and_typeset_unique() {
    let fs = MemFs::new().file(
        "/home/me/.zshenv",
        "typeset -U path PATH\npath=(/home/me/go/bin $path /usr/bin)\npath+=(/opt/x)\n",
    );
    let s = sim(&fs, ShellKind::Zsh, Mode::NON_INTERACTIVE);
    assert_eq!(s.path(), ["/home/me/go/bin", "/usr/bin", "/bin", "/opt/x"]);
}

#[test]
fn functions_run_when_called() {
    let fs = MemFs::new().file(
        "/home/me/.bashrc",
        "pathmunge () {\n  case \":${PATH}:\" in\n    *:\"$1\":*) ;;\n    *) PATH=$PATH:$1 ;;\n  esac\n}\npathmunge /usr/local/go/bin\npathmunge /usr/bin\nexport PATH\n",
    );
    let s = sim(&fs, ShellKind::Bash, Mode::INTERACTIVE);
    assert_eq!(s.path(), ["/usr/bin", "/bin", "/usr/local/go/bin"]);
}

#[test]
fn analyze_file_reports_effects_with_lines() {
    let fs = MemFs::new().file(
        "/x/go.sh",
        "\n\nexport GOROOT=/usr/local/go # old\nunset GOBIN\n",
    );
    let s = analyze_file(
        &fs,
        &debian(),
        ShellKind::Sh,
        Path::new("/x/go.sh"),
        &base_env(),
    );
    let lines: Vec<(Option<&str>, usize)> = s
        .effects
        .iter()
        .map(|e| (e.var.as_deref(), e.line))
        .collect();
    assert_eq!(lines, [(Some("GOROOT"), 3), (Some("GOBIN"), 4)]);
}

/// Found by fuzzing (`tests/regressions/startup_sh/runaway-recursion-bind2maps`): a function
/// that calls itself several times per level ran `calls^16` statements before the depth limit
/// stopped it. The statement budget ends the analysis quickly and says so.
#[test]
fn runaway_recursion_stops_at_the_statement_budget() {
    for (shell, text) in [
        (
            ShellKind::Bash,
            "f() { f; f; f; f; }\nf\nexport GOROOT=/x\n",
        ),
        (
            ShellKind::Fish,
            "function f; f; f; f; f; end\nf\nset -gx GOROOT /x\n",
        ),
    ] {
        let fs = MemFs::new().file("/x/rc", text);
        let started = std::time::Instant::now();
        let s = analyze_file(&fs, &debian(), shell, Path::new("/x/rc"), &base_env());
        assert!(
            started.elapsed().as_secs() < 20,
            "{shell:?} took {:?}",
            started.elapsed()
        );
        assert!(
            s.effects.iter().any(|e| matches!(&e.kind,
                EffectKind::Unknown { why } if why.contains("statements"))),
            "{shell:?}: {:#?}",
            s.effects
        );
    }
}

/// Values and list products are bounded: forty lines of `X=$X$X` (sh) or a product of long
/// fish lists used to ask for gigabytes and abort.
#[test]
fn doubling_values_and_list_products_stay_bounded() {
    let sh = format!(
        "X=aaaaaaaaaaaaaaaa\n{}export PATH=\"$X:$PATH\"\n",
        "X=$X$X\n".repeat(40)
    );
    let fish = format!(
        "set X a b c d e f g h\n{}set Y $X$X$X\nset -gx PATH $Y $PATH\n",
        "set X $X $X\n".repeat(8)
    );
    for (shell, text) in [(ShellKind::Bash, sh), (ShellKind::Fish, fish)] {
        let fs = MemFs::new().file("/x/rc", text);
        let s = analyze_file(&fs, &debian(), shell, Path::new("/x/rc"), &base_env());
        let path = s.env.get("PATH").cloned().unwrap_or_default();
        assert!(
            path.len() < 200 * 1024,
            "{shell:?}: PATH of {} bytes",
            path.len()
        );
        assert!(
            !is_resolved(&path),
            "{shell:?}: the oversized part stays unresolved"
        );
    }
}

/// The parse cache serves repeated reads of one file but does not grow without bound when a
/// long-lived caller analyses file after file.
#[test]
fn the_parse_cache_is_bounded() {
    let a = parsed(false, b"export A=1\n");
    assert!(std::rc::Rc::ptr_eq(&a, &parsed(false, b"export A=1\n")));
    for i in 0..1000 {
        let _ = parsed(i % 2 == 0, format!("export V{i}=1\n").as_bytes());
        let (files, bytes) = parse_cache_size();
        assert!(
            files <= PARSE_CACHE_FILES && bytes <= PARSE_CACHE_BYTES,
            "{files} {bytes}"
        );
    }
    let big = vec![b'#'; PARSE_CACHE_BYTES / 2 + 1];
    let _ = parsed(false, &big);
    let _ = parsed(false, &big[1..]);
    assert!(parse_cache_size().1 <= PARSE_CACHE_BYTES);
}

#[test]
fn goenv_init_appends_shims_and_exports_the_selected_version() {
    let base = MemFs::new()
        .file("/home/me/.bashrc", "eval \"$(goenv init -)\"\n")
        .file(
            "/home/me/.goenv/libexec/goenv-init",
            "if [ \"${GOENV_PATH_ORDER:-}\" = front ]\n",
        )
        .file("/home/me/.goenv/version", "1.22\n")
        .dir("/home/me/.goenv/versions/1.22.9")
        .dir("/home/me/.goenv/versions/1.22.10");
    let s = sim(&base, ShellKind::Bash, Mode::INTERACTIVE);
    assert_eq!(
        s.path().last().map(String::as_str),
        Some("/home/me/.goenv/shims")
    );
    assert_eq!(
        s.var("GOROOT").as_deref(),
        Some("/home/me/.goenv/versions/1.22.10")
    );
    assert_eq!(s.var("GOPATH").as_deref(), Some("/home/me/go/1.22.10"));
    // ~/.goenvrc is read first: front order, and no GOROOT.
    let rc = base.clone().file(
        "/home/me/.goenvrc",
        "export GOENV_PATH_ORDER=front\nexport GOENV_DISABLE_GOROOT=1\n",
    );
    let s = sim(&rc, ShellKind::Bash, Mode::INTERACTIVE);
    assert_eq!(s.path()[0], "/home/me/.goenv/shims");
    assert_eq!(s.var("GOROOT"), None);
}

#[test]
fn groots_own_block_puts_its_shims_first() {
    let fs = MemFs::new()
        .file(
            "/home/me/.bashrc",
            "# >>> groot >>>\nif [ -x '/opt/my tools/groot' ]; then eval \"$('/opt/my tools/groot' init bash)\"; fi\n# <<< groot <<<\n",
        )
        .file("/opt/my tools/groot", "");
    let s = sim(&fs, ShellKind::Bash, Mode::INTERACTIVE);
    assert_eq!(s.path()[0], "/home/me/.local/share/groot/shims");
    assert_eq!(s.path().last().map(String::as_str), Some("/home/me/go/bin"));
}
