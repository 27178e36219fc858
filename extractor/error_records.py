"""The errors.jsonl contract as code: one ErrorRecord per failed or warned-about input record.

Beside records.py (the article and event records): the batch job writes these, and `tariffwire
report` reads them back. `code` is the catalogue code the error was raised with (errors.py), or
None for an error that has none (a bug, a dead worker process).
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict


class ErrorRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    level: Literal["error", "warning"]
    article_id: Optional[str] = None
    origin: Optional[str] = None
    # ingest | nlp | events | output | db | worker
    stage: Optional[str] = None
    error_type: Optional[str] = None
    code: Optional[str] = None
    message: str
    traceback: Optional[str] = None
