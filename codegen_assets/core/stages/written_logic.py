"""Written logic stage: when a model is configured, it writes the body of each compute handler
the prompt did not say enough to derive ("to write"), and each answer is kept only when the
whole node, with that handler in place, passes its validation.

For each such handler, in the order of the operations: the node is rendered with the handler
as a skeleton (its method marked ``BODY_SENTINEL``) and with the tests of a handler that computes
its result (the placeholder's tests expect it to refuse); the body writer asks, checks the answer
before it runs (``logic.safety``) and calls ``validate``, which formats the handler as the
repository formats code and runs every check on the node (``check``: the validators of the
pipeline, with their caches). Checks that fail only because of other handlers still to write
(the behaviour check naming them, their own examples) do not count against this one. What the
validators say goes back to the model for the repair rounds; without a passing answer the
placeholder stays and the report says why. The files are then those of the node rendered with
the handlers the model wrote, each with its winning body: the same prompt, options and answers
give the same bytes, so a replay from ``nodegen.lock`` is byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import Field

from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.logic.body_writer import Validate, lock_record, write_body
from codegen_assets.core.logic.gateway import ModelGateway
from codegen_assets.core.logic.task import BodyResult, HandlerTask, ValidationFeedback
from codegen_assets.core.models import (
    FileSet,
    Frozen,
    ModelAttempt,
    ModelHandler,
    ModelUsage,
    NodeSpec,
    Operation,
    ValidationReport,
)
from codegen_assets.core.plan import plan_node
from codegen_assets.core.rendering.render import finish
from codegen_assets.core.understanding.behaviour import model_writable
from codegen_assets.core.understanding.spec_file import dump_spec
from codegen_assets.core.validation.checks import ACCEPTANCE_CHECK, ACCEPTANCE_DIR, BEHAVIOUR_CHECK
from codegen_assets.core.validation.style import StyleConfigError

Check = Callable[[FileSet], ValidationReport]  # every check on a node's files
Render = Callable[[NodeSpec], FileSet]  # a node's files, contract to tests, for a spec
NO_SANDBOX = (
    "not asked: there is no sandbox (bubblewrap) here, and a model's code never runs outside one"
)
_EXAMPLE = re.compile(r"::test_(?P<op>\w+)_example_\d+")
_WORKSPACE = re.compile(r"(?:/[\w.+-]+)+/repo/")  # the validators' private copy
_PROBLEM = re.compile(r"^(?:FAILED|ERROR) |: error: |\b[A-Z]{1,4}\d{3,4}\b")
MAX_MESSAGE_CHARS = 2_000  # of one check's output, for the repair request


class WrittenLogic(Frozen):
    """The node's files with the handlers a model wrote, and what the model did."""

    files: FileSet
    written_by_model: dict[str, str] = Field(default_factory=dict)  # operation -> model
    usage: ModelUsage | None = None  # None: no model configured
    lock: dict[str, Any] | None = None  # ``lock_record``: what nodegen.lock keeps


def to_write(spec: NodeSpec) -> list[Operation]:
    """The operations whose handler a model may write."""
    return [op for op in spec.operations if model_writable(spec, op)]


def handler_path(spec: NodeSpec, operation: str) -> str:
    """The handler module of ``operation`` among the node's files."""
    layout = NodeLayout.of(spec, spec.options.package)
    plan = plan_node(spec, layout)
    found = next(op for op in plan.operations if op.name == operation)
    return layout.path(f"{found.handler_module}.py")


def write_logic(
    prompt: str,
    spec: NodeSpec,
    files: FileSet,
    *,
    gateway: ModelGateway | None,
    render: Render,
    check: Check,
    patterns: Sequence[str] = (),
    note: str = "",
    mode: str = "on",
) -> WrittenLogic:
    """``files`` with the handlers ``gateway``'s model wrote (``files`` themselves without a
    gateway; then ``note`` says why the model was not asked, if one was configured)."""
    operations = to_write(spec)
    if not operations:
        return WrittenLogic(files=files)
    if gateway is None:
        usage = ModelUsage(mode=mode, note=note) if note else None
        return WrittenLogic(files=files, usage=usage)
    model = gateway.model
    written: dict[str, str] = {}  # operation -> its handler file, the winning body in place
    results: list[tuple[str, BodyResult]] = []
    for op in operations:
        others = [o.name for o in operations if o.name != op.name and o.name not in written]
        trial_spec = _written(spec, [*written, op.name], model)
        trial = _in_place(render(trial_spec), spec, written)
        task = handler_task(prompt, trial_spec, op, trial, patterns)
        formatted: dict[str, str] = {}  # the handler as the model's body gave it -> formatted
        validate = validator(spec, trial, op.name, others, check, formatted)
        result = write_body(task, gateway, validate)
        if result.written and result.handler_source is not None:
            written[op.name] = formatted[result.handler_source]
        results.append((op.name, result))
    final = files
    if written:
        final = _in_place(render(_written(spec, list(written), model)), spec, written)
    asked = [result for _, result in results]
    record = lock_record(asked, gateway)
    return WrittenLogic(
        files=final,
        written_by_model=dict.fromkeys(written, model),
        usage=model_usage(gateway, results),
        lock=record if record["answers"] else None,
    )


