"""``omninode-github demo``: a pull request on a local fake GitHub, shown as a person reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_assets.cli.github import main
from codegen_assets.core.pipeline import STAGES

pytestmark = pytest.mark.e2e
DEMO_ENV = ("API_URL", "APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET")


@pytest.fixture
def demo_env(nodegen_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo sets the App's variables for its fake GitHub; put them back afterwards."""
    for name in DEMO_ENV:
        monkeypatch.setenv(f"NODEGEN_GITHUB_{name}", "")


def test_demo_shows_progress_and_what_the_pull_request_changed(
    demo_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    ticks = [line.strip()[2:] for line in out.splitlines() if line.startswith("  ✓ ")]
    assert ticks == list(STAGES)  # each stage as the check run ticked it, in order
    assert "pull request #" in out and "labels     generated-node" in out
    assert "reviewers  alice" in out
    assert "check run  onex-nodegen: completed, success" in out
    assert "    nodes/node_ledger_effect/contract.yaml" in out
    assert "README.md" not in out  # the repository had it already: not a change
    assert "placeholders" in out and "OpenAPI violations: none" in out


def test_demo_creates_and_updates_the_dashboard(
    demo_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "dashboard issue #500: onex-nodegen dashboard" in out
    assert "/_ui/octo-org/hello/issues/500 (while the demo runs)" in out
    assert "| `nodes/node_ledger_effect` | effect |" in out and "| #100 | — | current |" in out
    broken, fixed = out.split("push of a broken")[1].split("push of the fixed")
    assert "- `regeneration`: Input should be 'auto', 'approve' or 'off'" in broken
    assert "no configuration problems" in fixed and "OpenAPI violations: none" in out


def test_demo_timeout_says_so_and_shuts_down_cleanly(
    demo_env: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Full validation (the other demo's report is not reused): the run cannot finish in 1 s.
    monkeypatch.setenv("NODEGEN_VALIDATION_CACHE", "false")
    assert main(["demo", "--timeout", "1"]) == 1
    captured = capsys.readouterr()
    assert "no pull request within the 1 s timeout" in captured.err
    assert "Traceback" not in captured.err
