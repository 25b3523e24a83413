"""Contract-first: an ONEX contract in today's infra dialect read as a spec, the node generated
from it keeping its name, type, topics and handler classes, and clear errors for bad ones."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import FieldType, GenerationOptions, NodeSpec, NodeType
from codegen_assets.core.pipeline import stage_outputs
from codegen_assets.core.plan import plan_node
from codegen_assets.core.understanding.contract import (
    ContractError,
    contract_spec,
    contract_text_spec,
    is_contract,
    read_contract,
)
from codegen_assets.core.understanding.model_source import ModelSource
from codegen_assets.core.understanding.spec_file import load_spec, schema_text
from github_app.commands import contract_request

SCHEMA = Path(__file__).parents[2] / "codegen_assets/core/schemas/node_spec.schema.json"


def infra_contract(node: str) -> Path:
    infra = pytest.importorskip("omnibase_infra")
    return Path(infra.__file__).parent / "nodes" / node / "contract.yaml"


def generated_contract(spec_text: str) -> dict[str, Any]:
    _, _, files = stage_outputs(spec_text, GenerationOptions(enable_intelligence=False))
    (text,) = [t for p, t in files.files.items() if p.endswith("/contract.yaml")]
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def fields(spec: NodeSpec, op: int = 0, side: str = "inputs") -> dict[str, Any]:
    return {f.name: f for f in getattr(spec.operations[op], side)}


def test_a_real_orchestrator_contract_round_trips_with_its_models() -> None:
    path = infra_contract("node_rsd_orchestrator")
    text = contract_spec(path)
    spec = load_spec(text)
    assert spec.node_type is NodeType.ORCHESTRATOR
    (op,) = spec.operations
    assert (op.name, op.key, op.handler) == ("score", "rsd.score", "HandlerRsdInitiate")
    inputs = fields(spec)
    assert inputs["ticket_ids"].type is FieldType.STRING and inputs["ticket_ids"].is_list
    assert inputs["weights"].model == "RsdFactorWeights"
    assert inputs["include_dependencies"].default is True
    assert "correlation_id" not in inputs  # the generated request carries it
    outputs = fields(spec, side="outputs")
    assert outputs["rank_changes"].model == "RsdRankChange" and outputs["rank_changes"].is_list
    models = {m.name: {f.name: f for f in m.fields} for m in spec.models}
    assert models["RsdFactorWeights"]["dependency_distance"].default == 0.4
    assert set(models["RsdRankChange"]) == {"ticket_id", "previous_rank", "new_rank", "score_delta"}
    assert models["RsdTicketScore"]["factors"].model == "RsdFactorScore"  # nested twice

    contract = generated_contract(text)
    assert contract["name"] == "node_rsd_orchestrator"
    assert contract["node_type"] == "ORCHESTRATOR_GENERIC"
    assert contract["event_bus"]["subscribe_topics"] == ["onex.cmd.rsd.score.v1"]
    assert contract["event_bus"]["publish_topics"] == [
        "onex.evt.rsd.score-complete.v1",
        "onex.evt.rsd.score-failed.v1",
    ]
    (entry,) = contract["handler_routing"]["handlers"]
    assert entry["handler"] == {
        "name": "HandlerRsdInitiate",
        "module": "node_rsd_orchestrator.handlers.handler_rsd_initiate",
    }
    assert entry["operation"] == "rsd.score" and entry["topic"] == "onex.cmd.rsd.score.v1"
    # the contract's own models keep their names: the request, and the result event
    assert entry["input_model"]["name"] == "ModelRsdCommand"
    assert entry["input_model"]["module"] == "node_rsd_orchestrator.models.model_rsd_command"
    assert contract["output_model"]["name"] == "ModelRsdResult"


def test_a_payload_routed_effect_keeps_each_handler_and_its_own_input_model() -> None:
    spec = read_contract(infra_contract("node_decision_store_effect"))
    assert spec.name == "decision_store_effect"  # the generator writes node_<name>
    assert [(o.name, o.key, o.handler) for o in spec.operations] == [
        ("write_decision", "decision_store.write_decision", "HandlerWriteDecision"),
        ("write_conflict", "decision_store.write_conflict", "HandlerWriteConflict"),
    ]
    decision, conflict = fields(spec, 0), fields(spec, 1)
    assert "decision_min_id" in conflict and "decision_min_id" not in decision
    assert decision["intent_type"].enum == ("decision_store.write_decision",)  # a Literal
    assert conflict["structural_confidence"].le is not None  # Field(le=1.0) kept
    plan = plan_node(spec, NodeLayout.of(spec))
    assert [(o.handler_class, o.handler_module) for o in plan.operations] == [
        ("HandlerWriteDecision", "handlers/handler_write_decision"),
        ("HandlerWriteConflict", "handlers/handler_write_conflict"),
    ]


def test_a_name_without_a_type_suffix_stays_the_directory_name() -> None:
    text = contract_spec(infra_contract("node_baseline_capture"))
    contract = generated_contract(text)
    assert contract["name"] == "node_baseline_capture"
    assert contract["node_type"] == "EFFECT_GENERIC"
    assert {e["handler"]["name"] for e in contract["handler_routing"]["handlers"]} == {
        "HandlerBaselineCapture"
    }


PKG = "acme.nodes.node_widget_store_effect"
NODE = f"""\
name: node_widget_store_effect
node_type: EFFECT_GENERIC
description: Stores widgets.
input_model:
  name: ModelWidgetRequest
  module: {PKG}.models.model_widget_request
