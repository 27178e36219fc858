"""Linking and timelines over the hand-written US-China story of tests/consolidate/support.py."""
import pytest

from extractor.consolidate import consolidate_events
from extractor.consolidate.asof import asof

from .support import PUBLISHED, STORY, event


def _by_name(measures):
    return {(m.imposer, tuple(m.targets), m.name): m for m in measures if m.type == "tariff"}


def test_link_two_measures_on_one_pair_stay_two():
    measures, _ = consolidate_events(STORY, PUBLISHED)
    names = _by_name(measures)
    assert set(names) == {("USA", ("CHN",), "fentanyl"), ("USA", ("CHN",), "reciprocal")}


def test_link_rate_steps_are_points_not_measures():
    measures, _ = consolidate_events(STORY, PUBLISHED)
    reciprocal = _by_name(measures)[("USA", ("CHN",), "reciprocal")]
    force = [(p.date, p.rate) for p in reciprocal.timeline if p.status != "threatened"]
    assert force == [("2025-04-09", 34.0), ("2025-04-10", 125.0), ("2025-05-14", 10.0)]
    assert reciprocal.current.rate == 10.0
    fentanyl = _by_name(measures)[("USA", ("CHN",), "fentanyl")]
    assert [(p.date, p.rate) for p in fentanyl.timeline] == [("2025-02-04", 10.0), ("2025-03-04", 20.0)]


def test_link_totals_support_no_measure():
    measures, links = consolidate_events(STORY, PUBLISHED)
    totals = {link.event_id for link in links if link.role == "total"}
    expected = {e["event_id"] for e in STORY if e["rate"] == 145.0}
    assert totals == expected
    assert not any(p.rate == 145.0 for m in measures for p in m.timeline)


def test_link_misremembered_rate_is_dissent_not_a_step():
    measures, _ = consolidate_events(STORY, PUBLISHED)
    fentanyl = _by_name(measures)[("USA", ("CHN",), "fentanyl")]
    assert 30.0 not in [p.rate for p in fentanyl.timeline]
    last = fentanyl.timeline[-1]
    assert [c.rate for c in last.conflicts] == [30.0] and last.conflicts[0].article_ids == ["a8"]


def test_link_threat_is_a_point_never_in_force():
    measures, _ = consolidate_events(STORY, PUBLISHED)
    threats = [p for m in measures for p in m.timeline if p.status == "threatened"]
    assert [p.rate for p in threats] == [50.0]
    rates = sorted(r["rate"] for r in asof([m.model_dump() for m in measures], "2025-04-09", imposer="USA", target="CHN", min_confidence=0))
    assert rates == [20.0, 34.0]


def test_link_asof_reports_steps():
    dumped = [m.model_dump() for m in consolidate_events(STORY, PUBLISHED)[0]]
    assert sorted(r["rate"] for r in asof(dumped, "2025-04-15", imposer="USA", target="CHN")) == [20.0, 125.0]
    assert sorted(r["rate"] for r in asof(dumped, "2025-01-15", imposer="USA", target="CHN")) == []
    assert sorted(r["rate"] for r in asof(dumped, "2025-05-20", imposer="USA", target="CHN")) == [10.0, 20.0]
    # the 34% of April 9 rests on one article (confidence 0.8): reported only below the default threshold
    assert sorted(r["rate"] for r in asof(dumped, "2025-04-09", imposer="USA", target="CHN")) == [20.0]
    assert sorted(r["rate"] for r in asof(dumped, "2025-04-09", imposer="USA", target="CHN", min_confidence=0.5)) == [20.0, 34.0]


def test_link_talks_track_per_parties():
    measures, _ = consolidate_events(STORY, PUBLISHED)
    talks = [m for m in measures if m.type == "talks"]
    assert len(talks) == 1 and talks[0].parties == ["EU", "USA"]
    assert [p.status for p in talks[0].timeline] == ["held", "held"]


def test_link_agreement_raises_confidence():
    one = [event("b1", "a 25% tariff on steel", 25.0, targets=["ALL"], products=["steel"], date="2025-03-12")]
    many = one + [event(f"b{i}", "a 25% tariff on steel", 25.0, targets=["ALL"], products=["steel"], date="2025-03-12")
                  for i in range(2, 5)]
    single = consolidate_events(one, {})[0][0].timeline[0].confidence
    several = consolidate_events(many, {})[0][0].timeline[0].confidence
    assert several > single


def test_link_product_spellings_and_narrow_scope_fold_into_one_measure():
    events = [
        event("c1", "25% tariffs on steel and aluminum", 25.0, targets=["ALL"], products=["steel", "aluminum"], date="2025-03-12"),
        event("c2", "25% duties on steel and aluminium", 25.0, targets=["ALL"], products=["steel", "aluminium"], date="2025-03-12"),
        event("c3", "the 25% tariff on steel", 25.0, targets=["ALL"], products=["steel products"]),
        event("c4", "Canadian steel faces the 25% tariff", 25.0, targets=["CAN"], products=["steel"]),
    ]
    measures, _ = consolidate_events(events, {"c1": "2025-03-11", "c2": "2025-03-12", "c3": "2025-04-01", "c4": "2025-04-02"})
    assert len(measures) == 1
    assert measures[0].products == ["aluminum", "steel"] and len(measures[0].event_ids) == 4


