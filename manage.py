#!/usr/bin/env python
"""Django's command-line utility for Quillium."""

import os
import shutil
import socket
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quillium_site.settings")
    if sys.argv[1:2] == ["serve"]:
        _share_metrics()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


def _share_metrics() -> None:
    """`serve` runs the web server(s), the worker and the scheduler as processes of one host: /metrics adds up
    their figures from one directory (prometheus-client's multiprocess mode), which must be set before anything
    imports the client. Each `serve` gets a directory of its own (two on one DATA_DIR mustn't count or clear each
    other's figures), and clears those of earlier ones on this host that have ended."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    data = Path(os.environ.get("DATA_DIR") or "var")
    root = (data if data.is_absolute() else Path(__file__).resolve().parent / data) / "metrics"
    root.mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()
    for old in [*root.glob(f"{host}-*"), *root.glob("*.db")]:  # (*.db: figures kept straight in root before)
        pid = old.name.removeprefix(f"{host}-")
        if old.is_file():
            old.unlink(missing_ok=True)
        elif not pid.isdigit() or not _running(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    directory = root / f"{host}-{os.getpid()}"
    shutil.rmtree(directory, ignore_errors=True)  # a pid used again
    directory.mkdir()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's, running
    return True


if __name__ == "__main__":
    main()
