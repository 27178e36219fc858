"""Fine-tune a BERT-family checkpoint on the role pairs and save it for the `tariffwire_roles` component.

A plain torch loop (no accelerate needed): AdamW, linear warm-up and decay, fixed seed, whole
articles held out for validation. The model directory gets the weights, the tokenizer (with the
marker tokens) and relations.json (labels, settings, validation scores, the articles trained on).
"""
from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

from ..errors import TariffwireError
from ..optional import require
from .data import LABELS, MARKERS, RULE_ROLE_OTHER, RULE_ROLE_TOKENS, TASK_LABELS, build_dataset, split_by_article, with_rule_role
from .model import FORMAT_VERSION, METADATA, pick_device, predict_labels, task_mask


def _scores(gold: Sequence[int], pred: Sequence[int], tasks: Sequence[str], rule: Sequence[str]) -> dict:
    """Accuracy of the model and of the rules per task, and the model's P/R/F1 per label."""
    out: dict = {}
    for task, labels in TASK_LABELS.items():
        idx = [i for i, t in enumerate(tasks) if t == task]
        if not idx:
            continue
        entry = {
            "pairs": len(idx),
            "accuracy": round(sum(gold[i] == pred[i] for i in idx) / len(idx), 4),
            "rule_accuracy": round(sum(LABELS[gold[i]] == rule[i] for i in idx) / len(idx), 4),
        }
        for label in labels:
            k = LABELS.index(label)
            tp = sum(gold[i] == k and pred[i] == k for i in idx)
            fp = sum(gold[i] != k and pred[i] == k for i in idx)
            fn = sum(gold[i] == k and pred[i] != k for i in idx)
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            entry[label] = {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4), "n": tp + fn}
        out[task] = entry
    return out


# Candidate abstention thresholds: 0.0, the model always decides; None, it never overrides the rules.
THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, None)


def _combined_correct(gold, pred, rule, threshold) -> int:
    """Pairs right when the model decides where it is `threshold` sure and the rules elsewhere."""
    return sum((LABELS[p] if threshold is not None and prob >= threshold else r) == LABELS[g]
               for g, (p, prob), r in zip(gold, pred, rule))


def calibrate(gold: Sequence[int], pred: Sequence[tuple[int, float]], tasks: Sequence[str], rule: Sequence[str]) -> dict:
    """Per task, (min_confidence, accuracy of the combination) for the threshold at which "the model
    where it is that sure, else the rules" is most accurate on the held-out pairs; ties go to caution."""
    out: dict = {}
    for task in TASK_LABELS:
        idx = [i for i, t in enumerate(tasks) if t == task]
        if not idx:
            continue
        rows = ([gold[i] for i in idx], [pred[i] for i in idx], [rule[i] for i in idx])
        best = max(THRESHOLDS, key=lambda t: (_combined_correct(*rows, t), 2.0 if t is None else t))
        out[task] = (best, round(_combined_correct(*rows, best) / len(idx), 4))
    return out


