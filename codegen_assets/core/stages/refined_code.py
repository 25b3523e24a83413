"""Refined code stage: ruff's fixes and formatter where style checks failed, then one more
validation."""

from __future__ import annotations

from codegen_assets.core.models import FileSet, RefinedCode, StyleConfig, ValidationReport
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.validation.cache import ValidationCache
from codegen_assets.core.validation.runner import execute, ruff_bin
from codegen_assets.core.validation.settings import ValidationSettings
from codegen_assets.core.validation.style import fix_commands
from codegen_assets.core.validation.workspace import read_tree, workspace


def refine_files(
    files: FileSet,
    report: ValidationReport,
    settings: ValidationSettings,
    *,
    style: StyleConfig | None = None,
    cache: ValidationCache | None = None,
) -> RefinedCode:
    """Apply ruff's fixes and formatter (the repository's configuration) when style checks
    failed, then validate once more."""
    if report.check("ruff").passed and report.check("format").passed:
        return RefinedCode(files=files, report=report)
    names = sorted(files.files)
    with workspace(files, settings.mypy_cache, sandbox=settings.sandbox, style=style) as space:
        for args in fix_commands(ruff_bin()):
            execute(args, space.root, settings.timeout, space.jails.fix)
        fixed = read_tree(space.root, names)
    fixed = FileSet(files=fixed.files, create_only=files.create_only)
    changed = tuple(name for name in names if fixed.files[name] != files.files[name])
    if not changed:
        return RefinedCode(files=files, report=report)
    new_report = validate_files(fixed, settings, style=style, cache=cache)
    return RefinedCode(
        files=fixed, report=new_report.model_copy(update={"refined": True}), fixed_files=changed
    )
