//! Build step: the names of every release in groot's one built-in release list
//! (`assets/index-snapshot.json.gz`, go.dev's index format) into `$OUT_DIR/release-names.txt`,
//! newest first, space-separated. The doctor's support check reads that text
//! (`doctor::support::ReleaseList::embedded`) instead of inflating ~900 KiB of JSON on every
//! run; the installer reads the index itself. Same file, so the two lists cannot disagree (a
//! unit test compares them).

use std::io::Read;

fn main() {
    let asset = "assets/index-snapshot.json.gz";
    println!("cargo:rerun-if-changed={asset}");
    let gz = std::fs::read(asset).unwrap_or_else(|e| panic!("cannot read {asset}: {e}"));
    let mut json = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut json)
        .unwrap_or_else(|e| panic!("cannot inflate {asset}: {e}"));
    // Every `"version":"…"` value (releases and their files say the same name), first
    // appearance kept: go.dev lists releases newest first.
    let mut names: Vec<&str> = Vec::new();
    let key = "\"version\":\"";
    let mut rest = json.as_str();
    while let Some(at) = rest.find(key) {
        rest = &rest[at + key.len()..];
        let Some(end) = rest.find('"') else { break };
        let name = &rest[..end];
        if name.starts_with("go") && !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[end..];
    }
    assert!(!names.is_empty(), "{asset} lists no release");
    let out =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("release-names.txt");
    std::fs::write(&out, names.join(" ")).expect("write release-names.txt");
}
