//! A NATS cluster of real nats-servers on free ports, each with its own JetStream store, for
//! tests of what outlives a node.

use std::process::{Child, Command, Stdio};

use super::{binary, free_port, wait_for_port};

/// The cluster's name on the servers' command lines.
const CLUSTER: &str = "mercado-test";

/// Nodes named `n0`, `n1`, …, routed to each other, living as long as this value.
pub struct NatsCluster {
    nodes: Vec<Node>,
}

struct Node {
    name: String,
    client_port: u16,
    cluster_port: u16,
    store: tempfile::TempDir,
    child: Option<Child>,
}

impl NatsCluster {
    /// Starts `size` JetStream-enabled servers and waits until each accepts clients (the
    /// cluster's JetStream still elects its leader after that: callers wait for what they
    /// need, such as a stream that can be created).
    pub fn start(size: usize) -> NatsCluster {
        let nodes: Vec<Node> = (0..size)
            .map(|i| Node {
                name: format!("n{i}"),
                client_port: free_port(),
                cluster_port: free_port(),
                store: tempfile::tempdir().expect("temp dir for a JetStream store"),
                child: None,
            })
            .collect();
        let mut cluster = NatsCluster { nodes };
        for i in 0..size {
            cluster.start_node(i);
        }
        cluster
    }

    /// Every running node's client URL, for a client that fails over between them.
    pub fn urls(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|n| n.child.is_some())
            .map(|n| format!("nats://127.0.0.1:{}", n.client_port))
            .collect()
    }

    /// Kills the node called `name` (SIGKILL: no goodbye to its peers).
    pub fn kill(&mut self, name: &str) {
        let node = self
            .nodes
            .iter_mut()
            .find(|n| n.name == name)
            .unwrap_or_else(|| panic!("no node called {name}"));
        if let Some(mut child) = node.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn start_node(&mut self, index: usize) {
        let routes: Vec<String> = self
            .nodes
            .iter()
            .map(|n| format!("nats://127.0.0.1:{}", n.cluster_port))
            .collect();
        let node = &mut self.nodes[index];
        let child = Command::new(binary())
            .args(["-js", "-a", "127.0.0.1", "-n", &node.name])
            .args(["-p", &node.client_port.to_string()])
            .args(["--cluster_name", CLUSTER])
            .args(["--cluster", &format!("nats://127.0.0.1:{}", node.cluster_port)])
            .args(["--routes", &routes.join(",")])
            .arg("-sd")
            .arg(node.store.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting nats-server (run `cargo xtask tools` or set NATS_SERVER_BIN)");
        node.child = Some(child);
        wait_for_port(node.client_port, &format!("nats-server {}", node.name));
    }
}

impl Drop for NatsCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(mut child) = node.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}
