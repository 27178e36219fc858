"""Regex building blocks shared by the rule components."""
from __future__ import annotations

import re
from typing import Callable, Iterable

_END = ""


def trie_alternation(
    phrases: Iterable[str],
    *,
    token: Callable[[str], str] = re.escape,
    on_end: Callable[[str], str] = lambda last: "",
) -> str:
    """A regex alternation of literal phrases, factored into a character trie.

    Python's re tries the branches of a flat alternation one by one at every position of the text;
    a trie lets it reject a position after one character. At a position where several phrases
    match (each a prefix of the next), the longest is tried first and shorter ones on backtracking,
    as a flat alternation sorted longest first does. `token` turns one character into its pattern
    (e.g. a space into r"\\s+"); `on_end(last_char)` is what must follow a complete phrase.
    For a pattern compiled with re.IGNORECASE, pass the phrases lower-cased: the trie is built
    on the characters as given, and "A" and "a." would be two branches, not one.
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[_END] = True

    def build(node: dict, last: str) -> str:
        branches = [token(ch) + build(child, ch) for ch, child in sorted(node.items()) if ch != _END]
        if _END in node:
            branches.append(on_end(last))
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return build(trie, "") if trie else "(?!)"


# Under re.IGNORECASE an ASCII letter also matches these (Python's case-folding table: "İ" and
# "ı" for i, the Kelvin sign for k, the long s for s; tests/test_textpatterns.py checks the list
# against every code point).
_FOLD_EXTRAS = "\u0130\u0131\u212a\u017f"


def _caseless_members(ch: str) -> list[str]:
    if not (ch.isascii() and ch.isalpha()):
        return [ch]
    return sorted({ch.lower(), ch.upper()} | {x for x in _FOLD_EXTRAS if re.fullmatch(ch, x, re.IGNORECASE)})


def caseless(ch: str) -> str:
    """A character class matching what `ch` matches under re.IGNORECASE."""
    members = _caseless_members(ch)
    return re.escape(ch) if len(members) == 1 else "[" + "".join(members) + "]"


def caseless_alternation(words: Iterable[str]) -> str:
    """What `(?i:w1|w2|...)` matches (longest first), as a pattern that starts with a character
    class: Python's re skips ahead through the text in C to a pattern's possible first characters
    only when it starts with a literal or a class, which a case-insensitive alternation does not."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        if not word:
            raise ValueError("caseless_alternation: empty word")
        by_first.setdefault(word[0].lower(), []).append(word[1:].lower())
    first = sorted({ch for letter in by_first for ch in _caseless_members(letter)})
    branches = [f"(?<={caseless(letter)})" + trie_alternation(rests, token=caseless)
                for letter, rests in sorted(by_first.items())]
    return "[" + "".join(re.escape(ch) for ch in first) + "](?:" + "|".join(branches) + ")"
