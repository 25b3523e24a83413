"""``omninode-generate --from-contract``: an ONEX contract as the request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from codegen_assets.cli.generate import EXIT_INPUT, EXIT_OK, main
from codegen_assets.core.models import GenerationResult
from codegen_assets.core.understanding.spec_file import load_spec


def infra_contract(node: str) -> Path:
    infra = pytest.importorskip("omnibase_infra")
    return Path(infra.__file__).parent / "nodes" / node / "contract.yaml"


def test_explain_prints_the_contracts_spec(capsys: pytest.CaptureFixture[str]) -> None:
    path = infra_contract("node_decision_store_effect")
    assert main(["--from-contract", str(path), "--explain"]) == EXIT_OK
    spec = load_spec(capsys.readouterr().out)
    assert spec.name == "decision_store_effect"
    assert [op.handler for op in spec.operations] == [
        "HandlerWriteDecision",
        "HandlerWriteConflict",
    ]


def test_explain_reads_a_contract_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = infra_contract("node_rsd_orchestrator").read_bytes()

    class Stdin:
        buffer = __import__("io").BytesIO(text)

    monkeypatch.setattr("sys.stdin", Stdin)
    assert main(["--from-contract", "-", "--explain"]) == EXIT_OK
    assert load_spec(capsys.readouterr().out).operations[0].handler == "HandlerRsdInitiate"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from-contract", "{missing}"], "missing.yaml: no such file"),
        (["--from-contract", "{bad}"], "bad.yaml: node_type: 'GADGET' is not one of"),
        (["a prompt", "--from-contract", "{bad}"], "give exactly one of"),
    ],
)
def test_a_bad_contract_is_refused_before_any_run(
    args: list[str],
    message: str,
    nodegen_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: node_x_effect\nnode_type: GADGET\ninput_model: {name: M, module: m}\n")
    where = {"missing": tmp_path / "missing.yaml", "bad": bad}
    argv = [a.format(**where) for a in args]
    code = main([*argv, "--output-dir", str(tmp_path / "out"), "--json"])
    result = GenerationResult.model_validate(json.loads(capsys.readouterr().out))
    assert code == EXIT_INPUT and result.error_code == "INVALID_PROMPT"
    assert message in (result.error_message or "")
    assert not (tmp_path / "out").exists() and not (nodegen_home / "dagster").exists()


@pytest.mark.e2e
def test_from_contract_generates_the_node_the_contract_names(
    nodegen_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = infra_contract("node_decision_store_effect")
    argv = ["--from-contract", str(path), "--output-dir", str(tmp_path / "out"), "--json"]
    code = main(argv)
    result = GenerationResult.model_validate(json.loads(capsys.readouterr().out))
    assert code == EXIT_OK, result
    node = tmp_path / "out/node_decision_store_effect"
    contract = yaml.safe_load((node / "contract.yaml").read_text("utf-8"))
    assert contract["node_type"] == "EFFECT_GENERIC"
    assert [
        (e["operation"], e["handler"]["name"]) for e in contract["handler_routing"]["handlers"]
    ] == [
        ("decision_store.write_decision", "HandlerWriteDecision"),
        ("decision_store.write_conflict", "HandlerWriteConflict"),
    ]
    handler = (node / "handlers/handler_write_conflict.py").read_text("utf-8")
    assert "class HandlerWriteConflict:" in handler
    request = (node / "models/model_payload_write_conflict.py").read_text("utf-8")
    assert "class ModelPayloadWriteConflict(BaseModel):" in request  # the contract's model
    assert "structural_confidence: float" in request
