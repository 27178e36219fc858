"""Tariff binding rules on sentences written for these tests (no corpus text)."""

import pytest

from extractor.ingest.article import Article
from tests.pipeline_support import extractor


def tariffs(text, published="2025-04-16"):
    ex = extractor()
    outcome = ex.process_batch([Article(id="t", text=text, published=published)])[0]
    assert outcome.error is None, outcome.error
    return {(e.rate, e.imposer, tuple(e.targets)) for e in outcome.events if e.type == "tariff"}


@pytest.mark.parametrize(
    "text,expected",
    [
        # possessive imposer, demonym target
        ("U.S. tariffs of 25% on Chinese goods took effect on Friday.", {(25.0, "USA", ("CHN",))}),
        # retaliation: the retaliating country is the imposer
        ("Canada retaliated with 25% tariffs on American steel.", {(25.0, "CAN", ("USA",))}),
        # destination market names the imposer; "hit with" names the target
        ("Brazil has been hit with 50% duties on its exports to the United States.", {(50.0, "USA", ("BRA",))}),
        # universal / baseline
        ("A 10% baseline tariff now applies to nearly all imports into the United States.", {(10.0, "USA", ("ALL",))}),
        # two rates in one sentence bind to their own targets
        ("Washington imposed 25% tariffs on Mexico and a 10% levy on goods from China.",
         {(25.0, "USA", ("MEX",)), (10.0, "USA", ("CHN",))}),
        # previous -> new rates: both are tariff rates
        ("The United States raised tariffs on $200 billion of Chinese goods from 10% to 25%.",
         {(10.0, "USA", ("CHN",)), (25.0, "USA", ("CHN",))}),
        # per cent spelling
        ("Ottawa said it would impose a 25 per cent counter-tariff on U.S. steel.", {(25.0, "CAN", ("USA",))}),
    ],
)
def test_tariffs_binding(text, expected):
    assert tariffs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Stocks fell 2% after the tariff announcement.",
        "China's economy grew 5.2% last year despite the tariffs.",
        "Canada accounts for 16% of U.S. steel imports, tariffs or not.",
        "The company's shares rose 3.5% on Monday.",
        "Mexico bought $200 billion of goods under the trade deal.",
    ],
)
def test_tariffs_percentages_that_are_not_tariffs(text):
    assert tariffs(text) == set()


def test_tariffs_status_paused_and_duration():
    ex = extractor()
    out = ex.process_batch([Article(id="t", text="Trump paused the 34% tariff on Chinese goods for 90 days.", published="2025-04-09")])[0]
    (event,) = [e for e in out.events if e.type == "tariff"]
    assert event.status == "paused"
    assert event.duration == "P90D"


def test_tariffs_all_product_imports_is_universal():
    assert tariffs("U.S. tariffs of 25% on all steel and aluminum imports took effect on Wednesday.") == {(25.0, "USA", ("ALL",))}
    # a named country is a target, not a universal tariff
    assert tariffs("U.S. tariffs of 25% on all Chinese imports took effect on Wednesday.") == {(25.0, "USA", ("CHN",))}


# -- the component on hand-built Docs (no model) ---------------------------------------------------------

def _statuses(text, published="2025-04-16"):
    ex = extractor()
    outcome = ex.process_batch([Article(id="t", text=text, published=published)])[0]
    return {e.rate: e.status for e in outcome.events if e.type == "tariff"}


