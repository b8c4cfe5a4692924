//! The files sink: newline-delimited JSON bundles in a folder per company.
//!
//! `<target>/<company code>/` holds:
//! - `snapshot-g<generation>-<seq>.ndjson`: the whole company as of change `seq`, one
//!   `{"op":"snapshot","table":…,"pk":{…},"row":{…}}` per row;
//! - `<from_seq>-<to_seq>.ndjson` (20 digits each, so names sort): whole source
//!   transactions, one [`Change::line`] per change;
//! - `manifest.json`: the source file, the generation, every bundle with its range,
//!   schema version, line count and SHA-256, and where the sink stands.
//!
//! A bundle is written under a temporary name, fsynced, renamed and the folder fsynced;
//! only then does the manifest (written the same way) list it. A bundle on disk that the
//! manifest does not list is a crash's leftover: the next run writes the same range again
//! under the same name ([`SinkTarget::pending_end`]), so a consumer that reads what the
//! manifest lists sees each range once.

use super::capture::TableInfo;
use super::export::{Batch, Meta, Position, SinkTarget, SyncError};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: u32,
    pub source_id: String,
    pub company: String,
    pub tenant_id: i64,
    pub generation: i64,
    pub schema_version: i64,
    /// The last change the folder holds.
    pub last_seq: i64,
    pub last_digest: Option<String>,
    pub bundles: Vec<Bundle>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Bundle {
    pub file: String,
    /// `snapshot` or `changes`.
    pub kind: String,
    pub generation: i64,
    pub from_seq: i64,
    pub to_seq: i64,
    pub lines: u64,
    pub schema_version: i64,
    pub sha256: String,
}

/// A folder of bundles for one company.
pub struct FilesSink {
    dir: PathBuf,
    snapshot: Option<Writing>,
}

struct Writing {
    tmp: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    hash: sha2::Sha256,
    lines: u64,
}

fn io(what: &Path) -> impl Fn(std::io::Error) -> SyncError + '_ {
    move |e| SyncError::Target(format!("{}: {e}", what.display()))
}

