"""The main text and metadata of an HTML page: trafilatura, or a small stdlib fallback.

The headline is metadata, never text: the text starts at the body, so that a dateline opening the
body is read as one (an .html page and the same story as .txt give the same records). The
publication date comes from the page's metadata only (meta tags, JSON-LD, URL, <time>), not from
dates guessed out of the body text, which name the events reported rather than the day of writing.

The fallback exists because trafilatura's import can fail on a broken lxml install
(lxml >= 5.2 moved `lxml.html.clean` out); ingest then still works, with plainer extraction.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from typing import Any, Callable, Optional

from ..errors import Errors
from .wire import byline_names

logger = logging.getLogger("tariffwire")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


@dataclass
class Page:
    text: str
    title: Optional[str] = None
    date: Optional[str] = None
    url: Optional[str] = None
    site: Optional[str] = None
    authors: tuple[str, ...] = ()  # the page's byline metadata


def split_authors(value: Optional[str]) -> tuple[str, ...]:
    """An author field ('Jane Roe; John Doe', 'Jane Roe, Reuters') -> the names, read as a byline
    is: an agency is left out, and a field that does not read as names gives none."""
    return tuple(byline_names(value)) if value else ()


PageExtractor = Callable[..., Page]  # (html, url=None) -> Page

_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_DATE_FROM_METADATA = {"extensive_search": False, "original_date": True}


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def page_headings(html: str, title: Optional[str]) -> set[str]:
    """The page's <h1> texts and its title, compared without case or spacing."""
    found = {_squash(unescape(_TAG.sub(" ", h))) for h in _H1.findall(html[:500_000])}
    if title:
        found.add(_squash(title))
    return {h for h in found if h}


def strip_headline(text: str, headings: set[str]) -> str:
    """`text` without leading lines that repeat a heading (extractors put the <h1> first)."""
    while True:
        stripped = text.lstrip()
        first, newline, rest = stripped.partition("\n")
        if not newline or _squash(first) not in headings:
            return text
        text = rest


def declared_charset(data: bytes) -> Optional[str]:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii").lower() if found else None


def get_extractor(name: str) -> PageExtractor:
    """'trafilatura' (falls back to 'builtin' when it cannot be imported) or 'builtin'."""
    if name == "builtin":
        return extract_builtin
    try:
        import trafilatura  # noqa: F401
    except Exception as err:  # ImportError, or an ImportError raised inside its dependencies
        logger.warning(Errors.W005.format(reason=f"{type(err).__name__}: {err}"))
        return extract_builtin
    return extract_trafilatura


def extract_trafilatura(html: str, url: Optional[str] = None) -> Page:
    import trafilatura

    result: Any = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, date_extraction_params=_DATE_FROM_METADATA
    )
    if not result:
        return Page(text="")
    get = result.get if isinstance(result, dict) else lambda key: getattr(result, key, None)
    title = get("title")
    text = strip_headline(get("text") or "", page_headings(html, title))
    return Page(text=text, title=title, date=get("date"), url=get("url"), site=get("sitename"), authors=split_authors(get("author")))


_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "button", "iframe", "head"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section",
    "article", "main", "tr", "td", "th", "table", "figcaption", "dd", "dt",
}
_VOID = {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col", "embed", "param", "track"}
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate", "dc.date", "publish-date")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.blocks: list[list[str]] = [[]]
        # blocks[main_start:main_end] came from the first <article> or <main>
        self.main_start: Optional[int] = None
        self.main_end: Optional[int] = None
        self.main_depth = 0
        self.title: list[str] = []
        self.h1: list[str] = []
        self.h1_done = False
        self.meta: dict[str, str] = {}
        self.canonical: Optional[str] = None
        self.time: Optional[str] = None

    def _skipping(self) -> bool:
        return any(tag in _SKIP for tag in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower():
            self.canonical = values.get("href") or None
        elif tag == "time" and self.time is None and values.get("datetime"):
            self.time = values["datetime"]
        if tag in _BLOCK:
            self._break()
        if tag in ("article", "main") and self.main_start is None:
            self.main_start = len(self.blocks) - 1
            self.main_depth = len(self.stack)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:  # unclosed inner tags are closed with it
            while self.stack and self.stack.pop() != tag:
                pass
        if tag in _BLOCK:
            self._break()
        if tag == "h1" and self.h1:
            self.h1_done = True
        if self.main_start is not None and self.main_end is None and len(self.stack) <= self.main_depth:
            self._break()
            self.main_end = len(self.blocks)

    def handle_data(self, data: str) -> None:
        if "title" in self.stack and "svg" not in self.stack:
            self.title.append(data)
            return
        if "h1" in self.stack:  # the headline: metadata, kept out of the text
            if not self.h1_done:
                self.h1.append(data)
            return
        if self._skipping():
            return
        self.blocks[-1].append(data)

    def _break(self) -> None:
        if self.blocks[-1]:
            self.blocks.append([])


def _join(blocks: list[list[str]]) -> str:
    paragraphs = (" ".join("".join(parts).split()) for parts in blocks)
    return "\n\n".join(p for p in paragraphs if p)


def extract_builtin(html: str, url: Optional[str] = None) -> Page:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    text = _join(parser.blocks[parser.main_start : parser.main_end]) if parser.main_start is not None else ""
    if not text:
        text = _join(parser.blocks)
    meta = parser.meta
    heading = " ".join("".join(parser.h1).split())
    title = meta.get("og:title") or heading or " ".join("".join(parser.title).split()) or None
    date = next((meta[k] for k in _DATE_META if meta.get(k)), None) or parser.time
    page_url = parser.canonical or meta.get("og:url") or url
    authors = split_authors(meta.get("author") or meta.get("article:author"))
    return Page(text=text, title=title, date=date, url=page_url, site=meta.get("og:site_name") or None, authors=authors)