output_model:
  name: ModelWidgetResult
  module: {PKG}.models.model_widget_result
handler_routing:
  routing_strategy: operation_match
  handlers:
    - operation: widget.store
      handler:
        name: HandlerWidgetStore
        module: {PKG}.handlers.handler_widget_store
    - operation: widget.purge
      handler:
        name: HandlerWidgetPurge
        module: {PKG}.handlers.handler_widget_purge
      input_model:
        name: ModelWidgetPurge
        module: {PKG}.models.model_widget_purge
event_bus:
  subscribe:
    - topic: widgets.requests
  publish_topics: ["onex.evt.widget.stored.v1"]
published_events:
  - topic: onex.evt.widget.purged.v1
    event_type: WidgetPurged
dependencies:
  - name: protocol_widget_store
    type: protocol
    class_name: ProtocolWidgetStore
  - name: WIDGET_DSN
    type: environment
"""
REQUEST = '''\
import this_module_does_not_exist  # the reader never imports a model

from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, Field, PositiveInt

from .model_widget_base import ModelWidgetBase


class EnumColour(StrEnum):
    RED = "red"
    BLUE = "blue"


class ModelPart(BaseModel):
    part_no: str = Field(min_length=1, max_length=32)
    quantity: PositiveInt = 1


class ModelWidgetRequest(ModelWidgetBase):
    """A widget to store."""

    LIMIT: ClassVar[int] = 10
    _cache: dict[str, str] = {}
    correlation_id: str
    colour: EnumColour = EnumColour.RED
    parts: list[ModelPart] = Field(default_factory=list)
    kind: Literal["standard", "custom"] = "standard"
    made_at: AwareDatetime
    weight: float = Field(ge=0.0, le=100.0)
'''
BASE = """\
from uuid import UUID
from pydantic import BaseModel


class ModelWidgetBase(BaseModel):
    widget_id: UUID
    label: str | None = None
"""
RESULT = """\
from pydantic import BaseModel


class ModelWidgetResult(BaseModel):
    success: bool
    stored_count: int = 0
"""
PURGE = """\
from pydantic import BaseModel


class ModelWidgetPurge(BaseModel):
    older_than_days: int
