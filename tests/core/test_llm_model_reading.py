"""A configured model reads the prompt into the spec, against the loopback fake of both APIs:
its answer is used only when every name in it is the prompt's and it accounts for at least as
much of the prompt as the rules' reading; otherwise the rules' reading stands, with the reason.
Answers are cached and replayed like the body writer's."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codegen_assets.cli.generate import EXIT_OK, main
from codegen_assets.core.logic.wire import ChatRequest, Turn, request_key
from codegen_assets.core.models import (
    CheckResult,
    GenerationOptions,
    NodeSpec,
    NodeType,
    ValidationReport,
)
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.stages.read_prompt import read_prompt
from codegen_assets.core.stages.validation_report import with_prompt_check
from codegen_assets.core.understanding.model_reading import PromptWords, foreign_names
from codegen_assets.core.understanding.spec_file import dump_spec, load_spec
from codegen_assets.core.understanding.understood import understood_rows
from codegen_assets.core.validation.checks import PROMPT_CHECK
from tests.support.fake_llm import FakeLLM, answer, serving
from tests.support.llm_reading import FIELDS, RECORD, record_spec
from tests.support.llm_tasks import gateway_for, model_settings

VAT = (
    "A compute node named vat_compute. Operation gross takes net_amount (decimal) and "
    "vat_rate (decimal) and returns gross_amount (decimal)."
)


def prompt_check(spec: NodeSpec) -> CheckResult:
    passing = CheckResult(name="pytest", passed=True, weight=0.2, duration_seconds=1.0)
    report = with_prompt_check(ValidationReport(checks=(passing,), quality_score=1.0), spec)
    return report.check(PROMPT_CHECK)


def test_llm_model_reads_a_pasted_record_the_rules_cannot(tmp_path: Path) -> None:
    rules = parse_prompt(RECORD)
    assert rules.review and "haskell" in rules.review[0]  # the rules could not read the record
    fake = FakeLLM([answer(json.dumps(record_spec()))])
    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        spec = read_prompt(RECORD, gateway=gateway)
    assert spec.reading.by == "model" and spec.reading.label == "openai fake-coder"
    assert spec.review == () and spec.unplaced == ()
    (model,) = spec.models
    assert [(f.name, f.type.value) for f in model.fields] == [
        ("weight_kg", "decimal"),
        ("length_cm", "int"),
        ("destination_country", "string"),
    ]
    check = prompt_check(spec)
    assert check.passed and check.output == "read by openai fake-coder"
    assert ("read by", "openai fake-coder") in understood_rows(spec)
    assert "# Read by openai fake-coder." in dump_spec(spec)
    assert spec.operations[0].outcomes == ("QuoteShippingComputed",)  # as the rules name it
    (seen,) = fake.requests
    assert seen.body["temperature"] == 0
    assert seen.body["response_format"]["type"] == "json_schema"
    wanted = seen.body["response_format"]["json_schema"]
    assert wanted["name"] == "node_spec" and wanted["schema"]["title"] == "onex-nodegen node spec"
    assert RECORD.strip() in seen.body["messages"][1]["content"]
    assert '"spec_version"' in seen.body["messages"][0]["content"]  # the schema, in the prompt too


def test_llm_invented_field_is_refused_and_the_rules_reading_stands(tmp_path: Path) -> None:
    invented = [*FIELDS, {"name": "insurance_value", "type": "decimal"}]
    fake = FakeLLM([answer(json.dumps(record_spec(invented)))])
    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        spec = read_prompt(RECORD, gateway=gateway)
    rules = parse_prompt(RECORD)
    assert spec.reading.by == "rules" and spec.operations == rules.operations
    assert spec.review == rules.review and not prompt_check(spec).passed
    assert spec.reading.refused == "it names what the prompt does not: field 'insurance_value'"
    assert spec.reading.answer  # the refused answer is on record
    reason = "openai fake-coder's reading was not used: it names what the prompt does not"
    assert any(w.startswith(reason) for w in spec.warnings)
    row = dict(understood_rows(spec))["read by"]
    assert row.startswith("the rules (openai fake-coder was not used") and "insurance" in row
    assert "# Read by the rules (openai fake-coder was not used" in dump_spec(spec)


def test_llm_dropped_field_is_unplaced_and_needs_review(tmp_path: Path) -> None:
    fake = FakeLLM([answer(json.dumps(record_spec(FIELDS[:2])))])
    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        spec = read_prompt(RECORD, gateway=gateway)
    # two of the record's three fields held: more than the rules' none, so the model's reading
    assert spec.reading.by == "model"
    assert [u.split(" (in: ")[0] for u in spec.unplaced] == ["destinationCountry"]
    assert len(spec.review) == 1 and "destinationCountry" in spec.review[0]
    check = prompt_check(spec)
    assert not check.passed and "destinationCountry" in check.output


def test_llm_reading_that_accounts_for_less_than_the_rules_is_not_used(tmp_path: Path) -> None:
    rules = parse_prompt(VAT)
    assert rules.review == ()
    dropped = {
        "spec_version": 1,
        "name": "vat_compute",
        "node_type": "compute",
        "description": "VAT.",
        "operations": [
            {
                "name": "gross",
                "inputs": [{"name": "vat_rate", "type": "decimal"}],
                "outputs": [{"name": "gross_amount", "type": "decimal"}],
            }
        ],
    }
    fake = FakeLLM([answer(json.dumps(dropped))])
    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        spec = read_prompt(VAT, gateway=gateway)
    assert spec.reading.by == "rules" and spec.operations == rules.operations
    assert spec.reading.refused == (
        "its reading leaves 1 name(s) or block(s) of the prompt unaccounted for, the rules' 0"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Sure! Here is the spec: {name: shipping_quote, operations: [",
        json.dumps(record_spec(node_type="service")),
        "",
    ],
    ids=["not-json", "not-the-schema", "empty"],
)
def test_llm_malformed_answer_falls_back_to_the_rules(text: str, tmp_path: Path) -> None:
    fake = FakeLLM([answer(text)])
    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        spec = read_prompt(RECORD, gateway=gateway)
    assert spec.reading.by == "rules" and spec.review == parse_prompt(RECORD).review
    assert spec.reading.refused.startswith("its answer is not a spec: ")


def test_llm_unreachable_model_falls_back_to_the_rules(tmp_path: Path) -> None:
    settings = model_settings("http://127.0.0.1:9", max_attempts=1)  # nothing listens there
    with gateway_for(settings, tmp_path / "db") as gateway:
        spec = read_prompt(RECORD, gateway=gateway)
    assert spec.reading.by == "rules"
    assert spec.reading.refused.startswith("the model could not be asked: cannot reach")


def test_llm_replay_asks_nothing_and_gives_the_same_spec(tmp_path: Path) -> None:
    fake = FakeLLM([answer(json.dumps(record_spec()))])
    db = tmp_path / "db"
    with serving(fake) as url:
        with gateway_for(model_settings(url), db) as gateway:
            first = read_prompt(RECORD, gateway=gateway)
        with gateway_for(model_settings(url, mode="replay"), db) as gateway:
            again = read_prompt(RECORD, gateway=gateway)
            assert gateway.totals.requests == 0 and gateway.totals.cached == 1
        with gateway_for(model_settings(url, mode="replay"), tmp_path / "empty") as gateway:
            unrecorded = read_prompt(RECORD, gateway=gateway)
    assert len(fake.requests) == 1
    assert again == first and again.reading.by == "model"
    assert unrecorded.reading.by == "rules"
    assert "no recorded answer" in unrecorded.reading.refused


def test_llm_anthropic_reads_through_a_tool(tmp_path: Path) -> None:
    fake = FakeLLM([answer(json.dumps(record_spec()))], key="sk-ant-test")
    with serving(fake) as url:
        settings = model_settings(url, provider="anthropic", base_url=url, api_key="sk-ant-test")
        with gateway_for(settings, tmp_path / "db") as gateway:
            spec = read_prompt(RECORD, gateway=gateway)
    (seen,) = fake.requests
    assert seen.body["tool_choice"] == {"type": "tool", "name": "node_spec"}
    assert seen.body["tools"][0]["input_schema"]["title"] == "onex-nodegen node spec"
    assert spec.reading.by == "model" and spec.review == ()


def test_llm_server_without_structured_output_gets_the_schema_in_the_prompt(
    tmp_path: Path,
) -> None:
    fake = FakeLLM([answer(f"```json\n{json.dumps(record_spec())}\n```")], structured=False)
    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        spec = read_prompt(RECORD, gateway=gateway)
    (answered,) = fake.requests  # the first, with response_format, was refused 400
    assert "response_format" not in answered.body
    assert '"spec_version"' in answered.body["messages"][0]["content"]
    assert spec.reading.by == "model" and spec.review == ()


def test_llm_given_type_and_name_win_over_the_models(tmp_path: Path) -> None:
    options = GenerationOptions(node_type=NodeType.COMPUTE, name="parcel_pricing")
    fake = FakeLLM([answer(json.dumps(record_spec(node_type="effect")))])
    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        spec = read_prompt(RECORD, options, gateway=gateway)
    assert spec.reading.by == "model"
    assert spec.node_type is NodeType.COMPUTE and spec.name == parse_prompt(RECORD, options).name
    asked = fake.requests[0].body["messages"][1]["content"]
    assert "The node type is given: compute." in asked and "parcel_pricing" in asked


def test_llm_names_compare_without_case_separators_or_plural() -> None:
    words = PromptWords("Send the deviceToken; it returns the grand total of line items.")
    assert words.holds("device_token") and words.holds("DeviceToken")
    assert words.holds("grand_total") and words.holds("LineItem")
    assert not words.holds("device") and not words.holds("total_grand")
    terse = PromptWords("A compute node that validates an email address.")
    assert terse.names("validate_email") and not terse.holds("validate_email")
    assert not terse.names("send_email")
    spec = load_spec(
        "spec_version: 1\nname: email_check\nnode_type: compute\ndescription: x\n"
        "operations:\n- name: validate_email\n  inputs:\n  - name: email\n    type: string\n"
        "  outputs:\n  - name: verdict\n    type: string\n    enum: [valid, bogus]\n"
    )
    assert foreign_names(spec, "A compute node that validates an email; valid or not.") == [
        "field 'verdict'",
        "value 'bogus'",
        "node name 'email_check'",
    ]


def test_llm_request_key_of_a_request_without_schema_is_unchanged() -> None:
    request = ChatRequest(system="s", turns=(Turn(role="user", content="u"),), max_tokens=9)
    before = {  # the request as keyed before answer schemas existed (recorded locks replay)
        "provider": "openai",
        "model": "m",
        "request": {
            "system": "s",
            "turns": [{"role": "user", "content": "u"}],
            "max_tokens": 9,
            "temperature": 0.0,
        },
    }
    canonical = json.dumps(before, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert request_key("openai", "m", request) == hashlib.sha256(canonical.encode()).hexdigest()


def test_llm_explain_prints_the_models_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeLLM([answer(json.dumps(record_spec()))])
    monkeypatch.setenv("NODEGEN_HOME", str(tmp_path / "home"))
    with serving(fake) as url:
        monkeypatch.setenv("NODEGEN_LLM_MODE", "on")
        monkeypatch.setenv("NODEGEN_LLM_BASE_URL", f"{url}/v1")
        monkeypatch.setenv("NODEGEN_LLM_MODEL", "fake-reader")
        assert main([RECORD, "--explain"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "# Read by openai fake-reader." in printed
    assert [m.name for m in load_spec(printed).models] == ["Parcel"]
    assert len(fake.requests) == 1  # the pre-flight's answer, then the cache's


def test_llm_off_by_default_loads_no_http_client_and_asks_nothing() -> None:
    code = (
        "import sys\n"
        "from codegen_assets.cli.request import read_request\n"
        "from codegen_assets.core.models import GenerationOptions\n"
        f"spec = read_request({RECORD!r}, GenerationOptions())\n"
        "assert spec.reading.model == '' and spec.review, spec.reading\n"
        "print(sorted(m for m in ('httpx', 'sqlalchemy') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NODEGEN_LLM_")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_llm_bound_the_model_did_not_keep_is_named(tmp_path: Path) -> None:
    prompt = RECORD.replace("carrier (string)", "carrier (string, at most 20 characters)")
    fake = FakeLLM([answer(json.dumps(record_spec()))])  # carrier without max_length
    with serving(fake) as url, gateway_for(model_settings(url), tmp_path / "db") as gateway:
        spec = read_prompt(prompt, gateway=gateway)
    assert spec.reading.by == "model" and spec.unplaced == ()
    (reason,) = spec.review
    assert reason.startswith("the prompt says more of 1 field(s) than was read: carrier")
