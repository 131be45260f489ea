"""The planning jobs: building a schedule runs in the background, with progress, never in a request.

`POST /api/v1/planning/queues/{id}/schedules` enqueues `planning.build_schedule` and answers 202;
the page polls `GET /api/v1/jobs/{id}` for the progress and, once finished, the schedule id.
"""

from __future__ import annotations

from datetime import date

from contact_center.jobs import JobContext, job
from contact_center.planning.requirements import WhatIf
from contact_center.planning.schedules import BuildRequest, build_schedule

BUILD_SCHEDULE = "planning.build_schedule"


def build_args(queue_id: int, request: BuildRequest) -> dict[str, object]:
    """The job's arguments as plain JSON values (rq pickles them; the row keeps nothing else)."""
    return {
        "queue_id": queue_id,
        "week_start": request.week_start.isoformat(),
        "days": request.days,
        "time_limit_s": request.time_limit_s,
        "seed": request.seed,
        "aht_s": request.what_if.aht_s,
        "sl_target": request.what_if.sl_target,
        "sl_threshold_s": request.what_if.sl_threshold_s,
    }


@job(BUILD_SCHEDULE)
async def build_schedule_job(
    ctx: JobContext,
    *,
    queue_id: int,
    week_start: str,
    days: int,
    time_limit_s: float,
    seed: int,
    aht_s: float | None = None,
    sl_target: float | None = None,
    sl_threshold_s: float | None = None,
) -> dict[str, int]:
    what_if = WhatIf(aht_s, sl_target, sl_threshold_s)
    request = BuildRequest(date.fromisoformat(week_start), days, time_limit_s, seed, what_if)
    schedule_id = await build_schedule(ctx.bus, ctx.uow, queue_id, request, ctx.actor, ctx.progress)
    return {"schedule_id": schedule_id}
