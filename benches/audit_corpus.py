"""A realistic lm-eval corpus for the audit benchmark: one reference and K candidate runs.

Each run is one model directory with a ``results_<date>.json`` and 60 samples files, as
lm-eval 0.4.9 writes them with ``--log_samples``:

- 40 multiple-choice tasks (filter ``none``, metrics ``acc`` and ``acc_norm``; four choices
  as ``arguments``/``resps`` log-likelihood pairs), one line per doc;
- 20 generation tasks with two filters (``strict-match`` then ``flexible-extract``, metric
  ``exact_match``), one line per doc and filter, written filter after filter;

1,000 docs per task (60,000 docs, 80,000 lines per run), each line carrying a five-shot
prompt (about 3 KB per line, about 230 MB per run) and the three sha256 hashes.

Candidates differ from the reference by flipping a share of the scores (some candidates
are lossless reruns, some degrade a few tasks). Only ``distinct`` candidate runs are
written; further candidates are directories of hard links to them (same bytes, no extra
disk), which a reader cannot tell from copies.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path

DATE_ID = "2026-01-01T00-00-00.000001"
N_MC = 40
N_GEN = 20
DOCS = 1000
GEN_FILTERS = ("strict-match", "flexible-extract")
WORDS = ["the", "of", "a", "to", "and", "in", "is", "that", "for", "it", "was", "on", "with"]


def task_names() -> tuple[list[str], list[str]]:
    """(multiple-choice tasks, generation tasks)."""
    return [f"mc_task_{i:02d}" for i in range(N_MC)], [f"gen_task_{i:02d}" for i in range(N_GEN)]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Docs:
    """The per-doc text and hashes, shared by every run (only scores and responses vary)."""

    def __init__(self) -> None:
        rng = random.Random(0)
        shots = "\n\n".join(
            f"Question: {_text(rng, 22).capitalize()}?\nAnswer: {_text(rng, 16)}. #### {i}"
            for i in range(5)
        )
        self.mc: dict[str, list[tuple[str, str, str, str, str]]] = {}
        self.gen: dict[str, list[tuple[str, str, str, str, str]]] = {}
        mc, gen = task_names()
        for task in mc + gen:
            docs = []
            for doc_id in range(DOCS):
                question = f"{_text(rng, 25).capitalize()} ({task} #{doc_id})?"
                answer = f"#### {doc_id % 97}" if task in gen else f"choice {doc_id % 4}"
                doc = json.dumps({"question": question, "answer": answer})
                context = f"{shots}\n\nQuestion: {question}\nAnswer:"
                docs.append((doc, json.dumps(context), _sha(doc), _sha(context), _sha(answer)))
            (self.gen if task in gen else self.mc)[task] = docs


def _scores(seed: int, task_index: int, base: list[float], flip: float, bias: float) -> list[float]:
    """``base`` with a share ``flip`` of the docs flipped; ``bias`` of the flips lose."""
    rng = random.Random(seed * 1_000_003 + task_index)
    out = []
    for value in base:
        if rng.random() < flip:
            value = 0.0 if rng.random() < bias else 1.0 - value
        out.append(value)
    return out


def _base(task_index: int, accuracy: float) -> list[float]:
    rng = random.Random(7_919 * task_index + 1)
    return [float(rng.random() < accuracy) for _ in range(DOCS)]


def write_run(docs: _Docs, folder: Path, model: str, seed: int) -> int:
    """One run of ``model`` into ``folder``; seed 0 is the reference. Returns bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    mc, gen = task_names()
    size = 0
    # Candidate `seed`: reruns flip 2% at random; every third degrades one task in six.
    flip = 0.0 if seed == 0 else 0.02
    for index, task in enumerate(mc + gen):
        degrade = seed > 0 and seed % 3 == 0 and index % 6 == 0
        bias = 0.8 if degrade else 0.5
        rate = 0.06 if degrade else flip
        path = folder / f"samples_{task}_{DATE_ID}.jsonl"
        lines: list[str] = []
        if task in mc:
            acc = _scores(seed, index, _base(index, 0.62), rate, bias)
            norm = _scores(seed, index + 500, _base(index + 500, 0.66), rate, bias)
            for doc_id, (doc, ctx, dh, ph, th) in enumerate(docs.mc[task]):
                args = ", ".join(
                    f'"gen_args_{k}": {{"arg_0": {ctx}, "arg_1": " choice {k}"}}' for k in range(4)
                )
                resps = ", ".join(f'[["{-1.5 - k - acc[doc_id]:.4f}", "False"]]' for k in range(4))
                lines.append(
                    f'{{"doc_id": {doc_id}, "doc": {doc}, "target": {doc_id % 4}, '
                    f'"arguments": {{{args}}}, "resps": [{resps}], '
                    f'"filtered_resps": [{resps}], "filter": "none", '
                    f'"metrics": ["acc", "acc_norm"], "doc_hash": "{dh}", '
                    f'"prompt_hash": "{ph}", "target_hash": "{th}", '
                    f'"acc": {acc[doc_id]}, "acc_norm": {norm[doc_id]}}}\n'
                )
        else:
            for f_index, filt in enumerate(GEN_FILTERS):
                key = index * 10 + f_index
                em = _scores(seed, key, _base(key, 0.45 + 0.1 * f_index), rate, bias)
                for doc_id, (doc, ctx, dh, ph, th) in enumerate(docs.gen[task]):
                    answer = doc_id % 97 if em[doc_id] else doc_id % 89 + 100
                    lines.append(
                        f'{{"doc_id": {doc_id}, "doc": {doc}, "target": "#### {doc_id % 97}", '
                        f'"arguments": {{"gen_args_0": {{"arg_0": {ctx}, "arg_1": '
                        f'{{"until": ["Question:", "</s>"], "do_sample": false}}}}}}, '
                        f'"resps": [["Let me think step by step. ... #### {answer}"]], '
                        f'"filtered_resps": ["{answer}"], "filter": "{filt}", '
                        f'"metrics": ["exact_match"], "doc_hash": "{dh}", '
                        f'"prompt_hash": "{ph}", "target_hash": "{th}", '
                        f'"exact_match": {em[doc_id]}}}\n'
                    )
        text = "".join(lines)
        path.write_text(text, encoding="utf-8")
        size += len(text)
    results = _results(model)
    (folder / f"results_{DATE_ID}.json").write_text(json.dumps(results, indent=2))
    return size


