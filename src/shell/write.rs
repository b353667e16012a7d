//! What groot writes into startup files: the activation script and block of `groot init`
//! ([`activate`]), the merged per-file plan of `groot fix` ([`plan`]), and the safe editor both
//! go through ([`edit`]): planned, backed up, atomic, idempotent and undoable.

pub mod activate;
pub mod edit;
pub mod plan;
pub mod windows;
