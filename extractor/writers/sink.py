"""What a sink is: an output of `tariffwire extract` besides the JSONL files.

Every run writes OUTDIR/articles.jsonl, events.jsonl and errors.jsonl with the journal
(writers/jsonl.py), and measures.jsonl from them: they are the run's record, what --resume goes on
from, and what the other outputs are built from, so they are not sinks and cannot be left out.
A sink is the rest (Parquet or CSV tables, a database): a function registered under
`registry.sinks` and named in an `[output.sinks.NAME]` block of the config, whose settings
confection validates against the function's signature, e.g.

    [output.sinks.db]
    @sinks = "tariffwire.Sql.v1"
    url = "sqlite:///runs.db"

The batch job (extractor/job.py) drives every sink alike, whichever engine runs:

    open()                           once the output folder is claimed, before any record is written
    write(articles, events)          each batch, in input order, if `streams` (one transaction:
                                     raise TariffwireError to refuse it; the job then retries the
                                     batch article by article and fails only those refused)
    finish(outdir, only_missing=)    at the end, once measures.jsonl is written; the paths written
    close()                          always, last

A new sink is a subclass and one registered function (README: "Add a sink"); no engine changes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from ..records import ArticleRecord, EventRecord


class Sink:
    # True: write() receives every batch's records as the JSONL does. False: the sink is built
    # from the finished JSONL in finish(), so it sees the whole run whatever --resume did.
    streams: bool = False
    # True (Parquet tables only): the dask engine's workers may write it as a partitioned dataset
    # (use_parts), instead of finish() converting the JSONL.
    partitioned: bool = False

    def use_parts(self, staging: Path, parts: int) -> None:
        """(partitioned sinks) The dask workers wrote the run's articles and events as `parts`
        Parquet part files in staging/{articles,events}: finish() publishes them."""
        raise NotImplementedError(f"{type(self).__name__} sets partitioned = True but has no use_parts()")

    def resume_key(self) -> Optional[str]:
        """What a --resume must share with the interrupted run (a streaming sink that a resumed run
        added or changed would miss the records written before the interruption); None: nothing."""
        return None

    def open(self) -> None:
        """Connect, create schemas: called once the output folder is claimed."""

    def write(self, articles: Sequence[ArticleRecord], events: Sequence[EventRecord]) -> None:
        raise NotImplementedError(f"{type(self).__name__} sets streams = True but has no write()")

    def ping(self) -> bool:
        """Does the sink still work? After a refused batch: False makes the refusal fatal."""
        return True

    def finish(self, outdir: Path, *, only_missing: bool = False) -> list[str]:
        """Write what is built from the finished run (measures.jsonl is there); the paths written.
        `only_missing`: a --resume of a finished run: add only what is not there yet."""
        return []

    def close(self) -> None:
        """Release connections and files; called whatever happened."""