@pytest.mark.parametrize(
    "text,expected",
    [
        # a duty on a sector from every country is one duty on ALL, also in a story about one partner
        ("Peru asked for relief. Washington kept its 30% duty on copper imports from every country.",
         {(30.0, "USA", ("ALL",))}),
        ("Chile sought an exemption from the 30 percent levy that Washington charges on copper from all sources.",
         {(30.0, "USA", ("ALL",))}),
        # the every-country tail of a list of rates covers each rate of the list
        ("Ghana was not spared when Washington put a 30% tariff on copper and a 15% tariff on tin imports from all countries.",
         {(30.0, "USA", ("ALL",)), (15.0, "USA", ("ALL",))}),
        ("A 30% U.S. tariff on all bicycle imports takes effect on Monday, Kenya's trade ministry noted.",
         {(30.0, "USA", ("ALL",))}),
        # "X's decision to impose" names the imposer
        ("Peru hit back after the United States' decision to impose a 30% duty on copper imports from all countries.",
         {(30.0, "USA", ("ALL",))}),
        # "Washington has levied": an active verb, not a target's passive
        ("Chile wants relief from the 30 percent duty Washington has levied on copper from every country.",
         {(30.0, "USA", ("ALL",))}),
    ],
)
def test_tariffs_sector_duty_from_every_country(text, expected):
    assert tariffs(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # a named partner stays the target of its own rate
        ("Washington kept its 30% duty on copper imports from Peru.", {(30.0, "USA", ("PER",))}),
        # "all" that is not about countries does not make a universal duty
        ("Washington put a 30% tariff on Peruvian copper, hitting all of its grades.", {(30.0, "USA", ("PER",))}),
        # "all goods originating in X" names X: the origin wins over the every-goods wording
        ("Sweden will levy an additional tariff of 30% on all goods originating in Norway.", {(30.0, "SWE", ("NOR",))}),
    ],
)
def test_tariffs_sector_duty_rules_that_must_not_fire(text, expected):
    assert tariffs(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # the previous rate of a from/to pair is the same tariff: same imposer and targets
        ("The pact trims U.S. tariffs on Korean trucks to 12% from 22.5%, Seoul's trade minister Kim Jae-won said.",
         {(12.0, "USA", ("KOR",)), (22.5, "USA", ("KOR",))}),
        # the partner that obtains a rate under a deal is its target, not its imposer
        ("Tariffs dominated the summit. Norway secured a 12% rate under the deal it struck with Washington last week.", {(12.0, "USA", ("NOR",))}),
        ("Tariffs dominated the summit. Thailand received a 19 percent rate in its agreement with the United States.", {(19.0, "USA", ("THA",))}),
        # the country that charges the rate under a deal imposes it
        ("Tariffs dominated the summit. Under the deal, the United States will charge 12% on Norwegian salmon.", {(12.0, "USA", ("NOR",))}),
    ],
)
def test_tariffs_direction_under_deals(text, expected):
    assert tariffs(text) == expected


def test_tariffs_rate_repeated_later_keeps_its_targets():
    text = ("Washington imposed 30% tariffs on copper imports from all countries on Monday. "
            "Peru's government said it would not retaliate against the 30% U.S. tariffs.")
    assert tariffs(text) == {(30.0, "USA", ("ALL",))}


def test_tariffs_status_not_retaliating_leaves_the_tariff_in_effect():
    text = "Peru said it will not retaliate against the 30% U.S. tariffs on its copper."
    assert _statuses(text) == {30.0: "in_effect"}


def test_tariffs_status_ruling_out_own_tariff_still_fires():
    text = "Peru said it will not impose a 30% duty on American wheat."
    assert _statuses(text) == {30.0: "ruled_out"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Washington lifted duties on Chinese furniture to 60% on Tuesday.", {60.0: "raised"}),
        ("Beijing lifted its 30% tariffs on Australian barley on Tuesday.", {30.0: "lifted"}),
    ],
)
def test_tariffs_status_lifted_to_a_rate_is_a_raise(text, expected):
    assert _statuses(text) == expected


from tests.pipeline_support import ALL_COMPONENTS, hand_doc  # noqa: E402


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Canada imposed a 25% tariff on U.S. steel.", [(25.0, "CAN", ["USA"])]),
        ("China's retaliatory duties of 10% hit American farm goods.", [(10.0, "CHN", ["USA"])]),
        # the same text without the trade vocabulary holds no tariff (the prefilter's test)
        ("Canada's stocks rose 25% against the U.S. index.", []),
    ],
)
def test_tariffs_component_sets_tariffs_on_rate_spans(text, expected):
    doc = hand_doc(text, ALL_COMPONENTS, published="2025-04-16")
    found = [(t.rate, t.imposer, t.targets) for span in doc.spans["tw_rates"] for t in span._.tariffs]
    assert found == expected
    assert [(e.rate, e.imposer, e.targets) for e in doc._.tw_events if e.type == "tariff"] == expected


@pytest.mark.parametrize("default_imposer,expected", [("USA", "USA"), (None, None)])
def test_tariffs_component_default_imposer_is_a_setting(default_imposer, expected):
    doc = hand_doc("A 25% tariff on steel took effect.", ALL_COMPONENTS, published="2025-04-16",
                   config={"tariffwire_tariffs": {"default_imposer": default_imposer}})
    assert [t.imposer for t in doc._.tw_context.tariffs] == [expected]


@pytest.mark.parametrize("settings", [{"cue_window": 0}, {"cue_window": "many"}, {"default_imposer": 5}])
def test_tariffs_component_refuses_a_bad_setting(settings):
    from confection import ConfigValidationError

    with pytest.raises((ConfigValidationError, ValueError)):
        hand_doc("x", ALL_COMPONENTS, config={"tariffwire_tariffs": settings})
