"""The prefilter (api.is_relevant) only decides whether NER runs: the output never changes.

The event components apply the same test (events.relevance.mentions_trade), so an article that fails it
can hold no event either way; these tests check that claim on the project's corpora and on
MEANTIME's non-trade news, and check the predicate itself.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _fake_ner import FAKE_NER
from extractor.api import Extractor, article_doc, is_relevant
from extractor.config import load_config
from extractor.events import relevance as trade_context
from extractor.ingest.article import Article
from tests.pipeline_support import CORPORA, benchmark_module

BC = benchmark_module("build_corpus")
HAS_MEANTIME = BC.meantime_dir().is_dir()
needs_meantime = pytest.mark.skipif(not HAS_MEANTIME, reason=f"MEANTIME not found at {BC.meantime_dir()}")


def _outputs(extractor: Extractor, items: list, *, prefilter: bool, batch_size: int = 64) -> tuple[list, int]:
    """(one (article, events, error) triple per input, number prefiltered), batched as a run batches."""
    out, prefiltered = [], 0
    for i in range(0, len(items), batch_size):
        for o in extractor.process_batch(items[i:i + batch_size], prefilter=prefilter):
            prefiltered += int(o.prefiltered)
            out.append((o.record.model_dump_json() if o.record else None,
                        [e.model_dump_json() for e in o.events], o.error and o.error["message"]))
    return out, prefiltered


def _meantime_items(extractor: Extractor) -> list:
    return [extractor.to_article(a, i) for i, a in enumerate(BC.meantime_articles())]


CASES = {
    "samples": ([CORPORA / "samples"], {"ingest.published_default": "2025-04-10"}),
    "dev": ([CORPORA / "dev" / "train", CORPORA / "dev" / "test"], {}),
    "meantime": (None, {}),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_prefilter_output_identical(case):
    inputs, overrides = CASES[case]
    if inputs is None and not HAS_MEANTIME:
        pytest.skip(f"MEANTIME not found at {BC.meantime_dir()}")
    extractor = Extractor(load_config(None, overrides))
    items = list(extractor.read([str(p) for p in inputs])) if inputs else _meantime_items(extractor)
    assert items
    with_prefilter, skipped = _outputs(extractor, items, prefilter=True)
    without_prefilter, none_skipped = _outputs(extractor, items, prefilter=False)
    assert none_skipped == 0
    assert with_prefilter == without_prefilter
    if case in ("samples", "meantime"):  # sample-09 (weather); most of MEANTIME: the prefilter did skip NER
        assert skipped > 0


@pytest.mark.parametrize("text", [
    "Heavy rain flooded parts of Lyon on Monday and the river Saone rose by two metres, officials said.",
    "Apple unveiled a thinner laptop on Tuesday; its shares rose 2% in New York.",
    "The Senate confirmed the new defence secretary by 62 votes to 38 on Thursday.",
    "Chrysler will close 789 dealerships as part of its restructuring, the carmaker said.",
    "The central bank cut its key interest rate by half a point to 2.5%.",
])
def test_is_relevant_rejects_non_trade_text(text):
    assert not is_relevant(text)


@pytest.mark.parametrize("text", [
    "Washington raised tariffs on Chinese goods to 145%.",
    "Canada will impose duties of 25% on U.S. steel.",
    "Beijing vowed to retaliate against the new levies.",
    "Talks on a trade agreement resume next week.",
    "Imports of aluminium fell after the measure took effect.",
])
def test_is_relevant_accepts_trade_text(text):
    assert is_relevant(text)


# Wikinews stories on aircraft orders, car-industry restructuring, a trademark suit, a bailout
# vote and music prices: business and politics, but no trade policy.
MEANTIME_NON_TRADE = ["3835", "126311", "58383", "118147", "145930", "118175", "89284"]


@needs_meantime
@pytest.mark.parametrize("doc", MEANTIME_NON_TRADE)
def test_is_relevant_rejects_meantime_news(doc):
    path = next(BC.meantime_dir().rglob(f"{doc}_*.xml"))
    assert not is_relevant(BC.meantime_article(path)["text"])


@needs_meantime
def test_is_relevant_rejects_most_of_meantime():
    texts = [a["text"] for a in BC.meantime_articles()]
    rejected = sum(not is_relevant(t) for t in texts)
    # 8 of 120 mention imports, duties or trade (stock and car-industry news) and go on to NER.
    assert rejected / len(texts) >= 0.9


TALKS = ("WASHINGTON - U.S. Treasury Secretary Scott Bessent and Chinese Vice Premier He Lifeng held talks in "
         "Geneva on Saturday and agreed a deal to cut the 145% {noun} to 30% for 90 days, officials said.")


@pytest.fixture(scope="module")
def fake_extractor():
    return Extractor(load_config(None, {"nlp.ner.@ner_backends": FAKE_NER}))


@pytest.mark.parametrize("prefilter", [True, False])
def test_event_stage_builds_no_events_without_trade_context(fake_extractor, prefilter):
    article = Article(id="no-trade", text=TALKS.format(noun="rate"), published="2025-05-12")
    assert not is_relevant(article.text)
    outcome = fake_extractor.process_batch([article], prefilter=prefilter)[0]
    assert outcome.error is None
    assert outcome.prefiltered is prefilter
    assert outcome.events == []
    # The event components themselves, given entities, refuse too: the prefilter loses nothing by construction.
    doc = fake_extractor.nlp(article_doc(fake_extractor.nlp, article))
    assert doc.ents
    assert doc._.tw_events == []


def test_event_stage_builds_events_with_trade_context(fake_extractor):
    """The control for the test above: one trade word more and the same text yields events."""
    article = Article(id="trade", text=TALKS.format(noun="tariff"), published="2025-05-12")
    assert is_relevant(article.text)
    outcome = fake_extractor.process_batch([article], prefilter=True)[0]
    assert not outcome.prefiltered
    assert {e.type for e in outcome.events} >= {"tariff", "negotiation"}


# -- the fast path of the predicate equals the plain regex ---------------------------------------------

# The predicate as first written: one case-insensitive regex search. mentions_trade adds a literal
# pre-check and a lookahead for speed and must answer exactly as this does.
_REFERENCE = re.compile(trade_context._TRADE_PATTERN, re.IGNORECASE)

_PIECES = ["tariff", "TARIFFS", "duty", "Duties", "dutyfree", "levy", "LEVIES", "levying", "trade", "trader",
           "Trading Partner", "trading partners", "countermeasure", "counter-measure", "customs", "Customs",
           "import", "Imports", "imported", "export", "retaliat", "ı", "ſ", "İ", "K", "\u0307", "-", " ", ".",
           "s", "i", "'", "é", "the", "cuſtoms", "İmport", "dut", "lev", "y", "ies", "\n", "’"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=12))
def test_mentions_trade_answers_as_the_plain_regex(pieces):
    text = "".join(pieces)
    assert trade_context.mentions_trade(text) == (_REFERENCE.search(text) is not None)


@pytest.mark.parametrize("text", ["İMPORTS rose", "cuſtoms union", "new dutıes", "TRADE", "a levy,", "no such words"])
def test_mentions_trade_folds_case_as_the_regex_does(text):
    assert trade_context.mentions_trade(text) == (_REFERENCE.search(text) is not None)


@needs_meantime
def test_mentions_trade_answers_as_the_plain_regex_on_meantime():
    for article in BC.meantime_articles():
        for text in (article["text"], article["text"].upper(), article["text"].swapcase()):
            assert trade_context.mentions_trade(text) == (_REFERENCE.search(text) is not None)
