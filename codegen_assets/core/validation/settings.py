"""How validation runs, as one value: the validators' timeout, the shared mypy cache, the sandbox
mode, where passing reports are kept, and the warm interpreter (whether Python checks run in it,
and how long it waits for a later process).

``validation_settings`` builds it from the environment's ``NodegenSettings``: the one mapping
both the Dagster resource (``ValidatorResource``) and the CLI's validation ahead of a run use, so
a report the CLI starts ahead is the one the run takes.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from codegen_assets.core.settings import NodegenSettings, SandboxMode


class ValidationSettings(BaseModel):
    """What every validation of one process is run with (the files, their repository's style
    and whether the generator wrote them are given per validation)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout: float = Field(gt=0)  # seconds each validator may run
    mypy_cache: Path  # shared by the validations of code the generator wrote
    sandbox: SandboxMode = "auto"
    cache_dir: Path | None = None  # passing reports kept by content; None: none kept
    warm: bool = False  # Python checks of generated code in the warm interpreter
    keep_seconds: float = Field(default=0.0, ge=0)  # that interpreter waits this long, unused


def validation_settings(settings: NodegenSettings) -> ValidationSettings:
    """The validation settings of the environment (``NODEGEN_VALIDATION_TIMEOUT_SECONDS``,
    ``NODEGEN_MYPY_CACHE_DIR``, ``NODEGEN_SANDBOX``, ``NODEGEN_VALIDATION_CACHE[_DIR]``,
    ``NODEGEN_WARM_VALIDATORS[_KEEP_SECONDS]``)."""
    return ValidationSettings(
        timeout=settings.validation_timeout_seconds,
        mypy_cache=settings.mypy_cache,
        sandbox=settings.sandbox,
        cache_dir=settings.validation_reports,
        warm=settings.warm_validators,
        keep_seconds=settings.warm_validators_keep_seconds,
    )
