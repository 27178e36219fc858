"""A corpus of bad inputs through `tariffwire extract`, and what each one produces.

One folder per case, each holding the bad file(s) between two good wire stories (and, for line
formats, good lines around the bad one). One CLI run reads every folder; each case then checks its
part of the outputs: a clear error line, or a sane record (with a warning where something was
repaired), and every good article byte-identical to what the pipeline gives for it alone.
"""
from __future__ import annotations

import codecs
import gzip
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest

from extractor.ingest.article import content_id

PUBLISHED = "2025-04-10"  # --published: the date of inputs that carry none
TRADE = "The United States imposed a 25% tariff on steel from China on Monday, Commerce Secretary Howard Lutnick said."


@dataclass
class Expect:
    """What one input record must become: an error line, or a record (possibly with warnings)."""

    origin: str  # relative to the case folder: "file" or "file:line"
    code: Optional[str] = None  # the error's code; None for a record
    article_id: Optional[str] = None
    warnings: tuple[str, ...] = ()  # codes of the record's warning lines
    text: Optional[str] = None  # the record's text as read, to compare with a run on it alone
    published: Optional[str] = None
    check: Optional[Callable[[dict, list[dict]], None]] = None  # (article record, its events)
    fields: dict = field(default_factory=dict)  # other fields as the record should read them, for the run alone


@dataclass
class Case:
    files: dict[str, bytes]
    expect: list[Expect] = field(default_factory=list)
    skipped: int = 0  # records skipped on purpose (duplicate ids)


def _jsonl(*rows) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode("utf-8")


def _good(name: str, n: int) -> dict:
    return {"id": f"{name}-good-{n}", "text": f"{TRADE} Talks on the {name} case are set for next week.", "published": "2025-04-16"}


def _good_lines(name: str, bad_rows: list, *, bad_expect: list[Expect], file: str = "1-lines.jsonl") -> Case:
    """Good line, the bad line(s), good line, in one JSONL file."""
    first, last = _good(name, 1), _good(name, 2)
    rows = [first, *bad_rows, last]
    expect = [Expect(f"{file}:1", article_id=first["id"], text=first["text"], published="2025-04-16")]
    expect += bad_expect
    expect.append(Expect(f"{file}:{len(rows)}", article_id=last["id"], text=last["text"], published="2025-04-16"))
    return Case({file: _jsonl(*rows)}, expect)


def _rates_sane(record, events) -> None:
    for rate in record["rates"]:
        assert math.isfinite(rate["value"]) and 0 < rate["value"] <= 1000, rate
    for event in events:
        assert event["rate"] is None or (math.isfinite(event["rate"]) and 0 < event["rate"] <= 1000), event
    adversarial = {308.0, 1e308, 5.0, -5.0, 150000.0}
    assert not adversarial & {r["value"] for r in record["rates"]}
    assert not adversarial & {e["rate"] for e in events}


def _no_impossible_dates(record, events) -> None:
    values = [d["value"] for d in record["dates"]] + [e["date"]["value"] for e in events if e["date"]]
    assert "2025-02-30" not in values and "2025-04-31" not in values
    for value in values:
        if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            import datetime as dt

            dt.date.fromisoformat(value)  # a real day


def _no_events(record, events) -> None:
    assert events == []


def _has_rate(value: float):
    def check(record, events) -> None:
        assert value in [r["value"] for r in record["rates"]], record["rates"]

    return check


def _mistyped_fields_repaired(record, events) -> None:
    # A number becomes a string, other types are dropped, an unreadable date gives way to --published.
    assert (record["headline"], record["source"], record["url"], record["published"]) == (None, "7", None, PUBLISHED)


def _surrogate_headline_replaced(record, events) -> None:
    assert record["headline"] == "bad \ufffd head"


ADVERSARIAL = ("Officials floated tariffs of 1e308% and -5% on steel, NaN% and Infinity% on cars, 150000% on chips and "
               "99999999999999999999999% on toys, before the United States set a 25% tariff on Chinese steel.")
