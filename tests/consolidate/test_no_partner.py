"""A tariff row that names no partner reports the one measure of its imposer and goods that stated
its rate in the month before (RateDays, link.py). Sentences written for these tests."""
from extractor.consolidate import consolidate_events

from .support import event

PUB = {"n1": "2025-06-02", "n2": "2025-06-03", "n3": "2025-06-20", "n4": "2025-06-10", "n5": "2025-09-30"}
PERU = event("n1", "The U.S. duty on Peruvian goods rose to 18% on Monday.", 18.0, status="raised", targets=("PER",),
             date="2025-06-02")
NO_PARTNER = event("n3", "The 18% duty stays in place, officials said.", 18.0, targets=())


def _link(links, e):
    return next(link for link in links if link.event_id == e["event_id"])


def test_row_without_partner_reports_the_one_measure_stating_its_rate():
    measures, links = consolidate_events([PERU, NO_PARTNER], PUB)
    assert [tuple(m.targets) for m in measures] == [("PER",)]
    link = _link(links, NO_PARTNER)
    assert (link.measure_id, link.role) == (measures[0].measure_id, "linked")
    assert len(links) == 2


def test_two_measures_stating_the_rate_leave_it_alone():
    chile = event("n2", "Chilean goods now pay an 18% U.S. duty.", 18.0, targets=("CHL",), date="2025-06-03")
    measures, links = consolidate_events([PERU, chile, NO_PARTNER], PUB)
    assert () in {tuple(m.targets) for m in measures}
    assert _link(links, NO_PARTNER).role == "point"


def test_rate_told_only_later_or_long_before_or_on_other_goods_is_no_home():
    later = event("n5", "The U.S. duty on Peruvian goods rose to 18%.", 18.0, status="raised", targets=("PER",),
                  date="2025-09-30")
    copper = event("n1", "Peruvian copper pays an 18% U.S. duty since Monday.", 18.0, targets=("PER",),
                   products=("copper",), date="2025-06-02")
    long_before = event("n1", "The U.S. duty on Peruvian goods rose to 18% in March.", 18.0, status="raised",
                        targets=("PER",), date="2025-03-03")
    for own in (later, copper, long_before):
        measures, links = consolidate_events([own, NO_PARTNER], PUB)
        assert () in {tuple(m.targets) for m in measures}, own["evidence"]["text"]
