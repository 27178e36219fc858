import datetime as dt
import time

import pytest

from extractor.normalize.dates import DateMatch, find_dates

WED = dt.date(2025, 4, 16)  # a Wednesday


def values(text, ref=WED, **kw):
    return [(m.text, m.value, m.grain) for m in find_dates(text, ref, **kw)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("It starts August 1, 2025.", ("August 1, 2025", "2025-08-01", "day")),
        ("It starts Aug. 1, 2025.", ("Aug. 1, 2025", "2025-08-01", "day")),
        ("It started 1 August 2024.", ("1 August 2024", "2024-08-01", "day")),
        ("It started on the 1st of August 2024.", ("the 1st of August 2024", "2024-08-01", "day")),
        ("signed April 2 2025 in Washington", ("April 2 2025", "2025-04-02", "day")),
        ("Wednesday, April 2, 2025", ("Wednesday, April 2, 2025", "2025-04-02", "day")),
        ("filed 2025-03-31 with the court", ("2025-03-31", "2025-03-31", "day")),
        ("the memo dated 7/8/07", ("7/8/07", "2007-07-08", "day")),
        ("in February 29, 2024", ("February 29, 2024", "2024-02-29", "day")),
    ],
)
def test_dates_absolute_day(text, expected):
    assert values(text) == [expected]


@pytest.mark.parametrize(
    "text,ref,value",
    [
        ("Tariffs will take effect on Aug. 1.", WED, "2025-08-01"),
        ("The levy took effect Sept. 5.", WED, "2024-09-05"),
        ("The talks will resume Aug 1st.", WED, "2025-08-01"),
        # no tense cue: the nearest date, across the year boundary both ways
        ("A hearing on Dec. 30.", dt.date(2025, 1, 2), "2024-12-30"),
        ("A hearing on Jan. 3.", dt.date(2024, 12, 30), "2025-01-03"),
        # past tense: the most recent one even when the next one is nearer
        ("Trump said on March 4 that tariffs rose.", dt.date(2025, 1, 2), "2024-03-04"),
        ("A June 3 hearing has been scheduled.", dt.date(2009, 5, 15), "2009-06-03"),
        ("Feb. 29 deadline", dt.date(2025, 3, 1), "2024-02-29"),
        ("It is due by March 4.", dt.date(2025, 1, 2), "2025-03-04"),
    ],
)
def test_dates_month_day_without_year(text, ref, value):
    assert [m.value for m in find_dates(text, ref) if m.grain == "day"] == [value]


@pytest.mark.parametrize(
    "text,ref,value",
    [
        ("Exports fell in March 2018.", WED, "2018-03"),
        ("Exports fell in March of 2018.", WED, "2018-03"),
        ("Exports fell in March.", WED, "2025-03"),
        ("Exports will rise in March.", WED, "2026-03"),
        ("Exports fell last September.", WED, "2024-09"),
        ("Talks resume next April.", WED, "2026-04"),
        ("The deal is due in early June.", WED, "2025-06"),
        ("The deal came in May.", WED, "2024-05"),
        ("renewed after October of next year", WED, "2026-10"),
        ("They met in December.", dt.date(2025, 1, 5), "2024-12"),
    ],
)
def test_dates_month(text, ref, value):
    assert [m.value for m in find_dates(text, ref)] == [value]


@pytest.mark.parametrize("text", ["Theresa May said so.", "It may rise.", "They march on."])
def test_dates_month_words_that_are_not_months(text):
    assert find_dates(text, WED) == []


@pytest.mark.parametrize(
    "text,value",
    [
        ("in 2019", "2019"),
        ("2018's tariffs", "2018"),
        ("by mid-2026", "2026"),
        ("back in '82", "1982"),
    ],
)
def test_dates_year(text, value):
    assert [m.value for m in find_dates(text, WED)] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "the 1990s", "in the '80s", "the mid-1980s", "2000 workers lost jobs", "$2019 million",
        "rose 2025%", "the 70-year-old minister", "a three-year-old", "at 10:30 a.m.",
        "one of the first countries", "recently", "soon", "now", "the Russell 2000 Index",
        "Mondays are busy", "on Black Monday",
    ],
)
def test_dates_not_dates(text):
    assert [m.value for m in find_dates(text, WED) if m.value] == []


