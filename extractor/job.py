"""The batch job behind `tariffwire extract`, as both engines run it (extractor/engines/).

Everything a run does besides processing: the settings checked before any work ([run] against
RunSettings, [output.sinks] against the sinks' registered functions), the inputs opened, each
batch's records appended to the JSONL with errors.jsonl and handed to the streaming sinks (a
database), the journal's resume point, the summary, the stop on a signal, and the end
(measures.jsonl, then each sink's finish: tables, the database's measures). `run_job` is that
loop; an engine is only a context manager that yields the processed batches (engines/local.py:
1..N processes; engines/dask.py: a dask cluster). The engines import this module, and it imports
neither; a new sink (writers/sink.py) changes neither.

Failures are confined to the input record they concern: every stage (ingest, nlp, events, db) turns
an exception for one record into a line of OUTDIR/errors.jsonl and the run goes on. Only problems
that would make every record fail (bad arguments or config, an unwritable output, an unreachable
database) are fatal, and they are found before the outputs of an earlier run are touched.
docs/robustness.md lists the failure modes, the errors.jsonl format and the resume semantics.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, ContextManager, Iterable, Iterator, Literal, Optional, Sequence, TextIO

from confection import Config
from pydantic import BaseModel, ConfigDict, StrictBool

from .api import Extractor, Outcome
from .consolidate import finish_run
from .error_records import ErrorRecord
from .errors import Errors, RunInterrupted, TariffwireError, code_of
from .ingest.readers import SURROGATES
from .progress import ERRORS_FILE, Progress
from .registry import PositiveInt, registry
from .writers.jsonl import STATE_DIR, JournaledWriter, OutdirLock, ResumePoint, prepare_outdir, read_resume_point
from .writers.sink import Sink
# Where `--engine dask --format parquet` workers put their part files until the run publishes them.
STAGING = Path(STATE_DIR) / "dataset-parts"

# Exit codes (documented in docs/robustness.md and `tariffwire extract --help`).
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_FATAL = 2
EXIT_INTERRUPTED = 130  # SIGINT; SIGTERM exits 143 (128 + the signal number, as shells report it)


@dataclass
class RunSummary:
    """Counts over the whole run (a resumed run includes what was done before the interruption).

    Every input record is exactly one of written, skipped (a duplicate id) or failed:
    read == written + skipped + failed.
    """

    read: int = 0
    written: int = 0
    skipped: int = 0
    failed: int = 0
    prefiltered: int = 0
    events: int = 0
    warnings: int = 0
    seconds: float = 0.0
    resumed_from: int = 0
    already_complete: bool = False
    outdir: str = ""
    outputs: list[str] = field(default_factory=list)
    tables_written: list[str] = field(default_factory=list)  # by a --resume of a finished run
    undated: int = 0  # articles written without a publication date (W061, warned once)
    undated_origin: str = ""
    undated_warned: bool = False

    @property
    def exit_code(self) -> int:
        return EXIT_SOME_FAILED if self.failed else EXIT_OK

    def line(self) -> str:
        counts = f"read {self.read}, written {self.written}, skipped {self.skipped}, failed {self.failed}"
        report = ""
        if self.failed or self.warnings:
            report = f"; {self.warnings} warnings; see {Path(self.outdir) / ERRORS_FILE}"
        if self.already_complete and self.tables_written:
            return (f"finished run in {self.outdir} ({counts}, {self.events} events{report}); "
                    f"no article processed, tables written from its JSONL: {', '.join(self.tables_written)}")
        if self.already_complete:
            return f"nothing to do: {self.outdir} holds a finished run ({counts}, {self.events} events{report})"
        rate = (self.read - self.resumed_from) / self.seconds if self.seconds > 0 else 0.0
        extra = f", resumed after {self.resumed_from}" if self.resumed_from else ""
        return (
            f"{counts} ({self.events} events, {self.prefiltered} prefiltered{extra}) "
            f"in {self.seconds:.1f}s, {rate:.1f} articles/s{report}"
        )

    def counts(self) -> dict:
        return {k: getattr(self, k) for k in ("read", "written", "skipped", "failed", "prefiltered", "events", "warnings")}


def batched(it: Iterable, size: int) -> Iterator[list]:
    it = iter(it)
    while batch := list(islice(it, size)):
        yield batch


# -- settings ----------------------------------------------------------------------------------------

def config_error_reason(exc: BaseException) -> str:
    """One line for a config problem, from confection's multi-line validation errors too."""
    errors = getattr(exc, "errors", None)
    if isinstance(errors, list) and errors:
        parts = []
        for err in errors[:3]:
            if isinstance(err, dict):
                loc = ".".join(str(p) for p in err.get("loc", []))
                parts.append(f"{loc}: {err.get('msg', '')}".strip(": "))
        if parts:
            return "; ".join(parts)
    boilerplate = ("Config validation error", "Make sure the sections and values are formatted correctly.")
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip() and ln.strip() not in boilerplate]
    reason = " ".join(lines[:2]) if lines else type(exc).__name__
    return reason if len(reason) <= 300 else reason[:297] + "..."


