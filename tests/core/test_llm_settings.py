"""The model's settings: off by default, the key held like other secrets, a repository's
choices in .github/nodegen.yml that can never carry a key nor send it elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_assets.core import secret_env
from codegen_assets.core.model_settings import ModelChoice, ModelConfigError, ModelSettings
from github_app.repo_config import RepoConfigError, load_repo_config


def test_llm_is_off_by_default_and_the_key_is_a_held_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("NODEGEN_LLM_MODE", "NODEGEN_LLM_API_KEY", "NODEGEN_LLM_API_KEY_PATH"):
        monkeypatch.delenv(name, raising=False)
    assert ModelSettings().mode == "off" and not ModelSettings().enabled
    assert secret_env.is_secret_variable("NODEGEN_LLM_API_KEY", "sk-live-abcdef")
    # after reexec_without_secrets the key lives only in memory, and settings still read it
    monkeypatch.setattr(secret_env, "_held", {"NODEGEN_LLM_API_KEY": "sk-held-123456"})
    settings = ModelSettings()
    assert settings.key() == "sk-held-123456"
    assert "sk-held-123456" in settings.secret_values()
    assert "sk-held-123456" not in repr(settings) and "sk-held" not in settings.model_dump_json()
    path = tmp_path / "key"
    path.write_text("sk-file-654321\n")
    assert ModelSettings(api_key_path=path).key() == "sk-file-654321"


def test_llm_settings_that_cannot_work_are_named() -> None:
    with pytest.raises(ModelConfigError, match="NODEGEN_LLM_MODEL"):
        ModelSettings(mode="on").check()
    with pytest.raises(ModelConfigError, match="needs NODEGEN_LLM_API_KEY"):
        ModelSettings(mode="on", model="claude", provider="anthropic").check()
    with pytest.raises(ModelConfigError, match="holds credentials"):
        ModelSettings(base_url="http://u:pw@127.0.0.1:8080/v1").check()
    local = ModelSettings(mode="on", model="smollm2", base_url="http://127.0.0.1:8080/v1")
    assert local.check().url == "http://127.0.0.1:8080/v1"
    assert ModelSettings(provider="anthropic").url == "https://api.anthropic.com"
    assert ModelSettings(price_input_per_1k=1.0, price_output_per_1k=2.0).cost(
        500, 250
    ) == pytest.approx(1.0)


def test_llm_repository_choice_in_nodegen_yml() -> None:
    config = load_repo_config("llm:\n  model: qwen2.5-coder\n  mode: replay\n")
    assert config.llm == ModelChoice(model="qwen2.5-coder", mode="replay")
    app = ModelSettings(
        mode="on",
        model="gpt",
        base_url="http://127.0.0.1:8080/v1",
        allowed_base_urls=("http://127.0.0.1:11434/v1",),
    )
    chosen = app.choose(config.llm)
    assert (chosen.model, chosen.mode, chosen.url) == (
        "qwen2.5-coder",
        "replay",
        "http://127.0.0.1:8080/v1",
    )
    other = app.choose(ModelChoice(base_url="http://127.0.0.1:11434/v1/"))
    assert other.url == "http://127.0.0.1:11434/v1"
    with pytest.raises(ModelConfigError, match="not allowed here"):
        app.choose(ModelChoice(base_url="http://attacker.example/v1"))
    with pytest.raises(ModelConfigError, match="set an allowed base_url"):
        app.choose(ModelChoice(provider="anthropic"))
    with pytest.raises(RepoConfigError, match="a key never goes in the repository"):
        load_repo_config("llm:\n  api_key: sk-oops\n")
    with pytest.raises(RepoConfigError, match=r"llm\.mode"):
        load_repo_config("llm:\n  mode: always\n")
