"""WARC archives (.warc, .warc.gz) -> one raw record per HTML page, streamed with FastWARC.

Only HTTP responses with status 2xx and an HTML content type are articles; every other record
(warcinfo, request, metadata, revisit, resource, non-HTML or error responses, pages without a main
text) is skipped and counted, and one warning line per file (W060) gives the counts. A record that
cannot be read (truncated, binary, an extractor crash) becomes its own error (E060) naming its
offset and URL; the records around it go on.

The main text, title, site name and publication date come from the page (trafilatura, as for
.html). Only a page without a date of its own takes the record's WARC-Date (its capture day), and
says so: `published_source` is then "warc-date" instead of "page".
"""
from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from pathlib import Path
from typing import Any, Iterator, Optional
from urllib.parse import urldefrag

from ..errors import ArticleError, Errors
from .decoding import decode_bytes
from .formats import TEXT_FIELD, Item, RawRecord, ReadOptions
from .html import declared_charset

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Skip reasons, in the order the summary line lists them.
NOT_A_RESPONSE = "not a response"
NOT_HTML = "not HTML"
HTTP_STATUS = "HTTP status not 2xx"
NO_TEXT = "no main text"
# Below this the "main text" of a page is a few link labels of a section front or a consent page
# (trafilatura falls back to whatever text it finds), not an article: shorter than one sentence.
MIN_TEXT_CHARS = 50


def url_id(url: str) -> str:
    """A stable article id from its URL (the fragment does not name another page)."""
    digest = hashlib.sha1(urldefrag(url.strip())[0].encode("utf-8", "surrogatepass")).hexdigest()
    return "url-" + digest[:16]


def read_warc(path: Path, opts: ReadOptions) -> Iterator[Item]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    assert opts.html_extract is not None
    skipped: Counter[str] = Counter()
    counts = Counter()
    offset = 0
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream, parse_http=False)
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as err:  # a corrupt stream: what came before it is kept
                counts["errors"] += 1
                yield _record_error(path, offset, None, f"the archive cannot be read after this record ({type(err).__name__}: {err})")
                break
            counts["records"] += 1
            offset = record.stream_pos
            if record.record_type != WarcRecordType.response:
                skipped[f"{NOT_A_RESPONSE} ({record.record_type})"] += 1
                continue
            uri = record.headers.get("WARC-Target-URI")
            try:
                item = _response(path, record, uri, opts)
            except Exception as err:  # one bad record never stops the file
                item = _record_error(path, offset, uri, f"{type(err).__name__}: {err}")
            if isinstance(item, str):
                skipped[item] += 1
                continue
            counts["errors" if isinstance(item, ArticleError) else "articles"] += 1
            yield item
    if not counts["records"]:
        yield ArticleError(Errors.E003.format(path=path, reason="no WARC records in it"), origin=str(path))
        return
    reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items())) or "none"
    message = Errors.W060.format(path=path, articles=counts["articles"], records=counts["records"], errors=counts["errors"], skipped=reasons)
    yield ArticleError(message, origin=str(path))


