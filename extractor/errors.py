"""Coded error messages in one catalogue, as spaCy's errors.py does.

Codes are stable so that users can grep for them and errors.jsonl can be aggregated by code. As
spaCy's `add_codes` does, the catalogue attaches each code to its message: `Errors.E005` is a
`CodedMessage` that keeps its code through `.format(...)`, and the exceptions made from one carry
it as `.code`, which errors.jsonl reports (no code is read back from a message's text).
"""
from __future__ import annotations

import re
from typing import Any, Optional

_CODE = re.compile(r"[EW]\d{3}")


class CodedMessage(str):
    """A catalogue message and its code; formatting keeps the code."""

    code: str

    def __new__(cls, text: str, code: str) -> "CodedMessage":
        message = super().__new__(cls, text)
        message.code = code
        return message

    def format(self, *args: Any, **kwargs: Any) -> "CodedMessage":
        return CodedMessage(str.format(self, *args, **kwargs), self.code)

    def __reduce__(self):  # pickled to worker processes with its code
        return CodedMessage, (str(self), self.code)


def add_codes(cls: type) -> type:
    """Turn each Exxx/Wxxx message of the catalogue into a CodedMessage with that code."""
    for name, text in list(vars(cls).items()):
        if _CODE.fullmatch(name) and isinstance(text, str):
            setattr(cls, name, CodedMessage(text, name))
    return cls


def code_of(message: Any) -> Optional[str]:
    """The catalogue code of a message or of an exception made from one; None for any other."""
    return getattr(message, "code", None)


@add_codes
class Errors:
    E001 = "Input path not found: {path}"
    E002 = "Unsupported input type for {path}: {reason}"
    E003 = "Cannot read {path}: {reason}"
    E004 = "Record {origin} is not valid JSON: {reason}"
    E005 = "Record {origin} has no text (field '{field}' missing, empty or not a string)"
    E006 = "Record {origin}: field '{field}' has the wrong type ({type}); expected {expected}"
    E007 = "CSV/Parquet input {path} has no text column '{field}' (columns: {columns})"
    E008 = "Record {origin}: invalid publication date {value!r}; expected YYYY-MM-DD, YYYY-MM or YYYY"
    E009 = "Record {origin}: text is not decodable as UTF-8; decoded with replacement characters"
    E010 = "Record {origin}: looks like a binary file, not text"
    E011 = "Record {origin}: text of {size} characters exceeds ingest.max_chars={limit}"
    E012 = "Record {origin} cannot be read: {reason}"
    E013 = "{count} records at {origin} cannot be read: {reason}"
    E014 = "Record {origin} (line {line}) is not a valid CSV row: {found} fields where the header has {expected}; skipped"
    E015 = "Cannot read {path}: {reason}; the rest of the file ({read} records read before it) is lost"
    E016 = "Record {origin} (line {line}) opens a quote that is never closed; skipped, and the lines after its first read as rows"
    E020 = "Config error: {reason}"
    E021 = "Output directory {path} is not writable: {reason}"
    E022 = "Unknown output format {value!r}; expected one of {choices}"
    E023 = "Unsupported database URL {url!r}; expected sqlite:///PATH or postgresql://..."
    E030 = "Article {article_id}: stage {stage} failed: {error_type}: {message}"
    E040 = "Gold file {path} line {line}: {reason}"
    E041 = "No predictions found in {path} (expected articles.jsonl and events.jsonl)"
    W001 = "Record {origin}: publication date {value} lies in the future (after {today}); kept as given"
    W002 = "Record {origin}: duplicate article id {article_id}; the later record is skipped"
    W003 = "Record {origin}: field '{field}' has the wrong type ({type}); converted to a string"
    W004 = "Record {origin}: field '{field}' has the wrong type ({type}); dropped"
    W005 = "trafilatura cannot be used ({reason}); HTML is extracted with the built-in fallback"
    E050 = "Cannot connect to PostgreSQL at {host}:{port}: {reason}"
    E051 = "Cannot open SQLite database {path}: {reason}"
    E052 = "Database write to {target} failed; the batch ({articles} articles, {events} events) was rolled back: {reason}"
    E053 = "Database {target} has schema version {found}, newer than this tariffwire knows ({known}); upgrade tariffwire"
    E054 = "Cannot migrate database {target} to schema version {version} ({file}): {reason}"
    E055 = "Database {target} holds no tariffwire tables (schema version 0)"
    E060 = "WARC record {origin} ({uri}) cannot be read: {reason}"
    W060 = "WARC file {path}: {articles} article(s) and {errors} unreadable record(s) among {records} record(s); skipped: {skipped}"
    W061 = "Record {origin}: no publication date (no date field, page date or dateline with a year, and no --published); relative dates such as 'on Monday' stay unresolved"
    E070 = "Cannot consolidate {path}: {reason}"
    E071 = "{path} holds no measures.jsonl; run `tariffwire consolidate {outdir}` (or `extract`) first"
    E072 = "Invalid date {value!r}; expected YYYY-MM-DD"
    E056 = "Events refer to articles neither in the batch nor in database {target}: {article_ids}"
    E057 = ("Database {target} refused {user} a privilege tariffwire needs ({reason}); grant it, e.g. "
            "GRANT USAGE, CREATE ON SCHEMA <schema> TO <user> (to create the tables) and "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA <schema> TO <user>, or use a user who has it")


class TariffwireError(Exception):
    """A fatal, user-facing error: the CLI prints its message as one line."""

    def __init__(self, message: Any = "", *args: Any):
        super().__init__(message, *args)
        self.code = code_of(message)


class RunInterrupted(Exception):
    """SIGINT or SIGTERM stopped the run after the batch in hand; what was committed is kept."""

    def __init__(self, signum: int, read: int | None = None):
        import signal

        self.signum = signum
        name = signal.Signals(signum).name
        after = f" after {read} records" if read is not None else ""
        super().__init__(f"interrupted by {name}{after}; what was committed is kept: rerun with --resume to continue")


class ArticleError(Exception):
    """A failure confined to one input record; the batch goes on."""

    def __init__(self, message: str, *, origin: str = "", stage: str = "ingest", article_id: str | None = None,
                 records: int = 1):
        super().__init__(message)
        self.code = code_of(message)
        self.origin = origin
        self.stage = stage
        self.article_id = article_id
        self.records = records  # input records this error stands for (a lost Parquet row group: all its rows)