GERMAN = "Die Vereinigten Staaten erheben Zölle von 25 Prozent auf Stahl aus China, sagte Handelsminister Lutnick am Montag."
CHINESE = "美国周一宣布对中国钢铁征收25%的关税。商务部长卢特尼克表示，谈判将于下周举行。"
ARABIC = "فرضت الولايات المتحدة رسوما جمركية بنسبة 25% على الصلب الصيني يوم الاثنين."
IMPOSSIBLE = f"{TRADE} The duty takes effect on February 30, 2025, and a second one on April 31."
SOUP = (b"<html><head><title>Steel <b>tariff</title><script>var x = '25%';</script></head><body><div><p>The United States "
        b"imposed a <b>25% tariff<p>on steel from China <table><tr><td>on Monday, officials said.</div></span></i>"
        b"<p>Talks are set for next week.</body></html></html>")


def _cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    cases["empty-file"] = Case({"1-empty.txt": b"", "1-empty.jsonl": b"", "1-empty.csv": b""}, [
        Expect("1-empty.csv", "E003"), Expect("1-empty.jsonl", "E003"), Expect("1-empty.txt", "E003")])
    cases["empty-text"] = _good_lines("empty-text", [{"id": "empty-text", "text": ""}],
                                      bad_expect=[Expect("1-lines.jsonl:2", "E005", article_id="empty-text")])
    cases["whitespace-text"] = _good_lines(
        "whitespace-text", [{"id": "blank", "text": " \n\t\u3000\r\n "}, {"id": "blank-txt"}],
        bad_expect=[Expect("1-lines.jsonl:2", "E005", article_id="blank"), Expect("1-lines.jsonl:3", "E005", article_id="blank-txt")])
    cases["whitespace-text"].files["1-blank.txt"] = b"  \n\n\t  \n"
    cases["whitespace-text"].expect.append(Expect("1-blank.txt", "E005", article_id="1-blank"))
    blob = bytes(range(256)) * 64
    cases["binary-file"] = Case({"1-blob.txt": blob, "1-blob.jsonl": blob, "1-image.html": b"\x89PNG\r\n\x1a\n\x00\x00" + blob},
                                [Expect("1-blob.jsonl", "E010"), Expect("1-blob.txt", "E010"), Expect("1-image.html", "E010")])
    latin1 = "Le président Macron a dénoncé le 25% tariff sur l'acier européen imposé par les États-Unis lundi."
    bad_line = b'{"id": "bad-bytes", "published": "2025-04-16", "text": "' + TRADE.encode() + b' \xff\xfe\xc3 end."}'
    cases["invalid-utf8"] = Case(
        {"1-latin1.txt": latin1.encode("latin-1"),
         "1-lines.jsonl": _jsonl(_good("invalid-utf8", 1)) + bad_line + b"\n" + _jsonl(_good("invalid-utf8", 2))},
        [Expect("1-latin1.txt", article_id="1-latin1", warnings=("E009",), text=latin1.encode("latin-1").decode("utf-8", "replace")),
         Expect("1-lines.jsonl:1", article_id="invalid-utf8-good-1", text=_good("invalid-utf8", 1)["text"], published="2025-04-16"),
         Expect("1-lines.jsonl:2", article_id="bad-bytes", warnings=("E009",), text=TRADE + " \ufffd\ufffd\ufffd end.", published="2025-04-16"),
         Expect("1-lines.jsonl:3", article_id="invalid-utf8-good-2", text=_good("invalid-utf8", 2)["text"], published="2025-04-16")])
    utf16_rows = [_good("utf16", 3), _good("utf16", 4)]
    cases["utf16-bom"] = Case(
        {"1-utf16.txt": codecs.BOM_UTF16_LE + (TRADE + " Ünïcödé.").encode("utf-16-le"),
         "1-utf16be.jsonl": codecs.BOM_UTF16_BE + _jsonl(*utf16_rows).decode().encode("utf-16-be")},
        [Expect("1-utf16.txt", article_id="1-utf16", text=TRADE + " Ünïcödé."),
         *[Expect(f"1-utf16be.jsonl:{i}", article_id=r["id"], text=r["text"], published=r["published"]) for i, r in enumerate(utf16_rows, 1)]])
    huge = (TRADE + " ") * (5_000_000 // (len(TRADE) + 1) + 1)
    cases["huge-article"] = _good_lines("huge-article", [{"id": "huge", "text": huge}],
                                        bad_expect=[Expect("1-lines.jsonl:2", "E011", article_id="huge")])
    cases["huge-article"].files["1-huge.txt"] = huge.encode()
    cases["huge-article"].expect.append(Expect("1-huge.txt", "E011", article_id="1-huge"))
    cases["malformed-json"] = _good_lines(
        "malformed-json", ['{"id": "broken", "text": "unterminated', '{"id": "trailing-comma", "text": "x",}', "[1, 2, 3]", "null"],
        bad_expect=[Expect("1-lines.jsonl:2", "E004"), Expect("1-lines.jsonl:3", "E004"), Expect("1-lines.jsonl:4", "E006"),
                    Expect("1-lines.jsonl:5", "E006")])
    cases["malformed-json"].files["1-cut.jsonl"] = _jsonl(_good("malformed-json", 3)) + b'{"id": "cut-off", "text": "The Unit'
    cases["malformed-json"].expect += [
        Expect("1-cut.jsonl:1", article_id="malformed-json-good-3", text=_good("malformed-json", 3)["text"], published="2025-04-16"),
        Expect("1-cut.jsonl:2", "E004")]
    wrong = {"id": "wrong-types", "text": TRADE, "headline": ["not", "a", "string"], "source": 7, "published": 20250101,
             "url": {"href": "x"}}
    cases["missing-or-mistyped-fields"] = _good_lines(
        "missing-or-mistyped-fields",
        [{"id": "no-text-field", "headline": "Headline only"}, {"id": "int-text", "text": 42}, {"id": "list-text", "text": ["a"]},
         wrong, {"id": 12345, "text": TRADE}, {"id": ["x"], "text": TRADE + " Again."}, {"text": TRADE + " No id."}],
        bad_expect=[
            Expect("1-lines.jsonl:2", "E005", article_id="no-text-field"),
            Expect("1-lines.jsonl:3", "E006", article_id="int-text"),
            Expect("1-lines.jsonl:4", "E006", article_id="list-text"),
            Expect("1-lines.jsonl:5", article_id="wrong-types", warnings=("W004", "W003", "W004", "E008"), text=TRADE,
                   check=_mistyped_fields_repaired, fields={"source": "7"}),
            Expect("1-lines.jsonl:6", article_id="12345", text=TRADE),
            Expect("1-lines.jsonl:7", article_id=content_id(TRADE + " Again."), warnings=("W004",), text=TRADE + " Again."),
            Expect("1-lines.jsonl:8", article_id=content_id(TRADE + " No id."), text=TRADE + " No id.")])
    cases["csv-without-text-column"] = Case({"1-export.csv": b"id,headline,body\na1,Steel,The US raised tariffs.\n"},
                                            [Expect("1-export.csv", "E007")])
    cases["unreadable-file"] = Case({"1-gone.txt": None}, [Expect("1-gone.txt", "E003")])  # a dangling symlink
    gz_rows = [_good("truncated-gzip", n) for n in (3, 4)] + [{"id": f"gz-{n}", "text": TRADE * 40} for n in range(40)]
    packed = gzip.compress(_jsonl(*gz_rows))
    cases["truncated-gzip"] = Case({"1-archive.jsonl.gz": packed[: len(packed) // 2]}, [
        Expect(f"1-archive.jsonl.gz:{i}", article_id=r["id"], text=r["text"], published="2025-04-16") for i, r in enumerate(gz_rows[:2], 1)])
    cases["truncated-gzip"].expect.append(Expect("1-archive.jsonl.gz", "E015"))  # cut mid-file: E015 says how many records came before
    cases["html-soup"] = Case({"1-soup.html": SOUP}, [Expect("1-soup.html", article_id="1-soup", check=_has_rate(25.0))])
    cases["other-languages"] = _good_lines("other-languages", [
        {"id": "de", "text": GERMAN}, {"id": "zh", "text": CHINESE}, {"id": "ar", "text": ARABIC}],
        bad_expect=[Expect("1-lines.jsonl:2", article_id="de", text=GERMAN, check=_no_events),
                    Expect("1-lines.jsonl:3", article_id="zh", text=CHINESE, check=_no_events),
                    Expect("1-lines.jsonl:4", article_id="ar", text=ARABIC, check=_no_events)])
    cases["adversarial-numbers"] = _good_lines("adversarial-numbers", [{"id": "numbers", "text": ADVERSARIAL, "published": "2025-04-16"}],
                                               bad_expect=[Expect("1-lines.jsonl:2", article_id="numbers", text=ADVERSARIAL,
                                                                  published="2025-04-16", check=_rates_sane)])
    cases["impossible-dates"] = _good_lines("impossible-dates", [
        {"id": "feb-30", "text": IMPOSSIBLE, "published": "2025-02-30"},
        {"id": "month-13", "text": TRADE, "published": "2025-13"}, {"id": "year-0", "text": TRADE, "published": "0000"}],
        bad_expect=[Expect("1-lines.jsonl:2", article_id="feb-30", warnings=("E008",), text=IMPOSSIBLE, published=PUBLISHED,
                           check=_no_impossible_dates),
                    Expect("1-lines.jsonl:3", article_id="month-13", warnings=("E008",), text=TRADE, published=PUBLISHED),
                    Expect("1-lines.jsonl:4", article_id="year-0", warnings=("E008",), text=TRADE, published=PUBLISHED)])
    cases["future-publication-date"] = _good_lines("future-publication-date", [{"id": "future", "text": TRADE, "published": "2999-01-01"}],
                                                   bad_expect=[Expect("1-lines.jsonl:2", article_id="future", warnings=("W001",),
                                                                      text=TRADE, published="2999-01-01")])
    cases["duplicate-id"] = _good_lines("duplicate-id", [{"id": "duplicate-id-good-1", "text": "A different text."}],
                                        bad_expect=[Expect("1-lines.jsonl:2", "W002", article_id="duplicate-id-good-1")])
    cases["duplicate-id"].skipped = 1
    cases["lone-surrogates"] = _good_lines(
        "lone-surrogates", ['{"id": "surrogate", "headline": "bad \\udc00 head", "text": "' + TRADE + ' \\ud800 end."}'],
        bad_expect=[Expect("1-lines.jsonl:2", article_id="surrogate", warnings=("E009",), text=TRADE + " \ufffd end.",
                           check=_surrogate_headline_replaced, fields={"headline": "bad \ufffd head"})])
    cases["control-characters"] = _good_lines(
        "control-characters", [{"id": "nul", "text": TRADE + "\x00\x07\x1b[31m\r\n\x0cTalks\u2028continue.\ufeff"}],
        bad_expect=[Expect("1-lines.jsonl:2", article_id="nul", text=TRADE + "\x00\x07\x1b[31m\r\n\x0cTalks\u2028continue.\ufeff")])
    cases["json-list-file"] = Case({"1-list.json": json.dumps([_good("json-list", 3), 5, _good("json-list", 4)]).encode()}, [
        Expect("1-list.json:row 1", article_id="json-list-good-3", text=_good("json-list", 3)["text"], published="2025-04-16"),
        Expect("1-list.json:row 2", "E006"),
        Expect("1-list.json:row 3", article_id="json-list-good-4", text=_good("json-list", 4)["text"], published="2025-04-16")])
    cases["unknown-extension"] = Case({"1-notes.xml": b"<a>25% tariff</a>", "1-data.bin": b"\x00\x01"}, [])  # not read: no output
    return cases


CASES = _cases()


# -- the shared run ---------------------------------------------------------------------------------


def _build_corpus(root: Path, dev_articles: list[dict]) -> dict[str, list[dict]]:
    """Every case in its own folder, between two good dev stories; returns each case's neighbours."""
    neighbours = {}
    stories = iter(dev_articles * 2)
    for name, case in CASES.items():
        folder = root / name
        folder.mkdir(parents=True)
        before, after = (dict(next(stories)) for _ in range(2))
        before["id"], after["id"] = f"{name}-before", f"{name}-after"
        (folder / "0-before.jsonl").write_bytes(_jsonl(before))
        (folder / "2-after.jsonl").write_bytes(_jsonl(after))
        neighbours[name] = [before, after]
        for rel, data in case.files.items():
            if data is None:
                os.symlink(folder / "does-not-exist", folder / rel)
            else:
                (folder / rel).write_bytes(data)
    return neighbours


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory, dev_articles):
    from typer.testing import CliRunner

    from extractor.cli import app

    root = tmp_path_factory.mktemp("bad-inputs")
    neighbours = _build_corpus(root / "corpus", dev_articles)
    out = root / "out"
    result = CliRunner().invoke(app, ["extract", str(root / "corpus"), "-o", str(out), "--published", PUBLISHED, "-q"])
    lines = {name: (out / name).read_text(encoding="utf-8").splitlines() for name in ("articles.jsonl", "events.jsonl", "errors.jsonl")}
    return {"root": root / "corpus", "result": result, "neighbours": neighbours, **lines}


@pytest.fixture(scope="module")
def alone():
    """(article line, event lines) for one article run through the pipeline on its own."""
    from extractor.api import Extractor

    extractor = Extractor.from_config(overrides={"ingest.published_default": PUBLISHED})

    def run(row: dict) -> tuple[str, list[str]]:
        [outcome] = list(extractor.extract([row]))
        assert outcome.error is None, outcome.error
        return outcome.record.model_dump_json(), [e.model_dump_json() for e in outcome.events]

    return run


def _outputs_of(corpus_run, article_id: str) -> tuple[str, list[str]]:
    [line] = [ln for ln in corpus_run["articles.jsonl"] if json.loads(ln)["article_id"] == article_id]
    events = [ln for ln in corpus_run["events.jsonl"] if json.loads(ln)["article_id"] == article_id]
    return line, events


def _strict_json(line: str) -> dict:
    def refuse(token):
        raise AssertionError(f"{token} is not JSON")

    return json.loads(line, parse_constant=refuse)


# -- the tests ---------------------------------------------------------------------------------------


def test_bad_inputs_run_survives_and_counts_add_up(corpus_run):
    result = corpus_run["result"]
    assert result.exit_code == 1, result.output  # some records failed, none was fatal
    summary = result.stderr.strip().splitlines()[-1]
    read, written, skipped, failed = map(int, re.match(r"read (\d+), written (\d+), skipped (\d+), failed (\d+)", summary).groups())
    assert read == written + skipped + failed
    assert written == len(corpus_run["articles.jsonl"])
    levels = [json.loads(ln)["level"] for ln in corpus_run["errors.jsonl"]]
    assert failed == levels.count("error")
    assert skipped == sum(case.skipped for case in CASES.values())
    for name in ("articles.jsonl", "events.jsonl", "errors.jsonl"):
        for line in corpus_run[name]:
            _strict_json(line)  # no NaN or Infinity, no torn line


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_gives_a_clear_error_or_a_sane_record(corpus_run, alone, name):
    case, folder = CASES[name], corpus_run["root"] / name
    errors = [json.loads(ln) for ln in corpus_run["errors.jsonl"] if json.loads(ln)["origin"].startswith(f"{folder}/")]
    expected_errors = sorted((f"{folder}/{e.origin}", e.code) for e in case.expect if e.code)
    assert sorted((e["origin"], e["code"]) for e in errors if e["level"] == "error" or e["code"] == "W002") == expected_errors
    for e in errors:
        assert e["message"] and "\n" not in e["message"]
        assert e["stage"] == "ingest"
    for expect in case.expect:
        origin = f"{folder}/{expect.origin}"
        if expect.code:
            [error] = [e for e in errors if e["origin"] == origin and e["code"] == expect.code]
            assert error["article_id"] == expect.article_id
            continue
        warnings = [e["code"] for e in errors if e["origin"] == origin and e["level"] == "warning"]
        assert warnings == list(expect.warnings), (origin, warnings)
        article_line, event_lines = _outputs_of(corpus_run, expect.article_id)
        record, events = _strict_json(article_line), [_strict_json(ln) for ln in event_lines]
        if expect.published is not None:
            assert record["published"] == expect.published
        if expect.check is not None:
            expect.check(record, events)
        if expect.text is not None:
            _assert_offsets_slice(expect.text, record, events)
            row = {"id": expect.article_id, "text": expect.text, "published": expect.published, **expect.fields}
            assert (article_line, event_lines) == alone(row)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_leaves_good_neighbours_intact(corpus_run, alone, name):
    for article in corpus_run["neighbours"][name]:
        assert _outputs_of(corpus_run, article["id"]) == alone(article)


def _assert_offsets_slice(text: str, record: dict, events: list[dict]) -> None:
    for mention in record["rates"] + record["dates"]:
        assert text[mention["start"]:mention["end"]] == mention["text"]
    for group in record["officials"] + record["countries"]:
        for start, end in group["mentions"]:
            assert 0 <= start < end <= len(text)
    for event in events:
        ev = event["evidence"]
        assert text[ev["start"]:ev["end"]] == ev["text"]


# -- cases that need a run of their own ----------------------------------------------------------------


ALONE_EXIT = {  # one bad file alone: exit 1 when its record failed, 0 when it was only repaired
    "empty.txt": (b"", 1),
    "binary.txt": (bytes(range(256)), 1),
    "latin1.txt": ("Tariffs of 25% on café imports.".encode("latin-1"), 0),
    "future.jsonl": (_jsonl({"id": "f", "text": TRADE, "published": "2999-01-01"}), 0),
}


@pytest.mark.parametrize("file", list(ALONE_EXIT))
def test_bad_input_alone_exit_code(cli, tmp_path, file):
    data, code = ALONE_EXIT[file]
    (tmp_path / file).write_bytes(data)
    result = cli("extract", tmp_path / file, "-o", tmp_path / "out", "-q", "--published", PUBLISHED)
    assert result.exit_code == code, result.output
    assert (tmp_path / "out" / "errors.jsonl").read_text().count("\n") == 1


def test_bad_input_permission_denied_fails_only_that_file(cli, tmp_path, dev_articles, jsonl, monkeypatch):
    """Root reads a chmod 000 file, so the refusal is simulated where the readers open files."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(_jsonl(dev_articles[0]))
    (folder / "b-locked.jsonl").write_bytes(_jsonl(dev_articles[1]))
    (folder / "c-locked.txt").write_bytes(TRADE.encode())
    (folder / "d.jsonl").write_bytes(_jsonl(dev_articles[2]))
    locked = {str(folder / "b-locked.jsonl"), str(folder / "c-locked.txt")}
    real_open, real_read_bytes = open, Path.read_bytes

    def guarded_open(file, *args, **kwargs):
        if str(file) in locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    def guarded_read_bytes(self):
        if str(self) in locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr("builtins.open", guarded_open)
    monkeypatch.setattr(Path, "read_bytes", guarded_read_bytes)
    result = cli("extract", folder, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 1, result.output
    errors = jsonl(tmp_path / "out" / "errors.jsonl")
    assert sorted((e["origin"], e["code"]) for e in errors) == sorted((p, "E003") for p in locked)
    assert all("Permission denied" in e["message"] for e in errors)
    assert [a["article_id"] for a in jsonl(tmp_path / "out" / "articles.jsonl")] == [dev_articles[i]["id"] for i in (0, 2)]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads a chmod 000 file")
def test_bad_input_chmod_000_fails_only_that_file(cli, tmp_path, dev_articles, jsonl):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(_jsonl(dev_articles[0]))
    (folder / "b.jsonl").write_bytes(_jsonl(dev_articles[1]))
    (folder / "b.jsonl").chmod(0)
    result = cli("extract", folder, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 1
    [error] = jsonl(tmp_path / "out" / "errors.jsonl")
    assert (error["origin"], error["code"]) == (str(folder / "b.jsonl"), "E003")
