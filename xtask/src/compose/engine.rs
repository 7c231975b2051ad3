//! The container engine and the compose tool: installed from Debian when missing (`docker.io`,
//! `docker-compose`), `dockerd` started in the background when nothing runs (as on CI, where
//! nothing is running before the suite), and one [`Compose`] handle that speaks to either
//! Compose v2 (`docker compose`) or Debian's `docker-compose` 1.29.

use anyhow::{bail, Context, Result};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{cmd, paths, tools};

/// How long a freshly started `dockerd` may take to answer `docker info`.
const DOCKERD_START: Duration = Duration::from_secs(60);

/// Which compose program runs the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    /// The Docker CLI plugin, `docker compose` (v2).
    Plugin,
    /// The standalone `docker-compose` (Debian's 1.29).
    Standalone,
}

/// The compose tool bound to `docker-compose.yml` and one project name.
#[derive(Debug, Clone)]
pub struct Compose {
    tool: Tool,
    project: String,
    /// Variables the compose file interpolates, for this handle's commands only.
    env: Vec<(String, String)>,
}

impl Compose {
    /// The compose tool only (installed if missing), for commands that need no engine.
    pub fn tool_only(project: &str) -> Result<Self> {
        let tool = if cmd::works("docker", &["compose", "version"]).is_some() {
            Tool::Plugin
        } else {
            if cmd::works("docker-compose", &["version"]).is_none() {
                tools::apt_install(&["docker-compose"], "docker-compose for docker-compose.yml")?;
            }
            Tool::Standalone
        };
        Ok(Self {
            tool,
            project: project.to_string(),
            env: Vec::new(),
        })
    }

    /// The compose tool with a running engine: installs Docker and starts `dockerd` if needed.
    pub fn ready(project: &str) -> Result<Self> {
        ensure_engine()?;
        Self::tool_only(project)
    }

    /// The same handle, with `key=value` in the environment of its commands (the file reads
    /// e.g. `${RATE_LIMIT_PER_SECOND:-100}`).
    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// A compose command for this file and project, without its subcommand.
    pub fn command(&self) -> Command {
        let mut command = match self.tool {
            Tool::Plugin => {
                let mut c = cmd::new("docker");
                c.arg("compose");
                c
            }
            Tool::Standalone => cmd::new("docker-compose"),
        };
        command
            .arg("-f")
            .arg(paths::root().join("docker-compose.yml"))
            .args(["-p", &self.project])
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Runs `compose <args>`, streaming its output.
    pub fn run(&self, args: &[&str]) -> Result<()> {
        cmd::run(self.command().args(args))
    }

    /// The ids of every container of this project, running or not.
    pub fn all_containers(&self) -> Result<Vec<String>> {
        let label = format!("label=com.docker.compose.project={}", self.project);
        let out = cmd::output(cmd::new("docker").args(["ps", "-aq", "--filter", &label]))?;
        Ok(out.split_whitespace().map(str::to_string).collect())
    }

    /// Removes every volume of this project (what `down -v` does after the networks, and
    /// skips when a network cannot be removed).
    pub fn remove_volumes(&self) -> Result<()> {
        let label = format!("label=com.docker.compose.project={}", self.project);
        let out = cmd::output(cmd::new("docker").args(["volume", "ls", "-q", "--filter", &label]))?;
        let volumes: Vec<&str> = out.split_whitespace().collect();
        if volumes.is_empty() {
            return Ok(());
        }
        cmd::run(cmd::new("docker").args(["volume", "rm"]).args(volumes))
    }

    /// The ids of the running containers of `service` (one per replica).
    pub fn containers(&self, service: &str) -> Result<Vec<String>> {
        let out = cmd::output(self.command().args(["ps", "-q", service]))?;
        Ok(out.split_whitespace().map(str::to_string).collect())
    }
}

/// Installs Docker Engine when missing and starts `dockerd` when it does not answer.
fn ensure_engine() -> Result<()> {
    if cmd::works("dockerd", &["--version"]).is_none() {
        tools::apt_install(&["docker.io"], "Docker Engine for the compose stack")?;
    }
    if engine_answers() {
        println!("  ✓ Docker Engine answers");
        return Ok(());
    }
    if cmd::works("id", &["-u"]).is_none_or(|uid| uid != "0") {
        bail!("Docker Engine is not running and only root may start it here: start dockerd (e.g. `sudo systemctl start docker`) and run again");
    }
    let log_dir = paths::target_dir().join("compose");
    std::fs::create_dir_all(&log_dir)?;
    let log_path = log_dir.join("dockerd.log");
    let log = std::fs::File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
    println!(
        "  starting dockerd in the background (log: {})",
        log_path.display()
    );
    // Its own process group: a Ctrl-C meant for xtask must not take the engine down with it.
    use std::os::unix::process::CommandExt;
    cmd::new("dockerd")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .process_group(0)
        .spawn()
        .context("starting dockerd")?;
    let deadline = Instant::now() + DOCKERD_START;
    while !engine_answers() {
        if Instant::now() > deadline {
            bail!(
                "dockerd did not answer `docker info` within {DOCKERD_START:?}; see {}",
                log_path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    println!("  ✓ dockerd started");
    Ok(())
}

fn engine_answers() -> bool {
    cmd::works("docker", &["info", "--format", "{{.ServerVersion}}"]).is_some()
}
