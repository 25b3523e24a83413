"""Rendering: the layout real ONEX nodes have, a contract that holds every fact, determinism."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from codegen_assets.core.contract_document import schema_text, validate_contract_text
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import FileSet, GenerationOptions, NodeType, StyleConfig, Target
from codegen_assets.core.naming import onex_topic
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.rendering.pysource import py_literal
from codegen_assets.core.stages.parsed_prompt import parse_prompt

STORE = "node_store_effect"
STORE_TESTS = f"tests/unit/nodes/{STORE}"


def render_all(
    prompt: str,
    node_type: NodeType | None = None,
    target: Target = Target.ONEX,
    **options: object,
) -> FileSet:
    """Every file for ``prompt``, as a run renders it (not validated)."""
    chosen = GenerationOptions.model_validate({"node_type": node_type, "target": target, **options})
    return render_files(prompt, chosen)[1]


def contract_of(files: FileSet) -> dict[str, Any]:
    (path,) = [p for p in files.files if p.endswith("/contract.yaml")]
    data: dict[str, Any] = yaml.safe_load(files.files[path])
    return data


def test_store_effect_has_the_declarative_layout(store_prompt: str) -> None:
    files = render_all(store_prompt, enable_intelligence=False)
    node = {p.removeprefix(f"{STORE}/") for p in files.files if p.startswith(f"{STORE}/")}
    assert node == {
        "__init__.py",
        "contract.yaml",
        "core_dispatch.py",
        "dependencies.py",
        "errors.py",
        "handlers/__init__.py",
        "handlers/handler_persist_state.py",
        "metrics.py",
        "models/__init__.py",
        "models/model_persist_state_reply.py",
        "models/model_persist_state_request.py",
        "models/model_state_committed.py",
        "models/model_state_conflict.py",
        "node.py",
        "nodegen.lock",
        "protocols/__init__.py",
        "protocols/protocol_postgres_client.py",
        "registry/__init__.py",
        "registry/registry_infra_store_effect.py",
        "resilience.py",
    }
    tests = {p for p in files.files if p.startswith("tests/")}
    assert tests == {
        "tests/__init__.py",
        "tests/unit/__init__.py",
        "tests/unit/nodes/__init__.py",
        *(
            f"{STORE_TESTS}/{name}"
            for name in (
                "__init__.py",
                "fakes.py",
                "test_contract.py",
                "test_handler_persist_state.py",
                "test_metrics.py",
                "test_models.py",
                "test_registry.py",
                "test_runtime.py",
            )
        ),
    }
    assert set(files.create_only) == {
        "tests/__init__.py",
        "tests/unit/__init__.py",
        "tests/unit/nodes/__init__.py",
    }


def test_node_py_is_a_declarative_shell(store_prompt: str) -> None:
    node = render_all(store_prompt).files[f"{STORE}/node.py"]
    body = node.split("class NodeStoreEffect(NodeEffect):", 1)[1]
    code = [line.strip() for line in body.splitlines() if line.strip()]
    assert code[1:4] == [
        "def __init__(self, container: ModelONEXContainer) -> None:",
        "super().__init__(container)",
        '__all__ = ["NodeStoreEffect"]',
    ]


@pytest.mark.parametrize("node_type", list(NodeType))
def test_every_type_gets_a_handler_and_a_test_per_operation(node_type: NodeType) -> None:
    files = render_all("with alpha, beta operations", node_type)
    layout = NodeLayout.of(parse_prompt("with alpha, beta operations"), "")
    name = f"node_{layout.stem}_{node_type.value}"
    for op in ("alpha", "beta"):
        assert f"{name}/handlers/handler_{op}.py" in files.files
        assert f"{name}/models/model_{op}_request.py" in files.files
        assert f"tests/unit/nodes/{name}/test_handler_{op}.py" in files.files
    resilient = node_type in (NodeType.EFFECT, NodeType.ORCHESTRATOR)
    assert (f"{name}/resilience.py" in files.files) is resilient
    assert (f"{name}/core_dispatch.py" in files.files) is (
        node_type in (NodeType.EFFECT, NodeType.COMPUTE)
    )


def test_standalone_target_needs_no_omnibase_core(store_prompt: str) -> None:
    files = render_all(store_prompt, target=Target.STANDALONE)
    assert not any("omnibase_core" in text for text in files.files.values())
    assert f"{STORE}/node.py" not in files.files
    assert f"{STORE_TESTS}/test_runtime.py" not in files.files
    assert "class NodeError(Exception):" in files.files[f"{STORE}/errors.py"]


def test_contract_holds_every_fact(store_prompt: str) -> None:
    contract = contract_of(render_all(store_prompt))
    assert contract["name"] == STORE and contract["node_type"] == "EFFECT_GENERIC"
    module = f"{STORE}.models.model_persist_state_request"
    assert contract["input_model"] == {
        "name": "ModelPersistStateRequest",
        "module": module,
        "description": "the request",
    }
    (entry,) = contract["handler_routing"]["handlers"]
    assert entry["operation"] == "store.persist_state"
    assert entry["handler"] == {
        "name": "HandlerPersistState",
        "module": f"{STORE}.handlers.handler_persist_state",
    }
    assert entry["topic"] == "onex.cmd.store-effect.omninode-bridge-intents.v1"
    assert entry["output_events"] == ["ModelStateCommitted", "ModelStateConflict"]
    assert entry["callable"] == f"{STORE}.core_dispatch:dispatch"
    assert contract["event_bus"]["publish_topics"] == [
        "onex.evt.store-effect.omninode-bridge-state-committed.v1",
        "onex.evt.store-effect.omninode-bridge-state-conflicts.v1",
    ]
    assert contract["published_events"] == [
        {
            "topic": "onex.evt.store-effect.omninode-bridge-state-committed.v1",
            "event_type": "StateCommitted",
        },
        {
            "topic": "onex.evt.store-effect.omninode-bridge-state-conflicts.v1",
            "event_type": "StateConflict",
        },
    ]
    assert contract["config"]["topic_sources"] == {
        "onex.cmd.store-effect.omninode-bridge-intents.v1": "omninode_bridge_intents_v1",
        "onex.evt.store-effect.omninode-bridge-state-committed.v1": (
            "omninode_bridge_state_committed_v1"
        ),
        "onex.evt.store-effect.omninode-bridge-state-conflicts.v1": (
            "omninode_bridge_state_conflicts_v1"
        ),
    }
    assert [d["name"] for d in contract["dependencies"]] == [
        "postgres_client",
        "kafka_client",
    ]
    (operation,) = contract["io_operations"]
    assert operation["input_fields"] == [
        "workflow_key",
        "expected_version",
        "state_prime",
        "action_id",
        "provenance",
    ]
    assert len(contract["config"]["metrics"]) == 7
    assert contract["performance"] == {
        "single_operation_max_ms": 15,
        "throughput_min_ops_per_second": 1000.0,
        "p95_latency_ms": 10.0,
        "p99_latency_ms": 15.0,
        "success_rate_min_pct": 95.0,
        "error_rate_max_pct": 1.0,
        "conflict_rate_max_pct": 5.0,
    }
    assert contract["error_handling"]["retry_policy"]["retry_on"][:2] == [
        "TimeoutError",
        "ConnectionError",
    ]
    assert contract["metadata"]["author"] == "OmniNode.ai Inc."


def test_the_prompts_words_shape_the_behaviour(store_prompt: str) -> None:
    spec = parse_prompt(store_prompt)
    (op,) = spec.operations
    assert (op.version_field, op.conflict_outcome) == ("expected_version", "StateConflict")
    handler = render_all(store_prompt).files[f"{STORE}/handlers/handler_persist_state.py"]
    assert "if reply.applied and reply.version == expected + 1:" in handler
    assert "error_code=ErrorCode.INVALID_STATE" in handler
    request = render_all(store_prompt).files[f"{STORE}/models/model_persist_state_request.py"]
    assert "workflow_key: str = Field(min_length=1)" in request
    assert "expected_version: int = Field(ge=0)" in request
    assert 'model_config = ConfigDict(frozen=True, extra="forbid")' in request
    asks = parse_prompt("Effect node with optimistic concurrency that saves notes. with save op")
    assert asks.operations[0].version_field == "expected_version"
    plain = parse_prompt("effect node that stores notes with alpha operation")
    assert plain.operations[0].version_field is None


def test_chosen_patterns_show_up_in_the_code(store_prompt: str) -> None:
    files = render_all(store_prompt).files
    handler = files[f"{STORE}/handlers/handler_persist_state.py"]
    assert "self._replies" in handler  # idempotent consumer keyed by action_id
    tests = files[f"{STORE_TESTS}/test_handler_persist_state.py"]
    assert "def test_a_redelivered_request_is_answered_from_memory" in tests
    off = render_all(store_prompt, enable_intelligence=False).files
    assert "self._replies" not in off[f"{STORE}/handlers/handler_persist_state.py"]


def test_package_places_the_node_and_its_module_paths(store_prompt: str) -> None:
    files = render_all(store_prompt, package="acme.nodes")
    assert "acme/nodes/node_store_effect/node.py" in files.files
    assert set(files.create_only) >= {"acme/__init__.py", "acme/nodes/__init__.py"}
    contract = contract_of(files)
    assert contract["input_model"]["module"] == (
        "acme.nodes.node_store_effect.models.model_persist_state_request"
    )
    with pytest.raises(ValueError, match="not a dotted Python package name"):
        render_all(store_prompt, package="../etc")


def test_copyright_holder_and_license_are_the_users(store_prompt: str) -> None:
    files = render_all(store_prompt, copyright_holder="Acme Corp", license="Apache-2.0")
    for path, text in files.files.items():
        if path.endswith((".py", ".yaml")):
            assert text.startswith(
                "# SPDX-FileCopyrightText: 2025 Acme Corp\n# SPDX-License-Identifier: Apache-2.0\n"
            ), path


def test_long_descriptions_wrap_within_the_repositorys_line_length() -> None:
    long = " ".join(["Archive the workflow state and every revision of it permanently"] * 4)
    prompt = f"Effect node named archive_effect.\nOperations:\n- archive_state: {long}\n"
    narrow = StyleConfig(filename="ruff.toml", text="line-length = 72\n")
    for style, limit in ((None, 88), (narrow, 72)):
        _, files = render_files(prompt, GenerationOptions(), style)
        for path, text in files.files.items():
            if path.endswith(".py"):
                width = max(len(line) for line in text.splitlines())
                assert width <= limit, (path, width)


def test_topic_names_become_canonical_onex_suffixes() -> None:
    assert onex_topic("orders_created_v2", kind="evt", producer="order_effect") == (
        "onex.evt.order-effect.orders-created.v2"
    )
    assert onex_topic("Bestellungen größer", kind="cmd", producer="x") == (
        "onex.cmd.x.bestellungen-grosser.v1"
    )
    canonical = "onex.evt.a.b.v3"
    assert onex_topic(canonical, kind="cmd", producer="z") == canonical
    assert onex_topic("../../etc", kind="evt", producer="../") == "onex.evt.node.etc.v1"


def test_contract_schema_rejects_extra_and_bad_keys(store_prompt: str) -> None:
    text = render_all(store_prompt).files[f"{STORE}/contract.yaml"]
    assert validate_contract_text(text).name == STORE
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        validate_contract_text(text + "surprise: 1\n")
    with pytest.raises(ValidationError):
        validate_contract_text(text.replace(f"name: {STORE}", "name: ../etc", 1))


def test_rendering_is_deterministic(store_prompt: str) -> None:
    assert render_all(store_prompt) == render_all(store_prompt)


def test_no_placeholder_bodies() -> None:
    for node_type in NodeType:
        for name, text in render_all("with alpha, beta operations", node_type).files.items():
            assert "NotImplementedError" not in text, name
            assert re.search(r"^\s+pass\s*$", text, re.MULTILINE) is None, name
            assert "TODO" not in text, name


def test_python_literals() -> None:
    assert py_literal({"a": [1, True, None, "é"]}) == '{"a": [1, True, None, "\\u00e9"]}'


def test_contract_json_schema_is_current_and_accepts_contracts(store_prompt: str) -> None:
    path = Path(__file__).parents[2] / "codegen_assets/core/schemas/contract.schema.json"
    assert path.read_text("utf-8") == schema_text(), (
        "regenerate: python -m codegen_assets.core.contract_document"
    )
    schema = json.loads(schema_text())
    contract = contract_of(render_all(store_prompt))
    jsonschema.validate(contract, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**contract, "surprise": 1}, schema)


_COUNT_COMPILES = """
import sys
from pathlib import Path
import jinja2
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.models import GenerationOptions

compiled = []
compile_template = jinja2.Environment.compile


def counted(self, *args, **kwargs):
    compiled.append(1)
    return compile_template(self, *args, **kwargs)


jinja2.Environment.compile = counted
files = render_files(sys.argv[1], GenerationOptions(enable_intelligence=False))[1]
print(len(compiled), len(files.files))
"""


def test_a_new_process_loads_compiled_templates_instead_of_compiling_them(
    tmp_path: Path, store_prompt: str
) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}  # where Jinja keeps its per-user cache
    runs = [
        subprocess.run(
            [sys.executable, "-c", _COUNT_COMPILES, store_prompt],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.split()
        for _ in range(2)
    ]
    (first_compiled, files), (again_compiled, same_files) = runs
    assert int(first_compiled) > 20 and again_compiled == "0" and files == same_files
    assert list(tmp_path.glob("_jinja2-cache-*/__jinja2_*.cache"))
