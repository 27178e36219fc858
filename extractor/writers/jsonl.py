"""The run's primary output: append-only JSONL files plus a journal of completed batches.

Crash safety: records are appended, flushed and fsynced, and only then is a journal line written
that records how many input items are done and the byte length of every output file. A resumed run
truncates each file to the journal's lengths (dropping any half-written tail) and skips the items
the journal counts, so the outputs hold every article exactly once, in input order, byte-identical
to an uninterrupted run.

The journal itself may end in a torn line (a kill during its write): the last complete line is the
truth, and a resumed run cuts the torn tail off before it appends. One run at a time may write to
an output directory (an advisory lock on OUTDIR/.tariffwire/lock; the OS drops it when the process
dies, however it dies). The lock is the main process's alone: a forked worker lets go of it at
once, so a worker that outlives a killed run can never block its --resume.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import Errors, TariffwireError

OUTPUT_FILES = ("articles.jsonl", "events.jsonl", "errors.jsonl")
JOURNAL = "journal.jsonl"
LOCK = "lock"
STATE_DIR = ".tariffwire"


@dataclass
class ResumePoint:
    items_done: int
    sizes: dict[str, int]
    complete: bool
    inputs_key: str
    counts: dict
    journal_size: int = 0  # bytes of the journal up to the end of its last complete line


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _resume_error(outdir: Path, reason: str) -> TariffwireError:
    return TariffwireError(Errors.E020.format(reason=f"--resume: {outdir}: {reason}; rerun without --resume"))


def read_resume_point(outdir: Path) -> Optional[ResumePoint]:
    """The last committed state of the run in `outdir`, or None when none was ever committed."""
    journal = Path(outdir) / STATE_DIR / JOURNAL
    try:
        data = journal.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _resume_error(Path(outdir), f"cannot read the journal ({exc.strerror or exc})") from exc
    last, good_end, pos = None, 0, 0
    while pos < len(data):
        newline = data.find(b"\n", pos)
        if newline < 0:
            break  # a torn last line (no newline): the previous line is the truth
        try:
            entry = json.loads(data[pos:newline])
        except (json.JSONDecodeError, UnicodeDecodeError):
            break
        if not isinstance(entry, dict):
            break
        last, good_end, pos = entry, newline + 1, newline + 1
    if last is None:
        return None
    try:
        return ResumePoint(int(last["items_done"]), {k: int(v) for k, v in last["sizes"].items()},
                           bool(last.get("complete", False)), str(last.get("inputs_key", "")),
                           dict(last.get("counts", {})), good_end)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _resume_error(Path(outdir), f"the journal is not one tariffwire writes ({exc!r})") from exc


def prepare_outdir(outdir: Path) -> None:
    """Create OUTDIR and check that it is writable, before anything in it is touched (E021)."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / STATE_DIR).mkdir(exist_ok=True)
        probe = outdir / STATE_DIR / ".probe"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise TariffwireError(Errors.E021.format(path=outdir, reason=exc.strerror or exc)) from exc


# The descriptors of the locks this process holds. A forked child shares the parent's open file
# description, and with it the flock: the child drops its share at once (the descriptor is pointed
# at /dev/null, so that the file object it inherited closes something harmless later).
_HELD_LOCK_FDS: set[int] = set()


def _release_locks_in_child() -> None:
    if not _HELD_LOCK_FDS:
        return
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        for fd in _HELD_LOCK_FDS:
            os.dup2(null, fd)
    finally:
        os.close(null)
    _HELD_LOCK_FDS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_release_locks_in_child)


class OutdirLock:
    """An exclusive, non-blocking lock on OUTDIR, so that two runs never interleave their writes."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self._fh = None

    def acquire(self) -> "OutdirLock":
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks, run unguarded
            return self
        try:
            fh = (self.outdir / STATE_DIR / LOCK).open("a")
        except OSError as exc:
            raise TariffwireError(Errors.E021.format(path=self.outdir, reason=exc.strerror or exc)) from exc
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise TariffwireError(Errors.E021.format(
                path=self.outdir, reason="another tariffwire run is writing to it")) from None
        self._fh = fh
        _HELD_LOCK_FDS.add(fh.fileno())
        return self

    def release(self) -> None:
        if self._fh is not None:
            _HELD_LOCK_FDS.discard(self._fh.fileno())
            self._fh.close()  # closing drops the flock
            self._fh = None


class JournaledWriter:
    """Appends records and commits batches to the journal. Call prepare_outdir() first."""

    def __init__(self, outdir: Path, *, resume: Optional[ResumePoint], inputs_key: str):
        self.outdir = outdir
        self.inputs_key = inputs_key
        self.items_done = 0
        state = outdir / STATE_DIR
        if resume is not None:
            for name in OUTPUT_FILES:
                path = outdir / name
                size = resume.sizes.get(name, 0)
                actual = path.stat().st_size if path.exists() else 0
                if actual < size:
                    # truncate() would pad with NUL bytes: records the journal counts are gone.
                    raise _resume_error(outdir, f"{name} holds {actual} bytes but the journal committed {size}")
            for name in OUTPUT_FILES:
                path = outdir / name
                if not path.exists():
                    path.touch()
                with path.open("r+b") as fh:
                    fh.truncate(resume.sizes.get(name, 0))
            with (state / JOURNAL).open("r+b") as fh:
                fh.truncate(resume.journal_size)  # drop a torn last line before appending
            self.items_done = resume.items_done
            self._journal = (state / JOURNAL).open("a", encoding="utf-8")
        else:
            # The old journal goes first: a kill between the two steps must not leave a journal
            # that counts records the truncated files no longer hold.
            self._journal = (state / JOURNAL).open("w", encoding="utf-8")
            for name in OUTPUT_FILES:
                (outdir / name).write_bytes(b"")
        self._files = {name: (outdir / name).open("r+b") for name in OUTPUT_FILES}
        for fh in self._files.values():
            fh.seek(0, os.SEEK_END)
        if resume is None:
            self.commit(0, {}, complete=False)
            _fsync_dir(outdir)

    def append(self, name: str, lines: list[str]) -> None:
        if lines:
            self._files[name].write(("\n".join(lines) + "\n").encode("utf-8"))

    def commit(self, items_done: int, counts: dict, *, complete: bool = False) -> None:
        sizes = {}
        for name, fh in self._files.items():
            fh.flush()
            os.fsync(fh.fileno())
            sizes[name] = fh.tell()
        self.items_done = items_done
        entry = {"items_done": items_done, "sizes": sizes, "complete": complete, "inputs_key": self.inputs_key, "counts": counts}
        self._journal.write(json.dumps(entry, sort_keys=True) + "\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
        self._journal.close()
        _fsync_dir(self.outdir)
