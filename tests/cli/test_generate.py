"""End to end through the CLI: the embedded Dagster run, the real validators, files on disk."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from codegen_assets.cli import warm_cache
from codegen_assets.cli.generate import EXIT_ERROR, EXIT_INPUT, EXIT_OK, EXIT_PARTIAL, main
from codegen_assets.core import pipeline
from codegen_assets.core.models import FileSet, GenerationResult, ValidationReport
from codegen_assets.core.rendering.provenance import LOCK_FILE, hand_edited, read_lock
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages import validation_report as validation
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.understanding.line_reader.text import clean_prompt
from codegen_assets.core.validation import onex_oracle, warm_python
from codegen_assets.core.validation.cache import ValidationCache
from codegen_assets.core.validation.report import check_all
from codegen_assets.core.validation.settings import ValidationSettings
from codegen_assets.orchestration import assets
from codegen_assets.storage.artifacts import ArtifactStore

pytestmark = pytest.mark.e2e

PROMPTS = {
    "effect": "Create a PostgreSQL CRUD node for user management with create, read, update, "
    "delete operations through the injected `user_repository`",
    "compute": "Calculate a risk score for loan applications. Operations:\n"
    "- score_application: Score one application\n"
    "  Input: applicant_id (uuid), income (decimal), debts (decimal), employed (bool), "
    "submitted_at (datetime)\n  Returns risk = debts / income, rounded to 2 decimal places.\n",
    "reducer": "Aggregate order events into daily totals with record, refund operations",
    "orchestrator": "Orchestrate user onboarding with create_account and send_welcome.\n"
    "Dependencies:\n- account_client (AccountClient) - required\n"
    "- mailer (MailerClient) - required\n- event_bus (EventBus) - optional\n"
    "Publishes OnboardingCompleted events to topic 'users.onboarded.v1'\n",
}


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, GenerationResult]:
    capsys.readouterr()
    code = main([*args, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, out  # exactly one JSON object
    return code, GenerationResult.model_validate(json.loads(out[0]))


def read_tree(root: Path) -> FileSet:
    return FileSet(
        files={
            str(p.relative_to(root)): p.read_text("utf-8")
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }
    )


def test_seed_command_generates_a_valid_store_effect(
    nodegen_home: Path,
    tmp_path: Path,
    store_prompt: str,
    capsys: pytest.CaptureFixture[str],
    shared_mypy_cache: Path,
    validation_cache: ValidationCache,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NODEGEN_VALIDATION_CACHE", "false")  # this run validates in full
    monkeypatch.setenv("NODEGEN_WARM_VALIDATORS_KEEP_SECONDS", "45")
    kept: list[float] = []
    connect = warm_python.warm_python

    def spied(*args: Any) -> warm_python.WarmPython:
        kept.append(args[3])
        return connect(*args)

    monkeypatch.setattr(warm_python, "warm_python", spied)
    validated_in: list[str] = []

    def spied_checks(*args: Any) -> ValidationReport:
        validated_in.append(threading.current_thread().name)
        return check_all(*args)

    monkeypatch.setattr(validation, "check_all", spied_checks)
    out = tmp_path / "test_regeneration"
    code, result = run_cli(
        capsys,
        store_prompt,
        "--output-dir",
        str(out),
        "--disable-intelligence",
        "--node-type",
        "effect",
        "--timeout",
        "300",
    )
    assert code == EXIT_OK, result.error_message
    assert result.success and not result.partial_success and result.error_code is None
    assert result.service_name == "node_store_effect" and result.node_type == "effect"
    assert result.quality_score == 1.0
    # __init__, fakes, contract, handler, metrics, models, registry, runtime
    assert result.test_file_count == 8 and len(result.test_files) == 8
    assert sorted(Path(f).relative_to(out).as_posix() for f in result.generated_files) == sorted(
        read_tree(out).files
    )
    assert result.total_duration_seconds < 120
    # every validator process ran in the interpreter a later command finds warm, and the
    # run's validation was the one the command started while Dagster loaded
    assert kept and set(kept) == {45.0}
    assert len(validated_in) == 1 and validated_in[0].startswith("validate-ahead")
    tree = read_tree(out)
    report = validate_files(
        tree, ValidationSettings(timeout=300, mypy_cache=shared_mypy_cache), cache=validation_cache
    )
    assert report.passed, [c.output for c in report.checks if not c.passed and not c.advisory]
    lock_path = f"node_store_effect/{LOCK_FILE}"
    lock = read_lock(tree.files[lock_path])
    assert set(lock.files) == set(tree.files) - {lock_path}
    assert hand_edited(lock, tree.files) == []
    assert lock.prompt == clean_prompt(store_prompt) and lock.options.node_type == "effect"
    handler = "node_store_effect/handlers/handler_persist_state.py"
    test = "tests/unit/nodes/node_store_effect/test_models.py"
    edited = {**tree.files, handler: tree.files[handler] + "# mine\n"}
    del edited[test]
    assert hand_edited(lock, edited) == [handler, test]


@pytest.mark.parametrize("node_type", sorted(PROMPTS))
def test_each_node_type_end_to_end(
    node_type: str,
    nodegen_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / node_type
    code, result = run_cli(capsys, PROMPTS[node_type], "--output-dir", str(out), "--timeout", "600")
    assert code == EXIT_OK, result.error_message
    assert result.node_type == node_type and result.quality_score == 1.0
    (contract,) = out.glob("node_*/contract.yaml")
    assert contract.parent.name.endswith(f"_{node_type}")


def test_same_prompt_gives_byte_identical_files(
    nodegen_home: Path,
    tmp_path: Path,
    store_prompt: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, result = run_cli(capsys, store_prompt, "--output-dir", str(tmp_path / "first"))
    assert code == EXIT_OK, result.error_message
    # The second time as a person runs it: what it understood first, the summary at the end.
    assert main([store_prompt, "--output-dir", str(tmp_path / "second")]) == EXIT_OK
    assert read_tree(tmp_path / "first") == read_tree(tmp_path / "second")
    captured = capsys.readouterr()
    out, err = captured.out.splitlines(), captured.err.splitlines()
    assert out[0].startswith("understood from the prompt")
    assert err[0].startswith("generating store_effect (effect)")
    assert "DEBUG" not in captured.err  # no library's debug lines at the default level
    (ui,) = [line for line in out if "this run in the Dagster UI:" in line]  # one line, unwrapped
    settings = NodegenSettings()
    dagster = Path(sys.executable).parent / "dagster"
    assert f"NODEGEN_HOME={settings.home} DAGSTER_HOME={settings.dagster_home} {dagster} dev" in ui
    assert any("duration" in line and "(the whole command)" in line for line in out)


def test_unwritable_output_keeps_code_and_recover_restores_it(
    nodegen_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    shared_mypy_cache: Path,
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    code, result = run_cli(capsys, PROMPTS["compute"], "--output-dir", str(blocker / "node"))
    assert code == EXIT_PARTIAL
    assert not result.success and result.partial_success and result.generated_code_in_database
    assert result.error_code == "WRITE_FAILED"
    assert f"omninode-generate recover {result.workflow_id} --output-dir" in (
        result.error_message or ""
    )
    assert "kept in" in (result.error_message or "") and "for 30 days" in (
        result.error_message or ""
    )
    # told once the result was printed: retention counts the 30 days from then
    store = ArtifactStore(NodegenSettings().artifact_db)
    assert store.held_code(time.time()) == {result.workflow_id}
    assert store.held_code(time.time() + 31 * 86400) == set()
    restored = tmp_path / "restored"
    assert main(["recover", result.workflow_id, "--output-dir", str(restored)]) == EXIT_OK
    reference = tmp_path / "reference"
    assert run_cli(capsys, PROMPTS["compute"], "--output-dir", str(reference))[0] == EXIT_OK
    assert read_tree(restored) == read_tree(reference)
    assert main(["recover", "no-such-workflow", "--output-dir", str(restored)]) == EXIT_INPUT


@pytest.mark.parametrize("prompt", ["", "x" * (1024 * 1024), "An effect node named '../..'"])
def test_bad_prompts_get_a_clear_error_and_no_run(
    prompt: str,
    nodegen_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, result = run_cli(capsys, prompt, "--output-dir", str(tmp_path / "out"))
    assert code == EXIT_INPUT
    assert result.error_code == "INVALID_PROMPT" and result.error_message
    assert not (tmp_path / "out").exists()
    assert not (nodegen_home / "dagster").exists()  # rejected before any Dagster run


def test_a_stage_that_raises_fails_its_run_and_is_named_even_before_dagster_loads(
    nodegen_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object) -> FileSet:
        raise RuntimeError("event bus wiring broke")

    # the stage as the command renders it ahead of the run, and as the run's asset calls it
    monkeypatch.setattr(pipeline, "with_event_bus", broken)
    monkeypatch.setattr(assets, "with_event_bus", broken)
    prompt = PROMPTS["compute"]
    code, result = run_cli(capsys, prompt, "--output-dir", str(tmp_path / "out"))
    assert code == EXIT_ERROR and result.error_code == "STAGE_FAILED"
    assert "event_bus" in (result.error_message or "")
    assert not (tmp_path / "out").exists()


def test_onex_target_without_omnibase_core_names_the_extra(
    nodegen_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(onex_oracle, "omnibase_core_available", lambda: False)
    out = tmp_path / "out"
    code, result = run_cli(capsys, "compute node that doubles a number", "--output-dir", str(out))
    assert code == EXIT_INPUT
    assert result.error_message is not None and "[onex]" in result.error_message
    assert "--target standalone" in result.error_message
    assert not out.exists() and not (nodegen_home / "dagster").exists()


def test_the_install_time_type_cache_covers_every_node_type(
    shared_mypy_cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NODEGEN_MYPY_CACHE_DIR", str(shared_mypy_cache))
    assert warm_cache.main() == 0  # one node of each type passes the validation's mypy command
    assert str(shared_mypy_cache) in capsys.readouterr().err
    assert any(shared_mypy_cache.rglob("cache*.db"))
    remembered = shared_mypy_cache.with_name(f"{shared_mypy_cache.name}-warm-modules.txt")
    assert "omnibase_core.validators.backend_secret_discipline" in remembered.read_text().split()


def test_the_command_runs_its_exit_handlers_and_keeps_its_exit_status(tmp_path: Path) -> None:
    marker = tmp_path / "handler-ran"
    script = (
        "import atexit, pathlib, sys\n"
        "from codegen_assets.cli import generate\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
        "generate.main = lambda: (print('summary'), 5)[1]\n"
        "generate.console()\n"
        "print('not reached')\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (5, "summary\n"), run.stderr
    assert marker.read_text() == "yes"  # the warm interpreter's clean-up is such a handler
