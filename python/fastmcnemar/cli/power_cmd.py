"""``fastmcnemar power --flip-rate P``: how large a drop can N samples detect?"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from fastmcnemar.cli._collector import imports_done

NAME = "power"

#: Sample sizes tabulated when ``--n`` is not given.
DEFAULT_NS = (100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        NAME,
        help="table of the smallest detectable accuracy drop versus the number of samples",
        description=(
            "For a flip rate (share of samples where reference and candidate disagree), "
            "print the smallest accuracy drop the exact one-sided McNemar test detects "
            "with the given power, for each number of paired samples N; with --delta, "
            "also the N needed to detect that drop."
        ),
    )
    parser.add_argument(
        "--flip-rate",
        type=float,
        required=True,
        metavar="P",
        help="expected flip rate in (0, 1], e.g. 0.05 (lossless reruns flip ~1-3%%)",
    )
    parser.add_argument(
        "--n", type=int, nargs="+", metavar="N", help="sample sizes (default: 100 ... 100000)"
    )
    parser.add_argument("--delta", type=float, help="also report the N needed for this drop")
    parser.add_argument("--alpha", type=float, default=0.05, help="level (default 0.05)")
    parser.add_argument("--power", type=float, default=0.8, help="power (default 0.8)")
    parser.add_argument(
        "--format", choices=("text", "markdown", "json", "csv"), default="text", help="output"
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write here (default stdout)")
    parser.set_defaults(run=run)


def power_table(
    flip_rate: float, ns: list[int], *, alpha: float, power: float
) -> list[dict[str, Any]]:
    """One row per N: the exact and the normal-approximation detectable drop."""
    from fastmcnemar.planning import minimum_detectable_delta

    rows = []
    for n in ns:
        exact = minimum_detectable_delta(n, flip_rate, alpha=alpha, power=power)
        normal = minimum_detectable_delta(n, flip_rate, alpha=alpha, power=power, method="normal")
        rows.append({"n": n, "detectable_drop": exact, "normal_approximation": normal})
    return rows


def _points(value: float) -> str:
    return "not detectable" if math.isinf(value) else f"{100 * value:.2f} pt"


def _json_number(value: float) -> float | None:
    return None if math.isinf(value) else value


def render(rows: list[dict[str, Any]], meta: dict[str, Any], fmt: str) -> str:
    """The table in the requested format."""
    if fmt == "json":
        out = dict(meta)
        out["rows"] = [
            {k: (_json_number(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in rows
        ]
        return json.dumps(out, indent=2)
    if fmt == "csv":
        lines = ["n,detectable_drop,normal_approximation"]
        for row in rows:
            lines.append(
                f"{row['n']},{_json_number(row['detectable_drop']) or ''},"
                f"{_json_number(row['normal_approximation']) or ''}"
            )
        return "\n".join(lines)
    header = (
        f"Smallest detectable accuracy drop (exact one-sided McNemar test, flip rate "
        f"{meta['flip_rate']:g}, alpha {meta['alpha']:g}, power {meta['power']:g})"
    )
    cells = [
        (f"{r['n']:,}", _points(r["detectable_drop"]), _points(r["normal_approximation"]))
        for r in rows
    ]
    titles = ("N", "detectable drop", "normal approx.")
    if fmt == "markdown":
        lines = [f"**{header}**", "", "| " + " | ".join(titles) + " |", "|---:|---:|---:|"]
        lines += ["| " + " | ".join(c) + " |" for c in cells]
    else:
        widths = [max(len(t), *(len(c[i]) for c in cells)) for i, t in enumerate(titles)]
        lines = [header, ""]
        lines.append("  ".join(t.rjust(w) for t, w in zip(titles, widths, strict=True)))
        lines += ["  ".join(v.rjust(w) for v, w in zip(c, widths, strict=True)) for c in cells]
    if "delta" in meta:
        lines += [
            "",
            f"N needed to detect a drop of {100 * meta['delta']:.2f} pt: {meta['n_needed']:,} "
            f"(normal approximation {meta['n_needed_normal']:,})",
        ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from fastmcnemar.cli._common import write_output
    from fastmcnemar.exceptions import InvalidArgumentError
    from fastmcnemar.planning import sample_size

    imports_done()

    ns = sorted(set(args.n)) if args.n else list(DEFAULT_NS)
    if ns[0] < 1:
        raise InvalidArgumentError(f"--n: every sample size must be at least 1, got {ns[0]}")
    rows = power_table(args.flip_rate, ns, alpha=args.alpha, power=args.power)
    meta: dict[str, Any] = {"flip_rate": args.flip_rate, "alpha": args.alpha, "power": args.power}
    if args.delta is not None:
        meta["delta"] = args.delta
        meta["n_needed"] = sample_size(
            args.flip_rate, args.delta, alpha=args.alpha, power=args.power
        )
        meta["n_needed_normal"] = sample_size(
            args.flip_rate, args.delta, alpha=args.alpha, power=args.power, method="normal"
        )
    write_output(render(rows, meta, args.format), args.output, ())
    return 0
