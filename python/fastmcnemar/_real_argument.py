"""Validation of a real-number (non-boolean) scalar argument, shared by the planning and
non-inferiority entry points."""

from __future__ import annotations

import numbers

from fastmcnemar.exceptions import InvalidArgumentError


def as_real(value: object, name: str) -> float:
    """``value`` as a float; a bool or a non-real raises, naming argument ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgumentError(f"{name} must be a real number, got {value!r}")
    return float(value)
