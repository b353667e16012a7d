//! Go settings: the go env file itself, GOPATH, checksum verification, caches, cgo.

use std::path::Path;

use crate::doctor::facts::Facts;
use crate::doctor::finding::{sh_quote, Edit, Finding, Severity};
use crate::envfile::UserEnvLocation;
use crate::resolve::SettingSource;

use super::{at, running_version, shell_lines};

pub fn goenv_config_invalid(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    let minor = running_version(f).map(|v| v.minor());
    if let Some(x) = f.env.get("XDG_CONFIG_HOME").filter(|x| !x.is_empty()) {
        if !Path::new(x).is_absolute()
            && f.os != crate::host::Os::Windows
            && f.os != crate::host::Os::MacOs
        {
            let refused = minor.is_none_or(|m| m >= 24);
            out.push(
                Finding::new(
                    "goenv-config-invalid",
                    if refused {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    format!("XDG_CONFIG_HOME is relative ({x})"),
                )
                .evidence("XDG_CONFIG_HOME", x.clone(), Some("environment".to_owned()))
                .consequence(if refused {
                    "Go 1.24+ refuses it: no go env file is read (settings made with `go env -w` \
                     are ignored) and `go env -w` fails"
                        .to_owned()
                } else {
                    "go reads and writes the env file relative to whatever directory it runs in"
                        .to_owned()
                })
                .fix("make XDG_CONFIG_HOME an absolute path, or unset it"),
            );
        }
    }
    let Some(u) = &f.explanation.user_env else {
        return out;
    };
    if let UserEnvLocation::File {
        path,
        from: "GOENV",
    } = &u.location
    {
        let exists = u.file.is_some() || u.error.is_some();
        if !exists {
            out.push(
                Finding::new(
                    "goenv-config-invalid",
                    Severity::Warning,
                    format!("GOENV names {}, which does not exist", path.display()),
                )
                .evidence(
                    "GOENV",
                    path.display().to_string(),
                    Some("environment".to_owned()),
                )
                .consequence("settings saved with `go env -w` elsewhere are ignored")
                .fix("unset GOENV, or point it at the file `go env -w` wrote"),
            );
        }
    }
    if let Some(e) = &u.error {
        out.push(
            Finding::new(
                "goenv-config-invalid",
                Severity::Warning,
                "the go env file cannot be read",
            )
            .evidence("error", e.clone(), None)
            .consequence("go silently ignores it: the settings in it do not apply")
            .fix("fix its permissions, or remove it"),
        );
    }
    let file = u.path.clone().unwrap_or_default();
    if let Some(parsed) = &u.file {
        let mut bad: Vec<(usize, String, String)> = parsed
            .ignored
            .iter()
            .map(|i| (i.line, i.text.clone(), i.reason.to_owned()))
            .collect();
        for e in &parsed.entries {
            if e.value.ends_with('\r') {
                bad.push((
                    e.line,
                    format!("{}={}", e.key, e.value.trim_end()),
                    "CRLF line ending: the value ends in \\r".to_owned(),
                ));
            } else if e.value.starts_with(['"', '\'']) {
                bad.push((
                    e.line,
                    format!("{}={}", e.key, e.value),
                    "quotes are kept as part of the value".to_owned(),
                ));
            }
        }
        bad.sort();
        if !bad.is_empty() {
            let mut x = Finding::new(
                "goenv-config-invalid",
                Severity::Warning,
                format!("{} line(s) of the go env file are not what they seem", bad.len()),
            )
            .consequence("go ignores those lines, or reads values with stray characters")
            .fix("rewrite them as KEY=value, one per line, no quotes, no indentation (or use `go env -w`)");
            for (line, text, why) in bad {
                x = x
                    .evidence(
                        why,
                        text.clone(),
                        Some(format!("{}:{line}", file.display())),
                    )
                    .edit(Edit::RemoveLine {
                        file: file.clone(),
                        line,
                        text,
                    });
            }
            out.push(x);
        }
    }
    out
}

pub fn gopath_is_goroot(f: &Facts) -> Vec<Finding> {
    let Some(goroot) = f
        .explanation
        .goroot
        .as_deref()
        .or(f.explanation.local_goroot.as_deref())
    else {
        return Vec::new();
    };
    let root = crate::fs::clean(Path::new(goroot));
    let minor = running_version(f).map(|v| v.minor()).unwrap_or(99);
    f.gopath
        .iter()
        .filter(|g| g.starts_with(&root))
        .map(|g| {
            let same = **g == root;
            let source = f
                .setting("GOPATH")
                .map(|s| s.source.to_string())
                .unwrap_or_else(|| "default".to_owned());
            let warning = if minor >= 24 {
                format!("warning: both GOPATH and GOROOT are the same directory ({goroot}); see https://go.dev/wiki/InstallTroubleshooting")
            } else {
                format!("warning: GOPATH set to GOROOT ({goroot}) has no effect")
            };
            let mut x = Finding::new(
                "gopath-is-goroot",
                Severity::Warning,
                if same {
                    format!("GOPATH is GOROOT ({goroot})")
                } else {
                    format!("GOPATH {} lies inside GOROOT {goroot}", g.display())
                },
            )
            .evidence("GOPATH", g.display().to_string(), Some(source))
            .evidence("GOROOT", goroot.to_owned(), None)
            .consequence(if same {
                format!("go prints \"{warning}\"; modules and `go install` write into the Go tree")
            } else {
                "the module cache and installed tools land inside the Go tree and vanish with the \
                 next upgrade"
                    .to_owned()
            })
            .fix("unset GOPATH (default ~/go), or point it outside GOROOT");
            for e in shell_lines(f, "GOPATH") {
                x = x.evidence("GOPATH set by", e.text.clone(), Some(at(e))).edit(Edit::RemoveLine {
                    file: e.file.clone(),
                    line: e.line,
                    text: e.text.clone(),
                });
            }
            if let Some(SettingSource::UserEnvFile { path, .. }) = f.setting("GOPATH").map(|s| &s.source) {
                x = x.command("go env -u GOPATH").edit(Edit::UnsetGoEnv {
                    file: path.clone(),
                    key: "GOPATH".to_owned(),
                });
            }
            x
        })
        .collect()
}

/// A module pattern list that matches (nearly) everything.
fn broad(patterns: &str) -> Option<String> {
    patterns
        .split(',')
        .map(str::trim)
        .find(|p| *p == "*" || *p == "*/*" || p.starts_with("*.") && !p[2..].contains(['.', '/']))
        .map(str::to_owned)
}

pub fn insecure_go_env(f: &Facts) -> Vec<Finding> {
    let mut problems: Vec<(&str, String, String)> = Vec::new();
    let get = |k: &str| {
        f.setting(k)
            .map(|s| (s.value.trim().to_owned(), s.source.to_string()))
    };
    if let Some((v, src)) = get("GOSUMDB") {
        if v == "off" {
            problems.push(("GOSUMDB", v, src));
        }
    }
    if let Some((v, src)) = get("GOINSECURE") {
        problems.push(("GOINSECURE", v, src));
    }
    for key in ["GONOSUMDB", "GONOSUMCHECK", "GOPRIVATE"] {
        if let Some((v, src)) = get(key) {
            if broad(&v).is_some() || (key == "GONOSUMCHECK" && v == "1") {
                problems.push((key, v, src));
            }
        }
    }
    if let Some((v, src)) = get("GOFLAGS") {
        if v.split_whitespace()
            .any(|w| w == "-insecure" || w.starts_with("-insecure="))
        {
            problems.push(("GOFLAGS", v, src));
        }
    }
    if let Some((v, src)) = get("GOPROXY") {
        let plain = v
            .split([',', '|'])
            .any(|p| crate::dist::index::plain_http_off_this_machine(p.trim()));
        if plain {
            problems.push(("GOPROXY", v, src));
        }
    }
    if problems.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = problems.iter().map(|p| p.0).collect();
    let mut x = Finding::new(
        "insecure-go-env",
        Severity::Warning,
        format!("module verification is weakened by {}", names.join(", ")),
    )
    .consequence(
        "downloaded modules (and toolchains) are not checked against the checksum database: a \
         compromised proxy or network can change code without go noticing",
    )
    .fix("restore the defaults: GOSUMDB=sum.golang.org, an https GOPROXY, and GOPRIVATE/GONOSUMDB limited to your own module paths");
    for (key, value, source) in &problems {
        x = x.evidence(*key, value.clone(), Some(source.clone()));
        match f.setting(key).map(|s| &s.source) {
            Some(SettingSource::UserEnvFile { path, .. }) => {
                x = x
                    .command(format!("go env -u {key}"))
                    .edit(Edit::UnsetGoEnv {
                        file: path.clone(),
                        key: (*key).to_owned(),
                    });
            }
            Some(SettingSource::GorootGoEnv { path, line }) => {
                x = x.evidence(
                    "note",
                    format!("{key} comes from {}:{line}, the install's own defaults (a distribution patch); override it with `go env -w`", path.display()),
                    None,
                );
                if *key == "GOSUMDB" {
                    x = x.command("go env -w GOSUMDB=sum.golang.org");
                }
            }
            Some(SettingSource::Environment) => {
                x = x.command(format!("unset {key}"));
                for e in shell_lines(f, key) {
                    x = x
                        .evidence("set by", e.text.clone(), Some(at(e)))
                        .edit(Edit::RemoveLine {
                            file: e.file.clone(),
                            line: e.line,
                            text: e.text.clone(),
                        });
                }
            }
            _ => {}
        }
    }
    vec![x]
}

pub fn modcache_not_writable(f: &Facts) -> Vec<Finding> {
    let uid = f.uid;
    f.caches
        .iter()
        .filter(|c| c.exists && (!c.writable || !c.foreign.is_empty()))
        .map(|c| {
            let top_blocked = !c.writable;
            let mut x = Finding::new(
                "modcache-not-writable",
                if top_blocked {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                if top_blocked {
                    format!("{} {} is not writable by you", c.name, c.path.display())
                } else {
                    format!(
                        "parts of {} {} belong to another user",
                        c.name,
                        c.path.display()
                    )
                },
            )
            .evidence(c.name, c.path.display().to_string(), Some(c.source.clone()));
            if let Some(o) = c.owner {
                x = x.evidence("owner uid", o.to_string(), None);
            }
            if let Some(u) = uid {
                x = x.evidence("your uid", u.to_string(), None);
            }
            for (p, o) in c.foreign.iter().take(5) {
                x = x.evidence(
                    "owned by uid ".to_owned() + &o.to_string(),
                    p.display().to_string(),
                    None,
                );
            }
            let what = if c.name == "GOMODCACHE" {
                "go mod download, go get and builds that need a new module"
            } else {
                "every build"
            };
            x.consequence(format!(
                "{what} fail with \"permission denied\" (typically left by `sudo go …`)"
            ))
            .fix("give the directory back to your user")
            .command(format!(
                "sudo chown -R \"$(id -u):$(id -g)\" {}",
                sh_quote(&c.path.display().to_string())
            ))
        })
        .collect()
}

pub fn cgo_toolchain_missing(f: &Facts) -> Vec<Finding> {
    let cc = &f.cc;
    let minor = running_version(f).map(|v| v.minor()).unwrap_or(99);
    let explicit_on = cc.cgo_enabled.as_ref().is_some_and(|s| s.value == "1");
    let explicit_off = cc.cgo_enabled.as_ref().is_some_and(|s| s.value == "0");
    if explicit_off {
        return Vec::new();
    }
    let cc_set = cc.cc.is_some();
    let clt_missing = cc.developer_dir == Some(false) && cc.found.is_some();
    // Go 1.20+: with neither CGO_ENABLED nor CC set, a missing compiler turns cgo off.
    let on = explicit_on || cc_set || minor < 20 || clt_missing;
    if !on || (cc.found.is_some() && !clt_missing) {
        return Vec::new();
    }
    let mut x = Finding::new(
        "cgo-toolchain-missing",
        if explicit_on || cc_set || clt_missing {
            Severity::Error
        } else {
            Severity::Warning
        },
        if clt_missing {
            "cgo is on but the Command Line Tools are missing: /usr/bin/clang is only a shim"
                .to_owned()
        } else {
            format!(
                "cgo is on but the C compiler \"{}\" is not found",
                cc.compiler
            )
        },
    )
    .evidence(
        "C compiler",
        cc.compiler.clone(),
        cc.cc
            .as_ref()
            .map(|s| s.source.to_string())
            .or(Some("default".to_owned())),
    );
    if let Some(s) = &cc.cgo_enabled {
        x = x.evidence("CGO_ENABLED", s.value.clone(), Some(s.source.to_string()));
    }
    if let Some(p) = &cc.found {
        x = x.evidence("found", p.display().to_string(), Some("PATH".to_owned()));
    }
    if clt_missing {
        x = x
            .consequence("cgo builds (net, os/user with cgo, sqlite…) fail with \"xcrun: error: invalid active developer path\"")
            .fix("install the Command Line Tools (again, after a macOS upgrade), or build with CGO_ENABLED=0")
            .command("xcode-select --install");
    } else {
        x = x
            .consequence(format!(
                "packages that use cgo fail with \"cgo: C compiler \\\"{}\\\" not found\"",
                cc.compiler
            ))
            .fix("install a C compiler, or build without cgo (CGO_ENABLED=0)")
            .command(if f.os == crate::host::Os::MacOs {
                "xcode-select --install".to_owned()
            } else {
                "sudo apt-get install gcc   # or: go env -w CGO_ENABLED=0".to_owned()
            });
    }
    vec![x]
}
