"""The core's texts of flipped lines are Python's, bit for bit, or left to Python.

``_core.flip_texts_at_starts_many`` makes the prompt, target and response of the
lm-eval shapes in Rust and hands every other line back as its outline text; the texts
it makes must be exactly what ``flip_texts._texts_of`` makes from the parsed record.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastmcnemar._core import flip_texts_at_starts_many

flip_texts = importlib.import_module("fastmcnemar.compare.flip_texts")
REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"

# Text with the characters that matter here: Python's whitespace at both ends (strip),
# escapes, quotes, non-ASCII; sometimes long enough to be clipped.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"
)
texts = st.one_of(
    st.text(alphabet=st.sampled_from(list(WHITESPACE + 'ab"\\/é😀\u0000\u001f')), max_size=12),
    st.text(max_size=30),
    st.builds(lambda c, n: c * n, st.sampled_from("xé😀"), st.integers(3995, 4005)),
)
integers = st.integers(-(10**20), 10**20)
numbers = st.one_of(integers, st.floats(allow_nan=False, allow_infinity=False))
greedy = st.sampled_from([True, False, "True", "False", "true", "false"])
scores = st.one_of(
    numbers,
    numbers.map(str),
    st.sampled_from(["-0", "1e5", " -1.5", "nan", "1_0", "+2", "inf"]),
)
pair = st.lists(st.one_of(scores, greedy), min_size=2, max_size=2)
log_likelihoods = st.lists(
    st.one_of(st.tuples(scores, greedy).map(list), pair, pair.map(lambda p: [p])),
    min_size=1,
    max_size=5,
)
responses = st.one_of(
    st.none(),
    texts,
    st.lists(texts, min_size=1, max_size=2),
    st.lists(st.lists(texts, min_size=1, max_size=1), min_size=1, max_size=1),
    log_likelihoods,
    st.just([]),
)
scalars = st.one_of(st.none(), texts, integers, st.booleans(), st.floats(), st.just(-0))


@st.composite
def arguments(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["generation", "choices", "other"]))
    if kind == "other":
        return draw(st.one_of(st.none(), st.just({}), st.just([["q", "a"]]), scalars))
    n = draw(st.integers(1, 4))
    second = texts if kind == "choices" else st.one_of(texts, st.just({"until": ["\n"]}))
    return {
        f"gen_args_{i}": {"arg_0": draw(scalars if i else texts), "arg_1": draw(second)}
        for i in range(n)
    }


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {
        "doc_id": draw(st.one_of(st.integers(-5, 10**9), texts, st.floats(0, 9)))
    }
    for key, values in [
        ("doc", st.just({"question": "q", "choices": [1, 2]})),
        ("target", scalars),
        ("arguments", arguments()),
        ("resps", responses),
        ("filtered_resps", responses),
        ("filter", st.one_of(st.none(), st.just("none"), texts, integers)),
        ("metrics", st.just(["acc"])),
        ("doc_hash", st.just("ab" * 32)),
    ]:
        if draw(st.booleans()):
            record[key] = draw(values)
    return record


def lines_and_starts(path: Path, rows: list[str]) -> list[int]:
    data = "".join(row + "\n" for row in rows).encode()
    path.write_bytes(data)
    starts, at = [], 0
    for row in rows:
        starts.append(at)
        at += len(row.encode()) + 1
    return starts


def python_texts(raw: str) -> tuple[Any, ...]:
    record = json.loads(raw)
    for key in flip_texts._UNUSED_KEYS:
        if key in record:
            record[key] = None  # as the outline hands them over
    return tuple(flip_texts._texts_of(record))


def check(path: Path, rows: list[str]) -> list[bool]:
    """Each row's core result against Python's; whether the core made the texts."""
    starts = lines_and_starts(path, rows)
    (read,) = flip_texts_at_starts_many([path], [starts], flip_texts._UNUSED_KEYS)
    assert read is not None
    made = []
    for raw, got in zip(rows, read, strict=True):
        if isinstance(got, bytes):
            record = json.loads(raw)
            outline = json.loads(got)
            assert outline.keys() == record.keys()  # handed back whole
            made.append(False)
        else:
            assert got == python_texts(raw), raw
            made.append(True)
    return made


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(records(), min_size=1, max_size=6), st.booleans())
def test_core_texts_are_pythons_or_handed_back(
    tmp_path: Path, rows: list[dict[str, Any]], ascii_only: bool
) -> None:
    check(tmp_path / "samples_t.jsonl", [json.dumps(r, ensure_ascii=ascii_only) for r in rows])


def test_the_lm_eval_shapes_are_made_in_the_core(tmp_path: Path) -> None:
    prompt = "Question: why?\nAnswer:"
    options = [["-3.5", "False"], ["-0.25", "True"], ["-0.25", "False"], ["-9", "False"]]
    choice = {
        "doc_id": 3,
        "doc": {"q": 1},
        "target": 1,
        "arguments": {
            f"gen_args_{i}": {"arg_0": prompt, "arg_1": f"{WHITESPACE}opt{i}{WHITESPACE}"}
            for i in range(4)
        },
        "resps": [[option] for option in options],
        "filtered_resps": options,
        "filter": "none",
        "metrics": ["acc", "acc_norm"],
    }
    generation = {
        "doc_id": "a-7",
        "target": "42",
        "arguments": {"gen_args_0": {"arg_0": prompt, "arg_1": {"until": ["\n\n"]}}},
        "resps": [["The answer is 42"]],
        "filtered_resps": ["42"],
        "filter": "strict-match",
    }
    path = tmp_path / "samples_t.jsonl"
    rows = [json.dumps(choice), json.dumps(generation, ensure_ascii=False)]
    assert check(path, rows) == [True, True]
    (read,) = flip_texts_at_starts_many([path], [lines_and_starts(path, rows)], [])
    assert read is not None
    assert read[0] == ("3", "none", prompt, "1", "choice 1: opt1")


def real_samples_files() -> list[Path]:
    """The real lm-eval files beside the repository and the package's example runs."""
    from fastmcnemar.data import example_path

    real = sorted(REALDATA.rglob("samples_*.jsonl")) if REALDATA.is_dir() else []
    examples = [example_path(name) for name in ("reference", "rerun", "degraded")]
    return real + sorted(p for run in examples for p in Path(run).rglob("samples_*.jsonl"))


def test_real_lm_eval_lines_are_all_made_in_the_core(tmp_path: Path) -> None:
    files = real_samples_files()
    assert len(files) >= 4
    for path in files:
        rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert all(check(tmp_path / "samples_real.jsonl", rows[:300])), path
