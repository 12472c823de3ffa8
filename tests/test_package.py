"""The package imports and its error classes form one hierarchy."""

from __future__ import annotations

import fastmcnemar


def test_version_is_a_string() -> None:
    assert isinstance(fastmcnemar.__version__, str)
    assert fastmcnemar.__version__.count(".") == 2


def test_every_error_is_a_fastmcnemar_error_and_a_value_error() -> None:
    for name in fastmcnemar.exceptions.__all__:
        cls = getattr(fastmcnemar, name)
        if name.endswith("Warning"):
            assert issubclass(cls, UserWarning)
            continue
        assert issubclass(cls, fastmcnemar.FastMcNemarError), name
        assert issubclass(cls, ValueError), name


def _fresh(code: str) -> str:
    """Runs ``code`` in a new interpreter and returns what it prints."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


HEAVY = "sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'polars', 'scipy', 'pyarrow'})"


def test_import_and_the_cheap_commands_load_neither_numpy_nor_polars() -> None:
    import json

    for call in (
        "import fastmcnemar",
        "import fastmcnemar; fastmcnemar.__version__; fastmcnemar.FastMcNemarError",
        "from fastmcnemar.cli import main; main(['--version'])",
        "from fastmcnemar.cli import main; main(['--help'])",
        "from fastmcnemar.cli import main; main(['compare', '--help'])",
    ):
        out = _fresh(f"import sys, json\n{call}\nprint(json.dumps({HEAVY}))")
        assert json.loads(out.splitlines()[-1]) == [], call
    # The first real use loads them.
    out = _fresh(f"import sys, json, fastmcnemar\nfastmcnemar.mcnemar\nprint(json.dumps({HEAVY}))")
    assert "numpy" in json.loads(out.splitlines()[-1])


#: What a comparison loads only when asked for: a policy (and the TOML parser), reruns'
#: noise floor, resampling (continuous tasks), clustered tests, sign-flip suites, NumPy's
#: random generators (a Generator passed as ``rng``).
OPTIONAL = (
    "fastmcnemar.policy", "tomllib", "fastmcnemar.rerun_noise", "fastmcnemar.resampling",
    "fastmcnemar.clustered", "fastmcnemar.suite_resampling", "numpy.random",
)  # fmt: skip


def test_a_plain_comparison_loads_no_optional_feature() -> None:
    import json

    # Two binary tasks (the example runs have continuous ones, which resample).
    plain = (
        "import sys, json, polars as pl, fastmcnemar as fm\n"
        "def run(flip):\n"
        "    ids = [str(i) for i in range(200)]\n"
        "    return pl.DataFrame({'task': ['a'] * 200 + ['b'] * 200, 'doc_id': ids + ids,\n"
        "                         'score': [float(i % 3 > flip) for i in range(400)]})\n"
        "assert fm.compare(run(0), run(1)).degraded\n"
        f"print(json.dumps(sorted(set(sys.modules) & set({list(OPTIONAL)!r}))))"
    )
    assert json.loads(_fresh(plain).splitlines()[-1]) == []


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in fastmcnemar.__all__:
        assert getattr(fastmcnemar, name) is not None, name
    assert set(fastmcnemar.__all__) <= set(dir(fastmcnemar))
    assert callable(fastmcnemar.compare)
    assert fastmcnemar.planning.sample_size is fastmcnemar.sample_size
    import pytest

    with pytest.raises(AttributeError, match="no_such_name"):
        fastmcnemar.no_such_name  # type: ignore[attr-defined]  # noqa: B018


def test_compare_stays_the_function_whatever_is_imported_first() -> None:
    out = _fresh(
        "import fastmcnemar.compare.engine, fastmcnemar\n"
        "from fastmcnemar.compare import compare\n"
        "print(fastmcnemar.compare is compare)"
    )
    assert out.strip() == "True"


def test_the_command_line_starts_no_blas_threads_unless_asked() -> None:
    """OpenBLAS's idle threads busy-wait on every core after NumPy loads; the command line
    never calls BLAS, so it asks for one thread, unless the user chose a number."""
    import os
    import subprocess
    import sys

    code = (
        "import os\nfrom fastmcnemar.cli import main\nmain(['power', '--help'])\n"
        "import numpy\nprint(os.environ.get('OPENBLAS_NUM_THREADS'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    for chosen, expected in ((None, "1"), ("2", "2")):
        if chosen is not None:
            env["OPENBLAS_NUM_THREADS"] = chosen
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.stdout.splitlines()[-1] == expected
