"""Bytes -> text: BOMs honoured, binary refused, invalid UTF-8 replaced with a warning."""
from __future__ import annotations

import codecs

from ..errors import ArticleError, Errors

# UTF-32 LE starts with the UTF-16 LE BOM, so it is checked first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SNIFF_BYTES = 8192


def sniff_encoding(head: bytes) -> str:
    """The encoding a BOM announces, else UTF-8."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return "utf-8"


def looks_binary(head: bytes, encoding: str) -> bool:
    """NUL bytes are normal in UTF-16/32 and a sure sign of binary content in anything else."""
    return encoding.startswith("utf-8") and b"\x00" in head


def decode_bytes(data: bytes, origin: str, errors: str = "replace", fallback: str | None = None) -> tuple[str, list[str]]:
    """Decode a whole record; returns the text and its warnings. Raises ArticleError (E010, E003)."""
    encoding = sniff_encoding(data[:4])
    if looks_binary(data, encoding):
        raise ArticleError(Errors.E010.format(origin=origin), origin=origin)
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as err:
        if fallback and encoding == "utf-8":
            try:
                return data.decode(fallback), []
            except (UnicodeDecodeError, LookupError):
                pass
        if errors == "strict":
            raise ArticleError(Errors.E003.format(path=origin, reason=f"not valid {encoding}: {err}"), origin=origin) from None
        return data.decode(encoding, errors=errors), [Errors.E009.format(origin=origin)]
