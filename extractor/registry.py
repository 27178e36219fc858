"""Versioned names that configs refer to (`@readers = "tariffwire.Ingest.v1"`).

Built on confection's registry, as spaCy's is: a config block that names a function is resolved
and validated against that function's type hints. The pipeline's components are spaCy factories
(`@Language.factory`, named in [components] blocks), registered in spaCy's own registry.
"""
from __future__ import annotations

import catalogue
import confection


class registry(confection.registry):
    readers = catalogue.create("tariffwire", "readers", entry_points=True)
    ner_backends = catalogue.create("tariffwire", "ner_backends", entry_points=True)
