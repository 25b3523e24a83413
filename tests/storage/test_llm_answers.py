"""The answer cache and usage ledger in SQLite and PostgreSQL: content-addressed, bounded
(least recently used first), usage added up per account and day."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_assets.core.logic.cache import CachedAnswer
from codegen_assets.core.logic.wire import ChatRequest, Turn, Usage, answer_hash, request_key
from codegen_assets.storage.model_answers import AnswerStore
from codegen_assets.storage.model_usage import KEEP_DAYS, UsageStore


def _answer(n: int, text: str | None = None) -> CachedAnswer:
    body = text or f"return {n}"
    request = ChatRequest(system="s", turns=(Turn(role="user", content=str(n)),), max_tokens=9)
    return CachedAnswer(
        key=request_key("openai", "m", request),
        provider="openai",
        model="m",
        text=body,
        answer_hash=answer_hash(body),
        usage=Usage(input_tokens=n, output_tokens=1),
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "answers.sqlite3")
    return str(request.getfixturevalue("postgres_db"))


def test_llm_answers_are_content_addressed_and_least_recently_used_go_first(
    database: str,
) -> None:
    clock = iter(range(100, 200))
    store = AnswerStore(database, max_entries=3, clock=lambda: float(next(clock)))
    answers = [_answer(n) for n in range(4)]
    for item in answers[:3]:
        store.put(item)
    assert store.get(answers[0].key) == answers[0]  # used now: the most recent
    store.put(answers[3])
    assert store.count() == 3
    assert store.get(answers[1].key) is None  # the least recently used went
    assert store.by_answer_hash(answers[2].answer_hash) == answers[2]
    store.put(answers[0].model_copy(update={"text": "other"}))  # same key: first one kept
    assert store.get(answers[0].key) == answers[0]


def test_llm_answer_cache_is_bounded_in_bytes(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path / "a.sqlite3", max_entries=100, max_bytes=2_500)
    for n in range(5):
        store.put(_answer(n, text=str(n) * 1_000))
    assert store.count() == 2
    assert store.get(_answer(4, text="4" * 1_000).key) is not None


def test_llm_usage_adds_up_per_account_and_day_and_old_days_go(database: str) -> None:
    ledger = UsageStore(database)
    ledger.add("installation:1", "2026-01-01", Usage(input_tokens=10, output_tokens=5), 0.5)
    ledger.add("installation:1", "2026-01-01", Usage(input_tokens=1, output_tokens=2), 0.25)
    ledger.add("installation:2", "2026-01-01", Usage(input_tokens=7), 0.0)
    spent = ledger.spent("installation:1", "2026-01-01")
    assert (spent.requests, spent.input_tokens, spent.output_tokens) == (2, 11, 7)
    assert spent.cost == pytest.approx(0.75) and spent.tokens == 18
    assert ledger.spent("installation:2", "2026-01-01").tokens == 7
    assert ledger.spent("installation:1", "2026-01-02").requests == 0
    ledger.add("installation:1", "2026-06-01", Usage(input_tokens=1), 0.0)
    assert KEEP_DAYS < 150
    assert ledger.spent("installation:1", "2026-01-01").requests == 0
