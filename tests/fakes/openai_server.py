"""FakeOpenAIServer: a local OpenAI-compatible `/v1/chat/completions` on 127.0.0.1:<free port>.

Replies are scripted (`enqueue(FakeReply(...))`) or produced by a `responder(request_body)`;
each returns the real response shapes (a chat.completion object with usage, or an OpenAI error
object with the given status). `delay` makes a slow reply for time-out tests. `requests` logs
every request's parsed body and headers so tests can assert what the model was sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeReply:
    content: str = "{}"
    status: int = 200
    delay: float = 0.0
    prompt_tokens: int = 120
    completion_tokens: int = 40
    error_message: str = "The server had an error while processing your request."
    finish_reason: str = "stop"  # "length": cut off at max_tokens


@dataclass
class LoggedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    def text(self) -> str:
        """All message contents, joined: what the model was shown."""
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


@dataclass
class FakeOpenAIServer:
    responder: Callable[[dict[str, Any]], FakeReply] | None = None
    requests: list[LoggedRequest] = field(default_factory=list)
    _queue: deque[FakeReply] = field(default_factory=deque)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def api_base(self) -> str:
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def enqueue(self, *replies: FakeReply) -> None:
        self._queue.extend(replies)

    def reset(self) -> None:
        self._queue.clear()
        self.requests.clear()
        self.responder = None

    def start(self) -> FakeOpenAIServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes slow replies
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def next_reply(self, body: dict[str, Any]) -> FakeReply:
        if self._queue:
            return self._queue.popleft()
        if self.responder is not None:
            return self.responder(body)
        return FakeReply(status=500, error_message="FakeOpenAIServer: nothing scripted")

    def wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


def completion_body(model: str, reply: FakeReply) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-fake{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content, "refusal": None},
                "logprobs": None,
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }


def error_body(reply: FakeReply) -> dict[str, Any]:
    kind = "invalid_request_error" if reply.status < 500 else "server_error"
    return {"error": {"message": reply.error_message, "type": kind, "param": None, "code": None}}


def _handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            server.requests.append(LoggedRequest(self.path, headers, body))
            if not self.path.endswith("/chat/completions"):
                return self._send(404, {"error": {"message": "not found", "type": "not_found"}})
            reply = server.next_reply(body)
            if reply.delay:
                server.wait(reply.delay)
            if reply.status == 200:
                return self._send(200, completion_body(str(body.get("model")), reply))
            return self._send(reply.status, error_body(reply))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (time-out test)
                pass

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

    return Handler
