"""A corpus of varied prompts: every node passes every tool, test and gate, on both target
profiles; a handler whose logic the prompt does not give is honestly "to write" (the behaviour
check fails and says so, the score stays below the pass mark).

``onex``: ruff and ruff format under ruff's defaults, mypy --strict, its own tests (including a
run on the ONEX runtime) with >= 90% coverage, complexity <= 10, our contract schema and every
scored gate of the ecosystem; and the ecosystem's own gate script, where ``../shared`` is here.
``standalone``: the same checks with omnibase-core made unimportable inside the sandbox.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codegen_assets.core.models import (
    FileSet,
    GenerationOptions,
    NodeType,
    Target,
    ValidationReport,
)
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.validation import gates, runner
from codegen_assets.core.validation.cache import ValidationCache
from codegen_assets.core.validation.checks import ADVISORY_GATES, SCORED_GATES, node_dirs
from codegen_assets.core.validation.settings import ValidationSettings
from codegen_assets.core.validation.workspace import write_tree
from tests.conftest import SHARED
from tests.support.corpus import CORPUS, FACTS

pytestmark = pytest.mark.e2e
SHARED_GATES = SHARED / "onex" / "onex_gates.py"
# One per node type: the standalone target runs the same templates without omnibase-core.
STANDALONE = ("seed_store_effect", "vat_structured", "balances_structured", "fulfilment_steps")


def generate(prompt: str, target: Target) -> FileSet:
    """Parse, retrieve patterns, build the contract and render everything, as the assets do."""
    return render_files(prompt, GenerationOptions(target=target))[1]


def _failures(report: ValidationReport) -> list[str]:
    """Every failed scored check but ``behaviour`` (the tools, the tests, the gates)."""
    return [
        f"{c.name}: {c.output}"
        for c in report.checks
        if not c.passed and not c.advisory and c.name != "behaviour"
    ]


def _assert_honest(report: ValidationReport, files: FileSet) -> None:
    """Handlers the prompt gave no logic for are "to write": the behaviour check fails and says
    which, and the report does not pass; otherwise the behaviour check passes."""
    to_write = sorted(
        path
        for path, text in files.files.items()
        if "/handlers/" in path and "\nNOT_WRITTEN = " in text
    )
    behaviour = next(c for c in report.checks if c.name == "behaviour")
    assert behaviour.passed is not bool(to_write), (to_write, behaviour.output)
    if to_write:
        assert not report.passed
        assert "is not written yet" in behaviour.output
        assert report.quality_score < 0.8


def test_corpus_is_varied() -> None:
    kinds = [kind for kind, _ in CORPUS.values()]
    assert len(CORPUS) >= 12 and set(kinds) == set(NodeType)
    assert len(CORPUS) + len(FACTS) >= 60
    assert {e["type"] for e in FACTS} == {k.value for k in NodeType}
    assert any(not prompt.isascii() for _, prompt in CORPUS.values())
    for name, (kind, prompt) in CORPUS.items():
        assert parse_prompt(prompt).node_type is kind, name


def test_the_fact_corpus_passes_every_check_and_gate_together(
    shared_mypy_cache: Path, validation_cache: ValidationCache
) -> None:
    """The prompts of tests/data/prompt_corpus.yaml (their facts: test_prompt_prose) as one
    repository of nodes: one ruff, mypy and pytest run and one gate interpreter for all."""
    pytest.importorskip("omnibase_core")
    merged: dict[str, str] = {}
    predicted = []  # string *_id fields the prompt typed so: the pattern gate refuses them
    for entry in FACTS:
        predicted += [w for w in parse_prompt(entry["prompt"]).warnings if "pattern gate" in w]
        files = generate(entry["prompt"], Target.ONEX).files
        clashes = [p for p in files if p in merged and merged[p] != files[p]]
        assert clashes == [], entry["id"]
        merged.update(files)
    tree = FileSet(files=merged)
    assert len(node_dirs(tree)) == len(FACTS)
    report = validate_files(
        tree, ValidationSettings(timeout=900, mypy_cache=shared_mypy_cache), cache=validation_cache
    )
    failed = _failures(report)
    if predicted:  # the types as the prompts wrote them; the gate's verdict is reported
        assert [f.split(":", 1)[0] for f in failed] == ["omni_infra_validate_all"], failed
        assert "Patterns" in failed[0] and "FAIL" in failed[0]
    else:
        assert failed == []
    _assert_honest(report, tree)
    assert not any(c.skipped for c in report.checks if c.name in SCORED_GATES)
    assert report.coverage_pct is not None and report.coverage_pct >= 90.0
    assert report.max_complexity is not None and report.max_complexity <= 10


def _shared_gates(files: FileSet, tmp_path: Path) -> dict[str, object]:
    """The ecosystem's gate script from ``../shared/onex`` (the acceptance oracle), if present."""
    write_tree(tmp_path, files)
    (node,) = node_dirs(files)
    run = subprocess.run(
        [sys.executable, str(SHARED_GATES), str(tmp_path / node)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    summary: dict[str, object] = json.loads(run.stdout.splitlines()[-1])["_summary"]
    return summary


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_onex_target_passes_every_check_and_gate(
    name: str, shared_mypy_cache: Path, validation_cache: ValidationCache, tmp_path: Path
) -> None:
    pytest.importorskip("omnibase_core")
    files = generate(CORPUS[name][1], Target.ONEX)
    report = validate_files(
        files, ValidationSettings(timeout=600, mypy_cache=shared_mypy_cache), cache=validation_cache
    )
    assert _failures(report) == []
    _assert_honest(report, files)
    assert not any(c.skipped for c in report.checks if c.name in SCORED_GATES)
    assert report.coverage_pct is not None and report.coverage_pct >= 90.0
    assert report.max_complexity is not None and report.max_complexity <= 10
    if SHARED_GATES.exists():
        summary = _shared_gates(files, tmp_path)
        assert summary["ok"] is True, summary


@pytest.mark.parametrize("name", STANDALONE)
def test_standalone_target_passes_without_omnibase_core(
    name: str, shared_mypy_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = generate(CORPUS[name][1], Target.STANDALONE)
    assert not any("omnibase_core" in text for text in files.files.values())
    blocker = tmp_path / "blocked" / "omnibase_core"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text('raise ImportError("omnibase-core is not installed")\n')
    scrubbed = runner.scrubbed_env
    monkeypatch.setattr(
        runner,
        "scrubbed_env",
        lambda sandbox: {**scrubbed(sandbox), "PYTHONPATH": str(blocker.parent)},
    )
    monkeypatch.setattr(gates, "omnibase_core_available", lambda: False)
    report = validate_files(files, ValidationSettings(timeout=600, mypy_cache=shared_mypy_cache))
    assert _failures(report) == []
    _assert_honest(report, files)
    skipped = {c.name for c in report.checks if c.skipped}
    examples = any(path.startswith("tests/acceptance/") for path in files.files)
    assert skipped == {*SCORED_GATES, *ADVISORY_GATES} | (set() if examples else {"acceptance"})
    assert report.coverage_pct is not None and report.coverage_pct >= 90.0
