"""The main text and metadata of an HTML page: trafilatura, or a small stdlib fallback.

The fallback exists because trafilatura's import can fail on a broken lxml install
(lxml >= 5.2 moved `lxml.html.clean` out); ingest then still works, with plainer extraction.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Callable, Optional

from ..errors import Errors

logger = logging.getLogger("tariffwire")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


@dataclass
class Page:
    text: str
    title: Optional[str] = None
    date: Optional[str] = None
    url: Optional[str] = None


def declared_charset(data: bytes) -> Optional[str]:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii").lower() if found else None


def get_extractor(name: str) -> Callable[[str], Page]:
    """'trafilatura' (falls back to 'builtin' when it cannot be imported) or 'builtin'."""
    if name == "builtin":
        return extract_builtin
    try:
        import trafilatura  # noqa: F401
    except Exception as err:  # ImportError, or an ImportError raised inside its dependencies
        logger.warning(Errors.W005.format(reason=f"{type(err).__name__}: {err}"))
        return extract_builtin
    return extract_trafilatura


def extract_trafilatura(html: str) -> Page:
    import trafilatura

    result: Any = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, as_dict=True)
    if not result:
        return Page(text="")
    get = result.get if isinstance(result, dict) else lambda key: getattr(result, key, None)
    return Page(text=get("text") or "", title=get("title"), date=get("date"), url=get("url"))


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
        if self.main_start is not None and self.main_end is None and len(self.stack) <= self.main_depth:
            self._break()
            self.main_end = len(self.blocks)

    def handle_data(self, data: str) -> None:
        if "title" in self.stack and "svg" not in self.stack:
            self.title.append(data)
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


def extract_builtin(html: str) -> Page:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    text = _join(parser.blocks[parser.main_start : parser.main_end]) if parser.main_start is not None else ""
    if not text:
        text = _join(parser.blocks)
    meta = parser.meta
    title = meta.get("og:title") or " ".join("".join(parser.title).split()) or None
    date = next((meta[k] for k in _DATE_META if meta.get(k)), None) or parser.time
    return Page(text=text, title=title, date=date, url=parser.canonical or meta.get("og:url") or None)
