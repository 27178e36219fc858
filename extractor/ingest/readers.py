"""The configured ingest stage: inputs -> Articles, or ArticleErrors for what cannot be read.

    [ingest]
    @readers = "tariffwire.Ingest.v1"
    fields = {"text": "body", "headline": "title"}
    published_default = null

Records are read lazily, one file after another; a bad record or file yields an ArticleError
and the run goes on. Only a missing input is fatal (E001).
"""
from __future__ import annotations

import codecs
import datetime as dt
import math
import os
import re
import stat
from pathlib import Path
from typing import Any, Iterator, Literal, Mapping, Optional, Sequence, Union

from ..errors import ArticleError, Errors, TariffwireError
from ..registry import PositiveInt, registry
from .article import Article, content_id
from .formats import TEXT_FIELD, RawRecord, ReadOptions, describe, isolate
from .kinds import READERS
from .html import get_extractor
from .sources import format_of, iter_sources, resolve_inputs
from .wire import parse_wire

FIELDS = ("id", "text", "headline", "published", "source", "url")
DEFAULT_FIELDS = {name: name for name in FIELDS}
# How an HTML page becomes text: trafilatura (the default) or the built-in tag stripper.
HtmlExtractor = Literal["trafilatura", "builtin"]
_OPTIONAL_TEXT_FIELDS = ("headline", "source", "url")

_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")
# Lone surrogates: JSON escapes (\ud800) and undecodable file names (surrogateescape) make them.
# No UTF-8 writer, spaCy or database takes them.
SURROGATES = re.compile("[\ud800-\udfff]")

Result = Union[Article, ArticleError]


