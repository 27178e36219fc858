"""Which reader reads which kind of file: the extension (or "dataset") -> reader table.

Apart from the readers (formats.py, warc.py) so that each reader imports only the record types,
and nothing imports back: a new format is a reader module plus one line here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator, Union

from . import formats
from .formats import Item, ReadOptions, Unit


def read_warc(path: Path, opts: ReadOptions) -> Iterator[Item]:
    from .warc import read_warc as read_records  # imported on first use: FastWARC loads only for WARC inputs

    return read_records(path, opts)


READERS: dict[str, Callable[[Path, ReadOptions], Iterator[Union[Item, Unit]]]] = {
    ".txt": formats.read_txt,
    ".json": formats.read_json,
    ".jsonl": formats.read_jsonl,
    ".jsonl.gz": formats.read_jsonl,
    ".csv": formats.read_csv,
    ".parquet": formats.read_parquet,
    ".html": formats.read_html,
    ".htm": formats.read_html,
    "dataset": formats.read_dataset,
    ".warc": read_warc,
    ".warc.gz": read_warc,
}
