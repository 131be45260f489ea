"""The planning tests' container with a movable clock, and their builders of queues and contacts."""

from tests.contact_center.planning.conftest import planning  # noqa: F401  (the fixture)
