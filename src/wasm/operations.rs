//! The Sessions operations by the names JavaScript calls them (`client.sessions[op]`): read by
//! [`crate::api::sessions_operation`], where the host's tests reach them.

pub use crate::api::sessions_operation as operation;
