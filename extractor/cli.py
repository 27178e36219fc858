"""The `tariffwire` command: a thin layer that checks arguments and calls plain functions.

Exit codes: 0 all articles succeeded; 1 some articles failed (see OUTDIR/errors.jsonl); 2 fatal
error (bad arguments, unreadable config, unwritable output), printed as one line (--debug for the
traceback).
"""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import List, Optional

import typer

from .errors import TariffwireError
from .run import EXIT_FATAL, OUTPUT_FORMATS

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Structured records of trade policy from news wire archives.")
_CTX = {"allow_extra_args": True, "ignore_unknown_options": True}


def _fail(exc: BaseException, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    typer.echo(f"tariffwire: error: {message}", err=True)
    raise typer.Exit(EXIT_FATAL)


@app.command(context_settings=_CTX)
def extract(
    ctx: typer.Context,
    inputs: List[str] = typer.Argument(..., help="Files, folders or glob patterns (.txt .json .jsonl .jsonl.gz .csv .parquet .html, datasets dirs)."),
    output: Path = typer.Option(..., "-o", "--output", help="Output directory."),
    config: Optional[Path] = typer.Option(None, "-c", "--config", help="A .cfg file that overrides configs/default.cfg."),
    published: Optional[str] = typer.Option(None, "--published", help="Default publication date (YYYY-MM-DD) for inputs without one."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl (always written), plus parquet or csv tables."),
    db: Optional[str] = typer.Option(None, "--db", help="Also write normalized tables: sqlite:///path.db or postgresql://..."),
    n_process: Optional[int] = typer.Option(None, "--n-process", "-n", help="Worker processes (default from config: 1)."),
    prefilter: Optional[bool] = typer.Option(None, "--prefilter/--no-prefilter", help="Skip NER for articles that cannot hold a record."),
    engine: Optional[str] = typer.Option(None, "--engine", help="local (default) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (default: a local cluster)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run in the same output directory."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for fatal errors."),
) -> None:
    """Extract article and event records. Extra --section.key=value arguments override the config.

    Exit codes: 0 all articles succeeded; 1 some failed (OUTDIR/errors.jsonl); 2 fatal error.
    """
    try:
        from .config import load_config, parse_overrides
        from .run import run_extract

        overrides = parse_overrides(ctx.args)
        if published is not None:
            overrides["ingest.published_default"] = published
        if fmt not in OUTPUT_FORMATS:
            raise TariffwireError(f"Unknown output format {fmt!r}; expected one of {', '.join(OUTPUT_FORMATS)}")
        overrides["output.format"] = fmt
        for key, value in (("output.db", db), ("run.n_process", n_process), ("run.prefilter", prefilter),
                           ("run.engine", engine), ("run.scheduler", scheduler)):
            if value is not None:
                overrides[key] = value
        cfg = load_config(config, overrides)
        summary = run_extract(inputs, output, cfg, resume=resume, progress=None if quiet else sys.stderr)
    except TariffwireError as exc:
        _fail(exc, debug)
    except (OSError, ValueError) as exc:
        _fail(exc, debug)
    typer.echo(summary.line(), err=True)
    raise typer.Exit(summary.exit_code)


@app.command()
def evaluate(
    gold: List[Path] = typer.Option(..., "--gold", help="Gold .jsonl file(s) or folder(s) of *.gold.jsonl."),
    pred: Path = typer.Option(..., "--pred", help="An extract output directory."),
    details: bool = typer.Option(False, "--details", help="List every miss and false hit per article."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Score predictions against gold (../shared/spec/scoring.md)."""
    from .evaluate import evaluate_paths, format_details

    try:
        report = evaluate_paths(gold, pred)
    except TariffwireError as exc:
        _fail(exc, False)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        if details:
            typer.echo(format_details(report))
        typer.echo(report.table())


@app.command()
def schema() -> None:
    """Print the JSON Schema of both record types (generated from the pydantic models)."""
    from .records import json_schemas

    typer.echo(json.dumps(json_schemas(), indent=2))


from .relations.cli import train_app
app.add_typer(train_app, name="train")


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    main()
