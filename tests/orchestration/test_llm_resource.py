"""The model as a Dagster resource: off in the embedded default, and with a key set, a run that
uses it leaves the key in no run config, event, log line or sandbox."""

import logging
from pathlib import Path
from typing import Any

import pytest
from dagster import AssetExecutionContext, DagsterInstance, asset, materialize
from dagster._serdes import serialize_value

from bench.llm import hidden_test_validator
from codegen_assets.core.logic.body_writer import lock_record, write_body
from codegen_assets.core.model_settings import ModelConfigError
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.deployments import local_resources
from codegen_assets.orchestration.resources import ModelResource
from tests.support.fake_llm import FakeLLM, code_answer, serving
from tests.support.llm_tasks import FILES, RIGHT, TESTS, WRONG, vat_task

KEY = "sk-live-7c1e0f2a9b8d4e6f"


@asset
def model_written_handler(context: AssetExecutionContext, model: ModelResource) -> dict[str, Any]:
    validate = hidden_test_validator(FILES, {"tests/test_hidden.py": TESTS})
    with model.gateway("installation:7") as gateway:
        result = write_body(vat_task(), gateway, validate)
        context.log.info("model answered: %s", result.reason)
        context.add_output_metadata(
            {"tokens": result.usage.tokens, "requests": result.usage.requests}
        )
        return lock_record([result], gateway)


def test_llm_resource_is_off_in_the_embedded_default(
    nodegen_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NODEGEN_LLM_MODE", raising=False)
    resource = local_resources(NodegenSettings())["model"]
    assert isinstance(resource, ModelResource) and resource.mode == "off"
    with pytest.raises(ModelConfigError, match="NODEGEN_LLM_MODE=off"):
        resource.gateway("cli").__enter__()


def test_llm_key_never_reaches_run_config_events_logs_or_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("NODEGEN_LLM_API_KEY", KEY)
    fake = FakeLLM([code_answer(WRONG), code_answer(RIGHT)], key=KEY)
    instance = DagsterInstance.ephemeral()
    with serving(fake) as url:
        resource = ModelResource(
            mode="on", base_url=f"{url}/v1", model="fake-coder", database=str(tmp_path / "db")
        )
        result = materialize(
            [model_written_handler], resources={"model": resource}, instance=instance
        )
    assert result.success
    lock = result.output_for_node("model_written_handler")
    assert [a["outcome"] for a in lock["answers"]] == ["failed", "passed"]  # the sandbox's
    # own test saw no NODEGEN_ variable, or the second answer would have failed
    assert all(seen.headers["authorization"] == f"Bearer {KEY}" for seen in fake.requests)
    run = instance.get_run_by_id(result.run_id)
    assert run is not None and KEY not in serialize_value(run)
    events = instance.all_logs(result.run_id)
    assert events and all(KEY not in serialize_value(event) for event in events)
    assert any("model answered" in (e.user_message or "") for e in events)
    assert KEY not in caplog.text and "fake-coder" in caplog.text
    assert KEY not in resource.model_dump_json()
