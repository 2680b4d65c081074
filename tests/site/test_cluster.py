"""scripts/cluster, as an operator runs it: PostgreSQL over TCP, Redis, two web servers behind nginx, a worker and a
scheduler. Through nginx: the site answers, static files come from nginx, library audio is sent by nginx on
Quillium's X-Accel-Redirect (Range included) and its internal location can't be asked for directly."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.fakes.redis_server import free_port
from tests.library.disk import work

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from cluster import Cluster, require  # noqa: E402

PASSWORD = "cluster-admin-pass-1"


def fetch(url: str, *, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def cluster(tmp_path: Path):
    require("nginx", "nginx")  # .ci/run installs it
    library = tmp_path / "library"
    work(library, "RJ01111111 One")
    log = (tmp_path / "cluster.log").open("a")
    running = Cluster(tmp_path / "cluster", web=2, workers=1, schedulers=1, port=free_port(),
                      library={"voice": str(library)}, log=log)  # fmt: skip
    try:
        running.start()
        env = {**running.env(), "DJANGO_SUPERUSER_EMAIL": "admin@cluster.test", "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in (["ensure_admin"], ["scan_library"]):
            subprocess.run([*manage, *command], env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
        yield running
    finally:
        running.stop()
        log.close()


def test_the_cluster_serves_through_nginx(cluster, tmp_path):
    base = cluster.url
    status, headers, body = fetch(f"{base}/healthz")
    assert status == 200 and json.loads(body)["database"]["ok"]

    status, headers, _ = fetch(f"{base}/static/quillium/navigate.js")
    assert status == 200 and headers["Server"].startswith("nginx")
    assert "Cross-Origin-Opener-Policy" not in headers  # nginx's own answer, not Django's (which sets it)

    status, _, body = fetch(f"{base}/api/v1/auth/token/", body={"email": "admin@cluster.test", "password": PASSWORD})
    assert status == 200, body
    bearer = {"Authorization": f"Bearer {json.loads(body)['access']}"}
    works = json.loads(fetch(f"{base}/api/v1/library/works/", headers=bearer)[2])["results"]
    detail = json.loads(fetch(f"{base}/api/v1/library/works/{works[0]['id']}/", headers=bearer)[2])
    track = detail["tracks"][0]

    status, headers, body = fetch(base + track["stream_url"], headers={"Range": "bytes=10-109"})
    on_disk = (tmp_path / "library" / "RJ01111111 One" / track["path"]).read_bytes()
    assert status == 206 and body == on_disk[10:110]
    assert headers["Content-Range"] == f"bytes 10-109/{len(on_disk)}"
    assert "X-Accel-Redirect" not in headers  # nginx acted on it

    status, _, _ = fetch(f"{base}/library-files/voice/{quote('RJ01111111 One/' + track['path'])}")
    assert status == 404  # `internal`: only Quillium's redirect reaches it
