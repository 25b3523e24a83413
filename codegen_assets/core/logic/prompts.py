"""What the model is asked: a system prompt with the rules, the task with everything the
generator knows about the handler, and repair messages carrying what the checks said."""

from __future__ import annotations

import re
from collections.abc import Sequence

from codegen_assets.core.logic.answer_code import BODY_SENTINEL, Target
from codegen_assets.core.logic.safety import MAX_COMPLEXITY, NEVER, PURE_STDLIB, THIRD_PARTY
from codegen_assets.core.logic.task import HandlerTask

MAX_FEEDBACK_CHARS = 6_000
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
_DURATION = re.compile(r" in \d+(?:\.\d+)?s\b")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")
_PURITY = {
    "compute": "The node is pure and deterministic: no I/O, no clock, no randomness.",
    "effect": "All I/O goes through the protocols the handler holds; nothing else is reached.",
    "reducer": "Fold events into state deterministically; no I/O besides the given protocols.",
    "orchestrator": "Coordinate through the given protocols only; no other I/O.",
}


def system_prompt(task: HandlerTask, target: Target) -> str:
    """The rules every answer must follow."""
    own = "the node's own modules (relative imports such as `from ..models.x import Y`)"
    if task.node_type != "compute":
        own += " and its protocols (`from ..protocols.x import P`)"
    return "\n".join(
        [
            "You write the body of one Python method of a generated ONEX node.",
            "Answer with exactly one ```python code block holding the complete method: its "
            f"`def` line exactly as given (`{_one_line(target.signature)}`), then the body. "
            "No other text.",
            "Rules:",
            "- Python 3.12, fully typed: it must pass mypy --strict, ruff and the tests.",
            f"- {_PURITY.get(task.node_type, _PURITY['effect'])}",
            f"- Import only {', '.join(sorted(PURE_STDLIB | THIRD_PARTY))} and {own}. "
            f"Never {', '.join(sorted(NEVER)[:16])}, ...",
            "- Never eval, exec, compile, open, __import__, globals, locals, vars, setattr, "
            "delattr, breakpoint, input, getattr with a computed name, or any __dunder__.",
            f"- Cyclomatic complexity at most {MAX_COMPLEXITY} per function.",
            "- Return the result model; reject invalid input by raising ValueError with a "
            "message naming the field.",
            "- Use Decimal for money; keep names and types of the models as they are.",
        ]
    )


def task_prompt(task: HandlerTask, target: Target) -> str:
    """The task with its whole context."""
    parts = [
        f"## The node\n{task.node_name}: a {task.node_type} node. Operation "
        f"`{task.operation}`, handled by `{target.name}` in `{task.handler_path}`.",
        f"## What the user asked\n{task.prompt.strip()}",
    ]
    if task.spec_yaml.strip():
        parts.append(f"## What the generator understood\n```yaml\n{task.spec_yaml.strip()}\n```")
    if task.contract_yaml.strip():
        parts.append(f"## The contract\n```yaml\n{task.contract_yaml.strip()}\n```")
    for path, source in sorted(task.models.items()):
        parts.append(f"## Model `{path}`\n```python\n{source.strip()}\n```")
    parts.append(
        f"## The handler file `{task.handler_path}`\nThe method to write is the one marked "
        f"`{BODY_SENTINEL}`.\n```python\n{task.handler_source.strip()}\n```"
    )
    for path, source in sorted(task.acceptance_tests.items()):
        parts.append(f"## Tests it must pass: `{path}`\n```python\n{source.strip()}\n```")
    if task.patterns:
        parts.append("## Patterns to follow\n" + "\n".join(f"- {p}" for p in task.patterns))
    parts.append(
        f"Write `{_one_line(target.signature)}` now: the complete method in one ```python block."
    )
    return "\n\n".join(parts)


def repair_prompt(
    problems: Sequence[str],
    validator_messages: Sequence[str],
    target: Target,
    *,
    round_number: int = 1,
    rounds: int = 1,
) -> str:
    """What was wrong with the last answer, for repair round ``round_number`` of ``rounds``."""
    parts = [f"Your method was not accepted (repair round {round_number} of {rounds})."]
    if problems:
        parts.append("Rejected before running it:\n" + "\n".join(f"- {p}" for p in problems))
    if validator_messages:
        text = _bounded(stable("\n".join(validator_messages)))
        parts.append(
            "The validators said (line numbers are those of the handler file with your body "
            f"in place):\n```\n{text}\n```"
        )
    parts.append(
        f"Answer again with the whole corrected `{target.name}` method in one ```python block."
    )
    return "\n\n".join(parts)


def stable(text: str) -> str:
    """``text`` without what changes from run to run (object addresses, durations, UUIDs such
    as a request's fresh correlation id), so the same failure gives the same repair request and
    a replay finds its recorded answer."""
    text = _ADDRESS.sub("0x...", text)
    text = _UUID.sub("<uuid>", text)
    return _DURATION.sub("", text)


def _bounded(text: str) -> str:
    if len(text) <= MAX_FEEDBACK_CHARS:
        return text
    return text[:MAX_FEEDBACK_CHARS] + f"\n... ({len(text) - MAX_FEEDBACK_CHARS} more characters)"


def _one_line(signature: str) -> str:
    return " ".join(signature.split())
