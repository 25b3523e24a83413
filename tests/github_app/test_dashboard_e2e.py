"""The dashboard end to end on the fake GitHub: signed deliveries (``issues.edited`` shaped like
@octokit/webhooks-examples, as GitHub sends when a person ticks a box) → triage → runs → the
issue, as a maintainer reads it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dagster import DagsterInstance, SensorResult, build_sensor_context
from starlette.testclient import TestClient

from codegen_assets.cli.github import in_process_runner, run_history
from codegen_assets.core import version
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import FileSet, GenerationOptions, NodeType, Target
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.rendering.provenance import LOCK_FILE
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages.node_code import render_node_code
from codegen_assets.orchestration.dashboard import REFRESH_JOB
from codegen_assets.orchestration.deployments import build_definitions
from codegen_assets.orchestration.drift import REGENERATE_JOB, template_drift_sensor
from codegen_assets.orchestration.resources import GitHubResource, RequestQueueResource
from codegen_assets.storage.registry import DeliveredNode, NodeRegistry, node_key
from github_app.dashboard_view import MARKER
from github_app.demo.fake_github import FakeGitHub, issues_payload
from github_app.demo.local import REPO, SECRET, comment_payload, push_payload, signed, wait_for
from github_app.server import WebhookService
from github_app.settings import AppSettings
from tests.conftest import share_caches
from tests.github_app.test_dashboard import record_node
from tests.github_app.test_github_e2e import NODE, PROMPT, runs_done
from tests.github_app.test_regeneration import new_templates

pytestmark = pytest.mark.e2e
__all__ = ["new_templates"]  # the fixture (template set v99), used by name below
CONFIG = ".github/nodegen.yml"


@pytest.fixture
def app(
    github_env: FakeGitHub, tmp_path: Path, shared_mypy_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, WebhookService]]:
    """The served App as ``omninode-github serve`` wires it: warm launcher and dashboards."""
    share_caches(monkeypatch, shared_mypy_cache)
    nodegen = NodegenSettings(home=tmp_path / "home")
    service = WebhookService(
        nodegen, AppSettings(), runner=in_process_runner(nodegen), runs=run_history(nodegen)
    )
    with TestClient(service.app) as client:
        yield client, service


def send(client: TestClient, payload: dict[str, Any], event: str) -> None:
    body, headers = signed(payload, event)
    assert client.post("/webhook", content=body, headers=headers).status_code == 202


def triaged(service: WebhookService, n: int) -> None:
    wait_for(lambda: service.queue.counts().get("deliveries.done", 0) >= n, 60, "triage")


def the_dashboard(fake: FakeGitHub) -> dict[str, Any]:
    (issue,) = [i for i in fake.repos[REPO].live_issues() if MARKER in str(i.get("body"))]
    return issue


def box(issue: dict[str, Any], text: str) -> int:
    """The index of the task box whose line contains ``text``."""
    boxes = [line for line in str(issue["body"]).splitlines() if line.startswith("- [")]
    (index,) = [i for i, line in enumerate(boxes) if text in line]
    return index


def test_a_dashboard_appears_after_the_first_delivered_node(
    app: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = app
    send(client, comment_payload("/generate-node help"), "issue_comment")
    triaged(service, 1)
    assert github_env.repos[REPO].issues == {}  # nothing delivered yet: no dashboard
    send(client, comment_payload(PROMPT), "issue_comment")
    runs_done(service, 1)
    issue = the_dashboard(github_env)
    (pull,) = github_env.repos[REPO].pulls.values()
    body = str(issue["body"])
    assert issue["title"] == "onex-nodegen dashboard"
    assert [label["name"] for label in issue["labels"]] == ["onex-nodegen-dashboard"]
    row = f"| `{NODE}` | compute | {version.GENERATOR_VERSION} | v4 | #{pull['number']} | — |"
    assert f"{row} current |" in body
    assert f"## Open pull requests\n\n- #{pull['number']} {pull['title']}" in body
    assert "## Failed runs" not in body and "## Stale nodes" not in body
    assert github_env.violations == []


def test_a_ticked_retry_starts_exactly_one_run_and_resets_the_box(
    app: tuple[TestClient, WebhookService],
    github_env: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, service = app
    send(client, comment_payload(PROMPT), "issue_comment")
    runs_done(service, 1)
    broken = [True]
    real = render_node_code

    def render_unless_broken(*args: Any) -> FileSet:
        if broken:
            raise RuntimeError("the templates exploded")
        return real(*args)

    monkeypatch.setattr(
        "codegen_assets.orchestration.assets.render_node_code", render_unless_broken
    )
    prompt = "/generate-node --type compute Score risk for loans with assess operations"
    send(client, comment_payload(prompt, issue=8), "issue_comment")
    runs_done(service, 2)
    issue = the_dashboard(github_env)
    body = str(issue["body"])
    (failed,) = [line for line in body.splitlines() if "**retry**" in line]
    request_id = failed.split("`")[1]
    assert failed.startswith(f"- [ ] **retry** `{request_id}` from #8: stopped at `node_code`")
    # a crash is posted as its exception's type only: its message may quote what it read
    crash = "RuntimeError (the run's log has the details) · [comment](https://github.com/c/"
    assert crash in failed
    assert "templates exploded" not in failed
    broken.clear()

    edit = github_env.tick(REPO, issue["number"], box(issue, request_id), "alice")
    assert "- [x] **retry**" in str(github_env.repos[REPO].issues[issue["number"]]["body"])
    send(client, edit, "issues")
    send(client, edit, "issues")  # the same edit delivered twice, under two delivery ids
    runs_done(service, 3)
    triaged(service, 4)
    counts = service.queue.counts()
    assert counts.get("runs.done") == 3 and "runs.pending" not in counts  # exactly one more run
    body = str(the_dashboard(github_env)["body"])
    assert "- [x]" not in body and "## Failed runs" not in body  # reset, and nothing failed now
    retried = [line for line in body.splitlines() if f"ticked **retry** for `{request_id}`" in line]
    assert len(retried) == 2
    assert "run again as `" in retried[1]  # the older note is further down
    assert "nothing to do, it is no longer a failed run here" in retried[0]
    assert len(github_env.repos[REPO].pulls) == 2
    assert github_env.violations == []


def test_a_box_ticked_without_permission_does_nothing_but_say_why(
    app: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = app
    node = record_node(str(service.queue.location))
    assert service.dashboards is not None
    service.dashboards.refresh(REPO, 42)
    issue = the_dashboard(github_env)
    edit = github_env.tick(REPO, issue["number"], box(issue, node.path), "mallory")
    send(client, edit, "issues")
    own = github_env.tick(REPO, issue["number"], box(issue, node.path), "onex-nodegen[bot]")
    own["sender"].update(type="Bot")
    send(client, own, "issues")  # the App's own edits are never acted on
    triaged(service, 2)
    body = str(the_dashboard(github_env)["body"])
    assert "- [x]" not in body and f"- [ ] **regenerate** `{node.path}`" in body
    (note,) = [line for line in body.splitlines() if "@mallory ticked **regenerate**" in line]
    assert "nothing done: only collaborators with write access" in note
    assert service.dashboards.store.approvals(REPO) == {}
    assert service.queue.counts().get("runs.pending") is None
    assert github_env.repos[REPO].pulls == {}


def deliver_ledger(fake: FakeGitHub, location: str) -> DeliveredNode:
    """A node the App delivered with today's templates: its files on a bot branch, recorded."""
    prompt = "Effect node named ledger_effect that appends entries to a ledger."
    options = GenerationOptions(
        node_type=NodeType.EFFECT, target=Target.STANDALONE, package="nodes"
    )
    spec, files = render_files(prompt, options)
    layout = NodeLayout.of(spec, "nodes")
    branch = f"nodegen/{layout.name}"
    repo = fake.repos[REPO]
    repo.refs[branch] = repo.refs["main"]
    sha = fake.push(REPO, branch, files.files, "bot")
    node = DeliveredNode(
        key=node_key(REPO, layout.node_dir),
        repository=REPO,
        installation_id=42,
        path=layout.node_dir,
        node_name=layout.name,
        branch=branch,
        pr_number=None,
        commit_sha=sha,
        lock=next(text for path, text in files.files.items() if path.endswith(LOCK_FILE)),
    )
    NodeRegistry(location).record(node)
    return node


