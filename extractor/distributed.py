"""`tariffwire extract --engine dask`: the batch job on a dask.distributed cluster.

The client streams the inputs into partitions and keeps at most two partitions per worker in
flight, so neither the client nor a worker ever holds the archive. Each worker builds the
Extractor once (a WorkerPlugin loads the model when the worker joins; `_extractor` caches it per
config) and processes a partition in the same `run.batch_size` batches as a local run, so the
records are the same to the byte. The client writes articles.jsonl, events.jsonl and errors.jsonl
in input order through the same journaled writer as a local run.

With `--format parquet` the workers also write a partitioned dataset, one part file per
partition: OUTDIR/articles.parquet/part-00000.parquet, ... and OUTDIR/events.parquet/... (a local
run writes a single file at those paths; pandas.read_parquet and pyarrow read both, parts in
input order). Workers write the parts themselves, so on a real cluster OUTDIR must be shared
storage mounted at the same path on every machine.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence, TextIO

from confection import Config

from .api import Extractor
from .errors import Errors, TariffwireError
from .ingest.article import Article
from .run import Progress, RunSummary, _batched, inputs_key
from .writers.jsonl import JournaledWriter, OutdirLock, prepare_outdir

PLUGIN_NAME = "tariffwire-extractor"
TABLES = ("articles", "events")


# -- on the workers --------------------------------------------------------------------------------

_EXTRACTORS: dict[str, tuple[Extractor, threading.Lock]] = {}
_CACHE_LOCK = threading.Lock()
_WARMUP = Article(id="tariffwire-warmup", text="The United States raised tariffs on Chinese steel imports to 25% on Monday.",
                  published="2025-04-10")


def _extractor(config_text: str) -> tuple[Extractor, threading.Lock]:
    """The worker's Extractor for this config, built (and its model loaded) on first use."""
    key = hashlib.sha1(config_text.encode("utf-8")).hexdigest()
    with _CACHE_LOCK:
        cached = _EXTRACTORS.get(key)
        if cached is None:
            extractor = Extractor(Config().from_str(config_text, interpolate=True))
            # Load the model and compile the gazetteers now, not inside the first partition.
            extractor.process_batch([_WARMUP], prefilter=False)
            cached = _EXTRACTORS[key] = (extractor, threading.Lock())
    return cached


try:
    from distributed import WorkerPlugin
except ImportError:  # pragma: no cover - dask[distributed] is a dependency
    WorkerPlugin = object  # type: ignore[assignment,misc]


class ExtractorPlugin(WorkerPlugin):
    """Loads the configured model on every worker as it joins the cluster (late joiners too)."""

    def __init__(self, config_text: str):
        self.config_text = config_text

    def setup(self, worker) -> None:
        _extractor(self.config_text)


@dataclass
class PartitionResult:
    """One partition's output, serialized on the worker exactly as a local run serializes it."""

    part: int
    items: int
    articles: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: int = 0
    prefiltered: int = 0
    events_count: int = 0
    warnings: int = 0


def process_partition(config_text: str, items: list, *, part: int, batch_size: int, prefilter: bool,
                      dataset_dir: Optional[str] = None) -> PartitionResult:
    """Runs on a worker. Batches are cut exactly as in a local run (partitions start on a batch
    boundary), so the NER model sees the same batches and the output is byte-identical."""
    extractor, lock = _extractor(config_text)
    result = PartitionResult(part=part, items=len(items))
    article_dicts: list[dict] = []
    event_dicts: list[dict] = []
    with lock:  # one Extractor per worker process: never run it on two threads at once
        for batch in _batched(items, batch_size):
            for o in extractor.process_batch(batch, prefilter=prefilter):
                result.warnings += len(o.warnings)
                if o.error is not None:
                    result.failed += 1
                    result.errors.append(json.dumps(o.error, ensure_ascii=False, sort_keys=True))
                    continue
                result.prefiltered += int(o.prefiltered)
                result.events_count += len(o.events)
                result.articles.append(o.record.model_dump_json())
                result.events.extend(e.model_dump_json() for e in o.events)
                if dataset_dir is not None:
                    article_dicts.append(o.record.model_dump(mode="json"))
                    event_dicts.extend(e.model_dump(mode="json") for e in o.events)
    if dataset_dir is not None:
        from .writers.tables import write_dataset_partition

        for name, rows in (("articles", article_dicts), ("events", event_dicts)):
            write_dataset_partition(rows, Path(dataset_dir) / name, name, part)
    return result


# -- on the client ---------------------------------------------------------------------------------

