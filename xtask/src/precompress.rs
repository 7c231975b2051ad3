//! Compressed copies of the web's files, written once at build time so the gateway serves
//! them as they are (`ServeDir::precompressed_br` / `precompressed_gzip`) instead of
//! compressing every download at its default level.
//!
//! Brotli at its best quality is ≈ 15 % smaller than gzip -9 on our wasm and takes about a
//! second per module here: fine for a build, too slow per request.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::{write::GzEncoder, Compression};

/// Brotli's best quality and its largest standard window.
const BROTLI_QUALITY: u32 = 11;
const BROTLI_WINDOW_BITS: u32 = 22;

/// The extensions worth compressing (HTML stays as it is: small and revalidated each time).
const COMPRESSIBLE: [&str; 3] = ["wasm", "js", "css"];

/// `bytes` compressed with gzip -9.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

/// `bytes` compressed with brotli at quality 11.
pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 64 * 1024, BROTLI_QUALITY, BROTLI_WINDOW_BITS);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

/// Writes `<file>.gz` and `<file>.br` beside every compressible file directly in `dir`.
pub fn dir(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e));
        if path.is_file() && compressible {
            file(&path)?;
        }
    }
    Ok(())
}

/// Writes `<file>.gz` and `<file>.br` beside `file`.
pub fn file(file: &Path) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| file.display().to_string())?;
    std::fs::write(with_suffix(file, "gz"), gzip(&bytes)?)?;
    std::fs::write(with_suffix(file, "br"), brotli(&bytes)?)?;
    Ok(())
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_copies_are_written_beside_the_file_and_smaller() {
        let dir = tempfile::tempdir().unwrap();
        let wasm = dir.path().join("m_bg.wasm");
        let bytes: Vec<u8> = (0..20_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        std::fs::write(&wasm, &bytes).unwrap();
        std::fs::write(dir.path().join("index.html"), "<html></html>").unwrap();
        super::dir(dir.path()).unwrap();
        let gz = std::fs::read(dir.path().join("m_bg.wasm.gz")).unwrap();
        let br = std::fs::read(dir.path().join("m_bg.wasm.br")).unwrap();
        assert!(gz.len() < bytes.len() && br.len() < bytes.len());
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unzipped).unwrap();
        assert_eq!(unzipped, bytes);
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, bytes);
        assert!(!dir.path().join("index.html.gz").exists());
    }
}
