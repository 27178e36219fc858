"""The local engine: the batch job in this process, or in run.n_process worker processes.

Streaming end to end: inputs are read lazily, at most a few batches are in flight, and records are
appended as each batch completes, so memory does not grow with the archive. What a run does besides
processing (settings, journal, sinks, errors.jsonl, summary, the end) is extractor/job.py's
run_job, shared with the dask engine: this module only says where the batches are processed.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from contextlib import contextmanager
from functools import partial
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator, Optional

from confection import Config

from ..api import Extractor, Outcome
from ..errors import Errors, TariffwireError
from ..job import Batch, Job, batched, preflight, run_job


# -- worker processes ------------------------------------------------------------------------------

_WORKER: Optional[Extractor] = None
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent_pid: int) -> None:
    """Make this worker process die when its parent does, however the parent dies (SIGKILL, the
    OOM killer): else the worker would sit on the pool's pipes forever. Linux only (prctl)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    # The parent may have died before the request above took effect: then nobody would signal us.
    if os.getppid() != parent_pid:
        os._exit(1)


def _init_worker(config_text: str, parent_pid: int) -> None:
    global _WORKER
    die_with_parent(parent_pid)
    # Stopping is the main process's decision (it finishes the batch in hand): a Ctrl-C or SIGTERM
    # sent to the whole process group must not kill the workers under their batches.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _WORKER = Extractor(Config().from_str(config_text, interpolate=True))


def _work(batch: list, prefilter: bool) -> list[Outcome]:
    assert _WORKER is not None
    return _WORKER.process_batch(batch, prefilter=prefilter)


def process_stream(extractor: Extractor, items: Iterable, *, batch_size: int, n_process: int, prefilter: bool) -> Iterator[list[Outcome]]:
    """Batches of outcomes in input order. With n_process > 1, each worker loads the model once and
    at most 2 * n_process batches are in flight (bounded memory).

    A worker that dies (killed for memory, a crash in native code) breaks the pool: the batches in
    flight are then redone in a fresh pool, the broken one article by article, so that only the
    article that kills its worker fails (stage "worker").
    """
    if n_process <= 1:
        for batch in batched(items, batch_size):
            yield extractor.process_batch(batch, prefilter=prefilter)
        return
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    ctx = multiprocessing.get_context(method)
    config_text = extractor.config.to_str()

    def new_pool() -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=n_process, mp_context=ctx, initializer=_init_worker,
                                   initargs=(config_text, os.getpid()))
        try:
            pool.submit(_work, [], prefilter).result()
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            raise TariffwireError(Errors.E020.format(reason=f"worker processes cannot start (run.n_process={n_process})")) from None
        return pool

    pool = new_pool()
    pending: deque[tuple[list, Future]] = deque()

    def submit(batch: list) -> Future:
        try:
            return pool.submit(_work, batch, prefilter)
        except BrokenProcessPool as exc:  # broken by a batch in flight: collect() redoes this one
            failed: Future = Future()
            failed.set_exception(exc)
            return failed

    def collect() -> list[Outcome]:
        nonlocal pool
        batch, fut = pending.popleft()
        try:
            return fut.result()
        except BrokenProcessPool:
            pass
        pool.shutdown(wait=False, cancel_futures=True)
        pool = new_pool()
        outcomes: list[Outcome] = []
        for item in batch:
            try:
                outcomes.extend(pool.submit(_work, [item], prefilter).result())
            except BrokenProcessPool:
                outcomes.append(_worker_died(item))
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
        for i, (other, _) in enumerate(pending):
            pending[i] = (other, submit(other))
        return outcomes

    try:
        for batch in batched(items, batch_size):
            pending.append((batch, submit(batch)))
            while len(pending) >= 2 * n_process:
                yield collect()
        while pending:
            yield collect()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_died(item) -> Outcome:
    article_id = getattr(item, "id", None) or getattr(item, "article_id", None)
    origin = getattr(item, "origin", "")
    message = "the worker process died while processing this article (out of memory, or a crash in native code)"
    return Outcome(article_id, origin, error={"article_id": article_id, "origin": origin, "stage": "worker",
                                              "error_type": "BrokenProcessPool", "message": message, "traceback": None})



@contextmanager
def local_engine(job: Job) -> Iterator[Iterator[Batch]]:
    """The job's batches processed here (run.n_process = 1) or in worker processes; the NER model
    loads on entry, so that a missing model is one config error before any output is touched."""
    preflight(job.extractor)
    run = job.settings.run
    stream = process_stream(job.extractor, job.items, batch_size=run.batch_size, n_process=run.n_process or 1,
                            prefilter=run.prefilter)
    try:
        yield (Batch(outcomes) for outcomes in stream)
    finally:
        stream.close()  # the worker pool shuts down here, however the run ends


# run_local(inputs, outdir, config, *, resume=False, progress=sys.stderr, on_batch=None): the job
# (extractor/job.py: run_job) over `inputs` into `outdir`, in this process and run.n_process - 1 workers.
run_local = partial(run_job, engine=local_engine)