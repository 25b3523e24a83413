"""Reports of files already validated, keyed by everything a report depends on.

Generation is deterministic, so the same request gives the same files; validating them again
with the same toolchain gives the same report. The key covers every file's path and content,
the repository's style configuration, whether the code was the generator's own and whether it
ran sandboxed, and the toolchain: the interpreter, the validators' and ONEX packages' versions
and the source of the modules that run them. Only passing reports of executed code the generator
wrote are kept, so a flaky or timed-out failure is never replayed, nor a report that code it did
not write (hand edits) could have forged.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import cache
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from pydantic import ValidationError

from codegen_assets.core.models import FileSet, StyleConfig, ValidationReport

# Distributions whose version changes what a validation finds.
TOOLCHAIN = (
    "ruff",
    "mypy",
    "pytest",
    "coverage",
    "hypothesis",
    "pydantic",
    "omnibase-core",
    "omnibase-infra",
    "omnibase-spi",
)
# Modules whose source decides which checks run and how.
_RUNNERS = (
    "codegen_assets.core.stages.validation_report",
    "codegen_assets.core.validation.runner",
    "codegen_assets.core.validation.workspace",
    "codegen_assets.core.validation.checks",
    "codegen_assets.core.validation.gates",
    "codegen_assets.core.validation.report",
    "codegen_assets.core.validation.covered_tests",
    "codegen_assets.core.validation.ecosystem_gates",
    "codegen_assets.core.validation.sandbox",
    "codegen_assets.core.validation.style",
    "codegen_assets.core.validation.cache",
)


@cache
def toolchain() -> str:
    """A fingerprint of the interpreter, the validators and the code that runs them."""
    versions: dict[str, str | None] = {}
    for name in TOOLCHAIN:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    sources = {m: _sha(_source(m)) for m in _RUNNERS}
    identity = {"python": sys.version, "versions": versions, "sources": sources}
    return _sha(json.dumps(identity, sort_keys=True).encode())


def _source(module: str) -> bytes:
    spec = find_spec(module)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(module)
    return Path(spec.origin).read_bytes()


def cache_key(files: FileSet, *, style: StyleConfig | None, trusted: bool, sandboxed: bool) -> str:
    """The key of ``files`` validated this way with this toolchain."""
    identity = {
        "files": sorted(files.files.items()),
        "style": style.model_dump(mode="json") if style is not None else None,
        "trusted": trusted,
        "sandboxed": sandboxed,
        "toolchain": toolchain(),
    }
    return _sha(json.dumps(identity, sort_keys=True).encode())


class ValidationCache:
    """Passing reports as JSON files in ``directory``, one per key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, key: str) -> ValidationReport | None:
        """The report kept under ``key``, marked as cached; None when absent or unreadable."""
        try:
            text = (self.directory / f"{key}.json").read_text("utf-8")
            report = ValidationReport.model_validate_json(text)
        except (OSError, ValidationError):
            return None
        return report.model_copy(update={"cached": True})

    def put(self, key: str, report: ValidationReport) -> None:
        """Keep ``report`` under ``key`` when it passed on executed code the generator wrote
        (atomic write)."""
        if not report.passed or report.static_only or report.cached or report.unverified:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(report.model_dump_json())
        os.replace(tmp, self.directory / f"{key}.json")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
