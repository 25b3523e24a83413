"""The two wire formats, as documented by their providers, and a request independent of both.

OpenAI chat completions (any compatible server): ``POST {base}/chat/completions`` with
``{"model", "messages": [{"role": "system"|"user"|"assistant", "content"}], "temperature",
"max_tokens"}`` and ``Authorization: Bearer <key>``; the answer is
``choices[0].message.content`` with ``usage.prompt_tokens`` and ``usage.completion_tokens``.
Errors: ``{"error": {"message", "type", "param", "code"}}``.

Anthropic Messages: ``POST {base}/v1/messages`` with headers ``x-api-key`` and
``anthropic-version: 2023-06-01``, body ``{"model", "system", "messages": [{"role": "user"|
"assistant", "content"}], "max_tokens", "temperature"}``; the answer is the text blocks of
``content`` with ``usage.input_tokens`` and ``usage.output_tokens``. Errors:
``{"type": "error", "error": {"type", "message"}}``.

An answer may be asked for as JSON of a given schema (``ChatRequest.answer_schema``): OpenAI's
``response_format: {"type": "json_schema", "json_schema": {"name", "schema", "strict": false}}``
(OpenAI, vLLM, llama.cpp, Ollama), Anthropic's one tool with that ``input_schema`` and
``tool_choice`` naming it; the answer is then the JSON text (of the ``tool_use`` block's input).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ANTHROPIC_VERSION = "2023-06-01"
Role = Literal["user", "assistant"]


class WireFormatError(ValueError):
    """An answer that is not what the provider documents."""


class Turn(BaseModel):
    """One message of the conversation after the system prompt."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    content: str


class AnswerSchema(BaseModel):
    """The JSON Schema an answer must fit (structured output)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    description: str = ""
    json_schema: dict[str, Any]

    def text(self) -> str:
        """The schema as compact JSON (what is sent)."""
        return json.dumps(self.json_schema, sort_keys=True, separators=(",", ":"))


class ChatRequest(BaseModel):
    """What is asked: a system prompt, alternating turns ending with the user's, and limits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    system: str
    turns: tuple[Turn, ...] = Field(min_length=1)
    max_tokens: int = Field(ge=1)
    temperature: float = 0.0
    answer_schema: AnswerSchema | None = None  # the answer is JSON of this schema

    def text_length(self) -> int:
        """Characters of prompt text, for the token estimate (a schema sent is input too)."""
        schema = len(self.answer_schema.text()) if self.answer_schema is not None else 0
        return len(self.system) + sum(len(t.content) for t in self.turns) + schema

    def estimated_input_tokens(self) -> int:
        """A generous estimate of the prompt's tokens (3 characters a token, plus framing)."""
        return self.text_length() // 3 + 8 * (len(self.turns) + 1)


class Usage(BaseModel):
    """Tokens one answer took, as the provider counted them."""

    model_config = ConfigDict(frozen=True)

    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)


class ChatAnswer(BaseModel):
    """What came back."""

    model_config = ConfigDict(frozen=True)

    text: str
    usage: Usage = Usage()
    stop_reason: str = ""


def request_key(provider: str, model: str, request: ChatRequest) -> str:
    """The answer cache's key: SHA-256 of the provider, the model, every message and every
    parameter, as canonical JSON (a parameter left unset is left out, so a request without one
    keeps the key it had before the parameter existed)."""
    asked = request.model_dump(mode="json", exclude_none=True)
    data = {"provider": provider, "model": model, "request": asked}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def answer_hash(text: str) -> str:
    """SHA-256 of an answer's text (what ``nodegen.lock`` records)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def openai_body(model: str, request: ChatRequest) -> dict[str, Any]:
    """The chat-completions request body."""
    messages = [{"role": "system", "content": request.system}]
    messages += [{"role": t.role, "content": t.content} for t in request.turns]
    body: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "temperature": request.temperature,
        "max_tokens": request.max_tokens,
        "stream": False,
    }
    wanted = request.answer_schema
    if wanted is not None:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": wanted.name,
                "description": wanted.description,
                "schema": wanted.json_schema,
                "strict": False,  # strict mode needs every property required: not a spec's
            },
        }
    return body


def anthropic_body(model: str, request: ChatRequest) -> dict[str, Any]:
    """The Messages request body (the system prompt is a top-level field, not a message); an
    answer schema is the one tool the model must use."""
    body: dict[str, Any] = {
        "model": model,
        "system": request.system,
        "messages": [{"role": t.role, "content": t.content} for t in request.turns],
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
    }
    wanted = request.answer_schema
    if wanted is not None:
        tool = {"name": wanted.name, "input_schema": wanted.json_schema}
        body["tools"] = [{**tool, "description": wanted.description or wanted.name}]
        body["tool_choice"] = {"type": "tool", "name": wanted.name}
    return body


class _OpenAIMessage(BaseModel):
    content: str | None = None


class _OpenAIChoice(BaseModel):
    message: _OpenAIMessage
    finish_reason: str | None = None


class _OpenAIUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class _OpenAIAnswer(BaseModel):
    choices: list[_OpenAIChoice] = Field(min_length=1)
    usage: _OpenAIUsage = _OpenAIUsage()


class _AnthropicBlock(BaseModel):
    type: str
    text: str = ""
    input: dict[str, Any] | None = None  # a tool_use block's arguments


class _AnthropicUsage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0


class _AnthropicAnswer(BaseModel):
    type: Literal["message"]
    content: list[_AnthropicBlock]
    stop_reason: str | None = None
    usage: _AnthropicUsage = _AnthropicUsage()


def parse_openai(payload: bytes) -> ChatAnswer:
    """A chat-completions answer."""
    try:
        answer = _OpenAIAnswer.model_validate_json(payload)
    except ValidationError as exc:
        raise WireFormatError(_first_problem("chat-completions answer", exc)) from None
    choice = answer.choices[0]
    return ChatAnswer(
        text=choice.message.content or "",
        usage=Usage(
            input_tokens=answer.usage.prompt_tokens,
            output_tokens=answer.usage.completion_tokens,
        ),
        stop_reason=choice.finish_reason or "",
    )


def parse_anthropic(payload: bytes) -> ChatAnswer:
    """A Messages answer: its text blocks joined, or the input of its tool_use block as JSON
    (the answer to a request with an answer schema)."""
    try:
        answer = _AnthropicAnswer.model_validate_json(payload)
    except ValidationError as exc:
        raise WireFormatError(_first_problem("Messages answer", exc)) from None
    used = [b.input for b in answer.content if b.type == "tool_use" and b.input is not None]
    text = "".join(block.text for block in answer.content if block.type == "text")
    return ChatAnswer(
        text=json.dumps(used[0], ensure_ascii=False) if used else text,
        usage=Usage(
            input_tokens=answer.usage.input_tokens, output_tokens=answer.usage.output_tokens
        ),
        stop_reason=answer.stop_reason or "",
    )


def error_detail(payload: bytes) -> tuple[str, str]:
    """``(type or code, message)`` of either provider's error body ('' when it has none)."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return "", payload[:200].decode("utf-8", "replace")
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return "", ""
    kind = error.get("code") or error.get("type") or ""
    details = error.get("details")
    if isinstance(details, dict) and details.get("error_code"):
        kind = str(details["error_code"])
    return str(kind), str(error.get("message") or "")


def _first_problem(what: str, exc: ValidationError) -> str:
    problem = exc.errors()[0]
    where = ".".join(str(p) for p in problem["loc"]) or "body"
    return f"the server's {what} is not in the documented format ({where}: {problem['msg']})"
