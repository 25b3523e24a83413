"""What the body writer is given, and what it reports back."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from codegen_assets.core.logic.gateway import UsageTotals

Outcome = Literal[
    "passed",  # validation passed: this answer's body wins
    "syntax",  # did not parse: never ran
    "unsafe",  # broke a safety rule: never ran
    "rejected",  # no usable method in the answer (no code, another signature)
    "failed",  # ran in validation and failed
    "budget",  # not asked: a budget would be passed
    "error",  # the model could not be asked (after retries), or replay had no answer
]


class HandlerTask(BaseModel):
    """One handler method whose body the model writes.

    ``handler_source`` is the rendered handler file; the method to write holds the line
    ``answer_code.BODY_SENTINEL`` (``# nodegen: body to write``) in its body, which is replaced
    whole (the docstring stays). ``models`` and ``acceptance_tests`` map a path in the node to
    its source.
    """

    model_config = ConfigDict(frozen=True)

    node_type: Literal["compute", "effect", "reducer", "orchestrator"]
    node_name: str
    operation: str
    handler_path: str
    handler_source: str
    node_package: str | None = None  # dotted; absolute imports from it are the node's own
    models: dict[str, str] = Field(default_factory=dict)
    contract_yaml: str = ""
    prompt: str
    spec_yaml: str = ""
    acceptance_tests: dict[str, str] = Field(default_factory=dict)
    patterns: tuple[str, ...] = ()


class ValidationFeedback(BaseModel):
    """What the caller's validation said about a handler file with the body in place."""

    model_config = ConfigDict(frozen=True)

    passed: bool
    messages: list[str] = Field(default_factory=list)


class Attempt(BaseModel):
    """One round: the answer it got and what became of it."""

    model_config = ConfigDict(frozen=True)

    round: int  # 0: the first answer; 1..3: repair rounds
    outcome: Outcome
    reasons: list[str] = Field(default_factory=list)  # safety violations, rejections, errors
    validator_messages: list[str] = Field(default_factory=list)
    request_key: str = ""
    answer_hash: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    from_cache: bool = False


class BodyResult(BaseModel):
    """The body written for one handler, or why there is none (the placeholder stays)."""

    handler_path: str
    method: str
    body: str | None = None
    handler_source: str | None = None  # the file with the winning body in place
    attempts: list[Attempt] = Field(default_factory=list)
    usage: UsageTotals = Field(default_factory=UsageTotals)
    seconds: float = 0.0

    @property
    def written(self) -> bool:
        """Whether an answer passed validation."""
        return self.body is not None

    @property
    def repair_rounds(self) -> int:
        """Repair rounds used (0 when the first answer passed or nothing was asked)."""
        return max(len(self.attempts) - 1, 0)

    @property
    def reason(self) -> str:
        """One line for the report: what won, or why the placeholder stays."""
        if self.written:
            return f"written by the model in {len(self.attempts)} answer(s)"
        if not self.attempts:
            return "the model was not asked"
        last = self.attempts[-1]
        why = next(iter([*last.reasons, *last.validator_messages]), last.outcome)
        return f"placeholder kept after {len(self.attempts)} answer(s): {why}"
