"""The `tariffwire` command: a thin layer that checks arguments and calls plain functions.

Exit codes of `extract` (docs/robustness.md): 0 every record written (duplicates skipped); 1 some
records failed (see OUTDIR/errors.jsonl); 2 fatal error (bad arguments, unreadable config, missing
input, unwritable output or database), printed as one line (--debug for the traceback);
130 interrupted by Ctrl-C (SIGINT), 143 by SIGTERM: the batch in hand is finished first.
"""
from __future__ import annotations

import json
import re
import sys
import traceback
from pathlib import Path
from typing import List, Optional, Sequence

import typer

from .errors import Errors, RunInterrupted, TariffwireError
from .job import EXIT_FATAL, EXIT_INTERRUPTED, config_error_reason, first_line

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(add_completion=False, no_args_is_help=True, context_settings=HELP_OPTIONS,
                  help="Structured records of trade policy from news wire archives.")
_CTX = {"allow_extra_args": True, "ignore_unknown_options": True, **HELP_OPTIONS}


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"tariffwire {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Structured records of trade policy from news wire archives."""


def _misspelt_flag(ctx: typer.Context, overrides: Sequence[str]) -> None:
    """`--outptu` reaches us as an override (extract takes `--section.key=value`): name the flag meant."""
    from .suggest import suggest

    flags = [opt for param in ctx.command.params for opt in getattr(param, "opts", []) if opt.startswith("--")]
    for arg in overrides:
        name = arg.split("=", 1)[0]
        if name.startswith("--") and "." not in name:
            hint = suggest(name, flags)
            raise TariffwireError(f"no such option: {name}" + (f" (did you mean {hint}?)" if hint else "")
                                  + "; config overrides look like --section.key=value")


def _one_line(exc: BaseException) -> str:
    """One line for an error; where it ends in a colon (a wrapped config error), the cause's reason."""
    line = first_line(exc)
    if exc.__cause__ is not None and line.endswith(":"):
        line = f"{line} {config_error_reason(exc.__cause__)}"
    return line


def _fail(exc: BaseException, debug: bool, *, internal: bool = False, secrets: Sequence[str] = ()) -> None:
    from .writers.sql import mask_credentials

    if debug:
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        typer.echo(mask_credentials(trace, secrets), err=True, nl=False)
    message = _one_line(exc)
    if internal:  # a bug, not a bad input: name the exception so that it can be reported
        message = f"internal error: {type(exc).__name__}: {message}" + ("" if debug else " (--debug shows the traceback)")
    # A database URL's password never reaches the terminal, whoever formatted the message.
    typer.echo(f"tariffwire: error: {mask_credentials(message, secrets)}", err=True)
    raise typer.Exit(EXIT_FATAL)


def _db_secrets(db: Optional[str], overrides: Sequence[str]) -> list[str]:
    """The passwords of the database URLs named on the command line (--db, a sink's
    --output.sinks.NAME.url=...): any argument may be one, and a password is never shown."""
    from .writers.sql import credential_secrets

    urls = [db] + [arg.split("=", 1)[-1] for arg in overrides]
    return [secret for url in urls if url and "://" in url for secret in credential_secrets(url)]


