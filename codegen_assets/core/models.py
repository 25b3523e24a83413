"""Pydantic models for every payload that crosses a stage or process boundary."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from codegen_assets.core.model_settings import ModelChoice
from codegen_assets.core.naming import camel, gate_safe

StageCallback = Callable[[str, str, float], None]
"""Told of each stage's progress: (stage, "started" or "completed", timestamp)."""


class Frozen(BaseModel):
    """Immutable, strict base for stage payloads."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class NodeType(StrEnum):
    """The four ONEX node kinds."""

    EFFECT = "effect"
    COMPUTE = "compute"
    REDUCER = "reducer"
    ORCHESTRATOR = "orchestrator"


class Target(StrEnum):
    """What generated nodes are built on."""

    ONEX = "onex"  # omnibase-core base classes, container, errors
    STANDALONE = "standalone"  # pydantic alone


class FieldType(StrEnum):
    """Scalar field types a prompt may name."""

    STRING = "string"
    INT = "int"
    FLOAT = "float"
    DECIMAL = "decimal"  # exact (money is never a float)
    BOOL = "bool"
    UUID = "uuid"
    DATETIME = "datetime"
    DATE = "date"
    OBJECT = "object"


class MetricKind(StrEnum):
    """Metric instrument kinds."""

    COUNTER = "counter"
    GAUGE = "gauge"


Bound = Decimal | None
DefaultValue = str | int | float | bool | None


class InputField(Frozen):
    """One typed field (of an operation's input or output, or of a nested model), with what the
    prompt said of it: the values it is one of, the model its items are, its bounds, its
    format and its default. ``written`` is the name as the prompt wrote it when the generated
    identifier differs (the model keeps it as the alias)."""

    name: str
    type: FieldType
    is_list: bool = False
    optional: bool = False
    enum: tuple[str, ...] = ()
    model: str = ""  # a nested model of ``NodeSpec.models`` (then ``type`` is object)
    ge: Bound = None
    gt: Bound = None
    le: Bound = None
    lt: Bound = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=0)
    format: str = Field(default="", pattern=r"^(|email|uri)$")
    decimal_places: int | None = Field(default=None, ge=0, le=28)  # "rounded to 2 places"
    default: DefaultValue = None
    has_default: bool = False
    written: str = ""


class ModelSpec(Frozen):
    """A nested model the prompt describes ("each line item has ...")."""

    name: str  # PascalCase, e.g. LineItem
    fields: tuple[InputField, ...]


class Formula(Frozen):
    """An output the prompt gives as an expression over the inputs ("gross_amount = net_amount *
    (1 + rate)"): checked as an expression tree, re-emitted, never evaluated."""

    output: str
    expression: str  # Python syntax over input names, numbers and min/max/sum/round/abs
    source: str = ""  # the words it was read from


ExampleValue = str | int | float | bool | None


class Example(Frozen):
    """Inputs and the outputs they must give, as the prompt states them."""

    inputs: dict[str, ExampleValue]
    outputs: dict[str, ExampleValue]
    source: str = ""


class Operation(Frozen):
    """An operation the node handles, with its inputs and possible result events.

    ``version_field`` names the input that carries the expected version when the prompt asks for
    optimistic concurrency (version checking); ``outcomes[0]`` is then the commit and the
    outcome named ``conflict_outcome`` the version conflict.
    """

    name: str
    description: str = ""
    inputs: tuple[InputField, ...]
    outputs: tuple[InputField, ...] = ()  # the result's fields the prompt names
    outcomes: tuple[str, ...] = ()
    version_field: str | None = None
    conflict_outcome: str | None = None
    key: str = ""  # the routing key as the prompt wrote it ("auth_gate.evaluate"); else derived
    formulas: tuple[Formula, ...] = ()
    examples: tuple[Example, ...] = ()
    rules: tuple[str, ...] = ()  # what the prompt says the operation must do, in its words
    # the handler class as a contract names it ("HandlerWidgetStore"); else Handler<Op>
    handler: str = Field(default="", pattern=r"^(|[A-Z][A-Za-z0-9_]*)$", max_length=100)
    # the request model as a contract names it ("ModelWidgetRequest"); else Model<Op>Request
    request: str = Field(default="", pattern=r"^(|Model[A-Z][A-Za-z0-9]*)$", max_length=100)


class Topic(Frozen):
    """A Kafka topic (canonical ONEX suffix) and the event types carried on it."""

    name: str
    source_name: str = ""
    event_types: tuple[str, ...] = ()


STEP = "Workflow step "  # how an orchestrator's step (a client it calls in turn) is described


class Dependency(Frozen):
    """A client injected into the node."""

    name: str
    client_type: str
    required: bool = True
    description: str = ""

    @property
    def protocol(self) -> str:
        """Its protocol's class name (no word the ecosystem's naming gate rejects)."""
        return gate_safe(f"Protocol{camel(self.name)}")

    @property
    def is_step(self) -> bool:
        """A step of an orchestrator's workflow rather than a client the prompt named."""
        return self.description.startswith(STEP)

    @property
    def is_event_client(self) -> bool:
        """An event bus client (the node's publisher), judged by its name."""
        return re.search(r"kafka|event|bus|producer|publisher", self.name) is not None


class Metric(Frozen):
    """A metric the node keeps."""

    name: str
    kind: MetricKind


class PerformanceTargets(Frozen):
    """Targets named in the prompt; absent ones stay None."""

    p95_latency_ms: float | None = None
    p99_latency_ms: float | None = None
    throughput_ops_per_sec: float | None = None
    success_rate_pct: float | None = None
    error_rate_pct: float | None = None
    conflict_rate_pct: float | None = None


DEFAULT_COPYRIGHT = "OmniNode.ai Inc."


class GenerationOptions(Frozen):
    """User options that, with the prompt and generator version, define the output bytes."""

    node_type: NodeType | None = None
    name: str | None = None
    enable_intelligence: bool = True
    target: Target = Target.ONEX
    # the dotted package that holds the node ("" = a top-level package)
    package: str = ""
    # SPDX header of every generated file: the holder is the user's to choose
    copyright_holder: str = Field(default=DEFAULT_COPYRIGHT, min_length=1, max_length=120)
    license: str = Field(default="MIT", pattern=r"^[A-Za-z0-9.+-]{1,40}$")


class StyleConfig(Frozen):
    """The target repository's ruff configuration (a ``pyproject.toml`` with ``[tool.ruff]``,
    a ``ruff.toml`` or a ``.ruff.toml``), which formatting and the style checks follow."""

    filename: str = Field(pattern=r"^(pyproject\.toml|\.?ruff\.toml)$")
    text: str
    source: str = ""  # where it was found, for the report
    # the requires-python of a pyproject.toml further up, which ruff reads when the
    # configuration sets no target-version (and no requires-python) of its own
    requires_python: str = Field(default="", max_length=200)
    # files the configuration extends, by path relative to its directory (inside it)
    includes: dict[str, str] = Field(default_factory=dict)


class Reading(Frozen):
    """Who read the prompt into the spec: the rules (the deterministic reader), or the model
    asked (when one is configured), with its answer's request key and hash."""

    by: str = Field(default="rules", pattern="^(rules|model)$")
    provider: str = ""  # the model asked, when one was
    model: str = ""
    request: str = ""  # the answer's request key (the answer cache's, a lock's)
    answer: str = ""  # the answer's hash
    refused: str = ""  # why the model's reading was not used (the rules' stands)

    @property
    def label(self) -> str:
        """``the rules`` or ``<provider> <model>``: what "read by" names."""
        return f"{self.provider} {self.model}".strip() if self.by == "model" else "the rules"

    @property
    def summary(self) -> str:
        """One line: who read the prompt and, when the model was asked but not used, why."""
        if self.by == "model" or not self.model:
            return f"read by {self.label}"
        return f"read by the rules ({self.provider} {self.model} was not used: {self.refused})"


class NodeSpec(Frozen):
    """Everything the prompt parser extracted: the single source for later stages."""

    name: str
    node_type: NodeType
    description: str
    operations: tuple[Operation, ...]
    subscribe_topics: tuple[Topic, ...] = ()
    publish_topics: tuple[Topic, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    metrics: tuple[Metric, ...] = ()
    performance: PerformanceTargets = PerformanceTargets()
    target: Target = Target.ONEX
    warnings: tuple[str, ...] = ()
    reading: Reading = Reading()  # who read the prompt: the rules, or a model
    options: GenerationOptions = Field(default_factory=lambda: GenerationOptions())
    style: StyleConfig | None = None  # the target repository's ruff configuration
    review: tuple[str, ...] = ()  # why the prompt was not understood (then validation fails)
    models: tuple[ModelSpec, ...] = ()  # nested models the fields refer to
    requirements: tuple[str, ...] = ()  # rules and steps stated in words, kept as written
    unplaced: tuple[str, ...] = ()  # identifiers the prompt names that no fact took
    # operation -> the model that wrote its handler's body (set by the written_logic stage)
    written_by_model: dict[str, str] = Field(default_factory=dict)


class Pattern(Frozen):
    """A design pattern from the intelligence stage."""

    name: str
    title: str
    score: float
    guidance: str


class Intelligence(Frozen):
    """Result of the intelligence stage."""

    enabled: bool
    source: str
    patterns: tuple[Pattern, ...] = ()
    warnings: tuple[str, ...] = ()
    needs_review: bool = False  # the remote RAG service failed; patterns came from the library


class GitHubTarget(Frozen):
    """Where a bot-mode request came from and where its pull request goes."""

    repository: str
    installation_id: int
    issue_number: int
    is_pull_request: bool = False
    branch: str | None = None  # set for refinements: update this branch (and its PR)
    comment_id: int
    requester: str
    head_sha: str
    check_run_id: int | None = None
    output_base: str = "nodes"
    source_root: str = ""  # where the node package goes in a src layout ("src"); tests at the root
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    draft: bool = False


class GenerationRequest(Frozen):
    """One request: the unit of a Dagster partition."""

    request_id: str
    prompt: str
    options: GenerationOptions = GenerationOptions()
    output_dir: str | None = None
    correlation_id: str
    github: GitHubTarget | None = None
    style: StyleConfig | None = None  # the target repository's ruff configuration
    llm: ModelChoice | None = None  # --llm, or the repository's ``llm:`` (over NODEGEN_LLM_*)
    model_lock: dict[str, Any] | None = None  # the answers a replay gives (a lock's ``model``)


class FileSet(Frozen):
    """Generated files keyed by POSIX path relative to the output root.

    ``create_only`` files (the ``__init__.py`` of enclosing packages) are written only where
    they do not exist yet: they belong to the repository.
    """

    files: dict[str, str] = Field(default_factory=dict)
    create_only: tuple[str, ...] = ()

    def merged(self, other: FileSet) -> FileSet:
        """Return a new set with ``other``'s files added or replacing ours."""
        return FileSet(
            files={**self.files, **other.files},
            create_only=tuple(sorted({*self.create_only, *other.create_only})),
        )


class CheckResult(Frozen):
    """Outcome of one validator."""

    name: str
    passed: bool
    weight: float
    duration_seconds: float
    output: str = ""
    skipped: bool = False
    advisory: bool = False  # shown, never scored nor failing the report
    # ran code the generator did not write (hand edits), which runs in the process that reports
    # the result: a pass from it is not verified
    untrusted_run: bool = False


class ModelAttempt(Frozen):
    """One answer of the model for a handler, and what became of it."""

    round: int  # 0: the first answer; then the repair rounds
    outcome: str  # passed, syntax, unsafe, rejected, failed, budget, error
    reason: str = ""  # the first thing said about it (one line)
    input_tokens: int = 0
    output_tokens: int = 0
    from_cache: bool = False


class ModelHandler(Frozen):
    """One handler the model was asked to write."""

    handler: str  # its path among the node's files
    operation: str
    written: bool
    reason: str  # what won, or why the placeholder stays
    seconds: float = 0.0
    attempts: tuple[ModelAttempt, ...] = ()


class ModelUsage(Frozen):
    """What the model did for one node: handlers, attempts, tokens, cost, time."""

    provider: str = ""
    model: str = ""
    mode: str = "off"
    requests: int = 0  # sent to the model
    cached: int = 0  # answered from the answer cache or the lock
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0
    handlers: tuple[ModelHandler, ...] = ()
    note: str = ""  # why the model was not asked (its settings, no sandbox)

    @property
    def tokens(self) -> int:
        """Input and output tokens together."""
        return self.input_tokens + self.output_tokens

    @property
    def written(self) -> int:
        """Handlers the model wrote."""
        return sum(h.written for h in self.handlers)

    def summary(self) -> str:
        """One line: the model, what it wrote, and what that took."""
        who = f"{self.provider} {self.model}".strip() or "the model"
        if self.note:
            return f"{who} ({self.mode}): {self.note}"
        cost = f", cost {self.cost:.4f}" if self.cost else ""
        return (
            f"{who} ({self.mode}): wrote {self.written} of {len(self.handlers)} handler(s); "
            f"{self.requests} request(s), {self.cached} from the cache, "
            f"{self.input_tokens}+{self.output_tokens} tokens{cost}, {self.seconds:.1f} s"
        )


class ValidationReport(Frozen):
    """All validator outcomes and the weighted quality score."""

    checks: tuple[CheckResult, ...]
    quality_score: float
    refined: bool = False
    coverage_pct: float | None = None  # of the node's code by its own tests
    max_complexity: int | None = None  # highest cyclomatic complexity of any function
    sandboxed: bool = False  # the validators ran under bubblewrap
    static_only: bool = False  # code the generator did not write, not executed (no sandbox)
    cached: bool = False  # the same files passed before with the same toolchain
    model_usage: ModelUsage | None = None  # when a model was configured: what it did

    @property
    def passed(self) -> bool:
        """True when every check that counts (not the advisory ones) passed."""
        return not self.failed

    @property
    def failed(self) -> list[str]:
        """Names of the checks that count (not the advisory ones) and failed."""
        return [check.name for check in self.checks if not check.passed and not check.advisory]

    @property
    def unverified(self) -> list[str]:
        """Names of the checks that ran code the generator did not write."""
        return [check.name for check in self.checks if check.untrusted_run]

    def check(self, name: str) -> CheckResult:
        """Return the check called ``name``."""
        return next(check for check in self.checks if check.name == name)


class ValidatedCode(Frozen):
    """Files (code and tests) with the validation report that holds for them."""

    files: FileSet
    report: ValidationReport


class RefinedCode(ValidatedCode):
    """Files after automatic fixes, with the report that holds for them."""

    fixed_files: tuple[str, ...] = ()


class WriteOutcome(Frozen):
    """Where files went: the output directory, or the artifact store when writing failed."""

    written: tuple[str, ...] = ()
    stored_in_artifact_store: bool = False
    error: str | None = None


class GenerationResult(BaseModel):
    """The seed's ``GenerationResult``, printed by ``--json``."""

    model_config = ConfigDict(extra="forbid")

    success: bool
    workflow_id: str
    correlation_id: str
    total_duration_seconds: float
    run_id: str = ""  # the Dagster run
    generated_files: list[str] = Field(default_factory=list)
    test_files: list[str] = Field(default_factory=list)
    test_file_count: int = 0
    quality_score: float = 0.0
    node_type: str = ""
    service_name: str = ""
    needs_review: bool = False
    warnings: list[str] = Field(default_factory=list)
    # each handler and what it does: "from the prompt", "delegates", or "to write" and what
    handlers: list[str] = Field(default_factory=list)
    model_usage: ModelUsage | None = None  # when a model was configured
    partial_success: bool = False
    generated_code_in_database: bool = False
    error_code: str | None = None
    error_message: str | None = None