def fit(model, tokenizer, train, mask: Optional[Callable], *, epochs: int, batch_size: int, learning_rate: float,
        seed: int, max_length: int, device: str, log: Callable[[str], None]) -> None:
    """Fine-tune `model` in place on the `text`/`label` rows of the dataset `train`: AdamW, linear
    warm-up and decay, batches in a seeded order. `mask(rows)`: an additive (batch, labels) logit
    mask, or None."""
    torch = require("torch", "hf")
    transformers = require("transformers", "hf")

    encoded = train.map(lambda b: tokenizer(b["text"], truncation=True, max_length=max_length), batched=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)
    steps = epochs * ((len(encoded) + batch_size - 1) // batch_size)
    schedule = transformers.get_linear_schedule_with_warmup(optimizer, int(0.1 * steps), steps)
    order = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for batch_idx in torch.randperm(len(encoded), generator=order).split(batch_size):
            rows = encoded.select(batch_idx.tolist())
            enc = tokenizer.pad({"input_ids": rows["input_ids"], "attention_mask": rows["attention_mask"]},
                                return_tensors="pt").to(device)
            logits = model(**enc).logits
            if mask is not None:
                logits = logits + mask(rows).to(device)
            loss = torch.nn.functional.cross_entropy(logits, torch.tensor(rows["label"], device=device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += loss.item() * len(rows)
        log(f"epoch {epoch + 1}/{epochs}: loss {total / len(encoded):.4f}")


def train_relations(
    extractor,
    gold: Sequence[str],
    corpus: Sequence[str],
    base: str,
    out: str,
    *,
    epochs: int = 8,
    batch_size: int = 16,
    learning_rate: float = 1.5e-4,
    val_fraction: float = 0.2,
    seed: int = 13,
    max_length: int = 128,
    min_confidence: Optional[float] = None,
    rule_role_feature: bool = False,
    tasks: Sequence[str] = tuple(TASK_LABELS),
    device: str = "auto",
    dataset=None,
    log: Callable[[str], None] = lambda msg: None,
) -> dict:
    """Build the pairs with `extractor` (an api.Extractor: its pipeline's rules propose them), fine-tune
    `base`, score the held-out articles, save to `out`; returns the metadata.

    `min_confidence` None: calibrated per task on the held-out articles (0.5 without any).
    `rule_role_feature`: each pair's text starts with a token for the rules' role (data.with_rule_role).
    `tasks`: the tasks to learn; the model never decides the others (their min_confidence is None).
    `dataset`: the pairs, as build_dataset returned them for these gold and corpus paths (several
    seeds on one corpus then run the pipeline once).
    """
    import numpy as np

    torch = require("torch", "hf")
    transformers = require("transformers", "hf")

    if not Path(base).is_dir():
        raise TariffwireError(f"--base {base!r} is not a local model directory (nothing is downloaded)")
    if not 0 <= val_fraction < 1:
        raise TariffwireError(f"--val-fraction must be in [0, 1), not {val_fraction}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    device = pick_device(device)
    started = time.monotonic()

    # Candidates come from the rule pipeline exactly as `extract` runs it (the rules decide the roles).
    if dataset is None:
        dataset = build_dataset(extractor, gold, corpus)
    if len(dataset) == 0:
        raise TariffwireError("No labelled pairs: do the --gold ids match the --corpus article ids?")
    unknown = set(tasks) - set(TASK_LABELS)
    if unknown or not tasks:
        raise TariffwireError(f"--task must be among {sorted(TASK_LABELS)}, not {sorted(unknown) or 'none'}")
    if set(tasks) != set(TASK_LABELS):
        dataset = dataset.filter(lambda r: r["task"] in tasks)
    if rule_role_feature:
        dataset = dataset.map(lambda r: {"text": with_rule_role(r["text"], r["rule_role"])})
    train, val = split_by_article(dataset, val_fraction, seed)
    log(f"pairs: {len(train)} train ({len(set(train['article_id']))} articles), {len(val)} validation "
        f"({len(set(val['article_id']))} articles) on {device}")

    tokenizer = transformers.AutoTokenizer.from_pretrained(base)
    if not tokenizer.is_fast:
        raise TariffwireError(f"--base {base!r} has no fast tokenizer (tokenizer.json)")
    tokenizer.add_tokens(list(MARKERS) + ([*RULE_ROLE_TOKENS.values(), RULE_ROLE_OTHER] if rule_role_feature else []),
                         special_tokens=True)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)},
    )
    model.resize_token_embeddings(len(tokenizer))
    model.to(device)

    fit(model, tokenizer, train, lambda rows: task_mask(rows["task"]), epochs=epochs, batch_size=batch_size,
        learning_rate=learning_rate, seed=seed, max_length=max_length, device=device, log=log)

    validation: dict = {}
    thresholds = {task: (0.5 if min_confidence is None else min_confidence) if task in tasks else None for task in TASK_LABELS}
    if len(val):
        pred = predict_labels(model, tokenizer, val["text"], val["task"], max_length=max_length, device=device)
        validation = _scores(val["label"], [p for p, _ in pred], val["task"], val["rule_role"])
        for task, (threshold, accuracy) in calibrate(val["label"], pred, val["task"], val["rule_role"]).items():
            if min_confidence is None and task in tasks:
                thresholds[task] = threshold
            validation[task]["calibrated"] = {"min_confidence": threshold, "accuracy": accuracy}
    log(f"min_confidence: {thresholds}")
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    metadata = {
        "format": FORMAT_VERSION,
        "labels": list(LABELS),
        "task_labels": {k: list(v) for k, v in TASK_LABELS.items()},
        "markers": list(MARKERS),
        "max_length": max_length,
        "rule_role_feature": rule_role_feature,
        "min_confidence": thresholds,
        "base": str(base),
        "settings": {"epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate,
                     "val_fraction": val_fraction, "seed": seed, "device": device,
                     "rule_role_feature": rule_role_feature, "tasks": list(tasks)},
        "gold": [str(g) for g in gold],
        "corpus": [str(c) for c in corpus],
        "train_articles": sorted(set(train["article_id"])),
        "validation_articles": sorted(set(val["article_id"])),
        "pairs": {"train": len(train), "validation": len(val)},
        "validation": validation,
        "seconds": round(time.monotonic() - started, 1),
    }
    (out_dir / METADATA).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    return metadata
