"""Date rules of issue 13 (weeks, year-less months by tense, ranges, date stamps), on our own sentences."""
import datetime as dt

import pytest

from extractor.normalize.dates import find_dates

THU = dt.date(2024, 6, 6)  # a Thursday


def values(text, ref=THU):
    return [(m.text, m.value) for m in find_dates(text, ref)]


@pytest.mark.parametrize("text,expected", [
    # ISO weeks, also when "of" follows with something that is no period
    ("The pact was concluded this week of all weeks.", [("this week", "2024-W23")]),
    ("Talks resume next week in Oslo.", [("next week", "2024-W24")]),
    ("Ministers spoke last week.", [("last week", "2024-W22")]),
    # "the last week of <month>" is another period, not last week
    ("Quotas reset in the last week of March.", [("the last week of March", "2024-W13")]),
])
def test_weeks(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a verb before the expression in its own clause governs it, not the main verb after it
    ("Waivers granted to the two mills in March would not be renewed.", [("March", "2024-03")]),
    ("A draft accord negotiated by the envoys in April, which would have cut duties, failed.",
     [("April", "2024-04")]),
    ("The envoys are due to meet in Lisbon on Saturday, a date fixed weeks ago.",
     [("Saturday", "2024-06-08")]),
    ("The levy, confirmed by the cabinet on Monday, will stay for now.", [("Monday", "2024-06-03")]),
    ("The council said it would restore a 20% duty on trucks and a 4% fee on parts from Dec. 1, ending a pause.",
     [("Dec. 1", "2024-12-01")]),
    ("Importers must pay deposits of 30% from Tuesday, the ministry said.", [("Tuesday", "2024-06-11")]),
    ("Duties that had been planned for Sunday were dropped.", [("Sunday", "2024-06-09")]),
    # must not fire: a past verb in the clause keeps a past month past
    ("Steel output fell in May.", [("May", "2024-05")]),
    ("The board will vote in July.", [("July", "2024-07")]),
    # a hyphenated participle ("locally-made") is no past tense of the clause
    ("The ministry will cut the duty on locally-made parts from Nov. 2.", [("Nov. 2", "2024-11-02")]),
])
def test_tense_from_the_clause(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("The levy was first filed in June last year.", [("June last year", "2023-06")]),
    ("The review ends on April 3 next year.", [("April 3 next year", "2025-04-03")]),
    ("Output rose 4% in the April-June quarter.", [("the April-June quarter", "2024-Q2")]),
    ("Output rose 4% in the October-December quarter of 2023.", [("the October-December quarter of 2023", "2023-Q4")]),
    ("The envoys met on May 20 and 21, 2023.", [("May 20", "2023-05-20"), ("21, 2023", "2023-05-21")]),
    ("The envoys met on May 20-21, 2023.", [("May 20", "2023-05-20"), ("21, 2023", "2023-05-21")]),
    # must not fire: months that are no quarter; a count before a year
    ("Sales from February to April rose.", [("February", "2024-02"), ("April", "2024-04")]),
    ("They bought 20, 21, 2023 and 2024 models.", [("2023", "2023"), ("2024", "2024")]),
])
def test_relative_years_quarters_and_ranges(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Trade notice\nOslo, 4 June 2024\nThe ministry raised duties on Monday.", [("Monday", "2024-06-03")]),
    ("Press note 7\nSan Jose, June 4, 2024\nThe minister spoke.", []),
    ("Lima, June 4 - The cabinet approved the levy on June 3.", [("June 3", "2024-06-03")]),
    ("Updated: June 5, 2024 10:00 ET\nTariffs rose.", []),
    ("Copyright 2024 Example News. (c) 2023-2024 All rights reserved.", []),
    ("See the Surtax Order (2024-7) for details.", []),
    # must not fire: a place and a date inside a sentence are reported facts
    ("The envoys met in Oslo, 4 June 2024, and agreed.", [("4 June 2024", "2024-06-04")]),
    ("The ministers signed the pact in Bern, June 3 was the day.", [("June 3", "2024-06-03")]),
])
def test_date_stamps_are_not_reported(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Exports fell 5% in May from a year earlier.", [("May", "2024-05")]),
    ("Prices are up 3% versus a year ago.", []),
    # must not fire: "a year earlier" told as when something happened keeps its year
    ("The mill had closed a year earlier.", [("a year earlier", "2023")]),
    ("Two years ago, tariffs rose.", [("Two years ago", "2022")]),
])
def test_comparison_base_is_no_date(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text,expected", [
    (" date 2024-06-05 Mills cut output\nThe levy rose on Monday.", [("Monday", "2024-06-03")]),
    ("Mills cut output\n5 June 2024\nThe levy rose on Monday.", [("Monday", "2024-06-03")]),
    ("Mills cut output\nWednesday, June 5, 2024\nBody text.", []),
    ("Date: June 5, 2024\nBody text.", []),
    # must not fire: a date that continues a sentence across a line break, or inside a sentence
    ("The levy took effect on\nJune 3, 2024, officials said.", [("June 3, 2024", "2024-06-03")]),
    ("The levy took effect on June 3, 2024.", [("June 3, 2024", "2024-06-03")]),
])
def test_page_stamp_lines_are_not_reported(text, expected):
    assert values(text) == expected
