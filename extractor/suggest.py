""""Did you mean ...?" for mistyped command-line flags and config keys."""
from __future__ import annotations

import difflib
from typing import Iterable, Optional


def suggest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> Optional[str]:
    """The closest of `choices` to `word`, or None when none is close."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """" (did you mean X?)" for a close choice, else the empty string."""
    hint = suggest(word, choices)
    return f" (did you mean {hint}?)" if hint else ""
