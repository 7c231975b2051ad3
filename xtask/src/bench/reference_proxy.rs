//! nginx as a yardstick for the gateway: the same reverse-proxy hop (keep-alive pool to the
//! catalog, forwarded-for header), measured in the same rounds as the gateway and the direct
//! path. On a machine where the load generator, the proxy and the service share two cores,
//! "gateway / direct" mixes the proxy's own cost with the hop every proxy pays; "gateway /
//! nginx" isolates how good our proxy is.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use anyhow::{Context, Result};

use crate::{cmd, stack, tools};

const NGINX: &str = "/usr/sbin/nginx";

/// A running nginx, stopped when dropped.
pub struct ReferenceProxy {
    child: Child,
    prefix: PathBuf,
    conf: PathBuf,
}

impl ReferenceProxy {
    /// Starts nginx on `port`, proxying `/api/catalog/` to the catalog on `catalog_port`
    /// (installing nginx-light with apt first if needed).
    pub fn start(work: &Path, port: u16, catalog_port: u16) -> Result<ReferenceProxy> {
        if !Path::new(NGINX).exists() {
            tools::apt_install(&["nginx-light"], "nginx (the reference proxy)")?;
        }
        let dir = work.join("nginx");
        std::fs::create_dir_all(&dir)?;
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, config(&dir, port, catalog_port))?;
        let child = cmd::new(NGINX)
            .args(["-p", &dir.to_string_lossy(), "-c", &conf.to_string_lossy()])
            .args(["-e", &dir.join("error.log").to_string_lossy()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .context("starting nginx")?;
        let proxy = ReferenceProxy {
            child,
            prefix: dir,
            conf,
        };
        stack::wait_http(port, "/api/catalog/healthz", "nginx (reference proxy)")?;
        Ok(proxy)
    }

    /// The master's pid (its workers are its children).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ReferenceProxy {
    /// Killing the master would orphan its workers: ask it to stop them and itself.
    fn drop(&mut self) {
        let stopped = cmd::new(NGINX)
            .args([
                "-p",
                &self.prefix.to_string_lossy(),
                "-c",
                &self.conf.to_string_lossy(),
            ])
            .args([
                "-e",
                &self.prefix.join("error.log").to_string_lossy(),
                "-s",
                "stop",
            ])
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Two workers like the gateway's two runtime threads; upstream keep-alive like its pool.
fn config(dir: &Path, port: u16, catalog_port: u16) -> String {
    let temp = |name: &str| -> PathBuf { dir.join(name) };
    format!(
        "daemon off;
worker_processes 2;
pid {pid};
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {body};
  proxy_temp_path {proxy};
  upstream catalog {{ server 127.0.0.1:{catalog_port}; keepalive 256; }}
  server {{
    listen 127.0.0.1:{port};
    location /api/catalog/ {{
      proxy_pass http://catalog/;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-For $remote_addr;
    }}
  }}
}}
",
        pid = temp("nginx.pid").display(),
        body = temp("body").display(),
        proxy = temp("proxy").display(),
    )
}
