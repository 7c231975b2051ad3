//! Puts the built web (`dist/`: shell, `/mfe` and its manifest) into the stack's `web` volume,
//! which the gateway serves from `/srv/web`. The web is not in the gateway image, because
//! micro-frontends are published into that volume on their own.
//!
//! Copied with `docker cp` into the gateway's container (created, not necessarily running;
//! the engine mounts its volumes for the copy), so nothing else has to be in an image.
//! Files of earlier builds stay (their folders are content-hashed): the manifest decides.

use anyhow::{bail, Result};

use super::Compose;
use crate::{cmd, paths};

/// Copies `dist/` into the `web` volume of `compose`'s project.
pub fn publish(compose: &Compose) -> Result<()> {
    let dist = paths::dist_dir();
    if !dist.join("index.html").is_file() || !dist.join("mfe").join("manifest.json").is_file() {
        bail!(
            "{} holds no built web (index.html, mfe/manifest.json): run `cargo xtask build`",
            dist.display()
        );
    }
    let ids = cmd::output(compose.command().args(["ps", "-a", "-q", "gateway"]))?;
    let Some(gateway) = ids.split_whitespace().next() else {
        bail!("compose created no gateway container to copy the web into");
    };
    let mut source = dist.into_os_string();
    // `dir/.` copies the folder's contents, not the folder.
    source.push("/.");
    cmd::run(
        cmd::new("docker")
            .arg("cp")
            .arg(source)
            .arg(format!("{gateway}:/srv/web")),
    )?;
    println!("  ✓ web copied into the `web` volume");
    Ok(())
}
