"""`tariffwire train ...`: a typer sub-app, mounted by extractor/cli.py. Heavy imports wait for the command."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import TariffwireError

# Registers tariffwire.HfNer.v1 for every `tariffwire` command (configs/hf-ner.cfg): this module is
# the one of issue #6 that extractor/cli.py imports. Light: hf_ner imports torch only when it runs.
from ..nlp import hf_ner  # noqa: F401

train_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Train the learned components.")


@train_app.command("relations")
def relations(
    gold: List[Path] = typer.Option(..., "--gold", help="Gold .jsonl file(s) or folder(s) of *.gold.jsonl."),
    corpus: List[Path] = typer.Option(..., "--corpus", help="Training articles (files, folders, globs); only those with gold are used."),
    base: Path = typer.Option(..., "--base", help="A local BERT-family model directory to fine-tune."),
    out: Path = typer.Option(..., "--out", help="Where to save the model, tokenizer and relations.json."),
    config: Optional[Path] = typer.Option(None, "-c", "--config", help="A .cfg file for the pipeline that proposes the pairs."),
    epochs: int = typer.Option(8, "--epochs"),
    batch_size: int = typer.Option(16, "--batch-size"),
    learning_rate: float = typer.Option(1.5e-4, "--learning-rate", help="Suits MiniLM-size bases; BERT-base wants ~3e-5."),
    val_fraction: float = typer.Option(0.2, "--val-fraction", help="Share of the training articles held out for validation."),
    seed: int = typer.Option(13, "--seed"),
    max_length: int = typer.Option(128, "--max-length", help="Max tokens per marked sentence."),
    min_confidence: Optional[float] = typer.Option(
        None, "--min-confidence", help="Below this probability extraction keeps the rule decision (default: calibrated per task on the held-out articles)."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for fatal errors."),
) -> None:
    """Fine-tune the role classifier (tariff imposer/target, official's country) on gold; see docs/learned-models.md."""
    import datasets

    from ..cli import _fail
    from ..optional import require

    try:
        require("torch", "hf")
        transformers = require("transformers", "hf")
    except TariffwireError as exc:
        _fail(exc, debug)
    from .train import train_relations

    # The command reports per epoch itself; the libraries' per-step bars would bury that.
    datasets.disable_progress_bars()
    transformers.utils.logging.disable_progress_bar()
    try:
        metadata = train_relations(
            [str(g) for g in gold], [str(c) for c in corpus], str(base), str(out), config=config,
            epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, val_fraction=val_fraction,
            seed=seed, max_length=max_length, min_confidence=min_confidence, device=device,
            log=(lambda msg: None) if quiet else (lambda msg: typer.echo(msg, err=True)),
        )
    except (TariffwireError, OSError, ValueError) as exc:
        _fail(exc, debug)
    typer.echo(json.dumps({"out": str(out), "pairs": metadata["pairs"], "validation": metadata["validation"],
                           "seconds": metadata["seconds"]}, indent=2))
