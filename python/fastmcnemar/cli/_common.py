"""Options and output handling shared by the subcommands."""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from fastmcnemar._adjustment_names import ADJUSTMENTS
from fastmcnemar.exceptions import InvalidArgumentError

FORMATS = ("text", "markdown", "json", "csv", "html")


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """--format, --output, --alpha, --adjust, --metric, --tasks, hash override, verdict options."""
    parser.add_argument(
        "--margin",
        type=float,
        default=0.01,
        help="non-inferiority margin: a task not degraded is 'equivalent' when its drop is "
        "shown to be below this (default 0.01 = one point), else 'inconclusive'",
    )
    parser.add_argument(
        "--fail-on-inconclusive",
        action="store_true",
        help="exit 1 also when the verdict is 'inconclusive' (release gates)",
    )
    parser.add_argument(
        "--reference-reruns",
        nargs="+",
        metavar="RUN",
        help="other runs of the reference: report their flip rate (noise floor) per task",
    )
    parser.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="[TASK=]METRIC",
        help="metric to test, for every task (METRIC) or one task (TASK=METRIC); repeatable",
    )
    parser.add_argument(
        "--tasks", nargs="+", metavar="TASK", help="only these tasks (default: all paired tasks)"
    )
    parser.add_argument(
        "--alpha", type=float, default=0.05, help="significance level (default 0.05)"
    )
    parser.add_argument(
        "--alternative",
        choices=("greater", "two-sided", "less"),
        default="greater",
        help="'greater' (default): is the candidate worse than the reference",
    )
    parser.add_argument(
        "--adjust",
        choices=tuple(ADJUSTMENTS),
        default="holm",
        help="adjustment of the per-task p-values (default holm: family-wise error; "
        "bh: false discovery rate)",
    )
    parser.add_argument(
        "--cluster",
        metavar="KEY",
        help="samples come in clusters: doc.FIELD (lm-eval doc, dotted path), "
        "metadata.FIELD or id (Inspect), a file of doc_id,cluster[,task] (CSV/JSON/"
        "Parquet), or a column of a score file; clusters become the test units",
    )
    parser.add_argument(
        "--epochs",
        choices=("cluster", "mean"),
        default="cluster",
        help="Inspect logs with several epochs: test each epoch with a sample's epochs "
        "as one cluster (default), or average each sample's epochs first",
    )
    parser.add_argument(
        "--cluster-method",
        choices=("sign-flip", "obuchowski", "durkalski"),
        default="sign-flip",
        help="per-task clustered test (default sign-flip: exact; the others are "
        "asymptotic clustered McNemar statistics)",
    )
    parser.add_argument(
        "--method",
        choices=("exact", "midp"),
        default="exact",
        help="per-task McNemar p-value (default exact; midp has more power but its "
        "level is not guaranteed)",
    )
    parser.add_argument(
        "--rule",
        choices=("bonferroni", "any"),
        default="bonferroni",
        help="suite rule: Pooled, Max-Drop and Fisher each at alpha/3 (default, level "
        "alpha), or each at alpha ('any': the original rule, level at most 3 alpha)",
    )
    parser.add_argument(
        "--allow-hash-mismatch",
        action="store_true",
        help="pair samples even where doc_hash/target_hash differ (different data)",
    )
    parser.add_argument(
        "--storage-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an fsspec option for s3:// gs:// az:// hf:// runs (e.g. endpoint_url=..., "
        "anon=true); repeatable; credentials otherwise come from the environment",
    )
    parser.add_argument(
        "--policy",
        metavar="FILE",
        help="gate policy (TOML): per-task margins and which task verdicts fail the gate; "
        "the exit status follows the gate (see docs/ci.md)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 2 when a samples file holds fewer docs than its results file records "
        "(default: flagged in the report)",
    )
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="test the samples both runs hold when one run lacks some (default: an error "
        "naming the missing doc ids)",
    )
    parser.add_argument(
        "--scale",
        type=positive_float,
        metavar="S",
        help="score files (CSV/Parquet/JSONL) hold scores on a 0..S scale, e.g. --scale 100 "
        "for percentages: they are divided by S so scores, margins and reports are on 0..1",
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        help="text report: every column (b, c, flips, raw p, planning), no width limit "
        "(default: fits 100 columns, or the terminal when narrower)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format")
    add_output_option(parser, help="write the report here (default stdout)")


