"""Where an audit's candidates are read: local threads, a Ray cluster or a Dask cluster.

One unit of work is one candidate: read its files, pair them with the reference
index and reduce every task to its :class:`~fastmcnemar.compare.task_stats.TaskStats`
(:func:`~fastmcnemar.compare.engine.candidate_stats`). A task is never split
across workers, so a continuous task's paired differences are whole on the
worker that computes them. The reference index is shipped once (Ray: one
``ray.put``; Dask: one ``scatter`` broadcast to the workers), never per task.
Workers return the statistics, the warnings they raised and, for a candidate
that cannot be read, its error as a value; the driver makes every decision, so
the result does not depend on the engine.

Faults. A worker process lost mid-task is the engine's to retry (Ray
``max_retries``; Dask reschedules the tasks of a lost worker, up to its
``allowed-failures``). An input error is not retried (it would fail again): it
comes back as a :class:`Failure`, which stops the audit, or with
``keep_going`` is listed in the report. Ctrl-C cancels the outstanding work.
"""

from __future__ import annotations

import importlib
import os
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, CancelledError, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastmcnemar.compare.engine import ReferenceIndex, candidate_stats
from fastmcnemar.compare.task_stats import TaskStats
from fastmcnemar.exceptions import FastMcNemarError, InvalidArgumentError
from fastmcnemar.ingest.remote import WARNINGS_LOCK, StorageOptions

#: The engines audit() runs on.
ENGINES = ("local", "ray", "dask")

#: How often Ray re-runs a task whose worker process died (system failures only).
RAY_MAX_RETRIES = 3

#: How often a Dask candidate whose result was lost with its worker is submitted again
#: (Dask itself re-runs tasks of lost workers that had not finished).
DASK_RESUBMITS = 3

# Dask's FutureCancelledError derives from this: a future the scheduler gave up on.
FutureLost = CancelledError


@dataclass(frozen=True)
class Failure:
    """A candidate that could not be read or paired: the error's class and message."""

    error: type[Exception]
    message: str

    def exception(self, label: str) -> Exception:
        """The error to raise on the driver, naming the candidate."""
        text = self.message if self.message.startswith(f"candidate {label}") else (
            f"candidate {label}: {self.message}"
        )  # fmt: skip
        try:
            return self.error(text)
        except Exception:  # an exception class with another constructor
            return FastMcNemarError(text)


@dataclass(frozen=True)
class Outcome:
    """What one unit of work sends back to the driver (small and picklable)."""

    stats: TaskStats | None
    failure: Failure | None
    warnings: list[tuple[type[Warning], str]] = field(default_factory=list)


def candidate_outcome(
    index: ReferenceIndex,
    run: Any,
    label: str,
    storage_options: StorageOptions | None,
    capture_warnings: bool = True,
) -> Outcome:
    """One candidate's unit of work, as every engine runs it (on a worker).

    Errors of the candidate's data are returned, not raised, so an engine does
    not retry them. On Ray and Dask workers the warnings are recorded and
    returned, since a worker's warnings would otherwise stay in its own log;
    recording is process-wide, so one candidate records at a time per worker
    process (the reading itself already runs on every core of the worker). On
    the local engine (``capture_warnings=False``) they are raised as usual.
    """
    if not capture_warnings:
        return _outcome(index, run, label, storage_options)
    with WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        outcome = _outcome(index, run, label, storage_options)
    return Outcome(outcome.stats, outcome.failure, _warnings(caught))


def _outcome(
    index: ReferenceIndex, run: Any, label: str, storage_options: StorageOptions | None
) -> Outcome:
    try:
        stats = candidate_stats(index, run, label=label, storage_options=storage_options)
    except (FastMcNemarError, OSError) as err:
        return Outcome(None, Failure(type(err), str(err)))
    return Outcome(stats, None)


def _warnings(caught: list[warnings.WarningMessage]) -> list[tuple[type[Warning], str]]:
    return [(w.category, str(w.message)) for w in caught]


def engine_failure(err: BaseException) -> Outcome:
    """The outcome of a unit the engine itself could not complete: its worker died
    more often than the engine retries, or it raised outside the candidate's data."""
    lines = str(err).strip().splitlines()
    # Ray and Dask put the remote traceback in the message: keep its last line.
    detail = next((line.strip() for line in reversed(lines) if line.strip()), type(err).__name__)
    return Outcome(
        None,
        Failure(FastMcNemarError, f"not completed by the engine ({type(err).__name__}): {detail}"),
    )


def replay_warnings(outcome: Outcome) -> None:
    """Re-emit on the driver the warnings a worker raised."""
    for category, message in outcome.warnings:
        warnings.warn(message, category, stacklevel=4)


OnDone = Callable[[str, Outcome], None]


def _import_engine(name: str, module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InvalidArgumentError(
            f"engine={name!r} needs {module.split('.')[0]}: pip install 'fastmcnemar[{name}]'"
        ) from None


# ----------------------------------------------------------------------------- local


def run_local(
    index: ReferenceIndex,
    runs: Mapping[str, Any],
    on_done: OnDone,
    *,
    storage_options: StorageOptions | None = None,
    max_workers: int | None = None,
) -> None:
    """Every candidate on a thread pool of this process (the default engine)."""
    # Two candidates per core by default: one's Python steps (survey, pairing) hold the
    # interpreter while another's scan runs on the core's pool, so the cores stay busy.
    workers = max(1, max_workers or min(len(runs), 2 * (os.cpu_count() or 1)))
    pool = ThreadPoolExecutor(max_workers=workers)
    futures = {
        pool.submit(candidate_outcome, index, run, label, storage_options, False): label
        for label, run in runs.items()
    }
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                on_done(futures[future], future.result())
    finally:
        # On an error or Ctrl-C: the candidates not yet started never start.
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True)


