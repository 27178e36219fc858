"""configs/*.cfg -> a validated Config; dotted command-line overrides.

The default (extractor/default.cfg, shipped inside the package and read with importlib.resources,
so that an installed wheel finds it) is complete; a user file overrides it key by key, and
`--section.key=value` arguments override both. The CLI's --format and --db are overrides too: the
[output.sinks] blocks of output_overrides().
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from confection import Config

from .errors import Errors, TariffwireError
from .suggest import did_you_mean
from .writers.tables import TABLE_FORMATS

# --format: the JSONL alone (always written), or with the tables sink in one of its formats.
OUTPUT_FORMATS = ("jsonl", *TABLE_FORMATS)

# Sections whose entries are blocks of the user's choosing: an override may add or remove one.
OPEN_SECTIONS = ("output.sinks",)


def default_config_text() -> str:
    """The packaged default config, as text."""
    return resources.files("extractor").joinpath("default.cfg").read_text(encoding="utf-8")


def parse_overrides(args: Sequence[str]) -> dict[str, Any]:
    """["--nlp.model=x", "--run.n_process", "2"] -> {"nlp.model": "x", "run.n_process": 2}.

    Values are read as JSON where they parse ("2", "true", "[1,2]", "null"), else kept as strings.
    """
    out: dict[str, Any] = {}
    i = 0
    args = list(args)
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or "." not in arg.split("=", 1)[0]:
            raise TariffwireError(Errors.E020.format(reason=f"unexpected argument {arg!r}; overrides look like --section.key=value"))
        key, sep, value = arg[2:].partition("=")
        if not sep:
            if i + 1 >= len(args) or args[i + 1].startswith("--"):
                value = "true"
            else:
                i += 1
                value = args[i]
        key = key.replace("-", "_") if key.count(".") else key
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
        i += 1
    return out


def output_overrides(fmt: Optional[str] = None, db: Optional[str] = None) -> dict[str, Any]:
    """The CLI's --format and --db as the [output.sinks] blocks they stand for (E022 for an unknown
    format). --format jsonl takes a tables sink of the config file out: the JSONL is always written."""
    out: dict[str, Any] = {}
    if fmt is not None:
        if fmt not in OUTPUT_FORMATS:
            raise TariffwireError(Errors.E022.format(value=fmt, choices=", ".join(OUTPUT_FORMATS)))
        out["output.sinks.tables"] = None if fmt == "jsonl" else {"@sinks": "tariffwire.Tables.v1", "format": fmt}
    if db is not None:
        out["output.sinks.db"] = {"@sinks": "tariffwire.Sql.v1", "url": db}
    return out


def load_config(path: Optional[str | Path] = None, overrides: Optional[Mapping[str, Any]] = None) -> Config:
    """The default config, updated by a user file and by dotted overrides."""
    try:
        config = Config().from_str(default_config_text(), interpolate=False)
        if path is not None:
            user = Config().from_disk(path, interpolate=False)
            config = config.merge(user)
        if overrides:
            for dotted, value in overrides.items():
                section, _, key = dotted.rpartition(".")
                node = config
                path = ""
                for part in section.split("."):
                    if part not in node:
                        hint = did_you_mean(f"--{path}{part}", [f"--{path}{k}" for k in node])
                        raise TariffwireError(Errors.E020.format(reason=f"unknown config section {section!r} in override --{dotted}{hint}"))
                    node = node[part]
                    path += part + "."
                if section in OPEN_SECTIONS and (value is None or isinstance(value, dict)):
                    # A block added (a sink the CLI's --db names) or, with null, taken out.
                    if value is None:
                        node.pop(key, None)
                    else:
                        node[key] = value
                    continue
                if key not in node:
                    hint = did_you_mean(f"--{section}.{key}", [f"--{section}.{k}" for k in node])
                    raise TariffwireError(Errors.E020.format(reason=f"unknown config key {dotted!r}{hint}"))
                node[key] = value
        return config.interpolate()
    except TariffwireError:
        raise
    except FileNotFoundError as exc:
        raise TariffwireError(Errors.E020.format(reason=f"config file not found: {exc.filename}")) from exc
    except Exception as exc:  # confection raises several error types for a bad file
        raise TariffwireError(Errors.E020.format(reason=f"{type(exc).__name__}: {exc}".splitlines()[0])) from exc
