"""A measure takes effect once; a change names its measure by the rate it started from; a newer act
on the same goods replaces an older rate in the as-of answer. Every sentence here is written for
these tests."""
from extractor.consolidate import consolidate_events
from extractor.consolidate.asof import asof

from .support import event, tariff_measures


def _rates(measures, day, **filters):
    return sorted(r["rate"] for r in asof([m.model_dump() for m in measures], day, min_confidence=0, **filters))


def test_in_force_on_signing_then_again_weeks_later_is_announcement_then_start():
    published = {"s1": "2026-02-10", "s2": "2026-02-18", "s3": "2026-03-12"}
    events = [
        event("s1", "Ruritania imposed a 25% duty on all imported copper on Monday.", 25.0, targets=["ALL"],
              products=["copper"], confidence=0.95),
        event("s2", "The copper duty was imposed on Monday, February 10, 2026.", 25.0, targets=["ALL"],
              products=["copper"], date="2026-02-10", confidence=0.9),
        event("s3", "The 25% copper duty is in force from Wednesday.", 25.0, targets=["ALL"],
              products=["copper"], date="2026-03-12", confidence=0.95),
    ]
    measures, _ = consolidate_events(events, published)
    (m,) = tariff_measures(measures)
    assert [(p.date, p.status) for p in m.timeline] == [("2026-02-10", "announced"), ("2026-03-12", "in_effect")]
    # Before the fix the later day merged into the first: the duty answered from the signing day.
    assert _rates(measures, "2026-02-20", target="FRA") == []
    assert _rates(measures, "2026-03-20", target="FRA") == [25.0]


def test_a_rate_restated_long_after_it_started_stays_one_step():
    published = {"r1": "2026-02-10", "r2": "2026-09-01"}
    events = [
        event("r1", "A 25% duty on all imported copper took effect on Monday.", 25.0, targets=["ALL"],
              products=["copper"], date="2026-02-09", confidence=0.95),
        event("r2", "The 25% copper duty was in force on Monday.", 25.0, targets=["ALL"],
              products=["copper"], date="2026-08-31", confidence=0.95),
    ]
    measures, _ = consolidate_events(events, published)
    (m,) = tariff_measures(measures)
    assert [(p.date, p.status) for p in m.timeline] == [("2026-02-09", "in_effect")]


def test_a_rise_from_the_rate_of_a_broader_measure_is_its_step():
    published = {"c1": "2026-03-01", "c2": "2026-03-05", "c3": "2026-06-01"}
    events = [
        event("c1", "A 25% duty on imported steel and aluminum took effect on March 1.", 25.0, targets=["ALL"],
              products=["steel", "aluminum"], date="2026-03-01", confidence=0.95),
        event("c2", "The 25% duty on steel and aluminum applies to all countries.", 25.0, targets=["ALL"],
              products=["steel", "aluminum"], confidence=0.95),
        event("c3", "The steel duty was raised to 50% from 25% on Friday.", 50.0, status="raised",
              targets=["ALL"], products=["steel"], date="2026-05-29", previous_rate=25.0, confidence=0.9),
    ]
    measures, _ = consolidate_events(events, published)
    # Before the fix the rise made an every-country steel measure of its own, and the steel-and-
    # aluminum measure still answered 25%.
    (m,) = tariff_measures(measures)
    assert [(p.date, p.rate) for p in m.timeline] == [("2026-03-01", 25.0), ("2026-05-29", 50.0)]


def test_a_rise_from_a_rate_nobody_stated_keeps_its_own_measure():
    published = {"d1": "2026-03-01", "d2": "2026-06-01"}
    events = [
        event("d1", "A 25% duty on imported steel and aluminum took effect on March 1.", 25.0, targets=["ALL"],
              products=["steel", "aluminum"], date="2026-03-01", confidence=0.95),
        event("d2", "The steel duty was raised to 50% from 30% on Friday.", 50.0, status="raised",
              targets=["ALL"], products=["steel"], date="2026-05-29", previous_rate=30.0, confidence=0.9),
    ]
    measures, _ = consolidate_events(events, published)
    assert len(tariff_measures(measures)) == 2


def test_a_newer_act_on_the_same_goods_replaces_an_older_rate():
    published = {"n1": "2026-02-10", "n2": "2026-02-12", "n3": "2026-02-20", "n4": "2026-03-12"}
    both = dict(targets=["ALL"], products=["steel", "aluminum"])
    events = [
        event("n1", "Ruritania will put 25% on all steel and aluminum imports.", 25.0, status="announced",
              date="2026-02-10", confidence=0.95, **both),
        event("n2", "Steel and aluminum imports face 25% from March 12.", 25.0, status="announced",
              date="2026-02-10", confidence=0.95, **both),
        event("n3", "Aluminum imports paid 10% until now.", 10.0, targets=["ALL"], products=["aluminum"],
              date="2026-02-10", confidence=0.95),
        event("n4", "The 25% steel and aluminum duty took effect on Wednesday.", 25.0, date="2026-03-12",
              confidence=0.95, **both),
    ]
    measures, _ = consolidate_events(events, published)
    # Before the fix the older aluminum rate answered next to the new duty.
    assert _rates(measures, "2026-03-20", target="FRA", product="aluminum") == [25.0]
    # From the day the newer act is announced the older rate no longer answers, though it may
    # still apply until the new duty starts (a known simplification, docs/consolidation.md).
    assert _rates(measures, "2026-02-25", target="FRA", product="aluminum") == []


