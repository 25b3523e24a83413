"""A loopback fake of both model APIs, in their documented wire formats.

OpenAI chat completions at ``/v1/chat/completions`` (base URL ``{url}/v1``) and the Anthropic
Messages API at ``/v1/messages`` (base URL ``{url}``). Each request takes the next scripted
``Step``: an answer, an error in that provider's error format (``{"error": {"message", "type",
"param", "code"}}`` or ``{"type": "error", "error": {"type", "message"}}``, with headers such
as ``retry-after``), optionally after a delay. Requests are checked as the providers check them
(key, ``anthropic-version``, roles, required fields) and answered 401/400 like them when wrong.
Every request is recorded, so a test can count them and read what was sent.

Structured output as the providers document it: OpenAI's ``response_format`` (``json_schema``
with a name and a schema; ``structured=False`` answers it 400 as a server without it does) and
Anthropic's ``tools`` with ``tool_choice`` naming one, answered with a ``tool_use`` block whose
input is the scripted text's JSON object.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from github_app.demo.local import serve


@dataclass(frozen=True)
class Step:
    """What the fake does with one request."""

    text: str = ""  # the answer, when status is 200
    status: int = 200
    kind: str = ""  # the error's type (Anthropic) or code (OpenAI)
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering


def answer(text: str) -> Step:
    """A successful answer."""
    return Step(text=text)


def code_answer(code: str) -> Step:
    """An answer holding ``code`` in a fenced Python block, as chat models write it."""
    return Step(text=f"Here is the method:\n\n```python\n{code.strip()}\n```\n")


def failure(status: int, kind: str, message: str, **headers: str) -> Step:
    """An error answer."""
    return Step(status=status, kind=kind, message=message, headers=headers)


def slow(step: Step, seconds: float) -> Step:
    """``step`` after ``seconds``."""
    return Step(step.text, step.status, step.kind, step.message, step.headers, seconds)


@dataclass
class Seen:
    """One request as received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeLLM:
    """Scripted answers; ``app`` is the ASGI application."""

    def __init__(
        self,
        script: Iterable[Step] = (),
        *,
        key: str = "",
        responder: Callable[[Seen], Step] | None = None,
        structured: bool = True,
    ) -> None:
        self.script = list(script)
        self.structured = structured
        self.key = key
        self.responder = responder
        self.requests: list[Seen] = []
        self._ids = itertools.count(1)
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._openai, methods=["POST"]),
                Route("/v1/messages", self._anthropic, methods=["POST"]),
            ]
        )

    def _next(self, seen: Seen) -> Step:
        self.requests.append(seen)
        if self.responder is not None:
            return self.responder(seen)
        if not self.script:
            return failure(500, "server_error", "the fake has no scripted answer left")
        return self.script.pop(0)

    async def _seen(self, request: Request) -> Seen | JSONResponse:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": "We could not parse the JSON body"}, status_code=400)
        return Seen(request.url.path, dict(request.headers), body)

    async def _openai(self, request: Request) -> JSONResponse:
        seen = await self._seen(request)
        if isinstance(seen, JSONResponse):
            return seen
        if self.key and seen.headers.get("authorization") != f"Bearer {self.key}":
            return _openai_error(401, "invalid_api_key", "Incorrect API key provided: sk-***")
        problem = _openai_problem(seen.body)
        if "response_format" in seen.body and not self.structured:
            problem = "Unrecognized request argument supplied: response_format"
        if problem:
            return _openai_error(400, "invalid_request_error", problem)
        step = self._next(seen)
        await asyncio.sleep(step.delay)
        if step.status != 200:
            return _openai_error(step.status, step.kind, step.message, step.headers)
        messages = seen.body["messages"]
        prompt = sum(len(str(m["content"])) for m in messages) // 4
        completion = len(step.text) // 4 + 1
        return JSONResponse(
            {
                "id": f"chatcmpl-fake-{next(self._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": seen.body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": step.text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            }
        )

    async def _anthropic(self, request: Request) -> JSONResponse:
        seen = await self._seen(request)
        if isinstance(seen, JSONResponse):
            return seen
        if seen.headers.get("x-api-key") != self.key or not self.key:
            return _anthropic_error(401, "authentication_error", "invalid x-api-key")
        if "anthropic-version" not in seen.headers:
            return _anthropic_error(
                400, "invalid_request_error", "anthropic-version: header is required"
            )
        problem = _anthropic_problem(seen.body)
        if problem:
            return _anthropic_error(400, "invalid_request_error", problem)
        step = self._next(seen)
        await asyncio.sleep(step.delay)
        if step.status != 200:
            return _anthropic_error(step.status, step.kind, step.message, step.headers)
        prompt = (
            len(seen.body.get("system", ""))
            + sum(len(str(m["content"])) for m in seen.body["messages"])
        ) // 4
        content, stop = _anthropic_content(seen.body, step.text)
        return JSONResponse(
            {
                "id": f"msg_fake_{next(self._ids)}",
                "type": "message",
                "role": "assistant",
                "model": seen.body["model"],
                "content": content,
                "stop_reason": stop,
                "stop_sequence": None,
                "usage": {"input_tokens": prompt, "output_tokens": len(step.text) // 4 + 1},
            }
        )


def _anthropic_content(body: dict[str, Any], text: str) -> tuple[list[dict[str, Any]], str]:
    """The answer's content blocks: a ``tool_use`` of the tool ``tool_choice`` names when the
    text is a JSON object, else the text."""
    choice = body.get("tool_choice") or {}
    if choice.get("type") == "tool":
        try:
            arguments = json.loads(text)
        except ValueError:
            arguments = None
        if isinstance(arguments, dict):
            block = {"type": "tool_use", "id": "toolu_fake", "name": choice["name"]}
            return [{**block, "input": arguments}], "tool_use"
    return [{"type": "text", "text": text}], "end_turn"


def _openai_problem(body: dict[str, Any]) -> str:
    if not isinstance(body.get("model"), str):
        return "you must provide a model parameter"
    if "response_format" in body:
        problem = _response_format_problem(body["response_format"])
        if problem:
            return problem
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must contain at least 1 item"
    for index, message in enumerate(messages):
        if message.get("role") not in {"system", "developer", "user", "assistant", "tool"}:
            return f"Invalid value for 'messages[{index}].role'"
        if not isinstance(message.get("content"), str):
            return f"Invalid type for 'messages[{index}].content'"
    return ""


def _anthropic_problem(body: dict[str, Any]) -> str:
    if not isinstance(body.get("model"), str):
        return "model: Field required"
    problem = _tools_problem(body.get("tools", []), body.get("tool_choice"))
    if problem:
        return problem
    if not isinstance(body.get("max_tokens"), int):
        return "max_tokens: Field required"
    if "system" in body and not isinstance(body["system"], str | list):
        return "system: Input should be a valid string"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: Field required"
    for index, message in enumerate(messages):
        role = message.get("role")
        if role not in {"user", "assistant"}:
            return (
                f'messages.{index}.role: Unexpected role "{role}". The Messages API accepts a '
                'top-level `system` parameter, not "system" as an input message role.'
            )
        expected = "user" if index % 2 == 0 else "assistant"
        if role != expected:
            return 'messages: roles must alternate between "user" and "assistant"'
    return ""


def _response_format_problem(wanted: dict[str, Any]) -> str:
    if wanted.get("type") not in {"text", "json_object", "json_schema"}:
        return "Invalid value for 'response_format.type'"
    schema = wanted.get("json_schema", {}) if wanted["type"] == "json_schema" else {"name": "-"}
    if not schema.get("name") or not isinstance(schema.get("schema", {}), dict):
        return "Missing required parameter: 'response_format.json_schema.name'"
    return ""


def _tools_problem(tools: list[dict[str, Any]], choice: dict[str, Any] | None) -> str:
    for index, tool in enumerate(tools):
        schema = tool.get("input_schema")
        if not tool.get("name") or not isinstance(schema, dict) or schema.get("type") != "object":
            return f"tools.{index}.input_schema: Input should be an object schema"
    wanted = choice.get("name") if choice is not None and choice.get("type") == "tool" else None
    if wanted is not None and wanted not in {t.get("name") for t in tools}:
        return "tool_choice.name: no tool of that name"
    return ""


def _openai_error(
    status: int, kind: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    kinds = {401: "invalid_request_error", 429: "rate_limit_error"}
    body = {
        "error": {
            "message": message,
            "type": kinds.get(status, "server_error" if status >= 500 else kind),
            "param": None,
            "code": kind,
        }
    }
    return JSONResponse(body, status_code=status, headers=headers)


def _anthropic_error(
    status: int, kind: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_fake"}
    return JSONResponse(body, status_code=status, headers=headers)


@contextmanager
def serving(fake: FakeLLM) -> Iterator[str]:
    """``fake`` on a free loopback port; yields its root URL (OpenAI's base is ``+ "/v1"``)."""
    with serve(fake.app) as url:
        yield url
