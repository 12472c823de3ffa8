//! Cooperative cancellation for long computations.
//!
//! Long loops (resampling, bulk tails) work in fixed chunks and call
//! [`Checkpoint::check`] between them, from any thread. The Python glue
//! implements it with a flag that its waiting thread raises on Ctrl-C, so the
//! core stays free of PyO3.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// Something a long computation asks, between chunks, whether to go on.
pub trait Checkpoint: Sync {
    /// Returns `Err(Error::Interrupted)` to stop the work.
    fn check(&self) -> Result<()>;
}

/// A checkpoint that never stops anything (Rust callers and tests).
#[derive(Debug, Default, Clone, Copy)]
pub struct NeverStop;

impl Checkpoint for NeverStop {
    fn check(&self) -> Result<()> {
        Ok(())
    }
}

/// A checkpoint backed by a flag another thread may raise.
#[derive(Debug)]
pub struct CancelFlag<'a>(pub &'a AtomicBool);

impl Checkpoint for CancelFlag<'_> {
    fn check(&self) -> Result<()> {
        if self.0.load(Ordering::Relaxed) {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }
}