def test_a_duty_on_other_goods_is_not_replaced():
    published = {"o1": "2026-02-10", "o2": "2026-02-12", "o3": "2026-03-12"}
    events = [
        event("o1", "A 25% duty on all steel imports took effect on Monday.", 25.0, targets=["ALL"],
              products=["steel"], date="2026-02-09", confidence=0.95),
        event("o2", "The 25% steel duty applies to all countries.", 25.0, targets=["ALL"], products=["steel"],
              confidence=0.95),
        event("o3", "A 10% duty on all aluminum imports took effect on Wednesday.", 10.0, targets=["ALL"],
              products=["aluminum"], date="2026-03-11", confidence=0.95),
    ]
    measures, _ = consolidate_events(events, published)
    assert _rates(measures, "2026-03-20", target="FRA") == [10.0, 25.0]


def test_a_rise_whose_name_cue_never_stated_its_starting_rate_follows_its_rates():
    published = {"m1": "2026-03-01", "m2": "2026-05-02", "m3": "2026-08-04"}
    events = [
        event("m1", "Ruritania's 25% duty on Freedonian goods took effect on Saturday.", 25.0, targets=["TUR"],
              date="2026-03-01", confidence=0.95),
        event("m2", "The 25% duty on Freedonian goods remains in place.", 25.0, targets=["TUR"], confidence=0.95),
        event("m3", "Ruritania raised its retaliatory duty on Freedonian goods to 35% from 25%.",
              35.0, status="raised", targets=["TUR"], date="2026-08-01", previous_rate=25.0, confidence=0.9),
    ]
    measures, _ = consolidate_events(events, published)
    # Before the fix the name cue ("retaliatory", stated nowhere else for this duty) made the rise a
    # measure of its own.
    (m,) = tariff_measures(measures)
    assert [(p.date, p.rate) for p in m.timeline] == [("2026-03-01", 25.0), ("2026-08-01", 35.0)]


def test_a_measure_silent_through_a_later_chapter_of_its_pair_no_longer_answers():
    published = {"h1": "2018-07-06", "h2": "2018-09-24", "h3": "2025-02-04", "h4": "2025-02-05"}
    events = [
        event("h1", "A 25% duty on Freedonian machinery took effect on Friday.", 25.0, targets=["TUR"],
              products=["machinery"], date="2018-07-06", confidence=0.95),
        event("h2", "The 25% machinery duty on Freedonia stays.", 25.0, targets=["TUR"], products=["machinery"],
              confidence=0.95),
        event("h3", "A 10% duty on all Freedonian goods took effect on Tuesday.", 10.0, targets=["TUR"],
              date="2025-02-04", confidence=0.95),
        event("h4", "The 10% duty on Freedonian goods applies from Tuesday.", 10.0, targets=["TUR"],
              date="2025-02-04", confidence=0.95),
    ]
    measures, _ = consolidate_events(events, published)
    assert _rates(measures, "2019-01-10", target="TUR") == [25.0]
    # Before the fix the 2018 duty, never reported in the 2025 coverage, answered in 2025 too.
    assert _rates(measures, "2025-03-01", target="TUR") == [10.0]


def test_an_announcement_weeks_ahead_is_its_own_point_and_never_applies():
    published = {"a1": "2026-02-01", "a2": "2026-02-02", "a3": "2026-03-04", "a4": "2026-03-05"}
    events = [
        event("a1", "Ruritania announced on Saturday a 25% duty on Freedonian goods.", 25.0, status="announced",
              targets=["TUR"], date="2026-02-01", confidence=0.95),
        event("a2", "Ruritania said it will put 25% on Freedonian goods.", 25.0, status="announced",
              targets=["TUR"], confidence=0.95),
        event("a3", "The 25% duty on Freedonian goods took effect on Tuesday.", 25.0, targets=["TUR"],
              date="2026-03-04", confidence=0.95),
        event("a4", "Freedonian goods pay 25% since Tuesday.", 25.0, targets=["TUR"], date="2026-03-04",
              confidence=0.95),
    ]
    measures, _ = consolidate_events(events, published)
    (m,) = tariff_measures(measures)
    # Before the fix both announcements joined the step that took effect a month later: one point.
    assert [(p.date, p.status) for p in m.timeline] == [("2026-02-01", "announced"), ("2026-03-04", "in_effect")]
    assert _rates(measures, "2026-02-15", target="TUR") == []
    assert _rates(measures, "2026-03-10", target="TUR") == [25.0]


