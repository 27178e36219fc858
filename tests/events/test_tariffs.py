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