class RunSettings(BaseModel):
    """The [run] block, validated by confection against these types before any work starts."""

    model_config = ConfigDict(extra="forbid")

    # Articles that cannot hold a tariff, negotiation or agreement record skip the NER model.
    prefilter: StrictBool = True
    # Worker processes; None: the engine decides (local: 1; dask: one per CPU core).
    n_process: Optional[PositiveInt] = None
    # Articles per unit of work sent to a process (and per write transaction).
    batch_size: PositiveInt = 64
    engine: Literal["local", "dask"] = "local"
    # A dask scheduler's address; None: a local cluster.
    scheduler: Optional[str] = None
    # Articles per dask partition (rounded up to whole batches).
    partition_size: PositiveInt = 500


@dataclass
class JobSettings:
    run: RunSettings
    sinks: dict[str, Sink]  # [output.sinks], resolved: name -> sink, in config order


def _validation_reason(exc: BaseException, section: str, values: dict) -> str:
    """`run.batch_size=0; Input should be greater than 0`: the key, the value given and the rule."""
    errors = getattr(exc, "errors", None)
    if not isinstance(errors, list) or not errors:
        return config_error_reason(exc)
    parts = []
    for err in errors[:3]:
        loc = [str(p) for p in err.get("loc", ())]
        key = ".".join([section, *loc])
        given = values.get(loc[0], err.get("input")) if len(loc) == 1 else err.get("input")
        parts.append(f"{key}={given!r}; {err.get('msg', 'invalid')}" if loc else f"{section}: {err.get('msg')}")
    return "; ".join(parts)


def check_settings(config: Config) -> JobSettings:
    """The [run] and [output] settings, checked before any work starts (E020): [run] against
    RunSettings, each [output.sinks] block against its registered function (a database URL is
    checked there too, before the output directory and its lock are created)."""
    run_values = dict(config["run"])
    try:
        run = RunSettings(**registry.resolve(run_values, schema=RunSettings, validate=True))
    except TariffwireError:
        raise
    except Exception as exc:
        raise TariffwireError(Errors.E020.format(reason=_validation_reason(exc, "run", run_values))) from exc
    try:
        sinks = registry.resolve({"sinks": config["output"].get("sinks", {})}, validate=True)["sinks"]
    except TariffwireError:
        raise
    except Exception as exc:
        raise TariffwireError(Errors.E020.format(reason=f"[output.sinks]: {config_error_reason(exc)}")) from exc
    for name, sink in sinks.items():
        if not isinstance(sink, Sink):
            raise TariffwireError(Errors.E020.format(
                reason=f"[output.sinks.{name}] made a {type(sink).__name__}, not a Sink (extractor/writers/sink.py)"))
    return JobSettings(run=run, sinks=dict(sinks))


