"""A worker's lease on the tasks it runs. Each worker beats a heartbeat (role `worker`, its worker id) every few
seconds on a connection of its own; a task left RUNNING by a worker that stopped beating (killed, its host gone) is
put back in the queue by any live worker within a lease, to run again (tasks are idempotent), or failed once it has
been tried TASK_ATTEMPTS times, saying why (the admin's task results show it)."""

from __future__ import annotations

import logging

import psycopg
from django_tasks_db.models import DBTaskResult
from psycopg import sql

from quillium_site import heartbeats
from quillium_site.models import Heartbeat

logger = logging.getLogger("quillium.worker")

BEAT_SECONDS = 10.0
LEASE_SECONDS = 60.0  # six missed beats: a worker busy with a long task still beats from its own thread
WORKER_ROLE = Heartbeat.Role.WORKER.value

RECLAIM_SQL = """
WITH orphans AS (
    SELECT t.id, jsonb_array_length(t.worker_ids) AS attempts, t.worker_ids->>-1 AS worker
    FROM {tasks} t
    WHERE t.status = 'RUNNING'
      AND t.started_at < now() - make_interval(secs => %(lease)s)
      AND NOT EXISTS (
          SELECT 1 FROM quillium_site_heartbeat h
          WHERE h.role = %(role)s AND h.name = t.worker_ids->>-1
            AND h.seen_at > now() - make_interval(secs => %(lease)s)
      )
    FOR UPDATE OF t SKIP LOCKED
)
UPDATE {tasks} t SET
    status = CASE WHEN o.attempts >= %(attempts)s THEN 'FAILED' ELSE 'READY' END,
    started_at = CASE WHEN o.attempts >= %(attempts)s THEN t.started_at END,
    finished_at = CASE WHEN o.attempts >= %(attempts)s THEN now() END,
    run_after = CASE WHEN o.attempts >= %(attempts)s THEN t.run_after ELSE now() END,
    exception_class_path = 'quillium_site.worker_lease.WorkerGone',
    traceback = format('The worker running it (%%s) stopped beating; attempt %%s of %%s.',
                       o.worker, o.attempts, %(attempts)s)
FROM orphans o
WHERE t.id = o.id
RETURNING t.id, t.task_path, t.status
"""


def reclaim(connection: psycopg.Connection, *, attempts: int, lease: float = LEASE_SECONDS) -> list[tuple]:
    """Requeue (or fail, past `attempts`) the tasks whose worker stopped beating; returns (id, path, status)."""
    query = sql.SQL(RECLAIM_SQL).format(tasks=sql.Identifier(DBTaskResult._meta.db_table))
    rows = connection.execute(query, {"lease": lease, "role": WORKER_ROLE, "attempts": attempts}).fetchall()
    for task_id, path, status in rows:
        logger.warning("Task %s (%s) lost its worker; now %s.", path, task_id, status)
    return rows


class Lease(heartbeats.Beating):
    """Beats for a worker and reclaims orphaned tasks on each beat (see heartbeats.Beating)."""

    def __init__(self, worker_id: str, *, attempts: int, every: float = BEAT_SECONDS, lease: float = LEASE_SECONDS):
        super().__init__(WORKER_ROLE, worker_id, every=every)
        self.worker_id, self.attempts, self.lease = worker_id, attempts, lease

    def after_beat(self, connection: psycopg.Connection) -> None:
        reclaim(connection, attempts=self.attempts, lease=self.lease)
