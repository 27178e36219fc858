"""Per-document errors go through spaCy's error handler: a rule component that raises on one Doc
gives that article an error record and the rest of the batch goes on, in the same
pass (no retry of the batch), with the records each article gets alone."""
from __future__ import annotations

import pytest
from spacy.language import Language

from extractor.api import Extractor
from extractor.config import load_config
from extractor.ingest.article import Article
from extractor.job import outcome_entries
from extractor.nlp.component import RuleComponent
from tests._fake_ner import FAKE_NER

POISON = "XQZ-RAISES-IN-A-COMPONENT"


class RaisesOnMarker(RuleComponent):
    """A rule component that fails on any article whose text holds the marker."""

    def annotate(self, ctx) -> None:
        if POISON in ctx.text:
            raise KeyError("a component's bug on this one article")


@Language.factory("tariffwire_test_raises_on_marker")
def make_raises_on_marker(nlp: Language, name: str) -> RaisesOnMarker:
    return RaisesOnMarker()


def _extractor() -> Extractor:
    config = load_config(None, {"nlp.ner.@ner_backends": FAKE_NER})
    # Inserted before the event components, as a user's own component could be.
    config["components"]["raiser"] = {"factory": "tariffwire_test_raises_on_marker"}
    pipeline = list(config["nlp"]["pipeline"])
    config["nlp"]["pipeline"] = pipeline[:-3] + ["raiser"] + pipeline[-3:]
    return Extractor(config)


ARTICLES = [
    Article(id="first", text="The United States raised tariffs on Chinese steel to 25% on Monday.", published="2025-04-10"),
    Article(id="poisoned", text=f"Canada imposed a 10% tariff on U.S. cars. {POISON}", published="2025-04-10"),
    Article(id="last", text="Japan and the United States resumed trade talks in Tokyo on Friday.", published="2025-04-10"),
]


@pytest.mark.parametrize("prefilter", [False, True])
def test_a_component_raising_on_one_doc_fails_that_article_alone(prefilter, monkeypatch):
    ex = _extractor()
    handled = []
    on_error = ex._on_error

    def spy(name, proc, docs, exc):  # spaCy calls the handler with the Docs the component failed
        handled.append((name, [doc.text for doc in docs], type(exc)))
        on_error(name, proc, docs, exc)

    monkeypatch.setattr(ex, "_on_error", spy)
    passes = []
    pipe = ex._pipe
    monkeypatch.setattr(ex, "_pipe", lambda docs: (passes.append(len(docs)), pipe(docs))[1])

    outcomes = ex.process_batch(ARTICLES, prefilter=prefilter)

    assert [o.article_id for o in outcomes] == ["first", "poisoned", "last"]
    assert handled == [("raiser", [ARTICLES[1].text], KeyError)]
    assert passes == [3]  # one pass over the batch: the handler, not a retry, isolated the failure
    poisoned = outcomes[1]
    assert poisoned.record is None and poisoned.events == []
    status, [entry] = outcome_entries(poisoned)
    assert status == "failed"
    # Stage "nlp": the component is not one of tariffwire's rule components (those report "events").
    assert (entry.level, entry.article_id, entry.stage, entry.error_type) == ("error", "poisoned", "nlp", "KeyError")
    assert "a component's bug on this one article" in entry.message
    # The batch went on: the others have exactly the records they get alone.
    for i in (0, 2):
        [alone] = ex.process_batch([ARTICLES[i]], prefilter=prefilter)
        assert outcomes[i].error is None
        assert outcomes[i].record == alone.record and outcomes[i].events == alone.events
    assert outcomes[0].events  # not vacuous: the tariff article has its event


def test_without_the_marker_the_component_changes_nothing():
    plain = Extractor(load_config(None, {"nlp.ner.@ner_backends": FAKE_NER}))
    ours = _extractor()
    good = [ARTICLES[0], ARTICLES[2]]
    for a, b in zip(plain.process_batch(good, prefilter=False), ours.process_batch(good, prefilter=False)):
        assert (a.record, a.events) == (b.record, b.events)
