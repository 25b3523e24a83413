"""Contract stage: the node's ONEX contract in omnibase-core's ``ModelContract*`` shape.

Every key is a field of omnibase-core's contract models (``io_operations``, ``dependencies``,
``event_bus``, ``performance``, ``retry_policies``, ``tags``, ...). Facts those models have no
field for (per-operation inputs and outcomes, declared metrics, percentile targets) live in the
models' own ``annotations`` mapping. ``ContractDocument`` is our strict mirror of that subset;
its JSON Schema is kept in ``schemas/contract.schema.json``.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from codegen_assets.models import Intelligence, NodeSpec, NodeType
from codegen_assets.naming import camel
from codegen_assets.node_context import protocol_interfaces
from codegen_assets.resilience import NODE_BREAKER as BREAKER
from codegen_assets.resilience import NODE_RETRY as RETRY

NodeTypeName = Literal[
    "EFFECT_GENERIC", "COMPUTE_GENERIC", "REDUCER_GENERIC", "ORCHESTRATOR_GENERIC"
]
Identifier = Field(pattern=r"^[a-z_][a-z0-9_]*$")
DEFAULT_OPERATION_MAX_MS = 1000
MIN_SERVICE_TIMEOUT_MS = 100  # omnibase-core's lower bound for external_service_timeout_ms


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SemVer(_Strict):
    """Semantic version triple (omnibase-core ``ModelSemVer``)."""

    major: int = Field(ge=0)
    minor: int = Field(ge=0)
    patch: int = Field(ge=0)


class Performance(_Strict):
    """``ModelPerformanceRequirements``."""

    single_operation_max_ms: int = Field(gt=0)
    throughput_min_ops_per_second: float | None = None
    external_service_timeout_ms: int | None = None
    circuit_breaker_recovery_timeout_s: int | None = None


class ContractDependency(_Strict):
    """``ModelDependency``: a protocol the container resolves for the node."""

    name: str = Identifier
    module: str
    dependency_type: Literal["protocol"] = "protocol"
    required: bool
    description: str


class EventBus(_Strict):
    """``ModelEventBusSubcontract``: topics the node consumes and produces."""

    version: SemVer
    event_bus_type: Literal["distributed"] = "distributed"
    publish_topics: list[str]
    subscribe_topics: list[str]


class PublishedEvent(_Strict):
    """``ModelPublishedEventEntry``."""

    topic: str = Field(pattern=r"^[A-Za-z0-9._\-]{1,249}$")
    event_type: str


class ConsumedEvent(_Strict):
    """``ModelConsumedEventEntry``."""

    event_type: str
    handler_function: str


class IOOperation(_Strict):
    """``ModelIOOperationConfig``: one I/O operation of an effect node."""

    operation_type: str = Identifier
    atomic: bool = True
    timeout_seconds: int = Field(gt=0)


class RetryPolicies(_Strict):
    """``ModelEffectRetryConfig``: backoff and the circuit breaker around each dependency call."""

    max_attempts: int = Field(ge=1)
    backoff_strategy: Literal["exponential"] = "exponential"
    base_delay_ms: int = Field(ge=0)
    max_delay_ms: int = Field(ge=0)
    jitter_enabled: bool = False
    circuit_breaker_enabled: bool = True
    circuit_breaker_threshold: int = Field(ge=1)
    circuit_breaker_timeout_s: int = Field(ge=1)


class AlgorithmFactor(_Strict):
    """``ModelAlgorithmFactorConfig``."""

    weight: float
    calculation_method: str


class Algorithm(_Strict):
    """``ModelAlgorithmConfig``: what a compute node calculates."""

    algorithm_type: str
    factors: dict[str, AlgorithmFactor]


class Reduction(_Strict):
    """``ModelReductionConfig``: one fold of a reducer node."""

    operation_type: str = Identifier
    reduction_function: str
    associative: bool = False
    commutative: bool = False


class WorkflowCoordination(_Strict):
    """``ModelWorkflowConfig``: how an orchestrator runs its steps."""

    execution_mode: Literal["sequential"] = "sequential"
    max_parallel_branches: int = 1
    rollback_enabled: bool = True
    recovery_enabled: bool = True
    timeout_ms: int = Field(gt=0)


class ContractField(_Strict):
    """A typed operation input."""

    name: str = Identifier
    type: str
    required: bool


class ContractOperation(_Strict):
    """An operation, its inputs and its outcome events."""

    name: str = Identifier
    description: str
    input: list[ContractField]
    outcomes: list[str] = Field(min_length=1)


class ContractMetric(_Strict):
    """A metric the node keeps."""

    name: str = Identifier
    type: Literal["counter", "gauge"]


class Annotations(_Strict):
    """Facts omnibase-core's contract models have no dedicated field for."""

    operations: list[ContractOperation] = Field(min_length=1)
    metrics: list[ContractMetric]
    performance_targets: dict[str, float]
    topic_sources: dict[str, str]


