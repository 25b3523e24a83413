"""End to end with a model configured: the CLI's pre-flight asks it to read the prompt, the run
reads the same answer from the answer cache, and the node the rules could not read is
generated and passes its validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen_assets.cli.generate import EXIT_OK
from tests.cli.test_generate import run_cli
from tests.support.fake_llm import FakeLLM, answer, serving
from tests.support.llm_reading import VOLUME, volume_spec

pytestmark = pytest.mark.e2e


def test_llm_cli_generates_a_node_only_the_model_could_read(
    nodegen_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeLLM([answer(json.dumps(volume_spec()))])
    out = tmp_path / "out"
    with serving(fake) as url:
        monkeypatch.setenv("NODEGEN_LLM_MODE", "on")
        monkeypatch.setenv("NODEGEN_LLM_BASE_URL", f"{url}/v1")
        monkeypatch.setenv("NODEGEN_LLM_MODEL", "fake-reader")
        code, result = run_cli(
            capsys, VOLUME, "--output-dir", str(out), "--disable-intelligence", "--timeout", "600"
        )
    assert code == EXIT_OK, result.error_message
    assert not result.needs_review and result.quality_score >= 0.8, result.warnings
    assert len(fake.requests) == 1  # asked once, before the run; the run read the cache
    request = out / "node_parcel_volume_compute/models/model_compute_volume_request.py"
    source = request.read_text("utf-8")
    assert 'length_cm: int = Field(alias="lengthCm")' in source
