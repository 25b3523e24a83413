"""``contract.yaml`` as nodes of the ONEX ecosystem write it today, and ``ContractDocument``, our
strict mirror of it; its JSON Schema is kept in ``schemas/contract.schema.json`` (printed by
``python -m codegen_assets.core.contract_document``).

The shape is the one omnibase-infra's nodes use and its tools read: ``input_model`` and
``output_model`` as ``{name, module}``, ``handler_routing`` naming a handler per operation (with
core's ``default_handler`` for ``NodeEffect``/``NodeCompute.process``), ``event_bus`` topics,
``published_events`` that tell the runtime which event goes to which topic, ``error_handling``,
``health_check``, typed ``dependencies`` and ``metadata``.
"""

from __future__ import annotations

import json
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

NodeTypeName = Literal[
    "EFFECT_GENERIC", "COMPUTE_GENERIC", "REDUCER_GENERIC", "ORCHESTRATOR_GENERIC"
]
Identifier = Field(pattern=r"^[a-z_][a-z0-9_]*$")
Topic = Field(
    pattern=r"^onex\.(cmd|evt|dlq|intent|snapshot)\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v\d+$"
)


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
