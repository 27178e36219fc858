"""The batch job behind `tariffwire extract`: read, process in batches (in 1..N processes), write.

Streaming end to end: inputs are read lazily, at most a few batches are in flight, and records are
appended as each batch completes, so memory does not grow with the archive.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, TextIO

from confection import Config

from .api import Extractor, Outcome
from .errors import Errors, TariffwireError
from .writers.jsonl import JournaledWriter, read_resume_point

OUTPUT_FORMATS = ("jsonl", "parquet", "csv")

# Exit codes (documented in the README and `tariffwire extract --help`).
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_FATAL = 2


@dataclass
class RunSummary:
    read: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0
    prefiltered: int = 0
    events: int = 0
    warnings: int = 0
    seconds: float = 0.0
    resumed_from: int = 0
    outputs: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_SOME_FAILED if self.failed else EXIT_OK

    def line(self) -> str:
        rate = self.written / self.seconds if self.seconds > 0 else 0.0
        extra = f", resumed after {self.resumed_from}" if self.resumed_from else ""
        return (
            f"read {self.read}, written {self.written}, skipped {self.skipped}, failed {self.failed} "
            f"({self.events} events, {self.prefiltered} prefiltered{extra}) in {self.seconds:.1f}s, {rate:.1f} articles/s"
        )

    def counts(self) -> dict:
        return {k: getattr(self, k) for k in ("read", "written", "skipped", "failed", "prefiltered", "events", "warnings")}


class Progress:
    """Articles/s on stderr, at most every `every` seconds; one line per update when not a TTY."""

    def __init__(self, stream: Optional[TextIO], every: float = 2.0):
        self.stream = stream
        self.every = every
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, summary: RunSummary, force: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        msg = f"[tariffwire] {summary.read} read, {summary.written} written, {summary.failed} failed, {summary.read / elapsed:.1f} articles/s"
        if self.stream.isatty():
            self.stream.write("\r" + msg)
        else:
            self.stream.write(msg + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.stream.isatty():
            self.stream.write("\n")


def _batched(it: Iterable, size: int) -> Iterator[list]:
    it = iter(it)
    while batch := list(islice(it, size)):
        yield batch


# -- worker processes ------------------------------------------------------------------------------

_WORKER: Optional[Extractor] = None


def _init_worker(config_text: str) -> None:
    global _WORKER
    _WORKER = Extractor(Config().from_str(config_text, interpolate=True))


def _work(batch: list, prefilter: bool) -> list[Outcome]:
    assert _WORKER is not None
    return _WORKER.process_batch(batch, prefilter=prefilter)


def process_stream(extractor: Extractor, items: Iterable, *, batch_size: int, n_process: int, prefilter: bool) -> Iterator[list[Outcome]]:
    """Batches of outcomes in input order. With n_process > 1, each worker loads the model once and
    at most 2 * n_process batches are in flight (bounded memory)."""
    if n_process <= 1:
        for batch in _batched(items, batch_size):
            yield extractor.process_batch(batch, prefilter=prefilter)
        return
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    ctx = multiprocessing.get_context(method)
    config_text = extractor.config.to_str()
    with ProcessPoolExecutor(max_workers=n_process, mp_context=ctx, initializer=_init_worker, initargs=(config_text,)) as pool:
        pending: list[Future] = []
        for batch in _batched(items, batch_size):
            pending.append(pool.submit(_work, batch, prefilter))
            while len(pending) >= 2 * n_process:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()


# -- the job ---------------------------------------------------------------------------------------

def inputs_key(inputs: Sequence[str], config: Config) -> str:
    """Identifies a run's inputs and settings, so that --resume refuses to mix two different runs."""
    h = hashlib.sha1()
    for item in inputs:
        h.update(os.path.abspath(item).encode())
        try:
            st = os.stat(item)
            h.update(f"{st.st_size}:{int(st.st_mtime)}".encode())
        except OSError:
            pass
    h.update(json.dumps({k: config[k] for k in ("nlp", "extract", "ingest")}, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def run_extract(
    inputs: Sequence[str],
    outdir: str | Path,
    config: Config,
    *,
    resume: bool = False,
    progress: Optional[TextIO] = sys.stderr,
    on_batch: Optional[Callable[[RunSummary], None]] = None,
) -> RunSummary:
    """Run extraction over `inputs` into `outdir`. Fatal problems raise TariffwireError."""
    outdir = Path(outdir)
    fmt = config["output"]["format"]
    if fmt not in OUTPUT_FORMATS:
        raise TariffwireError(Errors.E022.format(value=fmt, choices=", ".join(OUTPUT_FORMATS)))
    run_cfg = config["run"]
    if run_cfg.get("engine", "local") == "dask":
        from .distributed import run_dask

        return run_dask(inputs, outdir, config, progress=progress)

    extractor = Extractor(config)
    items = extractor.read(inputs)  # raises E001 now for a missing input
    key = inputs_key(inputs, config)
    point = read_resume_point(outdir) if resume else None
    if point is not None and point.inputs_key != key:
        raise TariffwireError(Errors.E020.format(
            reason=f"--resume: {outdir} holds a run over other inputs or settings; use a new output directory"))
    summary = RunSummary()
    started = time.monotonic()
    if point is not None and point.complete:
        summary = RunSummary(**point.counts)
        summary.skipped = point.items_done
        summary.resumed_from = point.items_done
        summary.outputs = [str(outdir / n) for n in ("articles.jsonl", "events.jsonl")]
        return summary
    db_sink = None
    if config["output"].get("db"):
        from .writers.sql import open_sql_sink

        db_sink = open_sql_sink(config["output"]["db"])
    writer = JournaledWriter(outdir, resume=point, inputs_key=key)
    if point is not None:
        summary = RunSummary(**point.counts)
        summary.resumed_from = point.items_done
        items = islice(items, point.items_done, None)
    meter = Progress(progress)
    done = writer.items_done
    try:
        for outcomes in process_stream(extractor, items, batch_size=int(run_cfg["batch_size"]),
                                       n_process=int(run_cfg["n_process"]), prefilter=bool(run_cfg["prefilter"])):
            articles, events, errors = [], [], []
            records, event_records = [], []
            for o in outcomes:
                summary.read += 1
                summary.warnings += len(o.warnings)
                if o.error is not None:
                    summary.failed += 1
                    errors.append(json.dumps(o.error, ensure_ascii=False, sort_keys=True))
                    continue
                summary.written += 1
                summary.events += len(o.events)
                summary.prefiltered += int(o.prefiltered)
                articles.append(o.record.model_dump_json())
                events.extend(e.model_dump_json() for e in o.events)
                records.append(o.record)
                event_records.extend(o.events)
            writer.append("articles.jsonl", articles)
            writer.append("events.jsonl", events)
            writer.append("errors.jsonl", errors)
            if db_sink is not None and records:
                db_sink.write(records, event_records)
            done += len(outcomes)
            writer.commit(done, summary.counts())
            meter.update(summary)
            if on_batch is not None:
                on_batch(summary)
        summary.outputs = [str(outdir / "articles.jsonl"), str(outdir / "events.jsonl")]
        if fmt != "jsonl":
            from .writers.tables import write_tables

            summary.outputs += [str(p) for p in write_tables(outdir, fmt)]
        writer.commit(done, summary.counts(), complete=True)
    finally:
        writer.close()
        if db_sink is not None:
            db_sink.close()
        meter.close()
    summary.seconds = time.monotonic() - started
    return summary
