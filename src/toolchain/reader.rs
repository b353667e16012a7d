//! The real binary reader (wired once buildinfo lands).

use super::*;

/// Reads real files: ELF, Mach-O (incl. universal) and PE.
#[derive(Debug, Default, Clone, Copy)]
pub struct BinaryReader;

impl Inspect for BinaryReader {
    fn inspect(&self, fs: &Fs, path: &Path) -> Result<GoBinary, InspectError> {
        let real = fs.real_following(path).map_err(|e| InspectError::Unreadable {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        if let Some(interpreter) = script_interpreter(&real) {
            return Err(InspectError::Script {
                path: path.to_path_buf(),
                interpreter,
            });
        }
        let info = buildinfo::read_file(&real).map_err(|e| classify(path, e))?;
        let trimpath = info.trimpath();
        Ok(GoBinary {
            version: RuntimeVersion::parse(&info.go_version),
            goos: info.goos.clone(),
            goarch: info.goarch.clone(),
            archs: info.archs.clone(),
            trimpath,
            stamped_goroot: match &info.stamped_goroot {
                buildinfo::StampedGoroot::Known(s) => Stamped::Known(s.clone()),
                // cmd/go always links runtime.GOROOT, so a missing symbol means groot could
                // not find it under the name it knows: treat it as unreadable.
                buildinfo::StampedGoroot::NotLinked | buildinfo::StampedGoroot::Unknown => {
                    Stamped::Unknown
                }
            },
        })
    }
}

fn classify(path: &Path, e: buildinfo::BuildInfoError) -> InspectError {
    use buildinfo::BuildInfoError as E;
    let message = e.to_string();
    let path = path.to_path_buf();
    match e {
        E::Io { .. } => InspectError::Unreadable { path, message },
        E::NotGoBinary { .. } => InspectError::NotGo { path, message },
        _ => InspectError::NotObject { path, message },
    }
}

