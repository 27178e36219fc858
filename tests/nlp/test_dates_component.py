"""The dates component on hand-built Docs: values against the publication date, durations of measures only."""
import pytest

from tests.pipeline_support import hand_doc


@pytest.mark.parametrize(
    "text,published,expected",
    [
        ("The duties took effect on Wednesday.", "2025-03-14", [("Wednesday", "2025-03-12", "day")]),
        ("The duties take effect on April 9, 2025.", None, [("April 9, 2025", "2025-04-09", "day")]),
        ("Without a date, Friday stays open.", None, [("Friday", None, "day")]),
        # a duration is a date only as the length of a trade measure
        ("The tariffs were paused for 90 days.", "2025-04-10", [("90 days", "P90D", "duration")]),
        ("He stayed for 90 days of talks.", "2025-04-10", []),
    ],
)
def test_dates_component_writes_spans_with_value_and_grain(text, published, expected):
    doc = hand_doc(text, ["tariffwire_sentences", "tariffwire_dates"], published=published)
    assert [(s.text, s._.value, s._.grain) for s in doc.spans["tw_dates"]] == expected
