"""The supervisor's figures as a background job, so a worker can compute them (`reports.queue_summary`).

The figures themselves are `queries/dashboard.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contact_center.jobs import job
from contact_center.queries.dashboard import dashboard

if TYPE_CHECKING:
    from contact_center.bootstrap import Container


@job("reports.queue_summary")
async def queue_summary_job(container: Container) -> dict[str, Any]:
    return await dashboard(container.uow())
