"""Wire conventions (byline, dateline, trailing credits) as metadata.

The text is never changed: `parse_wire` returns the regions that must yield no facts as
character spans into it, next to the names, places and agency they hold. Only the head (first
lines) and the tail (last lines) of a text are scanned, so a 5 MB article costs as little as a
short one. The rules lean towards missing a wire element rather than hiding a real sentence.

Decisions: a title-case dateline ("Washington, D.C. —", "Beijing, Jan 2 (Reuters) -") is accepted
only with a date, an agency in parentheses or a ", D.C."-style abbreviation after the place; a
bare title-case word before a dash ("Tariffs — the taxes ...") is prose, not a dateline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from ..normalize.dates import find_dates

Span = tuple[int, int]

# Agencies as they close a byline ("By Jane Roe, Reuters"), longest first so the regex prefers them.
AGENCIES = (
    "Agence France-Presse", "Associated Press", "The Associated Press", "Australian Associated Press",
    "Canadian Press", "The Canadian Press", "Press Trust of India", "Press Association", "Bloomberg News",
    "Bloomberg", "Reuters", "Thomson Reuters", "Dow Jones", "Dow Jones Newswires", "Xinhua", "Kyodo News",
    "Kyodo", "Jiji Press", "Yonhap", "Anadolu Agency", "Anadolu", "Interfax", "TASS", "RIA Novosti",
    "Bernama", "Antara", "AFP", "AP", "dpa", "DPA", "ANSA", "EFE", "PTI", "ANI", "IANS", "AAP", "UPI", "CNA",
)
_AGENCY_ALT = "|".join(re.escape(a) for a in sorted(AGENCIES, key=len, reverse=True))

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday|rsday)?\.?"
_TZ = r"(?:UTC|GMT|ET|EST|EDT|CT|CST|CDT|PT|PST|PDT|BST|CET|CEST|JST|KST|IST|HKT|SGT|AEST|AEDT)(?:[+-]\d{1,2})?"

_LINE = re.compile(r"[^\r\n]*")
_BYLINE = re.compile(r"By\s+(?P<rest>\S.*?)\s*", re.S)
_BYLINE_AGENCY = re.compile(r"(?:^|\s*[,|/]\s*|\s+[-–—]\s+|\s+(?:for|of)\s+|\s+)(?:" + _AGENCY_ALT + r")\s*$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\||\band\b)\s*", re.I)
_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w .'’-]*$")
_TIMESTAMP_TOKEN = (
    r"(?:" + _MONTH + r"|" + _WEEKDAY + r"|\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?Z?)?|\d{1,2}:\d{2}(?::\d{2})?"
    r"|\d{1,4}(?:st|nd|rd|th)?|[AaPp]\.?[Mm]\.?|" + _TZ + r"|at|on)"
)
_TIMESTAMP = re.compile(
    r"(?:(?:Last\s+)?(?:Updated|Published|Posted|First\s+published)\s*:?\s*)?"
    r"(?:" + _TIMESTAMP_TOKEN + r"(?:[\s,|·/.-]+|$))+",
    re.I,
)
_HAS_DATE_OR_TIME = re.compile(r"\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|\b" + _MONTH + r"(?!\w)", re.I)

# Names: capitalised words, initials and the lower-case particles of surnames.
_PARTICLES = {"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du", "dos", "das", "bin", "al", "el", "ter"}
_NOT_NAMES = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "the", "this",
    "that", "then", "now", "today", "tomorrow", "yesterday", "staff", "reporters", "reporter", "editors",
    "officials", "next", "last", "end", "early", "late", "mid", "noon", "midnight", "week", "month", "year",
}
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.\-]*\.?|[^\W\d_]\.")

# Dateline parts. Upper-case place words, then an optional region, date and agency, then a dash.
_UP = r"[A-ZÀ-ÖØ-Þ]"
_CAPS_PLACE = _UP + r"[A-ZÀ-ÖØ-Þ.'’\-]*(?:\s+" + _UP + r"[A-ZÀ-ÖØ-Þ.'’\-]*){0,3}"
_TITLE_PLACE = _UP + r"[a-zà-ÿ'’\-]+(?:\s+" + _UP + r"[a-zà-ÿ'’\-]+){0,2}"
_ABBREV = r"(?:[A-Z][a-z]{0,4}\.(?:\s?[A-Z]\.)*)"  # D.C., N.Y., Calif.
_REGION = r"(?:" + _ABBREV + r"|" + _UP + r"[a-zà-ÿ]+(?:\s+" + _UP + r"[a-zà-ÿ]+){0,2})"
_DATE = r"(?:" + _MONTH + r"\s+\d{1,2}(?:,?\s+\d{4})?|\d{1,2}\s+" + _MONTH + r"(?:\s+\d{4})?)"
_AGENCY_PAREN = r"\(\s*(?P<agency>[A-Z][\w.&'’\- ]{0,40}?)\s*\)"
_DASH = r"(?:--|[-–—])"
_DATELINE = re.compile(
    r"(?P<places>" + _CAPS_PLACE + r"(?:\s*/\s*" + _CAPS_PLACE + r")*)"
    r"(?:,\s+(?P<region>" + _REGION + r")(?=\s*(?:,|\(|" + _DASH + r")))?"
    r"(?:,\s+(?P<date>" + _DATE + r"))?"
    r"(?:\s*" + _AGENCY_PAREN + r")?"
    r"(?P<dash>\s*" + _DASH + r")(?=\s*\S)"
)
_DATELINE_TITLE = re.compile(
    r"(?P<places>" + _TITLE_PLACE + r"(?:\s*/\s*" + _TITLE_PLACE + r")*)"
    r"(?:(?:,\s+(?P<region>" + _ABBREV + r"))(?:,\s+(?P<date1>" + _DATE + r"))?(?:\s*" + _AGENCY_PAREN.replace("agency", "agency1") + r")?"
    r"|(?:,\s+(?P<date>" + _DATE + r"))(?:\s*" + _AGENCY_PAREN + r")?"
    r"|\s*" + _AGENCY_PAREN.replace("agency", "agency2") + r")"
    r"(?P<dash>\s*" + _DASH + r")(?=\s*\S)"
)
_NOT_PLACES = {
    "UPDATE", "BREAKING", "EXCLUSIVE", "ANALYSIS", "FACTBOX", "EXPLAINER", "COMMENTARY", "OPINION", "NOTE",
    "WTO", "EU", "NATO", "OPEC", "IMF", "USMCA", "ASEAN", "G7", "G20", "CEO", "GDP", "FTA", "US", "UK", "U.S.", "U.K.",
}

# Credits. Keywords that open a credit, and the lower-case words a credit line may contain.
_CREDIT_KEYWORD = r"(?:Additional\s+)?(?:Reporting|Writing|Editing|Compiled|Graphics|Research|Production|Produced|Translated|Fact[- ]checking)"
_CREDIT_LINE = re.compile(r"\(?\s*" + _CREDIT_KEYWORD + r"\s+(?:by|and)\b", re.I)
_CONTRIBUTED = re.compile(r"(?:(?:--|[-–—])\s*)?.{0,200}\bcontributed\s+(?:to\s+th(?:is|e)\s+(?:report|story)|reporting)\b", re.I)
_CONTACT = re.compile(r"(?:Contact\s*:|To\s+contact\s+the\s+(?:reporters?|editors?|authors?)\b|(?:©|\(c\)|Copyright)\s*\d{4})", re.I)
_CREDIT_TAIL = re.compile(r"\(\s*" + _CREDIT_KEYWORD + r"\s+by\b", re.I)
_CREDIT_WORDS = {
    "by", "in", "and", "of", "the", "for", "from", "with", "at", "additional", "reporting", "writing", "editing",
    "compiled", "graphics", "research", "production", "produced", "translated", "fact", "checking", "fact-checking",
    "writer", "writers", "reporter", "reporters", "correspondent", "correspondents", "contributed", "to", "this",
    "report", "story", "also", "staff", "news", "press", "associated",
} | _PARTICLES
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


@dataclass(frozen=True)
class WireInfo:
    byline: list[str] = field(default_factory=list)
    dateline: list[str] = field(default_factory=list)
    agency: str | None = None
    spans: list[Span] = field(default_factory=list)
    # The day of writing the wire head gives (a timestamp under the byline, or a dateline date with
    # its year), as YYYY-MM-DD; a dateline without a year gives none.
    date: str | None = None


def parse_wire(text: str) -> WireInfo:
    """Find byline, dateline and credits in `text`; `spans` are the regions that yield no facts."""
    spans: list[Span] = []
    head = _head_lines(text)
    byline: list[str] = []
    agency: str | None = None
    date_texts: list[str] = []
    first = next(head, None)
    body = first
    if first is not None:
        found = _parse_byline(text[first[0]:first[1]])
        if found is not None:
            byline, agency = found
            end = first[1]
            body = next(head, None)
            if body is not None and _is_timestamp(text[body[0]:body[1]]):
                date_texts.append(text[body[0]:body[1]])
                end = body[1]
                body = next(head, None)
            spans.append((first[0], end))
    dateline: list[str] = []
    if body is not None:
        found_dl = _parse_dateline(text, body[0], body[1])
        if found_dl is not None:
            dateline, dl_agency, dl_span, dl_date = found_dl
            agency = dl_agency or agency
            spans.append(dl_span)
            if dl_date:
                date_texts.append(dl_date)
    floor = spans[-1][1] if spans else 0
    spans.extend(_credit_spans(text, floor))
    return WireInfo(byline=byline, dateline=dateline, agency=agency, spans=sorted(spans), date=_wire_day(date_texts))


def _wire_day(texts: list[str]) -> str | None:
    """The first full day (with its year) in the wire head's date texts; relative ones never count."""
    for text in texts:
        for found in find_dates(text, None):
            if found.grain == "day" and found.value is not None:
                return found.value
    return None


