//! The release index (go.dev's `?mode=json&include=all` format, from the network or a mirror):
//! parsing and every query install makes of it. A hostile index may name anything, but it must
//! not crash groot, and the file it selects must be one it lists for the platform asked.

use groot::dist::{Index, Platform, Request};

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    // A first line, when present and short, is a request as typed on the command line.
    let (request, json) = match data.iter().position(|&b| b == b'\n') {
        Some(i) if i < 32 => (Some(&data[..i]), &data[i + 1..]),
        _ => (None, data),
    };
    let mut requests = vec![Request::Latest];
    if let Some(r) = request.and_then(|r| Request::parse(&String::from_utf8_lossy(r)).ok()) {
        let _ = r.to_string();
        requests.push(r);
    }
    let Ok(index) = Index::from_json(json) else {
        return;
    };
    for platform in [
        Platform::new("linux", "amd64"),
        Platform::new("darwin", "arm64"),
        Platform::new("windows", "amd64"),
    ] {
        let available = index.available(&platform);
        for w in available.windows(2) {
            assert!(w[0].version >= w[1].version, "newest first");
        }
        for s in &available {
            assert_eq!(s.file.kind, "archive");
            assert_eq!(
                (s.file.os.as_str(), s.file.arch.as_str()),
                (&*platform.os, &*platform.arch)
            );
        }
        for r in &requests {
            if let Ok(s) = index.find(r, &platform) {
                assert!(r.matches(&s.version));
                assert_eq!(s.file.kind, "archive");
                assert_eq!(s.file.os, platform.os);
                assert!(index.file_named(&s.file.filename).is_some());
            }
            let _ = index.find_source(r);
        }
    }
}