def test_a_duty_of_an_earlier_chapter_is_not_summed_into_a_later_total():
    published = {"e1": "2018-09-24", "e2": "2018-10-01", "e3": "2025-02-04", "e4": "2025-02-05", "e5": "2025-03-04"}
    events = [
        event("e1", "A 10% duty on Freedonian machinery took effect on Monday.", 10.0, targets=["TUR"],
              products=["machinery"], date="2018-09-24", confidence=0.95),
        event("e2", "The 10% machinery duty on Freedonia stays.", 10.0, targets=["TUR"], products=["machinery"],
              confidence=0.95),
        event("e3", "A 10% duty on all Freedonian goods took effect on Tuesday.", 10.0, targets=["TUR"],
              date="2025-02-04", confidence=0.95),
        event("e4", "The 10% duty on Freedonian goods applies since Tuesday.", 10.0, targets=["TUR"],
              date="2025-02-04", confidence=0.95),
        event("e5", "Ruritania doubled the duty on Freedonian goods to 20%.", 20.0, status="raised",
              targets=["TUR"], confidence=0.9),
    ]
    measures, links = consolidate_events(events, published)
    # Before the fix 20% = the 2018 duty's 10% + the 2025 duty's 10%: taken for a total, no point.
    assert not [link for link in links if link.role == "total"]
    (m,) = [m for m in tariff_measures(measures) if not m.products]
    assert [(p.date, p.rate) for p in m.timeline] == [("2025-02-04", 10.0), ("2025-03-04", 20.0)]


def test_a_rate_told_without_its_goods_reports_the_one_goods_measure_stating_it():
    published = {"g1": "2026-08-10", "g2": "2026-08-12", "g3": "2027-05-21"}
    events = [
        event("g1", "Ruritania doubled its steel duty on Freedonia to 50% on Friday.", 50.0, status="raised",
              targets=["TUR"], products=["steel"], date="2026-08-10", confidence=0.95),
        event("g2", "Freedonian steel pays 50% since Friday.", 50.0, targets=["TUR"], products=["steel"],
              date="2026-08-10", confidence=0.95),
        event("g3", "Freedonia still faces the 50% rate.", 50.0, targets=["TUR"], confidence=0.9),
    ]
    measures, _ = consolidate_events(events, published)
    # Before the fix the goods-less row made a Freedonia all-goods measure of its own.
    (m,) = tariff_measures(measures)
    assert m.products == ["steel"] and m.n_articles == 3


def test_a_better_attested_all_goods_measure_keeps_its_rows():
    published = {"w1": "2026-03-04", "w2": "2026-03-05", "w3": "2026-03-06", "w4": "2026-03-12"}
    events = [
        event("w1", "A 25% duty on all Freedonian goods took effect on Tuesday.", 25.0, targets=["TUR"],
              date="2026-03-04", confidence=0.95),
        event("w2", "Freedonian goods pay 25% since Tuesday.", 25.0, targets=["TUR"], date="2026-03-04", confidence=0.95),
        event("w3", "The 25% duty on Freedonia stays.", 25.0, targets=["TUR"], confidence=0.95),
        event("w4", "Freedonian steel pays 25% from Wednesday.", 25.0, targets=["TUR"], products=["steel"],
              date="2026-03-12", confidence=0.95),
    ]
    measures, _ = consolidate_events(events, published)
    assert sorted(tuple(m.products) for m in tariff_measures(measures)) == [(), ("steel",)]


def test_a_lift_before_anything_applied_is_no_point():
    published = {"l1": "2026-02-11", "l2": "2026-03-12", "l3": "2026-03-13", "l4": "2026-06-01"}
    both = dict(targets=["ALL"], products=["steel", "aluminum"])
    events = [
        event("l1", "Ruritania lifted all exemptions from its 25% steel and aluminum duty on Monday.", 25.0,
              status="lifted", date="2026-02-10", confidence=0.95, **both),
        event("l2", "The 25% steel and aluminum duty took effect on Wednesday.", 25.0, date="2026-03-12",
              confidence=0.95, **both),
        event("l3", "Steel and aluminum imports pay 25% since Wednesday.", 25.0, date="2026-03-12",
              confidence=0.95, **both),
        event("l4", "Ruritania lifted its 25% steel and aluminum duty on Monday.", 25.0, status="lifted",
              date="2026-06-01", confidence=0.95, **both),
    ]
    measures, _ = consolidate_events(events, published)
    (m,) = tariff_measures(measures)
    # Before the fix the exemptions' end made a lift at 0 before the duty ever applied.
    assert [(p.date, p.rate, p.status) for p in m.timeline] == [("2026-03-12", 25.0, "in_effect"),
                                                               ("2026-06-01", 0.0, "lifted")]
    assert [c.status for c in m.timeline[0].conflicts] == ["lifted"]
