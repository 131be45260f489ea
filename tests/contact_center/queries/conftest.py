"""The queries' tests stand on the planning tests' container with a movable clock."""

from __future__ import annotations

from tests.contact_center.planning.conftest import planning

__all__ = ["planning"]
