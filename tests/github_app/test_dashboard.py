"""The dashboard issue: its rendering against a golden file, and what keeps it one issue."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dagster import DagsterInstance

from codegen_assets.core.models import GenerationOptions, NodeType, Target
from codegen_assets.core.rendering.provenance import LockFile, lock_text, sha256
from codegen_assets.orchestration.run_history import DagsterRunHistory
from codegen_assets.storage.dashboards import DashboardStore, LeaseTimeoutError
from codegen_assets.storage.registry import DeliveredNode, NodeRegistry, node_key
from github_app.dashboard import DashboardKeeper
from github_app.dashboard_view import (
    LABEL,
    MARKER,
    DashboardState,
    FailedRun,
    NodeRow,
    OpenPull,
    carried_notes,
    render_dashboard,
    ticked,
    with_notes,
)
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.issue_page import toggle_task
from github_app.demo.local import REPO
from github_app.settings import AppSettings

GOLDEN = Path(__file__).parents[1] / "data" / "dashboard.md"
STATE = DashboardState(
    repository="octo-org/hello",
    templates="4",
    regeneration="approve",
    max_open_pulls=10,
    nodes=(
        NodeRow(
            key="octo-org/hello:nodes/node_invoices_compute",
            path="nodes/node_invoices_compute",
            node_type="compute",
            generator_version="0.1.0",
            template_set="4",
            pr_number=100,
        ),
        NodeRow(
            key="octo-org/hello:nodes/node_ledger_effect",
            path="nodes/node_ledger_effect",
            node_type="effect",
            generator_version="0.1.0",
            template_set="3",
            pr_number=101,
        ),
        NodeRow(
            key="octo-org/hello:nodes/node_audit_effect",
            path="nodes/node_audit_effect",
            node_type="effect",
            generator_version="0.1.0",
            template_set="3",
            pr_number=102,
            requested_by="alice",
        ),
        NodeRow(
            key="octo-org/hello:nodes/node_digest_compute",
            path="nodes/node_digest_compute",
            node_type="compute",
            generator_version="0.1.0",
            template_set="3",
            pr_number=103,
            regenerated_for="4",
            regeneration_pr=104,
        ),
    ),
    failed=(
        FailedRun(
            request_id="risk_score-0123456789ab",
            issue_number=8,
            reason="stopped at `node_code`: RuntimeError: the templates\n exploded | <b>",
            comment_url="https://github.com/octo-org/hello/issues/8#issuecomment-1",
            run_url="http://localhost:3000/runs/0b5c",
        ),
    ),
    pulls=(
        OpenPull(number=101, title="Add generated effect node ledger_effect"),
        OpenPull(number=104, title="Regenerate digest_compute with templates v4"),
    ),
    notes=("2026-05-02 14:03 UTC · @alice ticked **regenerate** for `x`: requested",),
)


def test_dashboard_body_matches_the_golden_file() -> None:
    body = render_dashboard(STATE)
    assert body == GOLDEN.read_text("utf-8"), "the rendering changed: compare with the golden"
    assert render_dashboard(STATE) == body  # the same state, the same bytes: no edit


def test_dashboard_sections_come_and_go_with_the_state() -> None:
    bare = DashboardState(repository=REPO, templates="4")
    body = render_dashboard(bare)
    assert body.startswith(MARKER) and "## Delivered nodes\n\nNone yet." in body
    for heading in ("⚠️ Configuration problems", "Failed runs", "Stale nodes", "Recent actions"):
        assert f"## {heading}" not in body
    broken = bare.model_copy(update={"problems": (("regeneration", "Input should be 'auto'"),)})
    text = render_dashboard(broken)
    assert "## ⚠️ Configuration problems" in text
    assert text.index("Configuration problems") < text.index("Delivered nodes")
    assert "- `regeneration`: Input should be 'auto'" in text
    auto = STATE.model_copy(update={"regeneration": "auto", "max_open_pulls": 2})
    text = render_dashboard(auto)
    assert "nodegen:regenerate" not in text and "the template-drift sensor opens its PR" in text
    assert "The sensor waits: 2 pull requests are open (`max_open_pulls: 2`)." in text
    off = render_dashboard(STATE.model_copy(update={"regeneration": "off"}))
    assert "## Stale nodes" not in off and "stale (regeneration is off)" in off


def test_dashboard_ticks_and_notes_parse_back() -> None:
    body = render_dashboard(STATE)
    assert ticked(body) == set()  # rendered unticked, always
    boxes = body.count("- [ ] ")
    assert boxes == 3  # one retry, two regenerate (one already requested)
    once = toggle_task(body, 0)
    assert ticked(once) == {("retry", "risk_score-0123456789ab")}
    twice = toggle_task(once, 1)
    assert ticked(twice) == {
        ("retry", "risk_score-0123456789ab"),
        ("regenerate", "octo-org/hello:nodes/node_ledger_effect"),
    }
    assert toggle_task(twice, 1) == once
    assert carried_notes(body) == list(STATE.notes)
    notes = with_notes(carried_notes(body), ["first", "second"])
    assert notes[:3] == ("second", "first", STATE.notes[0])
    assert len(with_notes([f"n{i}" for i in range(30)], ["new"])) == 10  # bounded
    # A note cannot smuggle a box in: its HTML is escaped.
    sneaky = STATE.model_copy(update={"notes": ("[ ] x <!-- nodegen:retry:evil -->",)})
    assert ticked(toggle_task(render_dashboard(sneaky), 3)) == set()


# -- the issue on the fake GitHub ---------------------------------------------------------


def lock(template_set: str = "3") -> str:
    """A node's lock file, as a delivery with template set ``template_set`` wrote it."""
    prompt = "Effect node named ledger_effect that appends entries to a ledger."
    return lock_text(
        LockFile(
            generator_version="0.1.0",
            template_set=template_set,
            prompt=prompt,
            prompt_sha256=sha256(prompt),
            options=GenerationOptions(node_type=NodeType.EFFECT, target=Target.STANDALONE),
            node_name="ledger_effect",
            node_type="effect",
            patterns=(),
            files={},
        )
    )


