"""One mapping from the environment to how validation runs: the Dagster resource and the CLI's
validation ahead of a run both use ``validation_settings``, so the report the CLI starts while
Dagster loads is the one the run's validation takes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from codegen_assets.cli.validators import validate_ahead_of_run
from codegen_assets.core.models import GenerationOptions, NodeType, ValidationReport
from codegen_assets.core.pipeline import stage_outputs
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages import validation_report
from codegen_assets.core.validation.settings import ValidationSettings, validation_settings
from codegen_assets.orchestration.deployments import local_resources
from codegen_assets.orchestration.resources import ValidatorResource

PROMPT = "Compute node ahead_compute: score(value: float)"
# Every validation setting away from its default.
ENVIRONMENT = {
    "NODEGEN_VALIDATION_TIMEOUT_SECONDS": "33",
    "NODEGEN_SANDBOX": "none",
    "NODEGEN_VALIDATION_CACHE": "true",
    "NODEGEN_WARM_VALIDATORS": "false",
    "NODEGEN_WARM_VALIDATORS_KEEP_SECONDS": "7",
}


@pytest.fixture
def environment(nodegen_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NODEGEN_MYPY_CACHE_DIR", str(tmp_path / "mypy"))
    monkeypatch.setenv("NODEGEN_VALIDATION_CACHE_DIR", str(tmp_path / "reports"))
    return tmp_path


def _validator(settings: NodegenSettings) -> ValidatorResource:
    resource = local_resources(settings)["validator"]
    assert isinstance(resource, ValidatorResource)
    return resource


def test_the_resource_and_the_cli_validate_with_the_environment_s_settings(
    environment: Path,
) -> None:
    settings = NodegenSettings()
    expected = ValidationSettings(
        timeout=33,
        mypy_cache=environment / "mypy",
        sandbox="none",
        cache_dir=environment / "reports",
        warm=False,
        keep_seconds=7,
    )
    assert validation_settings(settings) == expected  # what the CLI validates ahead with
    assert _validator(settings).settings() == expected  # what the run validates with


def test_the_run_takes_the_report_the_cli_started_ahead(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODEGEN_VALIDATION_CACHE", "false")  # no kept report stands in for it
    ran: list[str] = []  # the thread of each validation's checks

    def check_all(*_: object) -> ValidationReport:
        ran.append(threading.current_thread().name)
        return ValidationReport(checks=(), quality_score=1.0)

    monkeypatch.setattr(validation_report, "check_all", check_all)
    settings = NodegenSettings()
    options = GenerationOptions(node_type=NodeType.COMPUTE, enable_intelligence=False)
    validate_ahead_of_run(settings, PROMPT, options, None)
    spec, _, files = stage_outputs(PROMPT, options)
    report = _validator(settings).check(files, spec.style)
    assert report.quality_score == 1.0
    assert len(ran) == 1 and ran[0].startswith("validate-ahead")  # validated once, ahead


def test_validation_settings_are_a_frozen_value(tmp_path: Path) -> None:
    settings = ValidationSettings(timeout=1, mypy_cache=tmp_path)
    with pytest.raises(ValueError, match="frozen"):
        settings.timeout = 2
    with pytest.raises(ValueError, match="greater than 0"):
        ValidationSettings(timeout=0, mypy_cache=tmp_path)
    assert settings == ValidationSettings(timeout=1.0, mypy_cache=tmp_path)
