"""Versioned names that configs refer to (`@readers = "tariffwire.Ingest.v1"`).

Built on confection's registry, as spaCy's is: a config block that names a function is resolved
and validated against that function's type hints.
"""
from __future__ import annotations

import catalogue
import confection


class registry(confection.registry):
    readers = catalogue.create("tariffwire", "readers", entry_points=True)
    extractors = catalogue.create("tariffwire", "extractors", entry_points=True)
    ner_backends = catalogue.create("tariffwire", "ner_backends", entry_points=True)
    relations = catalogue.create("tariffwire", "relations", entry_points=True)
    writers = catalogue.create("tariffwire", "writers", entry_points=True)
    misc = catalogue.create("tariffwire", "misc", entry_points=True)