# ----------------------------------------------------------------------------- Ray


@contextmanager
def _ray_session(ray: Any, address: str | None) -> Iterator[None]:
    """Use the process's Ray connection, else connect to ``address`` (a local
    cluster when None) for the audit and disconnect afterwards."""
    if ray.is_initialized():
        yield
        return
    ray.init(address=address, include_dashboard=False, logging_level="ERROR")
    try:
        yield
    finally:
        ray.shutdown()


# The reference index of the current audit in this Ray worker process: fetched and
# deserialised once per worker, not once per task (one entry: a new audit replaces it).
_RAY_INDEX: dict[str, ReferenceIndex] = {}


def _ray_outcome(
    index_ref: list[Any], run: Any, label: str, storage_options: StorageOptions | None
) -> Outcome:
    """:func:`candidate_outcome` on a Ray worker. The index comes as an object-store
    reference wrapped in a list, so Ray does not fetch and deserialise it for every
    task; the worker does it once."""
    import ray

    (ref,) = index_ref
    key = ref.hex()
    index = _RAY_INDEX.get(key)
    if index is None:
        index = ray.get(ref)
        _RAY_INDEX.clear()
        _RAY_INDEX[key] = index
    return candidate_outcome(index, run, label, storage_options)


def run_ray(
    index: ReferenceIndex,
    runs: Mapping[str, Any],
    on_done: OnDone,
    *,
    storage_options: StorageOptions | None = None,
    address: str | None = None,
    max_retries: int = RAY_MAX_RETRIES,
) -> None:
    """One Ray task per candidate; the index is put in the object store once."""
    ray = _import_engine("ray", "ray")
    with _ray_session(ray, address):
        job = ray.remote(max_retries=max_retries, retry_exceptions=False)(_ray_outcome)
        index_ref = ray.put(index)
        refs = {
            job.options(name=f"fastmcnemar:{label}").remote(
                [index_ref], run, label, storage_options
            ): label
            for label, run in runs.items()
        }
        pending = list(refs)
        try:
            while pending:
                done, pending = ray.wait(pending, num_returns=1)
                for ref in done:
                    try:
                        outcome = ray.get(ref)
                    except Exception as err:  # worker lost past max_retries, or a crash
                        outcome = engine_failure(err)
                    on_done(refs[ref], outcome)
        finally:
            for ref in pending:  # an error, a stopped audit or Ctrl-C
                ray.cancel(ref, force=True)


# ----------------------------------------------------------------------------- Dask


@contextmanager
def _dask_client(distributed: Any, client: Any, address: str | None) -> Iterator[Any]:
    """The given client; else one connected to ``address``; else the current
    default client; else a local cluster started (and closed) for the audit."""
    if client is not None:
        yield client
        return
    if address is not None:
        own = distributed.Client(address)
        try:
            yield own
        finally:
            own.close()
        return
    try:
        yield distributed.get_client()
        return
    except ValueError:  # no client in this process
        pass
    cluster = distributed.LocalCluster(processes=True, dashboard_address=None)
    own = distributed.Client(cluster)
    try:
        yield own
    finally:
        own.close()
        cluster.close()


def run_dask(
    index: ReferenceIndex,
    runs: Mapping[str, Any],
    on_done: OnDone,
    *,
    storage_options: StorageOptions | None = None,
    address: str | None = None,
    client: Any = None,
) -> None:
    """One Dask future per candidate; the index is scattered to the workers once."""
    distributed = _import_engine("dask", "distributed")
    with _dask_client(distributed, client, address) as dask:
        index_future = dask.scatter(index, broadcast=True, hash=False)
        audit_id = uuid.uuid4().hex[:8]
        submitted = 0

        def submit(label: str) -> Any:
            nonlocal submitted, index_future
            if index_future.status != "finished":  # every copy lost with its workers
                index_future = dask.scatter(index, broadcast=True, hash=False)
            submitted += 1
            return dask.submit(
                candidate_outcome, index_future, runs[label], label, storage_options,
                key=f"fastmcnemar-{audit_id}-{submitted}", pure=False,
            )  # fmt: skip

        futures = {submit(label): label for label in runs}
        resubmitted = dict.fromkeys(runs, 0)
        try:
            pending = distributed.as_completed(list(futures))
            for future in pending:
                label = futures[future]
                try:
                    outcome = future.result()
                except FutureLost as err:
                    # A finished result lost with its worker before it was fetched is
                    # forgotten by the scheduler: run the candidate again.
                    if resubmitted[label] < DASK_RESUBMITS:
                        resubmitted[label] += 1
                        again = submit(label)
                        futures[again] = label
                        pending.add(again)
                        continue
                    outcome = engine_failure(err)
                except Exception as err:  # KilledWorker past allowed-failures, or a crash
                    outcome = engine_failure(err)
                on_done(label, outcome)
        finally:
            # Cancels what has not finished (a no-op for finished futures).
            dask.cancel(list(futures))
            dask.cancel([index_future])


__all__ = [
    "ENGINES",
    "Failure",
    "Outcome",
    "candidate_outcome",
    "engine_failure",
    "replay_warnings",
    "run_dask",
    "run_local",
    "run_ray",
]