def _head_lines(text: str) -> Iterator[Span]:
    """Non-empty lines from the start, as (start, end) without surrounding whitespace."""
    for match in _LINE.finditer(text):
        line = match.group()
        if line.strip():
            start = match.start() + len(line) - len(line.lstrip())
            yield start, match.start() + len(line.rstrip())


def _tail_lines(text: str, floor: int) -> Iterator[Span]:
    """Non-empty lines from the end backwards, not reaching below `floor`."""
    end = len(text)
    while end > floor:
        cut = max(text.rfind("\n", floor, end), text.rfind("\r", floor, end))
        start = cut + 1 if cut >= 0 else floor
        line = text[start:end]
        if line.strip():
            yield start + len(line) - len(line.lstrip()), start + len(line.rstrip())
        end = cut if cut >= 0 else floor


def byline_names(authors: str) -> list[str]:
    """The reporters' names in an author list ("Jane Roe and John Doe, Reuters"), checked as a
    byline's are; [] when it does not read as names."""
    found = _parse_byline("By " + " ".join(authors.split()))
    return found[0] if found else []


def _parse_byline(line: str) -> tuple[list[str], str | None] | None:
    if len(line) > 200:
        return None
    match = _BYLINE.fullmatch(line)
    if match is None:
        return None
    rest = match.group("rest")
    agency = None
    found = _BYLINE_AGENCY.search(rest)
    if found is not None:
        agency = found.group().strip(" ,|/-–—")
        agency = re.sub(r"^(?:for|of)\s+", "", agency, flags=re.I)
        rest = rest[: found.start()]
    if not rest.strip():
        return ([], agency) if agency else None
    names = []
    for piece in _NAME_SPLIT.split(rest):
        piece = _IN_PLACE.sub("", piece.strip())
        if not piece:
            continue
        if not _is_name(piece):
            return None
        names.append(piece.title() if piece.isupper() else piece)
    return (names, agency) if names else None


