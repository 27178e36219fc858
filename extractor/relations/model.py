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
from .data import LABELS, TASK_LABELS

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
