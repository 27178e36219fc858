"""Versioned names that configs refer to (`@readers = "tariffwire.Ingest.v1"`, `@sinks = "tariffwire.Sql.v1"`,
`factory = "tariffwire_countries_v1"`).

Built on confection's registry, as spaCy's is: a config block that names a function is resolved
and validated against that function's type hints. The pipeline's components are spaCy factories
(`@Language.factory`, named in [components] blocks), registered in spaCy's own registry.
"""
from __future__ import annotations

from typing import Any, Callable

import catalogue
import confection
from pydantic_core import core_schema
from spacy.language import Language


class registry(confection.registry):
    readers = catalogue.create("tariffwire", "readers", entry_points=True)
    ner_backends = catalogue.create("tariffwire", "ner_backends", entry_points=True)
    # Outputs besides the JSONL, named in [output.sinks.*] blocks (extractor/writers/sink.py).
    sinks = catalogue.create("tariffwire", "sinks", entry_points=True)


class _PositiveIntType(type):
    """confection's errors name a type by its repr: `0 is not a whole number >= 1`, not `<class ...>`."""

    def __repr__(cls) -> str:
        return "a whole number >= 1"


class PositiveInt(int, metaclass=_PositiveIntType):
    """A whole number >= 1 (not a bool), as a setting's type: `batch_size: PositiveInt = 500`.

    Checked wherever a config is: by confection when it resolves a registered function's block or a
    component's settings, and by pydantic in a schema. (pydantic's own PositiveInt is
    Annotated[int, Gt(0)], and confection's checker reads only the `int` of that: 0 would pass.)
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(cls.check)

    @staticmethod
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"expected a whole number >= 1, not {value!r}")
        return value


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