def _is_name(piece: str) -> bool:
    tokens = piece.split()
    if not 2 <= len(tokens) <= 5:
        return False
    for i, token in enumerate(tokens):
        if token.lower() in _NOT_NAMES:
            return False
        if token in _PARTICLES and 0 < i < len(tokens) - 1:
            continue
        if not _NAME_TOKEN.fullmatch(token) or not token[0].isupper():
            return False
    return True


def _is_timestamp(line: str) -> bool:
    return len(line) <= 80 and bool(_TIMESTAMP.fullmatch(line)) and bool(_HAS_DATE_OR_TIME.search(line))


def _parse_dateline(text: str, start: int, end: int) -> tuple[list[str], str | None, Span, str | None] | None:
    para = text[start:end]
    match = _DATELINE.match(para)
    if match is not None:
        places = [p.strip() for p in match.group("places").split("/")]
        bare = not (match.group("date") or match.group("agency") or match.group("region"))
        if bare and any(p in _NOT_PLACES or len(p) < 3 for p in places):
            return None
        if any(p in _NOT_PLACES for p in places) and not match.group("agency"):
            return None
    else:
        match = _DATELINE_TITLE.match(para)
        if match is None:
            return None
        places = [p.strip() for p in match.group("places").split("/")]
    # A dateline opens a sentence: an all-caps heading before a dash is not one.
    rest = para[match.end():]
    if not any(c.islower() for c in rest[:200]):
        return None
    region = match.group("region")
    if region and len(places) == 1:
        places = [f"{places[0]}, {region}"]
    groups = match.groupdict()
    agency = groups.get("agency") or groups.get("agency1") or groups.get("agency2")
    return places, agency, (start, start + match.end()), groups.get("date") or groups.get("date1")


def _credit_spans(text: str, floor: int) -> list[Span]:
    spans: list[Span] = []
    covered = len(text)
    for index, (start, end) in enumerate(_tail_lines(text, floor)):
        if end > covered:
            continue
        line = text[start:end]
        if _is_credit_line(line):
            spans.append((start, end))
            continue
        if index == 0:
            tail = _credit_tail(text, max(floor, start - 2000), end)
            if tail is not None:
                spans.append(tail)
                if tail[0] < start:  # a parenthesised credit over several lines: look above it
                    covered = tail[0]
                    continue
        break
    return spans


def _is_credit_line(line: str) -> bool:
    if len(line) > 400:
        return False
    if _CONTACT.match(line):
        return True
    if line.startswith("(") and line.endswith(")") and _CREDIT_LINE.match(line):
        return True
    if _CREDIT_LINE.match(line) or _CONTRIBUTED.fullmatch(line.rstrip(".")):
        # Unparenthesised, it must read as a list of names, not as a sentence ("Reporting by the FT showed ...").
        return all(w[0].isupper() or w.lower() in _CREDIT_WORDS for w in _WORD.findall(line))
    return False


def _credit_tail(text: str, lo: int, end: int) -> Span | None:
    """A parenthesised credit that closes the text: '... said. (Reporting by A; Editing by B)'."""
    if text[end - 1] != ")":
        return None
    for match in _CREDIT_TAIL.finditer(text, lo, end):
        depth = 0
        for i in range(match.start(), end):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                break
        if depth == 0 and i == end - 1:
            return match.start(), end
    return None
