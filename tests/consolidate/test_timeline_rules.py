"""Timeline and as-of rules: the rate a change started from, pauses, talks eras, partner lists.
Every sentence here is written for these tests."""
from extractor.consolidate import consolidate_events
from extractor.consolidate.asof import asof

from .support import event, tariff_measures


def test_rate_a_rise_started_from_is_dated_before_the_rise():
    published = {"k1": "2026-06-02", "k2": "2026-06-20"}
    events = [
        event("k1", "Ruritania doubled its levy on Freedonian steel to 40% from 20% on Monday.", 40.0,
              status="raised", imposer="USA", targets=["TUR"], products=["steel"], date="2026-06-01", confidence=0.95),
        event("k1", "Ruritania doubled its levy on Freedonian steel to 40% from 20% on Monday.", 20.0,
              status="raised", imposer="USA", targets=["TUR"], products=["steel"], date="2026-06-01", confidence=0.95),
        event("k2", "The 40% steel levy took effect on June 1.", 40.0, imposer="USA", targets=["TUR"],
              products=["steel"], date="2026-06-01", confidence=0.95),
    ]
    measures, _ = consolidate_events(events, published)
    (m,) = tariff_measures(measures)
    points = [(p.date, p.rate) for p in m.timeline]
    assert points == [("2026-05-31", 20.0), ("2026-06-01", 40.0)]
    # The old rate no longer answers after the rise (before the fix it was dated the article's day, after the rise).
    assert [r["rate"] for r in asof([m.model_dump()], "2026-06-10", target="TUR", min_confidence=0)] == [40.0]


def test_pause_reports_the_rate_in_force_not_the_paused_one():
    published = {"p1": "2026-03-01", "p2": "2026-04-02", "p3": "2026-04-03"}
    events = [
        event("p1", "A 10% duty on all Freedonian goods applies from March 1.", 10.0, date="2026-03-01", confidence=0.95),
        event("p2", "The duty rises to 30% on April 2.", 30.0, status="announced", date="2026-04-09", confidence=0.95),
        event("p3", "The 30% rate is suspended for 90 days.", 30.0, status="paused", date="2026-04-03", confidence=0.95),
    ]
    measures, _ = consolidate_events(events, published)
    (m,) = tariff_measures(measures)
    paused = [p for p in m.timeline if p.status == "paused"]
    assert [(p.date, p.rate) for p in paused] == [("2026-04-03", 10.0)]


def test_pause_before_anything_applies_is_zero_and_a_lower_paused_rate_stays():
    published = {"q1": "2026-05-01", "q2": "2026-05-02"}
    first = [
        event("q1", "Freedonia will put a 25% counter-tariff on Ruritanian beef from May 10.", 25.0, status="announced",
              imposer="EU", targets=["USA"], products=["beef"], date="2026-05-10", confidence=0.95),
        event("q2", "Freedonia suspended its 25% counter-tariff on beef.", 25.0, status="paused",
              imposer="EU", targets=["USA"], products=["beef"], date="2026-05-02", confidence=0.95),
    ]
    measures, _ = consolidate_events(first, published)
    (m,) = tariff_measures(measures)
    assert [(p.status, p.rate) for p in m.timeline if p.status == "paused"] == [("paused", 0.0)]
    # A pause that leaves a lower rate in force: the text's rate is what applies, untouched.
    published2 = {"r1": "2026-05-01", "r2": "2026-06-01"}
    second = [
        event("r1", "A 30% duty on Freedonian cheese applies from May 1.", 30.0, imposer="EU", targets=["USA"],
              products=["cheese"], date="2026-05-01", confidence=0.95),
        event("r2", "The cheese duty stays suspended at 10% until autumn.", 10.0, status="paused", imposer="EU",
              targets=["USA"], products=["cheese"], date="2026-06-01", confidence=0.95),
    ]
    measures, _ = consolidate_events(second, published2)
    (m,) = tariff_measures(measures)
    assert [(p.status, p.rate) for p in m.timeline] == [("in_effect", 30.0), ("paused", 10.0)]


