"""A fake NER backend, so that tests of the batch job run without a spaCy model.

Importing this module registers "tariffwire.test.FakeNer.v1"; select it with a config override:

    load_config(None, {"nlp.ner.@ner_backends": FAKE_NER})

It takes the same settings as tariffwire.SpacyNer.v1 (and ignores them) and tags every run of two
or more capitalized words as PERSON, which is enough for the officials finder to have work to do.
"""
from __future__ import annotations

import inspect
import re
from typing import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from extractor.nlp.ner import Entity, make_spacy_ner
from extractor.registry import registry

FAKE_NER = "tariffwire.test.FakeNer.v1"
_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")


def _people(text: str) -> list[Entity]:
    return [Entity(m.start(), m.end(), "PERSON") for m in _NAME.finditer(text)]


@Language.component("tariffwire_test_fake_ner")
def fake_ner_component(doc: Doc) -> Doc:
    doc.ents = filter_spans([doc.char_span(e.start, e.end, label=e.label, alignment_mode="expand") for e in _people(doc.text)])
    return doc


class FakeNer:
    name = "fake"

    def __init__(self):
        self._nlp = None

    @property
    def nlp(self) -> Language:
        """A blank English pipeline whose NER is the regex above."""
        if self._nlp is None:
            self._nlp = spacy.blank("en")
            self._nlp.add_pipe("tariffwire_test_fake_ner")
        return self._nlp

    def pipe(self, texts: Iterable[str]) -> Iterator[list[Entity]]:
        for text in texts:
            yield _people(text)


def make_fake_ner(**settings) -> FakeNer:
    return FakeNer()


# Accept exactly the settings the real backend accepts (the config validates [nlp.ner] against the
# function's signature), so that a new SpacyNer setting never breaks the tests that use the fake.
make_fake_ner.__signature__ = inspect.signature(make_spacy_ner).replace(return_annotation=FakeNer)
registry.ner_backends(FAKE_NER)(make_fake_ner)
