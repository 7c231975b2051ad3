//! Which status changes the saga may make. Events from different streams can arrive in any
//! order and more than once, so a change to a status the order has already passed is not an
//! error but a no-op; only contradictions (money taken for a cancelled order) are.

use contracts::orders::OrderStatus;

/// What to do with a requested change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Make the change.
    Apply,
    /// The order is already there or further along: nothing to do.
    Skip,
    /// Contradicts the order's state: a person must look (dead letter).
    Illegal,
}

fn rank(status: OrderStatus) -> u8 {
    match status {
        OrderStatus::Pending => 0,
        OrderStatus::AwaitingPayment => 1,
        OrderStatus::Paid => 2,
        OrderStatus::Shipped => 3,
        OrderStatus::Cancelled => 4,
    }
}

/// The rule for moving an order from `from` to `to`.
pub fn transition(from: OrderStatus, to: OrderStatus) -> Transition {
    use OrderStatus::*;
    match (from, to) {
        (a, b) if a == b => Transition::Skip,
        (Pending | AwaitingPayment, Cancelled) => Transition::Apply,
        (Paid | Shipped, Cancelled) => Transition::Illegal,
        // Paid after a cancellation means money was taken for nothing: needs a refund.
        (Cancelled, Paid) => Transition::Illegal,
        (Cancelled, _) => Transition::Skip,
        (a, b) if rank(a) > rank(b) => Transition::Skip,
        // Shipping only ever follows payment.
        (Pending | AwaitingPayment, Shipped) => Transition::Illegal,
        _ => Transition::Apply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn the_happy_path_applies() {
        assert_eq!(transition(Pending, AwaitingPayment), Transition::Apply);
        assert_eq!(transition(AwaitingPayment, Paid), Transition::Apply);
        assert_eq!(transition(Paid, Shipped), Transition::Apply);
    }

    #[test]
    fn late_or_repeated_events_are_skipped() {
        assert_eq!(transition(Paid, AwaitingPayment), Transition::Skip);
        assert_eq!(transition(Paid, Paid), Transition::Skip);
        assert_eq!(transition(Cancelled, AwaitingPayment), Transition::Skip);
        assert_eq!(
            transition(Pending, Paid),
            Transition::Apply,
            "payment may overtake the session event"
        );
    }

    #[test]
    fn contradictions_are_illegal() {
        assert_eq!(transition(Cancelled, Paid), Transition::Illegal);
        assert_eq!(transition(Paid, Cancelled), Transition::Illegal);
        assert_eq!(transition(Pending, Shipped), Transition::Illegal);
    }
}
