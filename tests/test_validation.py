"""Validation on a sandboxed copy: real checks, a weighted score, a scrubbed env and timeouts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codegen_assets import validation
from codegen_assets.models import FileSet, NodeType
from codegen_assets.onex_oracle import omnibase_core_available
from codegen_assets.validation import (
    WEIGHTS,
    quality_score,
    refine_files,
    report_markdown,
    scrubbed_env,
    validate_files,
)
from tests.test_render import render_all


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def test_weights_sum_to_one() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_broken_node_fails_the_right_checks(mypy_cache: Path) -> None:
    files = render_all("with alpha operations", NodeType.COMPUTE)
    broken = dict(files.files)
    broken["node.py"] += "\n\ndef typed(x):\n    return x\n"  # mypy --strict: missing annotations
    broken["tests/test_node.py"] += "\n\ndef test_fails() -> None:\n    assert 1 == 2\n"
    broken["contract.yaml"] += "unexpected: key\n"
    report = validate_files(FileSet(files=broken), timeout=120, mypy_cache=mypy_cache)
    results = {c.name: c.passed for c in report.checks}
    onex = omnibase_core_available()
    assert results == {
        "pytest": False,
        "mypy": False,
        "contract_schema": False,
        "onex_contract": not onex,  # skipped (and so not failed) without omnibase-core
        "onex_validate": True,  # its YAML model ignores unknown keys
        "coverage": True,
        "complexity": True,
        "ruff": True,
        "format": True,
    }
    passed = sum(c.weight for c in report.checks if c.passed)
    assert report.quality_score == pytest.approx(passed / sum(c.weight for c in report.checks))
    assert report.coverage_pct is not None and report.coverage_pct >= 90.0
    assert report.max_complexity is not None and 1 <= report.max_complexity <= 10
    assert "test_fails" in report.check("pytest").output
    markdown = report_markdown(report, ["saga"], ["a warning"])
    assert "| pytest | FAIL |" in markdown and "**Patterns:** saga" in markdown


def test_quality_metrics_catch_complex_and_untested_code(mypy_cache: Path) -> None:
    files = dict(render_all("with alpha operations", NodeType.COMPUTE).files)
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(12))
    untested = "\n".join(f"    y{i} = x + {i}" for i in range(60))
    files["node.py"] += f"\n\ndef tangled(x: int) -> int:\n{branches}    return -1\n"
    files["node.py"] += f"\n\ndef untested(x: int) -> int:\n{untested}\n    return x\n"
    report = validate_files(FileSet(files=files), timeout=120, mypy_cache=mypy_cache)
    assert not report.check("complexity").passed
    assert report.max_complexity == 13
    assert "tangled (node.py): 13" in report.check("complexity").output
    assert not report.check("coverage").passed
    assert report.coverage_pct is not None and report.coverage_pct < 90.0
    markdown = report_markdown(report, [], [])
    assert f"**Test coverage of the node:** {report.coverage_pct:.1f}%" in markdown
    assert "**Highest cyclomatic complexity:** 13" in markdown


def test_refinement_fixes_style_and_revalidates(mypy_cache: Path) -> None:
    files = render_all("with alpha operations", NodeType.COMPUTE)
    messy = dict(files.files)
    messy["node.py"] = messy["node.py"].replace("import time\n", "import time\nimport os\n", 1)
    messy["node.py"] = (
        messy["node.py"]
        .replace('NODE_NAME = "', 'NODE_NAME = ( "', 1)
        .replace('"\nNODE_TYPE', '" )\nNODE_TYPE', 1)
    )
    first = validate_files(FileSet(files=messy), timeout=120, mypy_cache=mypy_cache)
    assert not first.check("ruff").passed and not first.check("format").passed
    refined = refine_files(FileSet(files=messy), first, timeout=120, mypy_cache=mypy_cache)
    assert refined.fixed_files == ("node.py",)
    assert refined.report.refined and refined.report.passed
    assert "import os" not in refined.files.files["node.py"]


def test_sandbox_environment_has_no_secrets(
    mypy_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    files = dict(render_all("with alpha operations", NodeType.COMPUTE).files)
    files["tests/test_env.py"] = (
        "import os\n\n\ndef test_env_is_scrubbed() -> None:\n"
        '    assert "GITHUB_TOKEN" not in os.environ\n'
        '    assert os.environ["HOME"] != "/root"\n'
    )
    report = validate_files(FileSet(files=files), timeout=120, mypy_cache=mypy_cache)
    assert report.check("pytest").passed, report.check("pytest").output
    assert "GITHUB_TOKEN" not in scrubbed_env(Path("/tmp"))
    assert os.environ["GITHUB_TOKEN"] == "ghs_secret"


def test_hung_validator_is_killed_at_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeper = ["python3", "-c", "import time; time.sleep(60)"]
    monkeypatch.setattr(validation, "_commands", lambda _files, _cache: {"pytest": sleeper})
    files = render_all("with alpha operations", NodeType.COMPUTE)
    report = validate_files(files, timeout=0.5, mypy_cache=Path("/tmp"))
    check = report.check("pytest")
    assert not check.passed
    assert "timed out after 0.5 s" in check.output
    assert check.duration_seconds < 10


def test_quality_score_of_nothing_is_zero() -> None:
    assert quality_score(()) == 0.0
