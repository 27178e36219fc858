"""Cue-word lexicons of the rule components, as data.

The words that make a rule fire ("talks", "reached a deal", "retaliat-", "exemption") live in
``extractor/data/cues/<lang>/<name>.json``, not as literals in the rule modules, so that a reviewer
reads one file per component to see what it reacts to, and a second language adds a folder of files
rather than editing code. A file has two sections:

``words``
    Named phrase lists. A list used on its own compiles to ``\\b(?:phrase|...)\\b`` (a character
    trie, see ``textpatterns.trie_alternation``; a space in a phrase matches any run of whitespace).
``patterns``
    Named regular expressions for cues that need structure ("agreed ... to cut"); ``{list}`` in
    them is replaced by the alternation of the word list of that name (without boundaries), so the
    vocabulary stays in ``words`` and the pattern only says how the words combine.

Every cue compiles case-insensitive unless its name is listed in ``case_sensitive``. Keys starting
with ``_`` are documentation. ``cue_patterns(name)`` returns the compiled cues by name, cached.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

from .errors import TariffwireError
from .textpatterns import trie_alternation

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def _phrase_token(ch: str) -> str:
    return r"\s+" if ch == " " else re.escape(ch)


def _alternation(phrases: list[str], lowercase: bool) -> str:
    return trie_alternation([p.lower() if lowercase else p for p in phrases], token=_phrase_token)


def compile_cues(spec: Mapping, *, source: str = "<cues>") -> Mapping[str, re.Pattern]:
    """Compile a lexicon (the parsed JSON of one cue file) into patterns by name."""
    words = {k: v for k, v in spec.get("words", {}).items() if not k.startswith("_")}
    patterns = {k: v for k, v in spec.get("patterns", {}).items() if not k.startswith("_")}
    case_sensitive = set(spec.get("case_sensitive", ()))
    clash = set(words) & set(patterns)
    if clash:
        raise TariffwireError(f"{source}: {sorted(clash)} named both a word list and a pattern")
    compiled: dict[str, re.Pattern] = {}
    for name, phrases in words.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            raise TariffwireError(f"{source}: words.{name} must be a list of non-empty strings")
        flags = 0 if name in case_sensitive else re.IGNORECASE
        compiled[name] = re.compile(r"\b" + _alternation(phrases, flags != 0) + r"\b", flags)
    for name, pattern in patterns.items():
        flags = 0 if name in case_sensitive else re.IGNORECASE

        def expand(m: re.Match, _name=name, _flags=flags) -> str:
            list_name = m.group(1)
            if list_name not in words:
                raise TariffwireError(f"{source}: patterns.{_name} names an unknown word list {{{list_name}}}")
            return _alternation(words[list_name], _flags != 0)

        try:
            compiled[name] = re.compile(_PLACEHOLDER.sub(expand, pattern), flags)
        except re.error as exc:
            raise TariffwireError(f"{source}: patterns.{name} is not a valid regular expression: {exc}") from exc
    return MappingProxyType(compiled)


@lru_cache(maxsize=None)
def cue_patterns(name: str, lang: str = "en") -> Mapping[str, re.Pattern]:
    """The compiled cues of ``data/cues/<lang>/<name>.json``."""
    path = resources.files(__package__).joinpath("data", "cues", lang, f"{name}.json")
    if not path.is_file():
        raise TariffwireError(f"no cue lexicon {name!r} for language {lang!r} (looked for data/cues/{lang}/{name}.json)")
    with path.open(encoding="utf-8") as f:
        spec = json.load(f)
    return compile_cues(spec, source=f"data/cues/{lang}/{name}.json")