def _sources_fingerprint(inputs: Sequence[str]) -> list[str]:
    """Every file the inputs name (folders and globs expanded) with its size and mtime."""
    from .ingest.sources import iter_sources, resolve_inputs, resolved

    out = []
    for path in iter_sources(resolve_inputs(inputs)):
        try:
            st = path.stat()
            out.append(f"{resolved(path)}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            out.append(f"{resolved(path)}:?")
    return out


def check_outdir_apart(inputs: Sequence[str], outdir: Path) -> None:
    """An output directory inside an input folder would be read as input (its own articles.jsonl,
    growing while it is read); an input that is one of the output files would be overwritten."""
    from .ingest.sources import resolve_inputs, resolved

    out = outdir.resolve()
    written = {"articles", "events", "errors"}
    for root in resolve_inputs(inputs):
        root = resolved(root)
        inside_input = root.is_dir() and out.is_relative_to(root)
        overwritten = root.parent == out and root.name.split(".")[0] in written
        if inside_input or overwritten or root.is_relative_to(out / STATE_DIR):
            raise TariffwireError(Errors.E020.format(
                reason=f"the output directory {outdir} and the input {root} overlap; write the output elsewhere"))


def open_inputs(inputs: Sequence[str], outdir: Path, config: Config) -> tuple[Extractor, Iterator]:
    """(the Extractor, its lazy reader over the inputs), after the checks both engines make before
    any work: the config resolves, every input exists (E001), and the output is apart from them."""
    try:
        extractor = Extractor(config)
    except TariffwireError:
        raise
    except Exception as exc:  # the registry validates every block against its function
        raise TariffwireError(Errors.E020.format(reason=config_error_reason(exc))) from exc
    items = extractor.read(inputs)  # raises E001 now for a missing input
    check_outdir_apart(inputs, outdir)
    return extractor, items


def inputs_key(inputs: Sequence[str], config: Config, sinks: Iterable[Sink] = ()) -> str:
    """Identifies a run's inputs and settings, so that --resume refuses to mix two different runs.

    It covers every input file (path, size, mtime), the settings that change the records
    ([nlp], [components], [ingest]) and the streaming sinks' resume keys (a resumed run that added
    or changed --db would leave the database without the records written before the interruption).
    Sinks built from the finished JSONL (tables) are free to change.
    """
    h = hashlib.sha1()
    for line in _sources_fingerprint(inputs):
        h.update(line.encode("utf-8", "surrogatepass") + b"\n")
    h.update(json.dumps({k: config[k] for k in ("nlp", "components", "ingest")}, sort_keys=True, default=str).encode())
    keys = [key for key in (s.resume_key() for s in sinks) if key is not None]
    # Under "db", as one URL when there is one: the key of a run journaled before sinks existed.
    h.update(json.dumps({"db": keys[0] if len(keys) == 1 else (keys or None)}).encode())
    return h.hexdigest()[:16]


# -- errors.jsonl ------------------------------------------------------------------------------------

def _entry(level: str, *, article_id, origin, stage, error_type, code, message, traceback=None) -> ErrorRecord:
    return ErrorRecord(level=level, article_id=article_id, origin=origin, stage=stage, error_type=error_type,
                       code=code, message=str(message), traceback=traceback)


def outcome_entries(o: Outcome) -> tuple[str, list[ErrorRecord]]:
    """("written" | "skipped" | "failed", the errors.jsonl records of one outcome, warnings first)."""
    entries = [
        _entry("warning", article_id=o.article_id, origin=o.origin, stage="ingest", error_type=None, code=code_of(w), message=w)
        for w in o.warnings
    ]
    if o.error is None:
        return "written", entries
    e = o.error
    message = str(e.get("message") or e.get("error_type") or "unknown error")
    code = e.get("code")
    # A record refused with a W-code (a duplicate id) is skipped on purpose, not failed.
    skipped = e.get("stage") == "ingest" and (code or "").startswith("W")
    entries.append(_entry("warning" if skipped else "error", article_id=e.get("article_id", o.article_id),
                          origin=e.get("origin", o.origin), stage=e.get("stage"), error_type=e.get("error_type"),
                          code=code, message=message, traceback=e.get("traceback")))
    return ("skipped" if skipped else "failed"), entries


def error_line(entry: ErrorRecord) -> str:
    """One errors.jsonl line. Lone surrogates (an undecodable file name in `origin`) become U+FFFD:
    they cannot be written as UTF-8, and one bad name must not stop the run."""
    clean = {k: SURROGATES.sub("\ufffd", v) if isinstance(v, str) else v for k, v in entry.model_dump().items()}
    return json.dumps(clean, ensure_ascii=False, sort_keys=True)


def _serialize(o: Outcome) -> Optional[tuple[str, list[str]]]:
    """The JSONL lines of a processed article; a record that cannot be serialized fails alone."""
    if o.record is None or o.error is not None:
        return None
    try:
        return o.record.model_dump_json(), [e.model_dump_json() for e in o.events]
    except Exception as exc:
        o.error = {"article_id": o.article_id, "origin": o.origin, "stage": "output", "error_type": type(exc).__name__,
                   "message": first_line(exc), "traceback": None}
        o.record, o.events = None, []
        return None


def first_line(exc: BaseException) -> str:
    """The first non-empty line of an error's message (confection's start with blank lines)."""
    return next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)