def record_node(location: str, path: str = "nodes/node_ledger_effect") -> DeliveredNode:
    """A node the App delivered (in PR #42) with template set 3, in the registry."""
    node = DeliveredNode(
        key=node_key(REPO, path),
        repository=REPO,
        installation_id=42,
        path=path,
        node_name="ledger_effect",
        branch="nodegen/ledger_effect-0000000",
        pr_number=42,
        commit_sha="0" * 40,
        lock=lock(),
    )
    NodeRegistry(location).record(node)
    return node


def dashboards(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [
        i
        for i in fake.repos[REPO].live_issues()
        if MARKER in str(i.get("body")) and any(label["name"] == LABEL for label in i["labels"])
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The App's database, on each backend it supports."""
    if request.param == "sqlite":
        yield str(tmp_path / "webhooks.sqlite3")
    else:
        yield request.getfixturevalue("postgres_db")


def keeper(location: str) -> DashboardKeeper:
    """A keeper with its own engines, as another process would have."""
    return DashboardKeeper(AppSettings(), location, DagsterRunHistory(DagsterInstance.ephemeral()))


def test_two_events_at_once_never_make_two_dashboards(
    github_env: FakeGitHub, database: str
) -> None:
    record_node(database)
    keepers = [keeper(database) for _ in range(4)]
    start = threading.Barrier(len(keepers))
    urls: list[str | None] = []

    def refresh(k: DashboardKeeper) -> None:
        start.wait()
        urls.append(k.refresh(REPO, 42))

    threads = [threading.Thread(target=refresh, args=(k,)) for k in keepers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    (dashboard,) = dashboards(github_env)
    assert len(github_env.repos[REPO].issues) == 1
    assert set(urls) == {dashboard["html_url"]}
    assert github_env.violations == []


def test_the_dashboard_lease_is_held_by_one_holder_and_expires(database: str) -> None:
    store, other = DashboardStore(database), DashboardStore(database)
    with store.lease(REPO, 42, seconds=0.5) as holder:
        with pytest.raises(LeaseTimeoutError), other.lease(REPO, 42, wait=0.2):
            pass
        assert store.still_held(REPO, holder, seconds=0.5)
    with other.lease(REPO, 42, wait=0.2):  # released: at once
        pass
    with store.lease(REPO, 42, seconds=0.2), other.lease(REPO, 42, wait=5):
        pass  # a holder that stops answering loses the lease once it expires
    assert store.approve("k", REPO, "4", "alice") and not other.approve("k", REPO, "4", "bob")
    assert store.approvals(REPO)["k"].requested_by == "alice"
    assert store.claim_approvals(5) == ["k"] and other.claim_approvals(5) == []
    store.finish_approval("k")
    assert store.approvals(REPO) == {}


def test_an_unchanged_dashboard_is_not_edited(github_env: FakeGitHub, tmp_path: Path) -> None:
    location = str(tmp_path / "webhooks.sqlite3")
    assert keeper(location).refresh(REPO, 42) is None  # nothing delivered: no dashboard
    record_node(location)
    url = keeper(location).refresh(REPO, 42)
    (dashboard,) = dashboards(github_env)
    assert url == dashboard["html_url"]
    writes = [r for r in github_env.requests if r[0] in ("POST", "PATCH")]
    assert keeper(location).refresh(REPO, 42) == url
    assert [r for r in github_env.requests if r[0] in ("POST", "PATCH")] == writes
    record_node(location, "nodes/node_audit_effect")
    keeper(location).refresh(REPO, 42)
    patches = [r for r in github_env.requests if r[0] == "PATCH"]
    assert patches == [("PATCH", f"/repos/{REPO}/issues/{dashboard['number']}")]
    assert "`nodes/node_audit_effect`" in str(dashboards(github_env)[0]["body"])
    github_env.push(REPO, "main", {".github/nodegen.yml": "dashboard: false\n"}, "alice")
    assert keeper(location).refresh(REPO, 42) is None  # turned off: closed, not deleted
    assert github_env.repos[REPO].issues[int(str(dashboard["number"]))]["state"] == "closed"
    assert github_env.violations == []
