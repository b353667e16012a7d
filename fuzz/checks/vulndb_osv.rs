//! The Go vulnerability database reader: an OSV entry (`ID/<id>.json`, from the network or a
//! mirror) and groot's compact cache of the entries. A hostile entry may say anything, but it
//! must not crash groot; what groot keeps of it must read back the same from the cache; and the
//! release `fix_all` names must really be free of the entries that affect the version.

use groot::version::Version;
use groot::vulndb::{osv, Db, FixAll};

const VERSIONS: &[&str] = &[
    "1.21.13", "1.22.10", "1.22", "1.27rc2", "1.27.3", "1.9beta1",
];

fn probe(db: &Db) {
    for v in VERSIONS {
        let Some(v) = Version::parse(v) else { continue };
        let hits = db.affecting(&v);
        for h in &hits {
            assert!(osv::valid_id(&h.id) || h.id.is_empty() || !h.id.contains('\n'));
        }
        if let FixAll::Release(fix) = db.fix_all(&v) {
            assert!(fix > v, "a fix above the version: {fix} vs {v}");
            let still: Vec<String> = db.affecting(&fix).into_iter().map(|x| x.id).collect();
            for h in &hits {
                assert!(!still.contains(&h.id), "{} still affects go{fix}", h.id);
            }
        }
    }
}

/// Checks one input; panics on a bug.
pub fn run(data: &[u8]) {
    if let Ok(Some(record)) = osv::parse(data) {
        assert!(osv::valid_id(&record.id));
        let db = Db {
            url: "file:///mirror".into(),
            modified: "m".into(),
            fetched_unix: 1,
            records: vec![record],
            skipped: Vec::new(),
        };
        let back = Db::from_cache(&db.to_cache()).expect("groot reads back its own cache");
        assert_eq!(back, db, "the compact cache keeps every field");
        probe(&db);
    }
    // The cache reader, on anything (a cache file may be truncated or foreign).
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(db) = Db::from_cache(text) {
            probe(&db);
        }
    }
}
