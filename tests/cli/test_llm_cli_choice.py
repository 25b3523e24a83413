"""``--llm`` decides who reads the prompt, as it decides who writes the bodies: on asks the model
even when ``NODEGEN_LLM_MODE`` is off; off asks nothing even when it is on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen_assets.cli.generate import EXIT_OK, main
from tests.support.fake_llm import FakeLLM, answer, serving
from tests.support.llm_reading import VOLUME, volume_spec


def explain(capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    capsys.readouterr()
    assert main([VOLUME, "--explain", *flags]) == EXIT_OK
    return capsys.readouterr().out


def test_llm_on_reads_with_the_model_though_the_environment_says_off(
    nodegen_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeLLM([answer(json.dumps(volume_spec()))])
    with serving(fake) as url:
        monkeypatch.setenv("NODEGEN_LLM_MODE", "off")
        monkeypatch.setenv("NODEGEN_LLM_BASE_URL", f"{url}/v1")
        monkeypatch.setenv("NODEGEN_LLM_MODEL", "fake-reader")
        spec = explain(capsys, "--llm", "on")
    assert len(fake.requests) == 1
    assert "# Read by openai fake-reader." in spec


def test_llm_off_asks_nothing_though_the_environment_says_on(
    nodegen_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeLLM([answer(json.dumps(volume_spec()))])
    with serving(fake) as url:
        monkeypatch.setenv("NODEGEN_LLM_MODE", "on")
        monkeypatch.setenv("NODEGEN_LLM_BASE_URL", f"{url}/v1")
        monkeypatch.setenv("NODEGEN_LLM_MODEL", "fake-reader")
        spec = explain(capsys, "--llm", "off")
    assert fake.requests == []
    assert "Read by" not in spec
