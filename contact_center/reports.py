"""The supervisor's figures as a background job, so a worker can compute them (`reports.queue_summary`).

The figures themselves are `queries/dashboard.py`.
"""

from __future__ import annotations

from typing import Any

from contact_center.jobs import JobContext, job
from contact_center.queries.dashboard import dashboard


@job("reports.queue_summary")
async def queue_summary_job(ctx: JobContext) -> dict[str, Any]:
    return await dashboard(ctx.uow())
