"""Background work of the library (run by `manage.py worker`)."""

from __future__ import annotations

from django.tasks import task

from library import scanner, services
from library.models import Scan
from library.scan_lock import ScanRunning


@task()
def scan_library(scan_id: int) -> str:
    """Run a scan queued from the staff page; its record carries the progress the page shows."""
    record = Scan.objects.filter(pk=scan_id, status=Scan.Status.QUEUED).first()
    if record is None:
        return "gone"
    try:
        scanner.scan(dry_run=record.dry_run, record=record)
    except ScanRunning as running:
        services.scan_finish(record, Scan.Status.FAILED, str(running))
    return Scan.objects.get(pk=scan_id).status