def add_output_option(
    parser: argparse.ArgumentParser, *, help: str, required: bool = False
) -> None:
    """``--output/-o FILE``: written atomically, never over an input (see :func:`write_output`)."""
    parser.add_argument("--output", "-o", metavar="FILE", required=required, help=help)


def positive_float(text: str) -> float:
    """argparse type: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text}")
    return value


def scan_reference_early(args: argparse.Namespace) -> None:
    """Start reading a plain lm-eval reference while the command imports its modules
    (:mod:`fastmcnemar._early_scan`); not when options select part of it, scale it, or
    read it elsewhere (``--engine``), where the reader reads it as before, and not when
    there is nothing left to import (``main`` called again in a process), where the
    reader on every core is faster than a scan on one."""
    selected = [args.tasks, args.scale, args.reference_model]
    selected.append(getattr(args, "reference_timestamp", None))  # compare only
    elsewhere = getattr(args, "engine", "local") != "local"  # audit only
    if not imports_pending() or elsewhere or any(option is not None for option in selected):
        return
    from fastmcnemar import _early_scan

    _early_scan.start(args.reference)


def imports_pending() -> bool:
    """Whether this process has yet to import Polars (and with it the readers)."""
    return "polars" not in sys.modules


def scaled_inputs(paths: list[str], scale: float | None) -> list[Any]:
    """With ``--scale``, score files are read here and divided by the scale (other
    runs are passed on as paths); without it, the paths unchanged."""
    if scale is None:
        return list(paths)
    from fastmcnemar.exceptions import InvalidArgumentError
    from fastmcnemar.ingest.detect import detect_format
    from fastmcnemar.ingest.scores import read_scores

    kinds = [detect_format(p) for p in paths]
    if "scores" not in kinds:
        raise InvalidArgumentError(
            "--scale applies to score files (CSV, TSV, Parquet, JSONL); none of the inputs is one"
        )
    return [
        read_scores(p, scale=scale) if k == "scores" else p
        for p, k in zip(paths, kinds, strict=True)
    ]


def exit_status(report: Any, fail_on_inconclusive: bool) -> int:
    """1 for a degraded verdict (or an inconclusive one with --fail-on-inconclusive), else 0;
    with --policy, 1 when the policy's gate fails for any candidate."""
    comparisons = getattr(report, "comparisons", None)
    gates = [c.metadata.get("gate") for c in (comparisons.values() if comparisons else [report])]
    if gates and all(g is not None for g in gates):
        failed = any(not g["passed"] for g in gates)
        return 1 if failed or (fail_on_inconclusive and _inconclusive(report)) else 0
    if report.degraded:
        return 1
    if fail_on_inconclusive:
        comparisons = getattr(report, "comparisons", None)
        verdicts = [c.verdict for c in comparisons.values()] if comparisons else [report.verdict]
        if any(v == "inconclusive" for v in verdicts):
            return 1
    return 0


def _inconclusive(report: Any) -> bool:
    comparisons = getattr(report, "comparisons", None)
    verdicts = [c.verdict for c in comparisons.values()] if comparisons else [report.verdict]
    return any(v == "inconclusive" for v in verdicts)


def metric_option(values: list[str]) -> str | dict[str, str] | None:
    """Turn repeated ``--metric`` values into compare()'s ``metric=`` argument."""
    if not values:
        return None
    per_task: dict[str, str] = {}
    default: str | None = None
    for value in values:
        if "=" in value:
            task, _, metric = value.partition("=")
            if not task or not metric:
                raise InvalidArgumentError(f"--metric {value!r}: expected TASK=METRIC")
            per_task[task] = metric
        else:
            default = value
    if default is not None and not per_task:
        return default
    if default is not None:
        per_task.setdefault("*", default)
    return per_task


