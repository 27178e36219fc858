"""Person-name helpers. Pure functions; the word lists are data (data/names.json)."""
from __future__ import annotations

import json
import re
from importlib import resources

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# The word lists of data/names.json, read once: the officials finder takes its lists from here too.
NAME_WORDS = json.loads(resources.files("extractor.data").joinpath("names.json").read_text(encoding="utf-8"))
# Lower-case particles that belong inside a name ("Ursula von der Leyen", "Luiz Inacio Lula da Silva").
NAME_PARTICLES = frozenset(NAME_WORDS["name_particles"])
# Styles of address in front of a name, as token tuples ("the Honourable", "Datuk Seri"), longest first.
HONORIFIC_PHRASES = tuple(sorted({tuple(h.split()) for h in NAME_WORDS["honorifics"]}, key=len, reverse=True))
# The phrases by their first word (a name's every token is tested: a scan of all phrases cost ~30 us each).
_HONORIFICS_BY_FIRST_WORD: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in HONORIFIC_PHRASES:
    _HONORIFICS_BY_FIRST_WORD[_phrase[0]] = _HONORIFICS_BY_FIRST_WORD.get(_phrase[0], ()) + (_phrase,)
# One-word honorifics, as the name readers test single tokens.
HONORIFICS = frozenset(h for h in NAME_WORDS["honorifics"] if " " not in h)
# One-word honorifics without their period: never a name's word ("Tan" of "Tan Sri" may be a surname).
HONORIFIC_WORDS = frozenset(h.rstrip(".") for h in HONORIFICS)
POSTNOMINALS = frozenset(NAME_WORDS["postnominals"])


def strip_possessive(token: str) -> str:
    return _POSSESSIVE.sub("", token)


def name_tokens(name: str) -> list[str]:
    return [t for t in re.split(r"\s+", name.strip()) if t]


def honorific_length(tokens: list[str], start: int = 0) -> int:
    """How many tokens from `start` are a style of address ("the Rt Hon", "Datuk Seri"), 0 if none.
    A leading "the" counts only in front of an honorific; several may follow each other."""
    i = start
    while i < len(tokens):
        j = i + 1 if tokens[i].lower() == "the" else i
        if j >= len(tokens):
            break
        for phrase in _HONORIFICS_BY_FIRST_WORD.get(tokens[j], ()):  # longest first
            if tuple(tokens[j:j + len(phrase)]) == phrase:
                i = j + len(phrase)
                break
        else:
            break
    return i - start


def normalise_name(name: str) -> str:
    """Collapse whitespace, drop a trailing possessive, leading styles of address and trailing
    post-nominal letters: "the Hon  Jane Roe MP’s" -> "Jane Roe". A name that is nothing but a
    style stays as it is."""
    toks = name_tokens(name)
    if toks:
        toks[-1] = strip_possessive(toks[-1])
    toks = [t for t in toks if t]
    skip = honorific_length(toks)
    if skip < len(toks):
        toks = toks[skip:]
    while len(toks) > 1 and toks[-1] in POSTNOMINALS:
        toks.pop()
    return " ".join(toks)
