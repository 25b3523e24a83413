"""Who reads the prompt: the model when its operator turns it on (``NODEGEN_LLM_MODE``);
``--llm off`` asks it nothing, reading included; ``--llm on`` alone makes the model write
bodies, not read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen_assets.cli.generate import EXIT_OK, main
from tests.support.fake_llm import FakeLLM, answer, serving
from tests.support.llm_reading import VOLUME, volume_spec


def explain(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mode: str, *flags: str
) -> tuple[str, FakeLLM]:
    """``--explain`` of a prompt only a model can read, with ``NODEGEN_LLM_MODE=mode`` and a
    fake model that reads it right; what it printed, and the fake (what it was asked)."""
    fake = FakeLLM([answer(json.dumps(volume_spec()))])
    with serving(fake) as url:
        monkeypatch.setenv("NODEGEN_LLM_MODE", mode)
        monkeypatch.setenv("NODEGEN_LLM_BASE_URL", f"{url}/v1")
        monkeypatch.setenv("NODEGEN_LLM_MODEL", "fake-reader")
        capsys.readouterr()
        assert main([VOLUME, "--explain", *flags]) == EXIT_OK
        return capsys.readouterr().out, fake


def test_the_environment_turns_reading_on(
    nodegen_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, fake = explain(capsys, monkeypatch, "on")
    assert len(fake.requests) == 1
    assert "# Read by openai fake-reader." in spec


def test_llm_on_alone_does_not_make_the_model_read(
    nodegen_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, fake = explain(capsys, monkeypatch, "off", "--llm", "on")
    assert fake.requests == []
    assert "Read by" not in spec


def test_llm_off_asks_nothing_though_the_environment_says_on(
    nodegen_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, fake = explain(capsys, monkeypatch, "on", "--llm", "off")
    assert fake.requests == []
    assert "Read by" not in spec
