//! Inventory's part in the checkout saga: one handler per consumed event, each running in one
//! transaction with its inbox record and the events it publishes (outbox).

pub mod orders;
