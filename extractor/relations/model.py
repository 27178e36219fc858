"""Learned roles at extraction time: the rules propose the pairs, the classifier decides them.

`LearnedRoles.wrap(finder, model_dir)` (called by the Extractor when `extract.roles = "learned"`)
returns the tariff finder with two decisions handed to the model:
- each (rate, state actor) pair's role, through TariffFinder._rate_roles; the rules still bind the
  roles to an imposer and targets (nearest, clause, universal cues, context imposer);
- each official's country, among the countries named in the sentences that name the official.
Where the model's best probability is under the model's `min_confidence`, the rule decision stands.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Optional, Sequence

from ..errors import TariffwireError
from ..optional import require
from ..events.context import ArticleContext
from ..events.tariffs import TariffFinder, TariffMention
from .data import LABELS, TASK_LABELS, extend_finder, official_candidates, tariff_candidates

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


def predict_labels(model, tokenizer, texts: Sequence[str], tasks: Sequence[str], *, max_length: int,
                   batch_size: int = 32, device: str = "cpu"):
    """(label index, probability) per text, each restricted to its task's labels."""
    import torch

    out: list[tuple[int, float]] = []
    model.eval()
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            enc = tokenizer(list(texts[i:i + batch_size]), truncation=True, max_length=max_length,
                            padding=True, return_tensors="pt").to(device)
            logits = model(**enc).logits + task_mask(tasks[i:i + batch_size]).to(device)
            probs = logits.softmax(-1)
            best = probs.max(-1)
            out.extend(zip(best.indices.tolist(), best.values.tolist()))
    return out


class RoleClassifier:
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
        # Per task; None: the rules keep that decision and the model is not even run for it.
        self.min_confidence: dict = self.metadata["min_confidence"]

    @classmethod
    @functools.lru_cache(maxsize=4)
    def load(cls, model_dir: str) -> "RoleClassifier":
        return cls(model_dir)

    def decide(self, texts: Sequence[str], task: str) -> list[str | None]:
        """The label for each marked text, or None where the model is not confident enough."""
        threshold = self.min_confidence.get(task)
        if not texts or threshold is None:
            return [None] * len(texts)
        pred = predict_labels(self.model, self.tokenizer, texts, [task] * len(texts),
                              max_length=self.max_length, device=self.device)
        return [LABELS[i] if p >= threshold else None for i, p in pred]


class LearnedRoles(TariffFinder):
    """The rule tariff finder with pair decisions from a RoleClassifier."""

    classifier: RoleClassifier
    # For the article being read: the pairs' marked texts while collecting, then text -> label.
    _pending: Optional[list[str]] = None
    _decisions: dict = {}

    @classmethod
    def wrap(cls, finder: TariffFinder, model_dir: str) -> "LearnedRoles":
        return extend_finder(finder, cls, classifier=RoleClassifier.load(str(Path(model_dir).resolve())))

    def find(self, ctx: ArticleContext) -> list[TariffMention]:
        # Officials first: the tariff rules read an official's country ("Trump imposed ...").
        self._place_officials(ctx)
        # The pairs that reach _rate_roles do not depend on the decisions, so a first rule pass can
        # collect them all and the model decides the article's pairs in one batch.
        self._pending = []
        super().find(ctx)
        texts, self._pending = self._pending, None
        self._decisions = dict(zip(texts, self.classifier.decide(texts, "tariff")))
        return super().find(ctx)

    def _rate_roles(self, ctx, pct, sent, roles):
        pairs = tariff_candidates(ctx, pct, sent, roles)
        if self._pending is not None:
            self._pending.extend(c.text for _, c in pairs)
            return roles
        decided = list(roles)
        for i, c in pairs:
            label = self._decisions.get(c.text)
            if label is not None:
                decided[i] = (*roles[i][:3], label)
        return decided

    def _place_officials(self, ctx: ArticleContext) -> None:
        """Re-decide each official's country in place: ctx.officials are the objects the article
        record and the events are built from."""
        pairs = [(official, c) for official in ctx.officials for c in official_candidates(ctx, official)]
        serves: dict[int, set] = {id(official): set() for official in ctx.officials}
        for (official, c), label in zip(pairs, self.classifier.decide([c.text for _, c in pairs], "official")):
            if label == "serves":
                serves[id(official)].add(c.code)
        for official in ctx.officials:
            # One clear answer only: several countries, or none, leave the rule country in place.
            if len(serves[id(official)]) == 1:
                official.country = serves[id(official)].pop()
