"""The body writer: asks the model for a handler method, checks the answer, validates it, and
sends what went wrong back for up to three repair rounds.

Interface for integration
-------------------------
* Per handler marked "to write": ``write_body(task, gateway, validate)`` -> ``BodyResult``.
  ``task`` is a ``HandlerTask`` (the rendered handler file with the method to write holding
  ``BODY_SENTINEL``); ``gateway`` a ``ModelGateway`` (``ModelResource.gateway(...)`` builds one:
  client, answer cache, usage ledger, budgets, mode); ``validate(handler_source) ->
  ValidationFeedback`` runs the full sandboxed validation of the node with that file in place.
  A written result has ``body`` and ``handler_source`` (splice the file into the rendered files);
  otherwise ``body`` is None, the placeholder stays and ``attempts`` say why (for the report).
* ``lock_record(results, gateway)``: the JSON-able record for ``nodegen.lock`` (provider, model,
  and per attempt the request key and answer hash).
* ``replay_map(record)``: the request-key -> answer-hash map a replay gateway is built with
  (``ModelGateway(..., replay=replay_map(record))`` in mode ``replay``): it answers only those
  answers, found in the cache by key or by hash, and never sends a request;
  ``missing_answers(record, cache)`` names the hashes a replay would miss.
* Usage: ``BodyResult.usage`` per handler and ``gateway.totals`` for the run (tokens, cost,
  requests sent, answers from the cache, seconds), as report fields, Dagster metadata and events.

Replays are byte-identical when validation is deterministic: each request is content-addressed
(provider, model, every message and parameter), and a repair request carries the validators'
messages, so the same messages give the same key and the same recorded answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from codegen_assets.core.logic.answer_code import (
    Target,
    body_from_code,
    extract_code,
    find_target,
    splice,
)
from codegen_assets.core.logic.cache import AnswerCache
from codegen_assets.core.logic.errors import BudgetExceededError, ModelError
from codegen_assets.core.logic.gateway import ModelGateway, Reply, UsageTotals
from codegen_assets.core.logic.prompts import repair_prompt, system_prompt, task_prompt
from codegen_assets.core.logic.safety import check_code
from codegen_assets.core.logic.task import (
    Attempt,
    BodyResult,
    HandlerTask,
    Outcome,
    ValidationFeedback,
)
from codegen_assets.core.logic.wire import ChatRequest, Turn

Validate = Callable[[str], ValidationFeedback]
LOCK_VERSION = 1


def write_body(
    task: HandlerTask,
    gateway: ModelGateway,
    validate: Validate,
    *,
    rounds: int | None = None,
) -> BodyResult:
    """Ask, check, validate; repair up to ``rounds`` times (``NODEGEN_LLM_REPAIR_ROUNDS``)."""
    started = time.monotonic()
    target = find_target(task.handler_source)
    before = gateway.totals.model_copy()
    result = BodyResult(handler_path=task.handler_path, method=target.name)
    system = system_prompt(task, target)
    first = Turn(role="user", content=task_prompt(task, target))
    turns: tuple[Turn, ...] = (first,)
    repairs = gateway.settings.repair_rounds if rounds is None else rounds
    seen: dict[str, Attempt] = {}  # answer hash -> the attempt that first gave it
    for number in range(repairs + 1):
        request = ChatRequest(
            system=system, turns=turns, max_tokens=gateway.settings.max_output_tokens
        )
        verdict = _round(number, request, task, target, gateway, validate, seen)
        result.attempts.append(verdict.attempt)
        if verdict.written is not None:
            result.body, result.handler_source = verdict.written
            break
        if verdict.reply is None or verdict.repeated:  # not asked, or asking again is futile
            break
        seen[verdict.reply.answer_hash] = verdict.attempt
        attempt = verdict.attempt
        repair = repair_prompt(
            attempt.reasons,
            attempt.validator_messages,
            target,
            round_number=number + 1,
            rounds=repairs,
        )
        turns = (
            first,
            Turn(role="assistant", content=verdict.reply.text),
            Turn(role="user", content=repair),
        )
    result.usage = _delta(before, gateway.totals)
    result.seconds = time.monotonic() - started
    return result


@dataclass(frozen=True)
class _Verdict:
    attempt: Attempt
    reply: Reply | None = None  # None: nothing was answered
    written: tuple[str, str] | None = None  # (body, handler file) when it passed
    repeated: bool = False  # the same answer as an earlier round: a further round repeats it


def _round(
    number: int,
    request: ChatRequest,
    task: HandlerTask,
    target: Target,
    gateway: ModelGateway,
    validate: Validate,
    seen: dict[str, Attempt],
) -> _Verdict:
    """One answer and its verdict."""
    try:
        reply = gateway.ask(request)
    except BudgetExceededError as exc:
        return _Verdict(Attempt(round=number, outcome="budget", reasons=[str(exc)]))
    except ModelError as exc:
        return _Verdict(Attempt(round=number, outcome="error", reasons=[str(exc)]))

    def attempt(outcome: Outcome, reasons: list[str], messages: Sequence[str] = ()) -> Attempt:
        return Attempt(
            round=number,
            outcome=outcome,
            reasons=reasons,
            validator_messages=list(messages),
            request_key=reply.key,
            answer_hash=reply.answer_hash,
            input_tokens=reply.usage.input_tokens,
            output_tokens=reply.usage.output_tokens,
            seconds=reply.seconds,
            from_cache=reply.from_cache,
        )

    earlier = seen.get(reply.answer_hash)
    if earlier is not None:  # at temperature 0, validation and repair would repeat too
        again = [f"the same answer as round {earlier.round}", *earlier.reasons]
        verdict = attempt(earlier.outcome, again, earlier.validator_messages)
        return _Verdict(verdict, reply, repeated=True)
    code = extract_code(reply.text)
    if not code.strip():
        return _Verdict(attempt("rejected", ["the answer holds no Python code"]), reply)
    violations = check_code(code, task.node_type, node_package=task.node_package)
    if violations:
        unparsable = all(v.rule == "syntax" for v in violations)
        outcome: Outcome = "syntax" if unparsable else "unsafe"
        return _Verdict(attempt(outcome, [str(v) for v in violations]), reply)
    extracted = body_from_code(code, target)
    if extracted.body is None:
        return _Verdict(attempt("rejected", list(extracted.problems)), reply)
    handler = splice(task.handler_source, target, extracted.body)
    feedback = validate(handler)
    if feedback.passed:
        passed = attempt("passed", list(extracted.notes))
        return _Verdict(passed, reply, written=(extracted.body, handler))
    messages = feedback.messages or ["validation failed (no message)"]
    return _Verdict(attempt("failed", [], messages), reply)


def _delta(before: UsageTotals, after: UsageTotals) -> UsageTotals:
    return UsageTotals(
        requests=after.requests - before.requests,
        cached=after.cached - before.cached,
        input_tokens=after.input_tokens - before.input_tokens,
        output_tokens=after.output_tokens - before.output_tokens,
        cost=after.cost - before.cost,
        seconds=after.seconds - before.seconds,
    )


def lock_record(results: Sequence[BodyResult], gateway: ModelGateway) -> dict[str, Any]:
    """What ``nodegen.lock`` keeps of the model's part: the model, and the request key and
    answer hash of every answer given (JSON-able, stable order)."""
    answers = [
        {
            "handler": result.handler_path,
            "method": result.method,
            "round": attempt.round,
            "request": attempt.request_key,
            "answer": attempt.answer_hash,
            "outcome": attempt.outcome,
        }
        for result in sorted(results, key=lambda r: (r.handler_path, r.method))
        for attempt in result.attempts
        if attempt.answer_hash
    ]
    return {
        "version": LOCK_VERSION,
        "provider": gateway.provider,
        "model": gateway.model,
        "answers": answers,
    }


def replay_map(record: dict[str, Any]) -> dict[str, str]:
    """Request key -> answer hash, from a ``lock_record``."""
    return {str(a["request"]): str(a["answer"]) for a in record.get("answers", [])}


def missing_answers(record: dict[str, Any], cache: AnswerCache) -> list[str]:
    """The answer hashes of ``record`` that ``cache`` does not hold (empty: a replay can run)."""
    return [
        digest
        for key, digest in replay_map(record).items()
        if (cache.get(key) or cache.by_answer_hash(digest)) is None
    ]
