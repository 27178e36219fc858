"""Country mentions: find them in text and map names, codes and regions to each other.

Pure functions over two data files, `data/countries.json` (gazetteer and trap rules; its
`_decisions` list documents what counts and why) and `data/regions.json`. The gazetteer is
compiled once, on first use, into a single trie-shaped regex: one pass over the text, leftmost
and longest match first, case-sensitive.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from ..textpatterns import trie_alternation

_DATA = Path(__file__).resolve().parent.parent / "data"
_KINDS = ("name", "alias", "demonym", "capital", "metonym")
_PLACE_KINDS = frozenset({"capital", "metonym"})


@dataclass(frozen=True)
class CountryMatch:
    code: str
    text: str
    start: int
    end: int
    kind: str  # "name" | "alias" | "demonym" | "capital" | "metonym"
    counts: bool  # refers to the state, government, economy or a trading party (guide's rule)


@dataclass(frozen=True)
class _Form:
    code: str
    kind: str


class _Gazetteer:
    def __init__(self, data: dict, regions: dict[str, str]):
        self.names: dict[str, str] = {}
        self.forms: dict[str, _Form] = {}
        for row in data["countries"]:
            code = row["code"]
            self.names[code] = row["name"]
            self._add(row["name"], code, "name")
            for kind, key in (("alias", "aliases"), ("demonym", "demonyms"), ("capital", "capitals"), ("metonym", "metonyms")):
                for form in row[key]:
                    self._add(form, code, kind)
        self.prefixes: dict[str, str] = {p + "-": code for p, code in data["prefixes"].items()}
        self.base_regex = _trie_regex(list(self.forms) + list(self.prefixes))
        self.compounds: dict[str, tuple[bool, list[tuple[int, int, str]]]] = {}
        for phrase, counts in data["compounds"].items():
            inner = [(s, e, f) for s, e, f in self._scan(self.base_regex, phrase) if f in self.forms]
            self.compounds[phrase] = (counts, inner)
        self.regex = _trie_regex(list(self.forms) + list(self.prefixes) + list(self.compounds))

        self.place_words = frozenset(data["place_words"])
        self.place_suffixes = tuple(data["place_suffixes"])
        self.place_sensitive = frozenset(data["place_sensitive_aliases"])
        self.person_ambiguous: dict[str, str] = data["person_ambiguous"]
        self.state_ambiguous = frozenset(data["state_ambiguous"])
        self.needs_cue: dict[str, list[str]] = data["needs_cue"]
        self.cue_window: int = data["cue_window"]
        self.sentence_start_nouns = {k: frozenset(v) for k, v in data["sentence_start_nouns"].items()}
        self.demonym_stop = frozenset(w for w in data["demonym_non_party_followers"] if not w.startswith("-"))
        self.demonym_stop_suffixes = tuple(w for w in data["demonym_non_party_followers"] if w.startswith("-"))
        self.ethnic_heads = frozenset(data["ethnic_hyphen_heads"])
        self.currency_markers = tuple(data["currency_markers"])
        self.currency_words = frozenset(data["currency_words"])
        self.venue_nouns = frozenset(data["venue_nouns"])
        self.capital_place_followers = frozenset(data["capital_place_followers"])
        self.appositive_closers = frozenset(data["appositive_closers"])
        self.media_heads = frozenset(data["media_heads"])
        # "talks in Switzerland", "a summit held in Chile": a venue noun, up to two lowercase words, in/at.
        self.venue_before = re.compile(
            r"\b(" + "|".join(sorted(map(re.escape, self.venue_nouns))) + r")(?:\s+[a-z]+){0,2}\s+(?:in|at)\s+(?:the\s+)?$")
        # "Times of India", "Press Trust of India": a media head noun, then "of".
        self.media_of_before = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, self.media_heads))) + r") of (?:the )?$")
        self.function_words = frozenset(data["function_words"])

        self.regions = regions
        self.regions_folded = {k.casefold(): v for k, v in regions.items()}
        # Case-insensitive lookup only for forms that are not abbreviations, so "us" stays None.
        self.folded = {f.casefold(): v.code for f, v in self.forms.items() if not (f.isupper() or "." in f)}

    def _add(self, form: str, code: str, kind: str) -> None:
        known = self.forms.get(form)
        if known is not None and known.code != code:
            raise ValueError(f"countries.json: form {form!r} belongs to both {known.code} and {code}")
        if known is None:
            self.forms[form] = _Form(code, kind)

    @staticmethod
    def _scan(regex: re.Pattern, text: str):
        pos = 0
        while True:
            m = regex.search(text, pos)
            if m is None:
                return
            start = m.start()
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                pos = start + 1
                continue
            yield start, m.end(), m.group()
            pos = m.end()


def _trie_regex(forms: list[str]) -> re.Pattern:
    """One regex whose alternation is a character trie: longest form first, a word boundary after forms ending in a word character."""
    return re.compile(trie_alternation(forms, on_end=lambda last: r"(?!\w)" if (last.isalnum() or last == "_") else ""))


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    data = json.loads((_DATA / "countries.json").read_text(encoding="utf-8"))
    regions = json.loads((_DATA / "regions.json").read_text(encoding="utf-8"))["regions"]
    return _Gazetteer(data, regions)


_PREV_WORD = re.compile(r"(\w+)\s+(?:the\s+|The\s+)?$")
_PREV_TOKEN = re.compile(r"([A-Z][\w’'.]*) $")
_PREV_COMMA_TOKEN = re.compile(r"([A-Z][a-z]+), $")
_NEXT_CAP = re.compile(r" ([A-Z][a-z]+)\b")
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")
_POSSESSIVE = re.compile(r"['’]s\b")
_SENTENCE_END = re.compile(r"(?:^|[.!?][\"'”’)]*\s+|\n\s*)$")
_HYPHEN_WORD_AFTER = re.compile(r"-(\w+)")
_HYPHEN_WORD_BEFORE = re.compile(r"(\w+)-$")
# "in Geneva, " / "at a summit in Kuala Lumpur, ": a place word, a capitalised place name of up to three words, a comma.
_PLACE_THEN_CITY_COMMA = re.compile(r"\b(\w+)\s+(?:the\s+)?((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,2}),\s+$")
_APPOSITIVE_END = re.compile(r"\s*(?:$|[,.;:)\]\n]|\s+([a-z]+)\b)")
_CAPITALISED_WORDS_THEN = re.compile(r"(?: [A-Z][\w&.'’-]*){0,3}")
_BRACKET_AFTER_PLACE = re.compile(r"[A-Z][\w.'’-]* \[$")
_BRACKET_GLOSS_AFTER = re.compile(r" \[[A-Z][^\]\n]{0,40}\]")


def find_countries(text: str, *, exclude: Sequence[tuple[int, int]] = ()) -> list[CountryMatch]:
    """Country mentions in `text`, sorted and non-overlapping; matches overlapping an `exclude` span are dropped."""
    g = _gazetteer()
    out: list[CountryMatch] = []
    for start, end, form in g._scan(g.regex, text):
        if any(s < end and start < e for s, e in exclude):
            continue
        if form in g.compounds:
            counts, inner = g.compounds[form]
            for s, e, f in inner:
                info = g.forms[f]
                out.append(CountryMatch(info.code, f, start + s, start + e, info.kind, counts))
        elif form in g.prefixes:
            out.append(CountryMatch(g.prefixes[form], form[:-1], start, end - 1, "alias", True))
        else:
            info = g.forms[form]
            out.append(CountryMatch(info.code, form, start, end, info.kind, _counts(g, text, start, end, form, info)))
    return out


def _counts(g: _Gazetteer, text: str, start: int, end: int, form: str, info: _Form) -> bool:
    before = text[max(0, start - 40):start]
    after = text[end:end + 40]
    possessive = _POSSESSIVE.match(after) is not None
    if after.startswith(g.currency_markers):
        return False
    m = _NEXT_WORD.match(after)
    if m and m.group(1) in g.currency_words:  # "Swiss franc", "US dollars": the currency, not the state
        return False
    if _is_media_name(g, before, after):
        return False
    if after.startswith("]") and _BRACKET_AFTER_PLACE.search(before):  # "Brussels [Belgium]": a gloss of where
        return False
    if info.kind in _PLACE_KINDS and _BRACKET_GLOSS_AFTER.match(after):  # ... and the city glossed is a place
        return False
    if not possessive and (_is_city_appositive(g, before, after) or g.venue_before.search(before)):
        return False
    if info.kind in _PLACE_KINDS and not possessive:
        if m and m.group(1) in g.capital_place_followers:  # "the Stockholm meeting", "Paris trading"
            return False
    if info.kind in _PLACE_KINDS or form in g.place_sensitive:
        if not possessive:
            if after.startswith(g.place_suffixes):
                return False
            m = _PREV_WORD.search(before)
            if m and m.group(1).lower() in g.place_words:
                return False
    if form in g.person_ambiguous and _is_person(g, before, after, g.person_ambiguous[form]):
        return False
    if form in g.state_ambiguous:
        m = _PREV_COMMA_TOKEN.search(before)
        if m and m.group(1) not in g.function_words and m.group(1) not in g.forms:
            return False
    if form in g.needs_cue:
        window = text[max(0, start - g.cue_window):end + g.cue_window]
        return any(cue in window for cue in g.needs_cue[form])
    if form in g.sentence_start_nouns and _SENTENCE_END.search(text[max(0, start - 10):start]):
        m = _NEXT_WORD.match(after)
        if m and m.group(1).lower() in g.sentence_start_nouns[form]:
            return False
    if info.kind == "demonym":
        if after.startswith(g.demonym_stop_suffixes):
            return False
        m = _NEXT_WORD.match(after)
        if m and m.group(1) in g.demonym_stop:
            return False
        m = _HYPHEN_WORD_AFTER.match(after)
        if m and m.group(1) in g.ethnic_heads:
            return False
        m = _HYPHEN_WORD_BEFORE.search(before)
        if form in g.ethnic_heads and m and g.forms.get(m.group(1), _Form("", "")).kind == "demonym":
            return False
    return True


def _is_media_name(g: _Gazetteer, before: str, after: str) -> bool:
    """A newspaper, agency or broadcaster named after the country ("X Securities Journal", "Times of X")."""
    if g.media_of_before.search(before):
        return True
    words = _CAPITALISED_WORDS_THEN.match(after).group().split()
    for i, word in enumerate(words):
        if word in g.function_words or word in g.forms:
            return False
        # The head ends the name, or only an abbreviation follows it ("X Journal APP"); "White House Press
        # Secretary" is an office, not a paper.
        if word in g.media_heads and all(w.isupper() for w in words[i + 1:]):
            return True
    return False


def _is_city_appositive(g: _Gazetteer, before: str, after: str) -> bool:
    """The country closes "<place word> <City>, <Country>": it says where the city is, not who acts."""
    m = _PLACE_THEN_CITY_COMMA.search(before)
    if not m or m.group(1).lower() not in g.place_words:
        return False
    city = m.group(2)
    known = g.forms.get(city)
    if known is not None and known.kind not in _PLACE_KINDS or city in g.function_words:
        return False
    end = _APPOSITIVE_END.match(after)
    if end is None:
        return False
    if end.group(1) is not None:
        return end.group(1) in g.appositive_closers
    if after.lstrip().startswith(","):  # "in Brussels, Germany, France and Italy": a list, not an appositive
        rest = after.lstrip()[1:].lstrip()
        if rest.startswith(("and ", "or ")) or g.regex.match(rest):
            return False
    return True


def _is_person(g: _Gazetteer, before: str, after: str, sides: str) -> bool:
    m = _PREV_TOKEN.search(before)
    if m:
        token = m.group(1)
        abbreviation = token.endswith(".") and len(token) <= 4  # "Sen.", "Rep.", "Gov."
        if (abbreviation or not token.endswith(".")) and token.rstrip(".") not in g.function_words and token not in g.forms:
            return True
    if sides == "both":
        m = _NEXT_CAP.match(after)
        if m and m.group(1) not in g.function_words and m.group(1) not in g.forms:
            return True
    return False


def _clean(name: str) -> str:
    name = name.strip()
    for article in ("the ", "The "):
        if name.startswith(article):
            name = name[len(article):]
    for suffix in ("'s", "’s"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def country_code(name: str) -> str | None:
    """ISO alpha-3 (or "EU") for a country name, alias, demonym, capital, metonym or code; None for regions and unknowns.

    Exact match first; then case-insensitively, but never for abbreviations ("us" -> None).
    """
    g = _gazetteer()
    name = _clean(name)
    if name in g.forms:
        return g.forms[name].code
    if name in g.names:
        return name
    if name + "-" in g.prefixes:
        return g.prefixes[name + "-"]
    return g.folded.get(name.casefold())


def country_name(code: str) -> str:
    """The common short English name for an alpha-3 code or "EU"; KeyError for an unknown code."""
    names = _gazetteer().names
    key = code.strip().upper()
    if key not in names:
        raise KeyError(f"unknown country code {code!r}")
    return names[key]


def region_country(name: str) -> str | None:
    """ISO alpha-3 of the country a state, province or other sub-national unit belongs to ("Ontario" -> "CAN")."""
    g = _gazetteer()
    name = _clean(name)
    return g.regions.get(name) or g.regions_folded.get(name.casefold())
