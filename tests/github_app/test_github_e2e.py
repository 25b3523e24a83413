"""Bot mode end to end: signed comment → queue → Dagster run → pull request on the fake GitHub."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster import AssetKey, DagsterInstance
from starlette.testclient import TestClient

from codegen_assets.cli.github import in_process_runner
from codegen_assets.core.models import ValidationReport
from codegen_assets.core.pipeline import STAGES
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.core.stages import validation_report as validation
from codegen_assets.core.validation.report import quality_score
from codegen_assets.orchestration.deployments import build_definitions
from codegen_assets.orchestration.jobs import GENERATE_PR_JOB
from codegen_assets.storage.artifacts import ArtifactStore
from codegen_assets.storage.registry import NodeRegistry
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO, comment_payload, example, signed, wait_for
from github_app.server import WebhookService
from github_app.settings import AppSettings
from tests.conftest import share_caches
from tests.support.prompts import CHECKSUM

pytestmark = pytest.mark.e2e
PROMPT = f"/generate-node --type compute {CHECKSUM}"
NODE = "nodes/node_invoices_compute"  # .github/nodegen.yml's default output_base: package nodes
TESTS = "tests/unit/nodes/node_invoices_compute"


@pytest.fixture
def bot(
    github_env: FakeGitHub, tmp_path: Path, shared_mypy_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, WebhookService]]:
    share_caches(monkeypatch, shared_mypy_cache)
    nodegen = NodegenSettings(home=tmp_path / "home")
    service = WebhookService(nodegen, AppSettings(), runner=in_process_runner(nodegen))
    with TestClient(service.app) as client:
        yield client, service


def send(
    client: TestClient,
    payload: dict[str, object],
    event: str = "issue_comment",
    delivery: str | None = None,
) -> int:
    body, headers = signed(payload, event, delivery)
    return int(client.post("/webhook", content=body, headers=headers).status_code)


def runs_done(service: WebhookService, n: int) -> None:
    """Wait for ``n`` finished runs; a run dead-lettered meanwhile (it will never finish) fails
    the test at once, with its reason."""

    def settled() -> bool:
        counts = service.queue.counts()
        return counts.get("runs.done", 0) >= n or counts.get("runs.dead", 0) > 0

    wait_for(settled, 180, f"{n} runs")
    assert service.queue.counts().get("runs.done", 0) >= n, service.queue.dead_letters()


def pr_files(fake: FakeGitHub, branch: str) -> dict[str, str]:
    return {p: c.decode() for p, c in fake.repos[REPO].files_at(branch).items()}


def test_comment_becomes_a_pull_request(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = bot
    assert send(client, comment_payload(PROMPT), delivery="e2e-1") == 202
    assert send(client, comment_payload(PROMPT), delivery="e2e-1") == 200  # redelivery
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    (pull,) = repo.pulls.values()
    branch = pull["head"]["ref"]
    assert branch.startswith("nodegen/invoices_compute-")
    files = pr_files(github_env, branch)
    for path in (
        f"{NODE}/contract.yaml",
        f"{NODE}/node.py",
        f"{NODE}/handlers/handler_verify.py",
        f"{NODE}/models/model_verify_request.py",
        "nodes/__init__.py",  # the package the repository did not have yet
        f"{TESTS}/test_handler_verify.py",
        f"{TESTS}/test_runtime.py",
    ):
        assert path in files
    assert "| pytest | pass |" in pull["body"] and "Quality score:** 1.000" in pull["body"]
    assert not pull["draft"]
    assert repo.labels[pull["number"]] == ["generated-node"]
    assert repo.reviewers[pull["number"]] == ["alice"]
    final = [c["body"] for c in repo.comments.values()]
    assert any(pull["html_url"] in body and "Quality score" in body for body in final)
    (check,) = repo.check_runs.values()
    assert check["status"] == "completed" and check["conclusion"] == "success"
    assert all(f"- [x] {stage}" in check["output"]["summary"] for stage in STAGES)
    assert service.queue.counts()["runs.done"] == 1  # the redelivery started nothing
    assert github_env.violations == []

    # A second request for the same node on the same issue updates the same branch and PR.
    assert send(client, comment_payload(PROMPT + " and a sum")) == 202
    runs_done(service, 2)
    assert len(repo.pulls) == 1
    head = repo.refs[branch]
    assert (
        len(repo.commits[head]["parents"]) == 1
        and repo.commits[head]["parents"][0] != repo.refs["main"]
    )
    assert github_env.violations == []


def test_github_502_twice_then_success(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = bot
    github_env.inject("POST", "/git/trees", 502, times=2)
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    assert len(github_env.repos[REPO].pulls) == 1
    assert github_env.requests.count(("POST", "/repos/octo-org/hello/git/trees")) == 3


def test_refused_ref_keeps_the_code_and_tells_the_user(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub, tmp_path: Path
) -> None:
    client, service = bot
    github_env.inject("POST", "/git/refs", 422, times=1)
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    assert repo.pulls == {}
    (message,) = [c["body"] for c in repo.comments.values()]
    assert "could not write the pull request: GitHub answered 422" in message
    assert "<summary>Generated files as a patch</summary>" in message
    request_id = message.split("omninode-generate recover ")[1].split()[0]
    store = ArtifactStore(service.nodegen.artifact_db)
    name, kept = store.get_files(request_id)
    assert name == "invoices_compute" and f"{NODE}/node.py" in kept.files
    written = store.restore(request_id, tmp_path / "restored")
    assert {p: (tmp_path / "restored" / p).read_text() for p in written} == kept.files
    # the user was told, and for how long: retention counts the days from the comment
    assert "kept in the artifact store for 30 days" in message
    assert store.held_code(time.time()) == {request_id}
    assert store.held_code(time.time() + 31 * 86400) == set()


def test_prune_never_removes_kept_code_when_the_comment_telling_it_failed(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = bot
    github_env.inject("POST", "/git/refs", 422, times=1)
    github_env.inject("POST", "/issues/7/comments", 422, times=1)
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    assert github_env.repos[REPO].comments == {}
    store = ArtifactStore(service.nodegen.artifact_db)
    (held,) = store.held_code(time.time() + 3650 * 86400)  # nobody was told: kept for good
    assert store.get_files(held)[0] == "invoices_compute"


def test_human_push_is_never_overwritten(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = bot
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    (pull,) = repo.pulls.values()
    branch = pull["head"]["ref"]
    human = github_env.push(REPO, branch, {f"{NODE}/node.py": "# mine\n"}, "alice")
    send(client, comment_payload("/generate-node retry"))
    runs_done(service, 2)
    assert repo.refs[branch] == human
    assert any("A person has pushed" in c["body"] for c in repo.comments.values())


def test_check_run_rerun_button_reruns_the_request(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = bot
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    (check,) = repo.check_runs.values()
    payload = example("check_run", "rerequested")
    payload["repository"].update(full_name=REPO)
    payload["check_run"].update(name="onex-nodegen", external_id=check["external_id"])
    payload["installation"] = {"id": 42}
    assert send(client, payload, event="check_run") == 202
    runs_done(service, 2)
    assert len(repo.check_runs) == 2 and len(repo.pulls) == 1
    rerun = next(c for c in repo.check_runs.values() if c["id"] != check["id"])
    assert rerun["external_id"] != check["external_id"]
    assert rerun["status"] == "completed" and rerun["conclusion"] == "success"


def test_failed_validation_is_delivered_as_a_draft(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = validation.validate_files

    def failing(*args: Any, **kwargs: Any) -> ValidationReport:
        report = real(*args, **kwargs)
        checks = tuple(
            c.model_copy(update={"passed": False}) if c.name == "pytest" else c
            for c in report.checks
        )
        return report.model_copy(update={"checks": checks, "quality_score": quality_score(checks)})

    monkeypatch.setattr("codegen_assets.orchestration.resources.validate_files", failing)
    client, service = bot
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    (pull,) = repo.pulls.values()
    assert pull["draft"] is True
    assert "Needs review" in pull["body"] and "| pytest | FAIL |" in pull["body"]
    (check,) = repo.check_runs.values()
    assert check["conclusion"] == "failure"
    assert "generated node failed: pytest" in check["output"]["summary"]
    assert any("draft: needs review" in c["body"] for c in repo.comments.values())


def test_request_survives_a_restart(
    github_env: FakeGitHub, tmp_path: Path, shared_mypy_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share_caches(monkeypatch, shared_mypy_cache)
    home = tmp_path / "home"
    first = WebhookService(NodegenSettings(home=home), AppSettings())
    with TestClient(first.app) as client:  # receives and triages, then "dies" before launching
        assert send(client, comment_payload(PROMPT)) == 202
        wait_for(lambda: first.queue.counts().get("runs.pending", 0) == 1, 30, "triage")
    first.queue.claim_runs(1)  # as if a launcher had claimed it and crashed mid-run
    second = WebhookService(
        NodegenSettings(home=home),
        AppSettings(),
        runner=in_process_runner(NodegenSettings(home=home)),
    )
    with TestClient(second.app):
        runs_done(second, 1)
    assert len(github_env.repos[REPO].pulls) == 1


def test_daemon_path_sensor_launches_the_run(
    github_env: FakeGitHub, tmp_path: Path, shared_mypy_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --launcher dagster the served app only records and triages; the sensor launches."""
    from dagster import SensorResult, build_sensor_context

    from codegen_assets.orchestration.embedded import EmbeddedRunner
    from codegen_assets.orchestration.jobs import GENERATE_PR_JOB
    from codegen_assets.orchestration.sensors import github_requests_sensor

    share_caches(monkeypatch, shared_mypy_cache)
    settings = NodegenSettings(home=tmp_path / "home")
    service = WebhookService(settings, AppSettings())
    with TestClient(service.app) as client:
        assert send(client, comment_payload(PROMPT)) == 202
        wait_for(lambda: service.queue.counts().get("runs.pending", 0) == 1, 30, "triage")
    runner = EmbeddedRunner(settings, job_name=GENERATE_PR_JOB)  # stands in for the daemon
    resources = {"queue": runner.job.resource_defs["queue"]}
    result = github_requests_sensor(
        build_sensor_context(instance=runner.instance, resources=resources)
    )
    assert isinstance(result, SensorResult) and result.run_requests
    (run_request,) = result.run_requests
    for partitions in result.dynamic_partitions_requests or []:
        runner.instance.add_dynamic_partitions(
            partitions.partitions_def_name, list(partitions.partition_keys or [])
        )
    launched = runner.job.execute_in_process(
        instance=runner.instance, partition_key=run_request.partition_key
    )
    assert launched.success
    repo = github_env.repos[REPO]
    assert len(repo.pulls) == 1
    # The run reported its own progress: no launcher was watching it.
    (check,) = repo.check_runs.values()
    assert check["status"] == "completed" and check["conclusion"] == "success"
    assert all(f"- [x] {stage}" in check["output"]["summary"] for stage in STAGES)
    ticks = [u for u in repo.check_run_updates if u.get("status") == "in_progress"]
    assert ticks and "- [ ]" in ticks[0]["output"]["summary"]
    assert service.queue.counts().get("runs.done") == 1


