"""The rq worker of `serve --role worker`: rq's forking worker, whose work horse dies with it.

rq runs each job in a forked "work horse" in a process group of its own. Killed with kill -9,
the worker would leave that horse running the job unwatched: no timeout enforced from outside, no
heartbeat, and its outcome racing the retry that the reaper (`job_reaper.py`) starts once the
job's lease lapses. So the horse asks the kernel to kill it when its parent dies (Linux's
PR_SET_PDEATHSIG; elsewhere the horse outlives the worker and its lease still tells whether it
runs). What a lost worker's job becomes is decided by the job's row, not by rq.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
from typing import Any

from rq import Worker

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Be killed when the process that forked this one dies (Linux); exit now if it already has."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        log.warning("worker.pdeathsig_unset", extra={"errno": ctypes.get_errno()})
        return
    if os.getppid() != parent_pid:  # the parent died between the fork and the prctl
        os._exit(1)


class LinkedWorker(Worker):
    def main_work_horse(self, *args: Any, **kwargs: Any) -> None:
        die_with_parent(self.pid or os.getppid())
        super().main_work_horse(*args, **kwargs)
