"""The article as it enters the pipeline: text exactly as read, plus metadata."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Optional

Span = tuple[int, int]


@dataclass
class Article:
    """One article. `text` is the decoded text exactly as read: every offset points into it.

    `wire_spans` are the byline, dateline and credit regions: they stay in the text (offsets must
    not move) but yield no facts.
    """

    id: str
    text: str
    headline: Optional[str] = None
    published: Optional[str] = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY" as given
    # Where `published` came from: "input" (the record's field), "page" (HTML metadata),
    # "warc-date" (the WARC record's capture date), "dateline" (the wire head), "default"
    # (ingest.published_default, i.e. --published); None when there is no date.
    published_source: Optional[str] = None
    source: Optional[str] = None
    url: Optional[str] = None
    byline: list[str] = field(default_factory=list)
    dateline: list[str] = field(default_factory=list)
    wire_spans: list[Span] = field(default_factory=list)
    origin: str = ""  # "path:line" or similar, for error reports
    warnings: list[str] = field(default_factory=list)

    @property
    def ref_date(self) -> Optional[dt.date]:
        """The publication date at day precision, or None (relative dates then stay unresolved)."""
        if not self.published or len(self.published) != 10:
            return None
        try:
            return dt.date.fromisoformat(self.published)
        except ValueError:
            return None


def content_id(text: str, headline: Optional[str] = None) -> str:
    """A stable id for an article that has none: a hash of its content."""
    digest = hashlib.sha1(((headline or "") + "\x00" + text).encode("utf-8", "surrogatepass")).hexdigest()
    return "sha1-" + digest[:16]
