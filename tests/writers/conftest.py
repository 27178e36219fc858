"""PostgreSQL for the SQL writer tests: a fresh schema per test, dropped afterwards.

The server is TARIFFWIRE_TEST_POSTGRES_URL (default: postgresql://postgres@127.0.0.1:5432/test).
Locally an unreachable server skips these tests; with CI=true it fails them, so that CI cannot
go green without having run them.
"""
from __future__ import annotations

import os
import uuid

import psycopg
import pytest

POSTGRES_URL = os.environ.get("TARIFFWIRE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture
def postgresql_url():
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = f"PostgreSQL at {POSTGRES_URL} is unreachable ({reason}); set TARIFFWIRE_TEST_POSTGRES_URL"
        if _in_ci():
            pytest.fail(f"{message}. CI=true: the PostgreSQL tests are required, not skipped.")
        pytest.skip(message)
    schema = f"tw_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'tariffwire.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Each test that takes it runs once per dialect."""
    return request.getfixturevalue(f"{request.param}_url")
