//! How long work runs: off the interpreter, on a rayon pool of the chosen
//! size, stoppable with Ctrl-C.
//!
//! The work runs on a scoped worker thread inside the pool while the calling
//! (main) thread waits with the interpreter released, waking every
//! `SIGNAL_POLL` to look for Ctrl-C. On a signal it raises the cancel flag the
//! core's chunk loops check, waits for them to stop, and re-raises the
//! Python exception.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use fastmcnemar_core::Error;
use fastmcnemar_core::control::{CancelFlag, Checkpoint};
use pyo3::prelude::*;
use rayon::ThreadPool;

use crate::errors::{InvalidArgumentError, to_py_err};

/// Environment variable that sets the default number of threads.
pub const THREADS_ENV: &str = "FASTMCNEMAR_NUM_THREADS";

const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Thread count for a call: the explicit argument, else the environment
/// variable, else every available core.
pub fn resolve_threads(n_threads: Option<usize>) -> PyResult<usize> {
    if let Some(n) = n_threads {
        if n == 0 {
            return Err(InvalidArgumentError::new_err(
                "n_threads must be at least 1",
            ));
        }
        return Ok(n);
    }
    if let Ok(text) = std::env::var(THREADS_ENV) {
        return match text.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(InvalidArgumentError::new_err(format!(
                "{THREADS_ENV}={text:?} is not a positive integer"
            ))),
        };
    }
    Ok(std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Pools keyed by (process id, thread count).
type PoolCache = Mutex<HashMap<(u32, usize), Arc<ThreadPool>>>;

/// One pool per (process, size). Keying by process id keeps a forked child
/// (eval harnesses fork workers) from touching its parent's dead threads.
fn thread_pool(threads: usize) -> PyResult<Arc<ThreadPool>> {
    static POOLS: OnceLock<PoolCache> = OnceLock::new();
    let key = (std::process::id(), threads);
    let mut pools = POOLS
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(pool) = pools.get(&key) {
        return Ok(Arc::clone(pool));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("fastmcnemar-{i}"))
        .build()
        .map_err(|e| {
            InvalidArgumentError::new_err(format!("cannot start {threads} threads: {e}"))
        })?;
    let pool = Arc::new(pool);
    pools.insert(key, Arc::clone(&pool));
    Ok(pool)
}

/// Runs `work` with the interpreter released, on a pool of `n_threads`
/// (see [`resolve_threads`]), stopping it on Ctrl-C.
pub fn run_detached<T, F>(py: Python<'_>, n_threads: Option<usize>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&dyn Checkpoint) -> fastmcnemar_core::Result<T> + Send,
{
    let pool = thread_pool(resolve_threads(n_threads)?)?;
    let cancel = AtomicBool::new(false);
    let outcome: Result<fastmcnemar_core::Result<T>, PyErr> = py.detach(|| {
        std::thread::scope(|scope| {
            let (done_tx, done_rx) = mpsc::channel::<()>();
            let flag = CancelFlag(&cancel);
            let pool = &pool;
            let handle = scope.spawn(move || {
                let result = pool.install(|| work(&flag));
                let _ = done_tx.send(());
                result
            });
            let mut pending_signal: Option<PyErr> = None;
            loop {
                match done_rx.recv_timeout(SIGNAL_POLL) {
                    Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if pending_signal.is_none() {
                            if let Err(err) = Python::attach(|py| py.check_signals()) {
                                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                                pending_signal = Some(err);
                            }
                        }
                    }
                }
            }
            let result = handle.join().unwrap_or_else(|_| {
                Err(Error::InvalidArgument(
                    "internal error: a worker thread panicked".into(),
                ))
            });
            match pending_signal {
                Some(err) => Err(err),
                None => Ok(result),
            }
        })
    });
    outcome?.map_err(to_py_err)
}
