"""The contract of a node plan: every fact of the prompt has a place in it (``contract_document``
is its shape), with the ecosystem's retry and circuit-breaker defaults around each dependency.
"""

from __future__ import annotations

import math

from codegen_assets.core.contract_document import (
    CircuitBreaker,
    Config,
    ContractDependency,
    ContractDocument,
    ContractMetric,
    ErrorHandling,
    ErrorType,
    EventBus,
    HandlerEntry,
    HandlerRouting,
    HealthCheck,
    IOOperation,
    Metadata,
    ModelRef,
    NodeTypeName,
    Performance,
    PublishedEvent,
    RetryPolicy,
    SemVer,
    WorkflowCoordination,
    WorkflowStep,
)
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import Intelligence, NodeSpec, NodeType, Target
from codegen_assets.core.plan import NodePlan
from codegen_assets.core.resilience import NODE_BREAKER as BREAKER
from codegen_assets.core.resilience import NODE_RETRY as RETRY

DEFAULT_OPERATION_MAX_MS = 1000
CORE_DISPATCH_TYPES = (NodeType.EFFECT, NodeType.COMPUTE)  # process() honours default_handler
_TRANSIENT = ["TimeoutError", "ConnectionError", "InfraConnectionError", "InfraTimeoutError"]


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
