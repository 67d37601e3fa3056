//! The manager's desk: the dashboard's figures over a period, for a team or an owner.

pub mod period;
