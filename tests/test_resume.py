"""Crash and rerun safety: SIGKILL mid-run, then --resume, gives the uninterrupted run's outputs.

The corpus is two named dev files (batch-a, batch-b) twice over (unique ids) with bad lines among them, so that
errors.jsonl and warnings are resumed too. Runs that get killed are real subprocesses.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

BATCH = "--run.batch_size=4"  # many small commits: the kill lands between two of them
OUTPUTS = ("articles.jsonl", "events.jsonl", "errors.jsonl")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    # Named files, not the dev/train folder: the corpus grows, and the counts below are fixed.
    train = Path(__file__).resolve().parent.parent / "corpora" / "dev" / "train"
    articles = [json.loads(line) for name in ("batch-a.jsonl", "batch-b.jsonl") for line in (train / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    rows: list[str] = []
    for copy in range(2):
        for n, article in enumerate(articles):
            rows.append(json.dumps(dict(article, id=f"{article['id']}-copy{copy}")))
            if n == 7:
                rows += ['{"id": "broken", "text": ', json.dumps({"id": f"empty-{copy}", "text": "  "})]
            if n == 19:
                rows.append(json.dumps(dict(article, id=f"{article['id']}-copy{copy}")))  # a duplicate: skipped
    path = tmp_path_factory.mktemp("resume") / "corpus.jsonl"
    data = "\n".join(rows).encode() + b"\n"
    bad_bytes = json.dumps({"id": "latin1", "text": "Tariffs of 25% on XX imports.", "published": "2025-04-16"}).encode()
    path.write_bytes(data + bad_bytes.replace(b"XX", b"caf\xe9") + b"\n")
    return path


def _tariffwire(*args) -> list[str]:
    return [sys.executable, "-m", "extractor.cli", "extract", *map(str, args)]


@pytest.fixture(scope="module")
def baseline(corpus, tmp_path_factory) -> Path:
    """An uninterrupted run (with Parquet tables)."""
    out = tmp_path_factory.mktemp("baseline") / "out"
    done = subprocess.run(_tariffwire(corpus, "-o", out, "-q", BATCH, "--format", "parquet"), capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # the bad lines fail
    return out


def _journal(out: Path) -> list[dict]:
    path = out / ".tariffwire" / "journal.jsonl"
    if not path.exists():
        return []
    lines = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            lines.append(json.loads(line))
        except json.JSONDecodeError:
            break
    return lines


def _kill_mid_run(args: list, out: Path, *, at_least: int = 20) -> None:
    proc = subprocess.Popen(_tariffwire(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline:
            journal = _journal(out)
            if journal and journal[-1]["items_done"] >= at_least:
                break
            assert proc.poll() is None, "the run ended before it could be killed: make the corpus bigger"
            time.sleep(0.05)
        else:
            pytest.fail("the run made no progress")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not _journal(out)[-1]["complete"]


def _assert_same_outputs(out: Path, baseline: Path) -> None:
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (baseline / name).read_bytes(), name
    ids = [json.loads(line)["article_id"] for line in (out / "articles.jsonl").read_text().splitlines()]
    assert len(ids) == len(set(ids))


def _tables_equal(out: Path, baseline: Path) -> None:
    for name in ("articles", "events"):
        assert pq.read_table(out / f"{name}.parquet").to_pylist() == pq.read_table(baseline / f"{name}.parquet").to_pylist()


@pytest.mark.slow
def test_resume_after_sigkill_matches_an_uninterrupted_run(corpus, baseline, tmp_path):
    out = tmp_path / "out"
    _kill_mid_run([corpus, "-o", out, "-q", BATCH, "--format", "parquet"], out)
    # Whatever the kill left half-written past the last commit, plus a torn journal line.
    with (out / "articles.jsonl").open("ab") as fh:
        fh.write(b'{"schema_version":"1","article_id":"half-writ')
    with (out / ".tariffwire" / "journal.jsonl").open("ab") as fh:
        fh.write(b'{"items_done": 99999, "si')
    done = subprocess.run(_tariffwire(corpus, "-o", out, BATCH, "--format", "parquet", "--resume"), capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    summary = done.stderr.strip().splitlines()[-1]
    assert "resumed after" in summary
    assert summary.split(" (")[0] == "read 87, written 81, skipped 2, failed 4"
    _assert_same_outputs(out, baseline)
    _tables_equal(out, baseline)
    assert _journal(out)[-1]["complete"]


@pytest.mark.slow
def test_resume_after_sigkill_with_sqlite_holds_every_article_once(corpus, baseline, tmp_path):
    from extractor.writers.sql import read_articles, read_events

    out, url = tmp_path / "out", f"sqlite:///{tmp_path / 'tariffwire.db'}"
    _kill_mid_run([corpus, "-o", out, "-q", BATCH, "--db", url], out, at_least=30)
    stored_before = {a["article_id"] for a in read_articles(url)}
    assert 20 <= len(stored_before) < 80  # what the killed run committed (bad lines count as items)
    done = subprocess.run(_tariffwire(corpus, "-o", out, "-q", BATCH, "--db", url, "--resume"), capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    _assert_same_outputs(out, baseline)
    articles = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    assert read_articles(url) == sorted(articles, key=lambda a: a["article_id"])
    assert read_events(url) == sorted(events, key=lambda e: (e["article_id"], e["event_id"]))


# -- crafted states: no subprocess needed ------------------------------------------------------------


@pytest.fixture
def small(tmp_path, dev_articles) -> Path:
    path = tmp_path / "small.jsonl"
    rows = [json.dumps(a) for a in dev_articles[:6]] + ['{"broken']
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def finished(cli, small, tmp_path) -> Path:
    out = tmp_path / "out"
    assert cli("extract", small, "-o", out, "-q", "--run.batch_size=2").exit_code == 1
    return out


def _snapshot(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file() and p.name != "lock"}


def test_resume_of_a_finished_run_does_no_work(cli, small, finished, monkeypatch):
    from extractor.api import Extractor

    def no_work(*args, **kwargs):
        raise AssertionError("a finished run was processed again")

    monkeypatch.setattr(Extractor, "process_batch", no_work)
    before = _snapshot(finished)
    result = cli("extract", small, "-o", finished, "--run.batch_size=2", "--resume")
    assert result.exit_code == 1  # the finished run had a failure: its exit code stands
    assert result.stderr.strip().splitlines()[-1].startswith(f"nothing to do: {finished} holds a finished run (read 7, written 6")
    assert _snapshot(finished) == before


def test_resume_of_a_finished_run_writes_missing_tables(cli, small, finished, tmp_path):
    result = cli("extract", small, "-o", finished, "--run.batch_size=2", "--resume", "--format", "csv")
    assert result.exit_code == 1
    assert (finished / "articles.csv").read_text().count("\n") > 6


def test_resume_cuts_a_torn_journal_line_and_half_written_records(cli, small, finished, tmp_path):
    expected = {name: (finished / name).read_bytes() for name in OUTPUTS}
    journal = finished / ".tariffwire" / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:2]) + lines[2][:25])  # 2 items committed, then a torn line
    with (finished / "events.jsonl").open("ab") as fh:
        fh.write(b'{"schema_version":"1","event_id":"tor')
    result = cli("extract", small, "-o", finished, "-q", "--run.batch_size=2", "--resume")
    assert result.exit_code == 1, result.output
    assert "resumed after 2" in result.stderr
    assert {name: (finished / name).read_bytes() for name in OUTPUTS} == expected
    assert all(json.loads(line) for line in journal.read_text().splitlines())  # the torn line is gone
    again = cli("extract", small, "-o", finished, "--run.batch_size=2", "--resume")
    assert "nothing to do" in again.stderr


def test_resume_converts_tables_when_killed_during_conversion(cli, small, tmp_path):
    out = tmp_path / "out"
    assert cli("extract", small, "-o", out, "-q", "--run.batch_size=2", "--format", "parquet").exit_code == 1
    expected = {name: (out / name).read_bytes() for name in ("articles.parquet", "events.parquet")}
    journal = out / ".tariffwire" / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-1]))  # every item done, the final "complete" commit not reached
    (out / "articles.parquet").unlink()
    (out / ".events.parquet.tmp").write_bytes(b"PAR1 half a table")
    result = cli("extract", small, "-o", out, "-q", "--run.batch_size=2", "--format", "parquet", "--resume")
    assert result.exit_code == 1, result.output
    assert _journal(out)[-1]["complete"]
    for name, data in expected.items():
        assert pq.read_table(out / name).to_pylist() == pq.read_table(pa.BufferReader(data)).to_pylist()


REFUSED = {
    "other input": lambda t, small: [t / "other.jsonl"],
    "changed input": lambda t, small: [small],
    "other settings": lambda t, small: [small, "--components.tariffwire_tariffs.cue_window=3"],
    "database added": lambda t, small: [small, "--db", f"sqlite:///{t / 'late.db'}"],
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_resume_of_another_run_is_refused_with_exit_2(cli, small, finished, tmp_path, case):
    (tmp_path / "other.jsonl").write_text(small.read_text(), encoding="utf-8")
    if case == "changed input":
        small.write_text(small.read_text() + '{"id": "new", "text": "One more."}\n', encoding="utf-8")
    before = _snapshot(finished)
    result = cli("extract", *REFUSED[case](tmp_path, small), "-o", finished, "--run.batch_size=2", "--resume")
    assert result.exit_code == 2, result.output
    assert "holds a run over other inputs or settings" in result.stderr
    assert _snapshot(finished) == before


def test_resume_refuses_outputs_shorter_than_the_journal(cli, small, finished):
    data = (finished / "articles.jsonl").read_bytes()
    (finished / "articles.jsonl").write_bytes(data[: len(data) // 2])
    journal = finished / ".tariffwire" / "journal.jsonl"
    journal.write_bytes(b"".join(journal.read_bytes().splitlines(keepends=True)[:-1]))  # not complete
    result = cli("extract", small, "-o", finished, "-q", "--run.batch_size=2", "--resume")
    assert result.exit_code == 2
    assert "articles.jsonl holds" in result.stderr and "rerun without --resume" in result.stderr


def test_resume_after_a_full_disk_completes_the_run(cli, small, finished, tmp_path, monkeypatch):
    import errno

    from extractor.writers.jsonl import JournaledWriter

    expected = {name: (finished / name).read_bytes() for name in OUTPUTS}
    out = tmp_path / "again"
    real_commit = JournaledWriter.commit

    def commit_until_full(self, items_done, counts, *, complete=False):
        if items_done > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_commit(self, items_done, counts, complete=complete)

    monkeypatch.setattr(JournaledWriter, "commit", commit_until_full)
    result = cli("extract", small, "-o", out, "-q", "--run.batch_size=2")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"tariffwire: error: Output directory {out} is not writable: No space left on device"
    monkeypatch.setattr(JournaledWriter, "commit", real_commit)
    result = cli("extract", small, "-o", out, "-q", "--run.batch_size=2", "--resume")
    assert result.exit_code == 1, result.output
    assert "resumed after 2" in result.stderr
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == expected


def test_resume_without_a_journal_starts_afresh(cli, small, tmp_path, jsonl):
    result = cli("extract", small, "-o", tmp_path / "new", "-q", "--resume")
    assert result.exit_code == 1
    assert len(jsonl(tmp_path / "new" / "articles.jsonl")) == 6


# -- signals and leftovers (issue 10) -------------------------------------------------------------------


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_resume_after_a_stop_signal_the_batch_in_hand_is_finished(cli, small, finished, tmp_path, monkeypatch,
                                                                  signum, code):
    """SIGTERM (a supervisor stopping the job) and SIGINT: the batch in hand is committed, the run
    says how to resume and exits 128 + the signal; --resume then completes it."""
    from extractor.writers.jsonl import JournaledWriter

    expected = {name: (finished / name).read_bytes() for name in OUTPUTS}
    real_commit = JournaledWriter.commit

    def commit_then_signal(self, items_done, counts, *, complete=False):
        real_commit(self, items_done, counts, complete=complete)
        if items_done == 2:
            os.kill(os.getpid(), signum)  # arrives while the run is between two batches

    monkeypatch.setattr(JournaledWriter, "commit", commit_then_signal)
    out = tmp_path / "stopped"
    result = cli("extract", small, "-o", out, "-q", "--run.batch_size=2")
    assert result.exit_code == code, result.output
    name = signal.Signals(signum).name
    assert result.stderr.strip() == (f"tariffwire: interrupted by {name} after 2 records; what was committed is kept: "
                                     "rerun with --resume to continue")
    assert _journal(out)[-1]["items_done"] == 2
    monkeypatch.setattr(JournaledWriter, "commit", real_commit)
    result = cli("extract", small, "-o", out, "-q", "--run.batch_size=2", "--resume")
    assert result.exit_code == 1, result.output
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == expected


@pytest.mark.slow
def test_resume_sigterm_to_a_multiprocess_run(corpus, baseline, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen(_tariffwire(corpus, "-o", out, "-q", BATCH, "-n", "2"), stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while not (_journal(out) and _journal(out)[-1]["items_done"] >= 8) and time.monotonic() < deadline:
        assert proc.poll() is None
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 143, stderr
    assert "interrupted by SIGTERM" in stderr and "--resume" in stderr
    done = subprocess.run(_tariffwire(corpus, "-o", out, "-q", BATCH, "--resume"), capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    _assert_same_outputs(out, baseline)


LEFTOVERS = (".articles.csv.tmp", ".events.parquet.tmp", ".tariffwire/dataset-parts/articles/part-00003.parquet",
             ".tariffwire/dataset-parts/events/.part-00004.parquet.tmp")


@pytest.mark.parametrize("resume", [False, True])
def test_resume_removes_what_a_failed_run_left(cli, small, finished, resume):
    for name in LEFTOVERS:
        (finished / name).parent.mkdir(parents=True, exist_ok=True)
        (finished / name).write_bytes(b"half")
    journal = finished / ".tariffwire" / "journal.jsonl"
    journal.write_bytes(b"".join(journal.read_bytes().splitlines(keepends=True)[:-1]))  # not complete
    args = ["--resume"] if resume else []
    assert cli("extract", small, "-o", finished, "-q", "--run.batch_size=2", *args).exit_code == 1
    assert not [name for name in LEFTOVERS if (finished / name).exists()]
    assert not (finished / ".tariffwire" / "dataset-parts").exists()


def _signal_then_sleep(started) -> None:
    started.set()
    time.sleep(60)


def test_resume_lock_is_not_held_by_a_forked_worker(tmp_path):
    """A worker forked while the run holds the lock shares the lock's file description: it must let
    go at once, or a worker outliving a killed run would refuse every --resume."""
    import multiprocessing

    from extractor.writers.jsonl import OutdirLock, prepare_outdir

    prepare_outdir(tmp_path)
    lock = OutdirLock(tmp_path).acquire()
    context = multiprocessing.get_context("fork")
    started = context.Event()
    worker = context.Process(target=_signal_then_sleep, args=(started,))
    worker.start()
    try:
        assert started.wait(30)
        lock.release()  # as the kernel does when the main process dies
        OutdirLock(tmp_path).acquire().release()
    finally:
        worker.kill()
        worker.join()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_resume_worker_dies_with_its_parent(tmp_path):
    """engines.local.die_with_parent, as the worker initializer calls it: SIGKILL the parent, the child goes too."""
    pid_file = tmp_path / "child.pid"
    script = (
        "import os, sys, time\n"
        "from extractor.engines.local import die_with_parent\n"
        "parent = os.getpid()\n"
        "if os.fork() == 0:\n"
        "    die_with_parent(parent)\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(120)\n"
        "    os._exit(0)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(pid_file.read_text())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            break
        if state in ("Z", "X"):
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the worker outlived its parent")