def check_output(output: str | None, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Refuse an output path that is, or lies inside, one of the inputs (call it
    before the work, so a mistake costs nothing)."""
    from fastmcnemar._output_files import refuse_input_overlap

    if output is not None and output != "-":
        refuse_input_overlap(output, inputs)


def write_output(
    text: str | Iterable[str], output: str | None, inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Write ``text`` (or its pieces, in order) to stdout (``None`` or ``-``) or atomically
    to ``output``, ending with a newline."""
    from fastmcnemar._output_files import write_text_atomic
    from fastmcnemar.exceptions import OutputError

    pieces = _ending_in_newline([text] if isinstance(text, str) else text)
    if output is None or output == "-":
        try:
            for piece in pieces:
                sys.stdout.write(piece)
            sys.stdout.flush()
        except OSError as err:
            if isinstance(err, BrokenPipeError):  # the reader left: no second complaint at exit
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                os.close(devnull)
            raise OutputError(f"<stdout>: cannot write: {err.strerror or err}") from None
        return
    check_output(output, inputs)
    write_text_atomic(output, pieces)


def _ending_in_newline(pieces: Iterable[str]) -> Iterator[str]:
    last = ""
    for piece in pieces:
        if piece:
            last = piece
            yield piece
    if not last.endswith("\n"):
        yield "\n"


def text_width(output: str | None) -> int:
    """The text report's width: 100 columns, or the terminal's when it is narrower."""
    from fastmcnemar.render.text import DEFAULT_WIDTH

    if output not in (None, "-") or not sys.stdout.isatty():
        return DEFAULT_WIDTH
    return min(DEFAULT_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def add_flips_option(parser: argparse.ArgumentParser) -> None:
    """``--show-flips [N]``: list the first N flipped samples of each task."""
    parser.add_argument(
        "--show-flips",
        nargs="?",
        type=int,
        const=10,
        default=0,
        metavar="N",
        help="text and Markdown reports: list the first N (default 10) samples per task "
        "whose score changed, with target and responses when the logs carry them (JSON and "
        "HTML reports always list them)",
    )


def emit(
    report: Any,
    fmt: str,
    output: str | None,
    inputs: Iterable[str | os.PathLike[str]] = (),
    *,
    wide: bool = False,
    show_flips: int = 0,
) -> None:
    """Render ``report`` (a Comparison or Audit) and write it (never over an input)."""
    if show_flips < 0:
        raise InvalidArgumentError(f"--show-flips {show_flips}: expected a count >= 0")
    flips = {"show_flips": show_flips} if show_flips else {}
    text: str | Iterable[str]
    if fmt == "text":
        text = report.to_text(width=text_width(output), wide=wide, **flips)
    elif fmt == "markdown":
        text = report.to_markdown(**flips)
    elif fmt == "json" and hasattr(report, "comparisons"):
        from fastmcnemar.render.json import audit_json_chunks

        # An audit's JSON is written one comparison at a time (memory flat in K).
        text = audit_json_chunks(report)
    else:
        text = {
            "json": report.to_json,
            "csv": report.to_csv,
            "html": report.to_html,
        }[fmt]()
    write_output(text, output, inputs)


def storage_options(values: list[str]) -> dict[str, Any] | None:
    """``--storage-option KEY=VALUE`` values as fsspec options (true/false/numbers parsed)."""
    from fastmcnemar.exceptions import InvalidArgumentError

    if not values:
        return None
    options: dict[str, Any] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise InvalidArgumentError(f"--storage-option {value!r}: expected KEY=VALUE")
        lowered = text.lower()
        parsed: Any = text
        if lowered in ("true", "false"):
            parsed = lowered == "true"
        elif text.isdigit():
            parsed = int(text)
        options[key] = parsed
    return options
