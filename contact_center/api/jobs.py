"""/api/v1/jobs/{id}: a background job's status, progress, and result or error, from any process.

A job is read by whoever started it, and by admins. The row lives in the database (see
contact_center/jobs.py), so the web process that answers need not be the one that enqueued it.
`error` is the last error seen: a finished job whose worker was lost on an earlier attempt keeps
that attempt's "worker_lost" beside its result, and `attempts` counts the runs.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from contact_center.api.access import principal_of
from contact_center.api.keys import JOBS
from contact_center.api.validation import path_id
from contact_center.domain.enums import Role
from contact_center.domain.errors import NotFoundError
from contact_center.storage.job_store import JobRecord

routes = web.RouteTableDef()


def job_doc(row: JobRecord) -> dict[str, Any]:
    """The job as the API shows it; a finished schedule build links its schedule."""
    doc: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "status": row.status,
        "progress": round(row.progress, 3),
        "stage": row.stage,
        "result": row.result,
        "error": row.error,
        "attempts": row.attempts,
        "created_at": row.created_at.isoformat(),
        "started_at": row.started_at.isoformat() if row.started_at else None,
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
    }
    if isinstance(row.result, dict) and isinstance(row.result.get("schedule_id"), int):
        doc["links"] = {"schedule": f"/api/v1/planning/schedules/{row.result['schedule_id']}"}
    return doc


@routes.get("/api/v1/jobs/{id}")
async def get_job(request: web.Request) -> web.Response:
    principal = principal_of(request)
    job_id = path_id(request)
    row = await request.app[JOBS].status(job_id)
    # Someone else's job is as absent as a job that never was.
    if row is None or (row.created_by != principal.actor and principal.role != Role.ADMIN):
        raise NotFoundError(f"job {job_id} not found")
    return web.json_response(job_doc(row))
