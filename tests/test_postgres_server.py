"""The PostgreSQL test server itself: reachable, password-protected, a fresh database per test."""

from __future__ import annotations

import psycopg
import pytest
from auxil.postgres import PostgresServer


def test_each_test_gets_an_empty_database_of_its_own(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as db:
        tables = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        db.execute("CREATE TABLE marker (id integer)")
        name = db.execute("SELECT current_database()").fetchone()
    assert tables == (0,)
    assert name is not None and name[0].startswith("test_")


def test_the_server_listens_on_loopback_only_and_checks_passwords(postgres: PostgresServer) -> None:
    with psycopg.connect(postgres.url()) as db:
        row = db.execute("SHOW listen_addresses").fetchone()
    assert row == ("127.0.0.1",)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(postgres.url(password="wrong"))
