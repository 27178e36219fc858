"""`tariffwire extract --engine dask`: the batch job on a dask.distributed cluster.

The client reads the inputs lazily and cuts them into partitions of `run.partition_size`
articles (rounded up to whole `run.batch_size` batches), with at most two partitions per worker
in flight, so neither the client nor a worker ever holds the archive. Each worker builds the
Extractor once per config (a WorkerPlugin loads the model as the worker joins; `_extractor`
caches it) and processes a partition in the same batches as a local run, so the NER model sees the
same batches and the records are the same to the byte. The client then writes articles.jsonl,
events.jsonl and errors.jsonl in input order, exactly as the local engine (engines/local.py) does.

With `--format parquet` the workers also write a partitioned dataset, one part file per
partition: OUTDIR/articles.parquet/part-00000.parquet, ... and OUTDIR/events.parquet/... A local
run writes a single file at those same paths; pandas.read_parquet and pyarrow read either, the
parts in input order. Because workers write the parts, OUTDIR must be on storage that every
worker sees at the same path (the client checks that every part arrived).

The journal is a local run's, one commit a partition, so `--resume` (with either engine) finishes
an interrupted run. A resumed dask run writes no part files: its Parquet tables are built from the
finished JSONL at the end, as a local run's are (one file at each path instead of a folder of
parts; the same rows). The lock on OUTDIR is the client's: the worker processes are started fresh
(spawned, not forked) and hold none, and they exit when the client process dies (dask's nannies
watch their parent). docs/benchmarks.md has the figures and how to run on a cluster.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import uuid
from collections import deque
from contextlib import contextmanager
from functools import partial
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from confection import Config

from ..api import Extractor, Outcome
from ..errors import Errors, RunInterrupted, TariffwireError
from ..ingest.article import Article
from ..job import STAGING, Batch, Job, RunSettings, StopRequest, batched, run_job

PLUGIN_NAME = "tariffwire-extractor"


# -- on the workers --------------------------------------------------------------------------------

_EXTRACTORS: dict[str, tuple[Extractor, threading.Lock]] = {}
_CACHE_LOCK = threading.Lock()
_WARMUP = Article(id="tariffwire-warmup", text="The United States raised tariffs on Chinese steel imports to 25% on Monday.",
                  published="2025-04-10")


def _extractor(config_text: str) -> tuple[Extractor, threading.Lock]:
    """This worker's Extractor for a config, built and warmed on first use, then reused."""
    key = hashlib.sha1(config_text.encode("utf-8")).hexdigest()
    with _CACHE_LOCK:
        cached = _EXTRACTORS.get(key)
        if cached is None:
            extractor = Extractor(Config().from_str(config_text, interpolate=True))
            list(extractor.ner.pipe([""]))  # a missing model raises TariffwireError here, once
            # Compile the gazetteers and rules now, not inside the first partition.
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
    part: int
    outcomes: list[Outcome]


def process_partition(config_text: str, items: list, *, part: int, batch_size: int, prefilter: bool,
                      dataset_dir: Optional[str] = None) -> PartitionResult:
    """Runs on a worker: one partition, in run.batch_size batches cut exactly as a local run cuts them."""
    extractor, lock = _extractor(config_text)
    outcomes: list[Outcome] = []
    with lock:  # one Extractor per worker process: never run it on two threads at once
        for batch in batched(items, batch_size):
            outcomes.extend(extractor.process_batch(batch, prefilter=prefilter))
    if dataset_dir is not None:
        write_partition_tables(outcomes, Path(dataset_dir), part)
    return PartitionResult(part, outcomes)


def write_partition_tables(outcomes: Sequence[Outcome], dataset_dir: Path, part: int) -> None:
    """The partition's part file in each table: the records that go to articles.jsonl / events.jsonl."""
    from ..writers.tables import write_dataset_partition

    good = [o for o in outcomes if o.record is not None and o.error is None]
    write_dataset_partition([o.record.model_dump(mode="json") for o in good], dataset_dir / "articles", "articles", part)
    write_dataset_partition([e.model_dump(mode="json") for o in good for e in o.events], dataset_dir / "events",
                            "events", part)


# -- on the client ---------------------------------------------------------------------------------

