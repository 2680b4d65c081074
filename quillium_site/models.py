"""What the site keeps about its own processes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy


class Heartbeat(models.Model):
    """A process's sign of life, written by the process itself every few seconds (the scheduler from one of its
    jobs, workers and web servers from a thread of their own) and read by the health checks: a process that
    stopped or hangs stops beating."""

    class Role(models.TextChoices):
        SCHEDULER = "scheduler", gettext_lazy("Scheduler")
        WORKER = "worker", gettext_lazy("Task worker")
        WEB = "web", gettext_lazy("Web server")
        STANDBY = "standby", gettext_lazy("Standby scheduler")

    role = models.CharField(max_length=16, choices=Role.choices)
    name = models.CharField(max_length=255, help_text=gettext_lazy("host:pid of the process"))
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(help_text=gettext_lazy("The database's clock, so hosts with skewed clocks agree."))
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "name"], name="heartbeat_role_name")]
        indexes = [models.Index(fields=["role", "-seen_at"], name="heartbeat_latest")]

    def __str__(self) -> str:
        return f"{self.role} {self.name}"
