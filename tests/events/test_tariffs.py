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
