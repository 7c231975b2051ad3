//! Fault hooks: named places where a test stops a service as if its process died right there,
//! instead of crashing it after some time and hoping it was mid-way.
//!
//! The one place so far is a consumer's saga step *handled* — the handler's transaction
//! committed (state, inbox row, outbox rows) and the relay told — *but not yet acknowledged*:
//! the step whose redelivery after a crash the inbox must recognise. A step is named by its
//! durable consumer (`"orders-payment-succeeded"`), the name the saga already gives it.
//!
//! Each [`Crashable`](super::Crashable) runtime carries its own [`Faults`] in a thread-local of
//! its worker threads, so an armed hook stops only that service, never a neighbour or another
//! test's copy of it running in the same process. Without the `testing` feature the hook is not
//! compiled at all (`kit::bus` calls it under `#[cfg(feature = "testing")]`).

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

thread_local! {
    /// The faults of the runtime this thread works for, if it is a [`Crashable`](super::Crashable)'s.
    static CURRENT: RefCell<Option<Arc<Faults>>> = const { RefCell::new(None) };
}

/// The armed hooks of one service instance.
#[derive(Default)]
pub struct Faults {
    armed: Mutex<Vec<Armed>>,
}

struct Armed {
    consumer: String,
    /// Handled events still to let through before stopping.
    let_through: usize,
    stopped: Option<oneshot::Sender<()>>,
}

/// Resolves once the armed step was reached and the service stopped there.
pub struct Stopped {
    consumer: String,
    nth: usize,
    signal: oneshot::Receiver<()>,
}

impl Faults {
    /// Arms the hook: the `nth` event (1-based, redeliveries included) consumer `consumer`
    /// handles is committed and then goes no further — it is never acknowledged, and whatever
    /// its task would have done next never happens. The rest of the service runs on until the
    /// test crashes it, as a process does until the instant it is killed.
    pub fn stop_after_handling(&self, consumer: &str, nth: usize) -> Stopped {
        assert!(nth >= 1, "events are counted from 1");
        let (stopped, signal) = oneshot::channel();
        self.lock().push(Armed {
            consumer: consumer.into(),
            let_through: nth - 1,
            stopped: Some(stopped),
        });
        Stopped {
            consumer: consumer.into(),
            nth,
            signal,
        }
    }

    /// Whether an event `consumer` just handled must stop here (and tells the waiting test).
    fn trip(&self, consumer: &str) -> bool {
        let mut armed = self.lock();
        let Some(hook) = armed
            .iter_mut()
            .find(|a| a.consumer == consumer && a.stopped.is_some())
        else {
            return false;
        };
        if hook.let_through > 0 {
            hook.let_through -= 1;
            return false;
        }
        if let Some(stopped) = hook.stopped.take() {
            let _ = stopped.send(());
        }
        true
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Armed>> {
        self.armed.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Makes `faults` the ones of the calling thread (a runtime's `on_thread_start`).
    pub(crate) fn install(faults: Arc<Faults>) {
        CURRENT.with(|current| *current.borrow_mut() = Some(faults));
    }
}

impl Stopped {
    /// Waits (up to `limit`) until the service stopped at the armed step. Panics otherwise:
    /// the step the test means to crash at never happened.
    pub async fn within(self, limit: Duration) {
        match tokio::time::timeout(limit, self.signal).await {
            Ok(Ok(())) => {}
            _ => panic!(
                "{} never handled its event number {} within {limit:?}",
                self.consumer, self.nth
            ),
        }
    }
}

/// The hook `kit::bus` calls after a handler succeeded and before the acknowledgement. If a
/// test armed it for this event, it never returns: the event's task waits here until the
/// test crashes the runtime, which drops it unacknowledged.
pub(crate) async fn handled(consumer: &str) {
    let faults = CURRENT.with(|current| current.borrow().clone());
    if faults.is_some_and(|f| f.trip(consumer)) {
        tracing::warn!(consumer, "fault hook: stopped after handling, before the ack");
        std::future::pending::<()>().await;
    }
}
