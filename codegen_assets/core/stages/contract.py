"""Contract stage: ``contract.yaml`` as nodes of the ONEX ecosystem write it today.

The shape is the one omnibase-infra's nodes use and its tools read: ``input_model`` and
``output_model`` as ``{name, module}``, ``handler_routing`` naming a handler per operation (with
core's ``default_handler`` for ``NodeEffect``/``NodeCompute.process``), ``event_bus`` topics,
``published_events`` that tell the runtime which event goes to which topic, ``error_handling``,
``health_check``, typed ``dependencies`` and ``metadata``. ``ContractDocument`` is our strict
mirror of it; its JSON Schema is kept in ``schemas/contract.schema.json``.
"""

from __future__ import annotations

import json
import math
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from codegen_assets.core import version
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import Intelligence, NodeSpec, NodeType, Target
from codegen_assets.core.plan import NodePlan, plan_node
from codegen_assets.core.resilience import NODE_BREAKER as BREAKER
from codegen_assets.core.resilience import NODE_RETRY as RETRY

NodeTypeName = Literal[
    "EFFECT_GENERIC", "COMPUTE_GENERIC", "REDUCER_GENERIC", "ORCHESTRATOR_GENERIC"
]
Identifier = Field(pattern=r"^[a-z_][a-z0-9_]*$")
Topic = Field(
    pattern=r"^onex\.(cmd|evt|dlq|intent|snapshot)\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v\d+$"
)
DEFAULT_OPERATION_MAX_MS = 1000
CORE_DISPATCH_TYPES = (NodeType.EFFECT, NodeType.COMPUTE)  # process() honours default_handler
_TRANSIENT = ["TimeoutError", "ConnectionError", "InfraConnectionError", "InfraTimeoutError"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SemVer(_Strict):
    """Semantic version triple."""

    major: int = Field(ge=0)
    minor: int = Field(ge=0)
    patch: int = Field(ge=0)


class ModelRef(_Strict):
    """A class by name and dotted module."""

    name: str
    module: str
    description: str | None = None


class HandlerEntry(_Strict):
    """One ``handler_routing.handlers`` entry: an operation, its topic and its handler."""

    operation: str
    topic: str = Topic
    handler: ModelRef
    input_model: ModelRef
    output_events: list[str]
    description: str
    handler_key: str | None = None
    callable: str | None = None


class HandlerRouting(_Strict):
    """Which handler serves which operation (and, for core's ``process()``, the default)."""

    version: SemVer
    routing_strategy: Literal["operation_match"] = "operation_match"
    handlers: list[HandlerEntry] = Field(min_length=1)
    default_handler: str | None = None


class EventBus(_Strict):
    """Topics the node consumes and produces."""

    version: SemVer
    subscribe_topics: list[str]
    publish_topics: list[str]


class PublishedEvent(_Strict):
    """Which topic an event type goes to (the runtime's result applier reads it)."""

    topic: str = Topic
    event_type: str


class RetryPolicy(_Strict):
    """Retries of transient dependency failures."""

    max_retries: int = Field(ge=0)
    initial_delay_ms: int = Field(ge=0)
    max_delay_ms: int = Field(ge=0)
    exponential_base: int = Field(ge=1)
    retry_on: list[str]


class CircuitBreaker(_Strict):
    """The breaker around each dependency."""

    enabled: bool = True
    failure_threshold: int = Field(ge=1)
    reset_timeout_ms: int = Field(ge=1)


class ErrorType(_Strict):
    """An error a handler raises, and whether retrying it can help."""

    name: str
    description: str
    recoverable: bool
    retry_strategy: Literal["exponential_backoff", "none"]


class ErrorHandling(_Strict):
    """How dependency failures are retried, broken and reported."""

    retry_policy: RetryPolicy
    circuit_breaker: CircuitBreaker
    error_types: list[ErrorType]


class HealthCheck(_Strict):
    """The node's health endpoint."""

    enabled: bool = True
    endpoint: str = "/health"
    interval_seconds: int = 30


class ContractDependency(_Strict):
    """A protocol the node's handlers are given."""

    name: str = Identifier
    type: Literal["protocol"] = "protocol"
    class_name: str
    module: str
    description: str
    optional: bool = False


class IOOperation(_Strict):
    """An effect's I/O operation, its input and output fields."""

    operation: str
    description: str
    input_fields: list[str]
    output_fields: list[str]


class Performance(_Strict):
    """Latency and throughput budgets from the prompt."""

    single_operation_max_ms: int = Field(gt=0)
    throughput_min_ops_per_second: float | None = None
    p95_latency_ms: float | None = None
    p99_latency_ms: float | None = None
    success_rate_min_pct: float | None = None
    error_rate_max_pct: float | None = None
    conflict_rate_max_pct: float | None = None


class ContractMetric(_Strict):
    """A metric the node keeps."""

    name: str = Identifier
    type: Literal["counter", "gauge"]


class Config(_Strict):
    """The node's own configuration: declared metrics, patterns, the prompt's topic names."""

    metrics: list[ContractMetric]
    patterns: list[str]
    topic_sources: dict[str, str]


class WorkflowStep(_Strict):
    """One step of an orchestrator's execution graph."""

    node_id: str = Identifier
    node_type: Literal["EFFECT_GENERIC"] = "EFFECT_GENERIC"
    description: str
    depends_on: list[str] = []


class WorkflowCoordination(_Strict):
    """An orchestrator's workflow: its steps in order, and how failures are handled."""

    workflow_definition: dict[str, object]


class Metadata(_Strict):
    """Who made the contract and what it is about."""

    description: str
    author: str
    license: str
    generator: str
    tags: list[str]


class ContractDocument(_Strict):
    """Schema of a generated ``contract.yaml``; extra keys are errors."""

    name: str = Field(pattern=r"^node_[a-z0-9_]+$")
    node_type: NodeTypeName
    contract_version: SemVer
    node_version: SemVer
    description: str
    input_model: ModelRef
    output_model: ModelRef
    handler_routing: HandlerRouting
    event_bus: EventBus
    published_events: list[PublishedEvent]
    error_handling: ErrorHandling | None = None
    health_check: HealthCheck | None = None
    dependencies: list[ContractDependency]
    io_operations: list[IOOperation] | None = None
    workflow_coordination: WorkflowCoordination | None = None
    performance: Performance
    config: Config
    metadata: Metadata


_NODE_TYPES: dict[NodeType, NodeTypeName] = {
    NodeType.EFFECT: "EFFECT_GENERIC",
    NodeType.COMPUTE: "COMPUTE_GENERIC",
    NodeType.REDUCER: "REDUCER_GENERIC",
    NodeType.ORCHESTRATOR: "ORCHESTRATOR_GENERIC",
}
_V1 = SemVer(major=1, minor=0, patch=0)
CORE_DISPATCH_MODULE = "core_dispatch"  # the module whose ``dispatch`` core's process() calls


def operation_max_ms(spec: NodeSpec) -> int:
    """The per-operation latency budget: the tightest percentile target, else a default."""
    targets = [t for t in (spec.performance.p99_latency_ms, spec.performance.p95_latency_ms) if t]
    return max(1, math.ceil(max(targets))) if targets else DEFAULT_OPERATION_MAX_MS


def _ref(layout: NodeLayout, name: str, rel: str, description: str | None = None) -> ModelRef:
    return ModelRef(name=name, module=layout.module(rel), description=description)


def _routing(plan: NodePlan) -> HandlerRouting:
    layout = plan.layout
    core = plan.spec.node_type in CORE_DISPATCH_TYPES
    entries = [
        HandlerEntry(
            operation=op.key,
            topic=op.topic,
            handler=_ref(layout, op.handler_class, op.handler_module),
            input_model=_ref(layout, op.request_model, op.request_module),
            output_events=[e.model for e in op.events],
            description=op.op.description or f"Handle {op.name}",
            handler_key=op.name if core else None,
            callable=f"{layout.module(CORE_DISPATCH_MODULE)}:dispatch" if core else None,
        )
        for op in plan.operations
    ]
    return HandlerRouting(
        version=_V1,
        handlers=entries,
        default_handler=plan.operations[0].name if core else None,
    )


def _error_handling(plan: NodePlan) -> ErrorHandling | None:
    if not plan.clients:
        return None
    return ErrorHandling(
        retry_policy=RetryPolicy(
            max_retries=RETRY.max_attempts - 1,
            initial_delay_ms=RETRY.base_delay_ms,
            max_delay_ms=RETRY.max_delay_ms,
            exponential_base=2,
            retry_on=_TRANSIENT,
        ),
        circuit_breaker=CircuitBreaker(
            failure_threshold=BREAKER.failure_threshold,
            reset_timeout_ms=BREAKER.recovery_timeout_s * 1000,
        ),
        error_types=[
            ErrorType(
                name="TimeoutError",
                description="a dependency did not answer in time",
                recoverable=True,
                retry_strategy="exponential_backoff",
            ),
            ErrorType(
                name="ConnectionError",
                description="a dependency could not be reached",
                recoverable=True,
                retry_strategy="exponential_backoff",
            ),
            ErrorType(
                name="PermissionError",
                description="a dependency refused the credentials",
                recoverable=False,
                retry_strategy="none",
            ),
            ErrorType(
                name="ValidationError",
                description="a request or a dependency's answer does not fit its model",
                recoverable=False,
                retry_strategy="none",
            ),
        ],
    )


def _dependencies(plan: NodePlan) -> list[ContractDependency]:
    deps = [
        ContractDependency(
            name=d.name,
            class_name=d.protocol,
            module=plan.layout.module(f"protocols/protocol_{d.name}"),
            description=d.description or f"the {d.client_type} client",
            optional=not d.required,
        )
        for d in plan.clients
    ]
    if plan.spec.target is not Target.ONEX:
        return deps  # the runtime's event bus is omnibase-core's protocol
    deps += [
        ContractDependency(
            name=d.name,
            class_name="ProtocolEventBus",
            module="omnibase_core.protocols.event_bus.protocol_event_bus",
            description=d.description or "the event bus the runtime publishes results on",
            optional=not d.required,
        )
        for d in plan.event_clients
    ]
    return deps


def _workflow(plan: NodePlan) -> WorkflowCoordination | None:
    if plan.spec.node_type is not NodeType.ORCHESTRATOR:
        return None
    names = [d.name for d in plan.clients]
    steps = [
        WorkflowStep(
            node_id=name,
            description=dep.description or f"step {name}",
            depends_on=names[:i][-1:],
        ).model_dump(mode="json")
        for i, (name, dep) in enumerate(zip(names, plan.clients, strict=True))
    ]
    return WorkflowCoordination(
        workflow_definition={
            "workflow_metadata": {
                "workflow_name": f"{plan.layout.stem}_workflow",
                "workflow_version": _V1.model_dump(),
                "description": plan.spec.description,
            },
            "execution_graph": {"nodes": steps},
            "coordination_rules": {
                "execution_mode": "sequential",
                "parallel_execution_allowed": False,
                "max_parallel_branches": 1,
                "failure_recovery_strategy": "compensate",
                "max_retries": RETRY.max_attempts - 1,
                "timeout_ms": operation_max_ms(plan.spec) * 10,
            },
        }
    )


def _io_operations(plan: NodePlan) -> list[IOOperation] | None:
    if plan.spec.node_type is not NodeType.EFFECT:
        return None
    return [
        IOOperation(
            operation=op.key,
            description=op.op.description or f"Handle {op.name}",
            input_fields=[f.name for f in op.op.inputs],
            output_fields=[
                "event_type",
                *([op.key_field.name] if op.key_field else []),
                "correlation_id",
            ],
        )
        for op in plan.operations
    ]


def build_contract(
    plan: NodePlan, intelligence: Intelligence, *, holder: str, license_id: str, generator: str
) -> ContractDocument:
    """The contract of ``plan``; every fact of the prompt has a place in it."""
    spec, layout = plan.spec, plan.layout
    first = plan.operations[0]
    success = first.events[0]
    targets = spec.performance
    sources = {
        t.name: t.source_name
        for t in (*spec.subscribe_topics, *spec.publish_topics)
        if t.source_name and t.source_name != t.name
    }
    return ContractDocument(
        name=layout.name,
        node_type=_NODE_TYPES[spec.node_type],
        contract_version=_V1,
        node_version=_V1,
        description=spec.description,
        input_model=_ref(layout, first.request_model, first.request_module, "the request"),
        output_model=_ref(layout, success.model, success.module, "the result event"),
        handler_routing=_routing(plan),
        event_bus=EventBus(
            version=_V1,
            subscribe_topics=plan.subscribe_topics,
            publish_topics=plan.publish_topics,
        ),
        published_events=[PublishedEvent(topic=e.topic, event_type=e.name) for e in plan.events],
        error_handling=_error_handling(plan),
        health_check=HealthCheck() if spec.node_type is NodeType.EFFECT else None,
        dependencies=_dependencies(plan),
        io_operations=_io_operations(plan),
        workflow_coordination=_workflow(plan),
        performance=Performance(
            single_operation_max_ms=operation_max_ms(spec),
            throughput_min_ops_per_second=targets.throughput_ops_per_sec,
            p95_latency_ms=targets.p95_latency_ms,
            p99_latency_ms=targets.p99_latency_ms,
            success_rate_min_pct=targets.success_rate_pct,
            error_rate_max_pct=targets.error_rate_pct,
            conflict_rate_max_pct=targets.conflict_rate_pct,
        ),
        config=Config(
            metrics=[ContractMetric(name=m.name, type=m.kind.value) for m in spec.metrics],
            patterns=[p.name for p in intelligence.patterns],
            topic_sources=sources,
        ),
        metadata=Metadata(
            description=spec.description,
            author=holder,
            license=license_id,
            generator=generator,
            tags=[spec.node_type.value, *(f"pattern:{p.name}" for p in intelligence.patterns)],
        ),
    )


def contract_data(contract: ContractDocument) -> dict[str, object]:
    """The contract as plain data, without unset sections."""
    return contract.model_dump(mode="json", exclude_none=True)


def contract_yaml(contract: ContractDocument, header: str) -> str:
    """Deterministic YAML text of ``contract`` after the SPDX ``header``."""
    body = yaml.safe_dump(contract_data(contract), sort_keys=False, allow_unicode=True, width=100)
    return f"{header}# ONEX node contract, generated by onex-nodegen.\n{body}"


def validate_contract_text(text: str) -> ContractDocument:
    """Parse and validate contract YAML against our schema; raises on any error."""
    return ContractDocument.model_validate(yaml.safe_load(text))


def build_node_contract(spec: NodeSpec, intelligence: Intelligence) -> ContractDocument:
    """The contract of ``spec`` (stage 3)."""
    plan = plan_node(spec, NodeLayout.of(spec, spec.options.package))
    return build_contract(
        plan,
        intelligence,
        holder=spec.options.copyright_holder,
        license_id=spec.options.license,
        generator=f"onex-nodegen {version.GENERATOR_VERSION}",
    )


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
