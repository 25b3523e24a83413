"""The model client against the loopback fake: both documented wire formats, retries on 429
(honouring retry-after) and 5xx, timeouts, the circuit breaker, one-line errors without the key."""

from __future__ import annotations

import pytest

from codegen_assets.core.logic.client import ModelClient
from codegen_assets.core.logic.errors import (
    ModelCircuitOpenError,
    ModelHTTPError,
    ModelQuotaError,
    ModelRateLimitedError,
    ModelTimeoutError,
    ModelUnavailableError,
)
from codegen_assets.core.logic.wire import ChatRequest, Turn
from tests.support.fake_llm import FakeLLM, answer, failure, serving, slow
from tests.support.llm_tasks import model_settings

KEY = "sk-test-9f8e7d6c5b4a"
REQUEST = ChatRequest(
    system="You write Python.",
    turns=(
        Turn(role="user", content="Write it."),
        Turn(role="assistant", content="def f(): ..."),
        Turn(role="user", content="Again, typed."),
    ),
    max_tokens=256,
)


def test_llm_openai_wire_format() -> None:
    fake = FakeLLM([answer("def f() -> int:\n    return 1\n")], key=KEY)
    with serving(fake) as url, ModelClient(model_settings(url, api_key=KEY)) as client:
        got = client.complete(REQUEST)
    seen = fake.requests[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["authorization"] == f"Bearer {KEY}"
    assert seen.body["model"] == "fake-coder"
    assert seen.body["temperature"] == 0 and seen.body["max_tokens"] == 256
    assert [m["role"] for m in seen.body["messages"]] == ["system", "user", "assistant", "user"]
    assert seen.body["messages"][0]["content"] == "You write Python."
    assert got.text == "def f() -> int:\n    return 1\n"
    assert got.usage.input_tokens > 0 and got.usage.output_tokens > 0
    assert got.stop_reason == "stop"


def test_llm_anthropic_wire_format() -> None:
    fake = FakeLLM([answer("def f() -> int:\n    return 2\n")], key=KEY)
    with serving(fake) as url:
        settings = model_settings(url, provider="anthropic", base_url=url, api_key=KEY)
        with ModelClient(settings) as client:
            got = client.complete(REQUEST)
    seen = fake.requests[0]
    assert seen.path == "/v1/messages"
    assert seen.headers["x-api-key"] == KEY
    assert seen.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in seen.headers
    assert seen.body["system"] == "You write Python."
    assert [m["role"] for m in seen.body["messages"]] == ["user", "assistant", "user"]
    assert seen.body["max_tokens"] == 256 and seen.body["temperature"] == 0
    assert got.text == "def f() -> int:\n    return 2\n"
    assert got.usage.input_tokens > 0 and got.stop_reason == "end_turn"


def test_llm_429_with_retry_after_is_honoured() -> None:
    fake = FakeLLM(
        [failure(429, "rate_limit_exceeded", "Rate limit reached", **{"retry-after": "7"}),
         answer("ok")]
    )  # fmt: skip
    sleeps: list[float] = []
    with serving(fake) as url, ModelClient(model_settings(url), sleep=sleeps.append) as client:
        assert client.complete(REQUEST).text == "ok"
    assert sleeps == [7.0]
    assert len(fake.requests) == 2


def test_llm_429_asking_to_wait_too_long_or_for_a_spent_quota_fails_at_once() -> None:
    fake = FakeLLM(
        [failure(429, "rate_limit_error", "slow down", **{"retry-after": "3600"}),
         failure(429, "insufficient_quota", "You exceeded your current quota")]
    )  # fmt: skip
    sleeps: list[float] = []
    with serving(fake) as url, ModelClient(model_settings(url), sleep=sleeps.append) as client:
        with pytest.raises(ModelRateLimitedError, match="retry after 3600 s"):
            client.complete(REQUEST)
        with pytest.raises(ModelQuotaError, match="insufficient_quota"):
            client.complete(REQUEST)
    assert sleeps == [] and len(fake.requests) == 2


def test_llm_5xx_then_success() -> None:
    fake = FakeLLM(
        [failure(503, "overloaded_error", "Overloaded"), failure(529, "overloaded_error", "x"),
         answer("fine")]
    )  # fmt: skip
    sleeps: list[float] = []
    with serving(fake) as url:
        settings = model_settings(url, provider="anthropic", base_url=url, api_key=KEY)
        fake.key = KEY
        with ModelClient(settings, sleep=sleeps.append) as client:
            assert client.complete(REQUEST).text == "fine"
    assert len(fake.requests) == 3 and len(sleeps) == 2
    assert all(0 <= s <= 8 for s in sleeps)


def test_llm_breaker_opens_after_repeated_failures_and_refuses_fast() -> None:
    fake = FakeLLM([failure(500, "server_error", "boom")] * 10)
    with serving(fake) as url:
        settings = model_settings(url, max_attempts=1, breaker_failures=3)
        with ModelClient(settings) as client:
            for _ in range(3):
                with pytest.raises(ModelUnavailableError, match="500"):
                    client.complete(REQUEST)
            with pytest.raises(ModelCircuitOpenError, match="failed 3 times in a row"):
                client.complete(REQUEST)
        # another client of the same server shares the open circuit
        with ModelClient(settings) as other, pytest.raises(ModelCircuitOpenError):
            other.complete(REQUEST)
    assert len(fake.requests) == 3


def test_llm_timeout_is_retried_then_reported() -> None:
    fake = FakeLLM([slow(answer("late"), 3.0)] * 2)
    sleeps: list[float] = []
    with serving(fake) as url:
        settings = model_settings(url, timeout_seconds=0.4, max_attempts=2)
        client = ModelClient(settings, sleep=sleeps.append)
        with client, pytest.raises(ModelTimeoutError, match=r"within 0\.4 s"):
            client.complete(REQUEST)
    assert len(fake.requests) == 2 and len(sleeps) == 1


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_llm_refusal_is_typed_one_line_and_never_holds_the_key(provider: str) -> None:
    fake = FakeLLM([failure(400, "invalid_request_error", f"bad request\nfrom {KEY}")], key=KEY)
    with serving(fake) as url:
        base = url if provider == "anthropic" else f"{url}/v1"
        settings = model_settings(url, provider=provider, base_url=base, api_key=KEY)
        with ModelClient(settings) as client, pytest.raises(ModelHTTPError) as raised:
            client.complete(REQUEST)
        wrong = settings.model_copy(update={"api_key": settings.api_key.__class__("sk-wrong-1")})
        with ModelClient(wrong) as client, pytest.raises(ModelHTTPError) as refused:
            client.complete(REQUEST)
    message = str(raised.value)
    assert raised.value.status == 400 and "\n" not in message
    assert KEY not in message and "***" in message
    assert refused.value.status == 401 and "sk-wrong-1" not in str(refused.value)
    assert len(fake.requests) == 1  # a refusal is not retried (the 401 is the fake's own)
