"""The role classifier: a fine-tuned sequence classifier over marked pairs (see train.py).

The component that applies it at extraction time is relations/component.py.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Sequence

from ..errors import TariffwireError
from ..optional import require
from .data import LABELS, TASK_LABELS, with_rule_role

METADATA = "relations.json"
FORMAT_VERSION = 1


def pick_device(device: str = "auto") -> str:
    torch = require("torch", "hf")

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device not in ("cpu", "cuda"):
        raise TariffwireError(f"Config error: device must be 'auto', 'cpu' or 'cuda', not {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise TariffwireError("Config error: device 'cuda' was asked for but torch sees no CUDA device")
    return device


def task_mask(tasks: Sequence[str]):
    """(batch, labels) additive mask: 0 for the labels of each row's task, -inf-ish for the others."""
    import torch

    rows = [[0.0 if label in TASK_LABELS[t] else -1e4 for label in LABELS] for t in tasks]
    return torch.tensor(rows)


def predict_probs(model, tokenizer, texts: Sequence[str], tasks: Sequence[str], *, max_length: int,
                  batch_size: int = 32, device: str = "cpu", mask: bool = True) -> list[list[float]]:
    """Per text, the probability of each of LABELS, zero outside the text's task's labels (mask
    False: of each of the model's labels, for models with labels of their own)."""
    import torch

    out: list[list[float]] = []
    model.eval()
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            enc = tokenizer(list(texts[i:i + batch_size]), truncation=True, max_length=max_length,
                            padding=True, return_tensors="pt").to(device)
            logits = model(**enc).logits
            if mask:
                logits = logits + task_mask(tasks[i:i + batch_size]).to(device)
            out.extend(logits.softmax(-1).tolist())
    return out


def best_label(probs: Sequence[float]) -> tuple[int, float]:
    """(label index, probability) of the most probable label."""
    k = max(range(len(probs)), key=probs.__getitem__)
    return k, probs[k]


def predict_labels(model, tokenizer, texts: Sequence[str], tasks: Sequence[str], *, max_length: int,
                   batch_size: int = 32, device: str = "cpu", mask: bool = True):
    """(label index, probability) per text, each restricted to its task's labels (see predict_probs)."""
    return [best_label(p) for p in predict_probs(model, tokenizer, texts, tasks, max_length=max_length,
                                                 batch_size=batch_size, device=device, mask=mask)]


class _Decider:
    """decide() over probabilities(): the label where the model is at least min_confidence sure."""

    min_confidence: dict

    def probabilities(self, texts: Sequence[str], task: str, rule_roles: Sequence[str]) -> list[list[float]]:
        raise NotImplementedError

    def decide(self, texts: Sequence[str], task: str, rule_roles: Sequence[str] | None = None) -> list[str | None]:
        """The label for each marked text, or None where the model is not confident enough.
        rule_roles: the rules' role of each pair (read by models trained with rule_role_feature)."""
        threshold = self.min_confidence.get(task)
        if not texts or threshold is None:
            return [None] * len(texts)
        rows = self.probabilities(texts, task, rule_roles or ["none"] * len(texts))
        return [LABELS[k] if p >= threshold else None for k, p in map(best_label, rows)]


class RoleClassifier(_Decider):
    """A trained relations model directory (see train.py), loaded once per process."""

    def __init__(self, model_dir: str, device: str = "auto"):
        path = Path(model_dir)
        meta_path = path / METADATA
        if not meta_path.is_file():
            raise TariffwireError(f"Config error: {model_dir!r} is no relations model (no {METADATA}; "
                                  f"train one with `tariffwire train relations`)")
        self.metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        if tuple(self.metadata["labels"]) != LABELS:
            raise TariffwireError(f"Config error: relations model {model_dir!r} has labels {self.metadata['labels']}, "
                                  f"this tariffwire expects {list(LABELS)}")
        transformers = require("transformers", "hf")
        AutoModelForSequenceClassification, AutoTokenizer = (transformers.AutoModelForSequenceClassification,
                                                             transformers.AutoTokenizer)

        self.device = pick_device(device)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForSequenceClassification.from_pretrained(path).to(self.device).eval()
        self.max_length = int(self.metadata["max_length"])
        self.rule_role_feature = bool(self.metadata.get("rule_role_feature", False))
        # Per task; None: the rules keep that decision and the model is not even run for it.
        self.min_confidence: dict = self.metadata["min_confidence"]

    @classmethod
    @functools.lru_cache(maxsize=4)
    def load(cls, model_dir: str) -> "RoleClassifier":
        return cls(model_dir)

    def probabilities(self, texts: Sequence[str], task: str, rule_roles: Sequence[str]) -> list[list[float]]:
        if self.rule_role_feature:
            texts = [with_rule_role(t, r) for t, r in zip(texts, rule_roles)]
        return predict_probs(self.model, self.tokenizer, texts, [task] * len(texts),
                             max_length=self.max_length, device=self.device)


def ensemble_threshold(thresholds: Sequence[float | None]) -> float | None:
    """The members' median min_confidence, "never" (None) ranking above every number: the ensemble
    decides a task only if most members were calibrated to decide it."""
    ranked = sorted(thresholds, key=lambda t: float("inf") if t is None else t)
    return ranked[(len(ranked) - 1) // 2 + (len(ranked) % 2 == 0)] if ranked else None


class RoleEnsemble(_Decider):
    """Several role classifiers (seeds) as one: their probabilities are averaged. Averaging seeds
    removes most of the seed-to-seed spread of a model trained on a small corpus."""

    def __init__(self, members: Sequence[RoleClassifier]):
        if not members:
            raise TariffwireError("Config error: a role classifier ensemble needs at least one model")
        self.members = list(members)
        self.min_confidence = {task: ensemble_threshold([m.min_confidence.get(task) for m in self.members])
                               for task in TASK_LABELS}

    def probabilities(self, texts: Sequence[str], task: str, rule_roles: Sequence[str]) -> list[list[float]]:
        runs = [m.probabilities(texts, task, rule_roles) for m in self.members]
        return [[sum(col) / len(runs) for col in zip(*rows)] for rows in zip(*runs)]


def model_dirs(spec: str) -> list[str]:
    """The model directories that `spec` names: one model directory, several joined by commas, or a
    directory whose subdirectories are model directories (an ensemble, e.g. one per seed)."""
    dirs: list[str] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        path = Path(part)
        if path.is_dir() and not (path / METADATA).is_file():
            dirs.extend(str(d) for d in sorted(path.iterdir()) if (d / METADATA).is_file())
        else:
            dirs.append(part)
    return dirs


def load_classifier(spec: str) -> _Decider:
    """A RoleClassifier for one model directory, a RoleEnsemble for several (see model_dirs)."""
    dirs = model_dirs(spec)
    if len(dirs) == 1:
        return RoleClassifier.load(str(Path(dirs[0]).resolve()))
    if not dirs:
        raise TariffwireError(f"Config error: {spec!r} names no relations model (no {METADATA} in it or its subdirectories)")
    return RoleEnsemble([RoleClassifier.load(str(Path(d).resolve())) for d in dirs])
