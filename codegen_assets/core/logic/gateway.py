"""Where every question to the model goes: the cache first, the budget before any request, the
lock in replay mode, and usage totals for the report, Dagster metadata and Kafka events."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from codegen_assets.core.logic.cache import AnswerCache, CachedAnswer, UsageLedger
from codegen_assets.core.logic.errors import BudgetExceededError, ReplayMissError
from codegen_assets.core.logic.wire import (
    ChatAnswer,
    ChatRequest,
    Usage,
    answer_hash,
    request_key,
)
from codegen_assets.core.model_settings import ModelSettings


class Asker(Protocol):
    """What sends a request: ``ModelClient``, or anything with its ``complete``."""

    def complete(self, request: ChatRequest) -> ChatAnswer:
        """The model's answer."""
        ...


class Reply(BaseModel):
    """One answer and where it came from."""

    model_config = ConfigDict(frozen=True)

    text: str
    key: str
    answer_hash: str
    usage: Usage  # what this answer cost now: zero when it came from the cache
    seconds: float
    from_cache: bool


class UsageTotals(BaseModel):
    """Everything asked through one gateway (JSON-able)."""

    requests: int = 0  # sent to the model
    cached: int = 0  # answered from the cache or the lock
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0

    @property
    def tokens(self) -> int:
        """Input and output tokens together."""
        return self.input_tokens + self.output_tokens


def utc_day(clock: Callable[[], float] = time.time) -> str:
    """Today's UTC date, the budget's day."""
    return datetime.datetime.fromtimestamp(clock(), datetime.UTC).date().isoformat()


class ModelGateway:
    """Answers questions for one account (``installation:<id>`` or ``cli``).

    ``replay`` maps request keys to the answer hashes a lock recorded: in replay mode only
    those answers are given, and nothing is ever sent.
    """

    def __init__(
        self,
        settings: ModelSettings,
        *,
        client: Asker | None,
        cache: AnswerCache,
        ledger: UsageLedger,
        account: str,
        replay: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.client = client
        self.cache = cache
        self.ledger = ledger
        self.account = account
        self.replay = dict(replay) if replay is not None else None
        self.totals = UsageTotals()
        self._clock = clock

    @property
    def provider(self) -> str:
        """The provider asked (part of every cache key)."""
        return self.settings.provider

    @property
    def model(self) -> str:
        """The model asked (part of every cache key)."""
        return self.settings.model

    def ask(self, request: ChatRequest) -> Reply:
        """The answer to ``request``: cached, or asked within the budget (mode ``on``)."""
        started = time.monotonic()
        key = request_key(self.provider, self.model, request)
        cached = self._recorded(key)
        if cached is not None:
            self.totals.cached += 1
            return Reply(
                text=cached.text,
                key=key,
                answer_hash=cached.answer_hash,
                usage=Usage(),
                seconds=time.monotonic() - started,
                from_cache=True,
            )
        if self.settings.mode != "on" or self.client is None:
            raise ReplayMissError(
                f"no recorded answer for request {key[:16]} (model {self.model!r}) and "
                f"NODEGEN_LLM_MODE={self.settings.mode}: nothing was asked"
            )
        self.check_budget(request)
        answer = self.client.complete(request)
        seconds = time.monotonic() - started
        self._count(answer.usage, seconds)
        digest = answer_hash(answer.text)
        self.cache.put(
            CachedAnswer(
                key=key,
                provider=self.provider,
                model=self.model,
                text=answer.text,
                answer_hash=digest,
                usage=answer.usage,
            )
        )
        return Reply(
            text=answer.text,
            key=key,
            answer_hash=digest,
            usage=answer.usage,
            seconds=seconds,
            from_cache=False,
        )

    def _recorded(self, key: str) -> CachedAnswer | None:
        if self.settings.mode == "replay" and self.replay is not None:
            expected = self.replay.get(key)
            if expected is None:
                raise ReplayMissError(
                    f"nodegen.lock records no answer for request {key[:16]}: the prompt, "
                    "spec or templates changed since it was written (use --llm on to ask)"
                )
            found = self.cache.get(key) or self.cache.by_answer_hash(expected)
            if found is None or found.answer_hash != expected:
                raise ReplayMissError(
                    f"the answer {expected[:16]} that nodegen.lock records for request "
                    f"{key[:16]} is not in the answer cache: nothing was asked"
                )
            return found
        return self.cache.get(key)

    def check_budget(self, request: ChatRequest) -> None:
        """Raise ``BudgetExceededError`` when ``request`` could pass a budget."""
        settings = self.settings
        worst = request.estimated_input_tokens() + request.max_tokens
        if worst > settings.request_token_budget:
            raise BudgetExceededError(
                f"this request could take {worst} tokens, over the per-request budget of "
                f"{settings.request_token_budget} (NODEGEN_LLM_REQUEST_TOKEN_BUDGET)"
            )
        spent = self.ledger.spent(self.account, utc_day(self._clock))
        if spent.tokens + worst > settings.daily_token_budget:
            raise BudgetExceededError(
                f"{self.account} used {spent.tokens} of its {settings.daily_token_budget} "
                f"tokens today; this request could take {worst} more "
                "(NODEGEN_LLM_DAILY_TOKEN_BUDGET)"
            )
        if settings.daily_cost_budget is not None:
            worst_cost = settings.cost(request.estimated_input_tokens(), request.max_tokens)
            if spent.cost + worst_cost > settings.daily_cost_budget:
                raise BudgetExceededError(
                    f"{self.account} spent {spent.cost:.4f} of its {settings.daily_cost_budget} "
                    "today (NODEGEN_LLM_DAILY_COST_BUDGET)"
                )

    def _count(self, usage: Usage, seconds: float) -> None:
        cost = self.settings.cost(usage.input_tokens, usage.output_tokens)
        self.ledger.add(self.account, utc_day(self._clock), usage, cost)
        totals = self.totals
        totals.requests += 1
        totals.input_tokens += usage.input_tokens
        totals.output_tokens += usage.output_tokens
        totals.cost += cost
        totals.seconds += seconds
