"""The run's primary output: append-only JSONL files plus a journal of completed batches.

Crash safety: records are appended, flushed and fsynced, and only then is a journal line written
that records how many input items are done and the byte length of every output file. A resumed run
truncates each file to the journal's lengths (dropping any half-written tail) and skips the items
the journal counts, so the outputs hold every article exactly once, in input order, byte-identical
to an uninterrupted run.
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
STATE_DIR = ".tariffwire"


@dataclass
class ResumePoint:
    items_done: int
    sizes: dict[str, int]
    complete: bool
    inputs_key: str
    counts: dict


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


def read_resume_point(outdir: Path) -> Optional[ResumePoint]:
    journal = outdir / STATE_DIR / JOURNAL
    if not journal.exists():
        return None
    last = None
    with journal.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                last = json.loads(line)
            except json.JSONDecodeError:
                break  # a torn last line: the previous one is the truth
    if last is None:
        return None
    return ResumePoint(last["items_done"], last["sizes"], last.get("complete", False), last.get("inputs_key", ""),
                       last.get("counts", {}))


class JournaledWriter:
    """Appends records and commits batches to the journal."""

    def __init__(self, outdir: Path, *, resume: Optional[ResumePoint], inputs_key: str):
        self.outdir = outdir
        self.inputs_key = inputs_key
        try:
            outdir.mkdir(parents=True, exist_ok=True)
            (outdir / STATE_DIR).mkdir(exist_ok=True)
            probe = outdir / STATE_DIR / ".probe"
            probe.write_text("ok")
            probe.unlink()
        except OSError as exc:
            raise TariffwireError(Errors.E021.format(path=outdir, reason=exc.strerror or exc)) from exc
        self.items_done = 0
        mode = "r+b"
        if resume is not None:
            for name in OUTPUT_FILES:
                path = outdir / name
                size = resume.sizes.get(name, 0)
                if not path.exists():
                    path.touch()
                with path.open("r+b") as fh:
                    fh.truncate(size)
            self.items_done = resume.items_done
            journal_mode = "a"
        else:
            for name in OUTPUT_FILES:
                (outdir / name).write_bytes(b"")
            journal_mode = "w"
        self._files = {name: (outdir / name).open(mode) for name in OUTPUT_FILES}
        for fh in self._files.values():
            fh.seek(0, os.SEEK_END)
        self._journal = (outdir / STATE_DIR / JOURNAL).open(journal_mode, encoding="utf-8")
        if resume is None:
            self.commit(0, {}, complete=False)

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
