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