def _write_stream(sink: Sink, outcomes: list[Outcome]) -> None:
    """Write a batch's records to a streaming sink in one transaction. When that fails, write them
    one by one and fail only the articles the sink refuses (PostgreSQL refuses a NUL character,
    say), so that the JSONL and the sink keep holding the same records.

    The failure is the sink's, and fatal, when it no longer answers (ping), or when several
    articles are all refused for one and the same reason (permissions, a full disk, a read-only
    server).
    """
    good = [o for o in outcomes if o.record is not None and o.error is None]
    if not good:
        return
    try:
        sink.write([o.record for o in good], [e for o in good for e in o.events])
        return
    except TariffwireError as exc:
        batch_error = exc
    reasons = {}
    for o in good:
        try:
            sink.write([o.record], o.events)
        except TariffwireError as exc:
            reasons[id(o)] = (exc, first_line(exc.__cause__ or exc))
    if len(reasons) == len(good):
        if not sink.ping() or (len(good) > 1 and len({r for _, r in reasons.values()}) == 1):
            raise batch_error
    for o in good:
        if id(o) in reasons:
            exc = reasons[id(o)][0]
            o.error = {"article_id": o.article_id, "origin": o.origin, "stage": "db", "error_type": type(exc).__name__,
                       "code": code_of(exc), "message": first_line(exc), "traceback": None}
            o.record, o.events = None, []


def write_batch(outcomes: list[Outcome], summary: RunSummary, writer, sinks: Iterable[Sink] = (), *,
                on_dropped: Optional[Callable[[], None]] = None) -> None:
    """Append one batch's records to the JSONL files (and the streaming sinks), counting them in summary.

    Serializing comes first, then the sinks, so that all hold the same records: an article that
    cannot be serialized, or that a sink refuses, fails alone and goes to errors.jsonl.
    `on_dropped` is called when that happened to any article of the batch (the dask engine then
    rewrites the Parquet part its worker already wrote).
    """
    had_record = sum(o.record is not None for o in outcomes)
    lines = {id(o): _serialize(o) for o in outcomes}
    for sink in sinks:
        if sink.streams:
            _write_stream(sink, outcomes)
    if on_dropped is not None and sum(o.record is not None for o in outcomes) != had_record:
        on_dropped()
    articles, events, errors = [], [], []
    for o in outcomes:
        status, entries = outcome_entries(o)
        # One error can stand for several input records (a Parquet row group that cannot be read):
        # `read` counts them all, so that the records lost are in the counts, not only the errors.
        records = max(1, int((o.error or {}).get("records") or 1)) if status == "failed" else 1
        summary.read += records
        summary.warnings += sum(1 for e in entries if e.level == "warning")
        errors.extend(error_line(e) for e in entries)
        if status != "written":
            setattr(summary, status, getattr(summary, status) + records)
            continue
        summary.written += 1
        if o.record.published is None:  # W061 (progress.py warns once per run)
            summary.undated += 1
            summary.undated_origin = summary.undated_origin or o.origin or str(o.article_id)
        summary.events += len(o.events)
        summary.prefiltered += int(o.prefiltered)
        article_line, event_lines = lines[id(o)]
        articles.append(article_line)
        events.extend(event_lines)
    writer.append("articles.jsonl", articles)
    writer.append("events.jsonl", events)
    writer.append(ERRORS_FILE, errors)


