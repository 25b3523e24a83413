"""Webhook server: signatures, limits, idempotency, permissions, config, replies (no runs)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from githubkit.exception import RequestFailed
from starlette.testclient import TestClient

from codegen_assets.core.models import GenerationRequest, Target
from codegen_assets.core.settings import NodegenSettings
from codegen_assets.storage.artifacts import ArtifactStore
from github_app.commands import HELP, CommandError, parse_command, safe_repo_path
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO, comment_payload, signed, wait_for
from github_app.repo_config import load_repo_config
from github_app.server import WebhookService
from github_app.settings import AppSettings

RUNNABLE = "/generate-node a node with ping operations"


@pytest.fixture
def service(github_env: FakeGitHub, tmp_path: Path) -> Iterator[tuple[TestClient, WebhookService]]:
    svc = WebhookService(NodegenSettings(home=tmp_path / "home"), AppSettings())
    with TestClient(svc.app) as client:
        yield client, svc


def post(
    client: TestClient,
    payload: dict[str, object] | bytes,
    event: str = "issue_comment",
    delivery: str | None = None,
    secret: str | None = None,
) -> tuple[int, dict[str, object]]:
    body, headers = signed(payload, event, delivery, **({"secret": secret} if secret else {}))
    response = client.post("/webhook", content=body, headers=headers)
    return response.status_code, response.json()


def triaged(svc: WebhookService, n: int = 1) -> None:
    wait_for(lambda: svc.queue.counts().get("deliveries.done", 0) >= n, 30, "triage")


def comments(fake: FakeGitHub) -> list[str]:
    return [c["body"] for c in fake.repos[REPO].comments.values()]


def test_signed_delivery_is_queued_once(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    payload = comment_payload(
        "/generate-node Create a store node named store_effect with save operations"
    )
    assert post(client, payload, delivery="d-1") == (202, {"delivery": "d-1", "status": "queued"})
    assert post(client, payload, delivery="d-1") == (
        200,
        {"delivery": "d-1", "status": "duplicate"},
    )
    triaged(svc)
    counts = svc.queue.counts()
    assert counts["deliveries.done"] == 1 and counts["runs.pending"] == 1
    assert github_env.repos[REPO].reactions == [(7001, "eyes")]
    (check,) = github_env.repos[REPO].check_runs.values()
    assert check["status"] == "queued" and check["name"] == "onex-nodegen"
    assert github_env.violations == []


@pytest.mark.parametrize(
    "headers",
    [
        {"x-hub-signature-256": "sha256=" + "0" * 64},
        {"x-hub-signature-256": "sha1=abc"},
        {"x-hub-signature-256": ""},
    ],
)
def test_forged_or_missing_signature_is_401(
    service: tuple[TestClient, WebhookService], headers: dict[str, str]
) -> None:
    client, svc = service
    body, good = signed(comment_payload("/generate-node x"), "issue_comment")
    response = client.post("/webhook", content=body, headers={**good, **headers})
    assert response.status_code == 401
    assert svc.queue.counts() == {}


def test_wrong_secret_is_401(service: tuple[TestClient, WebhookService]) -> None:
    client, svc = service
    status, _ = post(client, comment_payload("/generate-node x"), secret="not-the-secret")
    assert status == 401 and svc.queue.counts() == {}


def test_oversized_body_is_413(service: tuple[TestClient, WebhookService]) -> None:
    client, svc = service
    body = b"{" + b" " * (AppSettings().max_body_bytes + 1) + b"}"
    status, payload = post(client, body)
    assert status == 413 and "payload over" in str(payload["error"])
    assert svc.queue.counts() == {}


def test_non_collaborator_gets_a_polite_reply(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    post(client, comment_payload("/generate-node a node", login="mallory", association="NONE"))
    triaged(svc)
    assert "runs.pending" not in svc.queue.counts()
    assert any("only collaborators with write access" in c for c in comments(github_env))


def test_org_admin_reported_as_none_is_allowed(service: tuple[TestClient, WebhookService]) -> None:
    client, svc = service
    post(client, comment_payload(RUNNABLE, login="orgadmin", association="NONE"))
    triaged(svc)
    assert svc.queue.counts()["runs.pending"] == 1


@pytest.mark.parametrize(
    ("login", "user_type", "action"),
    [
        ("some-ci[bot]", "Bot", "created"),
        ("onex-nodegen[bot]", "Bot", "created"),
        ("alice", "User", "edited"),
        ("alice", "User", "deleted"),
    ],
)
def test_bots_edits_and_deletions_start_nothing(
    service: tuple[TestClient, WebhookService],
    github_env: FakeGitHub,
    login: str,
    user_type: str,
    action: str,
) -> None:
    client, svc = service
    post(
        client,
        comment_payload("/generate-node a node", login=login, user_type=user_type, action=action),
    )
    triaged(svc)
    assert "runs.pending" not in svc.queue.counts()
    assert comments(github_env) == [] and github_env.repos[REPO].reactions == []


def test_malformed_config_gets_a_clear_comment(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    github_env.push(REPO, "main", {".github/nodegen.yml": "labels: 5\nsurprise: true\n"}, "alice")
    client, svc = service
    post(client, comment_payload("/generate-node a node"))
    triaged(svc)
    assert "runs.pending" not in svc.queue.counts()
    (reply,) = comments(github_env)
    assert ".github/nodegen.yml is invalid" in reply and "surprise" in reply


def test_a_request_that_names_no_operation_is_answered_with_what_was_understood(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    post(client, comment_payload("/generate-node an effect node that stores things"))
    triaged(svc)
    assert "runs.pending" not in svc.queue.counts()
    (reply,) = comments(github_env)
    assert "I did not understand enough" in reply and "no operation could be read" in reply
    assert "| type | effect |" in reply and "| operations | process |" in reply
    assert "no run started" in reply and "```yaml\n" in reply and "spec_version: 1" in reply


UNPLACED = (
    "/generate-node Effect node named audit_writer_effect with a save operation that takes "
    "row_id (uuid) and writes rows to the audit_log table."
)


def _last_request(svc: WebhookService) -> GenerationRequest:
    last = svc.queue.last_request(REPO, 7)
    assert last is not None
    return svc.store.get_request(last)


def test_an_unplaced_name_gets_a_draft_spec_questions_and_no_run_then_confirm_runs_the_draft(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    post(client, comment_payload(UNPLACED))
    triaged(svc)
    assert "runs.pending" not in svc.queue.counts()
    (reply,) = comments(github_env)
    assert "`audit_log`" in reply and "Names I did not place" in reply
    assert "1. What is `audit_log`" in reply and "*Recommended: leave it out*" in reply
    draft = reply.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert draft.startswith("# What onex-nodegen understood")
    assert "name: audit_writer_effect" in draft
    post(client, comment_payload("/generate-node confirm"))
    triaged(svc, 2)
    assert svc.queue.counts()["runs.pending"] == 1
    request = _last_request(svc)
    assert not request.request_id.startswith("draft-")
    assert request.prompt == draft  # exactly the draft, which the run reads as a spec


def test_confirm_without_a_draft_says_so(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    post(client, comment_payload("/generate-node confirm"))
    triaged(svc)
    assert "runs.pending" not in svc.queue.counts()
    assert comments(github_env) == [
        "There is no draft spec here to confirm; ask with `/generate-node`."
    ]


EDITED = """Here is the spec, edited:

