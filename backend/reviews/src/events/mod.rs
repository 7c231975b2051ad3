//! What reviews tells the rest of the system: its ratings.

pub mod rating;
