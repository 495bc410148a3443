//! The reproducibility stamp of a memo run (memo stage): engine version, the as-of date, and
//! SHA-256 content hashes of every rule file, script and dataset file the scores came from.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::model::{FileHash, Stamp};
use crate::Error;
use crate::model::Input;
use crate::project::Session;
use crate::source::display_path;

/// Hashes the inputs of a scored session.
pub(super) fn stamp(session: &Session) -> Result<Stamp, Error> {
    let mut files = Vec::new();
    for path in input_files(session) {
        let (role, path) = path;
        // Read like every input: a file swapped for a pipe since it was loaded cannot hang this.
        let bytes = crate::files::read_capped(Path::new(&path), u64::MAX).map_err(|e| match e {
            crate::files::Refusal::Io(e) => Error::io(Path::new(&path), e),
            other => Error::Usage(format!("{}: {other}", display_path(Path::new(&path)))),
        })?;
        files.push(FileHash {
            role,
            path: display_path(Path::new(&path)),
            sha256: sha256_hex(&normalize_newlines(&bytes)),
        });
    }
    files.sort_by(|a, b| (a.role, &a.path).cmp(&(b.role, &b.path)));
    files.dedup_by(|a, b| a.role == b.role && a.path == b.path);
    let listing: String = files.iter().map(|f| format!("{} {} {}\n", f.role, f.path, f.sha256)).collect();
    Ok(Stamp {
        engine: format!("thesis {}", env!("CARGO_PKG_VERSION")),
        as_of: session.project.dataset.as_of.map(|d| d.to_string()),
        rule_sets: session.plan.stages.iter().map(|s| format!("{} {}", s.rules.name, s.rules.version)).collect(),
        files,
        inputs_sha256: sha256_hex(listing.as_bytes()),
    })
}

/// `(role, path)` of the rule files of the chosen rule sets (with those they extend), the
/// scripts their factors call, and every dataset file.
fn input_files(session: &Session) -> Vec<(&'static str, String)> {
    let sources = &session.project.ws.sources;
    let path_of = |id| sources.get(id).path.to_string_lossy().into_owned();
    let mut out = Vec::new();
    for stage in &session.plan.stages {
        out.extend(stage.rules.files.iter().map(|&id| ("rules", path_of(id))));
        for factor in &stage.rules.factors {
            if let Input::Script { path, .. } = &factor.input {
                out.push(("script", path.to_string_lossy().into_owned()));
            }
        }
    }
    out.extend(session.project.dataset.files.iter().map(|&id| ("data", path_of(id))));
    out
}

/// CRLF → LF, so a checkout with Windows line endings hashes the same.
fn normalize_newlines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.push(b);
        }
    }
    out
}

/// Lower-case hexadecimal SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::{normalize_newlines, sha256_hex};

    #[test]
    fn sha256_of_abc_is_the_published_vector() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn crlf_and_lf_files_hash_alike() {
        assert_eq!(normalize_newlines(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }
}
