"""A real HTTP server on loopback laid out like a DLsite-style store, serving recorded pages from
tests/library/store_pages; it can also fail with a status or stall past the client's timeout."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

PAGES = Path(__file__).resolve().parent.parent / "library" / "store_pages"


class StoreServer:
    def __init__(self) -> None:
        self.status = 200
        self.stall = 0.0
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                if server.stall:
                    time.sleep(server.stall)
                url = urlparse(self.path)
                if url.path.startswith("/maniax/work/=/product_id/"):
                    found = PAGES / url.path.rsplit("/", 1)[1]
                    kind = "text/html; charset=utf-8"
                elif url.path == "/maniax/product/info/ajax":
                    found = PAGES / (parse_qs(url.query).get("product_id", [""])[0] + ".json")
                    kind = "application/json"
                else:
                    found = PAGES / "none"
                status = server.status if found.is_file() else 404
                body = found.read_bytes() if found.is_file() and status == 200 else b"not here"
                self.send_response(status)
                self.send_header("Content-Type", kind if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