@pytest.mark.parametrize(
    "text,ref,value",
    [
        ("profit in the third quarter of 2025", WED, "2025-Q3"),
        ("the first quarter of 2025", WED, "2025-Q1"),
        ("Q3 2024 results", WED, "2024-Q3"),
        ("2024 Q4 results", WED, "2024-Q4"),
        ("third-quarter profit rose", dt.date(2025, 11, 2), "2025-Q3"),
        ("the fourth quarter", dt.date(2007, 1, 20), "2006-Q4"),
        ("closures during the fourth quarter", dt.date(2006, 8, 19), "2006-Q4"),
        ("the last quarter", dt.date(2025, 1, 10), "2024-Q4"),
        ("next quarter", dt.date(2025, 11, 10), "2026-Q1"),
        ("the third quarter of this year", WED, "2025-Q3"),
        ("the first quarter of last year", WED, "2024-Q1"),
        ("the final quarter of 2009", WED, "2009-Q4"),
    ],
)
def test_dates_quarter(text, ref, value):
    assert [m.value for m in find_dates(text, ref)] == [value]


@pytest.mark.parametrize(
    "text,ref,value",
    [
        # guide: past -> most recent, the reference day itself included
        ("Ishiba said on Monday that talks went well.", WED, "2025-04-14"),
        ("Talks were held Wednesday.", WED, "2025-04-16"),
        ("Japan is set to begin talks on Wednesday.", WED, "2025-04-16"),
        ("Meloni will meet Trump on Thursday.", WED, "2025-04-17"),
        ("Meloni is due to meet Trump on Tuesday.", WED, "2025-04-22"),
        ("Officials plan to meet on Monday.", WED, "2025-04-21"),
        ("Stocks fell on Friday.", WED, "2025-04-11"),
        ("Markets stay closed until Friday.", WED, "2025-04-18"),
        ("They met last Wednesday.", WED, "2025-04-09"),
        ("They meet next Wednesday.", WED, "2025-04-23"),
        ("Friday", dt.date(2024, 1, 1), "2023-12-29"),
        ("We'll know on Friday.", dt.date(2024, 12, 30), "2025-01-03"),
        ("The scope of Wednesday's talks was unclear.", WED, "2025-04-16"),
    ],
)
def test_dates_weekday_tense(text, ref, value):
    assert [m.value for m in find_dates(text, ref)] == [value]


@pytest.mark.parametrize(
    "text,ref,value,grain",
    [
        ("today", WED, "2025-04-16", "day"),
        ("yesterday", dt.date(2024, 3, 1), "2024-02-29", "day"),
        ("tomorrow", dt.date(2025, 12, 31), "2026-01-01", "day"),
        ("last week", WED, "2025-W15", "week"),
        ("next week", WED, "2025-W17", "week"),
        ("this week", dt.date(2020, 12, 31), "2020-W53", "week"),
        ("this week", dt.date(2021, 1, 1), "2020-W53", "week"),
        ("next week", dt.date(2020, 12, 28), "2021-W01", "week"),
        ("last month", dt.date(2025, 1, 15), "2024-12", "month"),
        ("next month", dt.date(2025, 12, 15), "2026-01", "month"),
        ("earlier this month", WED, "2025-04", "month"),
        ("last year", WED, "2024", "year"),
        ("next year", WED, "2026", "year"),
        ("earlier this year", WED, "2025", "year"),
        ("later this year", WED, "2025", "year"),
        ("by the end of this year", WED, "2025", "year"),
        ("a year ago", WED, "2024", "year"),
        ("two years ago", WED, "2023", "year"),
        ("three days ago", dt.date(2024, 3, 2), "2024-02-28", "day"),
        ("a week ago", WED, "2025-04-09", "day"),
        ("two months ago", dt.date(2025, 1, 10), "2024-11", "month"),
        ("the past week", WED, "P1W", "duration"),
        ("the last week of March", dt.date(2009, 4, 5), "2009-W13", "week"),
        ("the same month a year ago", WED, "2024-04", "month"),
        ("in March, up from the same month last year", WED, "2024-03", "month"),
    ],
)
def test_dates_relative(text, ref, value, grain):
    assert [(m.value, m.grain) for m in find_dates(text, ref)][-1] == (value, grain)


@pytest.mark.parametrize(
    "text,value",
    [
        ("paused for 90 days", "P90D"),
        ("a 90-day pause", "P90D"),
        ("for six months", "P6M"),
        ("within two weeks", "P2W"),
        ("for a year", "P1Y"),
        ("a three-year deal", "P3Y"),
        ("a twenty-five-year low", "P25Y"),
        ("for 18 months", "P18M"),
        ("over a decade", "P10Y"),
        ("six straight days", "P6D"),
        ("Three years after launch", "P3Y"),
        ("a fortnight", None),
    ],
)
def test_dates_duration(text, value):
    got = [m.value for m in find_dates(text, WED) if m.grain == "duration"]
    assert got == ([value] if value else [])


