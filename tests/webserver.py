"""A local web server for the online tests: 127.0.0.1 only, routes from a table.

Each route answers with a fixed status (or a sequence, one per request), headers,
a body and an optional delay; the server counts requests and records the peak
number in flight, so tests can assert "no request" and "at most N at once".
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Route:
    status: int = 200
    content_type: str | None = "text/html"
    body: bytes = b"<html><body>hello</body></html>"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    head_status: int | None = None  # what HEAD answers, when it differs from GET
    sequence: list[int] = field(default_factory=list)  # statuses of the first requests
    plain: Route | None = None  # the answer over plain http, when it differs from https


def tls_context(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for 127.0.0.1 signed by a throw-away CA, and the CA's
    file: trusted only by a test that sets SSL_CERT_FILE to it."""
    import trustme

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    path = folder / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return context, path


@dataclass
class Server:
    routes: dict[str, Route]
    port: int = 0
    scheme: str = "http"
    requests: list[tuple[str, str]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)  # of each request
    in_flight: int = 0
    peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def count(self, path: str | None = None) -> int:
        return sum(1 for _, p in self.requests if path is None or p == path)


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet tests
            pass

        def do_GET(self) -> None:
            self._answer(body=True)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def _answer(self, body: bool) -> None:
            path = self.path
            with server.lock:
                server.requests.append((self.command, path))
                server.headers.append(dict(self.headers.items()))
                seen = sum(1 for _, p in server.requests if p == path)
                server.in_flight += 1
                server.peak = max(server.peak, server.in_flight)
            answering = False
            try:
                route = server.routes.get(path.split("?", 1)[0])
                if route is None:
                    route = Route(status=404, body=b"not found")
                if route.plain is not None and not isinstance(self.connection, ssl.SSLSocket):
                    route = route.plain
                if route.delay:
                    time.sleep(route.delay)
                # No longer in flight once the answer starts: the client may read it and
                # send its next request before this thread gets the CPU back, which
                # counted one too many on a loaded machine.
                with server.lock:
                    server.in_flight -= 1
                answering = True
                status = route.status
                if route.sequence and seen <= len(route.sequence):
                    status = route.sequence[seen - 1]
                if not body and route.head_status is not None:
                    status = route.head_status
                self.send_response(status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if body:
                    self.wfile.write(route.body)
            finally:
                if not answering:
                    with server.lock:
                        server.in_flight -= 1

    return Handler


class _DualServer(ThreadingHTTPServer):
    """Plain HTTP, and TLS on the same port when a connection starts with a
    TLS handshake: so `http://127.0.0.1:P/x` and its `https:` twin are one server."""

    tls: ssl.SSLContext | None = None

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is not None and request.recv(1, socket.MSG_PEEK) == b"\x16":
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # a client that does not trust the certificate hangs up
        super().finish_request(request, client_address)


@contextmanager
def serve(routes: dict[str, Route], tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    """Serve `routes` on 127.0.0.1 (a free port) in a thread until the block ends;
    with `tls`, the same port also answers https."""
    state = Server(routes)
    httpd = _DualServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    httpd.tls = tls
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