# -- the job ---------------------------------------------------------------------------------------

class StopRequest:
    """SIGINT and SIGTERM ask the run to stop once the batch in hand is committed (supervisors send
    SIGTERM and wait a while before SIGKILL); a second signal stops it at once. The journal keeps
    the output resumable either way. Handlers can only be set in the main thread: elsewhere (the
    Python API in a thread) install() changes nothing."""

    def __init__(self) -> None:
        self.signum: Optional[int] = None
        self._previous: dict = {}

    def install(self) -> "StopRequest":
        if threading.current_thread() is threading.main_thread():
            self._previous = {signum: signal.signal(signum, self._handle) for signum in (signal.SIGINT, signal.SIGTERM)}
        return self

    def _handle(self, signum, frame) -> None:
        if self.signum is not None:
            raise RunInterrupted(signum)
        self.signum = signum

    def check(self, summary: RunSummary) -> None:
        if self.signum is not None:
            raise RunInterrupted(self.signum, summary.read)

    def uninstall(self) -> None:
        for signum, old in self._previous.items():
            signal.signal(signum, old)
        self._previous = {}


def remove_leftovers(outdir: Path) -> None:
    """Temporary files a failed or killed run left behind (a table half converted, dask part files
    never published). Called once the run holds the lock, so no other run can be writing them."""
    for name in ("articles", "events"):
        for fmt in ("parquet", "csv"):
            (outdir / f".{name}.{fmt}.tmp").unlink(missing_ok=True)
    shutil.rmtree(outdir / STAGING, ignore_errors=True)


def resume_point(outdir: Path, key: str) -> Optional[ResumePoint]:
    """The interrupted run's last commit; refused (E020) when it ran over other inputs or settings."""
    point = read_resume_point(outdir)
    if point is not None and point.inputs_key != key:
        raise TariffwireError(Errors.E020.format(
            reason=f"--resume: {outdir} holds a run over other inputs or settings (input files, "
                   f"[nlp], [components], [ingest] or --db); use a new output directory or rerun without --resume"))
    return point


def summary_from(outdir: Path, point: Optional[ResumePoint]) -> RunSummary:
    """A fresh summary, or the interrupted run's counts to go on from."""
    if point is None:
        return RunSummary(outdir=str(outdir))
    counts = {k: int(v) for k, v in point.counts.items() if k in RunSummary().counts()}
    return RunSummary(**counts, outdir=str(outdir), resumed_from=point.items_done)


@contextmanager
def claimed_outdir(outdir: Path, key: str, resume: bool) -> Iterator[tuple[Optional[ResumePoint], RunSummary, StopRequest]]:
    """What every engine does first: the output folder locked for this run, stop signals handled,
    the leftovers of a failed run removed, and the resume point and the summary so far read.
    Released in reverse order whatever happens."""
    prepare_outdir(outdir)
    lock = OutdirLock(outdir).acquire()
    stop = StopRequest().install()
    try:
        remove_leftovers(outdir)
        point = resume_point(outdir, key) if resume else None
        yield point, summary_from(outdir, point), stop
    finally:
        stop.uninstall()
        lock.release()


def finish_outputs(outdir: Path, sinks: Iterable[Sink], *, only_missing: bool = False) -> list[str]:
    """The end of a run: measures.jsonl from its events, then each sink's finish(); the paths."""
    outputs = [str(outdir / n) for n in ("articles.jsonl", "events.jsonl")]
    outputs += finish_run(outdir, only_missing=only_missing)
    for sink in sinks:
        outputs += sink.finish(outdir, only_missing=only_missing)
    return outputs


def finished_run(summary: RunSummary, outdir: Path, sinks: Iterable[Sink]) -> RunSummary:
    """`--resume` of a finished run: no work; what the sinks of a new --format build from the JSONL
    (and measures.jsonl, for a run made before consolidation existed) is written if missing.
    The sinks are not opened: streaming ones (a database) were written by the run itself."""
    summary.already_complete = True
    before = {p for p in outdir.iterdir()}
    summary.outputs = finish_outputs(outdir, sinks, only_missing=True)
    # What the sinks added now (the message says so); measures.jsonl, if missing, is not a table.
    summary.tables_written = [p for p in summary.outputs if Path(p) not in before and not p.endswith(".jsonl")]
    return summary