class ContractDocument(_Strict):
    """Schema of a generated ``contract.yaml``; extra keys are errors."""

    name: str = Identifier
    contract_version: SemVer
    node_version: SemVer
    node_type: NodeTypeName
    description: str
    input_model: str
    output_model: str
    performance: Performance
    dependencies: list[ContractDependency]
    protocol_interfaces: list[str]
    tags: list[str]
    event_bus: EventBus | None = None
    yaml_published_events: list[PublishedEvent]
    yaml_consumed_events: list[ConsumedEvent]
    annotations: Annotations
    io_operations: list[IOOperation] | None = None
    retry_policies: RetryPolicies | None = None
    idempotent_operations: bool | None = None
    algorithm: Algorithm | None = None
    deterministic_execution: bool | None = None
    reduction_operations: list[Reduction] | None = None
    order_preserving: bool | None = None
    workflow_coordination: WorkflowCoordination | None = None


_NODE_TYPES: dict[NodeType, NodeTypeName] = {
    NodeType.EFFECT: "EFFECT_GENERIC",
    NodeType.COMPUTE: "COMPUTE_GENERIC",
    NodeType.REDUCER: "REDUCER_GENERIC",
    NodeType.ORCHESTRATOR: "ORCHESTRATOR_GENERIC",
}
_V1 = SemVer(major=1, minor=0, patch=0)


def _field_type(type_name: str, is_list: bool) -> str:
    return f"list[{type_name}]" if is_list else type_name


def operation_max_ms(spec: NodeSpec) -> int:
    """The per-operation latency budget: the tightest percentile target, else a default."""
    targets = [t for t in (spec.performance.p99_latency_ms, spec.performance.p95_latency_ms) if t]
    return max(1, math.ceil(max(targets))) if targets else DEFAULT_OPERATION_MAX_MS


def _type_sections(spec: NodeSpec) -> dict[str, Any]:
    """The node-type-specific subcontracts."""
    ops = [op.name for op in spec.operations]
    timeout_s = max(1, math.ceil(operation_max_ms(spec) / 1000))
    if spec.node_type is NodeType.EFFECT:
        return {
            "io_operations": [
                IOOperation(operation_type=op, timeout_seconds=timeout_s) for op in ops
            ],
            "retry_policies": RetryPolicies(
                max_attempts=RETRY.max_attempts,
                base_delay_ms=RETRY.base_delay_ms,
                max_delay_ms=RETRY.max_delay_ms,
                circuit_breaker_threshold=BREAKER.failure_threshold,
                circuit_breaker_timeout_s=BREAKER.recovery_timeout_s,
            ),
            "idempotent_operations": False,
        }
    if spec.node_type is NodeType.COMPUTE:
        return {
            "algorithm": Algorithm(
                algorithm_type="canonical_fingerprint",
                factors={
                    "canonical_json_sha256": AlgorithmFactor(
                        weight=1.0, calculation_method="sha256"
                    )
                },
            ),
            "deterministic_execution": True,
        }
    if spec.node_type is NodeType.REDUCER:
        return {
            "reduction_operations": [
                Reduction(operation_type=op, reduction_function="fold_last_write_wins")
                for op in ops
            ],
            "order_preserving": True,
        }
    return {"workflow_coordination": WorkflowCoordination(timeout_ms=operation_max_ms(spec) * 10)}