def test_link_lifted_is_rate_zero():
    events = [
        event("d1", "Canada imposed 25% counter-tariffs on U.S. goods", 25.0, imposer="CAN", targets=["USA"], date="2025-03-04"),
        event("d2", "Canada lifted its 25% counter-tariffs", 25.0, imposer="CAN", targets=["USA"], status="lifted", date="2025-09-01"),
    ]
    measures, _ = consolidate_events(events, {"d1": "2025-03-04", "d2": "2025-08-22"})
    assert [(p.rate, p.status) for p in measures[0].timeline] == [(25.0, "in_effect"), (0.0, "lifted")]
    assert asof([measures[0].model_dump()], "2025-10-01", target="USA", min_confidence=0)[0]["rate"] == 0.0


def test_link_run_together_scope_goes_to_the_better_attested_narrower_measure():
    steel = [event(f"s{i}", "25% tariffs on steel and aluminum", 25.0, targets=["ALL"], products=["steel", "aluminum"],
                   date="2025-03-12") for i in range(3)]
    mixed = [event("m1", "25% on steel, aluminum and cars", 25.0, targets=["ALL"], products=["steel", "aluminum", "cars"],
                   date="2025-03-12")]
    measures, _ = consolidate_events(steel + mixed, {})
    assert len(measures) == 1 and measures[0].products == ["aluminum", "steel"] and len(measures[0].event_ids) == 4


def test_link_cut_with_two_rates_keeps_the_new_rate_on_its_day():
    events = [
        event("r1", "The reciprocal tariff rose to 125% on Thursday.", 125.0, status="raised", date="2025-04-10"),
        event("r2", "The reciprocal tariff will be cut to 10% from 125% on May 14.", 10.0, status="reduced", date="2025-05-14"),
        event("r2", "The reciprocal tariff will be cut to 10% from 125% on May 14.", 125.0, status="reduced", date="2025-05-14"),
    ]
    measures, _ = consolidate_events(events, {"r1": "2025-04-11", "r2": "2025-05-12"})
    assert [(p.date, p.rate) for p in measures[0].timeline] == [("2025-04-10", 125.0), ("2025-05-14", 10.0)]
    assert measures[0].timeline[0].article_ids == ["r1", "r2"]


def test_link_threat_of_a_rate_already_applied_is_no_point():
    events = [
        event("t1", "The 25% steel tariff took effect on March 12.", 25.0, targets=["ALL"], products=["steel"], date="2025-03-12"),
        event("t2", "Trump threatened the 25% steel tariff again.", 25.0, targets=["ALL"], products=["steel"], status="threatened"),
        event("t3", "Trump threatened to double the steel tariff to 50%.", 50.0, targets=["ALL"], products=["steel"], status="threatened"),
    ]
    measures, _ = consolidate_events(events, {"t1": "2025-03-12", "t2": "2025-04-01", "t3": "2025-05-30"})
    points = [(p.rate, p.status) for p in measures[0].timeline]
    assert points == [(25.0, "in_effect"), (50.0, "threatened")]
    assert measures[0].timeline[0].conflicts[0].article_ids == ["t2"]


def test_link_a_year_of_silence_starts_a_new_measure():
    old = event("e1", "a 25% steel duty took effect", 25.0, targets=["ALL"], products=["steel"], date="2018-03-23")
    new = event("e2", "a 25% steel duty took effect", 25.0, targets=["ALL"], products=["steel"], date="2025-03-12")
    measures, _ = consolidate_events([old, new], {"e1": "2018-03-23", "e2": "2025-03-12"})
    assert len(measures) == 2 and len({m.measure_id for m in measures}) == 2


@pytest.mark.parametrize("rate,is_total", [(104.0, True), (84.0, False), (90.0, False)])
def test_link_sum_of_rates_in_force_or_due_within_days_is_a_total(rate, is_total):
    events = [
        event("f1", "the 20% fentanyl tariff took effect", 20.0, date="2025-03-04"),
        event("f2", "the reciprocal tariff rises to 84% on Wednesday", 84.0, status="raised", date="2025-04-09"),
        event("f3", "Chinese goods will face U.S. tariffs at this rate", rate, status="announced"),
    ]
    _, links = consolidate_events(events, {"f1": "2025-03-04", "f2": "2025-04-08", "f3": "2025-04-08"})
    role = next(link.role for link in links if link.article_id == "f3")
    assert (role == "total") is is_total


def test_link_two_names_for_one_measure_merge():
    events = [
        event("n1", "China's retaliatory tariff on U.S. goods rose to 84%.", 84.0, imposer="CHN", targets=["USA"],
              status="raised", date="2025-04-10"),
        event("n2", "China's reciprocal tariff of 84% on American goods took effect.", 84.0, imposer="CHN",
              targets=["USA"], date="2025-04-10"),
        event("n3", "China's retaliatory tariff climbed to 125%.", 125.0, imposer="CHN", targets=["USA"],
              status="raised", date="2025-04-12"),
    ]
    measures, _ = consolidate_events(events, {"n1": "2025-04-10", "n2": "2025-04-11", "n3": "2025-04-12"})
    assert len(measures) == 1 and measures[0].name == "countermeasures"
    assert [p.rate for p in measures[0].timeline] == [84.0, 125.0]
