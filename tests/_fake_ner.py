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

from extractor.nlp.ner import Entity, make_spacy_ner
from extractor.registry import registry

FAKE_NER = "tariffwire.test.FakeNer.v1"
_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")


class FakeNer:
    name = "fake"

    def pipe(self, texts: Iterable[str]) -> Iterator[list[Entity]]:
        for text in texts:
            yield [Entity(m.start(), m.end(), "PERSON") for m in _NAME.finditer(text)]


def make_fake_ner(**settings) -> FakeNer:
    return FakeNer()


# Accept exactly the settings the real backend accepts (the config validates [nlp.ner] against the
# function's signature), so that a new SpacyNer setting never breaks the tests that use the fake.
make_fake_ner.__signature__ = inspect.signature(make_spacy_ner).replace(return_annotation=FakeNer)
registry.ner_backends(FAKE_NER)(make_fake_ner)
