"""Serve the site (uvicorn, ASGI) with the task worker and the scheduler beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
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
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        helpers = Helpers({"Task worker": [*manage, "worker", "--no-reload"], "Scheduler": [*manage, "scheduler"]})
        if not no_worker:
            helpers.start(say=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Quillium is at http://{host}:{port}/ (admin: /admin/, API: /api/docs/)"))
        self.stdout.write(debug_notice(host))
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
            helpers.stop()


class Helpers:
    """The worker and the scheduler beside the site, each started again (with backoff) when it exits: the
    scheduler exits on purpose when it can't run its jobs, and either may crash."""

    FIRST_WAIT, LONGEST_WAIT, STEADY_AFTER = 1.0, 30.0, 60.0

    def __init__(
        self, commands: dict[str, list[str]], *, output: Any = None, env: dict[str, str] | None = None
    ) -> None:
        self.commands = commands
        self.output = output  # a file for their output; None: this process's
        self.env = env  # None: this process's
        self.processes: dict[str, subprocess.Popen] = {}
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def start(self, say: Callable[[str], None]) -> None:
        self.say = say
        for name in self.commands:
            self._spawn(name)
        threading.Thread(target=self._watch, name="helpers", daemon=True).start()

    def _spawn(self, name: str) -> None:
        with self.lock:
            if self.stopping.is_set():
                return
            process = self.processes[name] = subprocess.Popen(
                self.commands[name], stdout=self.output, stderr=subprocess.STDOUT if self.output else None, env=self.env
            )
        self.say(f"{name} (pid {process.pid}) started.")

    def _watch(self) -> None:
        waits = dict.fromkeys(self.commands, self.FIRST_WAIT)
        since = dict.fromkeys(self.commands, time.monotonic())
        while not self.stopping.wait(0.5):
            for name, process in list(self.processes.items()):
                status = process.poll()
                if status is None:
                    continue
                if time.monotonic() - since[name] > self.STEADY_AFTER:
                    waits[name] = self.FIRST_WAIT  # it ran for a while: this is a new failure, not a crash loop
                self.say(f"{name} (pid {process.pid}) exited with status {status}; starting it again in "
                         f"{waits[name]:g} s.")  # fmt: skip
                if self.stopping.wait(waits[name]):
                    return
                waits[name] = min(waits[name] * 2, self.LONGEST_WAIT)
                since[name] = time.monotonic()
                self._spawn(name)

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def debug_notice(host: str) -> str:
    """Say whether debug pages are on, and why: they show every URL pattern and, on a 500, the settings."""
    if settings.DEBUG:
        why = "DEBUG is set" if settings.DEBUG_SET else "the site listens on loopback only"
        warning = "" if host in ("127.0.0.1", "localhost", "::1") else " Anyone who can reach this address sees them."
        return f"Debug pages are on ({why}); set DEBUG=false to turn them off.{warning}"
    if settings.DEBUG_SET:
        return "Debug pages are off (DEBUG=false)."
    return f"Debug pages are off because HOST={host} is reachable from the network (set DEBUG=true to force them)."


def _exit(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)
