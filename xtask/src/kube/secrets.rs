//! The files the overlays' secretGenerators read: random, URL-safe values, written only where
//! none exists yet (a developer's dev secrets survive), never committed (each `secrets/` has
//! a `.gitignore`).

use anyhow::{Context, Result};
use base64::Engine as _;
use std::io::Read;
use std::path::Path;

use super::Overlay;

/// Writes the missing secret files of `overlay` into `dir`; returns how many it wrote.
///
/// For prod this only serves the checks (a throw-away copy): the operator supplies prod's.
pub fn write(dir: &Path, overlay: Overlay) -> Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let host = match overlay {
        Overlay::Dev => "postgres:5432",
        Overlay::Prod => "db.example.invalid:5432",
    };
    let admin_password = hex(&random::<24>()?);
    let mut files = vec![
        ("admin-password".to_string(), admin_password.clone()),
        (
            "admin-url".to_string(),
            format!("postgres://postgres:{admin_password}@{host}/postgres"),
        ),
        (
            "webhook-secret".to_string(),
            format!("whsec_{}", hex(&random::<24>()?)),
        ),
        ("signing-key.pem".to_string(), ed25519_pem(random::<32>()?)),
    ];
    for service in crate::postgres::on_postgres().map(|s| s.name) {
        let password = hex(&random::<24>()?);
        files.push((
            format!("{service}-url"),
            format!("postgres://{service}:{password}@{host}/{service}"),
        ));
    }
    let mut written = 0;
    for (name, value) in files {
        let path = dir.join(&name);
        if path.exists() {
            continue;
        }
        std::fs::write(&path, value).with_context(|| format!("writing {}", path.display()))?;
        restrict(&path)?;
        written += 1;
    }
    Ok(written)
}

#[cfg(unix)]
fn restrict(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("restricting {}", path.display()))
}

#[cfg(not(unix))]
fn restrict(_: &Path) -> Result<()> {
    Ok(())
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .context("reading /dev/urandom")?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An Ed25519 private key as PKCS#8 PEM: the fixed 16-byte DER prefix, then the 32-byte seed.
fn ed25519_pem(seed: [u8; 32]) -> String {
    const PREFIX: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ];
    let der: Vec<u8> = PREFIX.iter().chain(seed.iter()).copied().collect();
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_file_once_and_keeps_existing_ones() {
        let dir = crate::paths::target_dir().join(format!("kube-secrets-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            write(&dir, Overlay::Dev).ok(),
            Some(4 + crate::postgres::on_postgres().count())
        );
        let first = std::fs::read_to_string(dir.join("cart-url")).unwrap_or_default();
        assert!(first.starts_with("postgres://cart:"), "{first}");
        assert!(first.ends_with("@postgres:5432/cart"), "{first}");
        assert_eq!(write(&dir, Overlay::Dev).ok(), Some(0));
        let again = std::fs::read_to_string(dir.join("cart-url")).unwrap_or_default();
        assert_eq!(first, again);
        let webhook = std::fs::read_to_string(dir.join("webhook-secret")).unwrap_or_default();
        assert!(
            webhook.starts_with("whsec_") && webhook.len() == 6 + 48,
            "{webhook}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_signing_key_is_a_48_byte_pkcs8_document() {
        let pem = ed25519_pem([7; 32]);
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap_or_default();
        assert_eq!(der.len(), 48);
        assert_eq!(&der[..2], &[0x30, 0x2e]);
        assert_eq!(&der[16..], &[7; 32]);
    }
}
