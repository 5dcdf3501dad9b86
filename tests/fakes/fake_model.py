"""FakeModel: a scripted ModelClient. `enqueue([...])` replies (a str is sent as-is, a dict or
pydantic model as its JSON, a ModelReply as given, an exception is raised); `history` records every
ModelRequest it was sent; `latency` delays every reply."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Iterable

from pydantic import BaseModel

from prompts.llm import ModelReply, ModelRequest

Scripted = str | dict[str, object] | BaseModel | ModelReply | BaseException


class FakeModel:
    def __init__(
        self,
        replies: Iterable[Scripted] = (),
        *,
        tokens: tuple[int, int] = (100, 20),
        latency: float = 0.0,
    ) -> None:
        self._queue: deque[Scripted] = deque(replies)
        self._tokens = tokens
        self.latency = latency  # seconds before each reply (a hanging provider)
        self.history: list[ModelRequest] = []

    def enqueue(self, replies: Iterable[Scripted]) -> FakeModel:
        self._queue.extend(replies)
        return self

    @property
    def remaining(self) -> int:
        return len(self._queue)

    async def complete(self, request: ModelRequest) -> ModelReply:
        self.history.append(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        if not self._queue:
            raise AssertionError("FakeModel was called more often than scripted")
        item = self._queue.popleft()
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, ModelReply):
            return item
        if isinstance(item, BaseModel):
            content = item.model_dump_json()
        elif isinstance(item, dict):
            content = json.dumps(item)
        else:
            content = item
        return ModelReply(content, prompt_tokens=self._tokens[0], completion_tokens=self._tokens[1])

    def last_text(self) -> str:
        """Every message of the last request, joined: what the model was shown."""
        return "\n".join(m["content"] for m in self.history[-1].messages)