def test_a_run_that_fails_midway_concludes_its_check_run_and_says_where(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object) -> None:
        raise RuntimeError("the templates exploded")

    monkeypatch.setattr("codegen_assets.orchestration.assets.render_node_code", explode)
    client, service = bot
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    assert repo.pulls == {}
    (check,) = repo.check_runs.values()
    assert check["status"] == "completed" and check["conclusion"] == "failure"
    assert "Stopped at `node_code`" in check["output"]["summary"]
    assert "- [x] contract" in check["output"]["summary"]
    (stopped,) = [c["body"] for c in repo.comments.values()]
    assert "Generation stopped at stage `node_code`: failed: RuntimeError" in stopped
    # an exception's message may quote anything (a tool's output, a host path): not posted
    posted = [stopped, check["output"]["summary"]]
    assert not any("templates exploded" in text for text in posted)


def test_refine_on_the_pull_request_adds_an_operation(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = bot
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    (pull,) = repo.pulls.values()
    number, branch = pull["number"], pull["head"]["ref"]
    first_commit = NodeRegistry(service.queue.location).by_pull_request(REPO, number)
    assert first_commit is not None

    refine = "/generate-node refine add operation archive_state with input reason (string)"
    assert send(client, comment_payload(refine, issue=number, pull_request=True)) == 202
    runs_done(service, 2)
    assert len(repo.pulls) == 1 and repo.pulls[number]["head"]["ref"] == branch
    files = pr_files(github_env, branch)
    request = f"{NODE}/models/model_archive_state_request.py"
    assert "operation: invoices.archive_state" in files[f"{NODE}/contract.yaml"]
    assert "reason: str" in files[request]
    assert "class HandlerArchiveState:" in files[f"{NODE}/handlers/handler_archive_state.py"]
    assert f"{TESTS}/test_handler_archive_state.py" in files
    assert "| pytest | pass |" in repo.pulls[number]["body"]
    (summary,) = [c["body"] for c in repo.comments.values() if "What changed" in c["body"]]
    assert "operations added: `invoices.archive_state`" in summary
    assert f"`{request}`" in summary
    node = NodeRegistry(service.queue.location).by_pull_request(REPO, number)
    assert node is not None and node.commit_sha != first_commit.commit_sha

    send(client, comment_payload("/generate-node refine add operation ping", issue=9))
    wait_for(
        lambda: any("not one of them" in c["body"] for c in repo.comments.values()), 30, "reply"
    )
    assert service.queue.counts()["runs.done"] == 2
    assert github_env.violations == []


def test_rerunning_a_stage_from_the_ui_updates_the_same_pull_request(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = bot
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    (pull,) = repo.pulls.values()
    branch, head = pull["head"]["ref"], repo.refs[pull["head"]["ref"]]
    (check,) = repo.check_runs.values()
    request_id = str(check["external_id"])
    # What "Materialize selected" on pull_request for this partition does in the Dagster UI.
    job = build_definitions(service.nodegen).resolve_job_def(GENERATE_PR_JOB)
    result = job.execute_in_process(
        instance=DagsterInstance.from_config(str(service.nodegen.dagster_home)),
        partition_key=request_id,
        asset_selection=[AssetKey("pull_request")],
    )
    assert result.success
    outcome = result.output_for_node("pull_request")
    assert outcome.updated_existing and outcome.pr_number == pull["number"]
    assert len(repo.pulls) == 1 and repo.commits[repo.refs[branch]]["parents"] == [head]
    assert any(c["body"].startswith("Updated ") for c in repo.comments.values())
    assert github_env.violations == []


HOSTILE_EXTENDS = {
    "a host file holding a token": "{token_file}",
    "the worker's own environment": "/proc/self/environ",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_EXTENDS))
def test_a_hostile_ruff_configuration_at_the_pull_requests_head_is_refused_and_never_read(
    bot: tuple[TestClient, WebhookService],
    github_env: FakeGitHub,
    tmp_path: Path,
    case: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A fork's author puts a ruff.toml in the pull request that extends a file of the worker's
    host; a collaborator asks for a node on that pull request. The App reads the configuration
    at the pull request's head commit, refuses it naming the key, and starts nothing: neither
    the token nor anything of the worker's environment reaches GitHub or a log."""
    caplog.set_level(logging.DEBUG)
    canary = "canary-5be81d-host-token"
    token_file = tmp_path / "host" / "token.toml"
    token_file.parent.mkdir()
    token_file.write_text(f'{canary} = "{canary}"\n', encoding="utf-8")
    environ = Path("/proc/self/environ").read_bytes().split(b"\0")
    secrets = [canary, *(entry.decode() for entry in environ if len(entry) > 12)]
    repo = github_env.repos[REPO]
    repo.refs["fork-style"] = repo.refs["main"]
    extend = HOSTILE_EXTENDS[case].format(token_file=token_file)
    head = github_env.push(REPO, "fork-style", {"ruff.toml": f'extend = "{extend}"\n'}, "mallory")
    number = github_env.open_pull(REPO, "fork-style", "Tidy the style", "mallory")
    client, service = bot

    assert send(client, comment_payload(PROMPT, issue=number, pull_request=True)) == 202
    wait_for(lambda: service.queue.counts().get("deliveries.done", 0) == 1, 30, "triage")

    (reply,) = [c["body"] for c in repo.comments.values()]
    assert "I cannot use this repository's ruff configuration" in reply
    assert f"hello/ruff.toml@{head[:7]}: `extend` names a path outside" in reply
    counts = service.queue.counts()
    assert "runs.pending" not in counts and "runs.done" not in counts
    assert repo.check_runs == {} and repo.pulls.keys() == {number}
    posted = [
        *(c["body"] for c in repo.comments.values()),
        *(json.dumps(run) for run in [*repo.check_runs.values(), *repo.check_run_updates]),
        *(json.dumps(pull) for pull in repo.pulls.values()),
        *(json.dumps(commit) for commit in repo.commits.values()),
        *(blob.decode(errors="replace") for blob in repo.blobs.values()),
    ]
    captured = capfd.readouterr()
    logged = [record.getMessage() for record in caplog.records] + [captured.out, captured.err]
    for text in [*posted, *logged]:
        assert not any(secret in text for secret in secrets)
    assert github_env.violations == []


def test_an_edited_spec_on_the_generated_pull_request_updates_that_pull_request(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    """The PR shows the spec it was made from; a reply with that spec edited (a field made
    optional, a bound added) regenerates exactly it, on the same branch and PR."""
    client, service = bot
    send(client, comment_payload(PROMPT))
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    (pull,) = repo.pulls.values()
    body = pull["body"]
    start = body.index("```yaml\n") + len("```yaml\n")
    spec = body[start : body.index("```", start)]
    assert spec.startswith("# What onex-nodegen understood") and "name: amount" in spec
    count = "- name: count\n    type: int\n"
    edited = spec.replace(count, count + "    ge: 0\n", 1)
    assert edited != spec
    reply = comment_payload(f"```yaml\n{edited}```", issue=pull["number"], pull_request=True)
    assert send(client, reply) == 202
    runs_done(service, 2)
    assert len(repo.pulls) == 1
    branch = pull["head"]["ref"]
    model = pr_files(github_env, branch)[f"{NODE}/models/model_verify_request.py"]
    assert re.search(r"count: int = Field\([^)]*ge=0", " ".join(model.split()))
    assert github_env.violations == []


CONTRACT = """\
name: node_ledger_tally_compute
node_type: COMPUTE_GENERIC
description: Tallies ledger entries per account.
input_model: {name: ModelLedgerTallyRequest, module: acme.models.model_ledger_tally_request}
output_model: {name: ModelLedgerTally, module: acme.models.model_ledger_tally}
handler_routing:
  routing_strategy: operation_match
  handlers:
    - operation: ledger.tally
      handler: {name: HandlerLedgerTally, module: acme.handlers.handler_ledger_tally}
    - operation: ledger.reset
      handler: {name: HandlerLedgerReset, module: acme.handlers.handler_ledger_reset}
event_bus:
  subscribe_topics: ["onex.cmd.acme.ledger-tally-requested.v1", "onex.cmd.acme.ledger-reset.v1"]
  publish_topics: ["onex.evt.acme.ledger-tallied.v1"]
"""


def test_a_contract_block_becomes_a_pull_request_keeping_its_facts(
    bot: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, service = bot
    comment = f"/generate-node\nRegenerate this node from its contract:\n```yaml\n{CONTRACT}```\n"
    assert send(client, comment_payload(comment)) == 202
    runs_done(service, 1)
    repo = github_env.repos[REPO]
    (pull,) = repo.pulls.values()
    files = pr_files(github_env, pull["head"]["ref"])
    node = "nodes/node_ledger_tally_compute"
    contract = yaml.safe_load(files[f"{node}/contract.yaml"])
    assert contract["name"] == "node_ledger_tally_compute"
    assert contract["node_type"] == "COMPUTE_GENERIC"
    assert contract["event_bus"]["subscribe_topics"] == [
        "onex.cmd.acme.ledger-tally-requested.v1",
        "onex.cmd.acme.ledger-reset.v1",
    ]
    assert "onex.evt.acme.ledger-tallied.v1" in contract["event_bus"]["publish_topics"]
    routing = contract["handler_routing"]["handlers"]
    assert [(e["operation"], e["handler"]["name"]) for e in routing] == [
        ("ledger.tally", "HandlerLedgerTally"),
        ("ledger.reset", "HandlerLedgerReset"),
    ]
    assert "class HandlerLedgerTally:" in files[f"{node}/handlers/handler_ledger_tally.py"]
    assert "class HandlerLedgerReset:" in files[f"{node}/handlers/handler_ledger_reset.py"]
    assert github_env.violations == []

    bad = comment.replace("COMPUTE_GENERIC", "GADGET_GENERIC")
    send(client, comment_payload(bad, issue=9))
    wait_for(
        lambda: any("node_type: 'GADGET_GENERIC'" in c["body"] for c in repo.comments.values()),
        30,
        "the reply naming the bad key",
    )
    assert service.queue.counts()["runs.done"] == 1  # the bad contract started no run
