"""The body writer against the loopback fake: repair rounds carry the validators' output,
hostile answers never run, budgets stop requests, replays ask nothing and match byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.llm import hidden_test_validator
from codegen_assets.core.logic.answer_code import find_target
from codegen_assets.core.logic.body_writer import (
    lock_record,
    missing_answers,
    replay_map,
    write_body,
)
from codegen_assets.core.logic.prompts import system_prompt, task_prompt
from codegen_assets.core.logic.task import ValidationFeedback
from codegen_assets.core.logic.wire import ChatRequest, Turn
from codegen_assets.storage.model_answers import AnswerStore
from codegen_assets.storage.model_usage import UsageStore
from tests.support.fake_llm import FakeLLM, code_answer, serving
from tests.support.llm_tasks import (
    FILES,
    HOSTILE,
    RIGHT,
    TESTS,
    WRONG,
    gateway_for,
    model_settings,
    vat_task,
)


def test_llm_wrong_answer_then_right_one_after_the_repair_message(tmp_path: Path) -> None:
    fake = FakeLLM([code_answer(WRONG), code_answer(RIGHT)])
    validate = hidden_test_validator(FILES, {"tests/test_hidden.py": TESTS})
    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        result = write_body(vat_task(), gateway, validate)
    assert result.written and result.body is not None and result.handler_source is not None
    assert "ROUND_HALF_UP" in result.handler_source and "NotImplementedError" not in (
        result.handler_source
    )
    assert [a.outcome for a in result.attempts] == ["failed", "passed"]
    failed = result.attempts[0]
    assert any("Decimal('20.0000') == Decimal('120.00')" in m for m in failed.validator_messages)
    # the second request carries the first answer and what the validators said about it
    repair = fake.requests[1].body["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert repair[2]["content"] == code_answer(WRONG).text
    assert "Decimal('20.0000') == Decimal('120.00')" in repair[3]["content"]
    assert result.repair_rounds == 1 and result.usage.requests == 2
    assert result.usage.tokens == sum(a.input_tokens + a.output_tokens for a in result.attempts)


def test_llm_hostile_answer_is_rejected_before_it_can_run(tmp_path: Path) -> None:
    fake = FakeLLM([code_answer(HOSTILE)] * 4)  # the same answer twice ends the rounds
    calls: list[str] = []

    def validate(handler_source: str) -> ValidationFeedback:
        calls.append(handler_source)
        return ValidationFeedback(passed=True)

    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        result = write_body(vat_task(), gateway, validate)
    assert calls == []  # never validated, so never run
    assert not result.written and result.handler_source is None
    assert [a.outcome for a in result.attempts] == ["unsafe"] * 2 and len(fake.requests) == 2
    assert result.attempts[1].reasons[0] == "the same answer as round 0"
    reasons = result.attempts[0].reasons
    for expected in (
        "line 1: `os` is never allowed",
        "line 2: `socket` is never allowed",
        "line 8: the attribute `__subclasses__` is not allowed",
    ):
        assert any(r.startswith(expected) for r in reasons), (expected, reasons)
    assert "line 6: `.environ` leads outside the program" in reasons
    repair = fake.requests[1].body["messages"][-1]["content"]
    assert "line 1: `os` is never allowed" in repair
    assert "repair round 1 of 3" in repair
    assert result.reason == "placeholder kept after 2 answer(s): the same answer as round 0"


def test_llm_daily_budget_runs_out_and_no_request_is_made_past_it(tmp_path: Path) -> None:
    db = tmp_path / "db"
    fake = FakeLLM([code_answer(WRONG)] * 4)
    validate = hidden_test_validator(FILES, {"tests/test_hidden.py": TESTS})
    with serving(fake) as url:
        # room for the first request (its worst case: prompt estimate + answer), not for more
        settings = model_settings(
            url, daily_token_budget=_first_worst_case(512), max_output_tokens=512
        )
        with gateway_for(settings, db) as gateway:
            result = write_body(vat_task(), gateway, validate)
        assert len(fake.requests) == 1
        assert [a.outcome for a in result.attempts] == ["failed", "budget"]
        assert "NODEGEN_LLM_DAILY_TOKEN_BUDGET" in result.attempts[-1].reasons[0]
        # the spending is persisted: a later run of the same installation gets the first answer
        # from the cache and sends nothing
        spent = UsageStore(db).spent("installation:7", _today())
        assert spent.requests == 1 and spent.tokens == result.usage.tokens
        with gateway_for(settings, db) as later:
            again = write_body(vat_task(), later, validate)
        assert len(fake.requests) == 1
        assert [a.outcome for a in again.attempts] == ["failed", "budget"]
        assert again.attempts[0].from_cache


def test_llm_request_over_the_per_request_budget_is_not_sent(tmp_path: Path) -> None:
    fake = FakeLLM([code_answer(RIGHT)])
    with serving(fake) as url:
        settings = model_settings(url, request_token_budget=500)
        with gateway_for(settings, tmp_path / "db") as gateway:
            result = write_body(vat_task(), gateway, lambda _s: ValidationFeedback(passed=True))
    assert fake.requests == []
    assert result.attempts[0].outcome == "budget"
    assert "per-request budget of 500" in result.attempts[0].reasons[0]


def test_llm_replay_is_byte_identical_and_asks_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db"
    fake = FakeLLM([code_answer(WRONG), code_answer(RIGHT)])
    validate = hidden_test_validator(FILES, {"tests/test_hidden.py": TESTS})
    with serving(fake) as url:
        with gateway_for(model_settings(url), db) as gateway:
            first = write_body(vat_task(), gateway, validate)
            lock = lock_record([first], gateway)
        assert len(fake.requests) == 2
        assert missing_answers(lock, AnswerStore(db)) == []
        replaying = model_settings(url, mode="replay")
        with gateway_for(replaying, db, replay=replay_map(lock)) as gateway:
            again = write_body(vat_task(), gateway, validate)
        assert len(fake.requests) == 2  # nothing asked
    assert again.handler_source == first.handler_source
    assert [a.answer_hash for a in again.attempts] == [a.answer_hash for a in first.attempts]
    assert all(a.from_cache for a in again.attempts) and again.usage.tokens == 0
    assert lock_record([again], gateway) == lock


def test_llm_replay_without_the_recorded_answers_names_what_is_missing(tmp_path: Path) -> None:
    fake = FakeLLM([code_answer(RIGHT)])
    with serving(fake) as url:
        with gateway_for(model_settings(url), tmp_path / "first") as gateway:
            lock = lock_record([write_body(vat_task(), gateway, _passes)], gateway)
        empty = AnswerStore(tmp_path / "elsewhere")
        missing = missing_answers(lock, empty)
        assert missing == [lock["answers"][0]["answer"]]
        replaying = model_settings(url, mode="replay")
        with gateway_for(replaying, tmp_path / "elsewhere", replay=replay_map(lock)) as gateway:
            result = write_body(vat_task(), gateway, _passes)
        # without a lock, replay answers from the cache alone
        with gateway_for(replaying, tmp_path / "elsewhere") as gateway:
            unlocked = write_body(vat_task(), gateway, _passes)
    assert len(fake.requests) == 1
    assert unlocked.attempts[0].outcome == "error"
    assert "NODEGEN_LLM_MODE=replay: nothing was asked" in unlocked.attempts[0].reasons[0]
    assert not result.written and result.attempts[0].outcome == "error"
    assert missing[0][:16] in result.attempts[0].reasons[0]
    assert "nothing was asked" in result.attempts[0].reasons[0]


def _first_worst_case(max_tokens: int) -> int:
    task = vat_task()
    target = find_target(task.handler_source)
    first = ChatRequest(
        system=system_prompt(task, target),
        turns=(Turn(role="user", content=task_prompt(task, target)),),
        max_tokens=max_tokens,
    )
    return first.estimated_input_tokens() + max_tokens


def _passes(_source: str) -> ValidationFeedback:
    return ValidationFeedback(passed=True)


def _today() -> str:
    from codegen_assets.core.logic.gateway import utc_day

    return utc_day()


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_llm_answer_cache_serves_a_repeated_question(provider: str, tmp_path: Path) -> None:
    fake = FakeLLM([code_answer(RIGHT)], key="sk-cache-test-1234")
    with serving(fake) as url:
        base = url if provider == "anthropic" else f"{url}/v1"
        settings = model_settings(
            url, provider=provider, base_url=base, api_key="sk-cache-test-1234"
        )
        for _ in range(2):
            with gateway_for(settings, tmp_path / "db") as gateway:
                result = write_body(vat_task(), gateway, _passes)
            assert result.written
    assert len(fake.requests) == 1
    assert result.attempts[0].from_cache and result.usage.cached == 1
