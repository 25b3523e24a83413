"""Nothing read from outside the repository copy is posted: a pull request, comment or check run
gets only the lines of a tool's output that point into the copy's files, our own fixed text, and
the run's failure reason names the checks with a short count (issue 22)."""

from __future__ import annotations

import httpx
from githubkit import Response
from githubkit.exception import RequestFailed

from codegen_assets.core.models import (
    CheckResult,
    FileSet,
    GenerationOptions,
    GenerationRequest,
    GitHubTarget,
    Intelligence,
    NodeSpec,
    NodeType,
    RefinedCode,
    ValidationReport,
)
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.validation.markdown import report_markdown
from codegen_assets.core.validation.public_output import attributable, failure_reason, public_output
from codegen_assets.core.validation.report import quality_score
from codegen_assets.core.validation.style import StyleConfigError
from github_app.failures import public_reason
from github_app.publishing import pr_body

CANARY = "canary-6f1d2e"
NODE = "node_alpha_operations_compute"
HANDLER = f"{NODE}/handlers/handler_alpha.py"
TEST = f"tests/unit/nodes/{NODE}/test_models.py"


def _node() -> tuple[GenerationRequest, NodeSpec, RefinedCode]:
    spec, files = render_files(
        "with alpha operations", GenerationOptions(node_type=NodeType.COMPUTE)
    )
    request = GenerationRequest(
        request_id="r-1",
        prompt="with alpha operations",
        correlation_id="c-1",
        github=GitHubTarget(
            repository="octo-org/hello",
            installation_id=42,
            issue_number=7,
            comment_id=1,
            requester="alice",
            head_sha="0" * 40,
        ),
    )
    return request, spec, RefinedCode(files=files, report=_report(files))


def _line_of(files: FileSet, path: str, text: str) -> int:
    return next(n for n, line in enumerate(files.files[path].splitlines(), 1) if text in line)


def _report(files: FileSet) -> ValidationReport:
    """Failing checks whose output quotes what a tool read outside the copy: a host file a
    ruff configuration extended, a process environment (one NUL-separated line), a value a test
    printed and raised; beside them, the findings that point into the copy."""
    at = _line_of(files, HANDLER, "from __future__ import annotations")
    outputs = {
        "ruff": (
            f"{HANDLER}:{at}:8: F401 [*] `json` imported but unused\n"
            "ruff failed\n"
            "  Cause: Failed to parse /run/secrets/token.toml\n"
            "  Cause: TOML parse error at line 1, column 1\n"
            "  |\n"
            f"1 | {CANARY}\n"
            "  | ^\n"
            "Found 1 error."
        ),
        "mypy": (
            f"{HANDLER}:{at}: error: Module has no attribute  [attr-defined]\n"
            f"/proc/self/environ:1: HOME=/root\x00GITHUB_TOKEN={CANARY}\x00PATH=/usr/bin\n"
            "Found 1 error in 1 file (checked 21 source files)"
        ),
        "pytest": (
            "..F..\n"
            "    def test_alpha_requests_are_frozen_and_strict() -> None:\n"
            f"        print({CANARY!r})\n"
            f"E       AssertionError: {CANARY}\n"
            f"{TEST}:3: AssertionError\n"
            f"{TEST}:99999: {CANARY}\n"  # no such line: not a place in the copy
            f"FAILED {TEST}::test_alpha_requests_are_frozen_and_strict[{CANARY}] - "
            f"AssertionError: {CANARY}\n"
            "1 failed, 4 passed in 0.52s"
        ),
        "infra_contract_lint": f"ERROR handler_routing: {CANARY}",
    }
    checks = tuple(
        CheckResult(name=name, passed=False, weight=0.1, duration_seconds=0.1, output=output)
        for name, output in outputs.items()
    )
    return ValidationReport(checks=checks, quality_score=quality_score(checks))


def test_what_a_tool_read_outside_the_copy_is_not_in_the_pull_request() -> None:
    request, spec, refined = _node()
    intel = Intelligence(enabled=False, source="none")
    body = pr_body(request, spec, intel, refined, "http://dagster/runs/1")
    assert CANARY not in body and "token.toml" not in body and "environ" not in body
    at = _line_of(refined.files, HANDLER, "from __future__ import annotations")
    # what points into the copy stays, so the reader still sees what to fix
    assert f"{HANDLER}:{at}:8: F401 [*] `json` imported but unused" in body
    assert f"{HANDLER}:{at}: error: Module has no attribute  [attr-defined]" in body
    assert f"FAILED {TEST}::test_alpha_requests_are_frozen_and_strict\n" in body
    assert "1 failed, 4 passed in 0.52s" in body and f"{TEST}:3: AssertionError" in body
    assert "    def test_alpha_requests_are_frozen_and_strict() -> None:" in body
    assert "Found 1 error." in body
    assert "the run's report has the full output" in body
    # the local report and Dagster's metadata keep it all
    assert CANARY in report_markdown(refined.report, [], [])


def test_output_of_code_the_generator_did_not_write_keeps_only_the_places() -> None:
    files = _node()[2].files
    line = f"{TEST}:3: {CANARY}"
    trusted = CheckResult(name="pytest", passed=False, weight=0.2, duration_seconds=0, output=line)
    hand_edited = trusted.model_copy(update={"untrusted_run": True})
    assert attributable(line, files) == [line]
    assert public_output(hand_edited, files) == f"{TEST}:3"


def test_the_failure_reason_names_the_checks_and_counts_their_findings() -> None:
    refined = _node()[2]
    reason = failure_reason(refined.report, refined.files)
    assert reason == (
        "generated node failed: ruff (1 finding), mypy (1 finding), pytest (1 failed), "
        "infra_contract_lint"
    )


def test_a_failure_posted_on_github_names_our_errors_and_only_the_kind_of_any_other() -> None:
    crash = RuntimeError(f"ruff said: {CANARY}")
    assert CANARY not in public_reason(crash) and "RuntimeError" in public_reason(crash)
    config = StyleConfigError("ruff.toml: `extend` names a path outside the configuration's")
    assert public_reason(config) == f"StyleConfigError: {config}"
    request = httpx.Request("POST", "https://api.github.com/repos/o/r/git/refs")
    response = Response(httpx.Response(422, request=request, text=CANARY), object)
    assert public_reason(RequestFailed(response)) == (
        "GitHub answered 422 to POST /repos/o/r/git/refs"
    )
