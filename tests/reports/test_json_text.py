"""The fast indented JSON writer gives json.dumps's text, byte for byte."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastmcnemar.render._json_text import dumps

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
KEYS = st.text(max_size=6) | st.integers(-5, 5) | st.booleans() | st.none() | st.floats(-2, 2)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(KEYS, inner, max_size=5)
    ),
    max_leaves=30,
)


@given(VALUES, st.integers(min_value=0, max_value=4))
def test_equals_json_dumps(value: Any, indent: int) -> None:
    assert dumps(value, indent) == json.dumps(value, indent=indent, allow_nan=False)


def test_a_report_shaped_document() -> None:
    doc = {
        "reference": "ref \u00e9",
        "failed": {},
        "rows": [
            {"task": f"t{i}", "p": i / 7, "n": i, "ok": i % 2 == 0, "x": None} for i in range(3)
        ],
        "nested": {"a": [[], {}, [1, [2, {"b": 'c\n"d"'}]]]},
    }
    assert dumps(doc, 2) == json.dumps(doc, indent=2, allow_nan=False)


@pytest.mark.parametrize("bad", [math.nan, {"a": [math.inf]}, {math.nan: 1}])
def test_refuses_what_json_refuses(bad: Any) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        json.dumps(bad, indent=2, allow_nan=False)
    with pytest.raises(ValueError, match="not JSON compliant"):
        dumps(bad, 2)
