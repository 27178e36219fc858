import datetime as dt
import json
import re

import pytest

from extractor.errors import TariffwireError
from extractor.report import build_report, load_run, render_report
from extractor.report.charts import measure_points, parse_day, step_chart, tariff_pairs
from extractor.report.page import highlighted_evidence
from tests.report.conftest import DATA, run_records, write_run

# The tariff pairs of tests/report/data/measures.jsonl, most reported first.
PAIRS = ["USA-CHN", "USA-EU", "CHN-USA", "USA-JPN", "CAN-USA", "USA-ALL"]


def fixture_measures() -> list[dict]:
    return [json.loads(line) for line in (DATA / "measures.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def page(run_dir) -> str:
    return render_report(load_run(run_dir))


def test_report_is_one_self_contained_file(page):
    assert page.count("<script") == 1 and "<script src" not in page
    assert not re.search(r"<link\b|@import|https?://[^\"']*\.(?:js|css)\b", page)
    assert "<style>" in page


def test_report_summary_counts_the_run(page):
    summary = page[page.index('id="summary"'):page.index('id="measures"')]
    for number, name in ((3, "articles"), (4, "events"), (3, "tariff events"), (1, "negotiation events"),
                         (1, "errors"), (1, "warnings"), (9, "measures")):
        assert f"<b>{number}</b>{name}</div>" in summary
    assert "Articles published 2025-03-12 to 2025-04-18." in summary


def test_report_one_step_chart_per_pair_with_status_markers(page):
    assert re.findall(r'<div class="chart" data-pair="([^"]+)"', page) == PAIRS
    assert page.count('<svg class="step-chart"') == len(PAIRS)
    statuses = set(re.findall(r'data-status="([a-z_]+)"><title>', page))
    assert {"announced", "threatened", "paused", "lifted", "raised", "reduced", "agreed", "in_effect"} <= statuses
    assert "Negotiation tracks" in page and "held 2025-04-17 → held 2025-04-30 → reached 2025-07-22" in page


def test_report_without_measures_says_so(tmp_path):
    page = render_report(load_run(write_run(tmp_path / "out", measures=False)))
    assert 'id="no-measures"' in page and "measures.jsonl" in page
    assert "step-chart" not in page
    assert page.count("<tr data-type=") == 4  # the events are still listed


def test_report_table_rows_carry_their_filters(page):
    rows = re.findall(r'<tr data-type="(\w+)" data-status="(\w+)" data-confidence="([\d.]+)"', page)
    assert rows == [("tariff", "announced", "0.880"), ("tariff", "in_effect", "0.640"), ("negotiation", "held", "0.800"), ("tariff", "raised", "0.700")]


def test_report_evidence_marks_the_roles():
    articles, events = run_records()
    html = highlighted_evidence(articles[0].model_dump(), events[0].model_dump())
    marks = re.findall(r'<mark class="role-(\w+)"[^>]*>([^<]+)</mark>', html)
    assert marks == [("IMPOSER", "Canada"), ("RATE", "25%"), ("TARGET", "American"), ("PRODUCT", "steel"), ("DATE", "Thursday"),
                     ("OFFICIAL", "Dominic LeBlanc")]
    assert re.sub(r"<[^>]+>", "", html) == events[0].evidence.text  # nothing added or lost between the marks
    talks = highlighted_evidence(articles[1].model_dump(), events[2].model_dump())
    assert re.findall(r'role-(\w+)"[^>]*>([^<]+)<', talks) == [("PARTY", "Japan"), ("PARTY", "United States"), ("PARTY", "Washington"), ("DATE", "April 17")]


def test_report_escapes_untrusted_text(page):
    assert "<script>document" not in page and "<img src=x" not in page and "<svg onload" not in page
    assert "&lt;script&gt;document.documentElement.setAttribute" in page
    assert 'href="javascript:' not in page  # a url that is not http(s) is no link
    assert "&lt;b&gt;headline&lt;/b&gt;" in page


def test_report_evidence_with_markup_keeps_roles_escaped():
    articles, events = run_records()
    html = highlighted_evidence(articles[2].model_dump(), events[3].model_dump())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert re.findall(r'role-(\w+)"[^>]*>([^<]+)<', html) == [("IMPOSER", "China"), ("RATE", "34%"), ("TARGET", "U.S.")]


def test_report_skips_torn_lines(run_dir):
    with open(run_dir / "events.jsonl", "a", encoding="utf-8") as f:
        f.write('{"event_id": "half')
    data = load_run(run_dir)
    assert len(data.events) == data.n_events == 4 and data.bad_lines["events.jsonl"] == 1
    assert "Lines that could not be read (left out): events.jsonl: 1." in render_report(data)


def test_report_not_an_output_directory(tmp_path):
    with pytest.raises(TariffwireError, match="No predictions found"):
        load_run(tmp_path)


def test_report_max_events_lists_some_and_counts_all(run_dir):
    data = load_run(run_dir, max_events=2)
    assert set(data.articles) == {"ottawa-steel"}  # only the listed events' articles are kept
    page = render_report(data)
    assert page.count("<tr data-type=") == 2 and "The first 2 of 4 events are listed." in page
    assert "<b>3</b>articles</div>" in page and "<b>4</b>events</div>" in page


def test_report_lists_the_first_errors_and_counts_all(run_dir):
    line = json.dumps({"level": "error", "origin": "in/x.jsonl:1", "code": "E004", "message": "Record in/x.jsonl:1 is not valid JSON"})
    with open(run_dir / "errors.jsonl", "a", encoding="utf-8") as f:
        f.write((line + "\n") * 30)
    page = render_report(load_run(run_dir))
    assert "E004 (error): 31" in page and "12 more in errors.jsonl." in page


def test_report_cli(cli, run_dir, tmp_path):
    result = cli("report", run_dir, "-o", tmp_path / "r" / "report.html")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    missing = cli("report", tmp_path / "nothing-here", "-o", tmp_path / "x.html")
    assert missing.exit_code == 2 and "No predictions found" in missing.output


@pytest.mark.parametrize(
    "value,expected",
    [("2025-04-09", dt.date(2025, 4, 9)), ("2025-04", dt.date(2025, 4, 1)), ("2025", dt.date(2025, 1, 1)),
     ("2025-02-30", None), ("P90D", None), (None, None), ("soon", None)],
)
def test_charts_parse_day(value, expected):
    assert parse_day(value) == expected


def test_charts_points_hold_their_level():
    timeline = [
        {"date": "2025-03-04", "status": "in_effect", "rate": 25.0, "article_ids": ["a", "b"]},
        {"date": "2025-04-09", "status": "paused", "rate": None, "article_ids": ["c"]},  # no rate: the level before it
        {"date": "not a date", "status": "raised", "rate": 99.0},  # left out
        {"date": "2025-09-01", "status": "lifted", "rate": None},  # lifted: back to 0
    ]
    points = measure_points({"timeline": timeline})
    assert [(p.day.isoformat(), p.status, p.rate, p.level, p.n_articles) for p in points] == [
        ("2025-03-04", "in_effect", 25.0, 25.0, 2), ("2025-04-09", "paused", None, 25.0, 1), ("2025-09-01", "lifted", None, 0.0, 0)]


def test_charts_step_lines_follow_the_timeline():
    [usa_eu] = tariff_pairs(fixture_measures())[("USA", ("EU",))]
    svg = step_chart("USA → EU", [usa_eu])
    steps = re.findall(r'<line class="step" x1="([\d.]+)" x2="([\d.]+)" y1="([\d.]+)" y2="([\d.]+)"[^>]*?(stroke-dasharray="[\d ]+")?/>', svg)
    assert len(steps) == 5  # one level per timeline point, the last one to the right edge
    xs = [float(x1) for x1, *_ in steps]
    assert xs == sorted(xs)
    levels = [float(y1) for _, _, y1, _, _ in steps]
    assert levels[0] == levels[1] and levels[2] < levels[3] < levels[0] < levels[4]  # 20, 20, 50, 30, 15 (SVG y grows down)
    dashes = [dash for *_, dash in steps]
    assert dashes[0] == 'stroke-dasharray="6 4"' and dashes[1] == 'stroke-dasharray="2 4"' and dashes[4] == ""


def test_report_build_writes_file(run_dir, tmp_path):
    path = build_report(run_dir, tmp_path / "deep" / "r.html")
    assert path.read_text(encoding="utf-8").count('<svg class="step-chart"') == len(PAIRS)


@pytest.mark.parametrize(
    "text,evidence,before,after",
    [
        ("First one. Second one here. Third one. Fourth.", "Second one here.", "First one.", "Third one."),
        ("Only the evidence.", "Only the evidence.", "", ""),
        ("Heading line\nThe evidence itself. And after it", "The evidence itself.", "Heading line", "And after it"),
        ("word " * 100 + "The evidence. " + "more " * 100, "The evidence.", "… " + "word " * 47, "more " * 47 + "…"),
    ],
)
def test_report_context_around_the_evidence(text, evidence, before, after):
    from extractor.report.page import context_around

    start = text.index(evidence)
    got_before, got_after = context_around(text, start, start + len(evidence))
    assert (got_before, got_after) == (before.strip(), after.strip())


def test_report_evidence_in_context_only_from_matching_texts(run_dir):
    from types import SimpleNamespace

    from extractor.report import attach_texts
    from tests.report.conftest import OTTAWA, TALKS

    data = load_run(run_dir)
    other = "Someone else's article with the same id, whose offsets do not hold the evidence."
    kept = attach_texts(data, [SimpleNamespace(id="ottawa-steel", text=OTTAWA), SimpleNamespace(id="tokyo-talks", text=other),
                               SimpleNamespace(id="no-events", text=TALKS)])
    assert kept == 1 and set(data.texts) == {"ottawa-steel"}
    page = render_report(data)
    assert page.count('<span class="context">') == 4  # before and after each of the two Ottawa events
    assert '<span class="context">The duty answers the 25% levy that Washington imposed on Canadian metals.</span>' in page
