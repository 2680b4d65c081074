"""Quillium's own processes (web server, worker) started as an operator would, on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


def site_env(**extra: str) -> dict[str, str]:
    """The environment of a process that uses this test's database."""
    here = connection.settings_dict
    url = f"postgres://{here['USER']}@{quote(here['HOST'], safe='')}:{here['PORT']}/{here['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING", **extra}


def start_web(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "quillium_site.asgi:application", "--port", str(port),
               "--log-level", "warning"]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=log.open("a"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py"), "worker", "--interval", "0.2", "--no-startup-delay"]
    return subprocess.Popen(manage, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True)