def validator(
    spec: NodeSpec,
    files: FileSet,
    operation: str,
    others: Sequence[str],
    check: Check,
    formatted: dict[str, str],
) -> Validate:
    """The body writer's ``validate`` for ``operation``'s handler: the handler formatted as the
    repository formats code (kept in ``formatted``), put among ``files``, every check run."""
    path = handler_path(spec, operation)

    def validate(source: str) -> ValidationFeedback:
        try:
            text = finish(FileSet(files={path: source}), spec).files[path]
        except StyleConfigError as exc:
            return ValidationFeedback(passed=False, messages=[str(exc)])
        formatted[source] = text
        candidate = files.merged(FileSet(files={path: text}))
        return feedback(check(candidate), spec, operation, others)

    return validate


def _written(spec: NodeSpec, operations: Sequence[str], model: str) -> NodeSpec:
    return spec.model_copy(update={"written_by_model": dict.fromkeys(operations, model)})


def _in_place(files: FileSet, spec: NodeSpec, written: Mapping[str, str]) -> FileSet:
    """``files`` with each written handler's file (the skeleton replaced by the winner)."""
    handlers = {handler_path(spec, op): text for op, text in written.items()}
    return files.merged(FileSet(files=handlers))


def handler_task(
    prompt: str, spec: NodeSpec, op: Operation, files: FileSet, patterns: Sequence[str] = ()
) -> HandlerTask:
    """What the model is given for ``op``: the skeleton, the contract, the models, the prompt,
    the understood spec, the tests it must pass (the handler's own, the prompt's examples) and
    the matching patterns."""
    layout = NodeLayout.of(spec, spec.options.package)
    path = handler_path(spec, op.name)
    module = path.rsplit("/", 1)[1]
    models = f"{layout.node_dir}/models/"
    tests = {
        name: text
        for name, text in files.files.items()
        if name == layout.test_path(f"test_{module}")
        or (name.startswith(f"{ACCEPTANCE_DIR}/") and name.endswith("/test_examples.py"))
    }
    return HandlerTask(
        node_type="compute",
        node_name=layout.name,
        operation=op.name,
        handler_path=path,
        handler_source=files.files[path],
        node_package=layout.import_root,
        models={
            name: text
            for name, text in files.files.items()
            if name.startswith(models) and not name.endswith("__init__.py")
        },
        contract_yaml=files.files.get(layout.path("contract.yaml"), ""),
        prompt=prompt,
        spec_yaml=dump_spec(spec),
        acceptance_tests=tests,
        patterns=tuple(patterns),
    )


def feedback(
    report: ValidationReport, spec: NodeSpec, operation: str, others: Sequence[str]
) -> ValidationFeedback:
    """The validation's verdict on ``operation``'s handler: every scored check passes, but for
    failures that only the handlers of ``others`` (still to write) cause."""
    placeholders = {handler_path(spec, o).rsplit("/", 1)[1].removesuffix(".py") for o in others}
    messages = []
    for check in report.checks:
        if check.passed or check.advisory:
            continue
        if check.name == BEHAVIOUR_CHECK and _only_placeholders(check.output, placeholders):
            continue
        if check.name == ACCEPTANCE_CHECK and _only_examples_of(check.output, set(others)):
            continue
        output = _WORKSPACE.sub("", check.output).strip()
        head = f"{check.name} failed: {_first_problem(output)}".rstrip(": ")
        messages.append(f"{head}\n{output[-MAX_MESSAGE_CHARS:]}" if output else head)
    return ValidationFeedback(passed=not messages, messages=messages)


def _first_problem(output: str) -> str:
    """The line of a check's output that names what is wrong: pytest's summary line, mypy's
    first error, ruff's first rule, else the last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    named = [line for line in lines if _PROBLEM.search(line)]
    return (named[:1] or lines[-1:] or [""])[0][:200]


def _only_placeholders(output: str, placeholders: set[str]) -> bool:
    left = [line.split(":", 1)[0] for line in output.splitlines() if ": to write" in line]
    return bool(left) and set(left) <= placeholders


def _only_examples_of(output: str, others: set[str]) -> bool:
    failed = {m.group("op") for line in output.splitlines() if "FAILED" in line
              for m in [_EXAMPLE.search(line)] if m}  # fmt: skip
    return bool(failed) and failed <= others


def model_usage(gateway: ModelGateway, results: Sequence[tuple[str, BodyResult]]) -> ModelUsage:
    """The report's account of what ``gateway``'s model did for the node."""
    totals = gateway.totals
    return ModelUsage(
        provider=gateway.provider,
        model=gateway.model,
        mode=gateway.settings.mode,
        requests=totals.requests,
        cached=totals.cached,
        input_tokens=totals.input_tokens,
        output_tokens=totals.output_tokens,
        cost=round(totals.cost, 6),
        seconds=round(totals.seconds, 3),
        handlers=tuple(
            ModelHandler(
                handler=result.handler_path,
                operation=operation,
                written=result.written,
                reason=result.reason,
                seconds=round(result.seconds, 3),
                attempts=tuple(
                    ModelAttempt(
                        round=a.round,
                        outcome=a.outcome,
                        reason=next(iter([*a.reasons, *a.validator_messages]), "")[:300],
                        input_tokens=a.input_tokens,
                        output_tokens=a.output_tokens,
                        from_cache=a.from_cache,
                    )
                    for a in result.attempts
                ),
            )
            for operation, result in results
        ),
    )
