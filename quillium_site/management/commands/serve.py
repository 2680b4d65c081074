"""Serve the site (uvicorn, ASGI) with the task worker and the scheduler beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Quillium on HOST:PORT with uvicorn, the task worker and the scheduler beside it; Ctrl-C stops all."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.HOST, help="Address to listen on (default: HOST).")
        parser.add_argument("--port", type=int, default=settings.PORT, help="Port to listen on (default: PORT).")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY") or 1),
            help="Web server processes (default: WEB_CONCURRENCY, else 1); about one per core in production.",
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Don't start the task worker and the scheduler beside the site."
        )

    def handle(self, *args: Any, host: str, port: int, workers: int, no_worker: bool, **options: Any) -> None:
        helpers: list[subprocess.Popen] = []
        if not no_worker:
            manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
            helpers.append(subprocess.Popen([*manage, "worker", "--no-reload"]))
            helpers.append(subprocess.Popen([*manage, "scheduler"]))
            self.stdout.write(f"Task worker (pid {helpers[0].pid}) and scheduler (pid {helpers[1].pid}) started.")
        self.stdout.write(self.style.SUCCESS(f"Quillium is at http://{host}:{port}/ (admin: /admin/, API: /api/docs/)"))
        # uvicorn shuts down gracefully on SIGTERM, then raises the signal again: with the default action that
        # killed this process before the `finally` below, leaving the worker and scheduler running on their own.
        signal.signal(signal.SIGTERM, _exit)
        try:
            uvicorn.run(
                "quillium_site.asgi:application",
                host=host,
                port=port,
                workers=workers,
                lifespan="off",
                proxy_headers=False,  # Django reads X-Forwarded-For itself, from TRUSTED_PROXIES only
                log_level="info",
            )
        finally:
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                try:
                    helper.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    helper.kill()


def _exit(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)