def build_contract(spec: NodeSpec, intelligence: Intelligence) -> ContractDocument:
    """The contract for ``spec``; every fact of the prompt has a place in it."""
    base = camel(spec.name)
    published = [
        PublishedEvent(topic=t.name, event_type=event)
        for t in spec.publish_topics
        for event in t.event_types
    ]
    consumed = [
        ConsumedEvent(event_type=event, handler_function="process")
        for t in spec.subscribe_topics
        for event in t.event_types
    ]
    topics = spec.subscribe_topics or spec.publish_topics
    return ContractDocument(
        name=spec.name,
        contract_version=_V1,
        node_version=_V1,
        node_type=_NODE_TYPES[spec.node_type],
        description=spec.description,
        input_model=f"models.model_input.Model{base}Input",
        output_model=f"models.model_output.Model{base}Output",
        performance=Performance(
            single_operation_max_ms=operation_max_ms(spec),
            throughput_min_ops_per_second=spec.performance.throughput_ops_per_sec,
            external_service_timeout_ms=(
                max(MIN_SERVICE_TIMEOUT_MS, operation_max_ms(spec))
                if spec.node_type is NodeType.EFFECT
                else None
            ),
            circuit_breaker_recovery_timeout_s=(
                BREAKER.recovery_timeout_s if spec.node_type is NodeType.EFFECT else None
            ),
        ),
        dependencies=[
            ContractDependency(
                name=d.name,
                module=(
                    "protocols.protocol_event_publisher"
                    if d.is_event_client
                    else f"protocols.protocol_{d.name}"
                ),
                required=d.required,
                description=d.description or f"{d.client_type} client",
            )
            for d in spec.dependencies
        ],
        protocol_interfaces=protocol_interfaces(spec),
        tags=[spec.node_type.value, *(f"pattern:{p.name}" for p in intelligence.patterns)],
        event_bus=(
            EventBus(
                version=_V1,
                publish_topics=[t.name for t in spec.publish_topics],
                subscribe_topics=[t.name for t in spec.subscribe_topics],
            )
            if topics
            else None
        ),
        yaml_published_events=published,
        yaml_consumed_events=consumed,
        annotations=Annotations(
            operations=[
                ContractOperation(
                    name=op.name,
                    description=op.description,
                    input=[
                        ContractField(
                            name=f.name,
                            type=_field_type(f.type.value, f.is_list),
                            required=not f.optional,
                        )
                        for f in op.inputs
                    ],
                    outcomes=list(op.outcomes),
                )
                for op in spec.operations
            ],
            metrics=[ContractMetric(name=m.name, type=m.kind.value) for m in spec.metrics],
            performance_targets=spec.performance.model_dump(exclude_none=True),
            topic_sources={
                t.name: t.source_name
                for t in (*spec.subscribe_topics, *spec.publish_topics)
                if t.source_name and t.source_name != t.name
            },
        ),
        **_type_sections(spec),
    )


def contract_data(contract: ContractDocument) -> dict[str, object]:
    """The contract as plain data, without unset type-specific sections."""
    return contract.model_dump(mode="json", exclude_none=True)


def contract_yaml(contract: ContractDocument) -> str:
    """Deterministic YAML text of ``contract``."""
    header = (
        "# ONEX node contract (omnibase-core ModelContract shape), generated by onex-nodegen.\n"
    )
    body = yaml.safe_dump(contract_data(contract), sort_keys=False, allow_unicode=True, width=100)
    return header + body


def validate_contract_text(text: str) -> ContractDocument:
    """Parse and validate contract YAML against our schema; raises on any error."""
    return ContractDocument.model_validate(yaml.safe_load(text))


def schema_text() -> str:
    """JSON Schema of ``contract.yaml``, kept in ``codegen_assets/schemas/``."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://onex-nodegen.dev/schemas/contract.schema.json",
        **ContractDocument.model_json_schema(),
    }
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
