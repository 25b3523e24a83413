"""The written_logic stage with the loopback fake, where nothing should run: a hostile answer
is rejected before validation sees it, and a spent budget asks nothing; either way the
placeholder stays and the report says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_assets.core import pipeline
from codegen_assets.core.models import (
    FileSet,
    GenerationOptions,
    GenerationRequest,
    RefinedCode,
    StyleConfig,
    ValidationReport,
)
from codegen_assets.core.stages.written_logic import WrittenLogic
from codegen_assets.core.validation.markdown import report_markdown
from tests.support.fake_llm import FakeLLM, code_answer, serving
from tests.support.llm_tasks import (
    VAT_HANDLER,
    VAT_HOSTILE,
    VAT_PROMPT,
    gateway_for,
    model_settings,
)

OPTIONS = GenerationOptions(enable_intelligence=False)


class NeverRun:
    """A validator that records what reached it: nothing may, here."""

    def __init__(self) -> None:
        self.checked: list[FileSet] = []

    def check(self, files: FileSet, style: StyleConfig | None = None) -> ValidationReport:
        self.checked.append(files)
        raise AssertionError("the model's code reached validation")

    def check_merged(self, files: FileSet, style: StyleConfig | None = None) -> ValidationReport:
        return self.check(files, style)

    def refine(
        self, files: FileSet, report: ValidationReport, style: StyleConfig | None = None
    ) -> RefinedCode:
        raise AssertionError("not refined here")


def written(fake: FakeLLM, db: Path, **settings: object) -> tuple[FileSet, WrittenLogic, NeverRun]:
    """The VAT node as rendered, and as the stage leaves it with ``fake`` answering."""
    request = GenerationRequest(
        request_id="vat", correlation_id="vat", prompt=VAT_PROMPT, options=OPTIONS
    )
    spec, intel, files = pipeline.stage_outputs(VAT_PROMPT, OPTIONS)
    validator = NeverRun()
    with serving(fake) as url, gateway_for(model_settings(url, **settings), db) as gateway:
        logic = pipeline.written_logic(request, spec, intel, files, validator, gateway)
    return files, logic, validator


def test_llm_hostile_answer_for_a_node_is_rejected_before_it_runs(tmp_path: Path) -> None:
    fake = FakeLLM([code_answer(VAT_HOSTILE)] * 2)  # the same answer again ends the rounds
    files, logic, validator = written(fake, tmp_path / "db")
    assert validator.checked == []  # never validated, so never run
    assert logic.files == files and "NOT_WRITTEN" in logic.files.files[VAT_HANDLER]
    assert logic.written_by_model == {}
    assert logic.usage is not None
    (handler,) = logic.usage.handlers
    assert not handler.written and handler.handler == VAT_HANDLER
    assert [a.outcome for a in handler.attempts] == ["unsafe", "unsafe"]
    assert "os" in handler.attempts[0].reason and "placeholder kept" in handler.reason
    # the repair request told the model which lines broke which rule
    assert "socket" in fake.requests[1].body["messages"][-1]["content"]
    # the lock records the answers, so a replay walks the same way
    assert logic.lock is not None
    assert [a["outcome"] for a in logic.lock["answers"]] == ["unsafe", "unsafe"]


def test_llm_budget_spent_keeps_the_placeholder_and_the_report_says_why(
    tmp_path: Path,
) -> None:
    fake = FakeLLM([code_answer(VAT_HOSTILE)])
    files, logic, validator = written(fake, tmp_path / "db", daily_token_budget=500)
    assert fake.requests == [] and validator.checked == []
    assert logic.files == files and logic.lock is None  # nothing was answered
    assert logic.usage is not None and logic.usage.requests == 0
    (handler,) = logic.usage.handlers
    assert [a.outcome for a in handler.attempts] == ["budget"]
    assert "NODEGEN_LLM_DAILY_TOKEN_BUDGET" in handler.reason
    report = ValidationReport(checks=(), quality_score=0.0, model_usage=logic.usage)
    markdown = report_markdown(report, [], [])
    assert "**Model:** openai fake-coder (on): wrote 0 of 1 handler(s)" in markdown
    assert "NODEGEN_LLM_DAILY_TOKEN_BUDGET" in markdown
    # posted in public (a pull request): our own words
    assert "gross: placeholder kept after 1 answer(s) (not asked: a budget would be passed)" in (
        report_markdown(report, [], [], public=FileSet())
    )


@pytest.mark.parametrize("mode", ["off", "on"])
def test_llm_stage_without_a_gateway_passes_the_files_through(mode: str) -> None:
    request = GenerationRequest(
        request_id="vat", correlation_id="vat", prompt=VAT_PROMPT, options=OPTIONS
    )
    spec, intel, files = pipeline.stage_outputs(VAT_PROMPT, OPTIONS)
    note = "" if mode == "off" else "not asked: NODEGEN_LLM_MODE=on needs NODEGEN_LLM_MODEL"
    logic = pipeline.written_logic(
        request, spec, intel, files, NeverRun(), None, note=note, mode=mode
    )
    assert logic.files == files and logic.lock is None
    if mode == "off":  # nothing at all in the report
        assert logic.usage is None
    else:  # configured but unusable: the report says why
        assert logic.usage is not None and logic.usage.note == note