def split_overrides(args: List[str]) -> tuple[List[str], List[str]]:
    """Inputs and `--section.key[=value]` overrides, which click hands over mixed in one list.

    `--section.key value` takes the next argument as its value, as parse_overrides() does.
    """
    inputs: List[str] = []
    overrides: List[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--"):
            overrides.append(arg)
            if "=" not in arg and i + 1 < len(args) and not args[i + 1].startswith("--"):
                overrides.append(args[i + 1])
                i += 1
        else:
            inputs.append(arg)
        i += 1
    return inputs, overrides


def _require_extras(cfg) -> None:
    """Fail before any work when the config names an optional part whose extra is not installed."""
    from .optional import require

    if cfg["run"]["engine"] == "dask":
        require("distributed", "dask")
    # A sink's own extra (psycopg for a PostgreSQL URL) is required by the sink as it is made.


EXIT_CODES_HELP = (
    "Exit codes: 0 every input record was written (or skipped as a duplicate); "
    "1 some records failed, each with a line in OUTDIR/errors.jsonl; "
    "2 fatal: bad arguments or config, a missing input, an unwritable output or database "
    "(one line on stderr; --debug adds the traceback); 130 interrupted by Ctrl-C, 143 by SIGTERM "
    "(the batch in hand is finished first; rerun with --resume)."
)


@app.command(context_settings=_CTX, epilog=EXIT_CODES_HELP)
def extract(
    ctx: typer.Context,
    inputs: List[str] = typer.Argument(..., help="Files, folders or glob patterns (.txt .json .jsonl .jsonl.gz .csv .parquet .html .warc .warc.gz, datasets dirs)."),
    output: Path = typer.Option(..., "-o", "--output", help="Output directory."),
    config: Optional[Path] = typer.Option(None, "-c", "--config", help="A .cfg file that overrides the packaged default config (extractor/default.cfg)."),
    published: Optional[str] = typer.Option(None, "--published", help="Default publication date (YYYY-MM-DD) for inputs without one."),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl (always written), plus parquet or csv tables: the [output.sinks.tables] sink (default: jsonl, or the config's sinks)."),
    db: Optional[str] = typer.Option(None, "--db", help="Also write normalized tables: sqlite:///path.db or postgresql://... (the [output.sinks.db] sink)."),
    n_process: Optional[int] = typer.Option(None, "--n-process", "-n", help="Worker processes (default: 1 for the local engine, one per CPU core for --engine dask)."),
    prefilter: Optional[bool] = typer.Option(None, "--prefilter/--no-prefilter", help="Skip NER for articles that cannot hold a record."),
    engine: Optional[str] = typer.Option(None, "--engine", help="local (default) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (default: a local cluster)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run in the same output directory (refused for other inputs or settings)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for fatal errors."),
) -> None:
    """Extract article and event records. Extra --section.key=value arguments override the config.

    A record that cannot be read or processed fails alone: it gets a line in OUTDIR/errors.jsonl
    ("level": "error"; warnings such as invalid UTF-8 get "level": "warning") and the run goes on.
    The last line on stderr is the summary: read / written / skipped / failed.

    Exit codes: 0 all records written (duplicates skipped); 1 some failed (OUTDIR/errors.jsonl);
    2 fatal error (bad arguments or config, unwritable output), one line, traceback with --debug;
    130 interrupted (Ctrl-C), 143 terminated (SIGTERM): rerun with --resume.
    """
    secrets = _db_secrets(db, list(ctx.args))
    try:
        from .config import load_config, output_overrides, parse_overrides
        from .engines import run_extract

        paths, extra = split_overrides(list(inputs) + list(ctx.args))
        _misspelt_flag(ctx, extra)
        if not paths:
            raise TariffwireError("Missing input: name at least one file, folder or glob pattern")
        overrides = parse_overrides(extra)
        if published is not None:
            overrides["ingest.published_default"] = published
        overrides.update(output_overrides(fmt, db))
        for key, value in (("run.n_process", n_process), ("run.prefilter", prefilter),
                           ("run.engine", engine), ("run.scheduler", scheduler)):
            if value is not None:
                overrides[key] = value
        try:
            cfg = load_config(config, overrides)
        except TariffwireError as exc:
            if config is not None and exc.__cause__ is not None and str(config) not in str(exc):
                raise TariffwireError(f"{_one_line(exc)} (in {config})") from exc
            raise
        _require_extras(cfg)
        summary = run_extract(paths, output, cfg, resume=resume, progress=None if quiet else sys.stderr)
    except RunInterrupted as exc:  # SIGINT or SIGTERM: the batch in hand was finished and committed
        typer.echo(f"tariffwire: {exc}", err=True)
        raise typer.Exit(128 + exc.signum)
    except TariffwireError as exc:
        _fail(exc, debug, secrets=secrets)
    except KeyboardInterrupt:
        typer.echo("tariffwire: interrupted; what was committed is kept: rerun with --resume to continue", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    except (OSError, ValueError) as exc:
        _fail(exc, debug, secrets=secrets)
    except Exception as exc:  # never a bare traceback and exit code 1 (which means "some failed")
        _fail(exc, debug, internal=True, secrets=secrets)
    if summary.read == 0 and not summary.already_complete:
        typer.echo("tariffwire: warning: the inputs hold no records (no known file types, or empty folders)", err=True)
    from .progress import summary_lines

    for line in summary_lines(summary):  # the counts line last
        typer.echo(line, err=True)
    raise typer.Exit(summary.exit_code)


@app.command(context_settings=HELP_OPTIONS)
def evaluate(
    gold: List[Path] = typer.Option(..., "--gold", help="Gold .jsonl file(s) or folder(s) of *.gold.jsonl."),
    pred: Path = typer.Option(..., "--pred", help="An extract output directory."),
    details: bool = typer.Option(False, "--details", help="List every miss and false hit per article."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    measures: Optional[bool] = typer.Option(None, "--measures/--no-measures", help="Score consolidation (default: when the gold holds *.measures.jsonl)."),
) -> None:
    """Score predictions against gold (../shared/spec/scoring.md); with storyline gold, consolidation too
    (clustering B-cubed, timeline points, duplication, as-of accuracy; a baseline row for comparison)."""
    from .evaluate import evaluate_paths, format_details

    try:
        report = evaluate_paths(gold, pred, measures=measures)
    except TariffwireError as exc:
        _fail(exc, False)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        if details:
            typer.echo(format_details(report))
        typer.echo(report.table())


@app.command(context_settings=HELP_OPTIONS)
def consolidate(
    outdirs: List[Path] = typer.Argument(..., help="One or more extract output directories (an archive processed in parts)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Where to write measures.jsonl (default: the only OUTDIR given)."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl (always written), plus parquet or csv tables of measures, points and links."),
    db: Optional[str] = typer.Option(None, "--db", help="Also upsert the measures into sqlite:///path.db or postgresql://..."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for fatal errors."),
) -> None:
    """Consolidate events into measures with timelines (OUTDIR/measures.jsonl, measure_events.jsonl).

    Several run folders give what one run over all their articles gives: the result depends on the
    set of events only, never on their order or on how the archive was split.
    """
    from .consolidate import consolidate_outdirs
    from .config import OUTPUT_FORMATS

    try:
        if fmt not in OUTPUT_FORMATS:
            raise TariffwireError(Errors.E022.format(value=fmt, choices=", ".join(OUTPUT_FORMATS)))
        if output is None and len(outdirs) > 1:
            raise TariffwireError(Errors.E070.format(path=", ".join(map(str, outdirs)),
                                                     reason="several run folders need -o DIR for the consolidated output"))
        dest = output or outdirs[0]
        n_measures, n_links = consolidate_outdirs(outdirs, dest, fmt=fmt, db=db)
    except TariffwireError as exc:
        _fail(exc, debug)
    except (OSError, ValueError) as exc:
        _fail(exc, debug)
    except Exception as exc:  # never a bare traceback
        _fail(exc, debug, internal=True)
    typer.echo(f"{n_measures} measures from {n_links} events in {dest / 'measures.jsonl'}", err=True)


def _check_day(value: str) -> str:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        raise TariffwireError(Errors.E072.format(value=value)) from None
    if len(value) != 10:
        raise TariffwireError(Errors.E072.format(value=value))
    return value


@app.command(context_settings=HELP_OPTIONS)
def asof(
    outdir: Path = typer.Argument(..., help="A folder holding measures.jsonl (extract or consolidate output)."),
    day: str = typer.Option(..., "--date", help="The day (YYYY-MM-DD)."),
    imposer: Optional[str] = typer.Option(None, "--imposer", help="ISO3 code (or EU) of the country that levies."),
    target: Optional[str] = typer.Option(None, "--target", help="ISO3 code (or EU) of the country hit."),
    product: Optional[str] = typer.Option(None, "--product", help="A product noun (steel, cars, ...)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of {measure_id, imposer, targets, products, rate, status, since}."),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", help="Report a point in force only when its confidence is at least this (default 0.9; 0 reports every point)."),
) -> None:
    """The measures in force on a day and their rates (a lifted measure reports 0; threats never count)."""
    from .consolidate import read_measures
    from .consolidate.asof import MIN_CONFIDENCE, format_asof
    from .consolidate.asof import asof as answer

    try:
        threshold = MIN_CONFIDENCE if min_confidence is None else min_confidence
        rows = answer(read_measures(outdir), _check_day(day), imposer=imposer, target=target, product=product,
                      min_confidence=threshold)
    except TariffwireError as exc:
        _fail(exc, False)
    typer.echo(json.dumps(rows, indent=2) if as_json else format_asof(rows, day))


@app.command(context_settings=HELP_OPTIONS)
def timeline(
    outdir: Path = typer.Argument(..., help="A folder holding measures.jsonl."),
    imposer: Optional[str] = typer.Option(None, "--imposer", help="ISO3 code (or EU) of the country that levies."),
    target: Optional[str] = typer.Option(None, "--target", help="ISO3 code (or EU) of the country hit."),
    product: Optional[str] = typer.Option(None, "--product", help="A product noun."),
    talks: bool = typer.Option(False, "--talks", help="Show negotiation tracks whose parties include --imposer/--target instead."),
) -> None:
    """A measure's history as a readable table: dated points, support, dissent."""
    from .consolidate import read_measures
    from .consolidate.asof import format_timeline, matches

    try:
        measures = list(read_measures(outdir))
    except TariffwireError as exc:
        _fail(exc, False)
    if talks:
        wanted = {c.upper() for c in (imposer, target) if c}
        chosen = [m for m in measures if m["type"] == "talks" and wanted <= set(m["parties"])]
    else:
        chosen = [m for m in measures if matches(m, imposer, target, product)]
    typer.echo(format_timeline(chosen))


@app.command(context_settings=HELP_OPTIONS)
def schema() -> None:
    """Print the JSON Schema of both record types (generated from the pydantic models)."""
    from .records import json_schemas

    typer.echo(json.dumps(json_schemas(), indent=2))


@app.command(context_settings=HELP_OPTIONS)
def report(
    outdir: Path = typer.Argument(..., help="An extract output directory (articles.jsonl, events.jsonl, errors.jsonl, measures.jsonl)."),
    output: Path = typer.Option(Path("report.html"), "-o", "--output", help="The HTML file to write."),
    max_events: int = typer.Option(5000, "--max-events", min=1, help="List at most this many events in the table."),
    inputs: Optional[List[str]] = typer.Option(None, "--input", "-i", help="The run's inputs (repeatable): each evidence is then shown in its context."),
    config: Optional[Path] = typer.Option(None, "-c", "--config", help="The run's .cfg, when its ingest settings (field names) differ from the default."),
) -> None:
    """Write one self-contained HTML page about a run: summary, measure timelines, events with evidence."""
    from .report import build_report

    try:
        articles = None
        if inputs:
            from .api import Extractor

            articles = Extractor.from_config(str(config) if config else None).read(inputs)
        path = build_report(outdir, output, max_events=max_events, articles=articles)
    except (TariffwireError, OSError) as exc:
        _fail(exc, False)
    typer.echo(f"wrote {path}", err=True)


@app.command(context_settings=HELP_OPTIONS)
def show(
    inputs: List[str] = typer.Argument(..., help="Files, folders or glob patterns, as for extract."),
    article_id: str = typer.Option(..., "--id", help="The id of the article to show."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="The HTML file to write (default: ID.html)."),
    serve: bool = typer.Option(False, "--serve", help="Serve the page with displaCy's local server instead of writing it."),
    port: int = typer.Option(5002, "--port", help="Port for --serve."),
    style: str = typer.Option("span", "--style", help="span (overlapping labels) or ent (one label per stretch)."),
    config: Optional[Path] = typer.Option(None, "-c", "--config", help="A .cfg file that overrides the packaged default config (extractor/default.cfg)."),
    published: Optional[str] = typer.Option(None, "--published", help="Default publication date (YYYY-MM-DD)."),
) -> None:
    """Render one article with displaCy: officials, countries, rates, dates and event roles."""
    from . import show as view
    from .api import Extractor

    try:
        if style not in view.STYLES:
            raise TariffwireError(f"--style must be one of {', '.join(view.STYLES)}, not {style!r}")
        overrides = {"ingest.published_default": published} if published else None
        extractor = Extractor.from_config(str(config) if config else None, overrides)
        article = view.find_article(extractor, inputs, article_id)
        text, spans, title = view.extracted_spans(article, extractor)
        if serve:
            view.serve(text, spans, style=style, title=title, port=port)
            return
        path = output or Path(re.sub(r"[^\w.-]+", "_", article_id) + ".html")
        path.write_text(view.render(text, spans, style=style, title=title, page=True, jupyter=False), encoding="utf-8")
    except (TariffwireError, OSError, ValueError) as exc:
        _fail(exc, False)
    typer.echo(f"wrote {path}", err=True)


train_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Train the learned components.",
                        context_settings=HELP_OPTIONS)
app.add_typer(train_app, name="train")


@train_app.command("relations")
def train_relations_command(
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
    rule_role_feature: bool = typer.Option(
        False, "--rule-role-feature/--no-rule-role-feature", help="Give the model the rules' role of each pair as a leading token."),
    task: Optional[List[str]] = typer.Option(
        None, "--task", help="Learn only this task (tariff, official; repeatable); the rules keep the others. Default: both."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for fatal errors."),
) -> None:
    """Fine-tune the role classifier (tariff imposer/target, official's country) on gold; see docs/learned-models.md."""
    try:
        import datasets

        from .api import Extractor
        from .optional import require
        from .relations.train import train_relations

        transformers = require("transformers", "hf")
        # The command reports per epoch itself; the libraries' per-step bars would bury that.
        datasets.disable_progress_bars()
        transformers.utils.logging.disable_progress_bar()
        metadata = train_relations(
            Extractor.from_config(config), [str(g) for g in gold], [str(c) for c in corpus], str(base), str(out),
            epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, val_fraction=val_fraction,
            seed=seed, max_length=max_length, min_confidence=min_confidence, rule_role_feature=rule_role_feature,
            tasks=tuple(task) if task else ("tariff", "official"), device=device,
            log=(lambda msg: None) if quiet else (lambda msg: typer.echo(msg, err=True)),
        )
    except (TariffwireError, OSError, ValueError) as exc:
        _fail(exc, debug)
    typer.echo(json.dumps({"out": str(out), "pairs": metadata["pairs"], "validation": metadata["validation"],
                           "seconds": metadata["seconds"]}, indent=2))


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    main()