def test_dates_duration_range_start_takes_the_unit():
    assert [m.value for m in find_dates("between 60 and 90 days", WED)] == ["P60D", "P90D"]


@pytest.mark.parametrize("text", ["twice a year", "$5 billion a year", "three times a day", "several years"])
def test_dates_duration_not_a_set_or_vague(text):
    assert find_dates(text, WED) == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Talks on Monday; tariffs since 2019.", [None, "2019"]),
        ("April 2, 2025 and last week", ["2025-04-02", None]),
        ("the third quarter", [None]),
        ("for 90 days", ["P90D"]),
        ("On April 2, 2025 and the same day", ["2025-04-02", "2025-04-02"]),
    ],
)
def test_dates_without_ref_date(text, expected):
    assert [m.value for m in find_dates(text, None)] == expected


def test_dates_exclude_spans_skip_overlapping_matches():
    text = "WASHINGTON, April 16 (Reuters) - Talks begin on Friday."
    dateline = (0, text.index("(") - 1)
    got = find_dates(text, WED, exclude=[dateline])
    assert [m.text for m in got] == ["Friday"]


@pytest.mark.parametrize(
    "text",
    ["", "\x00", "Feb. 30", "1e308", "9" * 5000, "April 99", "Q9", "the 0th quarter", "a" * 100000,
     "in 0000", "0/0/00", "99999-99-99", "Monday " * 2000, "\ud800", "12/31/99999", "the 99th of Month"],
)
def test_dates_garbage_never_raises(text):
    for ref in (WED, None, dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        for m in find_dates(text, ref):
            assert isinstance(m, DateMatch)
            assert text[m.start:m.end] == m.text


def test_dates_impossible_day_has_no_value():
    assert [(m.text, m.value) for m in find_dates("due Feb. 30", WED)] == [("Feb. 30", None)]


def test_dates_offsets_sorted_and_non_overlapping():
    text = "On Monday, April 14, 2025, Japan said that talks last week and in 2019 for 90 days went well."
    got = find_dates(text, WED)
    assert [m.text for m in got] == ["Monday, April 14, 2025", "last week", "2019", "90 days"]
    for a, b in zip(got, got[1:]):
        assert a.end <= b.start
    assert all(text[m.start:m.end] == m.text for m in got)


ARTICLE = (
    "Japan is set to begin tariff negotiations with the United States in Washington on Wednesday, one of "
    "the first countries to test the willingness of the administration to relent on sweeping import duties "
    "that have roiled markets and stoked recession fears. The president said he would personally attend the "
    "meeting. Japan has been hit with 24% levies on its exports to the United States although these rates "
    "have been paused for 90 days. But a 10% universal rate remains in place as does a 25% duty for cars, a "
    "mainstay of the export-reliant economy. The top trade negotiator will meet the Treasury Secretary and "
    "the Trade Representative for discussions that could also address energy projects and the thorny issue "
    "of exchange rates. The prime minister said on Monday that his country, a close ally, won't rush to reach "
    "a deal and does not plan to make big concessions. Officials met last week and talks resume next week. "
)


def test_dates_are_fast():
    words = ARTICLE.split()
    text = " ".join((words * (1000 // len(words) + 1))[:1000])
    find_dates(text, WED)
    start = time.perf_counter()
    for _ in range(5):
        find_dates(text, WED)
    per_call = (time.perf_counter() - start) / 5
    # Measured about 10 ms here; the guard is loose so that slow CI machines do not flake.
    assert per_call < 0.02


@pytest.mark.parametrize(
    "text,ref,value",
    [
        # A wrong-looking tense cue cannot push a month-day almost a year away when the same
        # month-day lies within the horizon (45 days) of the publication date.
        ("The duties took effect after Trump said they begin April 3.", dt.date(2025, 3, 27), "2025-04-03"),
        ("He signed an order moving the deadline from July 9 to Aug. 1.", dt.date(2025, 7, 8), "2025-07-09"),
        # Beyond the horizon the tense still decides.
        ("The levy took effect Sept. 5.", dt.date(2025, 4, 16), "2024-09-05"),
    ],
)
def test_dates_month_day_tense_horizon(text, ref, value):
    assert [m.value for m in find_dates(text, ref) if m.grain == "day"][0] == value
