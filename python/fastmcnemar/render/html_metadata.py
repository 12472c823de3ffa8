"""The "Run metadata" section of an HTML report.

When the metadata has the shape :func:`fastmcnemar.compare` gives it (a
``reference`` and a ``candidate`` run description, ``hash_checks``, ``notes``)
it becomes three readable tables -- the two runs side by side with differing
rows marked, one row per task (version, n-shot, samples, task hash equal?),
and the hash checks -- followed by the notes. Anything else is shown as
nested definition lists, so no key is ever hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any

from fastmcnemar.render._format import fmt_num
from fastmcnemar.render._html_text import esc

_RUN_ROWS = (
    ("label", "model / label"),
    ("format", "format"),
    ("harness_version", "harness version"),
)
_CONFIG_ROWS = ("model", "model_args", "limit", "gen_kwargs", "fewshot_seed", "epochs", "pairing")
# incomplete and gate are shown in the verdict banner; margins in the planning notes
_HANDLED = {
    "reference", "candidate", "hash_checks", "notes", "verdict_rule", "incomplete", "gate",
    "margins",
}  # fmt: skip


def metadata_section(metadata: Mapping[str, Any] | None) -> str:
    """The whole section ('' when there is no metadata)."""
    if not metadata:
        return ""
    ref, cand = metadata.get("reference"), metadata.get("candidate")
    parts = ['<section class="metadata"><h2>Run metadata</h2>']
    rest: Mapping[str, Any] = metadata
    if isinstance(ref, Mapping) and isinstance(cand, Mapping):
        parts.append(_runs_table(ref, cand))
        parts.append(_tasks_table(ref, cand))
        parts.append(_hash_checks(metadata.get("hash_checks")))
        parts.append(_notes(metadata.get("notes")))
        rest = {k: v for k, v in metadata.items() if k not in _HANDLED}
    if rest:
        parts.append(_value(rest, 0))
    parts.append("</section>")
    return "".join(p for p in parts if p)


def _sub(mapping: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = mapping.get(key)
    return value if isinstance(value, Mapping) else {}


def _inline(value: Any) -> str:
    """A short one-line text for any value (dicts as 'k: v, ...')."""
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_inline(v)}" for k, v in value.items()) or "–"
    if isinstance(value, list | tuple):
        return ", ".join(_inline(v) for v in value) or "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # seeds and versions: no thousands separators
    return fmt_num(value)


def _row(name: str, a: Any, b: Any) -> str:
    differs = _inline(a) != _inline(b)
    cls = ' class="differs"' if differs else ""
    mark = " ≠" if differs else ""
    return (
        f'<tr{cls}><th class="text" scope="row">{esc(name + mark)}</th>'
        f'<td class="text">{esc(_inline(a))}</td><td class="text">{esc(_inline(b))}</td></tr>'
    )


def _files(run: Mapping[str, Any]) -> list[str]:
    files = run.get("files")
    if not isinstance(files, Sequence) or isinstance(files, str):
        return []
    return [PurePath(str(f)).name for f in files]


def _runs_table(ref: Mapping[str, Any], cand: Mapping[str, Any]) -> str:
    rows = [_row(title, ref.get(key), cand.get(key)) for key, title in _RUN_ROWS]
    ref_cfg, cand_cfg = _sub(ref, "config"), _sub(cand, "config")
    keys = [k for k in _CONFIG_ROWS if k in ref_cfg or k in cand_cfg]
    keys += sorted(k for k in {*ref_cfg, *cand_cfg} if k not in _CONFIG_ROWS)
    rows += [_row(key, ref_cfg.get(key), cand_cfg.get(key)) for key in keys]
    rows.append(_row("files", _files(ref), _files(cand)))
    return (
        '<table class="runs"><thead><tr><th class="text"></th><th class="text">reference</th>'
        f'<th class="text">candidate</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        '<p class="muted">≠ marks what differs between the two runs.</p>'
    )


def _tasks_table(ref: Mapping[str, Any], cand: Mapping[str, Any]) -> str:
    ref_tasks, cand_tasks = _sub(ref, "tasks"), _sub(cand, "tasks")
    names = list(dict.fromkeys([*ref_tasks, *cand_tasks]))
    if not names:
        return ""
    rows = []
    for name in names:
        a, b = _sub(ref_tasks, name), _sub(cand_tasks, name)
        cells = [f'<td class="text">{esc(name)}</td>']
        for key in ("version", "n_shot"):
            cells.append(_pair_cell(a.get(key), b.get(key)))
        cells.append(_pair_cell(_effective(a.get("n_samples")), _effective(b.get("n_samples"))))
        ha, hb = a.get("task_hash"), b.get("task_hash")
        same = "–" if ha is None or hb is None else ("equal" if ha == hb else "differ")
        cells.append(f'<td class="text">{same}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<table class="task-meta"><thead><tr><th class="text">task</th><th class="text">'
        'version</th><th class="text">n-shot</th><th class="text">samples</th>'
        '<th class="text">task hash</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        '<p class="muted">One value when both runs agree, else reference → candidate. '
        "Task hashes are lm-eval's digest of every document, prompt and target.</p>"
    )


def _effective(n_samples: Any) -> Any:
    if isinstance(n_samples, Mapping):
        return n_samples.get("effective", n_samples.get("original"))
    return n_samples


def _pair_cell(a: Any, b: Any) -> str:
    if _inline(a) == _inline(b):
        return f'<td class="text">{esc(_inline(a))}</td>'
    return f'<td class="text differs">{esc(_inline(a))} → {esc(_inline(b))}</td>'


def _hash_checks(checks: Any) -> str:
    if not isinstance(checks, Mapping) or not checks:
        return ""
    items = [f"<dt>{esc(key)}</dt><dd>{esc(_inline(value))}</dd>" for key, value in checks.items()]
    return f'<h3>Hash checks</h3><dl class="meta">{"".join(items)}</dl>'


def _notes(notes: Any) -> str:
    if not isinstance(notes, list | tuple) or not notes:
        return ""
    items = "".join(f"<li>{esc(note)}</li>" for note in notes)
    return f'<h3>Notes</h3><ul class="notes">{items}</ul>'


def _value(value: Any, depth: int) -> str:
    """Nested definition lists for any other metadata."""
    if isinstance(value, Mapping):
        if not value:
            return "–"
        if depth >= 2:
            return esc(_inline(value))
        items = "".join(
            f"<dt>{esc(k)}</dt><dd>{_value(v, depth + 1)}</dd>" for k, v in value.items()
        )
        return f'<dl class="meta">{items}</dl>'
    return esc(_inline(value))


__all__ = ["metadata_section"]
