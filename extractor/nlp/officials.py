"""Officials: person + office + country, from titles, appositions and possessives.

The statistical NER proposes person spans; these rules decide who holds a public office, bind the
office's country from the text ("U.S. Treasury Secretary", "Japan's", "Tokyo's", offices that exist in
one government only), and link later surname-only mentions to the full name, including those the
model labels ORG or misses. A dated file of well-known office holders is a fallback for the country
and the office where the text does not say; it never makes someone an official on its own unless the
person is named in full (or by a surname the file marks as distinctive).
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Iterable, Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from ..normalize import countries as country_norm
from ..normalize.names import HONORIFICS, NAME_PARTICLES, normalise_name, strip_possessive
from ..textpatterns import trie_alternation
from .component import RuleComponent
from .context import ArticleContext, context_of
from .extensions import OFFICIALS, set_spans
from ..registry import component_factory

Span = tuple[int, int]

_WORD = re.compile(r"[A-Z]\.(?=\s)|[^\W_][\w.'’\-]*[^\W_]|[^\W_]|[^\w\s]")
_APPOSITION_VERB = re.compile(
    r"\b(?:said|says|told|tells|added|announced|warned|argued|noted|wrote|spoke|met|has|have|had|is|are|was|were|will|would)\b"
)
# Word lists (data/names.json): see its _doc.
_NAME_WORDS = json.loads(resources.files("extractor.data").joinpath("names.json").read_text(encoding="utf-8"))
_NOT_NAME_WORDS = frozenset(_NAME_WORDS["not_name_words"])
_STOP_NAME_WORDS = frozenset(_NAME_WORDS["stop_name_words"])
_TITLE_ADJECTIVES = frozenset(_NAME_WORDS["title_adjectives"])


_DEPARTMENT_WORDS = (
    r"(?:Trade|Economic|Economy|Security|Commerce|Foreign|Affairs|Finance|Industry|Agriculture|Energy|State|Treasury|"
    r"International|Intergovernmental|Internal|Market|Markets|Investment|Development|Planning|Industrial|Policy|Exports?|"
    r"Business|Enterprise|Competitiveness|Customs|Revenue|Taxation|Fiscal|Consumer|Digital|Environment|Defence|Defense|"
    r"Home|Justice|Labor|Labour|Relations|Cooperation|Integration|European|Global|Americas|Asia|Pacific|the|and|&|,)"
)
_DEPARTMENT = re.compile(r"\s+(?:for|of)\s+" + _DEPARTMENT_WORDS + r"(?:\s+" + _DEPARTMENT_WORDS + r"){0,6}(?=\s+[A-Z])")


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
            by_surname.setdefault(_fold(h["name"].split()[-1]), []).append(h)
    return by_name, by_surname


def _holder_for(name: str, ref_date: Optional[dt.date], *, surname_only: bool) -> Optional[dict]:
    by_name, by_surname = _holder_index()
    matches = (by_surname if surname_only else by_name).get(_fold(name), [])
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


_ALWAYS_STOP = _STOP_NAME_WORDS - frozenset(_NAME_WORDS["inner_name_words"])


def _is_name_token(tok: str, first: bool = True) -> bool:
    bare = strip_possessive(tok)
    if not bare or not bare[0].isupper() or bare in (_STOP_NAME_WORDS if first else _ALWAYS_STOP):
        return False
    if bare.isupper() and len(bare) > 3:  # "TOKYO", "TRADE FAIRNESS"
        return False
    if bare in _NOT_NAME_WORDS or re.search(r"-(?:based|led|born|made|owned|listed|run|backed)$", bare):
        return False
    if country_norm.country_code(bare) is not None or country_norm.region_country(bare) is not None:
        return False
    return not any(ch.isdigit() for ch in bare)


def _name_after(text: str, pos: int, limit: int) -> Optional[Span]:
    """A person name starting at `pos` (after optional spaces/honorific): 1-4 capitalised tokens."""
    toks = _tokens(text, pos, min(limit, pos + 80))
    if not toks or toks[0][1] - pos > 2:
        return None
    if toks[0][0].rstrip(".") + "." in HONORIFICS or toks[0][0] in HONORIFICS:
        toks = [t for t in toks[1:] if t[0] != "."][:4]
    picked: list[tuple[str, int, int]] = []
    prev_end = None
    for tok, s, e in toks:
        if prev_end is not None and text[prev_end:s] not in (" ",):
            break
        if tok in NAME_PARTICLES and picked:
            picked.append((tok, s, e))
            prev_end = e
            continue
        if not _is_name_token(tok, first=not picked):
            break
        picked.append((tok, s, e))
        prev_end = e
        if strip_possessive(tok) != tok or len(picked) == 4:
            break
    while picked and picked[-1][0] in NAME_PARTICLES:
        picked.pop()
    if not picked:
        return None
    start, end = picked[0][1], picked[-1][2]
    last = picked[-1][0]
    end -= len(last) - len(strip_possessive(last))
    return start, end


def _name_before(text: str, pos: int, floor: int) -> Optional[Span]:
    """A person name ending at `pos` (before ", title"): 1-4 capitalised tokens."""
    toks = _tokens(text, max(floor, pos - 80), pos)
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
    ) -> list[Official]:
        def excluded(s: int, e: int) -> bool:
            return any(s < xe and e > xs for xs, xe in exclude)

        # name -> (title, country, source); non_officials: names the text marks as analysts etc.
        found: dict[str, dict] = {}
        rejected: set[str] = set()
        pending_possessive: list[tuple[str, str, str]] = []  # (name, title, owner surname)
        nearby: dict[str, Optional[str]] = {}  # the weakest evidence: a state named in the same sentence

        def add(name_span: Span, title: str, country: Optional[str], source: str) -> None:
            name = normalise_name(text[name_span[0]:name_span[1]])
            if not name or excluded(*name_span):
                return
            entry = found.get(name)
            if entry is None or (entry["country"] is None and country is not None):
                found[name] = {"title": title, "country": country, "source": source}

        for sent_start, sent_end in sentences:
            if excluded(sent_start, sent_end):
                continue
            for tm in self.title_re.finditer(text, sent_start, sent_end):
                office = self.offices[re.sub(r"\s+", " ", tm.group().lower())]
                title_text = re.sub(r"\s+", " ", tm.group())
                mod_start, mod = self._modifier(text, sent_start, tm.start())
                if _former_regex().search(mod) or _former_regex().search(text[max(sent_start, tm.start() - 12):tm.start()]):
                    name_span = _name_after(text, tm.end() + 1, sent_end) or self._comma_name(text, tm.end(), sent_end)
                    if name_span:
                        rejected.add(normalise_name(text[name_span[0]:name_span[1]]))
                    continue
                # Title directly followed by the name: "Treasury Secretary Scott Bessent".
                name_span = None
                title_end = tm.end()
                dept = _DEPARTMENT.match(text, title_end)
                if dept and dept.end() < sent_end:
                    # "Commissioner for Trade and Economic Security Maros Sefcovic"
                    title_end = dept.end()
                    title_text = re.sub(r"\s+", " ", text[tm.start():title_end])
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
                    name_span = self._apposed_name(text, mod_start, sent_start, person_spans)
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
                    nearby[normalise_name(text[name_span[0]:name_span[1]])] = self._country_nearby(text, (sent_start, sent_end), tm.start())
                display_title = title_text if not title_text.islower() else title_text
                if owner is not None:
                    pending_possessive.append((normalise_name(text[name_span[0]:name_span[1]]), display_title, owner))
                add(name_span, display_title, country, "text")

            # Appositions that mark a person as NOT an official ("Kurt Tong, managing partner at ...").
            for ps, pe in person_spans:
                if ps < sent_start or pe > sent_end:
                    continue
                tail = text[pe:min(sent_end, pe + 90)]
                if tail.startswith(","):
                    appos = re.split(r"[,;.)]", tail[1:])[0]
                    # An apposition is a noun phrase: one with a verb ("Lighthizer told reporters") is a new clause.
                    if len(appos.split()) > 12 or _APPOSITION_VERB.search(appos):
                        continue
                    if _former_regex().search(appos) or (
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
        after = text[span[1]:span[1] + 8]
        if after[:1] in (",", ".", ")") or after.startswith(" said") or after.startswith(" told") or not after.strip():
            return span
        return None

    @staticmethod
    def _apposed_name(text: str, mod_start: int, floor: int, person_spans: Sequence[Span]) -> Optional[Span]:
        # "NAME, Japan's chief negotiator" / "NAME, the U.S. Trade Representative"
        before = text[max(floor, mod_start - 3):mod_start]
        m = re.search(r",\s*(?:(?:the|a|an)\s+)?$", text[max(floor, mod_start - 8):mod_start])
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
            if bare.lower() in _TITLE_ADJECTIVES:
                continue
            return True
        return False

    @staticmethod
    def _country_from(mod: str, after_title: str, office: _Office) -> tuple[Optional[str], Optional[str]]:
        """(country, possessive owner) for a title: the text first, then offices of one government."""
        for m in _countries_in(mod):
            return m.code, None
        for tok in re.findall(r"[A-Z][\w\-]+", mod):
            region = country_norm.region_country(tok)
            if region:
                return region, None
        for phrase in re.findall(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", mod):
            region = country_norm.region_country(phrase)
            if region:
                return region, None
        of_country = re.match(r"\s+(?:of|for)\s+(?:the\s+)?([A-Z][\w.\- ]{1,40})", after_title)
        if of_country:
            for m in _countries_in(of_country.group(1)):
                return m.code, None
        if office.country:
            return office.country, None
        owner = re.search(r"([A-Z][\w\-]+)['’]s?\s*$", mod.strip()) or re.search(r"([A-Z][\w\-]+)['’]s?\b", mod)
        return None, owner.group(1) if owner else None

    @staticmethod
    def _country_nearby(text: str, sent: Span, pos: int) -> Optional[str]:
        """Last resort for an office the text does not place: the nearest state named in the sentence
        ("In Beijing, Vice Commerce Minister ..."), before the title first."""
        matches = country_norm.find_countries(text[sent[0]:sent[1]])
        before = [m for m in matches if sent[0] + m.end <= pos]
        after = [m for m in matches if sent[0] + m.start > pos]
        if before:
            return before[-1].code
        if after:
            return after[0].code
        return None

    @staticmethod
    def _country_of_person(owner: str, found: dict[str, dict], ref_date: Optional[dt.date]) -> Optional[str]:
        for name, entry in found.items():
            if name.split()[-1] == owner and entry["country"]:
                return entry["country"]
        holder = _holder_for(owner, ref_date, surname_only=True)
        return holder["country"] if holder else None

    @staticmethod
    def _known(name: str, found: dict[str, dict]) -> bool:
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
        # Single-token names fold into the unique full name that contains them ("Trump" -> "Donald Trump").
        full = [n for n in found if " " in n]
        merged: dict[str, dict] = {}
        for name, entry in found.items():
            target = name
            if " " not in name:
                owners = [f for f in full if name in (f.split()[0], f.split()[-1])]
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
    return sorted(spans)


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
        ctx.officials = self.finder.find(ctx.text, ctx.sentences, person_spans(ctx.text, ctx.entities or []),
                                         ctx.ref_date, ctx.article.wire_spans)

    def __call__(self, doc: Doc) -> Doc:
        ctx = context_of(doc)
        if ctx.entities is None:  # a NER component with exact offsets of its own (hf_ner) set them already
            ctx.entities = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        return super().__call__(doc)

    def show(self, doc: Doc, ctx: ArticleContext) -> None:
        set_spans(doc, OFFICIALS, ctx.officials, lambda o: o.mentions)
