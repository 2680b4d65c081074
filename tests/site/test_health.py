import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.pg_extensions import MissingExtension, ensure_available

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
