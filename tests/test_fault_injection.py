"""Fault injection: SIGKILL the main process of a multi-process run at seeded random points, then
`--resume` at once: no worker may outlive it (holding the output lock or the pool's pipes), and the
resumed outputs equal a clean run's to the byte, every article once, with no manual clean-up.

The kill points come from a seeded RNG: as the workers start (loading their models, before the
first commit) or after a random number of committed items, plus a random fraction of a second. Whatever the
point, the outcome asserted is the same, so the test is deterministic in outcome.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; parent-death signal is Linux's")]

OUTPUTS = ("articles.jsonl", "events.jsonl", "errors.jsonl")
ENGINES = {
    "process": ["-n", "2", "--run.batch_size=4"],
    "dask": ["--engine", "dask", "-n", "2", "--run.batch_size=4", "--run.partition_size=8"],
}
KILLS = {"process": 3, "dask": 2}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, dev_articles) -> Path:
    # 30 articles: enough batches (of 4) for kills between commits; every article more is only time.
    rows = [json.dumps(a) for a in dev_articles[:30]]
    rows[5:5] = ['{"id": "broken", "text": ', json.dumps({"id": "deep", "text": "x", "n": [[[[[[1]]]]]]})]
    path = tmp_path_factory.mktemp("faults") / "corpus.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _tariffwire(*args) -> list[str]:
    return [sys.executable, "-m", "extractor.cli", "extract", *map(str, args)]


def _items_done(out: Path) -> int:
    path = out / ".tariffwire" / "journal.jsonl"
    done = 0
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                done = json.loads(line)["items_done"]
            except (json.JSONDecodeError, KeyError, TypeError):
                break
    return done


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            found.setdefault(ppid, []).append(int(entry))
    return found


def _descendants(pid: int) -> list[int]:
    children, found, todo = _children(), [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; its reaper may just be slow


@pytest.fixture(scope="module")
def clean_runs(corpus, tmp_path_factory) -> dict[str, Path]:
    runs = {}
    for engine, args in ENGINES.items():
        out = tmp_path_factory.mktemp(f"clean-{engine}") / "out"
        done = subprocess.run(_tariffwire(corpus, "-o", out, "-q", *args), capture_output=True, text=True, timeout=600)
        assert done.returncode == 1, done.stderr  # the bad lines fail
        runs[engine] = out
    return runs


def _kill_main_at(args: list, out: Path, rng: random.Random, total: int) -> list[int]:
    """Start a run, SIGKILL its main process at a random point; return the workers it had."""
    proc = subprocess.Popen(_tariffwire(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        # Drawn before the run starts, so that the points do not depend on the machine's speed.
        wanted = rng.choice([0, rng.randint(1, total - 8)])  # 0: as the workers start, before any commit
        delay = rng.uniform(0, 1.5) if wanted == 0 else rng.uniform(0, 0.5)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            workers = _descendants(proc.pid) or workers
            if (workers and wanted == 0) or (wanted and _items_done(out) >= wanted):
                time.sleep(delay)
                break
            time.sleep(0.05)
        workers = _descendants(proc.pid) or workers
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it finished first: the resume must then find a finished run
    finally:
        proc.wait(timeout=60)
    return workers


@pytest.mark.parametrize("engine", list(ENGINES))
def test_fault_sigkill_main_process_then_resume(engine, corpus, clean_runs, tmp_path):
    rng = random.Random(f"issue-10-{engine}")
    clean = clean_runs[engine]
    total = sum(1 for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip())
    for attempt in range(KILLS[engine]):
        out = tmp_path / f"out-{attempt}"
        args = [corpus, "-o", out, "-q", *ENGINES[engine]]
        workers = _kill_main_at(args, out, rng, total)
        try:
            deadline = time.monotonic() + 30
            while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not [pid for pid in workers if _alive(pid)], f"workers outlived their killed main process ({engine})"
        finally:
            for pid in workers:  # never leave our own strays behind, even when the assertion failed
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
        # Straight to --resume: no lock to wait for, no staging parts or temporary tables to remove.
        done = subprocess.run(_tariffwire(*args, "--resume"), capture_output=True, text=True, timeout=600)
        assert done.returncode == 1, (attempt, done.stderr)
        for name in OUTPUTS:
            assert (out / name).read_bytes() == (clean / name).read_bytes(), (attempt, name)
        ids = [json.loads(line)["article_id"] for line in (out / "articles.jsonl").read_text().splitlines()]
        assert len(ids) == len(set(ids))
        assert not (out / ".tariffwire" / "dataset-parts").exists()
