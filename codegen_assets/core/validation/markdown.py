"""The validation report as Markdown: Dagster metadata, pull-request bodies, the output dir."""

from __future__ import annotations

from codegen_assets.core.models import CheckResult, FileSet, ModelUsage, ValidationReport
from codegen_assets.core.validation.checks import (
    BEHAVIOUR_CHECK,
    CACHED,
    NOT_EXECUTED,
    UNTRUSTED_RUN,
)
from codegen_assets.core.validation.public_output import CopyLines, public_output

UNVERIFIED = "ran code the generator did not write"


def _check_rows(report: ValidationReport) -> list[str]:
    rows = ["| check | result | weight | seconds |", "| --- | --- | --- | --- |"]
    for check in report.checks:
        mark = "skipped" if check.skipped else "pass" if check.passed else "FAIL"
        if check.advisory and not check.skipped:
            mark += " (advisory)"
        if check.untrusted_run:
            mark += f" ({UNVERIFIED})"
        rows.append(
            f"| {check.name} | {mark} | {check.weight:.2f} | {check.duration_seconds:.2f} |"
        )
    return rows


def _shown(check: CheckResult, public: CopyLines | None) -> str:
    return check.output if public is None else public_output(check, public)


def _notes(report: ValidationReport, public: CopyLines | None) -> list[str]:
    lines = []
    if report.coverage_pct is not None:
        lines += ["", f"**Test coverage of the node:** {report.coverage_pct:.1f}%"]
    if report.max_complexity is not None:  # a paragraph of its own: Markdown joins lines
        lines += ["", f"**Highest cyclomatic complexity:** {report.max_complexity}"]
    if report.cached:
        lines += ["", f"**From the validation cache:** {CACHED}."]
    if report.unverified:
        lines += ["", f"**Not verified:** {', '.join(report.unverified)}: {UNTRUSTED_RUN}."]
    if report.static_only:
        lines += ["", f"**Static checks only:** {NOT_EXECUTED}."]
    elif report.sandboxed:
        lines += ["", "Checks ran in a bubblewrap sandbox (no network, no secrets)."]
    advisory = [c.name for c in report.checks if c.advisory and not c.passed and not c.skipped]
    if advisory:
        lines += [
            "",
            "**Advisory (not scored):** "
            + ", ".join(advisory)
            + " - omnibase-core checks that the ecosystem's own infra nodes do not pass either.",
        ]
    skipped = [f"{c.name} ({_shown(c, public)})" for c in report.checks if c.skipped]
    if skipped:
        lines += ["", "**Skipped:** " + ", ".join(skipped)]
    return lines


def handler_lines(report: ValidationReport) -> list[str]:
    """Each handler and what it does (from the prompt, delegates, to write), as the behaviour
    check found them."""
    found = [c for c in report.checks if c.name == BEHAVIOUR_CHECK and not c.skipped]
    return found[0].output.splitlines() if found else []


# What became of a model's answer, in our own words (what is posted in public).
OUTCOMES = {
    "passed": "passed",
    "failed": "failed validation",
    "syntax": "did not parse (never ran)",
    "unsafe": "broke a safety rule (never ran)",
    "rejected": "held no usable method",
    "budget": "not asked: a budget would be passed",
    "error": "the model could not be asked",
}


def model_lines(usage: ModelUsage, *, public: bool = False) -> list[str]:
    """What the model did, as Markdown lines: the summary, then each handler with its answers.
    ``public``: only our own words (no validator output, no server message)."""
    lines = [f"**Model:** {usage.summary()}", ""]
    for handler in usage.handlers:
        answers = ", ".join(OUTCOMES.get(a.outcome, a.outcome) for a in handler.attempts)
        if public and not handler.written:
            kept = f"placeholder kept after {len(handler.attempts)} answer(s)"
            lines.append(f"- {handler.operation}: {kept} ({answers or 'not asked'})")
        else:
            lines.append(f"- {handler.operation}: {handler.reason} ({answers or 'not asked'})")
    return [*lines, ""] if usage.handlers else lines


def report_markdown(
    report: ValidationReport,
    patterns: list[str],
    warnings: list[str],
    *,
    public: FileSet | None = None,
) -> str:
    """The validation report as Markdown, for Dagster metadata, PR bodies and the output dir.

    ``public``: the files that were checked, when the report is posted (a pull request): each
    check's output keeps only the lines attributable to them (``public_output``)."""
    copy = CopyLines(public) if public is not None else None
    refined = " (after automatic refinement)" if report.refined else ""
    lines = [f"**Quality score:** {report.quality_score:.3f}{refined}", ""]
    if handlers := handler_lines(report):
        lines += ["**Handlers:**", *(f"- {line}" for line in handlers), ""]
    if report.model_usage is not None:
        lines += model_lines(report.model_usage, public=public is not None)
    lines += _check_rows(report)
    lines += _notes(report, copy)
    lines += ["", "**Patterns:** " + (", ".join(patterns) or "none")]
    if warnings:
        lines += ["", "**Warnings:**", *(f"- {w}" for w in warnings)]
    for check in report.checks:
        shown = _shown(check, copy) if not check.passed else ""
        if shown:
            lines += [
                "",
                f"<details><summary>{check.name} output</summary>",
                "",
                "```",
                shown,
                "```",
                "</details>",
            ]
    return "\n".join(lines) + "\n"
