"""Turn one Inspect score value into a number, the way Inspect's metrics do.

Inspect scorers log values as "C"/"I"/"P"/"N" (correct, incorrect, partial,
no answer), booleans, numbers, numeric strings, or dicts of those. The mapping
follows Inspect's own ``value_to_float`` so our accuracies equal the ones the
log reports; unlike it we never turn an unknown string into 0 silently.
"""

from __future__ import annotations

import math
from typing import Any

from fastmcnemar.exceptions import InputFormatError, NotTestableError

_LETTERS = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
_WORDS = {"yes": 1.0, "true": 1.0, "no": 0.0, "false": 0.0}
_UNSCORED_WORDS = frozenset({"nan", ""})


def score_to_float(value: Any, *, where: str) -> float | None:
    """Return the score as a float, or None when the sample is unscored.

    ``where`` names the file, sample and scorer for error messages. None and
    NaN mean "not scored" (Inspect's convention); an infinite value, a list,
    or a string that is neither a known letter/word nor a number is an error.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise InputFormatError(f"{where}: score value {value!r} is infinite")
        return number
    if isinstance(value, str):
        if value in _LETTERS:
            return _LETTERS[value]
        lowered = value.strip().lower()
        if lowered in _WORDS:
            return _WORDS[lowered]
        if lowered in _UNSCORED_WORDS:
            return None
        try:
            number = float(lowered)
        except ValueError:
            raise InputFormatError(
                f"{where}: score value {value!r} is not C/I/P/N, yes/no, true/false or a number"
            ) from None
        if math.isinf(number):
            raise InputFormatError(f"{where}: score value {value!r} is infinite")
        return None if math.isnan(number) else number
    if isinstance(value, list | tuple):
        raise NotTestableError(f"{where}: value is a list, not one number per sample")
    raise InputFormatError(f"{where}: score value of type {type(value).__name__} is not supported")


def expand_score(scorer: str, value: Any, *, where: str) -> dict[str, float | None]:
    """Metric name -> number for one logged score.

    A dict-valued score (a scorer that returns several values) becomes one
    metric per key, named ``"<scorer>/<key>"``; anything else is ``{scorer: x}``.
    """
    if isinstance(value, dict):
        return {
            f"{scorer}/{key}": score_to_float(item, where=f"{where}, key {key!r}")
            for key, item in value.items()
        }
    return {scorer: score_to_float(value, where=where)}


__all__ = ["expand_score", "score_to_float"]
