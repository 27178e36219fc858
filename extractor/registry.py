"""Versioned names that configs refer to (`@readers = "tariffwire.Ingest.v1"`, `factory = "tariffwire_countries_v1"`).

Built on confection's registry, as spaCy's is: a config block that names a function is resolved
and validated against that function's type hints. The pipeline's components are spaCy factories
(`@Language.factory`, named in [components] blocks), registered in spaCy's own registry.
"""
from __future__ import annotations

from typing import Any, Callable

import catalogue
import confection
from spacy.language import Language


class registry(confection.registry):
    readers = catalogue.create("tariffwire", "readers", entry_points=True)
    ner_backends = catalogue.create("tariffwire", "ner_backends", entry_points=True)


def component_factory(name: str, version: int = 1, **meta: Any) -> Callable:
    """`@Language.factory` under the versioned name `{name}_v{version}`, the name configs use.

    A component whose behaviour changes gets a new version beside the old one, so a saved config
    keeps the records it was written for. Version 1 is also registered under the plain name, which
    configs written before the names were versioned (and `nlp.add_pipe("tariffwire")`) use.
    Underscores, not dots: spaCy names a component after its factory, and a dotted component name
    would nest its [components] block.
    """
    def register(func: Callable) -> Callable:
        Language.factory(f"{name}_v{version}", **meta)(func)
        if version == 1:
            Language.factory(name, **meta)(func)
        return func

    return register
