"""Prompts in the words people use: facts in sentences, lists inside prose, German and French;
what was understood, and prompts that were not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from codegen_assets.core.models import CheckResult, FieldType, NodeSpec, NodeType, ValidationReport
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.stages.validation_report import with_prompt_check
from codegen_assets.core.understanding.line_reader.review import NOT_UNDERSTOOD
from codegen_assets.core.understanding.line_reader.vocabulary import ADDED
from codegen_assets.core.understanding.understood import understood_markdown, understood_rows
from codegen_assets.core.validation.checks import PROMPT_CHECK
from tests.support.corpus import EVERY


def _ops(spec: NodeSpec) -> dict[str, list[str]]:
    return {op.name: [f.name for f in op.inputs] for op in spec.operations}


def _topics(spec: NodeSpec) -> tuple[list[str], list[str]]:
    return (
        [t.source_name for t in spec.subscribe_topics],
        [t.source_name for t in spec.publish_topics if t.source_name],
    )


def test_an_operation_with_inputs_and_output_inside_a_sentence() -> None:
    spec = parse_prompt(
        "Create an effect node for invoices. Operation settle_invoice: Input: invoice_id (uuid), "
        "amount (float). Output: InvoiceSettled. It needs billing_api (BillingApi) and "
        "audit_log (AuditLog, optional)."
    )
    (op,) = spec.operations
    assert op.name == "settle_invoice" and op.outcomes[0] == "InvoiceSettled"
    assert [(f.name, f.type) for f in op.inputs] == [
        ("invoice_id", FieldType.UUID),
        ("amount", FieldType.FLOAT),
    ]
    deps = {d.name: (d.client_type, d.required) for d in spec.dependencies}
    assert deps == {"billing_api": ("BillingApi", True), "audit_log": ("AuditLog", False)}
    assert spec.review == () and spec.warnings == ()


def test_prose_names_operations_inputs_and_topics() -> None:
    spec = parse_prompt(
        "We need a control-plane effect node named gateway_attach_effect. It has three "
        "operations: attach, heartbeat and detach. Each takes an access_token and an\n"
        "edge_instance_id. Requests arrive on onex.cmd.acme.gateway-attach.v1, and session "
        "changes are published on onex.evt.acme.gateway-session.v1."
    )
    assert _ops(spec) == {
        name: ["access_token", "edge_instance_id"] for name in ("attach", "heartbeat", "detach")
    }
    assert _topics(spec) == (
        ["onex.cmd.acme.gateway-attach.v1"],
        ["onex.evt.acme.gateway-session.v1"],
    )


def test_nested_field_descriptions_and_types_in_words() -> None:
    spec = parse_prompt(
        "A compute node totals_compute. Its total operation takes lines (list of objects with "
        "product and amount), whether it is final (is_final, a bool) and the time as now "
        "(a datetime), and returns the sum."
    )
    assert spec.name == "totals_compute" and spec.node_type is NodeType.COMPUTE
    (op,) = spec.operations
    assert [(f.name, f.type, f.is_list) for f in op.inputs] == [
        ("lines", FieldType.OBJECT, True),
        ("is_final", FieldType.BOOL, False),
        ("now", FieldType.DATETIME, False),
    ]


def test_terse_signatures_in_one_line() -> None:
    spec = parse_prompt(
        "slack_alerter effect: send_alert(severity, message, details: object) and "
        "send_message(message, channel); needs http_client (HttpClient)"
    )
    assert _ops(spec) == {
        "send_alert": ["severity", "message", "details"],
        "send_message": ["message", "channel"],
    }
    assert [d.name for d in spec.dependencies] == ["http_client"]


def test_bullets_numbered_steps_and_a_list_continued_on_the_next_line() -> None:
    spec = parse_prompt(
        "Effect node ledger_effect, appends events to the audit ledger.\n"
        "- append: topic, partition (int), kafka_offset (int),\n"
        "  event_key, event_value\n"
        "- query: look events up by topic\n"
        "1. purge: drop old events. Inputs: older_than (datetime), dry_run (bool).\n"
    )
    assert _ops(spec) == {
        "append": ["topic", "partition", "kafka_offset", "event_key", "event_value"],
        "query": ["payload"],
        "purge": ["older_than", "dry_run"],
    }


@pytest.mark.parametrize(
    ("prompt", "kind", "ops", "inputs", "subscribes"),
    [
        (
            "Erstelle einen Effect-Knoten merge_gate_effect.\n"
            "Operation: upsert_merge_gate\n"
            "Eingaben: gate_id (uuid), pr_ref, violations (Liste von Objekten), "
            "decided_at (datetime)\n"
            "Abonniert das Topic onex.evt.platform.merge-gate-decision.v1.\n",
            NodeType.EFFECT,
            ["upsert_merge_gate"],
            ["gate_id", "pr_ref", "violations", "decided_at"],
            ["onex.evt.platform.merge-gate-decision.v1"],
        ),
        (
            "Un reducer runtime_manifest_reducer qui enregistre chaque manifeste.\n"
            "Opération : insert_runtime_manifest\n"
            "Entrées : manifest (objet), dry_run (booléen)\n"
            "Il s'abonne au topic onex.evt.platform.runtime-manifest-published.v1.\n",
            NodeType.REDUCER,
            ["insert_runtime_manifest"],
            ["manifest", "dry_run"],
            ["onex.evt.platform.runtime-manifest-published.v1"],
        ),
    ],
)
def test_german_and_french_sections(
    prompt: str, kind: NodeType, ops: list[str], inputs: list[str], subscribes: list[str]
) -> None:
    spec = parse_prompt(prompt)
    assert spec.node_type is kind and list(_ops(spec)) == ops
    assert [f.name for f in spec.operations[0].inputs] == inputs
    assert _topics(spec)[0] == subscribes
    assert not any("unknown type" in w for w in spec.warnings)


def test_steps_in_a_sentence_and_inputs_of_the_command() -> None:
    spec = parse_prompt(
        "I want an orchestrator called chain_orchestrator. On a learn command with "
        "prompt_text, context (an object) and similarity_threshold (a float) it runs "
        "retrieve, then replay, then verify, then store."
    )
    rows = dict(understood_rows(spec))
    assert rows["steps"] == "retrieve → replay → verify → store"
    assert rows["inputs"] == "process: prompt_text, context, similarity_threshold"
    assert spec.review == ()


def test_text_that_is_not_a_field_is_named_in_a_warning() -> None:
    spec = parse_prompt(
        "Compute node scores_compute. Its rank operation takes scores (list of float) and "
        "all the other things we talked about."
    )
    assert _ops(spec) == {"rank": ["scores"]}
    assert any("'all the other things we talked about'" in w for w in spec.warnings)


def test_a_prompt_without_an_operation_needs_review_and_fails_validation() -> None:
    spec = parse_prompt("Create an effect node that stores things reliably")
    assert spec.review == (NOT_UNDERSTOOD,)
    table = understood_markdown(spec)
    assert "| operations | process |" in table and "**Needs review:**" in table
    passing = CheckResult(name="pytest", passed=True, weight=0.2, duration_seconds=1.0)
    report = with_prompt_check(ValidationReport(checks=(passing,), quality_score=1.0), spec)
    assert not report.passed and report.quality_score < 1.0
    assert NOT_UNDERSTOOD in report.check(PROMPT_CHECK).output
    understood = parse_prompt("Create an effect node with a store operation")
    assert with_prompt_check(report, understood).passed


def test_an_orchestrator_with_named_clients_is_understood() -> None:
    spec = parse_prompt(
        "Orchestrate user onboarding.\nDependencies:\n- account_client (AccountClient) - required\n"
    )
    assert [op.name for op in spec.operations] == ["process"] and spec.review == ()


def test_an_identifier_no_fact_took_is_named_in_a_warning() -> None:
    spec = parse_prompt(
        "An effect node, audit_writer_effect, with a save operation that writes rows to the "
        "audit_log table. Subscribes to onex.cmd.acme.audit-row.v1."
    )
    assert spec.name == "audit_writer_effect"
    (warning,) = [w for w in spec.warnings if "did not place" in w]
    assert "'audit_log'" in warning and "writes rows to the audit_log table" in warning


@pytest.mark.parametrize("entry", EVERY, ids=[e["id"] for e in EVERY])
def test_corpus_prompts_keep_their_facts(entry: dict[str, Any]) -> None:
    spec = parse_prompt(entry["prompt"])
    steps = [d.name for d in spec.dependencies if d.is_step]
    clients = [
        d.name for d in spec.dependencies if not d.is_step and not d.description.startswith(ADDED)
    ]
    assert spec.node_type.value == entry["type"] and spec.review == ()
    assert _ops(spec) == entry["ops"]
    assert steps == entry.get("steps", [])
    assert _topics(spec) == (entry.get("subscribe", []), entry.get("publish", []))
    assert clients == entry.get("deps", [])
    assert not [w for w in spec.warnings if "did not place" in w or "skipped" in w]


def test_names_the_ecosystem_gates_reject_are_avoided_or_flagged() -> None:
    spec = parse_prompt(
        "Effect node named mirror_effect: sync(partner_id, account_name: string, status: string); "
        "needs review_service (ReviewService)"
    )
    (op,) = spec.operations
    assert [(f.name, f.type) for f in op.inputs] == [
        ("partner_id", FieldType.UUID),  # untyped *_id: the ecosystem's UUID
        ("account_name", FieldType.STRING),
        ("status", FieldType.STRING),
    ]
    assert [d.client_type for d in spec.dependencies] == ["ReviewClient"]
    flagged = " ".join(spec.warnings)
    assert "'account_name' is a string" in flagged and "'status' is a string" in flagged
    assert "'ReviewService' is generated as 'ReviewClient'" in flagged


def _readme_examples() -> list[str]:
    """The example prompts of the docs' page on writing prompts (docs/cli/prompts.md)."""
    text = (Path(__file__).parents[2] / "docs" / "cli" / "prompts.md").read_text("utf-8")
    block = text.split("parses them from this page):\n\n```\n", 1)[1].split("\n```", 1)[0]
    return [paragraph for paragraph in block.split("\n\n") if paragraph.strip()]


@pytest.mark.parametrize("prompt", _readme_examples())
def test_the_readme_examples_give_nodes_without_warnings(prompt: str) -> None:
    spec = parse_prompt(prompt)
    assert spec.operations and not spec.review
    assert spec.warnings == (), spec.warnings