def test_talks_silent_for_a_year_open_a_new_track():
    published = {"t1": "2024-02-01", "t2": "2024-02-20", "t3": "2025-09-01"}
    events = [
        event("t1", "Negotiators from both sides met in Geneva.", None, type="negotiation", status="held",
              parties=["EU", "USA"], targets=()),
        event("t2", "The two sides met again in Brussels.", None, type="negotiation", status="held",
              parties=["EU", "USA"], targets=()),
        event("t3", "Trade talks between the two resumed on Monday.", None, type="negotiation", status="held",
              parties=["EU", "USA"], targets=()),
    ]
    measures, _ = consolidate_events(events, published)
    talks = [m for m in measures if m.type == "talks"]
    assert sorted(len(m.timeline) for m in talks) == [1, 2]
    assert len({m.measure_id for m in talks}) == 2
    # Talks within a year stay one track.
    measures, _ = consolidate_events(events[:2], published)
    assert len([m for m in measures if m.type == "talks"]) == 1


def _measure(mid, targets, rate, confidence=0.95, products=("steel",)):
    return {"measure_id": mid, "type": "tariff", "imposer": "USA", "targets": list(targets), "products": list(products),
            "name": None, "timeline": [{"date": "2026-01-10", "date_basis": "effective", "status": "in_effect",
                                        "rate": rate, "confidence": confidence}]}


def test_asof_country_version_replaces_a_partner_list():
    listed = _measure("m-list", ["CAN", "MEX", "KOR"], 25.0)
    own = _measure("m-can", ["CAN"], 0.0 + 10.0)
    assert [r["rate"] for r in asof([listed, own], "2026-02-01", target="CAN")] == [10.0]
    # Not for a partner the narrower measure does not name.
    assert [r["rate"] for r in asof([listed, own], "2026-02-01", target="MEX")] == [25.0]
    # A weak country version does not silence a partner list (it answers nothing itself).
    weak = _measure("m-can", ["CAN"], 10.0, confidence=0.5)
    assert [r["rate"] for r in asof([listed, weak], "2026-02-01", target="CAN")] == [25.0]


def test_a_threat_repeated_is_one_point_until_something_takes_effect():
    published = {"w1": "2026-02-01", "w2": "2026-03-15", "w3": "2026-05-01", "w4": "2026-06-01"}
    events = [
        event("w1", "The president threatened on Sunday a 60% tariff on Freedonian gadgets.", 60.0, status="threatened",
              products=["gadgets"], date="2026-02-01", confidence=0.9),
        event("w2", "He repeated on Friday his threat of a 60% gadget tariff.", 60.0, status="threatened",
              products=["gadgets"], date="2026-03-13", confidence=0.9),
    ]
    measures, _ = consolidate_events(events, published)
    (m,) = tariff_measures(measures)
    assert [(p.date, p.status, len(p.article_ids)) for p in m.timeline] == [("2026-02-01", "threatened", 2)]
    # Once a rate took effect, a new threat at the old threatened rate is a new point.
    events += [
        event("w3", "A 20% gadget tariff took effect on May 1.", 20.0, products=["gadgets"], date="2026-05-01", confidence=0.9),
        event("w4", "He threatened on Monday to raise the gadget tariff to 60%.", 60.0, status="threatened",
              products=["gadgets"], date="2026-06-01", confidence=0.9),
    ]
    measures, _ = consolidate_events(events, published)
    (m,) = tariff_measures(measures)
    assert [(p.date, p.status) for p in m.timeline] == [("2026-02-01", "threatened"), ("2026-05-01", "in_effect"),
                                                         ("2026-06-01", "threatened")]


