"""Where the articles are processed: `local` (this process and its workers) or `dask` (a cluster).

Both are an `Engine` of extractor/job.py (a context manager that yields the processed batches)
run by its one batch job, and give the same outputs to the byte; `run_extract` picks the engine
that `[run] engine` names.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Optional, Sequence, TextIO

from confection import Config

from ..errors import Errors, TariffwireError
from ..job import RunSummary, check_settings, run_job
from .local import local_engine


def run_extract(
    inputs: Sequence[str],
    outdir: str | Path,
    config: Config,
    *,
    resume: bool = False,
    progress: Optional[TextIO] = sys.stderr,
    on_batch: Optional[Callable[[RunSummary], None]] = None,
) -> RunSummary:
    """Run extraction over `inputs` into `outdir` on the engine of `[run] engine`. Fatal problems
    raise TariffwireError, and are found before any output of an earlier run in `outdir` is changed."""
    engine = local_engine
    settings = check_settings(config)
    if settings.run.engine == "dask":
        try:
            from .dask import dask_engine as engine
        except ImportError as exc:  # dask is an optional extra
            raise TariffwireError(Errors.E020.format(reason=f"run.engine='dask' is not available ({exc})")) from None
    return run_job(inputs, outdir, config, engine=engine, resume=resume, progress=progress, on_batch=on_batch,
                   settings=settings)


__all__ = ["run_extract"]
