"""Crash and rerun safety: SIGKILL mid-run, then --resume, gives the uninterrupted run's outputs.

The corpus is the dev stories twice over (unique ids) with bad lines among them, so that
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
def corpus(tmp_path_factory, dev_articles) -> Path:
    rows: list[str] = []
    for copy in range(2):
        for n, article in enumerate(dev_articles):
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
