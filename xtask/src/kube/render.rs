//! Rendering: finding (or installing) kubectl and the validator, a private copy of
//! `deploy/k8s/` to give throw-away secrets to, `kubectl kustomize`, and
//! `kubernetes-validate --strict`.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

use super::Overlay;
use crate::{cmd, paths, tools};

/// `kubectl`, installed from Debian's packages when missing; a clear failure when it cannot be.
pub fn kubectl() -> Result<String> {
    if cmd::works("kubectl", &["version", "--client"]).is_some() {
        return Ok("kubectl".into());
    }
    tools::apt_install(&["kubectl"], "kubectl to render the Kubernetes manifests").context(
        "kubectl is missing and could not be installed, so deploy/k8s/ was NOT checked: \
         install kubectl (it renders kustomize overlays without a cluster) and run again",
    )?;
    if cmd::works("kubectl", &["version", "--client"]).is_none() {
        bail!("kubectl was installed but does not run; deploy/k8s/ was NOT checked");
    }
    Ok("kubectl".into())
}

/// `kubernetes-validate` from the project venv (pinned in e2e/requirements.txt).
pub fn validator() -> Result<PathBuf> {
    tools::python_tools()?;
    let path = paths::venv_bin().join("kubernetes-validate");
    if !path.is_file() {
        bail!(
            "{} is missing although e2e/requirements.txt pins kubernetes-validate; \
             delete .tools/venv/.installed-requirements and run again",
            path.display()
        );
    }
    Ok(path)
}

/// A fresh copy of `deploy/k8s/` under the target dir, every `secrets/` folder emptied: the
/// checks never read a developer's real secrets or write into the work tree.
pub fn stage_tree() -> Result<PathBuf> {
    let work = paths::target_dir().join("kube");
    let tree = work.join("k8s");
    if tree.exists() {
        std::fs::remove_dir_all(&tree).with_context(|| format!("clearing {}", tree.display()))?;
    }
    copy_dir(&paths::root().join("deploy/k8s"), &tree)?;
    Ok(tree)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let skip_files = from.file_name().is_some_and(|n| n == "secrets");
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if !skip_files {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// An overlay whose secret files are missing must not render: no value is committed.
pub fn refuses_without_secrets(kubectl: &str, tree: &Path, overlay: Overlay) -> Result<()> {
    let dir = tree.join("overlays").join(overlay.name());
    match cmd::output(cmd::new(kubectl).arg("kustomize").arg(&dir)) {
        Ok(_) => bail!(
            "overlay {} renders without the files in its secrets/: its Secrets must come from \
             files the operator supplies (or `cargo xtask kube secrets dev`), never from the repository",
            overlay.name()
        ),
        Err(err) if format!("{err:#}").contains("secrets/") => Ok(()),
        Err(err) => Err(err.context(format!(
            "overlay {} failed to render for another reason than its missing secrets",
            overlay.name()
        ))),
    }
}

/// Renders `overlay` to `<target>/kube/<overlay>.yaml`.
pub fn render(kubectl: &str, tree: &Path, overlay: Overlay) -> Result<PathBuf> {
    let dir = tree.join("overlays").join(overlay.name());
    let yaml = cmd::output(cmd::new(kubectl).arg("kustomize").arg(&dir))
        .with_context(|| format!("rendering overlay {}", overlay.name()))?;
    let file = tree.with_file_name(format!("{}.yaml", overlay.name()));
    std::fs::write(&file, yaml).with_context(|| format!("writing {}", file.display()))?;
    Ok(file)
}

/// Every object in `file` against the bundled API schemas, unknown fields refused.
pub fn validate(validator: &Path, file: &Path) -> Result<()> {
    cmd::output(
        cmd::new(validator.to_string_lossy().as_ref())
            .args(["--strict", "--quiet"])
            .arg(file),
    )
    .map(|_| ())
    .with_context(|| format!("{} does not validate", file.display()))
}

/// The rendered objects.
pub fn parse(file: &Path) -> Result<Vec<serde_yaml::Value>> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    parse_documents(&text).with_context(|| format!("parsing {}", file.display()))
}

/// Every non-empty document of a multi-document YAML stream.
pub fn parse_documents(text: &str) -> Result<Vec<serde_yaml::Value>> {
    let mut objects = Vec::new();
    for document in serde_yaml::Deserializer::from_str(text) {
        let value: serde_yaml::Value = serde::Deserialize::deserialize(document)?;
        if !value.is_null() {
            objects.push(value);
        }
    }
    Ok(objects)
}
