"""The validators while a command starts: the warm interpreter starts importing their toolchain,
and the files the run will produce are validated ahead of it, both while Dagster loads.
"""

from __future__ import annotations

import contextlib

from codegen_assets.core.models import GenerationOptions, StyleConfig
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.validation.settings import validation_settings


def warm_validators(settings: NodegenSettings) -> None:
    """Start the validators' warm interpreter now: it imports their toolchain while Dagster
    loads here, on the other core."""
    validation = validation_settings(settings)
    if validation.warm:
        from codegen_assets.core.validation.sandbox import use_bwrap
        from codegen_assets.core.validation.warm_python import ServerGoneError
        from codegen_assets.core.validation.workspace import warm_server

        sandboxed = use_bwrap(validation.sandbox)
        with contextlib.suppress(ServerGoneError):  # validation then starts interpreters itself
            warm_server(sandboxed, validation.mypy_cache, validation.keep_seconds)


def validate_ahead_of_run(
    settings: NodegenSettings,
    prompt: str,
    options: GenerationOptions,
    style: StyleConfig | None,
    model: str = "off",
) -> None:
    """Render the files the run's stages will produce (the same functions) and start validating
    them while Dagster loads; the run's validation_report takes that report if its files are
    byte for byte these. Not with a remote pattern service, whose answer the run asks anew, nor
    with a ``model`` (its answers are validated, not these files)."""
    if (settings.rag_url and options.enable_intelligence) or model != "off":
        return
    from codegen_assets.core.pipeline import stage_outputs
    from codegen_assets.core.stages.validation_report import validate_ahead
    from codegen_assets.storage.retention import UsedValidationCache

    try:
        spec, _, files = stage_outputs(prompt, options, style)
    except Exception:  # the run's own stage fails the same way, and says which stage it was
        return
    validation = validation_settings(settings)
    cache = UsedValidationCache.of(validation.cache_dir)
    validate_ahead(files, validation, style=spec.style, cache=cache)
