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
