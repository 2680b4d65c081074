import os
import signal
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.pg_extensions import MissingExtension, ensure_available
from quillium_site import heartbeats
from quillium_site.health import ALIVE_WITHIN, processes
from quillium_site.models import Heartbeat
from tests.fakes.processes import site_env, start_web, start_worker
from tests.fakes.redis_server import free_port

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_pgvector(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"] is True
    assert body["pgvector"] == {"ok": True, "version": body["pgvector"]["version"]}
    assert tuple(int(part) for part in body["pgvector"]["version"].split(".")[:2]) >= (0, 7)


def test_healthz_is_503_when_pgvector_is_missing(client):
    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION vector CASCADE")  # rolled back with the test's transaction

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["pgvector"]["ok"] is False


def test_health_command_prints_each_check(capsys):
    from django.utils import timezone

    from quillium_site.models import Heartbeat

    now = timezone.now()  # a scheduler that just beat, as `manage.py scheduler` does every 5 s
    Heartbeat.objects.create(
        role="scheduler", name="host:1", started_at=now, seen_at=now, details={"at": now.isoformat()}
    )

    call_command("health")

    out = capsys.readouterr().out
    assert "database: ok" in out
    assert "pgvector: ok" in out
    assert "scheduler: ok host:1" in out


def test_healthz_still_answers_200_without_a_scheduler_but_says_so(client):
    body = client.get("/healthz").json()

    assert body["ok"] is True  # a load balancer keeps sending pages to this web server
    assert body["scheduler"]["ok"] is False and "no scheduler has run yet" in body["scheduler"]["error"]


def test_health_command_fails_when_a_check_fails():
    with connection.cursor() as cursor:
        cursor.execute("DROP EXTENSION vector CASCADE")  # rolled back with the test's transaction

    with pytest.raises(CommandError):
        call_command("health")


def test_a_missing_extension_is_named_with_what_to_install():
    ensure_available(connection, "vector", minimum="0.7.0")

    with pytest.raises(MissingExtension) as error:
        ensure_available(connection, "quillium_no_such_extension", hint="Install it.")
    assert "has no `quillium_no_such_extension` extension. Install it." in str(error.value)

    with pytest.raises(MissingExtension) as too_old:
        ensure_available(connection, "vector", minimum="99.0")
    assert "needs 99.0 or newer" in str(too_old.value)


def test_the_admin_lists_heartbeats(admin_client):
    from django.utils import timezone

    from quillium_site.models import Heartbeat

    now = timezone.now()
    Heartbeat.objects.create(role="scheduler", name="box:4242", started_at=now, seen_at=now)

    page = admin_client.get("/admin/quillium_site/heartbeat/")

    assert page.status_code == 200 and "box:4242" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_health_all_lists_the_live_processes_by_their_heartbeats(tmp_path, capsys, admin_client):
    """A real web server and a real worker beat; one killed drops out of the list once its beats are old."""
    log = tmp_path / "processes.log"
    env = site_env()
    web = start_web(free_port(), env, log)
    worker = start_worker(env, log)
    try:
        deadline = time.monotonic() + 60
        while {row["role"] for row in heartbeats.alive(ALIVE_WITHIN)} != {"web", "worker"}:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)

        with pytest.raises(CommandError):  # no scheduler runs here
            call_command("health", "--all")
        out = capsys.readouterr().out
        assert "processes: ok" in out
        assert "web: 1 alive" in out and "worker: 1 alive" in out and "scheduler: 0 alive" in out
        web_name = Heartbeat.objects.get(role="web").name
        assert f"{web_name}  up since" in out and str(web.pid) in web_name

        full = admin_client.get("/healthz?full=1").json()
        assert [p["name"] for p in full["processes"]["web"]] == [web_name]
        assert "processes" not in Client().get("/healthz?full=1").json()  # staff only

        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        Heartbeat.objects.filter(role="worker").update(seen_at=timezone.now() - timedelta(seconds=ALIVE_WITHIN + 1))
    finally:
        for process in (web, worker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(10)
    result = processes()
    assert result["ok"] is False and result["worker"] == [] and "no task worker" in result["error"]
