"""Fixtures for the SQL writer tests (the PostgreSQL fixture lives in tests/conftest.py).
"""
from __future__ import annotations

import pytest


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'tariffwire.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Each test that takes it runs once per dialect."""
    return request.getfixturevalue(f"{request.param}_url")