def preflight(extractor: Extractor) -> None:
    """Load the NER model now: a missing model is a config error, not one failure per article."""
    try:
        list(extractor.ner.pipe([""]))
    except TariffwireError:
        raise
    except Exception:  # the backend's trouble with a text, not with its setup: per article later
        pass


# -- the job on an engine ----------------------------------------------------------------------------

@dataclass
class Batch:
    """Processed articles in input order, as an engine hands them to the job.

    `on_dropped`: called when the job drops an article of it (unserializable, refused by a sink):
    the dask engine then rewrites the part file its worker already wrote."""

    outcomes: list[Outcome]
    on_dropped: Optional[Callable[[], None]] = None


@dataclass
class Job:
    """What an engine gets: the articles left to process and where the run stands."""

    config: Config
    settings: JobSettings
    extractor: Extractor
    items: Iterable  # the inputs' articles (and read errors), past the resume point
    outdir: Path
    point: Optional[ResumePoint]  # the interrupted run's last commit (--resume), else None
    stop: StopRequest


# An engine: a context manager around the run's processing that yields its batches, in input order.
# On entry it gets ready (loads the model, starts a cluster), so that a failure there leaves the
# outputs of an earlier run alone; on exit it releases what it started. engines/local.py, engines/dask.py.
Engine = Callable[[Job], ContextManager[Iterator[Batch]]]


def run_job(
    inputs: Sequence[str],
    outdir: str | Path,
    config: Config,
    *,
    engine: Engine,
    resume: bool = False,
    progress: Optional[TextIO] = sys.stderr,
    on_batch: Optional[Callable[[RunSummary], None]] = None,
    settings: Optional[JobSettings] = None,
) -> RunSummary:
    """Run extraction over `inputs` into `outdir`, the articles processed by `engine`: everything
    besides the processing (checks, lock, journal, sinks, summary, signals, the end) is here, the
    same for every engine. Fatal problems raise TariffwireError, and are found before any output
    of an earlier run in `outdir` is changed. `settings`: check_settings(config), where the caller
    has them already (it chose the engine from them)."""
    outdir = Path(outdir)
    settings = settings or check_settings(config)
    sinks = list(settings.sinks.values())
    extractor, items = open_inputs(inputs, outdir, config)
    key = inputs_key(inputs, config, sinks)
    started = time.monotonic()
    with claimed_outdir(outdir, key, resume) as (point, summary, stop):
        if point is not None and point.complete:
            return finished_run(summary, outdir, sinks)
        if point is not None:
            items = islice(items, point.items_done, None)
        job = Job(config, settings, extractor, items, outdir, point, stop)
        writer: Optional[JournaledWriter] = None
        meter = Progress(None)
        try:
            with engine(job) as batches:
                for sink in sinks:
                    sink.open()
                writer = JournaledWriter(outdir, resume=point, inputs_key=key)
                meter = Progress(progress, start_count=summary.read)
                done = writer.items_done
                stop.check(summary)
                for batch in batches:
                    done += len(batch.outcomes)
                    try:
                        write_batch(batch.outcomes, summary, writer, sinks, on_dropped=batch.on_dropped)
                        writer.commit(done, summary.counts())
                    except OSError as exc:  # a full disk, say: what the journal holds stays good for --resume
                        raise TariffwireError(Errors.E021.format(path=outdir, reason=exc.strerror or exc)) from exc
                    meter.update(summary)
                    if on_batch is not None:
                        on_batch(summary)
                    stop.check(summary)
            summary.outputs = finish_outputs(outdir, sinks)
            writer.commit(done, summary.counts(), complete=True)
        finally:
            if writer is not None:
                writer.close()
            for sink in sinks:
                sink.close()
            meter.close()
    summary.seconds = time.monotonic() - started
    return summary
