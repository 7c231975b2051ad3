//! CPU time spent by processes over a stretch of a benchmark, read from `/proc`.
//!
//! On a machine whose load generator and servers share two cores, throughput mostly says how
//! the cores were split. CPU time per request or per order says what each process costs, and
//! cores ÷ total cost is the ceiling any run on this machine can reach.

use std::time::Duration;

/// Clock ticks per second of `/proc` times: Linux fixes USER_HZ at 100 in its user ABI.
const USER_HZ: f64 = 100.0;

/// Processes to account for: a name and its pids (nginx is a master and its workers).
pub type Watched = Vec<(String, Vec<u32>)>;

/// Each watched process's CPU time (user + system, all threads) at one moment.
pub struct Snapshot(Vec<(String, Duration)>);

impl Snapshot {
    /// Reads the CPU time of every watched process now; a process that has gone counts zero.
    pub fn take(watched: &Watched) -> Snapshot {
        Snapshot(
            watched
                .iter()
                .map(|(name, pids)| (name.clone(), pids.iter().map(|&pid| cpu_time(pid)).sum()))
                .collect(),
        )
    }

    /// CPU time each process spent from `earlier` to this snapshot, most first.
    pub fn since(&self, earlier: &Snapshot) -> Vec<(String, Duration)> {
        let mut spent: Vec<_> = self
            .0
            .iter()
            .map(|(name, now)| {
                let before = earlier
                    .0
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(Duration::ZERO, |(_, t)| *t);
                (name.clone(), now.saturating_sub(before))
            })
            .collect();
        spent.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
        spent
    }
}

/// A snapshot taken once the watched processes are idle: two readings in a row, 250 ms apart,
/// in which they spent at most one clock tick (10 ms) between them, or after 30 s.
pub fn when_idle(watched: &Watched) -> Snapshot {
    const EVERY: Duration = Duration::from_millis(250);
    let idle = Duration::from_secs_f64(1.0 / USER_HZ);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut last = Snapshot::take(watched);
    let mut quiet = 0;
    while quiet < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(EVERY);
        let now = Snapshot::take(watched);
        let spent: Duration = now.since(&last).iter().map(|(_, d)| *d).sum();
        quiet = if spent <= idle { quiet + 1 } else { 0 };
        last = now;
    }
    last
}

/// `pid` and the processes it started (nginx's workers, a driver's children).
pub fn with_children(pid: u32) -> Vec<u32> {
    let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    std::iter::once(pid)
        .chain(children.split_whitespace().filter_map(|c| c.parse().ok()))
        .collect()
}

/// Cores this machine offers: the most CPU time a second of wall clock can hold.
pub fn cores() -> f64 {
    std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64)
}

/// User + system time of `pid` and all its threads (fields 14 and 15 of `/proc/<pid>/stat`).
fn cpu_time(pid: u32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    // The command name (field 2) may hold spaces; the numeric fields follow its closing ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // After ')': state is index 0, so utime (field 14) is index 11 and stime index 12.
    Duration::from_secs_f64((ticks(11) + ticks(12)) as f64 / USER_HZ)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_process_shows_cpu_time_and_a_gone_one_none() {
        let me = std::process::id();
        let watched: Watched = vec![("me".into(), vec![me]), ("gone".into(), vec![u32::MAX])];
        let before = Snapshot::take(&watched);
        // Spin until /proc shows the time spent (a busy machine may lend this test little of a
        // core), giving up after ten seconds of wall clock.
        let started = std::time::Instant::now();
        let mut x = 0u64;
        let spent = loop {
            for _ in 0..1_000_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            let spent = Snapshot::take(&watched).since(&before);
            if spent[0].1 >= Duration::from_millis(100) || started.elapsed() > Duration::from_secs(10) {
                break spent;
            }
        };
        assert_eq!(spent[0].0, "me");
        assert!(spent[0].1 >= Duration::from_millis(100), "{spent:?}");
        assert_eq!(spent[1].1, Duration::ZERO);
    }
}
