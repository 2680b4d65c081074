#!/usr/bin/env python
"""Django's command-line utility for Quillium."""

import os
import shutil
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
    imports the client, and emptied at each start."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    data = Path(os.environ.get("DATA_DIR") or "var")
    directory = (data if data.is_absolute() else Path(__file__).resolve().parent / data) / "metrics"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


if __name__ == "__main__":
    main()
