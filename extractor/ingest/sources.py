"""Inputs (files, folders, glob patterns) -> the files and dataset folders to read, in order."""
from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import Errors, TariffwireError

# Longest first: ".jsonl.gz" must win over ".gz".
EXTENSIONS = (".jsonl.gz", ".warc.gz", ".jsonl", ".json", ".txt", ".csv", ".parquet", ".html", ".htm", ".warc")
SKIPPED_SUFFIXES = (".gold.jsonl",)
DATASET_MARKERS = ("dataset_dict.json", "state.json")
DATASET = "dataset"


def format_of(path: Path) -> str | None:
    """The format key of a file (its known extension), DATASET for a saved dataset, or None."""
    if path.is_dir():
        return DATASET if is_dataset_dir(path) else None
    name = path.name.lower()
    return next((ext for ext in EXTENSIONS if name.endswith(ext)), None)


def is_dataset_dir(path: Path) -> bool:
    """A folder written by `Dataset.save_to_disk` / `DatasetDict.save_to_disk`."""
    return any((path / marker).is_file() for marker in DATASET_MARKERS)


def resolve_inputs(inputs: Sequence[str]) -> list[Path]:
    """Check every input now, so a typo fails before any work is done (E001)."""
    roots: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.exists():
            roots.append(path)
        elif glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                raise TariffwireError(Errors.E001.format(path=raw))
            roots.extend(Path(m) for m in matches)
        else:
            raise TariffwireError(Errors.E001.format(path=raw))
    return roots


def iter_sources(roots: Sequence[Path]) -> Iterator[Path]:
    """Files and dataset folders under `roots`, each once. A file named directly is always
    yielded (an unknown extension is then reported by the reader); folders are walked."""
    seen: set[Path] = set()
    for root in roots:
        candidates = _walk(root) if root.is_dir() and not is_dataset_dir(root) else iter([root])
        for path in candidates:
            key = resolved(path)
            if key not in seen:
                seen.add(key)
                yield path


def resolved(path: Path) -> Path:
    """The real path of `path`; for a symlink that loops (RuntimeError) or cannot be followed, its
    absolute path: the reader then reports it as unreadable (E003) and the run goes on."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _walk(folder: Path) -> Iterator[Path]:
    """Known files under `folder`, recursively, sorted by path; hidden entries and gold files skipped.
    A folder that cannot be listed is yielded too, so that its error is reported, not its files lost in silence."""
    found: list[Path] = []
    unlisted: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unlisted.append):
        current = Path(dirpath)
        keep = []
        for name in dirnames:
            if name.startswith("."):
                continue
            if is_dataset_dir(current / name):
                found.append(current / name)
            else:
                keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            lower = name.lower()
            if name.startswith(".") or lower.endswith(SKIPPED_SUFFIXES):
                continue
            if any(lower.endswith(ext) for ext in EXTENSIONS):
                found.append(current / name)
    found += [Path(err.filename) for err in unlisted if err.filename is not None]
    return iter(sorted(found, key=lambda p: p.as_posix()))
