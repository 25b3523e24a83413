"""A model writes a handler through the whole pipeline, from the CLI, against the loopback fake:
``--llm on`` (a wrong answer, then the right one after the repair message), ``--llm replay``
from the lock (byte-identical, nothing asked) and mode off (byte-identical to no model at all).
One generation with the model is shared by the tests that read it."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dagster._serdes import serialize_value

from codegen_assets.cli.generate import EXIT_INPUT, EXIT_OK, EXIT_VALIDATION, main
from codegen_assets.core.models import FileSet, GenerationResult
from codegen_assets.core.rendering.provenance import LOCK_FILE, read_lock
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.orchestration.embedded import open_instance
from codegen_assets.orchestration.kafka_mirror import capture_run
from codegen_assets.storage.artifacts import ArtifactStore
from codegen_assets.storage.outbox import Outbox
from tests.conftest import share_caches
from tests.support.fake_llm import FakeLLM, Seen, code_answer, serving
from tests.support.llm_tasks import VAT_HANDLER, VAT_PROMPT, VAT_RIGHT, VAT_WRONG

pytestmark = pytest.mark.e2e
KEY = "sk-live-5d2c8e1f7a9b3c4d"
MODEL_ENV = ("NODEGEN_LLM_BASE_URL", "NODEGEN_LLM_MODEL", "NODEGEN_LLM_API_KEY")
LOCK = f"node_vat_compute/{LOCK_FILE}"


def generate(*args: str) -> tuple[int, GenerationResult]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([VAT_PROMPT, *args, "--timeout", "600", "--json"])
    (line,) = out.getvalue().strip().splitlines()  # exactly one JSON object
    return code, GenerationResult.model_validate(json.loads(line))


def read_tree(root: Path) -> FileSet:
    return FileSet(
        files={
            p.relative_to(root).as_posix(): p.read_text("utf-8")
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }
    )


@dataclass
class Model:
    """The fake and the environment pointing at it."""

    fake: FakeLLM
    home: Path
    root: Path


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory, shared_mypy_cache: Path) -> Iterator[Model]:
    root = tmp_path_factory.mktemp("llm")
    fake = FakeLLM(key=KEY)
    with serving(fake) as url, pytest.MonkeyPatch.context() as env:
        env.setenv("NODEGEN_HOME", str(root / "home"))
        share_caches(env, shared_mypy_cache)
        for name in ("NODEGEN_LLM_MODE", "NODEGEN_KAFKA_BOOTSTRAP_SERVERS"):
            env.delenv(name, raising=False)
        env.setenv("NODEGEN_LLM_BASE_URL", f"{url}/v1")
        env.setenv("NODEGEN_LLM_MODEL", "fake-coder")
        env.setenv("NODEGEN_LLM_API_KEY", KEY)
        yield Model(fake, root / "home", root)


@dataclass
class Written:
    """The node the model wrote a handler of, through the CLI."""

    code: int
    result: GenerationResult
    tree: FileSet
    out: Path
    requests: list[Seen]


@pytest.fixture(scope="module")
def written(model: Model) -> Written:
    model.fake.script[:] = [code_answer(VAT_WRONG), code_answer(VAT_RIGHT)]
    out = model.root / "written"
    code, result = generate("--output-dir", str(out), "--llm", "on")
    return Written(code, result, read_tree(out), out, list(model.fake.requests))


def test_llm_cli_writes_the_handler_and_the_node_passes_every_check(
    model: Model, written: Written
) -> None:
    result = written.result
    assert written.code == EXIT_OK, result.error_message
    assert result.success and result.quality_score == 1.0
    assert "handler_gross: from a model (fake-coder)" in result.handlers
    handler = written.tree.files[VAT_HANDLER]
    assert "(from a model: fake-" in handler and "Written by a model (fake-coder)" in handler
    assert "ROUND_HALF_UP" in handler
    assert "NOT_WRITTEN" not in handler and "nodegen: body to write" not in handler
    usage = result.model_usage
    assert usage is not None and usage.model == "fake-coder" and usage.mode == "on"
    assert usage.requests == 2 and usage.written == 1 and usage.tokens > 0
    assert [a.outcome for a in usage.handlers[0].attempts] == ["failed", "passed"]
    lock = read_lock(written.tree.files[LOCK])
    assert lock.model is not None and lock.model["model"] == "fake-coder"
    assert [a["outcome"] for a in lock.model["answers"]] == ["failed", "passed"]
    # the key went to the model server only
    assert all(seen.headers["authorization"] == f"Bearer {KEY}" for seen in written.requests)
    assert all(KEY not in text for text in written.tree.files.values())
    assert KEY not in result.model_dump_json()
    settings = NodegenSettings()
    request = ArtifactStore(settings.artifact_db).get_request(result.workflow_id)
    assert request.llm is not None and KEY not in request.model_dump_json()
    instance = open_instance(settings)
    run = instance.get_run_by_id(result.run_id)
    assert run is not None and KEY not in serialize_value(run)
    assert all(KEY not in serialize_value(e) for e in instance.all_logs(result.run_id))
    # the usage is in the stages' metadata, and so in the events mirrored to Kafka
    outbox = Outbox(model.root / "outbox.sqlite3")
    capture_run(instance, result.run_id, outbox, "dev")
    envelopes = [json.loads(value) for _, _, _, value in outbox.pending()]
    assert envelopes and all(KEY not in json.dumps(e) for e in envelopes)
    stages = {e["payload"].get("stage"): e["payload"] for e in envelopes}
    mirrored: dict[str, Any] = stages["refined_code"]["metadata"]["model_usage"]
    assert mirrored["requests"] == 2 and mirrored["handlers"][0]["written"]
    assert stages["written_logic"]["metadata"]["model_usage"]["model"] == "fake-coder"
    instance.dispose()


def test_llm_repair_message_carries_what_the_validators_said(written: Written) -> None:
    first, repair = (seen.body["messages"] for seen in written.requests)
    assert [m["role"] for m in first] == ["system", "user"]
    assert "add VAT to a net amount" in first[1]["content"]  # the prompt
    assert "test_gross_example_1" in first[1]["content"]  # the example, as a test to pass
    assert "# nodegen: body to write" in first[1]["content"]  # the skeleton
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert repair[2]["content"] == code_answer(VAT_WRONG).text
    said = repair[3]["content"]
    assert "acceptance failed: FAILED" in said and "test_gross_example_1" in said
    assert "Decimal('120.00')" in said and "<uuid>" in said  # run-to-run values made stable


def test_llm_replay_from_the_lock_is_byte_identical_and_asks_nothing(
    model: Model, written: Written
) -> None:
    assert written.code == EXIT_OK
    again = model.root / "replayed"
    shutil.copytree(written.out, again)  # the node as delivered, its lock included
    asked = len(model.fake.requests)
    code, result = generate("--output-dir", str(again), "--llm", "replay")
    assert code == EXIT_OK, result.error_message
    assert len(model.fake.requests) == asked  # nothing was asked
    assert read_tree(again) == written.tree
    usage = result.model_usage
    assert usage is not None and usage.mode == "replay"
    assert usage.requests == 0 and usage.cached == 2 and usage.written == 1


def test_llm_replay_without_recorded_answers_is_refused_naming_the_file(model: Model) -> None:
    out = model.root / "never-generated"
    code, result = generate("--output-dir", str(out), "--llm", "replay")
    assert code == EXIT_INPUT and result.error_code == "INVALID_PROMPT"
    assert result.error_message == f"--llm replay: there is no {out / LOCK} to replay"


def test_llm_off_is_byte_identical_to_a_run_without_model_settings(
    model: Model, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = len(model.fake.requests)
    off = model.root / "off"
    code, result = generate("--output-dir", str(off), "--llm", "off")
    assert code == EXIT_VALIDATION and result.model_usage is None
    assert any(": to write - gross is not written yet" in line for line in result.handlers)
    for name in MODEL_ENV:
        monkeypatch.delenv(name)
    plain = model.root / "plain"
    assert generate("--output-dir", str(plain))[0] == EXIT_VALIDATION
    assert read_tree(off) == read_tree(plain)
    assert '"model"' not in read_tree(plain).files[LOCK]
    assert len(model.fake.requests) == asked
