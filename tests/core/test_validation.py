"""Validation on a private copy: real checks, the ecosystem's gates, a weighted score, the target
repository's style configuration, a scrubbed environment and timeouts."""

from __future__ import annotations

import importlib
import os
import threading
import time
from pathlib import Path

import pytest

from codegen_assets.core.models import CheckResult, FileSet, NodeType, StyleConfig, ValidationReport
from codegen_assets.core.stages import validation_report as validation
from codegen_assets.core.stages.refined_code import refine_files
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.validation import ecosystem_gates
from codegen_assets.core.validation import report as checks_run
from codegen_assets.core.validation.cache import ValidationCache
from codegen_assets.core.validation.checks import (
    ADVISORY_GATES,
    SCORED_GATES,
    WEIGHTS,
    behaviour_check,
)
from codegen_assets.core.validation.covered_tests import libraries
from codegen_assets.core.validation.markdown import report_markdown
from codegen_assets.core.validation.report import quality_score
from codegen_assets.core.validation.runner import scrubbed_env
from codegen_assets.core.validation.settings import ValidationSettings
from tests.core.test_render import render_all

NODE = "node_alpha_operations_compute"
HANDLER = f"{NODE}/handlers/handler_alpha.py"
TESTS = f"tests/unit/nodes/{NODE}"


@pytest.fixture
def mypy_cache(shared_mypy_cache: Path) -> Path:
    return shared_mypy_cache


# A compute node whose behaviour the prompt states (formulas, one dividing by an input, which
# the node refuses when it is 0): nothing is left to write.
ALPHA = (
    "Compute node named alpha_operations_compute. Its alpha operation takes amount (decimal) "
    "and rate (decimal) and returns total = amount * rate and share = amount / rate."
)


@pytest.fixture(scope="module")
def compute() -> FileSet:
    return render_all(ALPHA, NodeType.COMPUTE)


def test_weights_sum_to_one() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert all(WEIGHTS[name] == 0.0 for name in ADVISORY_GATES)


def test_a_generated_node_passes_every_check_and_gate(
    compute: FileSet, mypy_cache: Path, tmp_path: Path
) -> None:
    cache = ValidationCache(tmp_path / "reports")
    report = validate_files(
        compute, ValidationSettings(timeout=300, mypy_cache=mypy_cache), cache=cache
    )
    failing = {c.name: c.output for c in report.checks if not c.passed and not c.advisory}
    assert failing == {}
    assert {c.name for c in report.checks} >= {*SCORED_GATES, *ADVISORY_GATES}
    assert report.quality_score == 1.0 and report.passed and not report.cached
    again = validate_files(
        compute, ValidationSettings(timeout=300, mypy_cache=mypy_cache), cache=cache
    )
    assert again.cached and again.checks == report.checks
    assert "**From the validation cache:**" in report_markdown(again, [], [])


def _counting(monkeypatch: pytest.MonkeyPatch, report: ValidationReport) -> list[FileSet]:
    seen: list[FileSet] = []

    def check_all(files: FileSet, *_args: object) -> ValidationReport:
        seen.append(files)
        return report

    monkeypatch.setattr(validation, "check_all", check_all)
    return seen


