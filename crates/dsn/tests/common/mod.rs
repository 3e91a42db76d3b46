//! Helpers the fixture tests share (each file under `tests/` is a crate of its own,
//! so they include this module rather than import it).
#![allow(dead_code)]

use std::path::PathBuf;

/// The bytes of `tests/fixtures/<dir>/<name>` at the workspace root (`dir` may be
/// empty).
pub fn fixture_in(dir: &str, name: &str) -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(dir).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `bytes` with every LF turned into CRLF.
pub fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 20);
    for &b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}
