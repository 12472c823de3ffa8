//! How work runs: [`run`] is the one entry for every call into the core.
//!
//! Small inputs run inline on the calling thread (handing them to a pool
//! costs more than the work). Long work runs as a job of a rayon pool of the
//! chosen size (no thread is started per call: that cost a quarter to half a
//! millisecond of system time a call) while the calling thread waits with
//! the interpreter released, waking every `SIGNAL_POLL` to look for Ctrl-C.
//! On a signal it raises the cancel flag the core's chunk loops check, waits
//! for them to stop, and re-raises the Python exception. A panic in the core,
//! on a worker or inline, becomes a `WorkerPanicError`, never an argument error.

use std::any::Any;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use fastmcnemar_core::control::{CancelFlag, Checkpoint, NeverStop};
use pyo3::prelude::*;
use rayon::ThreadPool;

use crate::errors::{InvalidArgumentError, PyCoreResult, WorkerPanicError};

/// Environment variable that sets the default number of threads.
pub const THREADS_ENV: &str = "FASTMCNEMAR_NUM_THREADS";

/// Threads allowed per CPU: more only adds switching, and thousands of OS
/// threads can make a machine unresponsive.
pub const THREADS_PER_CPU: usize = 4;

const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// The CPUs available to this process, read once: `available_parallelism`
/// reads cgroup files on Linux, too slow for every small call.
fn cpus() -> usize {
    static CPUS: OnceLock<usize> = OnceLock::new();
    *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The largest thread count accepted: [`THREADS_PER_CPU`] x the CPUs here.
pub fn max_threads() -> usize {
    THREADS_PER_CPU * cpus()
}

fn check_count(n: Option<usize>, name: &str, shown: &str) -> PyResult<usize> {
    let max = max_threads();
    match n {
        Some(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(InvalidArgumentError::new_err(format!(
            "{name} must be a whole number from 1 to {max} ({THREADS_PER_CPU} x the {} CPUs \
             here), got {shown}",
            cpus()
        ))),
    }
}

/// Thread count for a call: the explicit argument, else the environment
/// variable, else every available core; refused outside 1..=[`max_threads`].
pub fn resolve_threads(n_threads: Option<usize>) -> PyResult<usize> {
    if let Some(n) = n_threads {
        return check_count(Some(n), "n_threads", &n.to_string());
    }
    if let Ok(text) = std::env::var(THREADS_ENV) {
        let n = text.trim().parse::<usize>().ok();
        return check_count(n, THREADS_ENV, &format!("'{text}'"));
    }
    Ok(cpus())
}

/// How big a call is: below `inline_below` items it runs inline.
#[derive(Debug, Clone, Copy)]
pub enum Size {
    /// `items` of work; at most `inline_below - 1` run on the calling thread.
    Items { items: usize, inline_below: usize },
    /// Always long enough to leave the interpreter.
    Long,
}

impl Size {
    /// On the calling thread when `short` (microseconds of work: waking the pool
    /// would cost more), else [`Size::Long`].
    pub fn inline_if(short: bool) -> Size {
        if short {
            Size::Items {
                items: 0,
                inline_below: 1,
            }
        } else {
            Size::Long
        }
    }
}

/// Runs `work` inline when `size` is small, else with the interpreter
/// released on a pool of `n_threads` (see [`resolve_threads`]), stopping it on
/// Ctrl-C. The thread count is checked either way, so a bad one is refused
/// whatever the input size.
pub fn run<T, F>(py: Python<'_>, n_threads: Option<usize>, size: Size, work: F) -> PyCoreResult<T>
where
    T: Send,
    F: FnOnce(&dyn Checkpoint) -> fastmcnemar_core::Result<T> + Send,
{
    let threads = resolve_threads(n_threads)?;
    if let Size::Items {
        items,
        inline_below,
    } = size
    {
        if items < inline_below {
            return caught(|| work(&NeverStop));
        }
    }
    let pool = thread_pool(threads)?;
    let cancel = AtomicBool::new(false);
    let outcome: PyCoreResult<T> = py.detach(|| {
        // The work is a job of the pool's own scope (no thread is started per
        // call); this thread waits beside it, looking for Ctrl-C.
        pool.in_place_scope(|scope| {
            let (done_tx, done_rx) = mpsc::channel();
            let flag = CancelFlag(&cancel);
            scope.spawn(move |_| {
                let _ = done_tx.send(caught(|| work(&flag)));
            });
            let mut pending_signal: Option<PyErr> = None;
            let result = loop {
                match done_rx.recv_timeout(SIGNAL_POLL) {
                    Ok(result) => break result,
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        break Err(panic_error(&"the work ended without a result").into());
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        if pending_signal.is_none() {
                            if let Err(err) = Python::attach(|py| py.check_signals()) {
                                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                                pending_signal = Some(err);
                            }
                        }
                    }
                }
            };
            match pending_signal {
                Some(err) => Err(err.into()),
                None => result,
            }
        })
    });
    outcome
}

/// `work`'s result, with a panic in it made a `WorkerPanicError` (inline or on
/// the pool alike), not PyO3's PanicException, which `except Exception` misses.
fn caught<T>(work: impl FnOnce() -> fastmcnemar_core::Result<T>) -> PyCoreResult<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => Ok(result?),
        Err(payload) => Err(panic_error(payload.as_ref()).into()),
    }
}

/// The error a panic in the core becomes, with the panic's message.
fn panic_error(payload: &(dyn Any + Send)) -> PyErr {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    WorkerPanicError::new_err(format!(
        "internal error: fastmcnemar's core panicked ({what}); please report it"
    ))
}

/// Panics on purpose inside [`run`], inline or on the pool: the test suite's
/// way to check that a bug in the core surfaces as `WorkerPanicError` and
/// leaves the pools usable (no input reaches a panic).
#[pyfunction]
#[pyo3(signature = (inline))]
fn _panic_for_tests(py: Python<'_>, inline: bool) -> PyCoreResult<()> {
    run(
        py,
        None,
        Size::inline_if(inline),
        |_| -> fastmcnemar_core::Result<()> { panic!("deliberate panic for the test suite") },
    )
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)
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
