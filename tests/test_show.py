"""displaCy views of an article's records (extractor/show.py, `tariffwire show`)."""
from __future__ import annotations

import re

import pytest

from extractor.report.spans import LabelledSpan
from extractor.show import record_spans, render, render_article, to_doc
from tests.report.conftest import HOSTILE, OTTAWA, run_records


def labels_in(html: str) -> set[str]:
    return set(re.findall(r">\s*([A-Z_]{3,})\s*<", html))


def test_show_record_spans_hold_mentions_and_roles():
    articles, events = run_records()
    spans = record_spans(articles[0], [e for e in events if e.article_id == "ottawa-steel"])
    found = {(OTTAWA[s.start:s.end], s.label) for s in spans}
    assert {("Canada", "COUNTRY"), ("Canada", "IMPOSER"), ("American", "TARGET"), ("25%", "RATE"), ("Thursday", "DATE"),
            ("Dominic LeBlanc", "OFFICIAL"), ("steel", "PRODUCT")} <= found
    # The second event (the US levy on Canada) gives Washington and Canadian the opposite roles.
    assert {("Washington", "IMPOSER"), ("Canadian", "TARGET")} <= found


@pytest.mark.parametrize("style", ["span", "ent"])
def test_show_render_labels_with_colours(style):
    articles, events = run_records()
    html = render(OTTAWA, record_spans(articles[0], events[:1]), style=style, title="Canada answers", jupyter=False)
    assert {"IMPOSER", "TARGET", "RATE", "DATE", "OFFICIAL"} <= labels_in(html)
    assert "#f4a582" in html.lower()  # the imposer's colour
    assert "Canada answers" in html


def test_show_ent_style_one_label_per_stretch():
    spans = [LabelledSpan(0, 6, "COUNTRY"), LabelledSpan(0, 6, "IMPOSER"), LabelledSpan(13, 16, "RATE")]
    html = render("Canada put a 25% tariff on steel.", spans, style="ent", jupyter=False)
    assert labels_in(html) == {"IMPOSER", "RATE"}  # the role wins over the plain mention


def test_show_render_from_a_doc_with_spans():
    # Any Doc whose components wrote doc.spans["tariffwire"] renders the same way.
    doc = to_doc("Canada put a 25% tariff on steel.", [LabelledSpan(0, 6, "IMPOSER"), LabelledSpan(13, 16, "RATE")])
    assert [(s.text, s.label_) for s in doc.spans["tariffwire"]] == [("Canada", "IMPOSER"), ("25%", "RATE")]
    assert labels_in(render(doc, jupyter=False)) == {"IMPOSER", "RATE"}


@pytest.mark.parametrize("style", ["span", "ent"])
def test_show_escapes_article_text(style):
    articles, events = run_records()
    html = render(HOSTILE, record_spans(articles[2], events[3:]), style=style, title="<script>x()</script>", jupyter=False, page=True)
    assert "<script" not in html and "<img" not in html
    assert "IMPOSER" in html


def test_show_rejects_unknown_style():
    with pytest.raises(ValueError, match="style"):
        render("text", [], style="dep", jupyter=False)


@pytest.mark.slow
def test_show_render_article_runs_the_extractor():
    from tests.pipeline_support import extractor

    text = "OTTAWA (Reuters) - Canada will put a 25% tariff on American steel from Thursday, Finance Minister Dominic LeBlanc said."
    html = render_article({"id": "a", "text": text, "published": "2025-03-12"}, extractor(), jupyter=False)
    assert {"COUNTRY", "IMPOSER", "TARGET", "RATE", "DATE", "OFFICIAL"} <= labels_in(html)


@pytest.mark.slow
def test_show_cli_writes_the_page(cli, tmp_path):
    (tmp_path / "story.txt").write_text("OTTAWA, March 12, 2025 (Reuters) - Canada will put a 25% tariff on American steel from Thursday.")
    out = tmp_path / "story.html"
    result = cli("show", tmp_path, "--id", "story", "-o", out)
    assert result.exit_code == 0, result.output
    assert {"IMPOSER", "TARGET", "RATE", "DATE"} <= labels_in(out.read_text(encoding="utf-8"))
    missing = cli("show", tmp_path, "--id", "nope")
    assert missing.exit_code == 2 and "No article with id 'nope'" in missing.output and "story" in missing.output


def test_show_in_a_notebook_displays_the_html(monkeypatch):
    display = pytest.importorskip("IPython.display")
    shown = []
    monkeypatch.setattr(display, "display", lambda obj: shown.append(obj))
    articles, events = run_records()
    assert render(OTTAWA, record_spans(articles[0], events[:1]), jupyter=True) is None
    [html] = shown
    assert "IMPOSER" in html.data and "Dominic" in html.data
