"""Refined code stage: ruff's fixes and formatter where style checks failed, then one more
validation."""

from __future__ import annotations

from pathlib import Path

from codegen_assets.core.models import FileSet, RefinedCode, StyleConfig, ValidationReport
from codegen_assets.core.settings import SandboxMode
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.validation.cache import ValidationCache
from codegen_assets.core.validation.runner import execute, ruff_bin
from codegen_assets.core.validation.style import fix_commands
from codegen_assets.core.validation.workspace import read_tree, workspace


def refine_files(
    files: FileSet,
    report: ValidationReport,
    *,
    timeout: float,
    mypy_cache: Path,
    sandbox: SandboxMode = "auto",
    style: StyleConfig | None = None,
    cache: ValidationCache | None = None,
    warm: bool = False,
    keep_seconds: float = 0.0,
) -> RefinedCode:
    """Apply ruff's fixes and formatter (the repository's configuration) when style checks
    failed, then validate once more."""
    if report.check("ruff").passed and report.check("format").passed:
        return RefinedCode(files=files, report=report)
    names = sorted(files.files)
    with workspace(files, mypy_cache, sandbox=sandbox, style=style) as space:
        for args in fix_commands(ruff_bin()):
            execute(args, space.root, timeout, space.jails.fix)
        fixed = read_tree(space.root, names)
    fixed = FileSet(files=fixed.files, create_only=files.create_only)
    changed = tuple(name for name in names if fixed.files[name] != files.files[name])
    if not changed:
        return RefinedCode(files=files, report=report)
    new_report = validate_files(
        fixed,
        timeout=timeout,
        mypy_cache=mypy_cache,
        sandbox=sandbox,
        style=style,
        cache=cache,
        warm=warm,
        keep_seconds=keep_seconds,
    )
    return RefinedCode(
        files=fixed, report=new_report.model_copy(update={"refined": True}), fixed_files=changed
    )
