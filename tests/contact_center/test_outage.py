"""What counts as an outage: a backend out of reach, or one that answers only to say it cannot
serve yet; not a query the database refused."""

from __future__ import annotations

from asyncpg.exceptions import CannotConnectNowError, TooManyConnectionsError, UniqueViolationError
from sqlalchemy.exc import DBAPIError, IntegrityError

from contact_center.outage import is_outage


def test_a_database_still_starting_is_an_outage() -> None:
    """PostgreSQL replaying its log after a restart answers 57P03, which the driver reports as a
    plain DBAPIError: without this, each loop wrote a trace and requests got a 500 meanwhile."""
    starting = CannotConnectNowError("the database system is not yet accepting connections")
    assert is_outage(DBAPIError("SELECT 1", None, starting))
    assert is_outage(DBAPIError("SELECT 1", None, TooManyConnectionsError("too many clients")))


def test_a_refused_statement_is_not_an_outage() -> None:
    assert not is_outage(IntegrityError("INSERT", None, UniqueViolationError("duplicate key")))
    assert not is_outage(ValueError("a bug"))
