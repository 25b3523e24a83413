"""Validation report stage: real linters, type checker, tests and the ONEX ecosystem's own gates
on a private copy of a node, each validator in a sandbox where one is available (the checks are
in ``validation/``); a report is reused for files validated before or ahead of the run.

Style is judged as the target repository judges it: ``ruff check`` and ``ruff format --check``
under its configuration (placed beside the copy), ruff's defaults when it has none.
"""

from __future__ import annotations

import functools
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from codegen_assets.core.models import CheckResult, FileSet, NodeSpec, StyleConfig, ValidationReport
from codegen_assets.core.validation.cache import ValidationCache, cache_key
from codegen_assets.core.validation.checks import PROMPT_CHECK, WEIGHTS
from codegen_assets.core.validation.report import check_all, quality_score
from codegen_assets.core.validation.sandbox import use_bwrap
from codegen_assets.core.validation.settings import ValidationSettings
from codegen_assets.core.validation.workspace import workspace

_AHEAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="validate-ahead")
_ahead: dict[tuple[str, ...], Future[ValidationReport]] = {}
_ahead_lock = threading.Lock()


def validate_ahead(
    files: FileSet,
    settings: ValidationSettings,
    *,
    style: StyleConfig | None = None,
    cache: ValidationCache | None = None,
) -> None:
    """Start validating the generator's ``files`` now, in the background: the next
    ``validate_files`` call in this process for the same files and settings takes that report
    (the CLI starts it while Dagster loads; any other files are validated as usual)."""
    key = _ahead_key(files, style, settings)
    future = _AHEAD.submit(_validate, files, settings, trusted=True, style=style, cache=cache)
    with _ahead_lock:
        _ahead[key] = future


def _ahead_key(
    files: FileSet, style: StyleConfig | None, settings: ValidationSettings
) -> tuple[str, ...]:
    digest = cache_key(files, style=style, trusted=True, sandboxed=use_bwrap(settings.sandbox))
    return (digest, f"{settings.timeout:g}", str(settings.mypy_cache))


def _validated_ahead(key: tuple[str, ...]) -> ValidationReport | None:
    """The report of a validation started ahead for ``key`` (waited for), if there is one."""
    with _ahead_lock:
        future = _ahead.pop(key, None)
    if future is None:
        return None
    try:
        return future.result()
    except Exception:  # validated again by the caller, which reports what goes wrong
        return None


def validate_files(
    files: FileSet,
    settings: ValidationSettings,
    *,
    trusted: bool = True,
    style: StyleConfig | None = None,
    cache: ValidationCache | None = None,
) -> ValidationReport:
    """Run every check on a private copy of ``files``, the slow ones in parallel (with
    ``settings.warm``, the Python ones in the warm interpreter when the files are ``trusted``).

    ``trusted=False`` marks files that include code the generator did not write (hand edits
    merged into a regeneration): outside a sandbox they are checked statically only. With a
    ``cache``, files validated before with the same toolchain get the kept report. Files whose
    validation this process started ahead (``validate_ahead``) get that report.
    """
    if trusted and _ahead:  # nothing started ahead (the served worker): no key to compute
        ahead = _validated_ahead(_ahead_key(files, style, settings))
        if ahead is not None:
            return ahead
    return _validate(files, settings, trusted=trusted, style=style, cache=cache)


def _validate(
    files: FileSet,
    settings: ValidationSettings,
    *,
    trusted: bool,
    style: StyleConfig | None,
    cache: ValidationCache | None,
) -> ValidationReport:
    space = functools.partial(
        workspace,
        files,
        settings.mypy_cache,
        trusted=trusted,
        sandbox=settings.sandbox,
        style=style,
        warm=settings.warm,
        keep_seconds=settings.keep_seconds,
    )
    if cache is None or not trusted:  # hand-edited code: its report is never kept nor reused
        return check_all(files, settings.timeout, space)
    key = cache_key(files, style=style, trusted=trusted, sandboxed=use_bwrap(settings.sandbox))
    report = cache.get(key)
    if report is None:
        report = check_all(files, settings.timeout, space)
        cache.put(key, report)
    return report


def with_prompt_check(report: ValidationReport, spec: NodeSpec) -> ValidationReport:
    """``report`` with the check that the prompt was understood (an operation was read), and
    who read it when a model was asked ("read by ...")."""
    check = CheckResult(
        name=PROMPT_CHECK,
        passed=not spec.review,
        weight=WEIGHTS[PROMPT_CHECK],
        duration_seconds=0.0,
        output="\n".join([*([spec.reading.summary] if spec.reading.model else []), *spec.review]),
    )
    others = tuple(c for c in report.checks if c.name != PROMPT_CHECK)
    checks = tuple(sorted((*others, check), key=lambda c: (c.advisory, -c.weight, c.name)))
    return report.model_copy(update={"checks": checks, "quality_score": quality_score(checks)})