/// Makes `path` durable under its name: fsyncs the folder that holds it.
fn sync_dir(dir: &Path) -> Result<(), SyncError> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir).and_then(|f| f.sync_all()).map_err(io(dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

impl FilesSink {
    /// The sink for one company under `root`.
    pub fn new(root: &Path, company_code: &str) -> Self {
        // A company code is letters, digits, `-`, `_` and `.`; never a path of its own.
        let safe: String = company_code.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
        let safe = if safe.chars().all(|c| c == '.') { format!("_{safe}") } else { safe };
        FilesSink { dir: root.join(safe), snapshot: None }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn manifest_path(&self) -> PathBuf {
        self.dir.join("manifest.json")
    }

    pub fn manifest(&self) -> Result<Option<Manifest>, SyncError> {
        let p = self.manifest_path();
        match std::fs::read(&p) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| SyncError::Target(format!("{}: {e}", p.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&p)(e)),
        }
    }

    fn start(&self, name: &str) -> Result<Writing, SyncError> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        Ok(Writing { tmp, file: std::io::BufWriter::with_capacity(1 << 20, file), hash: sha2::Sha256::new(), lines: 0 })
    }

    fn finish(&self, w: Writing, name: &str) -> Result<String, SyncError> {
        let Writing { tmp, file, hash, .. } = w;
        let file = file.into_inner().map_err(|e| SyncError::Target(format!("{}: {e}", tmp.display())))?;
        file.sync_all().map_err(io(&tmp))?;
        drop(file);
        let dest = self.dir.join(name);
        std::fs::rename(&tmp, &dest).map_err(io(&dest))?;
        sync_dir(&self.dir)?;
        Ok(hex::encode(hash.finalize()))
    }

    fn write_manifest(&self, m: &Manifest) -> Result<(), SyncError> {
        let mut w = self.start("manifest.json")?;
        let bytes = serde_json::to_vec_pretty(m).map_err(|e| SyncError::Target(e.to_string()))?;
        w.file.write_all(&bytes).map_err(io(&w.tmp))?;
        self.finish(w, "manifest.json")?;
        Ok(())
    }

    fn base_manifest(&self, meta: &Meta<'_>) -> Result<Manifest, SyncError> {
        Ok(self.manifest()?.unwrap_or_else(|| Manifest {
            format: 1,
            source_id: meta.source_id.to_string(),
            company: meta.company_code.to_string(),
            tenant_id: meta.tenant_id.0,
            generation: meta.generation,
            schema_version: meta.schema_version,
            last_seq: 0,
            last_digest: None,
            bundles: Vec::new(),
        }))
    }
}

fn line(w: &mut Writing, text: &str) -> Result<(), SyncError> {
    w.hash.update(text.as_bytes());
    w.hash.update(b"\n");
    w.file.write_all(text.as_bytes()).and_then(|()| w.file.write_all(b"\n")).map_err(io(&w.tmp))?;
    w.lines += 1;
    Ok(())
}

/// `<from>-<to>.ndjson` with 20-digit numbers.
pub fn bundle_name(from: i64, to: i64) -> String {
    format!("{from:020}-{to:020}.ndjson")
}

impl SinkTarget for FilesSink {
    fn position(&mut self, _meta: &Meta<'_>) -> Result<Option<Position>, SyncError> {
        // Temporary files of a run that ended midway (the exporter holds the sink's lock,
        // so no other run is writing them).
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') && name.ends_with(".tmp") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(self.manifest()?.map(|m| Position { source_id: m.source_id, generation: m.generation, last_seq: m.last_seq, last_digest: m.last_digest }))
    }

    fn pending_end(&mut self, _meta: &Meta<'_>, after: i64) -> Result<Option<i64>, SyncError> {
        let listed: std::collections::HashSet<String> = self.manifest()?.map(|m| m.bundles.into_iter().map(|b| b.file).collect()).unwrap_or_default();
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Ok(None) };
        let mut best = None;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if listed.contains(&name) {
                continue;
            }
            let Some((from, to)) = name.strip_suffix(".ndjson").and_then(|s| s.split_once('-')) else { continue };
            let (Ok(from), Ok(to)) = (from.parse::<i64>(), to.parse::<i64>()) else { continue };
            if from > after && to >= from && best.is_none_or(|(f, _)| from < f) {
                best = Some((from, to));
            }
        }
        Ok(best.map(|(_, to)| to))
    }

    fn begin_snapshot(&mut self, meta: &Meta<'_>, seq: i64) -> Result<(), SyncError> {
        let name = format!("snapshot-g{}-{seq:020}.ndjson", meta.generation);
        self.snapshot = Some(self.start(&name)?);
        Ok(())
    }

    fn snapshot_rows(&mut self, table: &TableInfo, rows: &[(String, String)]) -> Result<(), SyncError> {
        let w = self.snapshot.as_mut().ok_or_else(|| SyncError::Target("no snapshot begun".into()))?;
        let t = serde_json::to_string(&table.name).map_err(|e| SyncError::Target(e.to_string()))?;
        for (pk, row) in rows {
            line(w, &format!("{{\"op\":\"snapshot\",\"table\":{t},\"pk\":{pk},\"row\":{row}}}"))?;
        }
        Ok(())
    }

    fn finish_snapshot(&mut self, meta: &Meta<'_>, seq: i64) -> Result<(), SyncError> {
        let w = self.snapshot.take().ok_or_else(|| SyncError::Target("no snapshot begun".into()))?;
        let lines = w.lines;
        let name = format!("snapshot-g{}-{seq:020}.ndjson", meta.generation);
        let sha256 = self.finish(w, &name)?;
        let mut m = self.base_manifest(meta)?;
        m.source_id = meta.source_id.to_string();
        m.generation = meta.generation;
        m.schema_version = meta.schema_version;
        m.last_seq = seq;
        m.last_digest = None;
        m.bundles.retain(|b| b.file != name);
        m.bundles.push(Bundle { file: name, kind: "snapshot".into(), generation: meta.generation, from_seq: 0, to_seq: seq, lines, schema_version: meta.schema_version, sha256 });
        self.write_manifest(&m)
    }

    fn apply(&mut self, meta: &Meta<'_>, batch: &Batch) -> Result<(), SyncError> {
        let (Some(first), Some(last)) = (batch.changes.first(), batch.changes.last()) else { return Ok(()) };
        let name = bundle_name(first.seq, last.seq);
        let mut w = self.start(&name)?;
        for c in &batch.changes {
            line(&mut w, &c.line())?;
        }
        let lines = w.lines;
        let sha256 = self.finish(w, &name)?;
        let mut m = self.base_manifest(meta)?;
        let version = batch.changes.iter().map(|c| c.schema_version).max().unwrap_or(meta.schema_version);
        m.schema_version = m.schema_version.max(version);
        m.last_seq = last.seq;
        m.last_digest = Some(last.digest());
        m.bundles.push(Bundle { file: name, kind: "changes".into(), generation: m.generation, from_seq: first.seq, to_seq: last.seq, lines, schema_version: version, sha256 });
        self.write_manifest(&m)
    }
}