"""


@pytest.fixture
def widget_node(tmp_path: Path) -> Path:
    """A node directory in a source tree, with its models beside the contract."""
    node = tmp_path / "src/acme/nodes/node_widget_store_effect"
    (node / "models").mkdir(parents=True)
    (node / "contract.yaml").write_text(NODE, "utf-8")
    for name, text in (
        ("model_widget_request", REQUEST),
        ("model_widget_base", BASE),
        ("model_widget_result", RESULT),
        ("model_widget_purge", PURGE),
    ):
        (node / "models" / f"{name}.py").write_text(text, "utf-8")
    return node / "contract.yaml"


def test_models_beside_the_contract_give_typed_fields_never_importing_them(
    widget_node: Path,
) -> None:
    spec = read_contract(widget_node)
    store = fields(spec, 0)
    assert list(store) == ["widget_id", "label", "colour", "parts", "kind", "made_at", "weight"]
    assert store["widget_id"].type is FieldType.UUID  # from the base class, in its own module
    assert store["label"].optional
    assert store["colour"].enum == ("red", "blue") and store["colour"].default == "red"
    assert store["parts"].model == "Part" and store["parts"].is_list
    assert store["kind"].enum == ("standard", "custom")
    assert store["made_at"].type is FieldType.DATETIME
    assert (store["weight"].ge, store["weight"].le) == (0, 100)
    (part,) = spec.models
    assert {f.name: f for f in part.fields}["quantity"].gt == 0  # PositiveInt
    assert {f.name: f for f in part.fields}["part_no"].max_length == 32
    assert list(fields(spec, 1)) == ["older_than_days"]  # the entry's own input model
    assert list(fields(spec, 0, "outputs")) == ["success", "stored_count"]


def test_topics_dependencies_and_routing_keys_of_a_contract(widget_node: Path) -> None:
    spec = read_contract(widget_node)
    (consumed,) = spec.subscribe_topics
    assert consumed.source_name == "widgets.requests"  # not an ONEX name: made one, kept both
    assert consumed.name == "onex.cmd.widget-store.widgets-requests.v1"
    assert [t.name for t in spec.publish_topics] == [
        "onex.evt.widget.stored.v1",
        "onex.evt.widget.purged.v1",
    ]
    assert [(d.name, d.client_type) for d in spec.dependencies] == [
        ("widget_store", "ProtocolWidgetStore")  # the environment variable is no client
    ]
    contract = generated_contract(contract_spec(widget_node))
    assert [e["operation"] for e in contract["handler_routing"]["handlers"]] == [
        "widget.store",
        "widget.purge",
    ]
    assert {"onex.evt.widget.stored.v1", "onex.evt.widget.purged.v1"} <= set(
        contract["event_bus"]["publish_topics"]
    )
    assert contract["config"]["topic_sources"] == {
        "onex.cmd.widget-store.widgets-requests.v1": "widgets.requests"
    }


def test_two_entries_naming_one_handler_class_get_one_handler_each() -> None:
    text = NODE.replace("HandlerWidgetPurge", "HandlerWidgetStore")
    spec = load_spec(contract_text_spec(text))
    plan = plan_node(spec, NodeLayout.of(spec))
    assert [o.handler_class for o in plan.operations] == [
        "HandlerWidgetStore",
        "HandlerWidgetStore2",
    ]
    assert len({o.handler_module for o in plan.operations}) == 2


def test_request_models_keep_the_contracts_names_unless_another_model_has_it() -> None:
    spec = load_spec(contract_text_spec(NODE))
    plan = plan_node(spec, NodeLayout.of(spec))
    assert [(o.request_model, o.request_module) for o in plan.operations] == [
        ("ModelWidgetRequest", "models/model_widget_request"),
        ("ModelWidgetPurge", "models/model_widget_purge"),
    ]
    assert [e.model for o in plan.operations for e in o.events] == [
        "ModelWidgetResult",  # the output model names the result event
        "ModelWidgetResult2",
    ]
    shared = load_spec(contract_text_spec(NODE.replace("ModelWidgetPurge", "ModelWidgetRequest")))
    requests = [o.request_model for o in plan_node(shared, NodeLayout.of(shared)).operations]
    assert requests == ["ModelWidgetRequest", "ModelPurgeRequest"]  # each request once
    same = load_spec(contract_text_spec(NODE.replace("ModelWidgetResult", "ModelWidgetRequest")))
    requests = [o.request_model for o in plan_node(same, NodeLayout.of(same)).operations]
    assert requests[0] == "ModelStoreRequest"  # the result event has the name
    core = NODE.replace(f"module: {PKG}.models.model_widget_request", "module: omnibase_core.x")
    assert load_spec(contract_text_spec(core)).operations[0].request == ""  # core's envelopes


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- a list", "an ONEX contract is a YAML mapping"),
        (
            NODE.replace("EFFECT_GENERIC", "GADGET_GENERIC"),
            "node_type: 'GADGET_GENERIC' is not one",
        ),
        (NODE.replace("name: node_widget_store_effect\n", ""), "name: missing"),
        (
            NODE.replace(
                f"      handler:\n        name: HandlerWidgetPurge\n"
                f"        module: {PKG}.handlers.handler_widget_purge\n",
                "",
            ),
            "handler_routing.handlers[1].handler: missing",
        ),
        (NODE.replace("name: HandlerWidgetStore", "name: handler-x"), "handler.name: 'handler-x'"),
        (
            NODE.replace("    - topic: widgets.requests", "    - {}"),
            "event_bus.subscribe[0]: names no",
        ),
    ],
)
def test_a_bad_contract_is_refused_naming_the_file_and_the_key(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "contract.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ContractError) as raised:
        contract_spec(path)
    assert str(raised.value).startswith(f"{path}: ") and problem in str(raised.value)


def test_a_missing_or_unreadable_contract_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match=r"nowhere\.yaml: no such file"):
        contract_spec(tmp_path / "nowhere.yaml")
    (tmp_path / "binary.yaml").write_bytes(b"name: \xff\xfe")
    with pytest.raises(ContractError, match=r"binary\.yaml: not UTF-8"):
        contract_spec(tmp_path / "binary.yaml")


def test_only_a_contract_block_in_a_comment_is_read_as_one() -> None:
    words = "An effect node that stores widgets with operation store_widget."
    assert contract_request(words) == words
    sketch = f"{words}\n```yaml\nfields:\n  widget_id: uuid\n```"
    assert contract_request(sketch) == sketch  # a YAML sketch, no contract
    spec_text = contract_request(f"Please generate this:\n```yaml\n{NODE}```\nthanks")
    assert spec_text.startswith("# What onex-nodegen understood")
    spec = load_spec(spec_text)
    assert spec.name == "widget_store_effect"
    assert [o.handler for o in spec.operations] == ["HandlerWidgetStore", "HandlerWidgetPurge"]
    assert is_contract(NODE) and not is_contract("node_type: effect\n")
    with pytest.raises(ContractError, match="the contract in the comment: node_type"):
        contract_request(f"```yaml\n{NODE.replace('EFFECT_GENERIC', 'X')}```")


def test_model_source_finds_classes_by_module_below_the_contract(widget_node: Path) -> None:
    source = ModelSource.near(widget_node)
    found = source.find(f"{PKG}.models.model_widget_base", "ModelWidgetBase")
    assert found is not None and found.name == "ModelWidgetBase"
    assert source.find("acme.nowhere", "ModelWidgetResult") is not None  # else models/ beside
    assert not source.read("acme.nowhere", "ModelMissing").found


def test_the_published_spec_schema_is_current() -> None:
    assert SCHEMA.read_text("utf-8") == schema_text(), (
        "run `python -m codegen_assets.core.understanding.spec_file` to rewrite the spec's JSON "
        "Schema"
    )


def test_the_spec_file_checks_handler_class_names() -> None:
    text = contract_text_spec(NODE).replace("handler: HandlerWidgetStore", "handler: not a class")
    with pytest.raises(ValueError, match="handler"):
        load_spec(text)


def test_a_contract_written_inline_round_trips_through_the_spec_file() -> None:
    text = contract_text_spec(textwrap.dedent(NODE))
    assert load_spec(text).operations[0].inputs == ()  # no models beside text: no fields


def rendered(spec_text: str) -> dict[str, str]:
    _, _, files = stage_outputs(spec_text, GenerationOptions(enable_intelligence=False))
    return files.files


def test_an_enum_default_is_written_as_its_member(widget_node: Path) -> None:
    files = rendered(contract_spec(widget_node))
    request = files["node_widget_store_effect/models/model_widget_request.py"]
    assert "colour: EnumColour = EnumColour.RED" in request  # mypy --strict accepts no "red"


def test_a_dependency_named_like_a_handler_gets_the_fake_its_tests_import() -> None:
    text = NODE.replace("name: protocol_widget_store", "name: widget_handler")
    files = rendered(contract_text_spec(text))
    tests = "tests/unit/nodes/node_widget_store_effect"
    fakes = files[f"{tests}/fakes.py"]
    imported = files[f"{tests}/test_registry.py"].split("from .fakes import ", 1)[1].split(",")[0]
    assert imported == "FakeWidgetClient"  # the protocol's name, without the word gates reject
    assert f"class {imported}:" in fakes
