"""benchmarks/real_articles.py on a tiny fake set made here (the real texts are never in the repository)."""
from __future__ import annotations

import json

import pytest

from tests.pipeline_support import benchmark_module

real = benchmark_module("real_articles")

TEXTS = {"a-1": "Ottawa set a 25% duty on Tuesday.", "a-2": "Beijing said talks would resume.", "a-3": "No text here yet."}


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def fake_set(tmp_path):
    manifest = [{"id": i, "url": f"https://example.invalid/{i}", "query": "q", "register": reg, "story": None,
                 "published": "2025-03-04", "source": "Fake", "sha256": real.sha256_of(text)}
                for (i, text), reg in zip(TEXTS.items(), ("wire", "government", "wire"))]
    texts = tmp_path / "texts"
    texts.mkdir()
    _write_jsonl(texts / "real.jsonl", [
        {"id": "a-1", "headline": None, "published": "1999-01-01", "text": TEXTS["a-1"]},
        {"id": "a-2", "headline": None, "published": "2025-03-04", "text": TEXTS["a-2"] + " "},  # one space too many
        {"id": "b-9", "headline": None, "published": "2025-03-04", "text": "not in the manifest"},
    ])
    (texts / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    return manifest, texts


def test_check_reports_missing_mismatched_unexpected_and_unreadable_ids(fake_set):
    manifest, texts = fake_set
    check = real.check_texts(manifest, texts)
    assert list(check.verified) == ["a-1"]
    assert check.mismatched == ["a-2"]
    assert check.missing == ["a-3"]
    assert check.unexpected == ["b-9"]
    assert check.unreadable == ["broken.jsonl:1 (JSONDecodeError)"]
    assert not check.complete


def test_the_check_prints_ids_and_never_a_text(fake_set, capsys):
    manifest, texts = fake_set
    assert real.main(["--texts", str(texts), "--manifest", str(_manifest_file(texts.parent, manifest)), "--check-only"]) == 1
    printed = capsys.readouterr().out
    assert "1/3 verified" in printed and "a-2" in printed and "a-3" in printed
    assert not any(text in printed for text in TEXTS.values())


def test_the_run_folder_is_not_read_as_collected_texts(fake_set):
    manifest, texts = fake_set
    (texts / real.RUN_DIR_NAME).mkdir()
    _write_jsonl(texts / real.RUN_DIR_NAME / "input.jsonl", [{"id": "a-3", "text": TEXTS["a-3"]}])
    assert "a-3" in real.check_texts(manifest, texts).missing


def test_an_absent_texts_folder_stops_with_a_message_naming_collect_md(tmp_path):
    with pytest.raises(SystemExit) as stop:
        real.main(["--texts", str(tmp_path / "nowhere")])
    assert "collect.md" in str(stop.value) and "nowhere" in str(stop.value)


def test_extract_input_takes_the_publication_date_from_the_manifest(fake_set):
    manifest, texts = fake_set
    rows = real.extract_input(manifest, real.check_texts(manifest, texts).verified)
    assert [(r["id"], r["published"], r["url"]) for r in rows] == [("a-1", "2025-03-04", "https://example.invalid/a-1")]


def test_scores_are_split_by_register(fake_set, tmp_path):
    manifest, _ = fake_set
    pred = tmp_path / "pred"
    pred.mkdir()
    _write_jsonl(pred / "articles.jsonl", [
        {"article_id": "a-1", "officials": [], "countries": [{"code": "CAN"}], "dates": []},
        {"article_id": "a-2", "officials": [], "countries": [{"code": "USA"}], "dates": []},
    ])
    _write_jsonl(pred / "events.jsonl", [])
    gold = [{"id": "a-1", "ref_date": None, "countries": ["CAN"]}, {"id": "a-2", "ref_date": None, "countries": ["CHN"]}]
    reports = real.scores_by_register(gold, manifest, pred)
    assert reports["all"].articles == 2
    assert reports["wire"].scores["countries"].tp == 1 and reports["wire"].scores["countries"].fp == 0
    assert reports["government"].scores["countries"].tp == 0 and reports["government"].scores["countries"].fn == 1


def _manifest_file(folder, manifest):
    path = folder / "manifest.jsonl"
    _write_jsonl(path, manifest)
    return path
