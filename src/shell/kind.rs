//! Shell kinds: the shells whose startup files groot models, and how a program path or
//! `argv[0]` (`/bin/zsh`, `-bash`, `pwsh.exe`) maps to one.

use std::fmt;
use std::path::Path;

/// A shell family whose startup rules groot knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShellKind {
    /// A POSIX sh: dash, ash, or bash/zsh invoked as `sh`.
    Sh,
    Bash,
    Zsh,
    Fish,
    /// PowerShell 7 (`pwsh`) or Windows PowerShell.
    PowerShell,
}

impl ShellKind {
    /// Every kind, in a stable order.
    pub const ALL: [ShellKind; 5] = [
        ShellKind::Sh,
        ShellKind::Bash,
        ShellKind::Zsh,
        ShellKind::Fish,
        ShellKind::PowerShell,
    ];

    /// The kind of a shell named by a path or `argv[0]`: the basename, without a leading `-`
    /// (login convention) or a `.exe` suffix. Unknown shells (csh, nu, xonsh) give `None`.
    pub fn from_program(program: &str) -> Option<ShellKind> {
        let base = Path::new(program.trim())
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(program);
        let base = base.trim_start_matches('-');
        let lower = base.to_ascii_lowercase();
        let base = lower.strip_suffix(".exe").unwrap_or(&lower);
        match base {
            "sh" | "dash" | "ash" | "ksh" | "mksh" | "busybox" => Some(ShellKind::Sh),
            "bash" => Some(ShellKind::Bash),
            "zsh" => Some(ShellKind::Zsh),
            "fish" => Some(ShellKind::Fish),
            "pwsh" | "powershell" | "pwsh-preview" => Some(ShellKind::PowerShell),
            _ => None,
        }
    }

    /// The lowercase name used in output and JSON.
    pub fn name(self) -> &'static str {
        match self {
            ShellKind::Sh => "sh",
            ShellKind::Bash => "bash",
            ShellKind::Zsh => "zsh",
            ShellKind::Fish => "fish",
            ShellKind::PowerShell => "pwsh",
        }
    }

    /// Whether groot's static analyzer reads this shell's syntax.
    pub fn is_analyzable(self) -> bool {
        !matches!(self, ShellKind::PowerShell)
    }
}

impl fmt::Display for ShellKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_names_map_to_kinds() {
        assert_eq!(ShellKind::from_program("/bin/zsh"), Some(ShellKind::Zsh));
        assert_eq!(ShellKind::from_program("-bash"), Some(ShellKind::Bash));
        assert_eq!(
            ShellKind::from_program("/usr/bin/dash"),
            Some(ShellKind::Sh)
        );
        assert_eq!(
            ShellKind::from_program("pwsh.exe"),
            Some(ShellKind::PowerShell)
        );
        assert_eq!(
            ShellKind::from_program("/opt/homebrew/bin/fish"),
            Some(ShellKind::Fish)
        );
        assert_eq!(ShellKind::from_program("/bin/tcsh"), None);
    }
}
