"""The API fixtures (a test server over each database, signed-in staff) for the privacy tests."""

from __future__ import annotations

from tests.contact_center.api.conftest import client, staff

__all__ = ["client", "staff"]
