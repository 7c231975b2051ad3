//! Two replicas of payments on one database, as behind a load balancer (one PostgreSQL
//! database; on SQLite, two pools on one file): both sweep for overdue sessions, often enough
//! that their sweeps meet on the same sessions, yet each session times out once.

use std::time::Duration;

use crate::helpers::spawn_replicas;

/// Sessions the test lets time out.
const ORDERS: usize = 8;

#[tokio::test]
async fn two_replicas_sweeping_together_time_each_session_out_once() {
    let (app, second) = spawn_replicas(|s| {
        s.payment_timeout = Duration::from_secs(1);
        s.expiry_sweep = Duration::from_millis(10);
    })
    .await;
    let mut sessions = Vec::new();
    for n in 0..ORDERS {
        sessions.push(app.reserve(&format!("order-late-{n}"), 500).await);
    }

    app.failed.wait_for(ORDERS).await;
    app.settle().await;
    let failed = app.failed.seen();
    assert_eq!(failed.len(), ORDERS, "one payments.failed per session");
    let mut orders: Vec<_> = failed.iter().map(|e| e.event.order_id.clone()).collect();
    orders.sort();
    orders.dedup();
    assert_eq!(orders.len(), ORDERS, "every order failed, none twice");
    assert!(failed.iter().all(|e| e.event.reason == "Payment timed out."));
    assert!(app.succeeded.seen().is_empty(), "nothing charged");

    let statuses: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM sessions GROUP BY status")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(statuses, [("EXPIRED".to_string(), ORDERS as i64)]);
    for session in &sessions {
        for base in [&app.base, &second] {
            assert!(
                app.page_at(base, session)
                    .await
                    .contains("This payment is expired."),
                "both replicas show {session} expired"
            );
        }
    }
}