def partition_size(config: Config) -> int:
    """run.partition_size rounded up to a whole number of run.batch_size batches."""
    batch = max(1, int(config["run"]["batch_size"]))
    wanted = max(1, int(config["run"].get("partition_size") or 500))
    return -(-wanted // batch) * batch


def _connect(config: Config):
    """A Client on run.scheduler, or on a new LocalCluster of run.n_process (else 2) worker processes."""
    from distributed import Client, LocalCluster

    address = config["run"].get("scheduler")
    if address:
        try:
            return Client(address, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise TariffwireError(Errors.E020.format(reason=f"cannot connect to dask scheduler {address}: {exc}")) from exc
    n_workers = int(config["run"].get("n_process") or 2)
    # No dashboard: a batch job should not claim a port (parallel runs would clash over :8787).
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster), cluster


def _dataset_staging(outdir: Path) -> Path:
    return outdir / ".tariffwire" / "dataset-parts"


def _publish_dataset(outdir: Path, staging: Path) -> list[Path]:
    """Move the finished part directories to OUTDIR/{articles,events}.parquet, replacing what is there."""
    published = []
    for name in TABLES:
        src, dst = staging / name, outdir / f"{name}.parquet"
        if not src.exists():  # an empty input: still leave a readable (empty) dataset
            from .writers.tables import write_dataset_partition

            write_dataset_partition([], src, name, 0)
        if dst.is_dir():
            shutil.rmtree(dst)
        elif dst.exists():
            dst.unlink()
        src.rename(dst)
        published.append(dst)
    shutil.rmtree(staging, ignore_errors=True)
    return published


def run_dask(
    inputs: Sequence[str],
    outdir: str | Path,
    config: Config,
    *,
    progress: Optional[TextIO] = sys.stderr,
    resume: bool = False,
    on_batch: Optional[Callable[[RunSummary], None]] = None,
) -> RunSummary:
    """Run extraction over `inputs` on a dask cluster; outputs as a local run's (see module doc)."""
    if resume:
        raise TariffwireError(Errors.E020.format(
            reason="--resume is not supported with --engine dask; rerun without --resume (or resume with --engine local)"))
    started = time.monotonic()
    outdir = Path(outdir).resolve()  # workers may run elsewhere: give them an absolute path
    # Read and validate on the client first: a bad config or a missing input fails before any cluster starts.
    items = Extractor(config).read(inputs)
    key = inputs_key(inputs, config)
    prepare_outdir(outdir)
    lock = OutdirLock(outdir).acquire()
    try:
        return _run(items, outdir, config, key, started=started, progress=progress, on_batch=on_batch)
    finally:
        lock.release()


def _run(items: Iterable, outdir: Path, config: Config, key: str, *, started: float, progress: Optional[TextIO],
         on_batch: Optional[Callable[[RunSummary], None]]) -> RunSummary:
    fmt = config["output"]["format"]
    run_cfg = config["run"]
    batch_size = max(1, int(run_cfg["batch_size"]))
    size = partition_size(config)
    prefilter = bool(run_cfg["prefilter"])
    staging = _dataset_staging(outdir)
    if fmt == "parquet":
        shutil.rmtree(staging, ignore_errors=True)
    db_sink = None
    if config["output"].get("db"):
        from .writers.sql import open_sql_sink

        db_sink = open_sql_sink(config["output"]["db"])
    writer = JournaledWriter(outdir, resume=None, inputs_key=key)
    summary = RunSummary()
    meter = Progress(progress)
    config_text = config.to_str()
    try:
        client, cluster = _connect(config)
        try:
            client.register_plugin(ExtractorPlugin(config_text), name=PLUGIN_NAME)
            window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
            run_id = uuid.uuid4().hex[:8]
            done = 0
            for result in _ordered_results(client, config_text, _batched(items, size), window=window, run_id=run_id,
                                           batch_size=batch_size, prefilter=prefilter,
                                           dataset_dir=str(staging) if fmt == "parquet" else None):
                summary.read += result.items
                summary.written += len(result.articles)
                summary.failed += result.failed
                summary.prefiltered += result.prefiltered
                summary.events += result.events_count
                summary.warnings += result.warnings
                writer.append("articles.jsonl", result.articles)
                writer.append("events.jsonl", result.events)
                writer.append("errors.jsonl", result.errors)
                if db_sink is not None and result.articles:
                    _write_db(db_sink, result)
                done += result.items
                writer.commit(done, summary.counts())
                meter.update(summary)
                if on_batch is not None:
                    on_batch(summary)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        summary.outputs = [str(outdir / "articles.jsonl"), str(outdir / "events.jsonl")]
        if fmt == "parquet":
            summary.outputs += [str(p) for p in _publish_dataset(outdir, staging)]
        elif fmt != "jsonl":
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


def _ordered_results(client, config_text: str, partitions: Iterable[list], *, window: int, run_id: str,
                     **kwargs) -> Iterator[PartitionResult]:
    """Submit partitions as the input is read, at most `window` in flight; yield results in input order."""
    pending: deque = deque()
    try:
        for part, items in enumerate(partitions):
            # pure=False: hashing a partition's articles for a deterministic key would cost more than it saves.
            pending.append(client.submit(process_partition, config_text, items, part=part, pure=False,
                                         key=f"tariffwire-{run_id}-part-{part:05d}", **kwargs))
            while len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for fut in pending:
            fut.cancel()


def _write_db(db_sink, result: PartitionResult) -> None:
    from .records import ArticleRecord, EventRecord

    db_sink.write([ArticleRecord.model_validate_json(line) for line in result.articles],
                  [EventRecord.model_validate_json(line) for line in result.events])
