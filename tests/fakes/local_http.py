"""A tiny threaded HTTP server on 127.0.0.1:0 for fakes of real services.

Routes are a function from a request to a reply; `script` queues one-off replies (a 429, a 503, a
slow answer) consumed before the route runs; every request is logged (with its body) for
assertions. `tls=True` serves HTTPS with a throw-away test CA (trustme) for clients that refuse
plain http (pysnc); `ca_file` is the CA bundle to trust."""

from __future__ import annotations

import json
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None  # sent as-is in place of `body` (a truncated or non-JSON answer)
    content_type: str = "application/json"


Route = Callable[[Request], Reply]


class FakeHTTPServer:
    def __init__(self, route: Route, *, tls: bool = False) -> None:
        self.route = route
        self.ca_file: str | None = None
        self.requests: list[Request] = []
        self.scripted: list[tuple[str, Reply]] = []  # (path prefix, reply), used once each
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._scheme = "http"
        if tls:
            self._wrap_tls()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def _wrap_tls(self) -> None:
        import trustme

        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        with tempfile.NamedTemporaryFile(prefix="fake-ca-", suffix=".pem", delete=False) as bundle:
            bundle.write(ca.cert_pem.bytes())
        self.ca_file = bundle.name
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._scheme = "https"

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host!s}:{port}"

    def script(self, path_prefix: str, *replies: Reply) -> None:
        with self._lock:
            self.scripted.extend((path_prefix, r) for r in replies)

    def start(self) -> FakeHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            for i, (prefix, reply) in enumerate(self.scripted):
                if request.path.startswith(prefix):
                    del self.scripted[i]
                    return reply
        return self.route(request)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                reply = fake._reply_for(request)
                if reply.delay:
                    time.sleep(reply.delay)
                data = b"" if reply.body is None else json.dumps(reply.body).encode()
                if reply.raw is not None:
                    data = reply.raw
                if reply.status in (204, 304):
                    data = b""
                try:
                    self.send_response(reply.status)
                    if data:  # a 204 carries no Content-Type, like the real services
                        self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out test)

            do_GET = _serve
            do_POST = _serve
            do_PATCH = _serve
            do_PUT = _serve
            do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
