"""Person-name helpers. Pure functions."""
from __future__ import annotations

import re

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# Lower-case particles that belong inside a name ("Ursula von der Leyen", "Luiz Inacio Lula da Silva").
NAME_PARTICLES = frozenset({"von", "der", "van", "de", "da", "del", "della", "di", "du", "la", "le", "bin", "al", "dos", "das"})
HONORIFICS = frozenset({"Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Sir", "Dame", "Honourable", "Honorable", "Hon", "Hon."})


def strip_possessive(token: str) -> str:
    return _POSSESSIVE.sub("", token)


def name_tokens(name: str) -> list[str]:
    return [t for t in re.split(r"\s+", name.strip()) if t]


def normalise_name(name: str) -> str:
    """Collapse whitespace and drop a trailing possessive: "Donald  Trump’s" -> "Donald Trump"."""
    toks = name_tokens(name)
    if toks:
        toks[-1] = strip_possessive(toks[-1])
    return " ".join(t for t in toks if t)
