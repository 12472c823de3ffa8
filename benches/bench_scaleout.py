"""Audit throughput on Ray and Dask against the local engine, from local disk and from S3.

The corpus is the audit benchmark's (``audit_corpus.py``: lm-eval runs of 60 tasks,
realistic prompts and hashes), written once under ``--root``. Each configuration
audits the same reference and candidates; configurations are interleaved and the
median of ``--repeats`` runs is printed with candidates/s, MB/s of samples read
and the ratio to the local engine. Cluster start-up is timed apart (it is paid
once per session, not per audit).

Configurations: local (threads of this process), Ray and Dask with 1 and 2 worker
processes on this machine, and the same reading from a local S3 server (moto's
server mode on 127.0.0.1; workers download each candidate themselves).

    python benches/bench_scaleout.py                    # ray and dask, 1 and 2 workers, + S3
    python benches/bench_scaleout.py --engine dask --no-s3 --candidates 16
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audit_corpus
import fastmcnemar as fm


def _corpus(root: Path, k: int, distinct: int, docs: int) -> tuple[Path, list[Path], int]:
    audit_corpus.DOCS = docs  # a smaller corpus keeps the shared machine (and moto) in memory
    return audit_corpus.write_corpus(root / f"docs-{docs}", k, distinct=distinct)


def _timed(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run()
    return time.perf_counter() - start


class _S3:
    """moto's S3 server on a free local port holding the corpus (bucket ``bench``)."""

    def __init__(self, reference: Path, candidates: list[Path]) -> None:
        import s3fs
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        os.environ.update(
            AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=endpoint,
        )  # fmt: skip
        fs = s3fs.S3FileSystem()
        fs.mkdir("bench")
        start = time.perf_counter()
        for folder, target in [
            (reference, "reference"),
            *[(c, f"sweep/{c.name}") for c in candidates],
        ]:
            for file in sorted(p for p in folder.rglob("*") if p.is_file()):
                fs.put_file(str(file), f"bench/{target}/{file.relative_to(folder).as_posix()}")
        self.upload_s = time.perf_counter() - start
        self.reference = "s3://bench/reference"
        self.candidates = {c.name: f"s3://bench/sweep/{c.name}" for c in candidates}

    def stop(self) -> None:
        self.server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("ray", "dask", "all"), default="all")
    parser.add_argument("--candidates", type=int, default=8)
    parser.add_argument("--distinct", type=int, default=4)
    parser.add_argument("--docs", type=int, default=250, help="docs per task (corpus: 1000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-s3", action="store_true")
    parser.add_argument(
        "--root", type=Path, default=Path(tempfile.gettempdir()) / "fastmcnemar-audit-corpus"
    )
    args = parser.parse_args(argv)

    reference, candidates, size = _corpus(args.root, args.candidates, args.distinct, args.docs)
    runs = {c.name: c for c in candidates}
    total_mb = size * len(candidates) / 1e6
    print(
        f"corpus: {len(candidates)} candidates x 60 tasks x {args.docs} docs, "
        f"{size / 1e6:.0f} MB of samples per run ({total_mb:.0f} MB read per audit); "
        f"{os.cpu_count()} cores"
    )
    engines = ["ray", "dask"] if args.engine == "all" else [args.engine]
    s3 = None if args.no_s3 else _S3(reference, candidates)
    if s3 is not None:
        print(f"S3 (moto server on 127.0.0.1): uploaded in {s3.upload_s:.1f} s")

    local: dict[str, Callable[[], Any]] = {
        "local": lambda: fm.audit(reference, runs, progress=False),
    }
    if s3 is not None:
        local["local, S3"] = lambda: fm.audit(s3.reference, s3.candidates, progress=False)
    for engine in engines:
        for n in args.workers:
            start = time.perf_counter()
            run, close, client = (_ray if engine == "ray" else _dask)(n, reference, runs)
            print(f"{engine}, {n} worker(s): cluster up in {time.perf_counter() - start:.1f} s")
            block = {**local, f"{engine} {n}w": run}
            if s3 is not None:
                block[f"{engine} {n}w, S3"] = _on(engine, client, s3.reference, s3.candidates)
            try:
                # One cluster up at a time; the local engine is timed interleaved with it.
                _report(_measure(block, args.repeats), len(candidates), total_mb)
            finally:
                close()
    if s3 is not None:
        s3.stop()


def _on(engine: str, client: Any, reference: Any, runs: Any) -> Callable[[], Any]:
    if engine == "ray":
        return lambda: fm.audit(reference, runs, engine="ray", progress=False)
    return lambda: fm.audit(reference, runs, engine="dask", client=client, progress=False)


def _ray(n: int, reference: Path, runs: dict[str, Path]) -> tuple[Callable[[], Any], Any, Any]:
    import ray

    ray.init(num_cpus=n, include_dashboard=False, logging_level=logging.ERROR,
             log_to_driver=False)  # fmt: skip
    return _on("ray", None, reference, runs), ray.shutdown, None


def _dask(n: int, reference: Path, runs: dict[str, Path]) -> tuple[Callable[[], Any], Any, Any]:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=None,
                           silence_logs=logging.ERROR)  # fmt: skip
    client = Client(cluster)

    def close() -> None:
        client.close()
        cluster.close()

    return _on("dask", client, reference, runs), close, client


def _measure(configs: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in configs}
    for run in configs.values():
        _timed(run)  # warm-up: imports, worker start, first reads from the page cache
    for _ in range(repeats):
        for name, run in configs.items():  # interleaved
            samples[name].append(_timed(run))
    return {name: statistics.median(values) for name, values in samples.items()}


def _report(times: dict[str, float], n_candidates: int, total_mb: float) -> None:
    for name, seconds in times.items():
        base = times["local, S3"] if name.endswith("S3") else times["local"]
        print(
            f"  {name:<14} {seconds:7.2f} s  {n_candidates / seconds:6.2f} candidates/s  "
            f"{total_mb / seconds:7.0f} MB/s  x{base / seconds:4.2f} of local"
        )


if __name__ == "__main__":
    main()