def _response(path: Path, record, uri: Optional[str], opts: ReadOptions) -> Item | str:
    """The page of one response record: a RawRecord, an ArticleError, or the reason to skip it."""
    offset = record.stream_pos
    origin = f"{path}:offset {offset}"
    declared = int(record.headers.get("Content-Length") or 0)
    # Headers aside, 4 bytes a character at most. A bigger record is not read into memory: its
    # HTTP headers alone tell whether it is a page (then an error) or something to skip.
    too_big = declared > 4 * opts.max_chars + 65536
    if not too_big:
        record.freeze()  # reads the block; what is missing from it shows as a shorter length
        if record.content_length < declared:
            return _record_error(path, offset, uri, f"truncated: {record.content_length} of {declared} bytes")
    try:
        # Bodies are decoded here, not by FastWARC: a failed decoding there leaves the archive
        # unreadable from that record on, and crawlers often store a decoded body under its
        # original Content-Encoding header. LF-only headers are accepted.
        record.parse_http(auto_decode="none", quirks_mode=True)
    except OSError as err:
        return _record_error(path, offset, uri, f"the HTTP response headers cannot be parsed ({err})")
    status = record.http_headers.status_code if record.is_http and record.http_headers is not None else None
    if not isinstance(status, int):
        return _record_error(path, offset, uri, "the response holds no HTTP status line")
    if not 200 <= status < 300:
        return HTTP_STATUS
    if (record.http_content_type or "").lower() not in HTML_TYPES:
        return NOT_HTML
    if too_big:
        return ArticleError(Errors.E011.format(origin=origin, size=f"more than {declared // 4}", limit=opts.max_chars), origin=origin)
    try:
        body = decoded_body(record.reader.read(), record.http_headers, limit=4 * opts.max_chars + 65536)
    except ValueError as err:
        return ArticleError(Errors.E011.format(origin=origin, size=f"more than {err}", limit=opts.max_chars), origin=origin)
    if not uri:
        return _record_error(path, offset, uri, "the record has no WARC-Target-URI")
    try:
        html, warnings = decode_bytes(body, origin, opts.encoding_errors, fallback=record.http_charset or declared_charset(body))
    except ArticleError as err:
        return _record_error(path, offset, uri, str(err))
    page = opts.html_extract(html, url=uri)
    if len(page.text.strip()) < MIN_TEXT_CHARS:
        return NO_TEXT
    values = {"id": url_id(uri), TEXT_FIELD: page.text, "headline": page.title, "url": uri, "source": page.site}
    published_source = "page"
    if page.date:
        values["published"] = page.date
    else:
        captured = _capture_day(record)
        if captured is not None:
            values["published"] = captured
            published_source = "warc-date"
    return RawRecord(origin, {k: v for k, v in values.items() if v is not None}, warnings, published_source=published_source,
                     byline=list(page.authors))


def decoded_body(body: bytes, headers: Any, *, limit: int) -> bytes:
    """`body` with its chunked transfer coding and its content codings (gzip, deflate, br) undone.
    A coding that does not apply leaves the bytes as they are (a stored body is often already
    decoded). Raises ValueError (the characters at least) when it would decode to over `limit` bytes."""
    if "chunked" in str(headers.get("Transfer-Encoding") or "").lower():
        body = _dechunked(body) or body
    codings = [c.strip().lower() for c in str(headers.get("Content-Encoding") or "").split(",") if c.strip()]
    for coding in reversed(codings):
        body = _decompressed(body, coding, limit)
    return body


def _dechunked(body: bytes) -> Optional[bytes]:
    """The chunks joined, or None where `body` is not chunked after all."""
    out, at = bytearray(), 0
    while True:
        line_end = body.find(b"\r\n", at)
        if line_end < 0:
            return None
        try:
            size = int(body[at:line_end].split(b";")[0].strip(), 16)
        except ValueError:
            return None
        if size == 0:
            return bytes(out)
        start = line_end + 2
        if start + size > len(body):
            return None
        out += body[start:start + size]
        at = start + size + 2


def _decompressed(body: bytes, coding: str, limit: int) -> bytes:
    if coding in ("gzip", "x-gzip", "deflate"):
        # 47: gzip or zlib header, detected; -15: a raw deflate stream, as some servers send.
        for wbits in (47, -15):
            inflater = zlib.decompressobj(wbits)
            try:
                out = inflater.decompress(body, limit)
            except zlib.error:
                continue
            if inflater.unconsumed_tail:
                raise ValueError(limit // 4)
            return out
        return body
    if coding == "br":
        try:
            import brotli
        except ImportError:  # brotli is optional: the body stays encoded and yields no text
            return body
        try:
            out = brotli.decompress(body)
        except brotli.error:
            return body
        if len(out) > limit:
            raise ValueError(limit // 4)
        return out
    return body  # identity, or a coding nobody uses for HTML


def _capture_day(record) -> Optional[str]:
    try:
        when = record.record_date
    except Exception:  # a malformed WARC-Date costs the date, not the article
        return None
    return when.date().isoformat() if when is not None else None


def _record_error(path: Path, offset: int, uri: Optional[str], reason: str) -> ArticleError:
    origin = f"{path}:offset {offset}"
    message = Errors.E060.format(origin=origin, uri=uri or "no URL", reason=reason)
    return ArticleError(message, origin=origin, article_id=url_id(uri) if uri else None)
