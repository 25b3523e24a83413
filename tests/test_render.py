"""Contract and rendering: the seed's layout, determinism, and no placeholder bodies."""

from __future__ import annotations

import re

import pytest
import yaml
from pydantic import ValidationError

from codegen_assets.contract import build_contract, validate_contract_text
from codegen_assets.intelligence import gather_intelligence
from codegen_assets.models import FileSet, GenerationOptions, NodeType
from codegen_assets.prompt_parser import parse_prompt
from codegen_assets.pysource import alias_line, block, py_literal
from codegen_assets.render import render_event_bus, render_node_code, render_tests


def render_all(prompt: str, node_type: NodeType | None = None) -> FileSet:
    spec = parse_prompt(prompt, GenerationOptions(node_type=node_type))
    intel = gather_intelligence(prompt, spec, enabled=True)
    code = render_node_code(spec, build_contract(spec, intel))
    return code.merged(render_event_bus(spec)).merged(render_tests(spec))


SEED_LAYOUT = {
    "contract.yaml",
    "node.py",
    "models/__init__.py",
    "models/model_input.py",
    "models/model_output.py",
    "tests/__init__.py",
    "tests/test_node.py",
    "tests/test_integration.py",
    "tests/test_contract.py",
    "tests/test_performance.py",
}


def test_store_effect_layout(store_prompt: str) -> None:
    files = set(render_all(store_prompt).files)
    assert files == SEED_LAYOUT | {"models/enum_persist_state_outcome.py", "models/model_events.py"}


@pytest.mark.parametrize("node_type", list(NodeType))
def test_every_type_has_the_seed_layout(node_type: NodeType) -> None:
    files = set(render_all("with alpha, beta operations", node_type).files)
    assert files >= SEED_LAYOUT
    assert {"models/enum_alpha_outcome.py", "models/enum_beta_outcome.py"} <= files
    assert ("models/model_events.py" in files) is (
        node_type in (NodeType.EFFECT, NodeType.ORCHESTRATOR)
    )


def test_contract_holds_every_fact(store_prompt: str) -> None:
    contract = yaml.safe_load(render_all(store_prompt).files["contract.yaml"])
    assert contract["name"] == "store_effect"
    assert contract["node_type"] == "EFFECT"
    assert contract["event_bus"]["subscribe"][0]["topic"] == "omninode_bridge_intents_v1"
    assert [t["topic"] for t in contract["event_bus"]["publish"]] == [
        "omninode_bridge_state_committed_v1",
        "omninode_bridge_state_conflicts_v1",
    ]
    assert [d["name"] for d in contract["dependencies"]] == ["postgres_client", "kafka_client"]
    (op,) = contract["operations"]
    assert op["name"] == "persist_state"
    assert [(f["name"], f["type"], f["required"]) for f in op["input"]] == [
        ("workflow_key", "string", True),
        ("expected_version", "int", True),
        ("state_prime", "object", True),
        ("action_id", "uuid", False),
        ("provenance", "object", False),
    ]
    assert len(contract["metrics"]) == 7
    assert contract["performance"] == {
        "p95_latency_ms": 10.0,
        "p99_latency_ms": 15.0,
        "throughput_ops_per_sec": 1000.0,
        "success_rate_pct": 95.0,
        "error_rate_pct": 1.0,
        "conflict_rate_pct": 5.0,
    }


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
