//! Validates `docker-compose.yml` with the real compose tool: `docker compose config` when the
//! Docker CLI has the plugin, else `docker-compose config` (Debian's package, installed if
//! missing). No engine is needed: `config` parses, interpolates and schema-checks the file.

use anyhow::Result;

use crate::{cmd, tools};

/// Fails if the compose file is invalid.
pub fn validate() -> Result<()> {
    let file = crate::paths::root().join("docker-compose.yml");
    if cmd::works("docker", &["compose", "version"]).is_some() {
        return cmd::run(
            cmd::new("docker")
                .args(["compose", "-f"])
                .arg(&file)
                .args(["config", "-q"]),
        );
    }
    if cmd::works("docker-compose", &["version"]).is_none() {
        tools::apt_install(
            &["docker-compose"],
            "docker-compose to validate docker-compose.yml",
        )?;
    }
    cmd::run(
        cmd::new("docker-compose")
            .arg("-f")
            .arg(&file)
            .args(["config", "-q"]),
    )
}