def partition_size(run: RunSettings) -> int:
    """run.partition_size rounded up to whole run.batch_size batches (so batches match a local run's)."""
    return -(-run.partition_size // run.batch_size) * run.batch_size


def _connect(address: Optional[str], n_process: Optional[int]):
    """(Client, LocalCluster or None): a Client of run.scheduler, or of a new local cluster of
    run.n_process worker processes (--n-process; one per CPU core when it is unset), one thread each."""
    from distributed import Client

    if address:
        try:
            return Client(address, timeout="30s"), None
        except (OSError, TimeoutError) as exc:
            raise TariffwireError(Errors.E020.format(
                reason=f"cannot connect to the dask scheduler at {address} ({exc})")) from exc
    cluster = start_local_cluster(n_process or default_workers())
    return Client(cluster), cluster


def default_workers() -> int:
    """Workers of a local cluster without --n-process: the CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def start_local_cluster(n_workers: int):
    """The LocalCluster `--engine dask` starts without --scheduler: n worker processes, one thread each."""
    import dask
    from distributed import LocalCluster

    # No dashboard: a batch job should not claim a port (two runs at once would clash over :8787).
    with dask.config.set(_QUIET_CLUSTER):
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)


# A batch job of a few long tasks needs none of dask's fine-grained housekeeping, which on a small
# machine costs the workers real CPU (an idle 2-worker cluster: about 12% of a core with the
# defaults, 2% with these): no statistical profiler (nobody sees its samples without a dashboard),
# event-loop health checks every second instead of every 20 ms, system and memory monitors every
# 2 s and 1 s instead of 500 ms and 100 ms, and no GIL contention monitor. Nor dask's
# MALLOC_TRIM_THRESHOLD_=65536 for the worker processes: it hands freed memory back to the OS at
# once, and spaCy, which allocates and frees arrays for every batch, then spends about 6% more CPU
# (in page faults) than in a local run; glibc's own adaptive threshold is what a local run has.
_QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


@contextmanager
def dask_engine(job: Job) -> Iterator[Iterator[Batch]]:
    """The job's articles in partitions on a dask cluster (a new local one, or run.scheduler's),
    each worker loading the model as it joins. With a partitioned sink (Parquet tables) and a fresh
    run, the workers also write its part files; the sink publishes them at the end."""
    run = job.settings.run
    size = partition_size(run)
    parted = [s for s in job.settings.sinks.values() if s.partitioned] if job.point is None else []
    # Workers may have another working directory: give them an absolute path. A resumed run has
    # lost the parts of the interrupted one (remove_leftovers): its sinks convert the JSONL at the end.
    staging = job.outdir.resolve() / STAGING if parted else None
    client, cluster = _connect(run.scheduler, run.n_process)
    parts = 0
    results: Optional[Iterator[PartitionResult]] = None
    try:
        config_text = job.config.to_str()
        client.register_plugin(ExtractorPlugin(config_text), name=PLUGIN_NAME)
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        results = _ordered_results(client, config_text, batched(job.items, size), window=window, stop=job.stop,
                                   batch_size=run.batch_size, prefilter=run.prefilter,
                                   dataset_dir=str(staging) if staging is not None else None)

        def batches() -> Iterator[Batch]:
            nonlocal parts
            for result in results:
                parts += 1
                yield Batch(result.outcomes, on_dropped=_part_rewriter(result, staging))

        yield batches()
    finally:
        if results is not None:
            results.close()  # cancels the partitions still in flight
        _close(client, cluster)
    for sink in parted:
        sink.use_parts(staging, parts)


# run_dask(inputs, outdir, config, *, resume=False, progress=sys.stderr, on_batch=None): the job
# (extractor/job.py: run_job) over `inputs` into `outdir`, on a dask cluster; the outputs are those of a local run (module doc).
run_dask = partial(run_job, engine=dask_engine)


def _close(client, cluster) -> None:
    client.close()
    if cluster is not None:
        # Every result is in by now. A worker that takes over 4 s to exit (torch's teardown on a
        # busy machine) is killed by its nanny with a warning that would only alarm the user.
        nanny_log = logging.getLogger("distributed.nanny")
        level = nanny_log.level
        nanny_log.setLevel(logging.ERROR)
        try:
            cluster.close()
        finally:
            nanny_log.setLevel(level)


def _ordered_results(client, config_text: str, partitions: Iterable[list], *, window: int, stop: StopRequest,
                     **kwargs) -> Iterator[PartitionResult]:
    """Submit partitions as the input is read, at most `window` in flight; yield results in input order."""
    run_id = uuid.uuid4().hex[:8]
    pending: deque = deque()
    try:
        for part, items in enumerate(partitions):
            # pure=False: hashing a partition's articles for a deterministic key costs and buys nothing here.
            pending.append(client.submit(process_partition, config_text, items, part=part, pure=False,
                                         key=f"tariffwire-{run_id}-part-{part:05d}", **kwargs))
            while len(pending) >= window:
                yield _result(pending.popleft(), stop)
        while pending:
            yield _result(pending.popleft(), stop)
    finally:
        for fut in pending:
            fut.cancel()


def _result(future, stop: StopRequest) -> PartitionResult:
    """A partition's result. Articles fail one by one inside it; a whole partition fails only when
    its worker does (killed, out of memory, the model missing there), and that ends the run."""
    try:
        return future.result()
    except TariffwireError:
        raise
    except Exception as exc:
        if stop.signum is not None:  # a SIGTERM to the process group took the workers down too
            raise RunInterrupted(stop.signum) from exc
        raise TariffwireError(
            f"dask partition {future.key} failed on its worker: {type(exc).__name__}: {exc}".splitlines()[0]) from exc


def _part_rewriter(result: PartitionResult, staging: Optional[Path]) -> Optional[Callable[[], None]]:
    """What to do when the client drops articles of a partition its worker already wrote as a part
    file (unserializable, refused by a sink): write the part again without them."""
    if staging is None:
        return None
    return lambda: write_partition_tables(result.outcomes, staging, result.part)
