"""A model gateway over the configured database (answer cache, usage ledger), for whatever asks
the model: the Dagster resource, the CLI's pre-flight reading, the App's triage."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from codegen_assets.core.logic.gateway import ModelGateway
from codegen_assets.core.model_settings import ModelChoice, ModelConfigError, ModelSettings
from codegen_assets.core.secret_env import redact, secret_values
from codegen_assets.storage.db import Location
from codegen_assets.storage.model_answers import AnswerStore
from codegen_assets.storage.model_usage import UsageStore

if TYPE_CHECKING:
    from codegen_assets.core.logic.client import ModelClient  # httpx: when a model is asked


@contextmanager
def open_gateway(
    settings: ModelSettings,
    database: Location,
    account: str,
    *,
    replay: Mapping[str, str] | None = None,
) -> Iterator[ModelGateway]:
    """A gateway for ``account`` (``installation:<id>`` or ``cli``) with its answers and usage
    in ``database``; it sends requests only in mode ``on`` (``ModelConfigError`` when off)."""
    if not settings.enabled:
        raise ModelConfigError("no model: NODEGEN_LLM_MODE=off")
    cache = AnswerStore(
        database, max_entries=settings.cache_max_entries, max_bytes=settings.cache_max_bytes
    )
    from codegen_assets.core.logic.client import ModelClient  # httpx loads only here

    client: ModelClient | None = ModelClient(settings) if settings.mode == "on" else None
    try:
        yield ModelGateway(
            settings,
            client=client,
            cache=cache,
            ledger=UsageStore(database),
            account=account,
            replay=replay,
        )
    finally:
        if client is not None:
            client.close()


@contextmanager
def reading_gateway(
    database: Location,
    account: str,
    *,
    settings: ModelSettings | None = None,
    choice: ModelChoice | None = None,
) -> Iterator[tuple[ModelGateway | None, str]]:
    """``(gateway, "")`` when a model is configured to read prompts (``NODEGEN_LLM_MODE`` on or
    replay, or ``settings``); ``(None, "")`` when the mode is off (nothing is opened);
    ``(None, why)`` when its settings cannot work (the rules' reading then stands)."""
    chosen, why = _usable(settings, choice)
    if chosen is None:
        yield None, why
        return
    with open_gateway(chosen, database, account) as gateway:
        yield gateway, ""


def _usable(
    settings: ModelSettings | None, choice: ModelChoice | None
) -> tuple[ModelSettings | None, str]:
    """The settings a reading asks with, or None and why not ('' when the mode is off). The
    operator turns reading on (``NODEGEN_LLM_MODE``); a command's or repository's ``choice``
    may turn it off (``--llm off``, ``llm: {mode: off}``) or choose the model, never turn it on."""
    try:
        base = settings or ModelSettings()
        if not base.enabled or (choice is not None and choice.mode == "off"):
            return None, ""
        kept = choice.model_copy(update={"mode": None}) if choice is not None else None
        return base.choose(kept).check(), ""
    except (ModelConfigError, OSError) as exc:
        return None, "no model was asked: " + redact(str(exc), secret_values())