def normalize_published(value: str) -> Optional[str]:
    """'YYYY-MM-DD', 'YYYY-MM', 'YYYY' as given, the date part of an ISO datetime; else None."""
    value = value.strip()
    if _YEAR.fullmatch(value) or _MONTH.fullmatch(value):
        return value if int(value[:4]) >= 1 else None  # there is no year 0 (datetime refuses it)
    if _DAY.fullmatch(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    if _DATETIME.fullmatch(value):
        try:
            return dt.datetime.fromisoformat(value.replace("z", "Z")).date().isoformat()
        except ValueError:
            return None
    return None


def is_future(published: str, today: dt.date) -> bool:
    """True when even the earliest day `published` can mean lies after `today`."""
    year, month, day = (published.split("-") + ["01", "01"])[:3]
    return dt.date(int(year), int(month), int(day)) > today


class Ingestor:
    """Reads inputs into Articles. Build it with `make_ingestor` (or the registry)."""

    def __init__(
        self,
        fields: dict[str, str],
        published_default: Optional[str] = None,
        html_extractor: str = "trafilatura",
        max_chars: int = 2_000_000,
        encoding_errors: str = "replace",
    ):
        self.fields = fields
        self.published_default = published_default
        self.html_extractor = html_extractor
        self.max_chars = max_chars
        self.encoding_errors = encoding_errors
        self._options: Optional[ReadOptions] = None

    def _read_options(self) -> ReadOptions:
        # Built on first use: choosing the HTML extractor imports trafilatura, which is slow.
        if self._options is None:
            self._options = ReadOptions(
                fields=self.fields,
                encoding_errors=self.encoding_errors,
                max_chars=self.max_chars,
                html_extract=get_extractor(self.html_extractor),
            )
        return self._options

    def iter_records(self, inputs: Sequence[str]) -> Iterator[Result]:
        """Articles and ArticleErrors from `inputs`, lazily. Raises TariffwireError (E001) now,
        before anything is read, when an input does not exist."""
        roots = resolve_inputs(inputs)
        return self._iter(roots)

    def _iter(self, roots: list[Path]) -> Iterator[Result]:
        seen_ids: set[str] = set()
        today = dt.date.today()
        for path in iter_sources(roots):
            for item in self._iter_file(path):
                if isinstance(item, ArticleError):
                    yield item
                    continue
                result = self._build_safely(item, today)
                if isinstance(result, Article):
                    if result.id in seen_ids:
                        message = Errors.W002.format(origin=item.origin, article_id=result.id)
                        yield ArticleError(message, origin=item.origin, stage="ingest", article_id=result.id)
                        continue
                    seen_ids.add(result.id)
                yield result

    def from_mapping(self, record: Mapping[str, Any], origin: str = "<input>") -> Result:
        """One article given as a mapping (the Python API: dicts, DataFrame rows, datasets rows)."""
        values = {ours: record.get(theirs) for ours, theirs in self.fields.items()}
        return self._build_safely(RawRecord(origin, values), dt.date.today())

    def _iter_file(self, path: Path) -> Iterator[Union[RawRecord, ArticleError]]:
        kind = format_of(path)
        if kind is None:
            unlisted = _unlistable(path)
            if unlisted is not None:
                yield ArticleError(Errors.E003.format(path=path, reason=unlisted), origin=str(path))
                return
            reason = "a folder that is not a saved dataset" if path.is_dir() else "unknown file extension"
            yield ArticleError(Errors.E002.format(path=path, reason=reason), origin=str(path))
            return
        special = _special_file(path)
        if special is not None:
            yield ArticleError(Errors.E002.format(path=path, reason=special), origin=str(path))
            return
        read = 0
        try:
            # isolate() makes every record of every reader fail alone (formats module docstring).
            for item in isolate(READERS[kind](path, self._read_options())):
                read += 1
                yield item
        except Exception as err:  # the file itself broke mid-way (a corrupt gzip block, ...): never the run
            if read:
                message = Errors.E015.format(path=path, reason=describe(err), read=read)
            else:
                message = Errors.E003.format(path=path, reason=describe(err))
            yield ArticleError(message, origin=str(path))

    def _build_safely(self, record: RawRecord, today: dt.date) -> Result:
        # An exception here (a wire-parsing bug on some odd text, say) would otherwise end the
        # generator, and with it the run: it becomes this one record's error instead.
        try:
            return self._build(record, today)
        except Exception as err:
            first = next(iter(str(err).splitlines()), "")  # one line, formatted in: the message keeps its code
            message = Errors.E030.format(article_id=record.origin, stage="ingest", error_type=type(err).__name__, message=first)
            return ArticleError(message, origin=record.origin, stage="ingest")

    def _build(self, record: RawRecord, today: dt.date) -> Result:
        origin = record.origin
        warnings = list(record.warnings)
        values = _replace_surrogates(record.values, origin, warnings)
        text = values.get(TEXT_FIELD)
        # The record's own id, when it has a usable one, so that errors.jsonl names the article.
        given_id = self._id(values.get("id"), origin, [])
        if _missing(text) or (isinstance(text, str) and not text.strip()):
            return ArticleError(Errors.E005.format(origin=origin, field=self.fields[TEXT_FIELD]), origin=origin, article_id=given_id)
        if not isinstance(text, str):
            message = Errors.E006.format(origin=origin, field=self.fields[TEXT_FIELD], type=type(text).__name__, expected="str")
            return ArticleError(message, origin=origin, article_id=given_id)
        if len(text) > self.max_chars:
            message = Errors.E011.format(origin=origin, size=len(text), limit=self.max_chars)
            return ArticleError(message, origin=origin, article_id=given_id)
        optional = {name: self._as_str(values.get(name), name, origin, warnings) for name in _OPTIONAL_TEXT_FIELDS}
        wire = parse_wire(text)
        published, published_source = self._published(values.get("published"), origin, warnings, today, wire.date)
        if published is not None and published_source == "input":
            published_source = record.published_source
        article_id = self._id(values.get("id"), origin, warnings) or content_id(text, optional["headline"])
        return Article(
            id=article_id,
            text=text,
            headline=optional["headline"],
            published=published,
            published_source=published_source,
            source=optional["source"] or wire.agency,
            url=optional["url"],
            byline=wire.byline or record.byline,
            dateline=wire.dateline,
            wire_spans=wire.spans,
            origin=origin,
            warnings=warnings,
        )

    def _as_str(self, value: Any, name: str, origin: str, warnings: list[str]) -> Optional[str]:
        """A string field: numbers become strings, other types are dropped, each with a warning."""
        if _missing(value):
            return None
        if isinstance(value, str):
            return value.strip() or None
        field = self.fields.get(name, name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            warnings.append(Errors.W003.format(origin=origin, field=field, type=type(value).__name__))
            return str(value)
        warnings.append(Errors.W004.format(origin=origin, field=field, type=type(value).__name__))
        return None

    def _id(self, value: Any, origin: str, warnings: list[str]) -> Optional[str]:
        # Integer ids are common in archives: taken as they are, without a warning.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self._as_str(value, "id", origin, warnings)

    def _published(
        self, value: Any, origin: str, warnings: list[str], today: dt.date, wire_date: Optional[str] = None
    ) -> tuple[Optional[str], Optional[str]]:
        """The publication date and where it came from: the record's own, else the day its wire
        head gives (an article's own dateline beats a batch-wide default), else the default."""
        published = None
        if isinstance(value, dt.datetime):
            published = value.date().isoformat()
        elif isinstance(value, dt.date):
            published = value.isoformat()
        elif isinstance(value, int) and not isinstance(value, bool):
            published = normalize_published(str(value))
        elif isinstance(value, str) and value.strip():
            published = normalize_published(value)
        if published is None and not _missing(value) and not (isinstance(value, str) and not value.strip()):
            warnings.append(Errors.E008.format(origin=origin, value=value))
        source = None
        for candidate, candidate_source in ((published, "input"), (wire_date, "dateline"), (self.published_default, "default")):
            if candidate is not None:
                published, source = candidate, candidate_source
                break
        if published is not None and is_future(published, today):
            warnings.append(Errors.W001.format(origin=origin, value=published, today=today.isoformat()))
        return published, source


def _replace_surrogates(values: dict[str, Any], origin: str, warnings: list[str]) -> dict[str, Any]:
    """Each lone surrogate becomes U+FFFD: one character for one, so every offset still holds."""
    bad = [k for k, v in values.items() if isinstance(v, str) and SURROGATES.search(v)]
    if not bad:
        return values
    warnings.append(Errors.E009.format(origin=origin))
    return {k: SURROGATES.sub("\ufffd", v) if k in bad else v for k, v in values.items()}


def _unlistable(path: Path) -> Optional[str]:
    """Why a folder cannot be listed (its files would be lost without a word), or None."""
    if not path.is_dir():
        return None
    try:
        with os.scandir(path):
            return None
    except OSError as err:
        return describe(err)


def _special_file(path: Path) -> Optional[str]:
    """Why `path` cannot be read as a file (a FIFO would block the run forever), or None. A path
    that cannot be stat'ed at all (a dangling link, a link loop) is left to the reader's E003."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"not a regular file ({kind})"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@registry.readers("tariffwire.Ingest.v1")
def make_ingestor(
    fields: dict[str, str] = DEFAULT_FIELDS,
    published_default: Optional[str] = None,
    html_extractor: HtmlExtractor = "trafilatura",
    max_chars: PositiveInt = 2_000_000,
    encoding_errors: str = "replace",
) -> Ingestor:
    """Build the ingest stage. `fields` maps our names to the input's; unnamed fields keep ours."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise TariffwireError(Errors.E020.format(reason=f"ingest.fields: unknown field(s) {unknown}; expected some of {list(FIELDS)}"))
    try:
        codecs.lookup_error(encoding_errors)
    except LookupError:
        raise TariffwireError(Errors.E020.format(reason=f"ingest.encoding_errors={encoding_errors!r} is not a codec error handler")) from None
    default = None
    if published_default is not None:
        default = normalize_published(published_default)
        if default is None:
            raise TariffwireError(Errors.E020.format(reason=f"ingest.published_default={published_default!r}; expected YYYY-MM-DD, YYYY-MM or YYYY"))
    return Ingestor(
        fields={**DEFAULT_FIELDS, **fields},
        published_default=default,
        html_extractor=html_extractor,
        max_chars=max_chars,
        encoding_errors=encoding_errors,
    )