```yaml
spec_version: 1
name: audit_writer_effect
node_type: effect
description: Writes audit rows.
operations:
- name: save
  inputs:
  - name: row_id
    type: uuid
  - name: table_name
    type: string
    max_length: 63
```
"""


def test_an_edited_yaml_spec_runs_exactly_that_spec(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    post(client, comment_payload(EDITED))
    triaged(svc)
    assert svc.queue.counts()["runs.pending"] == 1
    request = _last_request(svc)
    assert request.prompt.startswith("spec_version: 1") and "table_name" in request.prompt
    assert comments(github_env) == []  # a run, not a draft


def test_help_and_bad_options_are_answered(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    post(client, comment_payload("/generate-node help"))
    post(client, comment_payload("/generate-node --output-dir ../../etc a node", issue=8))
    triaged(svc, 2)
    replies = comments(github_env)
    assert HELP in replies
    assert any("is not a plain relative path" in r for r in replies)
    assert "runs.pending" not in svc.queue.counts()


def test_health(service: tuple[TestClient, WebhookService]) -> None:
    client, _ = service
    assert client.get("/health").json()["status"] == "ok"


def test_command_parsing_strips_hidden_text() -> None:
    command = parse_command(
        "hi <!-- /generate-node evil -->\n/generate-node --type compute "
        "--no-intelligence Sum\u200b numbers\nwith add operations"
    )
    assert command is not None and command.action == "generate"
    assert command.prompt == "Sum numbers\nwith add operations"
    assert command.enable_intelligence is False and command.node_type is not None
    assert parse_command("no command here") is None
    assert parse_command("/generate-nodes x") is None
    with pytest.raises(CommandError, match="needs a description"):
        parse_command("/generate-node")
    with pytest.raises(CommandError):
        safe_repo_path("/abs/path")
    assert safe_repo_path("nodes/effects/") == "nodes/effects"


def test_installation_token_is_reused(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    installation = 4242  # githubkit's token cache is per process: use an id no test used before
    post(client, comment_payload("/generate-node help", installation=installation))
    post(client, comment_payload("/generate-node help", issue=9, installation=installation))
    triaged(svc, 2)
    path = f"/app/installations/{installation}/access_tokens"
    assert [r for r in github_env.requests if r[1] == path] == [("POST", path)]


def test_sensor_turns_queued_requests_into_partitioned_runs(tmp_path: Path) -> None:
    from dagster import SensorResult, build_sensor_context

    from codegen_assets.orchestration.resources import RequestQueueResource
    from codegen_assets.orchestration.sensors import github_requests_sensor

    queue = RequestQueueResource(path=str(tmp_path / "q.sqlite3"))
    queue.queue().enqueue_run("r1", "d1")
    queue.queue().enqueue_run("r2", "d2")
    result = github_requests_sensor(build_sensor_context(resources={"queue": queue}))
    assert isinstance(result, SensorResult) and result.run_requests is not None
    assert result.dynamic_partitions_requests is not None
    assert [r.partition_key for r in result.run_requests] == ["r1", "r2"]
    assert [r.run_key for r in result.run_requests] == ["r1", "r2"]
    assert result.dynamic_partitions_requests[0].partition_keys == ["r1", "r2"]
    again = github_requests_sensor(
        build_sensor_context(resources={"queue": queue}, cursor=result.cursor)
    )
    assert isinstance(again, SensorResult) and again.run_requests == []


def test_malformed_payload_is_ignored_not_retried(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    client, svc = service
    assert post(client, {"action": "created", "comment": {"body": "/generate-node x"}})[0] == 202
    triaged(svc)
    assert "runs.pending" not in svc.queue.counts()
    assert github_env.requests == []


def test_allowed_users_and_teams_restrict_who_may_trigger(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    github_env.push(
        REPO,
        "main",
        {".github/nodegen.yml": "allowed_users: [bob]\nallowed_teams: [node-makers]\n"},
        "alice",
    )
    github_env.teams[("octo-org", "node-makers")] = {"orgadmin"}
    client, svc = service
    post(client, comment_payload("/generate-node a node", login="alice"))  # admin, not listed
    post(client, comment_payload(RUNNABLE, login="orgadmin", issue=8))  # in team
    triaged(svc, 2)
    assert svc.queue.counts()["runs.pending"] == 1
    assert any("only collaborators" in c for c in comments(github_env))
    assert github_env.violations == []


def test_repository_config_chooses_the_target_profile(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    github_env.push(REPO, "main", {".github/nodegen.yml": "target: standalone\n"}, "alice")
    client, svc = service
    post(client, comment_payload("/generate-node compute node with double operations"))
    triaged(svc)
    (request_id,) = svc.queue.claim_runs(5)
    assert svc.store.get_request(request_id).options.target is Target.STANDALONE
    assert load_repo_config(None).target is Target.ONEX


def test_the_fake_github_answers_contents_at_a_commit(github_env: FakeGitHub) -> None:
    """``?ref=`` names a branch or a commit (in full or by an unambiguous prefix): each commit
    answers with its own files."""
    from githubkit_schemas.latest.models import ContentFile

    from github_app.client import installation_client, parsed

    before = github_env.repos[REPO].refs["main"]
    after = github_env.push(REPO, "main", {"ruff.toml": "line-length = 72\n"}, "alice")
    gh = installation_client(AppSettings(), 42)
    owner, name = REPO.split("/")

    def read(ref: str) -> str | None:
        try:
            found = parsed(gh.rest.repos.get_content(owner, name, "ruff.toml", ref=ref))
        except RequestFailed as exc:
            assert exc.response.status_code == 404
            return None
        assert isinstance(found, ContentFile)
        return base64.b64decode(found.content).decode()

    assert read(after) == read(after[:7]) == read("main") == "line-length = 72\n"
    assert read(before) is None and read("0" * 40) is None
    assert github_env.violations == []


def test_a_pull_request_comment_reads_the_style_at_the_pull_requests_head_commit(
    service: tuple[TestClient, WebhookService], github_env: FakeGitHub
) -> None:
    repo = github_env.repos[REPO]
    repo.refs["restyle"] = repo.refs["main"]
    head = github_env.push(REPO, "restyle", {"ruff.toml": "line-length = 72\n"}, "alice")
    number = github_env.open_pull(REPO, "restyle", "Narrower lines", "alice")
    client, svc = service
    post(client, comment_payload(RUNNABLE, issue=number, pull_request=True))
    triaged(svc)
    (check,) = repo.check_runs.values()
    request = ArtifactStore(svc.nodegen.artifact_db).get_request(check["external_id"])
    assert check["head_sha"] == head and request.style is not None
    assert request.style.text == "line-length = 72\n"
    assert request.style.source == f"hello/ruff.toml@{head[:7]}"
