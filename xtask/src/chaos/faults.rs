//! The faults of a chaos run: the saga's services SIGKILLed in turn at seeded random moments,
//! and nats-server and the gateway restarted, while the load runs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::stack::Stack;

/// What is hit, in turn: every service the saga passes through, then NATS and the gateway.
const TARGETS: [(&str, Fault); 7] = [
    ("orders", Fault::Kill),
    ("inventory", Fault::Kill),
    ("payments", Fault::Kill),
    ("cart", Fault::Kill),
    ("shipping", Fault::Kill),
    ("nats", Fault::Restart),
    ("gateway", Fault::Kill),
];

/// How a process is taken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// SIGKILL: no shutdown, in-flight work lost mid-step.
    Kill,
    /// SIGTERM and a wait: nats-server flushing its store, as a rolling restart does.
    Restart,
}

/// One fault that was made.
#[derive(Debug, Clone)]
pub struct Made {
    /// The process.
    pub target: &'static str,
}

/// Makes faults every 1–3 s (seeded) until `stop` is set; each process is down 0–1 s.
pub fn run(stack: &mut Stack, seed: u64, stop: &AtomicBool) -> Result<Vec<Made>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let started = Instant::now();
    let mut made = Vec::new();
    for turn in 0.. {
        let wait_until = Instant::now() + Duration::from_millis(rng.u64(1_000..3_000));
        while Instant::now() < wait_until {
            if stop.load(Ordering::SeqCst) {
                return Ok(made);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let (target, fault) = TARGETS[turn % TARGETS.len()];
        let down = Duration::from_millis(rng.u64(0..1_000));
        let at = started.elapsed().as_secs_f64();
        let how = if fault == Fault::Kill {
            "kill -9"
        } else {
            "restart"
        };
        println!("\n  [{at:5.1} s] {how} {target}, down {} ms", down.as_millis());
        stack.restart(target, fault == Fault::Kill, down)?;
        made.push(Made { target });
    }
    Ok(made)
}
