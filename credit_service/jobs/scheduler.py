"""APScheduler 3.x, only inside ``flask credit scheduler`` (never in web workers: a job
store cannot be shared between processes, and each gunicorn worker would start its own).
Duplicate schedulers are harmless anyway: every job claims its (job, period) row."""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

log = logging.getLogger(__name__)

# (job id, function name in jobs.services, cron fields) — local time Asia/Shanghai.
SCHEDULE = [
    ("expire", "run_expire", {"hour": 0, "minute": 5}),
    ("remind", "run_reminders", {"hour": 6, "minute": 30}),
    # Every minute, but it only works after a write (one small query otherwise).
    ("publish", "run_publish", {"minute": "*"}),
    # Daily: the (disclose, quarter) claim makes it draft once, on the first day it can.
    ("disclose", "run_disclose", {"hour": 1, "minute": 30}),
]


def _in_app_context(app, name: str):
    def run():
        from credit_service.jobs import services

        with app.app_context():
            try:
                result = getattr(services, name)()
                log.info("job %s: %s", name, result)
            except Exception:  # keep the scheduler alive; the next run retries
                log.exception("job %s failed", name)
            finally:
                from credit_service.extensions import db

                db.session.remove()

    run.__name__ = name
    return run


def build_scheduler(app, scheduler_cls=BlockingScheduler):
    timezone = app.config.get("TIMEZONE", "Asia/Shanghai")
    scheduler = scheduler_cls(timezone=timezone)
    for job_id, name, cron in SCHEDULE:
        scheduler.add_job(
            _in_app_context(app, name), CronTrigger(timezone=timezone, **cron), id=job_id,
            coalesce=True, max_instances=1, misfire_grace_time=3600, replace_existing=True,
        )
    return scheduler
