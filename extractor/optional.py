"""Optional parts of tariffwire and the pip extra that installs each.

The main install stays light (spaCy, the model, pandas, pyarrow, datasets, trafilatura); torch and
transformers, dask and psycopg come with extras. Importing one through `require` turns a missing
package into one line that names the extra to install.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import Errors, TariffwireError

# extra -> what it enables (the wording of the error message)
EXTRAS = {
    "hf": "Hugging Face models (the HfNer backend, the learned role classifier, `tariffwire train`)",
    "dask": "the Dask engine (--engine dask)",
    "postgres": "PostgreSQL output (--db postgresql://...)",
}


def require(module: str, extra: str) -> ModuleType:
    """Import `module`, or raise a TariffwireError that names the extra providing it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise TariffwireError(Errors.E020.format(
            reason=f"{EXTRAS[extra]} needs the '{extra}' extra ({module} is not installed): "
                   f"pip install 'tariffwire[{extra}]'")) from exc
