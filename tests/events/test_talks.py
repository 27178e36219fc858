"""Negotiation and agreement rules on sentences written for these tests."""
import pytest

from extractor.ingest.article import Article
from tests.pipeline_support import extractor


def talks(text, published="2025-04-16"):
    out = extractor().process_batch([Article(id="t", text=text, published=published)])[0]
    assert out.error is None, out.error
    return {(e.type, tuple(e.parties)) for e in out.events if e.type != "tariff"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Mexico's economy minister held trade talks with U.S. officials in Washington on Tuesday.",
         {("negotiation", ("MEX", "USA"))}),
        # a coordinated clause inherits its subject
        ("Canadian Prime Minister Mark Carney met Trump to discuss tariffs and has invited Japan's trade minister for talks next week.",
         {("negotiation", ("CAN", "USA")), ("negotiation", ("CAN", "JPN"))}),
        # the topic of talks is not a party
        ("Spanish Prime Minister Pedro Sanchez will meet Chinese President Xi Jinping to discuss tariffs imposed on the European Union.",
         {("negotiation", ("CHN", "ESP"))}),
        ("The United States and Vietnam reached a trade deal on Wednesday.", {("agreement", ("USA", "VNM"))}),
        ("Britain and Japan have reached separate trade deals with Washington.",
         {("agreement", ("GBR", "USA")), ("agreement", ("JPN", "USA"))}),
    ],
)
def test_talks_events(text, expected):
    assert talks(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "India said it would not rush to reach a trade deal with the United States.",
        "Officials hope to strike a deal with China before the deadline, Washington said.",
    ],
)
def test_talks_hypothetical_deals_are_not_agreements(text):
    assert not any(kind == "agreement" for kind, _ in talks(text))


# -- the component on hand-built Docs (no model) ---------------------------------------------------------

from tests.pipeline_support import ALL_COMPONENTS, hand_doc  # noqa: E402


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Japan and the United States held trade talks on Friday.", [("negotiation", "held", ["JPN", "USA"])]),
        ("Britain and India signed a trade deal on Thursday.", [("agreement", "signed", ["GBR", "IND"])]),
        ("Japan and the United States held talks on Friday.", []),  # no trade vocabulary: no event
    ],
)
def test_talks_component_writes_talk_mentions(text, expected):
    doc = hand_doc(text, ALL_COMPONENTS, published="2025-04-16")
    assert [(t.type, t.status, t.parties) for t in doc._.tw_talks] == expected