def sensor_tick(service: WebhookService, instance: DagsterInstance) -> SensorResult:
    resources = {
        "queue": RequestQueueResource(path=str(service.queue.location)),
        "github": GitHubResource(),
    }
    with build_sensor_context(instance=instance, resources=resources) as context:
        result = template_drift_sensor(context)
    assert isinstance(result, SensorResult)
    return result


@pytest.fixture
def ledger(app: tuple[TestClient, WebhookService], github_env: FakeGitHub) -> DeliveredNode:
    """A node delivered with today's templates (requested before ``new_templates``: v99)."""
    return deliver_ledger(github_env, str(app[1].queue.location))


def test_regeneration_approve_lists_a_stale_node_and_opens_no_pr_until_its_box_is_ticked(
    app: tuple[TestClient, WebhookService],
    github_env: FakeGitHub,
    ledger: DeliveredNode,
    new_templates: None,
) -> None:
    client, service = app
    node = ledger
    instance = DagsterInstance.from_config(str(service.nodegen.dagster_home))
    result = sensor_tick(service, instance)  # regeneration: approve, the default
    requests = result.run_requests or []
    assert [r.job_name for r in requests] == [REFRESH_JOB]  # list it; regenerate nothing
    job = build_definitions(service.nodegen).resolve_job_def(REFRESH_JOB)
    assert job.execute_in_process(instance=instance, run_config=requests[0].run_config).success
    issue = the_dashboard(github_env)
    assert f"- [ ] **regenerate** `{node.path}` (templates v4 → v99)" in str(issue["body"])
    assert "stale: tick **regenerate** to update it" in str(issue["body"])
    for partitions in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(
            partitions.partitions_def_name, list(partitions.partition_keys or [])
        )
    again = sensor_tick(service, instance).run_requests or []
    assert [r.run_key for r in again] == [requests[0].run_key]  # Dagster runs a key once
    assert github_env.repos[REPO].pulls == {}

    assert service.dashboards is not None
    store, ticked = service.dashboards.store, service.queue.counts().get("deliveries.done", 0) + 1
    send(client, github_env.tick(REPO, issue["number"], box(issue, node.path), "alice"), "issues")

    def regenerated() -> bool:  # its PR opened, or it ended without one (run or triage failed)
        counts = service.queue.counts()
        ended = counts.get("deliveries.done", 0) >= ticked and not store.approvals(REPO)
        return bool(github_env.repos[REPO].pulls) or ended or "deliveries.dead" in counts

    wait_for(regenerated, 300, "the regeneration run")
    (pull,) = github_env.repos[REPO].pulls.values()
    assert pull["title"] == "Regenerate ledger_effect with templates v99"
    wait_for(lambda: "update proposed in" in str(the_dashboard(github_env)["body"]), 60, "render")
    body = str(the_dashboard(github_env)["body"])
    assert f"update proposed in #{pull['number']}" in body and "- [x]" not in body
    assert "**regenerate** for `" + node.key + "`: regeneration requested" in body
    assert "nodegen:regenerate:" not in body  # no box left: it is not stale any more
    assert service.dashboards is not None and service.dashboards.store.approvals(REPO) == {}
    assert github_env.violations == []


