//! The compose stack's PostgreSQL image, made from this machine's Debian packages because no
//! registry is reachable: `target/compose/postgres/rootfs/` gets the server, `initdb`,
//! `pg_ctl` and `psql`, the server's modules (but the LLVM JIT, which would drag in LLVM),
//! the share files, the time zones, dash as `/bin/sh`, `rm`, every shared library those load
//! (as `ldd` resolves them) and the scripts: `deploy/postgres/entrypoint.sh` and the
//! postgres-init script and SQL the Kubernetes Job uses too (`deploy/k8s/base/postgres/`).
//! `deploy/postgres/Dockerfile` copies it onto `scratch`.

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::{cmd, paths, postgres};

/// Stages the image's root file system in `context/rootfs` (emptied first).
pub fn stage(context: &Path) -> Result<()> {
    let bin = postgres::bin_dir()?;
    let version_dir = bin.parent().context("the server binaries' folder has a parent")?;
    let version = version_dir
        .file_name()
        .and_then(|v| v.to_str())
        .context("a version folder such as /usr/lib/postgresql/15")?;
    if version != "15" {
        bail!("the compose image is made for PostgreSQL 15 (its Dockerfile's paths); found {version}");
    }
    let rootfs = context.join("rootfs");
    if rootfs.exists() {
        std::fs::remove_dir_all(&rootfs).with_context(|| format!("emptying {}", rootfs.display()))?;
    }
    let mut programs: Vec<PathBuf> = ["postgres", "initdb", "pg_ctl", "psql"]
        .iter()
        .map(|name| bin.join(name))
        .collect();
    programs.extend(modules(&version_dir.join("lib"))?);
    for file in &programs {
        copy_into(&rootfs, file, file)?;
    }
    for library in libraries(&programs)? {
        copy_into(&rootfs, &library, &library)?;
    }
    copy_tree(&rootfs, &Path::new("/usr/share/postgresql").join(version))?;
    copy_tree(&rootfs, Path::new("/usr/share/zoneinfo"))?;
    copy_into(&rootfs, Path::new("/usr/bin/dash"), Path::new("/bin/sh"))?;
    copy_into(&rootfs, Path::new("/usr/bin/rm"), Path::new("/bin/rm"))?;
    let etc = rootfs.join("etc");
    std::fs::create_dir_all(&etc)?;
    std::fs::write(
        etc.join("passwd"),
        "postgres:x:70:70:PostgreSQL:/var/lib/postgresql:/bin/sh\n",
    )?;
    std::fs::write(etc.join("group"), "postgres:x:70:\n")?;
    let root = paths::root();
    for script in [
        root.join("deploy/postgres/entrypoint.sh"),
        root.join("deploy/k8s/base/postgres/init.sh"),
        root.join("deploy/k8s/base/postgres/service.sql"),
    ] {
        let name = script.file_name().context("a script file name")?;
        copy_into(&rootfs, &script, &Path::new("/mercado").join(name))?;
    }
    std::fs::create_dir_all(context.join("data"))?;
    println!("  ✓ PostgreSQL {version} image contents from the host's packages");
    Ok(())
}

/// The server's loadable modules, without the LLVM JIT (the image runs with `jit=off`).
fn modules(lib: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(lib).with_context(|| format!("listing {}", lib.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.ends_with(".so") && !name.starts_with("llvmjit") {
            found.push(path);
        }
    }
    Ok(found)
}

/// Every shared library `programs` load, and the loader, as `ldd` resolves them here.
fn libraries(programs: &[PathBuf]) -> Result<BTreeSet<PathBuf>> {
    let mut found = BTreeSet::new();
    for program in programs {
        let out = cmd::output(cmd::new("ldd").arg(program))?;
        for line in out.lines() {
            // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
            let path = line.split("=>").last().unwrap_or(line).trim();
            let path = path.split_whitespace().next().unwrap_or_default();
            if path.starts_with('/') {
                found.insert(PathBuf::from(path));
            }
        }
    }
    Ok(found)
}

/// Copies `source` to `rootfs` + `dest`, following symlinks, keeping the mode.
fn copy_into(rootfs: &Path, source: &Path, dest: &Path) -> Result<()> {
    let target = rootfs.join(dest.strip_prefix("/").unwrap_or(dest));
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(source, &target)
        .map(|_| ())
        .with_context(|| format!("copying {} to {}", source.display(), target.display()))
}

/// Copies the folder `source` to the same path under `rootfs`.
fn copy_tree(rootfs: &Path, source: &Path) -> Result<()> {
    let target = rootfs.join(source.strip_prefix("/").unwrap_or(source));
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    cmd::run(cmd::new("cp").arg("-rL").arg(source).arg(&target))
}
