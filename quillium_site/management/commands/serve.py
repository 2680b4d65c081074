"""Serve the site (uvicorn, ASGI) with the task worker beside it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Quillium on HOST:PORT with uvicorn and run the background-task worker beside it; Ctrl-C stops both."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.HOST, help="Address to listen on (default: HOST).")
        parser.add_argument("--port", type=int, default=settings.PORT, help="Port to listen on (default: PORT).")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY") or 1),
            help="Web server processes (default: WEB_CONCURRENCY, else 1); about one per core in production.",
        )
        parser.add_argument("--no-worker", action="store_true", help="Don't start the task worker.")

    def handle(self, *args: Any, host: str, port: int, workers: int, no_worker: bool, **options: Any) -> None:
        worker = None
        if not no_worker:
            command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker", "--no-reload"]
            worker = subprocess.Popen(command)
            self.stdout.write(f"Task worker started (pid {worker.pid}).")
        self.stdout.write(self.style.SUCCESS(f"Quillium is at http://{host}:{port}/ (admin: /admin/, API: /api/docs/)"))
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
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
