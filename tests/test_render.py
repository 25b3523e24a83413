"""Contract and rendering: the seed's layout, determinism, and no placeholder bodies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic import ValidationError

from codegen_assets.contract import schema_text, validate_contract_text
from codegen_assets.models import FileSet, GenerationOptions, NodeType, Target
from codegen_assets.naming import onex_topic
from codegen_assets.onex_oracle import contract_problems
from codegen_assets.pysource import (
    alias_line,
    assign_line,
    block,
    call_line,
    import_lines,
    py_literal,
)
from codegen_assets.render import render_files


def render_all(
    prompt: str, node_type: NodeType | None = None, target: Target = Target.ONEX
) -> FileSet:
    return render_files(prompt, GenerationOptions(node_type=node_type, target=target))[1]


CORE_LAYOUT = {
    "contract.yaml",
    "nodegen.lock",
    "node.py",
    "models/__init__.py",
    "models/model_input.py",
    "models/model_output.py",
    "tests/__init__.py",
    "tests/test_node.py",
    "tests/test_integration.py",
    "tests/test_contract.py",
    "tests/test_performance.py",
    "tests/test_process.py",
}
TYPE_FILES = {
    NodeType.EFFECT: {"tests/test_resilience.py", "resilience.py", "topics.py"},
    NodeType.COMPUTE: {"tests/test_properties.py"},
    NodeType.REDUCER: {"tests/test_reducer_laws.py", "models/model_reducer_state.py"},
    NodeType.ORCHESTRATOR: {"tests/test_resilience.py", "tests/test_workflow.py", "topics.py"},
}


def test_store_effect_layout_has_one_type_per_module(store_prompt: str) -> None:
    files = set(render_all(store_prompt).files)
    assert files == CORE_LAYOUT | TYPE_FILES[NodeType.EFFECT] | {
        "models/enum_persist_state_outcome.py",
        "models/model_persist_state_input.py",
        "models/model_persist_state_output.py",
        "models/model_node_event.py",
        "protocols/__init__.py",
        "protocols/protocol_postgres_client.py",
        "protocols/protocol_event_publisher.py",
        "tests/test_patterns.py",  # optimistic concurrency and idempotent consumer
    }


@pytest.mark.parametrize("node_type", list(NodeType))
def test_every_type_has_its_own_modules_and_tests(node_type: NodeType) -> None:
    files = set(render_all("with alpha, beta operations", node_type).files)
    assert files >= CORE_LAYOUT | TYPE_FILES[node_type]
    for op in ("alpha", "beta"):
        assert {f"models/enum_{op}_outcome.py", f"models/model_{op}_input.py"} <= files
    assert ("models/model_node_event.py" in files) is (
        node_type in (NodeType.EFFECT, NodeType.ORCHESTRATOR)
    )
    assert "errors.py" not in files


@pytest.mark.parametrize("target", list(Target))
def test_targets_differ_in_base_classes_and_errors(target: Target) -> None:
    files = render_all("with alpha, beta operations", NodeType.EFFECT, target).files
    onex = target is Target.ONEX
    assert ("errors.py" in files) is not onex
    assert ("class NodeAlphaBetaOperationsEffect(NodeEffect):" in files["node.py"]) is onex
    assert ("omnibase_core" in "".join(files.values())) is onex
    assert ("container: ModelONEXContainer" in files["node.py"]) is onex


@pytest.mark.parametrize("node_type", list(NodeType))
def test_omnibase_core_accepts_every_contract(node_type: NodeType) -> None:
    pytest.importorskip("omnibase_core")
    text = render_all("with alpha, beta operations", node_type).files["contract.yaml"]
    assert contract_problems(yaml.safe_load(text)) == []


def test_omnibase_core_oracle_reports_what_it_rejects_or_ignores(store_prompt: str) -> None:
    pytest.importorskip("omnibase_core")
    contract = yaml.safe_load(render_all(store_prompt).files["contract.yaml"])
    contract["retry_policies"]["max_attempt"] = 3
    assert contract_problems(contract) == [
        "retry_policies.max_attempt: not a field of omnibase-core's model (ignored)"
    ]
    contract["performance"]["external_service_timeout_ms"] = 5
    (problem,) = contract_problems(contract)
    assert "external_service_timeout_ms" in problem
    assert contract_problems({**contract, "node_type": "EFFECT"})[0].startswith("node_type")


def test_contract_holds_every_fact(store_prompt: str) -> None:
    contract = yaml.safe_load(render_all(store_prompt).files["contract.yaml"])
    assert contract["name"] == "store_effect"
    assert contract["node_type"] == "EFFECT_GENERIC"
    assert contract["event_bus"]["subscribe_topics"] == [
        "onex.cmd.store-effect.omninode-bridge-intents.v1"
    ]
    assert contract["event_bus"]["publish_topics"] == [
        "onex.evt.store-effect.omninode-bridge-state-committed.v1",
        "onex.evt.store-effect.omninode-bridge-state-conflicts.v1",
    ]
    assert contract["annotations"]["topic_sources"] == {
        "onex.cmd.store-effect.omninode-bridge-intents.v1": "omninode_bridge_intents_v1",
        "onex.evt.store-effect.omninode-bridge-state-committed.v1": (
            "omninode_bridge_state_committed_v1"
        ),
        "onex.evt.store-effect.omninode-bridge-state-conflicts.v1": (
            "omninode_bridge_state_conflicts_v1"
        ),
    }
    assert [e["event_type"] for e in contract["yaml_published_events"]] == [
        "StateCommitted",
        "StateConflict",
    ]
    assert [d["name"] for d in contract["dependencies"]] == ["postgres_client", "kafka_client"]
    assert contract["protocol_interfaces"] == ["ProtocolPostgresClient", "ProtocolEventPublisher"]
    assert [io["operation_type"] for io in contract["io_operations"]] == ["persist_state"]
    assert contract["retry_policies"]["circuit_breaker_enabled"] is True
    (op,) = contract["annotations"]["operations"]
    assert op["name"] == "persist_state"
    assert [(f["name"], f["type"], f["required"]) for f in op["input"]] == [
        ("workflow_key", "string", True),
        ("expected_version", "int", True),
        ("state_prime", "object", True),
        ("action_id", "uuid", False),
        ("provenance", "object", False),
    ]
    assert len(contract["annotations"]["metrics"]) == 7
    assert contract["performance"]["single_operation_max_ms"] == 15
    assert contract["performance"]["throughput_min_ops_per_second"] == 1000.0
    assert contract["annotations"]["performance_targets"] == {
        "p95_latency_ms": 10.0,
        "p99_latency_ms": 15.0,
        "throughput_ops_per_sec": 1000.0,
        "success_rate_pct": 95.0,
        "error_rate_pct": 1.0,
        "conflict_rate_pct": 5.0,
    }
    assert "pattern:optimistic_concurrency" in contract["tags"]


def test_chosen_patterns_show_up_in_the_code(store_prompt: str) -> None:
    files = render_all(store_prompt).files
    node = files["node.py"]
    assert "if version_conflict(request.expected_version, result):" in node
    assert "outcome = EnumPersistStateOutcome.STATE_CONFLICT" in node
    assert "self._persist_state_results[key]" in node  # idempotent consumer keyed by action_id
    assert "test_persist_state_stale_version_is_a_conflict" in files["tests/test_patterns.py"]
    plain = render_all("effect node that stores notes with alpha operation").files
    assert "version_conflict" not in plain["node.py"] and "tests/test_patterns.py" not in plain


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
    text = render_all(store_prompt).files["contract.yaml"]
    assert validate_contract_text(text).name == "store_effect"
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        validate_contract_text(text + "surprise: 1\n")
    with pytest.raises(ValidationError):
        validate_contract_text(text.replace("name: store_effect", "name: ../etc", 1))


def test_rendering_is_deterministic(store_prompt: str) -> None:
    assert render_all(store_prompt) == render_all(store_prompt)


def test_no_placeholder_bodies() -> None:
    for node_type in NodeType:
        for name, text in render_all("with alpha, beta operations", node_type).files.items():
            assert "NotImplementedError" not in text, name
            assert re.search(r"^\s+pass\s*$", text, re.MULTILINE) is None, name
            assert "TODO" not in text, name


def test_python_source_helpers() -> None:
    assert py_literal({"a": [1, True, None, "é"]}) == '{"a": [1, True, None, "\\u00e9"]}'
    assert block([]) == "()"
    assert block(['"x"']) == '("x",)'
    assert block(['"x"'], brackets="{}") == '{\n    "x",\n}'
    assert alias_line("A", "B") == "A: TypeAlias = B"
    assert alias_line("A", "B" * 100).startswith("A: TypeAlias = (\n    B")
    assert assign_line("A", '"b"') == 'A = "b"'
    assert assign_line("A", "b" * 100) == f"A = (\n    {'b' * 100}\n)"
    assert call_line(4, "f", "x") == "    f(x)"
    assert call_line(4, "f", "x" * 100) == f"    f(\n        {'x' * 100}\n    )"
    assert import_lines({"m": ["func", "Klass", "CONST"], "a": ["X"]}) == (
        "from a import X\nfrom m import CONST, Klass, func"
    )
    assert import_lines({"m": [f"Name{i:03d}" for i in range(12)]}).startswith(
        "from m import (\n    Name000,\n"
    )


def test_contract_json_schema_is_current_and_accepts_contracts(store_prompt: str) -> None:
    path = Path(__file__).parent.parent / "codegen_assets" / "schemas" / "contract.schema.json"
    assert path.read_text("utf-8") == schema_text(), "regenerate: python -m codegen_assets.contract"
    schema = json.loads(schema_text())
    contract = yaml.safe_load(render_all(store_prompt).files["contract.yaml"])
    jsonschema.validate(contract, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**contract, "surprise": 1}, schema)
