"""Officials: person + office + country, from titles, appositions and possessives.

The statistical NER proposes person spans; these rules decide who holds a public office, bind the
office's country from the text ("U.S. Treasury Secretary", "Japan's", "Tokyo's", offices that exist in
one government only), and link later surname-only mentions to the full name, including those the
model labels ORG or misses. A dated file of well-known office holders is a fallback for the country
and the office where the text does not say; it never makes someone an official on its own unless the
person is named in full (or by a surname the file marks as distinctive).

Why a regex word tokenizer (_WORD) and not the Doc's tokens (issue 12, measured 2026-12-02): the
finder must run without a Doc, since articles the prefilter skips reach the rule steps on a bare
context (api.Extractor.process_batch -> annotate), and two tokenizations would give the two paths
different officials. Its tokens also suit names better than spaCy's: a possessive or a hyphenated
given name stays one token ("Japan's", "Yong-beom", "H.D."), where spaCy splits them and every name
reader would have to glue them back. It reads only short windows around titles and names: over the
128 dev articles (train + test) it is 1,900 calls and 0.25 ms per article, 5% of the finder's own
5.1 ms per article and about 0.1% of the pipeline's time on CPU, so the Doc's tokens would save
nothing measurable.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable, Collection, Iterable, Optional, Sequence, Union

from spacy.language import Language
from spacy.tokens import Doc

from ..normalize import countries as country_norm
from ..normalize.names import (HONORIFIC_WORDS, NAME_PARTICLES, NAME_WORDS, POSTNOMINALS, honorific_length, normalise_name,
                               strip_possessive)
from ..textpatterns import trie_alternation
from .component import RuleComponent
from .context import ArticleContext, context_of
from .extensions import OFFICIALS, set_spans
from ..registry import component_factory

Span = tuple[int, int]

# Initials are one token ("J.", "H.D."): a name may open or go on with them.
_WORD = re.compile(r"(?:[A-Z]\.){1,3}(?=\s)|[^\W_][\w.'’\-]*[^\W_]|[^\W_]|[^\w\s]")
_APPOSITION_VERB = re.compile(
    r"\b(?:said|says|told|tells|added|announced|warned|argued|noted|wrote|spoke|met|has|have|had|is|are|was|were|will|would)\b"
)
# The name grammar's fixed patterns, compiled once (they ran per title and per candidate name).
# Their few English words (possessive 's, "of the", articles, the "-based" compounds of
# data/names.json) are the grammar of English titles and names, like the capitalisation rules.
_WHITESPACE = re.compile(r"\s+")
_INITIAL = re.compile(r"[A-Z]\.?")
_CAPITALISED_WORD = re.compile(r"[A-Z][\w\-]+")
_ONE_OR_TWO_PROPER_WORDS = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?")
_NEXT_CAPITALISED_WORD = re.compile(r" ([A-Z][\w\-]*)(?= [A-Z]|,)")
_NAME_OR_COMMA_NEXT = re.compile(r"(?:\s+[A-Z]|,)")
_APPOSITION_END = re.compile(r"[,;.)]")
_PARENTHESIS_ASIDE = re.compile(r"\([^()]{0,60}\)")
_POSSESSIVE_GAP = re.compile(r"(?:['’]s)?\s+")
_POSSESSIVE_GAP_UPTO_TWO_WORDS = re.compile(r"(?:['’]s?)?\s+(?:[\w-]+\s+){0,2}")
_OWNER_AT_END = re.compile(r"([A-Z][\w\-]+)['’]s?\s*$")
_OWNER_ANYWHERE = re.compile(r"([A-Z][\w\-]+)['’]s?\b")
_OF_THE_AFTER_HEAD = re.compile(r"(?:\s+of(?:\s+the)?)?\s+")
_OF_STATE_AFTER_TITLE = re.compile(r"\s+(?:of|for)\s+(?:the\s+)?([A-Z][\w.\- ]{1,40})")
_COMMA_ARTICLE_BEFORE = re.compile(r",\s*(?:(?:the|a|an)\s+)?$")

# Word lists (data/names.json): see its _doc.
_NOT_NAME_WORDS = frozenset(NAME_WORDS["not_name_words"])
_STOP_NAME_WORDS = frozenset(NAME_WORDS["stop_name_words"])
_TITLE_ADJECTIVES = frozenset(NAME_WORDS["title_adjectives"])
_ORGANISATION_WORDS = frozenset(NAME_WORDS["organisation_words"])
_FAMILY_NAMES_ALSO_WORDS = frozenset(NAME_WORDS["family_names_also_words"])
# "a Washington-based analyst": a place or name glued to one of these is a modifier, not a name.
_COMPOUND_MODIFIER = re.compile("-(?:" + "|".join(re.escape(w) for w in NAME_WORDS["compound_modifier_suffixes"]) + ")$")
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}")


@dataclass
class Official:
    name: str
    title: Optional[str]
    country: Optional[str]
    mentions: list[Span] = field(default_factory=list)
    # How the office was established: "text" (a title in the article) or "holders" (the fallback file).
    evidence: str = "text"


@dataclass(frozen=True)
class _Office:
    title: str
    country: Optional[str]
    # Generic heads ("chairman", "chief") are offices only next to a government body.
    conditional: bool = False
    plural: bool = False


@functools.lru_cache(maxsize=1)
def _office_data() -> dict:
    with resources.files("extractor.data").joinpath("offices.json").open(encoding="utf-8") as fh:
        return json.load(fh)


_DEPARTMENT_GLUE = frozenset({"the", "and", "&"})
_REMIT_OPENS = re.compile(r"\s+(?:for|of|in\s+charge\s+of)\s", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _department_regex() -> re.Pattern:
    """A ministry's remit after a title: "Minister of Investment, Trade and Industry", "Secretary of
    State for Business and Trade", "Minister in charge of Economic Revitalization". It ends before a
    capitalised word (the name) or a comma (an apposed name follows)."""
    words = sorted(_office_data()["department_words"], key=len, reverse=True)
    content = "(?:" + "|".join(re.escape(w) for w in words if w not in _DEPARTMENT_GLUE) + ")"
    any_word = "(?:" + "|".join(re.escape(w) for w in words) + ")"
    # Ends on a remit word, never on "and"/"the"; a title that already names a remit ("Minister of
    # Trade") may go on with more of it (", Industry and Competition").
    remit = r"(?:" + any_word + r",?\s+){0,8}" + content + r"(?=\s+[A-Z]|,)"
    return re.compile(r"(?:\s+(?:for|of|in\s+charge\s+of)\s+|(?<=[a-z])(?:,|\s+and|\s+&)\s+)" + remit)


@functools.lru_cache(maxsize=1)
def _office_modifiers() -> frozenset:
    return frozenset(_office_data()["office_modifiers"]) | frozenset(
        w for w in _office_data()["department_words"] if w[:1].isupper())


@functools.lru_cache(maxsize=1)
def _private_body_regex() -> re.Pattern:
    words = sorted(_office_data()["private_bodies"], key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _legislator_markers() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(m["pattern"]), m["country"]) for m in _office_data()["legislator_markers"]]


def _legislator_country(text: str, name_end: int) -> Optional[str]:
    """The country a tag right after a name gives a legislator ("Jane Roe (D-Vermont)")."""
    for pattern, country in _legislator_markers():
        if pattern.match(text, name_end):
            return country
    return None


@functools.lru_cache(maxsize=1)
def _holders() -> list[dict]:
    with resources.files("extractor.data").joinpath("office_holders.json").open(encoding="utf-8") as fh:
        return json.load(fh)["holders"]


@functools.lru_cache(maxsize=1)
def _title_regex() -> tuple[re.Pattern, dict[str, _Office]]:
    offices: dict[str, _Office] = {}
    for entry in _office_data()["titles"]:
        offices[entry["title"].lower()] = _Office(entry["title"], entry.get("country"), entry.get("conditional", False),
                                                  entry.get("plural", False))
    # A trie of the titles (a space matches any run of whitespace), behind a lookahead on their
    # first letters so that the regex engine skips to candidate positions: the same matches as a
    # flat alternation sorted longest first, at a fraction of the cost (this scan ran over every
    # sentence of every article and was the officials finder's main cost).
    first_letters = "".join(sorted({ch for title in offices for ch in (title[0].lower(), title[0].upper())}))
    alternation = trie_alternation(offices, token=lambda ch: r"\s+" if ch == " " else re.escape(ch))
    pattern = rf"(?=[{re.escape(first_letters)}])(?<![\w-])(?:{alternation})(?![\w-])"
    return re.compile(pattern, re.IGNORECASE), offices


@functools.lru_cache(maxsize=1)
def _not_official_regex() -> re.Pattern:
    words = sorted(_office_data()["not_officials"], key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _former_regex() -> re.Pattern:
    words = _office_data()["former_markers"]
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _government_regex() -> re.Pattern:
    words = sorted(_office_data()["government_bodies"], key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])")


# "of the United States", "to Japan", and a body of the state between: "of the Communist Party of
# Viet Nam", "of the Bank of Japan".
_STATE_AFTER_TITLE = re.compile(
    r"\s+((?i:of|to))\s+(?:(?i:the)\s+)?(?:((?:[A-Z][\w'’\-]*\s+){1,4})(?i:of)\s+(?:(?i:the)\s+)?)?")


def _qualifies_title(text: str, country_end: int, limit: int) -> bool:
    """Does a title start right after this country mention, before `limit` ("US President", "Japan's
    trade minister")?"""
    m = _title_regex()[0].search(text, country_end, min(limit, country_end + 30))
    return m is not None and _POSSESSIVE_GAP_UPTO_TWO_WORDS.fullmatch(text[country_end:m.start()]) is not None


def home_country_of(dateline: Sequence[str]) -> Optional[str]:
    """The country of an article's dateline when it names places of one country only."""
    codes = {country_norm.country_code(place) or country_norm.region_country(place) for place in dateline}
    # Brussels is the seat of EU institutions, whose offices are no ministries: its dateline leaves a
    # bare "trade minister" unplaced.
    return codes.pop() if len(codes) == 1 and None not in codes and "EU" not in codes else None


_HEADER_LINES = 3
_HEADER_CHARS = 500
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# A dateline that opens a line below a document's title ("Hanoi, July 3 -", "OTTAWA, ON, March 4, 2025 /"):
# the place, an optional region, an optional date, then a dash or slash.
_LINE_DATELINE = re.compile(
    r"\s*([A-Z][^\W\d_]+(?:[ .'’\-][A-Z]?[^\W\d_]+){0,3})(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)??"
    r"(?:(,?\s+" + _MONTH + r"\s+\d{1,2}(?:,\s*\d{4})?|,\s*\d{1,2}\s+" + _MONTH + r"(?:\s+\d{4})?))?"
    r"\s*(?:\([^)]{1,30}\))?\s*(?:[-–—/]\s|$)")


@functools.lru_cache(maxsize=1)
def _issuer_regexes() -> tuple[list[tuple[re.Pattern, str]], re.Pattern]:
    data = _office_data()
    fixed = [(re.compile(i["pattern"]), i["country"]) for i in data["issuers"]]
    heads = "|".join(re.escape(h) for h in sorted(data["issuer_heads"], key=len, reverse=True))
    return fixed, re.compile(r"\b(?:" + heads + r")\b")


def article_issuer(ctx: ArticleContext) -> Optional[str]:
    """issuer_country of the article's text, once per article (officials and tariffs both ask)."""
    if "issuer_country" not in ctx.derived:
        ctx.derived["issuer_country"] = issuer_country(ctx.text)
    return ctx.derived["issuer_country"]


def issuer_country(text: str) -> Optional[str]:
    """The country of the government that issues a document, from its header (its first lines):
    a dateline below the title, a body of one government ("The White House"), or a government body
    with its country ("the Government of Canada", "Ministry of Commerce of the People's Republic of
    China", "Canada's Department of Finance"). Press releases and fact sheets leave their own
    government's titles bare ("the Minister of International Trade"); None where the header names
    no issuer. The earliest piece of evidence wins: a release names its issuer before its subject."""
    lines = [ln for ln in text[:_HEADER_CHARS].split("\n") if ln.strip()][:_HEADER_LINES]
    found: list[tuple[int, int, str]] = []  # (line, position, country)
    fixed, heads = _issuer_regexes()
    for n, line in enumerate(lines):
        m = _LINE_DATELINE.match(line)
        # A line of its own ("New Delhi, 31 July 2025") is a dateline only with its date.
        if m and n > 0 and (m.group(2) or not m.group().rstrip().endswith(m.group(1))):  # a first-line "Place - ..." is the article's own dateline, parsed at ingest
            code = country_norm.country_code(m.group(1)) or country_norm.region_country(m.group(1))
            if code and code != "EU":
                found.append((n, m.start(1), code))
        for pattern, code in fixed:
            for fm in pattern.finditer(line):
                found.append((n, fm.start(), code))
        for hm in heads.finditer(line):
            after = _OF_THE_AFTER_HEAD.match(line[hm.end():])
            if after:
                rest = _countries_in(line[hm.end() + after.end():hm.end() + after.end() + 40])
                if rest and rest[0].start == 0:
                    found.append((n, hm.start(), rest[0].code))
                    continue
            before = _countries_in(line[max(0, hm.start() - 40):hm.start()])
            if before and _POSSESSIVE_GAP.fullmatch(line[max(0, hm.start() - 40) + before[-1].end:hm.start()]):
                found.append((n, hm.start(), before[-1].code))
    found = [f for f in found if f[2] != "EU"]
    if not found:
        return None
    first_line = min(found)[0]
    codes = {code for n, _, code in found if n == first_line}
    # "The Government of X and the Government of Y": a joint document has no one issuer.
    return codes.pop() if len(codes) == 1 else None


def _fold(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).lower()


@functools.lru_cache(maxsize=1)
def _holder_index() -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Holders by accent-folded full name, and by surname where the surname alone is distinctive."""
    by_name: dict[str, list[dict]] = {}
    by_surname: dict[str, list[dict]] = {}
    for h in _holders():
        by_name.setdefault(_fold(h["name"]), []).append(h)
        if h["surname_match"]:
            # Chinese, Korean and Vietnamese names put the family name first ("Xi Jinping"): the
            # file says which word is the family name where it is not the last.
            by_surname.setdefault(_fold(h.get("family_name") or h["name"].split()[-1]), []).append(h)
    return by_name, by_surname


def _without_initials(name: str) -> str:
    """"Donald J. Trump" -> "Donald Trump": a middle initial is a form of the same name."""
    toks = name.split()
    kept = [t for i, t in enumerate(toks) if not (0 < i < len(toks) - 1 and _INITIAL.fullmatch(t))]
    return " ".join(kept)


def _holder_for(name: str, ref_date: Optional[dt.date], *, surname_only: bool) -> Optional[dict]:
    by_name, by_surname = _holder_index()
    index = by_surname if surname_only else by_name
    matches = index.get(_fold(name)) or index.get(_fold(_without_initials(name)), [])
    if not matches:
        return None
    if ref_date is not None:
        iso = ref_date.isoformat()
        dated = [h for h in matches if h["valid_from"] <= iso and (h["valid_to"] is None or iso < h["valid_to"])]
        if dated:
            return dated[0]
        # Known person but out of office at that date: no fallback (a former official speaks as one).
        return None
    return matches[-1]


def _tokens(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


_ALWAYS_STOP = _STOP_NAME_WORDS - frozenset(NAME_WORDS["inner_name_words"])


def _is_name_token(tok: str, first: bool = True, family_caps: bool = False) -> bool:
    """family_caps: an upper-case word may be a family name written first in capitals, as Japanese
    government English writes them ("SATO Kenji"); the caller allows it only before a given name."""
    bare = strip_possessive(tok)
    if not bare or not bare[0].isupper() or bare in (_STOP_NAME_WORDS if first else _ALWAYS_STOP):
        return False
    if bare in POSTNOMINALS or bare.rstrip(".") in HONORIFIC_WORDS:
        return False
    if _INITIALS.fullmatch(bare):  # "H.D. Kumaraswamy"; "U.S." is a country
        return country_norm.country_code(bare) is None and country_norm.country_code(bare.rstrip(".")) is None
    if bare.isupper() and len(bare) > 3 and not (family_caps and bare.isalpha()):  # "TOKYO", "TRADE FAIRNESS"
        return False
    if first and bare in _office_modifiers():  # "Minister for Trade Negotiations Lee X": the remit goes on
        return False
    if bare in _NOT_NAME_WORDS or _COMPOUND_MODIFIER.search(bare):
        return False
    if country_norm.country_code(bare) is not None or country_norm.region_country(bare) is not None:
        return False
    return not any(ch.isdigit() for ch in bare)


def _name_after(text: str, pos: int, limit: int) -> Optional[Span]:
    """A person name starting at `pos` (after optional spaces/honorific): 1-4 capitalised tokens."""
    toks = _tokens(text, pos, min(limit, pos + 100))
    if not toks or toks[0][1] - pos > 2:
        return None
    # Styles of address go first: "the Honourable Jane Roe", "Datuk Seri ...".
    skip = honorific_length([t[0] for t in toks])
    if skip:
        toks = [t for t in toks[skip:] if t[0] != "."]
    picked: list[tuple[str, int, int]] = []
    prev_end = None
    for i, (tok, s, e) in enumerate(toks):
        if prev_end is not None and text[prev_end:s] not in (" ",):
            break
        if tok in NAME_PARTICLES and picked:
            picked.append((tok, s, e))
            prev_end = e
            continue
        next_tok = toks[i + 1][0] if i + 1 < len(toks) and toks[i + 1][1] == e + 1 else ""
        family_caps = not picked and _is_name_token(next_tok, first=False) and not next_tok.isupper()
        # "General Secretary To Lam": a family name that is also a stop word, before a given name.
        family_word = not picked and tok in _FAMILY_NAMES_ALSO_WORDS and _is_name_token(next_tok)
        if not family_word and not _is_name_token(tok, first=not picked, family_caps=family_caps):
            break
        picked.append((tok, s, e))
        prev_end = e
        if strip_possessive(tok) != tok or len(picked) == 4:
            break
    while picked and picked[-1][0] in NAME_PARTICLES:
        picked.pop()
    if not picked:
        return None
    if len(picked) == 1 and strip_possessive(picked[0][0]) == picked[0][0]:
        # One capitalised word that opens an organisation's name is no person ("X Producers Council").
        rest = text[picked[0][2]:picked[0][2] + 40].split()
        if rest and rest[0].strip(",.;:'’") in _ORGANISATION_WORDS:
            return None
    start, end = picked[0][1], picked[-1][2]
    last = picked[-1][0]
    end -= len(last) - len(strip_possessive(last))
    return start, end


def _name_before(text: str, pos: int, floor: int) -> Optional[Span]:
    """A person name ending at `pos` (before ", title"): 1-4 capitalised tokens."""
    toks = _tokens(text, max(floor, pos - 80), pos)
    while toks and toks[-1][0] in POSTNOMINALS and text[toks[-1][2]:pos].strip() == "":
        pos = toks[-1][1]
        while pos > floor and text[pos - 1] == " ":
            pos -= 1
        toks = toks[:-1]
    picked: list[tuple[str, int, int]] = []
    next_start = pos
    for tok, s, e in reversed(toks):
        if text[e:next_start] not in ("", " "):
            break
        if tok in NAME_PARTICLES and picked:
            picked.insert(0, (tok, s, e))
            next_start = s
            continue
        if not _is_name_token(tok) or strip_possessive(tok) != tok:
            break
        picked.insert(0, (tok, s, e))
        next_start = s
        if len(picked) == 4:
            break
    while picked and picked[0][0] in NAME_PARTICLES:
        picked.pop(0)
    if not picked:
        return None
    return picked[0][1], picked[-1][2]


_LINE_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
_CAPITALISED = re.compile(r"(?<![\w'’\-])[A-Z][\w'’\-]*")


class _HeadlineCase:
    """Lines written in headline case (titles, headlines, subheads: most words capitalised), and the
    words the rest of the text capitalises where no sentence starts. In such a line "President Trump
    Increases Duties" reads as a longer name; a name's word there must be one the body text also
    capitalises mid-sentence (or a known office holder's name), else it is no part of the name."""

    MIN_WORDS = 4
    MIN_CAPITALISED = 0.6

    def __init__(self, text: str):
        self.text = text
        self._scanned = False
        self.lines: list[Span] = []  # headline-case lines
        self._body_lines: list[str] = []
        self._body_words: Optional[set[str]] = None
        self.checkable = False

    def _scan(self) -> None:
        """Sort the lines into headline-case and body lines; on first use, since an article with
        no candidate name (most of an archive) never asks."""
        self._scanned = True
        body_chars = 0
        pos = 0
        for line in self.text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            words = _LINE_WORD.findall(line)
            if len(words) >= self.MIN_WORDS and sum(w[0].isupper() for w in words) >= self.MIN_CAPITALISED * len(words):
                self.lines.append((start, end))
                continue
            body_chars += len(line)
            self._body_lines.append(line)
        # A text that is all headline has no body to check against: leave its names alone.
        self.checkable = bool(self.lines) and body_chars >= 200

    @property
    def body_words(self) -> set[str]:
        """The words the body capitalises where no sentence starts; built on first use, since most
        articles have no name in a headline-case line to check (and this is the costly part)."""
        if self._body_words is None:
            found: set[str] = set()
            for line in self._body_lines:
                for m in _CAPITALISED.finditer(line):
                    before = line[:m.start()]
                    kept = before.rstrip()
                    # A sentence or quote may start here: after punctuation, or a dash and a space.
                    opens = (not kept or kept[-1] in '.!?:;"“”'
                             or (kept[-1] in "-–—" and len(kept) < len(before)))
                    if not opens:
                        found.add(strip_possessive(m.group()))
            self._body_words = found
        return self._body_words

    def in_headline(self, span: Span) -> bool:
        if not self._scanned:
            self._scan()
        return self.checkable and any(s <= span[0] and span[1] <= e for s, e in self.lines)

    def trim(self, span: Span, ref_date: Optional[dt.date]) -> Optional[Span]:
        """The name without the trailing words the body does not support; None if none is left."""
        if not self.in_headline(span):
            return span
        toks = _tokens(self.text, span[0], span[1])
        while toks:
            name = normalise_name(self.text[toks[0][1]:toks[-1][2]])
            last = strip_possessive(toks[-1][0])
            if (last in self.body_words or last in NAME_PARTICLES or len(last.rstrip(".")) == 1
                    or _holder_for(name, ref_date, surname_only=" " not in name)):
                break
            toks.pop()
        while toks and (toks[-1][0] in NAME_PARTICLES or toks[-1][0] == "."):
            toks.pop()
        if not toks or not any(strip_possessive(t[0]) in self.body_words for t in toks) and not _holder_for(
                normalise_name(self.text[toks[0][1]:toks[-1][2]]), ref_date, surname_only=len(toks) == 1):
            return None
        return toks[0][1], toks[-1][2]


@functools.lru_cache(maxsize=4096)
def _countries_in(fragment: str) -> tuple:
    """find_countries on a short fragment (title modifiers repeat a lot across an archive)."""
    return tuple(country_norm.find_countries(fragment))


class OfficialsFinder:
    """Finds officials in one article. Stateless between articles; data files load once per process."""

    def __init__(self, *, use_holders: bool = True):
        self.use_holders = use_holders
        self.title_re, self.offices = _title_regex()

    def find(
        self,
        text: str,
        sentences: Sequence[Span],
        person_spans: Sequence[Span],
        ref_date: Optional[dt.date],
        exclude: Sequence[Span] = (),
        home_country: Union[Optional[str], Callable[[], Optional[str]]] = None,
        model_persons: Optional[Collection[Span]] = None,
    ) -> list[Official]:
        """home_country: the country of the article's dateline, where it names one place (see
        home_country_of); the fallback for an office the sentence does not place before it.
        model_persons: the spans the NER labelled PERSON (None: take every span in person_spans as
        one); a one-word span of another label is a name only next to a title, never in apposition."""
        def excluded(s: int, e: int) -> bool:
            return any(s < xe and e > xs for xs, xe in exclude)

        # A callable is asked only for an office that nothing in its sentence places (few articles
        # have one, and reading a document's issuer off its header is not free).
        home = functools.cache(home_country if callable(home_country) else lambda: home_country)

        # name -> (title, country, source); non_officials: names the text marks as analysts etc.
        found: dict[str, dict] = {}
        rejected: set[str] = set()
        pending_possessive: list[tuple[str, str, str]] = []  # (name, title, owner surname)
        nearby: dict[str, Optional[str]] = {}  # the weakest evidence: a state named in the same sentence

        headline = _HeadlineCase(text)

        def add(name_span: Span, title: str, country: Optional[str], source: str) -> None:
            trimmed = headline.trim(name_span, ref_date)
            if trimmed is None:
                return
            name = normalise_name(text[trimmed[0]:trimmed[1]])
            if not name or excluded(*trimmed):
                return
            entry = found.get(name)
            if entry is None or (entry["country"] is None and country is not None):
                found[name] = {"title": title, "country": country, "source": source}

        for sent_start, sent_end in sentences:
            if excluded(sent_start, sent_end):
                continue
            for tm in self.title_re.finditer(text, sent_start, sent_end):
                office = self.offices[_WHITESPACE.sub(" ", tm.group().lower())]
                title_text = _WHITESPACE.sub(" ", tm.group())
                mod_start, mod = self._modifier(text, sent_start, tm.start())
                if _former_regex().search(mod) or _former_regex().search(text[max(sent_start, tm.start() - 12):tm.start()]):
                    name_span = _name_after(text, tm.end() + 1, sent_end) or self._comma_name(text, tm.end(), sent_end)
                    if name_span:
                        rejected.add(normalise_name(text[name_span[0]:name_span[1]]))
                    continue
                # Title directly followed by the name: "Treasury Secretary Scott Bessent".
                name_span = None
                title_end = tm.end()
                dept = _department_regex().match(text, title_end)
                if dept and not _REMIT_OPENS.match(dept.group()) and not _REMIT_OPENS.search(tm.group()):
                    dept = None  # only a title that names a remit goes on with more of it
                if dept and dept.end() < sent_end:
                    # "Commissioner for Trade and Economic Security Maros Sefcovic": a longer title is
                    # another office, so a one-government title's country no longer holds ("Secretary
                    # of State for Business and Trade" is British, "Secretary of State" alone American).
                    title_end = dept.end()
                    title_text = _WHITESPACE.sub(" ", text[tm.start():title_end])
                    office = _Office(office.title, None, office.conditional, office.plural)
                # "President of the United States, NAME" / "Ambassador to Japan NAME": the state is
                # part of the title, never the name; "of" names the office's country.
                # "Minister for Trade Negotiations": a title that names a remit goes on with its words.
                while _REMIT_OPENS.search(text[tm.start():title_end]):
                    more = _NEXT_CAPITALISED_WORD.match(text[title_end:sent_end])
                    if not more or more.group(1) not in _office_modifiers():
                        break
                    title_end += more.end()
                    title_text = _WHITESPACE.sub(" ", text[tm.start():title_end])
                of_country, title_end = self._state_after_title(text, title_end, sent_end)
                if office.conditional and not (_government_regex().search(mod) or _government_regex().search(text[title_end:title_end + 60])
                                               or _countries_in(mod)):
                    continue
                if title_end < sent_end and text[title_end:title_end + 1] == " ":
                    name_span = _name_after(text, title_end + 1, sent_end)
                    # A lower-case generic title before a name needs a capitalised title or a modifier
                    # ("trade negotiator Akazawa" is fine, "official Li" is unusual): keep both.
                # Or by a comma apposition: "Tokyo's top trade negotiator, Ryosei Akazawa,".
                if name_span is None:
                    name_span = self._comma_name(text, title_end, sent_end)
                # Or preceded by a name and comma: "Ryosei Akazawa, Japan's chief negotiator".
                if name_span is None:
                    name_span = self._apposed_name(text, mod_start, sent_start, person_spans, model_persons)
                    # "NAME, director of a private institute": the body the title heads decides.
                    appos = _APPOSITION_END.split(text[tm.start():sent_end])[0]
                    if name_span is not None and not _APPOSITION_VERB.search(appos) and _private_body_regex().search(appos):
                        rejected.add(normalise_name(text[name_span[0]:name_span[1]]))
                        continue
                if name_span is not None:
                    name_span = headline.trim(name_span, ref_date)
                if name_span is None:
                    continue
                if self._company_modifier(mod):
                    rejected.add(normalise_name(text[name_span[0]:name_span[1]]))
                    continue
                if office.plural and text[name_span[1]:name_span[1] + 5] == " and ":
                    second = _name_after(text, name_span[1] + 5, sent_end)
                    if second is not None:
                        add(second, office.title.rstrip("s"), None, "text")
                country, owner = self._country_from(mod, text[title_end:min(sent_end, title_end + 40)], office)
                if country is None and owner is None:
                    country = of_country or _legislator_country(text, name_span[1])
                if country is None and owner is None:
                    nearby[normalise_name(text[name_span[0]:name_span[1]])] = self._country_nearby(
                        text, (sent_start, sent_end), tm.start(), home)
                display_title = title_text if not title_text.islower() else title_text
                if owner is not None and _government_regex().fullmatch(owner):
                    owner = None  # "the Presidency's spokesperson": a body, no person, owns the title
                    nearby[normalise_name(text[name_span[0]:name_span[1]])] = self._country_nearby(
                        text, (sent_start, sent_end), tm.start(), home)
                if owner is not None:
                    pending_possessive.append((normalise_name(text[name_span[0]:name_span[1]]), display_title, owner))
                add(name_span, display_title, country, "text")

            # Appositions that mark a person as NOT an official ("Kurt Tong, managing partner at ...").
            for ps, pe in person_spans:
                if ps < sent_start or pe > sent_end:
                    continue
                legislator = _legislator_country(text, pe)
                if legislator is not None:  # "Jane Roe (D-Vermont)": a legislator, with or without a title
                    add((ps, pe), "legislator", legislator, "text")
                tail = text[pe:min(sent_end, pe + 90)]
                if tail.startswith(","):
                    appos = _APPOSITION_END.split(tail[1:])[0]
                    # An apposition is a noun phrase: one with a verb ("Lighthizer told reporters") is a new clause.
                    if len(appos.split()) > 12 or _APPOSITION_VERB.search(appos):
                        continue
                    # A private body outweighs a generic title ("director of an exporters' association").
                    if _former_regex().search(appos) or _private_body_regex().search(appos) or (
                            _not_official_regex().search(appos) and not self.title_re.search(appos)):
                        rejected.add(normalise_name(text[ps:pe]))

        # Possessive owners: "Trump's Treasury Secretary" takes the owner's country.
        for name, title, owner in pending_possessive:
            owner_country = self._country_of_person(owner, found, ref_date)
            if name in found and found[name]["country"] is None and owner_country:
                found[name]["country"] = owner_country

        # Fallback: people named in full (or by a distinctive surname) who are known office holders.
        if self.use_holders:
            for ps, pe in person_spans:
                if excluded(ps, pe):
                    continue
                name = normalise_name(text[ps:pe])
                if name in rejected:
                    continue
                holder = _holder_for(name, ref_date, surname_only=" " not in name)
                if holder is not None and not self._known(name, found):
                    found[name] = {"title": holder["title"], "country": holder["country"], "source": "holders"}
            for name, entry in found.items():
                if entry["country"] is None:
                    holder = _holder_for(name, ref_date, surname_only=" " not in name)
                    if holder is not None:
                        entry["country"] = holder["country"]
                        entry["source"] = "holders"

        for name, entry in found.items():
            if entry["country"] is None and nearby.get(name):
                entry["country"] = nearby[name]
        return self._merge_and_link(text, found, rejected, exclude)

    # -- pieces ---------------------------------------------------------------------------------

    @staticmethod
    def _modifier(text: str, floor: int, title_start: int) -> tuple[int, str]:
        """The words in front of a title that qualify it: "U.S.", "Japan's top", "Trump's", "Ontario"."""
        toks = _tokens(text, max(floor, title_start - 60), title_start)
        start = title_start
        taken = 0
        for tok, s, e in reversed(toks):
            if tok in (",", ".", ";", ":", "(", ")", "“", "”", '"') or taken >= 5:
                break
            low = tok.lower()
            if tok[0].isupper() or low in _TITLE_ADJECTIVES or low in ("the", "of") or "-" in tok:
                if low == "the":
                    start = s
                    break
                start = s
                taken += 1
                continue
            break
        return start, text[start:title_start]

    def _comma_name(self, text: str, title_end: int, limit: int) -> Optional[Span]:
        if text[title_end:title_end + 2] != ", ":
            return None
        span = _name_after(text, title_end + 2, limit)
        if span is None or " " not in text[span[0]:span[1]]:
            return None
        tail_end = span[1]
        for tok, _, e in _tokens(text, span[1], min(limit, span[1] + 20)):
            if tok not in POSTNOMINALS:
                break
            tail_end = e  # "the Hon Jane Roe MP, said": the letters after the name belong to it
        after = text[tail_end:tail_end + 8]
        if after[:1] in (",", ".", ")") or after.startswith(" said") or after.startswith(" told") or not after.strip():
            return span
        return None

    @staticmethod
    def _apposed_name(text: str, mod_start: int, floor: int, person_spans: Sequence[Span],
                      model_persons: Optional[Collection[Span]] = None) -> Optional[Span]:
        # "NAME, Japan's chief negotiator" / "NAME, the U.S. Trade Representative"
        before = text[max(floor, mod_start - 3):mod_start]
        m = _COMMA_ARTICLE_BEFORE.search(text[max(floor, mod_start - 8):mod_start])
        if not m:
            return None
        comma = text.rfind(",", max(floor, mod_start - 8), mod_start)
        del before
        span = _name_before(text, comma, floor)
        if span is None:
            return None
        # Prefer the model's person span when it covers the rule's span (better boundaries).
        for ps, pe in person_spans:
            if ps <= span[0] and pe >= span[1] - 1 and pe <= comma:
                # "the USMCA, the president said": a one-word organisation or place is no apposed name.
                if model_persons is not None and (ps, pe) not in model_persons and " " not in text[ps:pe].strip():
                    return None
                return ps, pe
        if " " not in text[span[0]:span[1]]:
            return None
        return span

    def _company_modifier(self, mod: str) -> bool:
        """A capitalised word in front of the title that is no country, region, government body or
        person possessive means a company or group title ("Ford President Jim Farley")."""
        stripped = _government_regex().sub(" ", mod)
        for m in _countries_in(stripped):
            stripped = stripped[:m.start] + " " * (m.end - m.start) + stripped[m.end:]
        for tok, _, _ in _tokens(stripped, 0, len(stripped)):
            bare = strip_possessive(tok)
            if not bare or not bare[0].isupper() or bare in ("The", "U.S", "U.S.", "EU", "E.U"):
                continue
            if country_norm.region_country(bare) is not None or country_norm.country_code(bare) is not None:
                continue
            if tok != bare:  # a possessive person ("Trump's") qualifies, it is no company
                continue
            if bare.lower() in _TITLE_ADJECTIVES or bare in _office_modifiers():
                continue
            return True
        return False

    @staticmethod
    def _country_from(mod: str, after_title: str, office: _Office) -> tuple[Optional[str], Optional[str]]:
        """(country, possessive owner) for a title: the text first, then offices of one government."""
        for m in _countries_in(mod):
            return m.code, None
        for tok in _CAPITALISED_WORD.findall(mod):
            region = country_norm.region_country(tok)
            if region:
                return region, None
        for phrase in _ONE_OR_TWO_PROPER_WORDS.findall(mod):
            region = country_norm.region_country(phrase)
            if region:
                return region, None
        of_country = _OF_STATE_AFTER_TITLE.match(after_title)
        if of_country:
            for m in _countries_in(of_country.group(1)):
                return m.code, None
        if office.country:
            return office.country, None
        owner = _OWNER_AT_END.search(mod.strip()) or _OWNER_ANYWHERE.search(mod)
        return None, owner.group(1) if owner else None

    @staticmethod
    def _country_nearby(text: str, sent: Span, pos: int, home_country: Callable[[], Optional[str]]) -> Optional[str]:
        """Last resort for an office the text does not place: the nearest state named in the sentence
        before the title ("In Beijing, Vice Commerce Minister ..."), then the dateline's country (an
        agency writing from its capital leaves its own government's titles bare: "JAKARTA - Trade
        Minister X said exporters compete with Vietnam"), then a state named after the title."""
        sentence = text[sent[0]:sent[1]]
        # A state inside parentheses is an aside ("On May 2 (U.S. Eastern Time), Minister X met ..."):
        # it places no office of the sentence.
        asides = [(m.start(), m.end()) for m in _PARENTHESIS_ASIDE.finditer(sentence)]
        matches = [m for m in country_norm.find_countries(sentence)
                   if not any(a <= m.start and m.end <= b for a, b in asides)]
        # A state that qualifies another title ("US President X to Prime Minister Y") is taken.
        before = [m for m in matches if sent[0] + m.end <= pos and not _qualifies_title(text, sent[0] + m.end, pos)]
        after = [m for m in matches if sent[0] + m.start > pos]
        if len({m.code for m in before}) == 1 or (before and not home_country()):
            return before[-1].code
        if home_country():
            return home_country()
        if after:
            return after[0].code
        return None

    @staticmethod
    def _state_after_title(text: str, title_end: int, limit: int) -> tuple[Optional[str], int]:
        """(the country "of" names, where the title ends) for "President of the United States" and
        "Ambassador to Japan"; unchanged where no state follows or no name can follow it."""
        m = _STATE_AFTER_TITLE.match(text, title_end, limit)
        if not m or (m.group(2) and _private_body_regex().search(m.group())):
            return None, title_end  # "President of the Chamber of Commerce of X" heads no state body
        found = _countries_in(text[m.end():min(limit, m.end() + 40)])
        if not found or found[0].start != 0:
            return None, title_end
        end = m.end() + found[0].end
        if not _NAME_OR_COMMA_NEXT.match(text[end:end + 2]):
            return None, title_end
        return (found[0].code if m.group(1).lower() == "of" else None), end

    @staticmethod
    def _country_of_person(owner: str, found: dict[str, dict], ref_date: Optional[dt.date]) -> Optional[str]:
        for name, entry in found.items():
            if name.split()[-1] == owner and entry["country"]:
                return entry["country"]
        holder = _holder_for(owner, ref_date, surname_only=True)
        return holder["country"] if holder else None

    @staticmethod
    def _known(name: str, found: dict[str, dict]) -> bool:
        if " " not in name and any(_contains_word(other, name) for other in found):
            return True
        toks = name.split()
        for other in found:
            other_toks = other.split()
            if other == name or (len(toks) == 1 and toks[0] in (other_toks[0], other_toks[-1])):
                return True
            if len(other_toks) == 1 and other_toks[0] in (toks[0], toks[-1]):
                return True
        return False

    @staticmethod
    def _merge_and_link(text: str, found: dict[str, dict], rejected: set[str], exclude: Sequence[Span]) -> list[Official]:
        # Single-token names fold into the unique full name that contains them: "Trump" -> "Donald
        # Trump", "Lula" -> "Luiz Inacio Lula da Silva", "Sato" -> "SATO Kenji" (a family name in capitals).
        full = [n for n in found if " " in n]
        merged: dict[str, dict] = {}
        for name, entry in found.items():
            target = name
            if " " not in name:
                owners = [f for f in full if _contains_word(f, name)]
                if len(owners) == 1:
                    target = owners[0]
            if target in rejected or name in rejected:
                continue
            keys = merged.setdefault(target, {"entry": found.get(target, entry), "keys": set()})
            keys["keys"].add(name)
            if keys["entry"]["country"] is None and entry["country"] is not None:
                keys["entry"] = {**keys["entry"], "country": entry["country"]}

        officials: list[Official] = []
        for name, info in merged.items():
            entry = info["entry"]
            if entry["country"] is None:
                continue  # an office we cannot place in any government is not a usable record
            patterns = {name, name.split()[-1]} | info["keys"]
            mentions = _find_mentions(text, patterns, exclude)
            if not mentions:
                continue
            officials.append(Official(name, entry["title"], entry["country"], mentions, entry["source"]))
        officials.sort(key=lambda o: o.mentions[0])
        return officials


def _contains_word(full_name: str, word: str) -> bool:
    """Is `word` one of the name's words (not a particle), ignoring case: "Lula" in "Luiz Inacio Lula da Silva"."""
    folded = word.casefold()
    return any(tok.casefold() == folded for tok in full_name.split() if tok not in NAME_PARTICLES)


def _find_mentions(text: str, names: set[str], exclude: Sequence[Span]) -> list[Span]:
    alternatives = sorted(names, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w\-])")
    spans = []
    for m in pattern.finditer(text):
        if any(m.start() < xe and m.end() > xs for xs, xe in exclude):
            continue
        spans.append((m.start(), m.end()))
    return spans


def person_spans(text: str, entities: Iterable[tuple[int, int, str]]) -> list[Span]:
    """The NER's PERSON spans, and its ORG/GPE/NORP spans that look like names (the small model
    calls some surnames ORG or GPE; titles and the linker decide for those), sorted."""
    spans = {(s, e) for s, e, label in entities if label == "PERSON"}
    spans |= {(s, e) for s, e, label in entities if label in ("ORG", "GPE", "NORP") and _looks_like_name(text[s:e])}
    return _join_at_particles(text, sorted(spans))


def _join_at_particles(text: str, spans: list[Span]) -> list[Span]:
    """The model may split a name at its particle ("Ursula von der" + "Leyen"): a span that ends in
    a particle, or one that a particle opens, joins the capitalised span right after it."""
    joined: list[Span] = []
    for s, e in spans:
        if joined and text[joined[-1][1]:s] == " ":
            prev_last = text[joined[-1][0]:joined[-1][1]].split()[-1]
            first = text[s:e].split()[0]
            if prev_last in NAME_PARTICLES or (first in NAME_PARTICLES and len(text[s:e].split()) > 1):
                joined[-1] = (joined[-1][0], e)
                continue
        joined.append((s, e))
    return joined


def _looks_like_name(span_text: str) -> bool:
    toks = span_text.split()
    return 1 <= len(toks) <= 3 and all(t[:1].isupper() for t in toks) and country_norm.country_code(span_text) is None


@component_factory("tariffwire_officials", default_config={"use_office_holders": True}, assigns=["doc.spans"])
def make_officials(nlp: Language, name: str, use_office_holders: bool) -> "OfficialsComponent":
    """use_office_holders: the dated office-holder file is a fallback for an official's country and office."""
    return OfficialsComponent(OfficialsFinder(use_holders=use_office_holders))


class OfficialsComponent(RuleComponent):
    """doc.spans["tw_officials"]: one span per mention (surname-only ones included), with span._.name,
    span._.title and span._.country. Reads doc.ents (PERSON, and name-like ORG/GPE/NORP) and the
    sentences; without entities it still finds the title-anchored officials."""

    def __init__(self, finder: OfficialsFinder):
        self.finder = finder
        self.settings = {"use_office_holders": finder.use_holders}

    def annotate(self, ctx: ArticleContext) -> None:
        entities = ctx.entities or []
        ctx.officials = self.finder.find(ctx.text, ctx.sentences, person_spans(ctx.text, entities),
                                         ctx.ref_date, ctx.article.wire_spans,
                                         lambda: home_country_of(ctx.article.dateline) or article_issuer(ctx),
                                         model_persons={(s, e) for s, e, label in entities if label == "PERSON"})

    def __call__(self, doc: Doc) -> Doc:
        ctx = context_of(doc)
        if ctx.entities is None:  # a NER component with exact offsets of its own (hf_ner) set them already
            ctx.entities = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        return super().__call__(doc)

    def show(self, doc: Doc, ctx: ArticleContext) -> None:
        set_spans(doc, OFFICIALS, ctx.officials, lambda o: o.mentions)
