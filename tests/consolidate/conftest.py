"""The SQL writer tests' database fixtures (one run per dialect), for the measure sinks."""
from tests.writers.conftest import db_url, sqlite_url  # noqa: F401 - fixtures, found by name
