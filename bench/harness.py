"""What the benchmark scripts share: a separate embedded database, a Quillium server process, percentiles."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quillium_site.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The server runs with DEBUG off; a script that signs JWTs needs the same key.
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict[str, str] | None = None, log_name: str = "") -> subprocess.Popen:
    """Run a helper process; its output goes to DATA_DIR/<log_name>.log (an undrained pipe would fill up and
    stall it after a few thousand access-log lines)."""
    log_dir = Path(os.environ["DATA_DIR"])
    log_dir.mkdir(parents=True, exist_ok=True)
    log = open(log_dir / f"{log_name or Path(command[-1]).stem}.log", "w")  # noqa: SIM115 (lives as long as the process)
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)


def start_quillium(
    port: int, extra: list[str] | None = None, workers: int = 1, root: Path = ROOT, log_name: str = "quillium-server"
) -> subprocess.Popen:
    """`manage.py serve` (uvicorn, as `make run` serves it) with DEBUG off and no task worker; `root`: another
    checkout of Quillium to serve instead of this one."""
    command = [sys.executable, *(extra or []), str(root / "manage.py"), "serve", "--no-worker", "--port", str(port)]
    command += ["--workers", str(workers)] if workers > 1 else []
    return start(command, env={**os.environ, "DEBUG": "false"}, log_name=log_name)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx2.get(url, timeout=1)
            return
        except httpx2.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def stop(processes: list[subprocess.Popen]) -> None:
    import signal

    for process in processes:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