def test_approved_regenerations_are_launched_by_the_drift_sensor_too(
    app: tuple[TestClient, WebhookService], github_env: FakeGitHub, tmp_path: Path
) -> None:
    _client, service = app
    service.stop_workers()  # no warm launcher: the daemon's sensor launches
    node = record_node(str(service.queue.location))
    assert service.dashboards is not None
    assert service.dashboards.store.approve(node.key, REPO, "4", "alice")
    (tmp_path / "dagster").mkdir()
    instance = DagsterInstance.local_temp(tempdir=str(tmp_path / "dagster"))
    requests = sensor_tick(service, instance).run_requests or []
    approved = [r for r in requests if r.job_name == REGENERATE_JOB]
    assert [r.partition_key for r in approved] == [node.key]
    assert str(approved[0].run_key).startswith(f"{node.key}@4@approved-")
    assert sensor_tick(service, instance).run_requests == [
        r for r in requests if r.job_name != REGENERATE_JOB
    ]  # claimed once: the next tick launches it no more


def test_an_invalid_config_appears_on_the_dashboard_and_goes_when_fixed(
    app: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = app
    bad = f"regeneration: sometimes\nsurprise: true\ncopyright: {SECRET}\n"
    github_env.push(REPO, "main", {CONFIG: bad}, "alice")
    send(client, comment_payload("/generate-node a node with ping operations"), "issue_comment")
    triaged(service, 1)
    issue = the_dashboard(github_env)
    (reply,) = [c["body"] for c in github_env.repos[REPO].comments.values()]
    assert f"[onex-nodegen dashboard]({issue['html_url']})" in reply
    body = str(issue["body"])
    assert body.index("## ⚠️ Configuration problems") < body.index("## Delivered nodes")
    assert "- `regeneration`: Input should be 'auto', 'approve' or 'off'" in body
    assert "- `surprise`: Extra inputs are not permitted" in body
    assert "runs.pending" not in service.queue.counts()

    # A YAML error quotes the file's own line; a configured secret in it is redacted.
    github_env.push(REPO, "main", {CONFIG: f"labels: [{SECRET}\n"}, "alice")
    send(client, push_payload([CONFIG]), "push")
    triaged(service, 2)
    body = str(the_dashboard(github_env)["body"])
    assert "- `(the file)`: not valid YAML" in body and SECRET not in body

    github_env.push(REPO, "main", {CONFIG: "regeneration: approve\n"}, "alice")
    send(client, push_payload(["README.md"]), "push")  # another file: nothing to do
    send(client, push_payload([CONFIG]), "push")
    triaged(service, 4)
    body = str(the_dashboard(github_env)["body"])
    assert "Configuration problems" not in body
    assert "Settings from `.github/nodegen.yml`: regeneration `approve`" in body
    assert github_env.violations == []


def test_a_deleted_dashboard_is_made_again_once(
    app: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = app
    record_node(str(service.queue.location))
    assert service.dashboards is not None
    service.dashboards.refresh(REPO, 42)
    first = the_dashboard(github_env)
    github_env.delete_issue(REPO, first["number"])
    deleted = issues_payload(REPO, first, "alice", action="deleted")
    send(client, deleted, "issues")
    send(client, deleted, "issues")  # delivered twice
    triaged(service, 2)
    again = the_dashboard(github_env)
    assert again["number"] != first["number"] and len(github_env.repos[REPO].issues) == 2
    assert service.dashboards.refresh(REPO, 42) == again["html_url"]
    assert len(github_env.repos[REPO].issues) == 2
    assert github_env.violations == []


@pytest.mark.parametrize(("limit", "due"), [(1, 0), (2, 1), (0, 2)])
def test_auto_regeneration_waits_while_max_open_pulls_are_open(
    app: tuple[TestClient, WebhookService],
    github_env: FakeGitHub,
    tmp_path: Path,
    limit: int,
    due: int,
) -> None:
    _client, service = app
    config = f"regeneration: auto\nmax_open_pulls: {limit}\n"
    github_env.push(REPO, "main", {CONFIG: config}, "alice")
    repo = github_env.repos[REPO]
    repo.pulls[100] = {  # one pull request of the App is open already
        "number": 100,
        "state": "open",
        "title": "Add generated compute node invoices_compute",
        "head": {"ref": "nodegen/invoices_compute-1234567", "sha": repo.refs["main"]},
        "base": {"ref": "main"},
        "html_url": f"https://github.com/{REPO}/pull/100",
    }
    for path in ("nodes/node_audit_effect", "nodes/node_ledger_effect"):
        record_node(str(service.queue.location), path)  # both stale (template set 3)
    (tmp_path / "dagster").mkdir()
    instance = DagsterInstance.local_temp(tempdir=str(tmp_path / "dagster"))
    requests = sensor_tick(service, instance).run_requests or []
    assert [r.job_name for r in requests] == [REGENERATE_JOB] * due  # no dashboard run: auto
    assert service.dashboards is not None
    service.dashboards.refresh(REPO, 42)
    body = str(the_dashboard(github_env)["body"])
    assert "the template-drift sensor opens its PR" in body and "nodegen:regenerate" not in body
    assert ("The sensor waits: 1 pull requests are open" in body) == (limit == 1)