def test_the_cache_misses_when_anything_a_report_depends_on_changes(
    compute: FileSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passing = ValidationReport(checks=(), quality_score=1.0)
    seen = _counting(monkeypatch, passing)
    cache = ValidationCache(tmp_path)

    def validate(
        files: FileSet = compute, style: StyleConfig | None = None, trusted: bool = True
    ) -> ValidationReport:
        return validate_files(
            files,
            ValidationSettings(timeout=1, mypy_cache=tmp_path, sandbox="none"),
            cache=cache,
            style=style,
            trusted=trusted,
        )

    validate()
    assert validate().cached and len(seen) == 1
    edited = FileSet(files={**compute.files, HANDLER: compute.files[HANDLER] + "\n"})
    assert not validate(edited).cached
    assert not validate(style=StyleConfig(filename="ruff.toml", text="line-length = 100\n")).cached
    assert not validate(trusted=False).cached
    monkeypatch.setattr("codegen_assets.core.validation.cache.toolchain", lambda: "ruff 99")
    assert not validate().cached
    assert len(seen) == 5


def test_failing_and_static_only_reports_are_never_kept(
    compute: FileSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = CheckResult(name="pytest", passed=False, weight=1.0, duration_seconds=0.1)
    for report in (
        ValidationReport(checks=(failed,), quality_score=0.0),
        ValidationReport(checks=(), quality_score=1.0, static_only=True),
    ):
        seen = _counting(monkeypatch, report)
        cache = ValidationCache(tmp_path / str(len(report.checks)))
        for _ in range(2):
            validate_files(
                compute,
                ValidationSettings(timeout=1, mypy_cache=tmp_path, sandbox="none"),
                cache=cache,
            )
        assert len(seen) == 2


def test_reports_of_hand_edited_code_are_never_kept_nor_replayed(
    compute: FileSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passing = ValidationReport(checks=(), quality_score=1.0, sandboxed=True)
    seen = _counting(monkeypatch, passing)
    cache = ValidationCache(tmp_path / "reports")
    for _ in range(2):
        merged = validate_files(
            compute,
            ValidationSettings(timeout=1, mypy_cache=tmp_path, sandbox="none"),
            trusted=False,
            cache=cache,
        )
        assert not merged.cached
    assert len(seen) == 2 and not list(cache.directory.glob("*"))
    # and a report with a check that ran such code is refused by the cache itself
    ran = CheckResult(
        name="pytest", passed=True, weight=1.0, duration_seconds=0.1, untrusted_run=True
    )
    forged = passing.model_copy(update={"checks": (ran,)})
    cache.put("k", forged)
    assert cache.get("k") is None


def test_broken_node_fails_the_right_checks(compute: FileSet, mypy_cache: Path) -> None:
    broken = dict(compute.files)
    broken[HANDLER] += "\n\ndef typed(x):\n    return x\n"  # mypy --strict: no annotations
    broken[f"{TESTS}/test_models.py"] += "\n\ndef test_fails() -> None:\n    assert len([1]) == 2\n"
    broken[f"{NODE}/contract.yaml"] += "unexpected: key\n"
    broken[f"{NODE}/node.py"] = broken[f"{NODE}/node.py"].replace(
        "        super().__init__(container)\n",
        "        super().__init__(container)\n        self.cache = {}\n",
    )
    report = validate_files(
        FileSet(files=broken), ValidationSettings(timeout=300, mypy_cache=mypy_cache)
    )
    results = {c.name: c.passed for c in report.checks}
    assert (results["pytest"], results["mypy"], results["contract_schema"]) == (False,) * 3
    assert not results["infra_declarative_node"]  # node.py is no longer a declarative shell
    assert results["ruff"] and results["format"] and results["complexity"]
    passed = sum(c.weight for c in report.checks if c.passed)
    assert report.quality_score == round(passed / sum(c.weight for c in report.checks), 3)
    assert "test_fails" in report.check("pytest").output
    assert "instance_variable" in report.check("infra_declarative_node").output
    markdown = report_markdown(report, ["saga"], ["a warning"])
    assert "| pytest | FAIL |" in markdown and "**Patterns:** saga" in markdown


def test_style_is_judged_by_the_repositorys_configuration(
    compute: FileSet, mypy_cache: Path
) -> None:
    files = dict(compute.files)
    long = "# " + "a long comment " * 6  # 92 characters: within ruff's defaults, not E501's 79
    files[HANDLER] += f"\n\n{long}\ndef f(x: int) -> int:\n    return 1 if x == 0 else(2)\n"
    defaults = validate_files(
        FileSet(files=files), ValidationSettings(timeout=300, mypy_cache=mypy_cache)
    )
    assert defaults.check("ruff").passed and not defaults.check("format").passed
    strict = StyleConfig(filename="ruff.toml", text='line-length = 79\n[lint]\nselect = ["E501"]\n')
    judged = validate_files(
        FileSet(files=files), ValidationSettings(timeout=300, mypy_cache=mypy_cache), style=strict
    )
    assert not judged.check("ruff").passed
    assert "E501" in judged.check("ruff").output


def test_quality_metrics_catch_complex_and_untested_code(
    compute: FileSet, mypy_cache: Path
) -> None:
    files = dict(compute.files)
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12))
    untested = "\n".join(f"    y{i} = x + {i}" for i in range(60))
    files[HANDLER] += f"\n\ndef tangled(x: int) -> int:\n{branches}    return -1\n"
    files[HANDLER] += f"\n\ndef untested(x: int) -> int:\n{untested}\n    return x\n"
    report = validate_files(
        FileSet(files=files), ValidationSettings(timeout=300, mypy_cache=mypy_cache)
    )
    assert not report.check("complexity").passed
    assert report.max_complexity == 13
    assert f"tangled ({HANDLER}): 13" in report.check("complexity").output
    assert not report.check("coverage").passed
    assert report.coverage_pct is not None and report.coverage_pct < 90.0
    markdown = report_markdown(report, [], [])
    assert f"**Test coverage of the node:** {report.coverage_pct:.1f}%" in markdown
    assert "**Highest cyclomatic complexity:** 13" in markdown


def test_refinement_fixes_style_and_revalidates(compute: FileSet, mypy_cache: Path) -> None:
    messy = dict(compute.files)
    future = "from __future__ import annotations\n"
    messy[HANDLER] = messy[HANDLER].replace(future, f"{future}\nimport os\n", 1)
    messy[HANDLER] = messy[HANDLER].replace(
        "        return ModelAlpha", "        return   ModelAlpha", 1
    )
    assert messy[HANDLER] != compute.files[HANDLER].replace(future, f"{future}\nimport os\n", 1)
    first = validate_files(
        FileSet(files=messy), ValidationSettings(timeout=300, mypy_cache=mypy_cache)
    )
    assert not first.check("ruff").passed and not first.check("format").passed
    refined = refine_files(
        FileSet(files=messy), first, ValidationSettings(timeout=300, mypy_cache=mypy_cache)
    )
    assert refined.fixed_files == (HANDLER,)
    assert refined.report.refined and refined.report.passed
    assert "import os" not in refined.files.files[HANDLER]


def test_sandbox_environment_has_no_secrets(
    compute: FileSet, mypy_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    files = dict(compute.files)
    files[f"{TESTS}/test_env.py"] = (
        "import os\n\n\ndef test_env_is_scrubbed() -> None:\n"
        '    assert "GITHUB_TOKEN" not in os.environ\n'
        '    assert os.environ["HOME"] != "/root"\n'
    )
    report = validate_files(
        FileSet(files=files), ValidationSettings(timeout=300, mypy_cache=mypy_cache)
    )
    assert report.check("pytest").passed, report.check("pytest").output
    assert "GITHUB_TOKEN" not in scrubbed_env(Path("/tmp"))
    assert os.environ["GITHUB_TOKEN"] == "ghs_secret"


def test_hung_validator_is_killed_at_the_timeout(
    compute: FileSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeper = ["python3", "-c", "import time; time.sleep(60)"]
    monkeypatch.setattr(checks_run, "tool_commands", lambda _files, _cache: {"pytest": sleeper})
    monkeypatch.setattr(checks_run, "gate_checks", lambda *_: [])
    report = validate_files(compute, ValidationSettings(timeout=0.5, mypy_cache=Path("/tmp")))
    check = report.check("pytest")
    assert not check.passed
    assert "timed out after 0.5 s" in check.output
    assert check.duration_seconds < 10


def test_quality_score_of_nothing_is_zero() -> None:
    assert quality_score(()) == 0.0


def test_only_libraries_are_loaded_before_coverage_starts() -> None:
    files = FileSet(
        files={
            "nodes/node_x/handlers/h.py": "from nodes.node_x.models import m\nimport pydantic\n",
            "tests/unit/test_h.py": "from tests.unit import helper\nfrom omnibase_core import x\n",
            "nodes/node_x/broken.py": "def (:\n",
        }
    )
    assert libraries(files, ["nodes/node_x"]) == ["omnibase_core", "pydantic"]


def test_the_gates_cached_loads_are_the_installed_ecosystems_functions() -> None:
    pytest.importorskip("omnibase_infra")
    for name in ecosystem_gates.CACHED_LOADS:
        module, function = name.split(":")
        loaded = getattr(importlib.import_module(module), function)
        assert callable(loaded) and hasattr(loaded, "cache_info"), name  # an lru_cache


def test_a_validation_started_ahead_is_the_one_a_later_call_for_the_same_files_gets(
    compute: FileSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []  # the thread of each validation

    def check_all(*_: object) -> ValidationReport:
        ran.append(threading.current_thread().name)
        number = len(ran)
        time.sleep(0.2)
        return ValidationReport(checks=(), quality_score=number / 10)

    monkeypatch.setattr(validation, "check_all", check_all)
    settings = ValidationSettings(timeout=60, mypy_cache=tmp_path / "mypy", sandbox="none")
    validation.validate_ahead(compute, settings)
    first = validate_files(compute, settings)
    assert first.quality_score == 0.1 and len(ran) == 1
    assert ran[0].startswith("validate-ahead")  # ran in the background, once

    validation.validate_ahead(compute, settings)
    edited = FileSet(files={**compute.files, HANDLER: compute.files[HANDLER] + "# mine\n"})
    here = validate_files(edited, settings)  # other files
    styled = StyleConfig(filename="ruff.toml", text="line-length = 79\n")
    validate_files(compute, settings, style=styled)
    assert len(ran) == 4 and here.quality_score in (0.2, 0.3)
    assert [name.startswith("validate-ahead") for name in ran].count(True) == 2
    # hand-edited files never take a report started ahead for the generator's own
    merged = validate_files(compute, settings, trusted=False)
    assert len(ran) == 5 and merged.quality_score == 0.5
    # the one started ahead for these very files is still there for the call it was meant for
    ahead = [i for i, name in enumerate(ran) if name.startswith("validate-ahead")][-1]
    taken = validate_files(compute, settings)
    assert len(ran) == 5 and taken.quality_score == (ahead + 1) / 10


def test_the_behaviour_check_reads_each_handler_s_kind_as_its_docstring_says_it() -> None:
    """A kind the formatter wrapped across lines ("(from the\\nprompt).") is still that kind;
    a handler holding the placeholder fails the check and says what it must do."""
    head = "# SPDX-FileCopyrightText: 2025 OmniNode.ai Inc.\n# SPDX-License-Identifier: MIT\n"
    written = FileSet(
        files={
            "node_x/handlers/handler_a.py": head + '"""HandlerA: the ``a`` operation (from the\n'
            'prompt)."""\n',
            "node_x/handlers/handler_b.py": head + '"""HandlerB: the ``b`` operation\n'
            '(delegates)."""\n',
        }
    )
    check = behaviour_check(written)
    assert check.passed, check.output
    assert check.output == "handler_a: from the prompt\nhandler_b: delegates"
    left = FileSet(
        files={
            "node_x/handlers/handler_c.py": head + '"""HandlerC (to write)."""\n\n'
            'NOT_WRITTEN = "c is not written yet: it must total the lines"\n'
        }
    )
    check = behaviour_check(left)
    assert not check.passed
    assert check.output == "handler_c: to write - c is not written yet: it must total the lines"
