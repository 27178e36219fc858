"""The run's outputs: the JSONL files and their journal (jsonl.py), and the sinks besides them
(sink.py), each registered under `registry.sinks` by its module: tables.py (Parquet, CSV) and
sql.py (SQLite, PostgreSQL). Importing the package registers the built-in sinks; a sink from
another package registers through the `tariffwire_sinks` entry point group."""
from . import sql, tables  # noqa: F401  (register tariffwire.Sql.v1 and tariffwire.Tables.v1)
