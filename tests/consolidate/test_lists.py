"""A duty on a list of partners and the same duty told for one partner (ListMeasures, link.py).
Sentences written for these tests."""
import random

from extractor.consolidate import consolidate_events

from .support import event

PUB = {"l1": "2025-05-02", "l2": "2025-05-03", "l3": "2025-05-20", "l4": "2025-05-21", "l5": "2025-09-01"}
LIST = event("l1", "Washington put a 15% duty on goods from Peru and Chile on Friday.", 15.0, targets=("CHL", "PER"),
             date="2025-05-02")
PERU = event("l2", "Peru's exporters now pay the 15% U.S. duty.", 15.0, targets=("PER",))
PERU_RAISE = event("l3", "The U.S. raised its duty on Peruvian goods to 20% on Tuesday.", 20.0, status="raised",
                   targets=("PER",), date="2025-05-20")


def _tariffs(measures):
    return sorted((tuple(m.targets), tuple((p.date, p.rate) for p in m.timeline)) for m in measures if m.type == "tariff")


def test_partner_telling_the_list_duty_takes_it_over():
    measures, links = consolidate_events([LIST, PERU, PERU_RAISE], PUB)
    got = _tariffs(measures)
    # Peru's own measure holds the list's step and its own raise; Chile keeps the list measure alone
    assert (("PER",), (("2025-05-02", 15.0), ("2025-05-20", 20.0))) in got
    assert (("CHL",), (("2025-05-02", 15.0),)) in got
    assert len(got) == 2
    # one link per event; the list's event links to its first partner's measure (Chile's, kept under the list id)
    assert len(links) == len({link.event_id for link in links}) == 3
    chile = next(m for m in measures if m.targets == ["CHL"])
    assert next(link for link in links if link.event_id == LIST["event_id"]).measure_id == chile.measure_id


def test_first_partner_claiming_takes_the_link_and_the_list_disappears():
    chile = event("l4", "Chile's goods face the 15% U.S. duty.", 15.0, targets=("CHL",))
    measures, links = consolidate_events([LIST, PERU, chile], PUB)
    assert sorted(tuple(m.targets) for m in measures) == [("CHL",), ("PER",)]
    owner = next(link for link in links if link.event_id == LIST["event_id"]).measure_id
    assert owner == next(m for m in measures if m.targets == ["CHL"]).measure_id
    assert len(links) == len({link.event_id for link in links}) == 3


def test_partner_with_another_rate_or_goods_or_time_does_not_take_the_list():
    other_rate = event("l2", "Peru's exporters now pay a 40% U.S. duty.", 40.0, targets=("PER",))
    other_goods = event("l2", "Peru's copper now pays the 15% U.S. duty.", 15.0, targets=("PER",), products=("copper",))
    much_later = event("l5", "Peru still pays a 15% U.S. duty.", 15.0, targets=("PER",))
    for own in (other_rate, other_goods, much_later):
        measures, _ = consolidate_events([LIST, own], PUB)
        assert ("CHL", "PER") in {tuple(m.targets) for m in measures}, own["evidence"]["text"]


def test_list_split_is_order_independent():
    events = [LIST, PERU, PERU_RAISE]
    first = [m.model_dump_json() for m in consolidate_events(events, PUB)[0]]
    for seed in range(3):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        assert [m.model_dump_json() for m in consolidate_events(shuffled, PUB)[0]] == first


def test_row_without_partner_is_ambiguous_between_a_partner_and_the_list_rest():
    no_partner = event("l4", "The 15% duty stays, officials said.", 15.0, targets=())
    measures, links = consolidate_events([LIST, PERU, no_partner], PUB)
    # Peru took the list over, Chile keeps the list's rest: two measures state 15%, so no home
    assert () in {tuple(m.targets) for m in measures}


def test_scoring_maps_a_list_rest_by_the_events_it_holds_and_its_partner():
    from extractor.consolidate.scoring import map_measures

    item = {"measure": "chl-duty", "also": ["chl-duty", "per-duty"], "total": False}
    pairs = [(item, {"event_id": "e1"})]
    links = {"e1": ("peru", "point")}
    measures = [{"measure_id": "peru", "targets": ["PER"], "event_ids": ["e1"]},
                {"measure_id": "rest", "targets": ["CHL"], "event_ids": ["e1"]}]
    gold = [{"measure": "chl-duty", "targets": ["CHL"]}, {"measure": "per-duty", "targets": ["PER"]}]
    # the link votes for the partner the measure is on; the rest, linked to by nothing, by what it holds
    assert map_measures(pairs, links, measures, gold) == {"peru": "per-duty", "rest": "chl-duty"}
    # without measures (old callers): the first key, links only
    assert map_measures(pairs, links) == {"peru": "chl-duty"}
