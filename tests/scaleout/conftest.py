"""Real parts for the scale-out tests: a local S3 server, a Ray cluster, a Dask cluster.

Nothing here is mocked. ``s3`` starts moto's S3 server (its server mode, the same
HTTP API as AWS) on 127.0.0.1 on a free port and points the AWS environment
variables at it, so s3fs, boto3 and any worker process started afterwards reach
it exactly as they would reach a real bucket. The runs uploaded there were
written by the real harnesses (lm-eval's built-in example runs, lighteval-style
details written by the ``datasets`` library, Inspect logs from inspect_ai's
eval loop). ``ray_cluster`` and ``dask_client`` are real local clusters of two
worker processes each, started once per session (Ray takes a few seconds) and
shut down at the end.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fastmcnemar.data import EXAMPLES, example_path

_HARNESS = Path(__file__).resolve().parents[1] / "harness"
if str(_HARNESS) not in sys.path:
    sys.path.insert(0, str(_HARNESS))

BUCKET = "evals"


@dataclass(frozen=True)
class S3Store:
    """The running S3 server and what the tests uploaded to it."""

    endpoint: str
    storage_options: dict[str, Any]  # explicit credentials, for the options= path
    local: Path  # the local tree that was uploaded (same layout under s3://evals/)
    fs: Any  # an s3fs filesystem on the server

    def uri(self, relative: str) -> str:
        return f"s3://{BUCKET}/{relative}"

    def put(self, local: Path, relative: str) -> str:
        """Upload a file or folder to ``s3://evals/<relative>``; returns the URI."""
        target = f"{BUCKET}/{relative}".rstrip("/")
        if local.is_dir():
            for file in sorted(p for p in local.rglob("*") if p.is_file()):
                self.fs.put_file(str(file), f"{target}/{file.relative_to(local).as_posix()}")
        else:
            self.fs.put_file(str(local), target)
        self.fs.invalidate_cache()
        return self.uri(relative).rstrip("/")


def _write_lighteval(out: Path) -> None:
    from lighteval_details import write_run

    correct = [i % 7 != 0 for i in range(40)]
    write_run(out, "org/model-a", "2026-01-02T03-04-05.000001", "arc|0", correct)


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Store]:
    """moto's S3 server on 127.0.0.1:<free port>, with runs in ``s3://evals/``.

    Layout: ``lm-eval/<reference|rerun|degraded>/`` (the package's example runs)
    and ``sweep/<name>/`` (the same runs as an audit's candidate folder),
    ``lighteval/`` (details + results trees).
    """
    pytest.importorskip("moto.server", reason="the test extra (moto[s3], flask) is not installed")
    s3fs = pytest.importorskip("s3fs", reason="the 'remote' extra (s3fs) is not installed")
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = {
        "AWS_ACCESS_KEY_ID": "fastmcnemar-test",
        "AWS_SECRET_ACCESS_KEY": "fastmcnemar-test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ENDPOINT_URL_S3": endpoint,
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
            patch.delenv(key, raising=False)
        try:
            fs = s3fs.S3FileSystem(anon=False)
            fs.mkdir(BUCKET)
            local = tmp_path_factory.mktemp("bucket")
            for name in EXAMPLES:
                shutil.copytree(example_path(name), local / "lm-eval" / name)
                shutil.copytree(example_path(name), local / "sweep" / name)
            _write_lighteval(local / "lighteval")
            store = S3Store(
                endpoint,
                {
                    "key": env["AWS_ACCESS_KEY_ID"],
                    "secret": env["AWS_SECRET_ACCESS_KEY"],
                    "endpoint_url": endpoint,
                },
                local,
                fs,
            )
            store.put(local, "")
            yield store
        finally:
            server.stop()


@pytest.fixture(scope="session")
def ray_cluster(s3: S3Store) -> Iterator[Any]:
    """A real local Ray cluster (two CPUs, no dashboard), shared by the session.

    Started after the S3 server so its worker processes inherit the AWS
    environment pointing at it.
    """
    ray = pytest.importorskip("ray", reason="the 'ray' extra is not installed")
    # Ray's workers start with the environment of this process: the AWS variables
    # set by ``s3`` and the test helpers (tests/harness) on their import path.
    paths = [str(_HARNESS), *filter(None, [os.environ.get("PYTHONPATH")])]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", os.pathsep.join(paths))
        context = ray.init(
            num_cpus=2,
            include_dashboard=False,
            logging_level=logging.ERROR,
            log_to_driver=False,
        )
        try:
            yield context
        finally:
            ray.shutdown()


@pytest.fixture(scope="session")
def dask_client(s3: S3Store) -> Iterator[Any]:
    """A real Dask ``LocalCluster`` of two worker processes and its ``Client``."""
    distributed = pytest.importorskip("distributed", reason="the 'dask' extra is not installed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
