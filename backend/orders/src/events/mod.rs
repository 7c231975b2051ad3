//! The orders service's part in the checkout saga: one handler per consumed event, each in one
//! transaction with its inbox record, the status change and the events it publishes; and the
//! purchase check other services ask over NATS.

pub mod purchases;
pub mod saga;