def _results(model: str) -> dict[str, object]:
    mc, gen = task_names()
    results: dict[str, dict[str, object]] = {}
    hib: dict[str, dict[str, bool]] = {}
    configs: dict[str, object] = {}
    for task in mc:
        results[task] = {"alias": task, "acc,none": 0.62, "acc_stderr,none": 0.015,
                         "acc_norm,none": 0.66, "acc_norm_stderr,none": 0.015}  # fmt: skip
        hib[task] = {"acc": True, "acc_norm": True}
        configs[task] = {"task": task, "output_type": "multiple_choice", "num_fewshot": 5}
    for task in gen:
        results[task] = {"alias": task, "exact_match,strict-match": 0.45,
                         "exact_match_stderr,strict-match": 0.016,
                         "exact_match,flexible-extract": 0.55,
                         "exact_match_stderr,flexible-extract": 0.016}  # fmt: skip
        hib[task] = {"exact_match": True}
        configs[task] = {
            "task": task,
            "output_type": "generate_until",
            "num_fewshot": 5,
            "filter_list": [{"name": f, "filter": []} for f in GEN_FILTERS],
        }
    every = mc + gen
    return {
        "results": results,
        "group_subtasks": {t: [] for t in every},
        "configs": configs,
        "versions": dict.fromkeys(every, 1.0),
        "n-shot": dict.fromkeys(every, 5),
        "higher_is_better": hib,
        "n-samples": {t: {"original": DOCS, "effective": DOCS} for t in every},
        "config": {"model": "hf", "model_args": f"pretrained={model}", "limit": None},
        "lm_eval_version": "0.4.9",
        "model_name": model,
        "date": 1767225600.0,
    }


def write_corpus(root: Path, k: int, *, distinct: int = 10) -> tuple[Path, list[Path], int]:
    """Reference and ``k`` candidate runs under ``root``; returns (reference, candidates,
    bytes of samples per run). Candidates past ``distinct`` are hard links to earlier ones."""
    docs = _Docs()
    ref = root / "reference" / "org__reference"
    size = write_run(docs, ref, "org/reference", 0) if not ref.exists() else _size(ref)
    candidates = []
    for i in range(k):
        folder = root / "candidates" / f"ckpt-{i:04d}"
        model_dir = folder / f"org__ckpt-{i:04d}"
        candidates.append(folder)
        if model_dir.exists():
            continue
        source = i % max(1, distinct)
        if source == i:
            write_run(docs, model_dir, f"org/ckpt-{i:04d}", i + 1)
        else:
            original = root / "candidates" / f"ckpt-{source:04d}" / f"org__ckpt-{source:04d}"
            model_dir.mkdir(parents=True)
            for file in original.iterdir():
                os.link(file, model_dir / file.name)
    return ref, candidates, size


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("samples_*.jsonl"))


def samples_files(folders: list[Path]) -> list[str]:
    """Every samples file under ``folders``, sorted."""
    return sorted(str(p) for f in folders for p in f.rglob("samples_*.jsonl"))
