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
        # the delay of a measure's start is its duration; a time anchor after other events is not
        ("The order takes effect seven days after signing.", "2025-04-10", [("seven days", "P7D", "duration")]),
        ("The ministers met two days after the vote on duties.", "2025-04-10", []),
        ("The surtax will be reviewed within one year.", "2025-04-10", [("one year", "P1Y", "duration")]),
        ("The probe was extended by six months.", "2025-04-10", [("six months", "P6M", "duration")]),
        # "for a period of": the length of what the sentence is about, however far its measure word
        ("Congress approved higher duties on 300 lines, covering steel, aluminum, textiles, chemicals, "
         "glass and paper from countries without trade pacts, for a period of two years.", "2025-04-10",
         [("two years", "P2Y", "duration")]),
        ("The club hosted dinners, concerts, lectures, film nights, book fairs and art shows for its members, "
         "for a period of two years.", "2025-04-10", []),
        # a statistic's base period is no measure's length
        ("Quotas are 60 percent of the average volume in the three years through 2019.", "2025-04-10",
         [("2019", "2019", "year")]),
    ],
)
def test_dates_component_writes_spans_with_value_and_grain(text, published, expected):
    doc = hand_doc(text, ["tariffwire_sentences", "tariffwire_dates"], published=published)
    assert [(s.text, s._.value, s._.grain) for s in doc.spans["tw_dates"]] == expected