def test_a_sector_duty_reported_without_partner_joins_the_every_country_measure():
    published = {"s1": "2026-02-10", "s2": "2026-03-12", "s3": "2026-06-05", "s4": "2026-06-06"}
    events = [
        event("s1", "A 25% duty on all imported widgets takes effect on March 12.", 25.0, targets=["ALL"],
              products=["widgets"], date="2026-03-12", confidence=0.9),
        event("s2", "The 25% widget duty on every country is now in force.", 25.0, targets=["ALL"], products=["widgets"],
              confidence=0.9),
        # The partner is not named: the every-country widget duty's new step, not a measure of its own.
        event("s3", "The widget duty doubled to 50% on Wednesday.", 50.0, status="raised", targets=[],
              products=["widgets"], date="2026-06-04", confidence=0.9),
        # A partner-less event about other goods stays apart.
        event("s4", "A 10% levy on gizmos applies.", 10.0, targets=[], products=["gizmos"], confidence=0.9),
    ]
    measures, _ = consolidate_events(events, published)
    by_scope = {tuple(m.products): m for m in tariff_measures(measures)}
    assert set(by_scope) == {("widgets",), ("gizmos",)}
    assert by_scope[("widgets",)].targets == ["ALL"]
    assert [(p.date, p.rate) for p in by_scope[("widgets",)].timeline] == [("2026-03-12", 25.0), ("2026-06-04", 50.0)]


def test_scoring_reads_a_list_of_measure_links_as_its_first_key():
    from extractor.consolidate.scoring import _gold_items

    article = {"tariffs": [{"rate": 25.0, "imposer": "USA", "targets": ["CAN", "MEX"], "measure": ["m-can", "m-mex"]}],
               "events": []}
    assert [i["measure"] for i in _gold_items(article)] == ["m-can"]


def test_asof_counts_a_duty_told_twice_once_but_keeps_two_named_ones():
    named = dict(_measure("m-named", ["CHN"], 20.0, products=()), name="fentanyl", n_articles=5)
    unnamed = dict(_measure("m-unnamed", ["CHN"], 20.0, products=()), n_articles=2)
    other = dict(_measure("m-other", ["CHN"], 20.0, products=()), name="reciprocal", n_articles=3)
    assert [r["measure_id"] for r in asof([named, unnamed], "2026-02-01", target="CHN")] == ["m-named"]
    # Two names: two measures, even at one rate.
    assert sorted(r["measure_id"] for r in asof([named, other], "2026-02-01", target="CHN")) == ["m-named", "m-other"]
    # An unnamed measure at another rate is another duty.
    different = dict(_measure("m-unnamed", ["CHN"], 10.0, products=()), n_articles=2)
    assert sorted(r["rate"] for r in asof([named, different], "2026-02-01", target="CHN")) == [10.0, 20.0]


def test_a_rate_followed_by_its_parts_is_a_total():
    from extractor.consolidate.keys import total_cue

    assert total_cue("The 30% rate comprises a 20% duty and a 10% fee.", 30.0)
    assert total_cue("Gadgets pay 45%, made up of the 25% levy and a 20% surcharge.", 45.0)
    assert not total_cue("The 30% rate comprises a 20% duty and a 10% fee.", 20.0)
    assert not total_cue("Gadgets pay 45% since May, and widgets 20%.", 45.0)


def test_a_step_dated_as_taking_effect_is_not_a_coincidental_sum():
    published = {"c1": "2026-01-05", "c2": "2026-01-05", "c3": "2026-03-02", "c4": "2026-03-20"}
    events = [
        event("c1", "A 15% fentanyl duty on Freedonian goods took effect on January 5.", 15.0, date="2026-01-05",
              confidence=0.9),
        event("c2", "A separate 5% reciprocal duty on Freedonian goods took effect on January 5.", 5.0,
              date="2026-01-05", confidence=0.9),
        # A rise of an unnamed duty to 20% on a given day: not 15% + 5%.
        event("c3", "A third duty on Freedonian goods rose to 20% on March 2.", 20.0, status="raised", date="2026-03-02",
              confidence=0.9),
        event("c4", "That third duty has been 20% since March 2.", 20.0, date="2026-03-02", confidence=0.9),
    ]
    measures, links = consolidate_events(events, published)
    assert not [link for link in links if link.role == "total"]
    unnamed = [m for m in tariff_measures(measures) if m.name is None]
    assert [(p.date, p.rate) for p in unnamed[0].timeline] == [("2026-03-02", 20.0)]
